"""Writing, reading, editing and deleting entries through the API."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from app.entries.models import JournalEntry
from tests.entries.conftest import Team, iso


def test_an_entry_is_stored_with_its_window(team: Team) -> None:
    at = team.clock.now - timedelta(hours=3)
    sid = team.session(at)
    r = team.client.post(
        "/v1/entries",
        json={"body": "Colours felt loud.", "written_at": iso(team.clock.now), "mood": 6},
        headers=team.ph,
    )
    assert r.status_code == 201
    e = r.json()
    assert r.headers["ETag"] == '"v1"'
    assert r.headers["Location"] == f"/v1/entries/{e['id']}"
    assert e["body"] == "Colours felt loud."
    assert e["mood"] == 6
    assert e["shared_with_care_team"] is True
    assert e["version"] == 1
    assert e["written_at_adjusted"] is False
    assert (e["session_id"], e["phase"], e["hours_since_session"]) == (sid, "early", 3.0)
    assert e["window"] == {"session_id": sid, "phase": "early", "hours_since_session": 3.0}


def test_window_edges(team: Team) -> None:
    at = team.clock.now - timedelta(hours=60)
    sid = team.session(at)
    inside = team.write(at + timedelta(hours=47, minutes=59, seconds=59))
    closed = team.write(at + timedelta(hours=48))
    start = team.write(at)
    before = team.write(at - timedelta(seconds=1))
    boundary = team.write(at + timedelta(hours=24))
    assert (inside["session_id"], inside["phase"]) == (sid, "integration")
    assert (start["session_id"], start["phase"]) == (sid, "early")
    assert boundary["phase"] == "integration"
    assert closed["window"] is None
    assert closed["phase"] is None
    assert before["window"] is None


def test_stacked_sessions_attach_to_the_latest(team: Team) -> None:
    first = team.clock.now - timedelta(hours=40)
    second = first + timedelta(hours=20)
    s1, s2 = team.session(first), team.session(second)
    assert team.write(second - timedelta(minutes=1))["session_id"] == s1
    assert team.write(second)["session_id"] == s2


def test_late_moved_and_deleted_sessions_reattach(team: Team) -> None:
    at = team.clock.now - timedelta(hours=10)
    entry = team.write(at + timedelta(hours=1))
    assert entry["window"] is None
    sid = team.session(at)  # recorded late
    assert team.get(entry["id"])["session_id"] == sid
    r = team.client.patch(
        f"/v1/sessions/{sid}",
        json={"administered_at": iso(at + timedelta(hours=2))},
        headers=team.th,
    )
    assert r.status_code == 200
    assert team.get(entry["id"])["window"] is None
    team.client.patch(f"/v1/sessions/{sid}", json={"administered_at": iso(at)}, headers=team.th)
    assert team.get(entry["id"])["hours_since_session"] == 1.0
    assert team.client.delete(f"/v1/sessions/{sid}", headers=team.th).status_code == 204
    assert team.get(entry["id"])["window"] is None


def test_written_at_far_ahead_is_clamped(team: Team) -> None:
    ahead = team.clock.now + timedelta(minutes=10)
    e = team.write(ahead)
    assert e["written_at_adjusted"] is True
    assert e["written_at"] == iso(team.clock.now)
    assert e["client_written_at"] == iso(ahead)
    near = team.write(team.clock.now + timedelta(minutes=4))
    assert near["written_at_adjusted"] is False


def test_written_at_keeps_the_phones_offset_as_utc(team: Team) -> None:
    e = team.client.post(
        "/v1/entries",
        json={"body": "x", "written_at": "2026-03-02T09:30:00-05:00"},
        headers=team.ph,
    ).json()
    assert e["written_at"] == "2026-03-02T14:30:00Z"


@pytest.mark.parametrize(
    "patch",
    [
        {"body": ""},
        {"body": "x" * 20_001},
        {"body": "nul\x00byte"},
        {"mood": True},
        {"mood": 11},
        {"mood": -1},
        {"mood": "5"},
        {"mood": 5.5},
        {"written_at": "2026-03-02T09:30:00"},
        {"shared_with_care_team": "yes"},
        {"colour": "blue"},
        {"id": "not-a-uuid"},
    ],
)
def test_invalid_entries_are_422_and_store_nothing(team: Team, db: Session, patch: dict) -> None:  # type: ignore[type-arg]
    body = {"body": "ok", "written_at": iso(team.clock.now)} | patch
    r = team.client.post("/v1/entries", json=body, headers=team.ph)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert (
        db.exec(select(JournalEntry).where(JournalEntry.patient_id == team.patient.id)).all() == []
    )


def test_body_of_exactly_20000_characters_is_accepted(team: Team) -> None:
    assert len(team.write(team.clock.now, body="é" * 20_000)["body"]) == 20_000


def test_client_id_makes_retries_safe(team: Team, db: Session) -> None:
    eid = str(uuid.uuid4())
    body = {"id": eid, "body": "offline note", "written_at": iso(team.clock.now)}
    first = team.client.post("/v1/entries", json=body, headers=team.ph)
    again = team.client.post("/v1/entries", json=body, headers=team.ph)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    rows = db.exec(select(JournalEntry).where(JournalEntry.patient_id == team.patient.id)).all()
    assert len(rows) == 1
    changed = team.client.post("/v1/entries", json=body | {"body": "different"}, headers=team.ph)
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_conflict"
    assert team.get(eid)["body"] == "offline note"


def test_idempotency_key_makes_retries_safe(team: Team, db: Session) -> None:
    body = {"body": "retry me", "written_at": iso(team.clock.now)}
    h = team.ph | {"Idempotency-Key": "phone-42-abc"}
    first = team.client.post("/v1/entries", json=body, headers=h).json()
    again = team.client.post("/v1/entries", json=body, headers=h).json()
    assert first["id"] == again["id"]
    conflict = team.client.post("/v1/entries", json=body | {"mood": 3}, headers=h)
    assert conflict.status_code == 409
    assert (
        len(db.exec(select(JournalEntry).where(JournalEntry.patient_id == team.patient.id)).all())
        == 1
    )


def test_another_patients_key_is_their_own(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_patient

    other = login(make_patient(db))
    body = {"body": "same key", "written_at": iso(team.clock.now)}
    a = team.client.post(
        "/v1/entries", json=body, headers=team.ph | {"Idempotency-Key": "k-1"}
    ).json()
    b = team.client.post(
        "/v1/entries", json=body, headers=other | {"Idempotency-Key": "k-1"}
    ).json()
    assert a["id"] != b["id"]


def test_patch_needs_if_match(team: Team) -> None:
    e = team.write(team.clock.now, mood=4)
    url = f"/v1/entries/{e['id']}"
    missing = team.client.patch(url, json={"mood": 5}, headers=team.ph)
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"
    ok = team.client.patch(
        url, json={"body": "edited", "mood": None}, headers=team.ph | {"If-Match": '"v1"'}
    )
    assert ok.status_code == 200
    assert ok.headers["ETag"] == '"v2"'
    assert (ok.json()["body"], ok.json()["mood"], ok.json()["version"]) == ("edited", None, 2)
    stale = team.client.patch(url, json={"mood": 1}, headers=team.ph | {"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert team.get(e["id"])["mood"] is None


def test_patch_validates_like_create(team: Team) -> None:
    e = team.write(team.clock.now)
    h = team.ph | {"If-Match": '"v1"'}
    # `"body": null` is a merge patch that leaves the text (test_merge_patch.py).
    for bad in ({"body": ""}, {"mood": True}, {"written_at": iso(team.clock.now)}):
        assert team.client.patch(f"/v1/entries/{e['id']}", json=bad, headers=h).status_code == 422
    assert team.get(e["id"])["version"] == 1


def test_delete_leaves_a_tombstone_and_erases_the_text(team: Team, db: Session) -> None:
    e = team.write(team.clock.now)
    url = f"/v1/entries/{e['id']}"
    assert team.client.delete(url, headers=team.ph).status_code == 428
    assert team.client.delete(url, headers=team.ph | {"If-Match": '"v9"'}).status_code == 412
    assert team.client.delete(url, headers=team.ph | {"If-Match": '"v1"'}).status_code == 204
    assert team.client.get(url, headers=team.ph).status_code == 404
    row = db.exec(select(JournalEntry).where(JournalEntry.id == uuid.UUID(e["id"]))).one()
    assert row.body_ciphertext is None
    assert row.deleted_at is not None
    assert team.client.get("/v1/entries", headers=team.ph).json()["items"] == []


def test_list_is_newest_first_and_pages(team: Team) -> None:
    written = [team.write(team.clock.now - timedelta(minutes=i))["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = team.client.get("/v1/entries", params=params, headers=team.ph).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == written


def test_limit_is_bounded(team: Team) -> None:
    assert team.client.get("/v1/entries", params={"limit": 201}, headers=team.ph).status_code == 422
    assert team.client.get("/v1/entries", params={"limit": 0}, headers=team.ph).status_code == 422


def test_sync_returns_changes_and_tombstones(team: Team) -> None:
    a = team.write(team.clock.now)
    b = team.write(team.clock.now)
    first = team.client.get("/v1/entries/sync", headers=team.ph).json()
    assert [c["id"] for c in first["changes"]] == [a["id"], b["id"]]
    token = first["next_since"]
    team.client.delete(f"/v1/entries/{a['id']}", headers=team.ph | {"If-Match": '"v1"'})
    team.client.patch(
        f"/v1/entries/{b['id']}", json={"mood": 2}, headers=team.ph | {"If-Match": '"v1"'}
    )
    second = team.client.get("/v1/entries/sync", params={"since": token}, headers=team.ph).json()
    assert second["changes"][0] == {
        "kind": "tombstone",
        "id": a["id"],
        "deleted": True,
        "deleted_at": iso(team.clock.now),
    }
    assert second["changes"][1]["id"] == b["id"]
    assert second["changes"][1]["mood"] == 2
    third = team.client.get(
        "/v1/entries/sync", params={"since": second["next_since"]}, headers=team.ph
    ).json()
    assert third["changes"] == []
    assert third["next_since"] == second["next_since"]


def test_sync_shows_entries_whose_window_moved(team: Team) -> None:
    e = team.write(team.clock.now - timedelta(hours=1))
    token = team.client.get("/v1/entries/sync", headers=team.ph).json()["next_since"]
    sid = team.session(team.clock.now - timedelta(hours=2))
    changes = team.client.get("/v1/entries/sync", params={"since": token}, headers=team.ph).json()[
        "changes"
    ]
    assert [(c["id"], c["session_id"]) for c in changes] == [(e["id"], sid)]


def test_bad_sync_token_is_410(team: Team) -> None:
    r = team.client.get("/v1/entries/sync", params={"since": "Z2FyYmFnZQ"}, headers=team.ph)
    assert r.status_code == 410
    assert r.json()["code"] == "invalid_cursor"


def test_body_is_encrypted_at_rest(team: Team, db: Session) -> None:
    canary = "my-secret-canary-text-1234"
    e = team.write(team.clock.now, body=canary)
    raw = db.execute(
        text("SELECT body_ciphertext FROM journal_entry WHERE patient_id = :p"),
        {"p": team.patient.id.hex if db.get_bind().dialect.name == "sqlite" else team.patient.id},
    ).scalar_one()
    assert canary.encode() not in bytes(raw)
    assert team.get(e["id"])["body"] == canary


def test_tampered_ciphertext_fails_loudly(team: Team, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    from app.core.crypto import DecryptionError
    from app.entries.service import decrypt_body

    e = team.write(team.clock.now, body="true words")
    row = db.get(JournalEntry, uuid.UUID(e["id"]))
    assert row is not None
    assert row.body_ciphertext is not None
    blob = bytearray(row.body_ciphertext)
    blob[-1] ^= 0x01
    row.body_ciphertext = bytes(blob)
    with pytest.raises(DecryptionError):
        decrypt_body(app.state.ctx.keyring, row)
    other = db.get(JournalEntry, uuid.UUID(team.write(team.clock.now, body="other")["id"]))
    assert other is not None
    moved = JournalEntry.model_validate(
        other.model_dump()
        | {"body_ciphertext": db.get(JournalEntry, uuid.UUID(e["id"])).body_ciphertext}
    )  # type: ignore[union-attr]
    with pytest.raises(DecryptionError):
        decrypt_body(app.state.ctx.keyring, moved)


@pytest.mark.parametrize(
    "written_at",
    ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z"],
)
def test_far_off_written_at_is_clamped_to_the_time_of_receipt(team: Team, written_at: str) -> None:
    r = team.client.post(
        "/v1/entries", json={"body": "x", "written_at": written_at}, headers=team.ph
    )
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["written_at_adjusted"] is True
    assert entry["written_at"] == iso(team.clock.now)
    assert entry["client_written_at"][:4] == written_at[:4]


@pytest.mark.parametrize(
    "cursor_values",
    [[1, 2], [{"t": "2026-01-01T00:00:00"}, {"u": str(uuid.uuid4())}], ["a"], [], {"t": 1}],
)
def test_forged_cursors_are_410_not_500(team: Team, cursor_values: object) -> None:
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps(cursor_values).encode()).decode()
    for path, param in (("/v1/entries", "cursor"), ("/v1/entries/sync", "since")):
        r = team.client.get(path, params={param: forged}, headers=team.ph)
        assert r.status_code == 410, (path, cursor_values)
        assert r.json()["code"] == "invalid_cursor"
