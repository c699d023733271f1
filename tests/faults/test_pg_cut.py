"""PostgreSQL connections cut mid-load: 503 with Retry-After, never 500; nothing lost or doubled."""

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from tests.conftest import POSTGRES_URL, _wipe
from tests.faults.process import create_patient, entry_body, serve, server_env

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="KAPJ_TEST_POSTGRES_URL not set")

CLIENTS = 4
PER_CLIENT = 40
APP_NAME = "kapj-fault-server"
TERMINATE = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND application_name = :name"
)


def _writer(url: str, headers: dict[str, str], n: int, log: dict[str, Any]) -> None:
    """Post entries, retrying each with the same id until it is acknowledged."""
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        for i in range(PER_CLIENT):
            body = entry_body(n, i)
            while True:
                r = http.post("/v1/entries", json=body)
                with log["lock"]:
                    log["statuses"].append(r.status_code)
                if r.status_code == 201:
                    log["acked"].append(body)
                    break
                log["refusals"].append(r)
                if r.status_code != 503:
                    return  # the test fails on it below; stop writing
            with log["lock"]:
                log["progress"] += 1
                log["tick"].set()


@pytest.fixture
def pg_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("cuts PostgreSQL connections")
    yield engine
    _wipe(engine)


def test_cut_connections_answer_503_and_lose_nothing(pg_engine: Engine, tmp_path: Path) -> None:
    url = make_url(POSTGRES_URL).update_query_dict({"application_name": APP_NAME})
    env = server_env(url.render_as_string(hide_password=False), tmp_path, KAPJ_DB_POOL_SIZE="4")
    email = create_patient(env)
    log: dict[str, Any] = {
        "lock": threading.Lock(),
        "tick": threading.Event(),
        "statuses": [],
        "acked": [],
        "refusals": [],
        "progress": 0,
    }
    cuts = 0
    with serve(env, tmp_path / "server.log") as server:
        headers = server.sign_in(email)
        threads = [
            threading.Thread(target=_writer, args=(server.url, headers, n, log))
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        # Cut every server connection each time a few more entries got through.
        while any(t.is_alive() for t in threads):
            log["tick"].wait(timeout=5)
            log["tick"].clear()
            if log["progress"] < CLIENTS * PER_CLIENT * 3 // 4:
                with pg_engine.connect() as conn:
                    cuts += int(conn.execute(TERMINATE, {"name": APP_NAME}).scalar_one())
                    conn.commit()
        for t in threads:
            t.join(timeout=120)

        # The pool recovered by itself: every request now succeeds at the first try.
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            assert http.get("/readyz").status_code == 200
            for i in range(8):
                assert http.post("/v1/entries", json=entry_body(99, i)).status_code == 201
            stored = http.get("/v1/entries", params={"limit": 200}).json()["items"]

    assert cuts > 0
    assert 500 not in log["statuses"]
    assert [r.status_code for r in log["refusals"]] == [503] * len(log["refusals"])
    assert log["refusals"], "no request met a cut connection; the test proved nothing"
    for r in log["refusals"]:
        assert r.headers["content-type"] == "application/problem+json"
        assert int(r.headers["retry-after"]) > 0
        assert r.json()["status"] == 503
    # Every entry acknowledged exactly once, and nothing else.
    assert len(log["acked"]) == CLIENTS * PER_CLIENT
    mine = [e for e in stored if not e["body"].startswith("client 99 ")]
    assert sorted(e["id"] for e in mine) == sorted(b["id"] for b in log["acked"])
    assert len({e["body"] for e in mine}) == len(mine)
