"""Reuse the care-team fixture; helpers to answer questionnaires through the API."""

from datetime import datetime
from typing import Any

from tests.entries.conftest import Team, iso, team

__all__ = ["answer", "phq9", "team"]


def phq9(*values: int) -> dict[str, int]:
    """PHQ-9 answers from nine values (item 9 last)."""
    assert len(values) == 9
    return {f"phq9_{i}": v for i, v in enumerate(values, 1)}


def gad7(*values: int) -> dict[str, int]:
    assert len(values) == 7
    return {f"gad7_{i}": v for i, v in enumerate(values, 1)}


def answer(
    t: Team, code: str, answers: dict[str, Any], at: datetime, status: int = 201, **kw: Any
) -> dict[str, Any]:
    headers = t.ph | kw.pop("headers", {})
    r = t.client.post(
        "/v1/questionnaire-responses",
        json={"code": code, "answers": answers, "answered_at": iso(at)} | kw,
        headers=headers,
    )
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


def move_clock(t: Team, when: datetime) -> None:
    """The test clock to `when`, and fresh tokens as of then."""
    t.clock.set(when)
    t.relogin()


def due_now(t: Team) -> list[tuple[str, str]]:
    """What the patient's app lists as due: (code, reason), sorted."""
    r = t.client.get("/v1/me/questionnaires/due", headers=t.ph)
    assert r.status_code == 200, r.text
    return sorted((i["code"], i["reason"]) for i in r.json()["items"])
