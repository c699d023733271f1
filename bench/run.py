"""`make bench`: kap-journal serve under wrk, on SQLite and PostgreSQL, at 10 k and 1 M entries.

Settings (environment): BENCH_SIZES (default "10000,1000000"), BENCH_DURATION
seconds per endpoint and round (10), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16),
BENCH_WORKERS (uvicorn workers, 1), BENCH_BACKENDS ("sqlite,postgresql"), KAPJ_BENCH_POSTGRES_URL
(postgresql+psycopg://postgres@127.0.0.1:5432/kapj_bench; dropped and
recreated). Writes bench/results.json and bench/RESULTS.md.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from app.core.db import make_engine
from bench import report
from bench.bare import fill
from bench.seed import PASSWORD
from bench.server import bench_env, fresh_database, run_cli, seed, serve, sign_in, workdir

HERE = Path(__file__).parent
PATIENT, THERAPIST = "patient0@bench.example.org", "therapist@bench.example.org"

# name, path, who, wrk script
ENDPOINTS = [
    ("healthz", "/healthz", None, None),
    ("post_entry", "/v1/entries", "patient", HERE / "post_entry.lua"),
    ("list_50", "/v1/entries?limit=50", "patient", None),
    ("therapist_queue", "/v1/therapist/queue", "therapist", None),
]
# The bare references (bench/bare.py), loaded in the same rounds on the same database.
BARE = [
    ("bare_healthz", "/healthz", None, None),
    ("bare_insert", "/entries", None, HERE / "post_entry.lua"),
    ("bare_page", "/entries?limit=50", None, None),
]

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(out: str) -> dict[str, float]:
    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(pct["50"]),
        "p99_ms": _ms(pct["99"]),
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": float(sum(int(x) for x in sock.groups())) if sock else 0.0,
    }


def _median(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds (non-2xx and socket errors: their sum)."""
    summed = {"requests", "non_2xx", "socket_errors"}
    return {
        key: sum(r[key] for r in rounds)
        if key in summed
        else statistics.median(r[key] for r in rounds)
        for key in rounds[0]
    }


def settle(url: str, timeout: float = 60.0) -> None:
    """Wait until the server answers at once: requests a finished wrk run left
    queued (slow ones, like the queue at 1 M entries) must not land on the next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        start = time.monotonic()
        httpx.get(url + "/healthz", timeout=timeout)
        if time.monotonic() - start < 0.05:
            return
        time.sleep(0.5)


def wrk(url: str, token: str | None, script: Path | None, duration: int, conns: int) -> str:
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", str(script)]
    # The POST script reads its bodies from here (bench/bodies.py).
    env = os.environ | {"BENCH_BODIES": str(HERE / "bodies.txt")}
    return subprocess.run([*cmd, url], check=True, capture_output=True, text=True, env=env).stdout


def one_run(backend: str, size: int, cfg: dict[str, Any]) -> dict[str, Any]:
    work = workdir()
    url = fresh_database(backend, work, cfg["pg_url"])
    env = bench_env(url, work)
    run_cli(env, "migrate")
    seed(env, size, cfg["patients"])
    bare_engine = make_engine(url)
    fill(bare_engine)
    bare_engine.dispose()
    result: dict[str, Any] = {"backend": backend, "entries": size, "endpoints": {}}
    with (
        serve(env, cfg["workers"], work / "server.log") as server,
        serve(env, cfg["workers"], work / "bare.log", bare=True, ready="/healthz") as bare,
    ):
        paths = httpx.get(server.url + "/openapi.json").json()["paths"]
        tokens = {
            "patient": sign_in(server.url, PATIENT, PASSWORD),
            "therapist": sign_in(server.url, THERAPIST, PASSWORD),
        }
        rss = server.rss_mb()
        served = [(n, server.url + p, w, s) for n, p, w, s in ENDPOINTS if p.split("?")[0] in paths]
        served += [(n, bare.url + p, w, s) for n, p, w, s in BARE]
        for name, path, *_ in ENDPOINTS:
            if path.split("?")[0] not in paths:
                print(f"  {name}: {path} is not served by this build; skipped", flush=True)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name, *_ in served}
        # Rounds take the endpoints in turn, so a slow spell of this shared machine
        # falls on all of them rather than on one; each figure is the rounds' median.
        for round_no in range(cfg["rounds"]):
            for name, target, who, script in served:
                token = tokens[who] if who else None
                settle(server.url)
                settle(bare.url)
                if round_no == 0:
                    wrk(target, token, script, 2, cfg["conns"])  # warm-up
                out = wrk(target, token, script, cfg["duration"], cfg["conns"])
                try:
                    figures = parse_wrk(out)
                except (AttributeError, KeyError):  # e.g. every request timed out
                    print(f"  {name}: could not read wrk's output:\n{out}", flush=True)
                    continue
                figures["rss_mb"] = round(server.rss_mb(), 1)  # after this endpoint's load
                rss = max(rss, figures["rss_mb"])
                rounds[name].append(figures)
                print(f"  round {round_no + 1}, {name}: {figures}", flush=True)
        result["endpoints"] = {name: _median(f) for name, f in rounds.items() if f}
        result["rounds"] = rounds
        result["rss_mb"] = round(rss, 1)
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 2
    cfg = {
        "duration": int(os.environ.get("BENCH_DURATION", "10")),
        "rounds": int(os.environ.get("BENCH_ROUNDS", "3")),
        "conns": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "workers": int(os.environ.get("BENCH_WORKERS", "1")),
        "patients": int(os.environ.get("BENCH_PATIENTS", "100")),
        "pg_url": os.environ.get(
            "KAPJ_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kapj_bench"
        ),
    }
    cfg["when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,1000000").split(",")]
    backends = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
    runs = []
    for backend in backends:
        for size in sizes:
            print(f"{backend}, {size} entries", flush=True)
            try:
                runs.append(one_run(backend, size, cfg))
            except Exception as exc:  # e.g. no PostgreSQL here: report it, go on
                print(f"  skipped: {type(exc).__name__}: {exc}", flush=True)
    (HERE / "results.json").write_text(json.dumps({"config": cfg, "runs": runs}, indent=2))
    (HERE / "RESULTS.md").write_text(report.render(cfg, runs))
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
