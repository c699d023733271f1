"""Property: after any sequence of session and entry changes, every stored
attachment equals the one computed from scratch."""

from datetime import timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.entries.models import JournalEntry
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import make_patient, make_therapist


def _from_scratch(sessions, written_at, rules):  # type: ignore[no-untyped-def]
    """Brute force, independent of the implementation: the window that contains it."""
    for i, (at, sid) in enumerate(sessions):
        closes = at + rules.length
        if i + 1 < len(sessions):
            closes = min(closes, sessions[i + 1][0])
        if at <= written_at < closes:
            return sid
    return None


HOURS = st.integers(min_value=0, max_value=200)
STEP = st.one_of(
    st.tuples(st.just("session"), HOURS),
    st.tuples(st.just("entry"), HOURS),
    st.tuples(st.just("move"), st.integers(0, 9), HOURS),
    st.tuples(st.just("drop"), st.integers(0, 9)),
    st.tuples(st.just("unwrite"), st.integers(0, 9)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_attachment_is_always_derived_from_the_sessions(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,
    steps: list[tuple],  # type: ignore[no-untyped-def,type-arg]
) -> None:
    patient = make_patient(db)
    th, ph = login(make_therapist(db, patients=(patient,))), login(patient)
    base = clock.now - timedelta(hours=210)
    sessions: list[str] = []
    entries: list[str] = []
    for step in steps:
        kind = step[0]
        if kind == "session":
            r = client.post(
                f"/v1/patients/{patient.id}/sessions",
                json={"administered_at": iso(base + timedelta(hours=step[1])), "route": "im"},
                headers=th,
            )
            if r.status_code == 201:
                sessions.append(r.json()["id"])
            else:
                assert r.json()["code"] == "session_time_taken"
        elif kind == "entry":
            r = client.post(
                "/v1/entries",
                json={"body": "p", "written_at": iso(base + timedelta(hours=step[1]))},
                headers=ph,
            )
            assert r.status_code == 201
            entries.append(r.json()["id"])
        elif kind == "move" and sessions:
            sid = sessions[step[1] % len(sessions)]
            r = client.patch(
                f"/v1/sessions/{sid}",
                json={"administered_at": iso(base + timedelta(hours=step[2]))},
                headers=th,
            )
            assert r.status_code in (200, 409)
        elif kind == "drop" and sessions:
            assert (
                client.delete(
                    f"/v1/sessions/{sessions.pop(step[1] % len(sessions))}", headers=th
                ).status_code
                == 204
            )
        elif kind == "unwrite" and entries:
            eid = entries.pop(step[1] % len(entries))
            version = client.get(f"/v1/entries/{eid}", headers=ph).json()["version"]
            assert (
                client.delete(
                    f"/v1/entries/{eid}", headers=ph | {"If-Match": f'"v{version}"'}
                ).status_code
                == 204
            )

    db.expire_all()
    rules = WindowRules()
    stored_sessions = sorted(
        (s.administered_at, s.id)
        for s in db.exec(select(KetamineSession).where(KetamineSession.patient_id == patient.id))
    )
    live = db.exec(
        select(JournalEntry).where(
            JournalEntry.patient_id == patient.id, col(JournalEntry.deleted_at).is_(None)
        )
    ).all()
    assert len(live) == len(entries)
    for entry in live:
        expected = _from_scratch(stored_sessions, entry.written_at, rules)
        assert entry.session_id == expected
        shown = client.get(f"/v1/entries/{entry.id}", headers=ph).json()
        assert shown["session_id"] == (str(expected) if expected else None)
