"""Two web processes and two workers on one PostgreSQL database, as a clinic scales out.

Writes through both processes land once each, in one gap-free change sequence per
patient that a phone syncing through either process reads whole; due notifications
go out once each however the two workers race; a sign-in throttle counts attempts
made through both processes together.
"""

import itertools
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session

from app.core.clock import utcnow
from app.core.db import make_engine
from app.notifications.outbox import enqueue
from tests.conftest import POSTGRES_URL
from tests.faults.process import (
    BIN,
    PASSWORD,
    Server,
    cli,
    create_patient,
    serve,
    server_env,
    stop,
)

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="KAPJ_TEST_POSTGRES_URL not set")

PATIENTS = 2
WRITERS_PER_PATIENT = 4  # two through each web process
PER_WRITER = 20
NOTICES = 30
RETRIES_PER_PATIENT = WRITERS_PER_PATIENT * len(range(0, PER_WRITER, 3))


@contextmanager
def fresh_database() -> Iterator[str]:
    """A database of its own beside the test database, dropped afterwards."""
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_scale"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Receiver:
    """The clinic's webhook endpoint: counts each notification it is sent."""

    def __init__(self) -> None:
        self.received: list[str] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    received.append(str(orjson.loads(body)["id"]))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(BIN / "kap-journal"), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield proc
    finally:
        stop(proc)


def _write(servers: list[Server], headers: dict[str, str], n: int, acked: list[str]) -> None:
    """Post entries through one process; every third is retried through the other."""
    mine, other = servers[n % 2], servers[(n + 1) % 2]
    with httpx.Client(headers=headers, timeout=60) as http:
        for i in range(PER_WRITER):
            entry = {"id": str(uuid.uuid4()), "body": f"writer {n} entry {i}"}
            entry["written_at"] = utcnow().isoformat()
            r = http.post(mine.url + "/v1/entries", json=entry)
            assert r.status_code == 201, r.text
            acked.append(entry["id"])
            if i % 3 == 0:  # the phone did not hear the answer and retries elsewhere
                again = http.post(other.url + "/v1/entries", json=entry)
                assert again.status_code in (200, 201), again.text
                assert again.json()["id"] == entry["id"]


def _sync(
    servers: list[Server], headers: dict[str, str], since: str | None
) -> tuple[list[str], str]:
    """One sync to the end, turn and turn about through the two processes."""
    seen: list[str] = []
    with httpx.Client(headers=headers, timeout=60) as http:
        for server in itertools.cycle(servers):
            params = {"since": since} if since else {}
            r = http.get(server.url + "/v1/entries/sync", params=params | {"limit": 7})
            assert r.status_code == 200, r.text
            page = r.json()
            seen += [c["id"] for c in page["changes"]]
            since = page["next_since"]
            if not page["has_more"]:
                assert since is not None
                return seen, since
    raise AssertionError("unreachable")


def test_two_processes_and_two_workers_share_one_database(tmp_path: Path) -> None:
    receiver = Receiver()
    with ExitStack() as stack, fresh_database() as url:
        stack.callback(receiver.close)
        env = server_env(
            url,
            tmp_path,
            KAPJ_INPROCESS_WORKER="false",
            KAPJ_RATE_LIMIT_ENABLED="true",
            KAPJ_THROTTLE_STORE="auto",
            KAPJ_WEBHOOK_URL=receiver.url,
            KAPJ_WEBHOOK_SECRET="scale-webhook-secret-0123456789",
            KAPJ_NOTIFY_POLL_SECONDS="0.2",
        )
        env.pop("KAPJ_REDIS_URL", None)
        cli(env, "migrate")
        emails = [create_patient(env) for _ in range(PATIENTS)]
        servers = [stack.enter_context(serve(env, tmp_path / f"web{i}.log")) for i in (1, 2)]
        for i in (1, 2):
            stack.enter_context(worker(env, tmp_path / f"worker{i}.log"))

        # Writes through both processes while each patient's phone keeps syncing.
        heads = [servers[0].sign_in(e) for e in emails]
        acked: list[list[str]] = [[] for _ in emails]
        synced: list[list[str]] = [[] for _ in emails]
        writers = [
            threading.Thread(target=_write, args=(servers, heads[p], n, acked[p]))
            for p in range(PATIENTS)
            for n in range(WRITERS_PER_PATIENT)
        ]
        for t in writers:
            t.start()
        tokens: list[str | None] = [None] * PATIENTS
        while any(t.is_alive() for t in writers):
            for p in range(PATIENTS):
                seen, tokens[p] = _sync(servers, heads[p], tokens[p])
                synced[p] += seen
        for t in writers:
            t.join()
        engine = make_engine(url)
        stack.callback(engine.dispose)
        for p in range(PATIENTS):
            seen, _ = _sync(servers, heads[p], tokens[p])
            synced[p] += seen
            assert len(acked[p]) == WRITERS_PER_PATIENT * PER_WRITER
            # The phone that synced along the way got every entry, each once.
            assert sorted(synced[p]) == sorted(acked[p])
            # A new phone reads them all, each once.
            fresh, _ = _sync(servers, heads[p], None)
            assert sorted(fresh) == sorted(acked[p])
            with engine.connect() as conn:
                seqs = conn.execute(
                    text(
                        "SELECT e.change_seq FROM journal_entry e JOIN user_account u "
                        "ON u.id = e.patient_id WHERE u.email = :email ORDER BY e.change_seq"
                    ),
                    {"email": emails[p]},
                ).scalars()
                found = list(seqs)
            # One change number per entry, none shared. A retry takes a number under
            # the patient's lock before it finds its entry, and only that leaves a hole:
            # the feed never waits on a number that will not come.
            assert len(set(found)) == len(found) == len(acked[p])
            assert found[-1] == len(acked[p]) + RETRIES_PER_PATIENT

        # Due notifications: both workers poll the same outbox.
        now = utcnow()
        with Session(engine) as db:
            pid = db.exec(
                text("SELECT id FROM user_account WHERE email = :e").bindparams(e=emails[0])
            ).scalar_one()
            ids = {
                str(
                    enqueue(
                        db,
                        user_id=pid,
                        kind="scale_notice",
                        dedupe_key=f"scale:{k}",
                        due_at=now - timedelta(seconds=1),
                        title="kap-journal",
                        body="A notice.",
                        now=now,
                    ).id
                )
                for k in range(NOTICES)
            }
            db.commit()
        with engine.connect() as conn:
            for _ in range(300):  # both workers poll every 0.2 s; a bound, not a timing
                pending = conn.execute(
                    text(
                        "SELECT count(*) FROM notification "
                        "WHERE kind = 'scale_notice' AND status = 'pending'"
                    )
                ).scalar_one()
                if pending == 0:
                    break
                threading.Event().wait(0.2)
                conn.rollback()
            rows = conn.execute(
                text("SELECT id, status, attempts FROM notification WHERE kind = 'scale_notice'")
            ).all()
        assert {str(r.id) for r in rows} == ids
        assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
        assert sorted(receiver.received) == sorted(ids)

        # A sign-in throttle counts attempts through both processes together.
        limit = 5  # KAPJ_SIGNIN_FAILURES_PER_PAIR's default, "5/15 minutes"
        statuses = [
            httpx.post(
                servers[k % 2].url + "/v1/auth/token",
                data={"username": emails[1], "password": PASSWORD + "-wrong"},
                timeout=30,
            ).status_code
            for k in range(2 * limit)
        ]
        assert statuses == [401] * limit + [429] * limit
