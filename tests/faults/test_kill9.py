"""kill -9 of `kap-journal serve` on SQLite while four phones write: nothing acknowledged is lost."""

import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.faults.process import cli, create_patient, entry_body, serve, server_env

CLIENTS = 4
KILL_AFTER_ACKS = 40


def _writer(
    url: str, headers: dict[str, str], n: int, acked: list[dict[str, Any]], state: dict[str, Any]
) -> None:
    """Post entries until the server dies; remember what was acknowledged and what was in flight."""
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        i = 0
        while True:
            body = entry_body(n, i)
            try:
                r = http.post("/v1/entries", json=body)
            except httpx.TransportError:
                state["in_flight"][n] = body  # unknown fate: the phone retries it later
                return
            assert r.status_code == 201, r.text
            with state["lock"]:
                acked.append(body)
                if len(acked) >= KILL_AFTER_ACKS:
                    state["enough"].set()
            i += 1


def test_kill_9_mid_write_loses_no_acknowledged_entry(tmp_path: Path) -> None:
    db_file = tmp_path / "faults.db"
    env = server_env(f"sqlite:///{db_file}", tmp_path)
    cli(env, "migrate")
    email = create_patient(env)
    acked: list[dict[str, Any]] = []
    state: dict[str, Any] = {
        "lock": threading.Lock(),
        "enough": threading.Event(),
        "in_flight": {},
    }
    with serve(env, tmp_path / "server.log") as server:
        headers = server.sign_in(email)
        threads = [
            threading.Thread(target=_writer, args=(server.url, headers, n, acked, state))
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        state["enough"].wait(timeout=120)
        server.kill9()
        for t in threads:
            t.join(timeout=60)
    assert len(acked) >= KILL_AFTER_ACKS
    assert len(state["in_flight"]) == CLIENTS  # every writer was cut off mid-request
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    with serve(env, tmp_path / "server.log") as server:
        headers = server.sign_in(email)
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            # The phones retry what they never heard back about: stored once, whatever happened.
            for body in state["in_flight"].values():
                assert http.post("/v1/entries", json=body).status_code == 201
            stored: list[dict[str, Any]] = []
            params: dict[str, Any] = {"limit": 200}
            while True:
                page = http.get("/v1/entries", params=params).json()
                stored += page["items"]
                if not page["next_cursor"]:
                    break
                params["cursor"] = page["next_cursor"]

    ids = [e["id"] for e in stored]
    assert len(ids) == len(set(ids))
    texts = [e["body"] for e in stored]
    assert len(texts) == len(set(texts)), "an entry was stored twice"
    expected = {b["id"]: b["body"] for b in [*acked, *state["in_flight"].values()]}
    assert {e["id"]: e["body"] for e in stored} == expected
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
