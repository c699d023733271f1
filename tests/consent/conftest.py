"""A care team (tests/entries) and an admin who can publish consent documents."""

from typing import Any

import pytest
from sqlmodel import Session

from tests.entries.conftest import Team, team  # noqa: F401  (the fixture)
from tests.factories import make_admin


@pytest.fixture
def admin_h(db: Session, login) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return login(make_admin(db))  # type: ignore[no-any-return]


def publish(tm: Team, admin_h: dict[str, str], kind: str = "care_team_sharing", **kw: Any) -> Any:
    r = tm.client.post(
        "/v1/consent-documents",
        json={"kind": kind, "texts": {"en": f"{kind} text", "es": f"texto {kind}"}} | kw,
        headers=admin_h,
    )
    assert r.status_code == 201, r.text
    return r.json()


def decide(tm: Team, doc_id: str, decision: str) -> Any:
    return tm.client.post(
        "/v1/me/consents", json={"document_id": doc_id, "decision": decision}, headers=tm.ph
    )
