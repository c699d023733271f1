"""Delivery: claiming, the webhook signature, retries and dead letters, two workers."""

import hashlib
import hmac
import http.server
import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.notifications.dispatch import LEASE, SEND_MARGIN, claim, deliver, dispatch_once
from app.notifications.models import Notification, NotificationAttempt
from app.notifications.outbox import enqueue
from app.notifications.senders import Message, SendError, WebhookSender
from tests.conftest import Clock
from tests.factories import make_patient


def _due(engine: Engine, clock: Clock, count: int) -> list[uuid.UUID]:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        patient = make_patient(db)
        rows = [
            enqueue(
                db,
                user_id=patient.id,
                kind="test",
                dedupe_key=f"t:{uuid.uuid4()}",
                due_at=clock.now,
                title="kap-journal",
                body="You have a journaling reminder.",
                now=clock.now,
            )
            for _ in range(count)
        ]
    return [r.id for r in rows]


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[str] = []
        self.fail = fail
        self.lock = threading.Lock()

    def send(self, message: Message) -> None:
        if self.fail:
            raise SendError("receiver down")
        with self.lock:
            self.sent.append(message.id)


def _status(engine: Engine, nid: uuid.UUID) -> Notification:
    with Session(engine) as db:
        n = db.get(Notification, nid)
        assert n is not None
        return n


def test_due_notifications_are_sent_once(live_app: FastAPI, engine: Engine, clock: Clock) -> None:
    ids = _due(engine, clock, 3)
    sender = Recorder()
    assert dispatch_once(engine, sender=sender, now=clock.now, max_attempts=3) == 3
    assert (
        dispatch_once(engine, sender=sender, now=clock.now + timedelta(hours=1), max_attempts=3)
        == 0
    )
    assert sorted(sender.sent) == sorted(map(str, ids))
    assert all(_status(engine, i).status == "sent" for i in ids)


def test_not_yet_due_waits(live_app: FastAPI, engine: Engine, clock: Clock) -> None:
    _due(engine, clock, 1)
    assert (
        dispatch_once(
            engine, sender=Recorder(), now=clock.now - timedelta(seconds=1), max_attempts=3
        )
        == 0
    )


def test_retries_back_off_then_dead_letter(live_app: FastAPI, engine: Engine, clock: Clock) -> None:
    (nid,) = _due(engine, clock, 1)
    failing = Recorder(fail=True)
    now = clock.now
    for attempt in range(1, 4):
        dispatch_once(engine, sender=failing, now=now, max_attempts=3)
        n = _status(engine, nid)
        assert n.attempts == attempt
        if attempt < 3:
            assert n.status == "pending" and n.due_at > now
            assert (
                dispatch_once(engine, sender=failing, now=now, max_attempts=3) == 0
            )  # backing off
            now = n.due_at
    n = _status(engine, nid)
    assert n.status == "dead" and n.last_error == "receiver down"
    with Session(engine) as db:
        attempts = db.exec(
            select(NotificationAttempt).where(NotificationAttempt.notification_id == nid)
        ).all()
    assert [(a.attempt, a.ok) for a in attempts] == [(1, False), (2, False), (3, False)]


def test_a_crashed_workers_rows_come_back_after_the_lease(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    (nid,) = _due(engine, clock, 1)
    with Session(engine) as db, db.begin():
        assert claim(db, now=clock.now, limit=10).ids == [nid]  # then the worker dies
    sender = Recorder()
    assert dispatch_once(engine, sender=sender, now=clock.advance(minutes=1), max_attempts=3) == 0
    assert dispatch_once(engine, sender=sender, now=clock.now + LEASE, max_attempts=3) == 1
    assert sender.sent == [str(nid)]


def test_a_worker_whose_lease_ran_out_sends_nothing(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    (nid,) = _due(engine, clock, 1)
    with Session(engine) as db, db.begin():
        slow = claim(db, now=clock.now, limit=10)
    later = clock.now + LEASE + timedelta(seconds=1)
    with Session(engine) as db, db.begin():
        fast = claim(db, now=later, limit=10)
    assert slow.ids == fast.ids == [nid]
    a, b = Recorder(), Recorder()
    assert deliver(engine, slow, sender=a, now=clock.now, max_attempts=3) == 0
    assert deliver(engine, fast, sender=b, now=later, max_attempts=3) == 1
    assert a.sent == [] and b.sent == [str(nid)]


def test_a_batch_hands_back_rows_it_has_no_lease_time_left_for(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    (nid,) = _due(engine, clock, 1)
    with Session(engine) as db, db.begin():
        taken = claim(db, now=clock.now, limit=10)
    late = taken.lease_until - SEND_MARGIN + timedelta(seconds=1)
    sender = Recorder()
    assert deliver(engine, taken, sender=sender, now=late, max_attempts=3) == 0
    n = _status(engine, nid)
    assert sender.sent == [] and n.lease_until is None and n.lease_token is None
    assert dispatch_once(engine, sender=sender, now=late, max_attempts=3) == 1


@contextmanager
def receiver(status: int = 204) -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((dict(self.headers), body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_is_signed_and_verifiable(live_app: FastAPI, engine: Engine, clock: Clock) -> None:
    (nid,) = _due(engine, clock, 1)
    with receiver() as (url, got):
        dispatch_once(
            engine, sender=WebhookSender(url, "hook-secret"), now=clock.now, max_attempts=3
        )
    assert len(got) == 1
    headers, body = got[0]
    expected = hmac.new(
        b"hook-secret", headers["X-KapJournal-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-KapJournal-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["id"] == str(nid) and payload["body"] == "You have a journaling reminder."
    forged = hmac.new(
        b"wrong", headers["X-KapJournal-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-KapJournal-Signature"] != f"sha256={forged}"


def test_webhook_errors_are_retried(live_app: FastAPI, engine: Engine, clock: Clock) -> None:
    (nid,) = _due(engine, clock, 1)
    with receiver(status=500) as (url, got):
        dispatch_once(engine, sender=WebhookSender(url, "s"), now=clock.now, max_attempts=3)
    n = _status(engine, nid)
    assert len(got) == 1 and n.status == "pending" and n.last_error == "webhook answered 500"


def test_two_workers_never_send_one_notification_twice(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    # PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE, one writer at a time.
    ids = _due(engine, clock, 60)
    sender = Recorder()
    start = threading.Barrier(2)

    def work() -> None:
        start.wait(timeout=10)  # both workers claim from the start, side by side
        while dispatch_once(engine, sender=sender, now=clock.now, max_attempts=3, batch=5):
            pass

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = Counter(sender.sent)
    assert set(counts) == set(map(str, ids))
    assert max(counts.values()) == 1
