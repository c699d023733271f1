"""The server's own CPU time per request: the app driven in-process, without HTTP.

    python -m bench.cpu [--backend sqlite|postgresql] [--entries 10000] [--requests 1000]
                        [--rounds 5] [--only post_entry,list_50]

wrk and the server share two cores, so `make bench` cannot tell the server's
cost of one request from the client's or from waiting. Here requests go
straight to the ASGI app, one at a time, through its middleware, dependencies,
worker thread and database; each figure is the median over 5 rounds of the
process's CPU time (all threads) divided by the requests. The bare references
of bench/bare.py are measured the same way, and each figure of ours is shown
as the reference's CPU time over ours (above 1: cheaper than the reference). Useful to see what a
change saves; not a replacement for `make bench`. On a noisy machine, count
instructions instead: run it under `valgrind --tool=callgrind` with
`--rounds 1 --only NAME`, once with `--requests 0` and once with N, and divide
the difference by N.
"""

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import orjson

from bench.bodies import load
from bench.seed import PASSWORD
from bench.server import bench_env, fresh_database, run_cli, seed, workdir

# The same realistic bodies for ours and the bare insert, in turn (bench/bodies.py).
BODIES = itertools.cycle(load())

PATIENT = "patient0@bench.example.org"
THERAPIST = "therapist@bench.example.org"

Call = Callable[[], Awaitable[int]]


def _client(app: Any) -> Callable[..., Awaitable[tuple[int, bytes]]]:
    async def call(
        method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        path, _, query = path.partition("?")
        raw = [(b"host", b"bench")] + [
            (k.lower().encode(), v.encode()) for k, v in (headers or {}).items()
        ]
        if body:
            raw.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": raw,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "root_path": "",
            "state": {},
        }
        pending = [{"type": "http.request", "body": body, "more_body": False}]
        status, chunks = 0, []

        async def receive() -> dict[str, Any]:
            if pending:
                return pending.pop()
            await asyncio.Event().wait()  # the client never disconnects
            raise AssertionError

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(scope, receive, send)
        return status, b"".join(chunks)

    return call


async def _measure(app: Any, requests: int, rounds: int, only: list[str]) -> dict[str, float]:
    call = _client(app)
    form = urlencode({"username": PATIENT, "password": PASSWORD}).encode()
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    status, body = await call("POST", "/v1/auth/token", form, form_type)
    assert status == 200, body
    auth = {"authorization": f"Bearer {orjson.loads(body)['access_token']}"}
    form = urlencode({"username": THERAPIST, "password": PASSWORD}).encode()
    status, body = await call("POST", "/v1/auth/token", form, form_type)
    assert status == 200, body
    reader = {"authorization": f"Bearer {orjson.loads(body)['access_token']}"}
    json_auth = auth | {"content-type": "application/json"}

    async def healthz() -> int:
        return (await call("GET", "/healthz"))[0]

    async def post_entry() -> int:
        entry = {
            "id": str(uuid.uuid4()),
            "body": next(BODIES),
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "mood": 5,
        }
        return (await call("POST", "/v1/entries", orjson.dumps(entry), json_auth))[0]

    async def list_50() -> int:
        return (await call("GET", "/v1/entries?limit=50", headers=auth))[0]

    async def therapist_queue() -> int:
        return (await call("GET", "/v1/therapist/queue", headers=reader))[0]

    endpoints = {
        "healthz": healthz,
        "post_entry": post_entry,
        "list_50": list_50,
        "therapist_queue": therapist_queue,
    }
    return {
        name: await _cpu_ms(one, requests, rounds)
        for name, one in endpoints.items()
        if not only or name in only
    }


async def _cpu_ms(one: Call, requests: int, rounds: int) -> float:
    for _ in range(50):  # warm-up: caches, pool, compiled statements
        status = await one()
        assert status < 300, status
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(requests):
            await one()
        times.append((time.process_time() - start) * 1000 / max(requests, 1))
    return statistics.median(times)


async def _measure_bare(app: Any, requests: int, rounds: int, only: list[str]) -> dict[str, float]:
    """The same work on the bare references of bench/bare.py."""
    call = _client(app)
    json_type = {"content-type": "application/json"}

    async def bare_healthz() -> int:
        return (await call("GET", "/healthz"))[0]

    async def bare_insert() -> int:
        entry = {
            "id": str(uuid.uuid4()),
            "body": next(BODIES),
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "mood": 5,
        }
        return (await call("POST", "/entries", orjson.dumps(entry), json_type))[0]

    async def bare_page() -> int:
        return (await call("GET", "/entries?limit=50"))[0]

    endpoints = {"bare_healthz": bare_healthz, "bare_insert": bare_insert, "bare_page": bare_page}
    return {
        name: await _cpu_ms(one, requests, rounds)
        for name, one in endpoints.items()
        if not only or name in only
    }


async def _run(requests: int, rounds: int, only: list[str]) -> dict[str, float]:
    from app.core.db import make_engine
    from app.main import create_app  # after the environment names the database
    from bench import bare

    app = create_app()
    async with app.router.lifespan_context(app):
        figures = await _measure(app, requests, rounds, only)
    engine = make_engine(os.environ["KAPJ_DATABASE_URL"])
    bare.fill(engine)
    engine.dispose()
    return figures | await _measure_bare(bare.create_app(), requests, rounds, only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    args = parser.parse_args()
    work = workdir()
    pg_url = os.environ.get(
        "KAPJ_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kapj_bench"
    )
    env = bench_env(fresh_database(args.backend, work, pg_url), work)
    run_cli(env, "migrate")
    seed(env, args.entries, 100)
    os.environ.update(env | {"KAPJ_INPROCESS_WORKER": "false"})
    import uvloop  # uvicorn's loop, as under `kap-journal serve`

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # the access log
        only = [n for n in args.only.split(",") if n]
        figures = uvloop.run(_run(args.requests, args.rounds, only))
    refs = {
        "healthz": "bare_healthz",
        "post_entry": "bare_insert",
        "list_50": "bare_page",
        "therapist_queue": "list_50",  # the goal: the queue against kap's own page
    }
    for name, ms in figures.items():
        ref = figures.get(refs.get(name, ""))
        # A CPU-time ratio: the bare reference's cost over ours, so above 1 means cheaper.
        ratio = f" ({refs[name]}/ours: {ref / ms:.2f}x)" if ref else ""
        print(f"{name}: {ms:.3f} ms CPU per request{ratio}")


if __name__ == "__main__":
    main()
