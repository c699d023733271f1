"""Property: after any sequence of writes, edits, deletions, reviews and flags,
the queue's kept counts equal the counts computed from the rows themselves."""

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.counts.service import counted_from_scratch, kept_counts
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import make_patient, make_therapist

RISKY = "I want to kill myself tonight"
CALM = "The music felt like a warm room"
PICK = st.integers(0, 9)
STEP = st.one_of(
    st.tuples(st.just("write"), st.booleans(), st.booleans()),
    st.tuples(st.just("edit"), PICK, st.booleans()),
    st.tuples(st.just("share"), PICK, st.booleans()),
    st.tuples(st.just("delete"), PICK),
    st.tuples(st.just("review"), PICK, st.integers(0, 1)),
    st.tuples(st.just("ack"), PICK, st.integers(0, 1)),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=16))
def test_kept_queue_counts_always_equal_counts_from_scratch(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,
    steps: list[tuple],  # type: ignore[no-untyped-def,type-arg]
) -> None:
    patient = make_patient(db)
    ph = login(patient)
    therapists = [login(make_therapist(db, patients=(patient,))) for _ in range(2)]
    entries: list[str] = []
    flags: list[str] = []

    def track_flag(body: dict) -> None:  # type: ignore[type-arg]
        if body.get("safety"):
            flags.append(body["safety"]["flag_id"])

    def current(entry_id: str) -> str:
        return client.get(f"/v1/entries/{entry_id}", headers=ph).headers.get("ETag", '"v0"')

    for step in steps:
        kind = step[0]
        if kind == "write":
            r = client.post(
                "/v1/entries",
                json={
                    "body": RISKY if step[2] else CALM,
                    "written_at": iso(clock.now),
                    "shared_with_care_team": step[1],
                },
                headers=ph,
            )
            assert r.status_code == 201
            entries.append(r.json()["id"])
            track_flag(r.json())
        elif kind in ("edit", "share", "delete") and entries:
            eid = entries[step[1] % len(entries)]
            headers = ph | {"If-Match": current(eid)}
            if kind == "delete":
                r = client.delete(f"/v1/entries/{eid}", headers=headers)
                assert r.status_code in (204, 404)
                continue
            change = (
                {"body": RISKY if step[2] else CALM}
                if kind == "edit"
                else {"shared_with_care_team": step[2]}
            )
            r = client.patch(f"/v1/entries/{eid}", json=change, headers=headers)
            assert r.status_code in (200, 404)
            if r.status_code == 200:
                track_flag(r.json())
        elif kind == "review" and entries:
            eid = entries[step[1] % len(entries)]
            r = client.put(
                f"/v1/entries/{eid}/review", json={"discuss": False}, headers=therapists[step[2]]
            )
            assert r.status_code in (200, 404)  # deleted or private: not reviewable
        elif kind == "ack" and flags:
            fid = flags[step[1] % len(flags)]
            r = client.post(
                f"/v1/safety-flags/{fid}/acknowledge",
                json={"outcome": "contacted_patient"},
                headers=therapists[step[2]],
            )
            assert r.status_code < 500
        clock.advance(seconds=20)

    kept = kept_counts(db, [patient.id]).get(patient.id)
    got = (kept.unreviewed, kept.open_flags) if kept is not None else (0, 0)
    assert got == counted_from_scratch(db).get(patient.id, (0, 0))
