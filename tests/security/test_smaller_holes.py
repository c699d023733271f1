"""Push-token bindings, author-only review notes and keyed fingerprints."""

import hashlib
import uuid

import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.idempotency import IdempotencyKey
from app.entries.models import JournalEntry
from app.notifications.dispatch import dispatch_once
from app.notifications.models import Device
from app.notifications.outbox import enqueue
from app.notifications.senders import Message
from tests.conftest import Clock
from tests.entries.conftest import Team, iso
from tests.factories import auth_headers, make_patient, make_therapist

TOKEN = "ab" * 32  # an APNs device token: 32 bytes, hex


def _register(client: TestClient, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    r = client.post("/v1/me/devices", json={"platform": "ios", "token": TOKEN}, headers=headers)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def test_registering_anothers_token_never_returns_their_device(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    victim, attacker = make_patient(db), make_patient(db)
    theirs = _register(client, login(victim))
    mine = _register(client, login(attacker))
    assert mine["id"] != theirs["id"]


def test_registering_anothers_token_moves_it_to_the_latest_account(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    first, second = make_patient(db), make_patient(db)
    theirs = _register(client, login(first))
    mine = _register(client, login(second))
    rows = db.exec(select(Device).where(Device.token == TOKEN)).all()
    assert [(r.id, r.user_id) for r in rows] == [(uuid.UUID(mine["id"]), second.id)]
    # the first account's binding is gone: it can no longer drop or reach it
    gone = client.delete(f"/v1/me/devices/{theirs['id']}", headers=login(first))
    assert gone.status_code == 404
    # and registering it back moves it back
    again = _register(client, login(first))
    rows = db.exec(select(Device).where(Device.token == TOKEN)).all()
    assert [(r.id, r.user_id) for r in rows] == [(uuid.UUID(again["id"]), first.id)]


def test_the_previous_account_no_longer_pushes_to_a_moved_token(
    live_client: TestClient, live_db: Session, live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    with live_db.begin():
        first, second = make_patient(live_db), make_patient(live_db)
        tokens = live_app.state.ctx.tokens
        h1 = auth_headers(live_db, tokens, first, now=clock.now)
        h2 = auth_headers(live_db, tokens, second, now=clock.now)
    _register(live_client, h1)
    _register(live_client, h2)
    with live_db.begin():
        for who in (first, second):
            enqueue(
                live_db,
                user_id=who.id,
                kind="reminder",
                dedupe_key=f"reminder:{who.id}",
                due_at=clock.now,
                title="kap-journal",
                body="You have a journaling reminder.",
                now=clock.now,
            )
    sent: list[Message] = []

    class Recorder:
        def send(self, message: Message) -> None:
            sent.append(message)

    dispatch_once(engine, sender=Recorder(), now=clock.now, max_attempts=5)
    to = {m.user_id: [d["token"] for d in m.device_tokens] for m in sent}
    assert to == {str(first.id): [], str(second.id): [TOKEN]}


def test_registering_the_same_token_again_is_one_device(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    user = make_patient(db)
    h = login(user)
    assert _register(client, h)["id"] == _register(client, h)["id"]
    assert len(db.exec(select(Device).where(Device.user_id == user.id)).all()) == 1


def _review(team: Team, headers: dict[str, str], entry_id: str, **body: object) -> dict:  # type: ignore[type-arg]
    r = team.client.put(
        f"/v1/entries/{entry_id}/review", json={"discuss": False} | body, headers=headers
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_an_author_only_note_is_hidden_from_the_rest_of_the_care_team(
    team: Team,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    colleague = login(make_therapist(db, patients=(team.patient,)))
    e = team.write(team.clock.now)
    mine = _review(team, team.th, e["id"], note="my process note", visibility="author")
    assert (mine["note"], mine["visibility"]) == ("my process note", "author")
    seen = team.client.get(f"/v1/entries/{e['id']}", headers=colleague).json()["reviews"]
    assert [(r["note"], r["visibility"]) for r in seen] == [(None, "author")]
    own = team.client.get(f"/v1/entries/{e['id']}", headers=team.th).json()["reviews"]
    assert [r["note"] for r in own] == ["my process note"]
    listed = team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=colleague)
    assert "my process note" not in listed.text


def test_review_notes_are_for_the_care_team_by_default(
    team: Team,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    colleague = login(make_therapist(db, patients=(team.patient,)))
    e = team.write(team.clock.now)
    assert _review(team, team.th, e["id"], note="shared note")["visibility"] == "care_team"
    seen = team.client.get(f"/v1/entries/{e['id']}", headers=colleague).json()["reviews"]
    assert [r["note"] for r in seen] == ["shared note"]


def _plain_sha256(body: str, written_at: str) -> str:
    from datetime import datetime

    canonical = orjson.dumps(
        [None, body, datetime.fromisoformat(written_at).isoformat(), None, None, True]
    )
    return hashlib.sha256(canonical).hexdigest()


def test_stored_fingerprints_are_keyed_not_plain_hashes_of_the_text(
    team: Team, db: Session
) -> None:
    written = iso(team.clock.now)
    r = team.client.post(
        "/v1/entries",
        json={"body": "ok", "written_at": written},
        headers=team.ph | {"Idempotency-Key": "k-123456789"},
    )
    stored = db.get(JournalEntry, uuid.UUID(r.json()["id"]))
    key = db.exec(select(IdempotencyKey)).one()
    guess = _plain_sha256("ok", team.clock.now.isoformat())
    assert stored is not None and len(stored.request_hash) == 64
    assert stored.request_hash != guess and key.request_hash != guess
    # and a retry still replays
    again = team.client.post(
        "/v1/entries",
        json={"body": "ok", "written_at": written},
        headers=team.ph | {"Idempotency-Key": "k-123456789"},
    )
    assert again.status_code in (200, 201) and again.json()["id"] == r.json()["id"]


def test_deleting_an_entry_clears_its_fingerprints(team: Team, db: Session) -> None:
    r = team.client.post(
        "/v1/entries",
        json={"body": "short", "written_at": iso(team.clock.now)},
        headers=team.ph | {"Idempotency-Key": "k-delete-0001"},
    )
    entry_id = r.json()["id"]
    d = team.client.delete(f"/v1/entries/{entry_id}", headers=team.ph | {"If-Match": '"v1"'})
    assert d.status_code == 204
    db.expire_all()
    assert db.get(JournalEntry, uuid.UUID(entry_id)).request_hash == ""  # type: ignore[union-attr]
    assert db.exec(select(IdempotencyKey)).one().request_hash == ""
    retry = team.client.post(
        "/v1/entries",
        json={"body": "short", "written_at": iso(team.clock.now)},
        headers=team.ph | {"Idempotency-Key": "k-delete-0001"},
    )
    assert retry.status_code == 410


def test_a_session_note_is_encrypted_at_rest(team: Team, db: Session) -> None:
    import sqlalchemy as sa

    r = team.client.post(
        f"/v1/patients/{team.patient.id}/sessions",
        json={"administered_at": iso(team.clock.now), "route": "im", "note": "canary-note-42"},
        headers=team.th,
    )
    assert r.status_code == 201 and r.json()["note"] == "canary-note-42"
    table = sa.table(
        "ketamine_session",
        sa.column("id", sa.Uuid()),
        sa.column("note_ciphertext", sa.LargeBinary()),
    )
    raw = db.execute(
        sa.select(table.c.note_ciphertext).where(table.c.id == uuid.UUID(r.json()["id"]))
    ).scalar_one()
    assert raw is not None and b"canary-note-42" not in bytes(raw)
    listed = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.ph)
    assert listed.json()[0]["note"] == "canary-note-42"


def test_a_custom_prompt_is_encrypted_at_rest(team: Team, db: Session) -> None:
    import sqlalchemy as sa

    r = team.client.post(
        f"/v1/patients/{team.patient.id}/prompts",
        json={"title": "canary-title-7", "text": "canary-text-7", "technique": "capture"},
        headers=team.th,
    )
    assert r.status_code == 201, r.text
    prompt_id = uuid.UUID(r.json()["prompt"]["id"])
    table = sa.table(
        "prompt",
        sa.column("id", sa.Uuid()),
        sa.column("title"),
        sa.column("text"),
        sa.column("custom_ciphertext", sa.LargeBinary()),
    )
    title, text, sealed = db.execute(
        sa.select(table.c.title, table.c.text, table.c.custom_ciphertext).where(
            table.c.id == prompt_id
        )
    ).one()
    assert (title, text) == ("", "")
    assert b"canary" not in bytes(sealed)
    seen = team.client.get(f"/v1/prompts/{prompt_id}", headers=team.ph).json()
    assert (seen["title"], seen["text"]) == ("canary-title-7", "canary-text-7")
