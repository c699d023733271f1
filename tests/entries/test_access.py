"""Who may read which entry; every read by someone but the patient is audited."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.entries.conftest import Team
from tests.factories import make_admin, make_patient, make_therapist


def _strip(r):  # type: ignore[no-untyped-def]
    return (
        {k: v for k, v in r.json().items() if k != "instance"},
        r.status_code,
        r.headers["content-type"],
    )


def test_strangers_get_the_same_404_as_a_random_id(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    shared = team.write(team.clock.now)
    private = team.write(team.clock.now, shared_with_care_team=False)
    for stranger in (make_patient(db), make_therapist(db), make_admin(db)):
        h = login(stranger)
        random = team.client.get(f"/v1/entries/{uuid.uuid4()}", headers=h)
        assert random.status_code == 404
        for e in (shared, private):
            r = team.client.get(f"/v1/entries/{e['id']}", headers=h)
            assert _strip(r) == _strip(random)
            if stranger.role == "patient":
                hm = h | {"If-Match": '"v1"'}
                assert (
                    team.client.patch(
                        f"/v1/entries/{e['id']}", json={"mood": 1}, headers=hm
                    ).status_code
                    == 404
                )
                assert team.client.delete(f"/v1/entries/{e['id']}", headers=hm).status_code == 404
        assert (
            team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=h).status_code == 404
        )
    # Nothing was changed by any of it.
    assert team.get(shared["id"])["version"] == 1


def test_care_team_reads_shared_entries_only(team: Team) -> None:
    shared = team.write(team.clock.now, body="shared words")
    private = team.write(team.clock.now, body="private words", shared_with_care_team=False)
    r = team.client.get(f"/v1/entries/{shared['id']}", headers=team.th)
    assert r.status_code == 200
    assert r.json()["body"] == "shared words"
    assert r.headers["ETag"] == '"v1"'
    assert team.client.get(f"/v1/entries/{private['id']}", headers=team.th).status_code == 404
    listed = team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th).json()
    assert [e["id"] for e in listed["items"]] == [shared["id"]]
    assert "private words" not in str(listed)


def test_care_team_may_not_write_or_edit_entries(team: Team) -> None:
    e = team.write(team.clock.now)
    h = team.th | {"If-Match": '"v1"'}
    assert (
        team.client.post(
            "/v1/entries", json={"body": "x", "written_at": e["written_at"]}, headers=team.th
        ).status_code
        == 403
    )
    assert (
        team.client.patch(f"/v1/entries/{e['id']}", json={"mood": 1}, headers=h).status_code == 403
    )
    assert team.client.delete(f"/v1/entries/{e['id']}", headers=h).status_code == 403
    assert team.client.get("/v1/entries", headers=team.th).status_code == 403
    assert team.client.get("/v1/entries/sync", headers=team.th).status_code == 403


def test_unsharing_hides_an_entry_from_the_care_team(team: Team) -> None:
    e = team.write(team.clock.now)
    team.client.patch(
        f"/v1/entries/{e['id']}",
        json={"shared_with_care_team": False},
        headers=team.ph | {"If-Match": '"v1"'},
    )
    assert team.client.get(f"/v1/entries/{e['id']}", headers=team.th).status_code == 404


def test_filter_by_session(team: Team) -> None:
    s1 = team.session(team.clock.now - timedelta(hours=100))
    team.session(team.clock.now - timedelta(hours=10))
    old = team.write(team.clock.now - timedelta(hours=99))
    team.write(team.clock.now - timedelta(hours=9))
    r = team.client.get(
        f"/v1/patients/{team.patient.id}/entries", params={"session_id": s1}, headers=team.th
    )
    assert [e["id"] for e in r.json()["items"]] == [old["id"]]


def test_leaving_the_care_team_takes_effect_on_the_next_request(
    team: Team, db: Session, login
) -> None:  # type: ignore[no-untyped-def]
    e = team.write(team.clock.now)
    assert team.client.get(f"/v1/entries/{e['id']}", headers=team.th).status_code == 200
    admin = login(make_admin(db))
    path = f"/v1/patients/{team.patient.id}/therapists/{team.therapist.id}"
    assert team.client.delete(path, headers=admin).status_code == 204
    assert team.client.get(f"/v1/entries/{e['id']}", headers=team.th).status_code == 404
    assert (
        team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th).status_code
        == 404
    )


def test_each_care_team_read_writes_one_audit_event(team: Team, db: Session) -> None:
    e = team.write(team.clock.now, body="audit-canary-text")
    team.get(e["id"])  # the patient's own reads are not audited
    team.client.get(f"/v1/entries/{e['id']}", headers=team.th | {"X-Request-ID": "req-read-000001"})
    team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.patient_id == team.patient.id)
        .order_by(AuditEvent.occurred_at)
    ).all()
    reads = [
        (ev.action, ev.actor_id, ev.resource_id) for ev in events if ev.action.startswith("entry.")
    ]
    assert reads == [
        ("entry.read", team.therapist.id, e["id"]),
        ("entry.list", team.therapist.id, None),
    ]
    read = next(ev for ev in events if ev.action == "entry.read")
    assert read.client_request_id == "req-read-000001"  # kept, untrusted
    assert read.request_id != "req-read-000001"
    assert "audit-canary-text" not in str([ev.model_dump() for ev in events])


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def test_a_page_costs_the_same_statements_whatever_its_size(team: Team, engine: Engine) -> None:
    team.session(team.clock.now - timedelta(hours=5))
    for i in range(60):
        team.write(team.clock.now - timedelta(minutes=i))
    costs = {}
    for limit in (5, 50):
        with count_statements(engine) as seen:
            assert (
                team.client.get("/v1/entries", params={"limit": limit}, headers=team.ph).status_code
                == 200
            )
        costs[limit] = len(seen)
    with count_statements(engine) as seen:
        team.client.get(
            f"/v1/patients/{team.patient.id}/entries", params={"limit": 50}, headers=team.th
        )
    assert costs[5] == costs[50] <= 6
    assert len(seen) <= 8
