"""Schemathesis over every operation of the OpenAPI schema, in-process, all checks.

Each operation is one test, run as a patient with an open window, as their
therapist and as an admin, inside the rollback-isolated fixtures: nothing a fuzzed
request writes outlives its test. Half of the generated path ids are replaced by ids
that exist (the patient's, their entry, session ...), so the fuzzer gets past
the 404s into the handlers. Seeded and bounded, so the suite stays short.

Every built-in check runs. Schema-valid requests may still meet the API's rules
(a stale If-Match, a deleted entry, a cursor that names no page, a session in the
future): those answer 409, 410, 412 or 428, accepted for positive data. A 400 or a
422 never is: the schema states every rule of a request's shape.
"""

import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.generation.modes import GenerationMode
from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from tests.conftest import TEST_ENCRYPTION_KEYS, Clock
from tests.entries.conftest import iso
from tests.factories import make_admin, make_patient, make_therapist

EXAMPLES = 3


# Refusals that depend on state (409 is accepted by default): a page or entry gone, a
# stale or missing If-Match. Every rule of a request's shape is in the schema (time
# zones, push tokens, the items each instrument asks ...), so 400 and 422 are not.
RULE_STATUSES = ["410", "412", "428"]


def _rules_not_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request the schema allows is never refused for its shape."""
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return None
    assert response.status_code not in (400, 422), response.text
    return True


@pytest.fixture(params=["patient", "therapist", "admin"])
def fuzz_as(
    request: pytest.FixtureRequest, client: TestClient, db: Session, login, clock: Clock
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Who calls, and ids that exist, to swap into generated paths."""
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    ph, th = login(patient), login(therapist)
    now = clock.now
    session = client.post(
        f"/v1/patients/{patient.id}/sessions",
        json={"administered_at": iso(now - timedelta(hours=3)), "route": "im"},
        headers=th,
    ).json()
    entry = client.post(
        "/v1/entries", json={"body": "fuzz seed entry", "written_at": iso(now)}, headers=ph
    ).json()
    item = client.post(
        f"/v1/patients/{patient.id}/integration-sessions",
        json={"session_id": session["id"], "scheduled_at": iso(now + timedelta(hours=26))},
        headers=th,
    ).json()
    ids = {
        "patient_id": str(patient.id),
        "user_id": str(patient.id),
        "therapist_id": str(therapist.id),
        "session_id": session["id"],
        "entry_id": entry["id"],
        "item_id": item["id"],
    }
    headers = {"patient": ph, "therapist": th}.get(request.param) or login(make_admin(db))
    return {"headers": headers, "ids": ids}


class _CurrentApp:
    """An ASGI app that forwards to the app of the running test (rollback-isolated)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def _schema_only_app() -> FastAPI:
    # Only serves /openapi.json at collection; tests swap in their own app.
    with tempfile.TemporaryDirectory() as tmp:
        return create_app(
            Settings(
                env="test",
                database_url="sqlite://",
                data_dir=Path(tmp),
                signing_key=SecretStr("fuzz-signing-key-0123456789abcdef0123456789"),
                encryption_keys=SecretStr(TEST_ENCRYPTION_KEYS),
            )
        )


CURRENT = _CurrentApp(_schema_only_app())
schema = schemathesis.openapi.from_asgi("/openapi.json", CURRENT)
_accept = schema.config.checks.positive_data_acceptance
_accept.expected_statuses = [*_accept.expected_statuses, *RULE_STATUSES]
# If-Match is required in the schema, and the server answers 428 to clients that omit it
# (after 404 for an entry the caller cannot see: the id is checked first).
_missing = schema.config.checks.missing_required_header
_missing.expected_statuses = [*_missing.expected_statuses, "404", "428"]


@pytest.fixture(autouse=True)
def _route_to_this_tests_app(app: FastAPI) -> Iterator[None]:
    previous, CURRENT.app = CURRENT.app, app
    yield
    CURRENT.app = previous


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_fuzz(case: Any, fuzz_as: dict[str, Any]) -> None:
    for name, value in (case.path_parameters or {}).items():
        # A deterministic half of the cases address objects that exist.
        if name in fuzz_as["ids"] and str(value)[:1] in "02468ace":
            case.path_parameters[name] = fuzz_as["ids"][name]
    case.call_and_validate(headers=fuzz_as["headers"], additional_checks=[_rules_not_schema])
