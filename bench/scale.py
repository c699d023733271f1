"""Writes per second from one web process against two, POST's p99 at 64 writers, RSS.

    nice python -m bench.scale

Seeds a fresh database per backend (as `make bench` does), then starts two servers
side by side on it, `serve --workers 1` and `serve --workers 2`, and in each round
loads them in turn with the same POST load: many patients writing at once (each
request signs as the next of BENCH_PATIENTS_WRITING patients, bench/post_many.lua),
at BENCH_CONNECTIONS connections (16) and at 64. Figures are medians of the rounds;
the ratio two/one is taken within each round first. RSS is the one-process server's
(its in-process notification worker included) after the writes, and again after a
page of 50 and the therapist's queue have been loaded as long. Writes
bench/scale_results_<size>.json.

Settings (environment): BENCH_SIZE (10000), BENCH_DURATION (10), BENCH_ROUNDS (3),
BENCH_CONNECTIONS (16), BENCH_PATIENTS_WRITING (64), BENCH_BACKENDS
("postgresql,sqlite"), KAPJ_BENCH_POSTGRES_URL (dropped and recreated).
"""

import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.run import HERE, THERAPIST, parse_wrk, settle, wrk
from bench.seed import PASSWORD
from bench.server import bench_env, fresh_database, run_cli, seed, serve, sign_in, workdir

SCRIPT = HERE / "post_many.lua"


def _load(url: str, tokens: Path, duration: int, conns: int) -> dict[str, float]:
    settle(url)
    os.environ["BENCH_TOKENS"] = str(tokens)
    return parse_wrk(wrk(url + "/v1/entries", None, SCRIPT, duration, conns))


def one_backend(backend: str, cfg: dict[str, Any]) -> dict[str, Any]:
    work = workdir()
    env = bench_env(fresh_database(backend, work, cfg["pg_url"]), work)
    run_cli(env, "migrate")
    seed(env, cfg["size"], max(cfg["writing"], 100))
    rounds: list[dict[str, Any]] = []
    with (
        serve(env, 1, work / "one.log") as one,
        serve(env, 2, work / "two.log") as two,
    ):
        tokens = work / "tokens.txt"
        emails = [f"patient{i}@bench.example.org" for i in range(cfg["writing"])]
        tokens.write_text("".join(sign_in(one.url, e, PASSWORD) + "\n" for e in emails))
        for url in (one.url, two.url):  # warm-up
            _load(url, tokens, 2, cfg["conns"])
        for n in range(cfg["rounds"]):
            r = {
                "one": _load(one.url, tokens, cfg["duration"], cfg["conns"]),
                "two": _load(two.url, tokens, cfg["duration"], cfg["conns"]),
                "one_64": _load(one.url, tokens, cfg["duration"], 64),
                "two_64": _load(two.url, tokens, cfg["duration"], 64),
                "rss_one_mb": round(one.rss_mb(), 1),
                "rss_two_mb": round(two.rss_mb(), 1),
            }
            print(f"  round {n + 1}: {json.dumps(r)}", flush=True)
            rounds.append(r)
        # Memory after reads too: a page of 50 and the therapist's queue of 100 patients.
        reader = sign_in(one.url, THERAPIST, PASSWORD)
        patient = tokens.read_text().split()[0]
        for path, token in (("/v1/entries?limit=50", patient), ("/v1/therapist/queue", reader)):
            settle(one.url)
            wrk(one.url + path, token, None, cfg["duration"], cfg["conns"])
        rss_after_reads = round(one.rss_mb(), 1)
    shutil.rmtree(work, ignore_errors=True)

    def med(f: Any) -> float:
        return round(statistics.median(f(r) for r in rounds), 2)

    return {
        "backend": backend,
        "entries": cfg["size"],
        "rps_one": med(lambda r: r["one"]["rps"]),
        "rps_two": med(lambda r: r["two"]["rps"]),
        "two_over_one": med(lambda r: r["two"]["rps"] / r["one"]["rps"]),
        "p50_64_ms": med(lambda r: r["one_64"]["p50_ms"]),
        "p99_64_ms": med(lambda r: r["one_64"]["p99_ms"]),
        "p99_over_p50_64": med(lambda r: r["one_64"]["p99_ms"] / r["one_64"]["p50_ms"]),
        "p99_over_p50_64_two": med(lambda r: r["two_64"]["p99_ms"] / r["two_64"]["p50_ms"]),
        "rss_one_mb": med(lambda r: r["rss_one_mb"]),
        "rss_one_after_reads_mb": rss_after_reads,
        "errors": sum(
            r[k]["non_2xx"] + r[k]["socket_errors"]
            for r in rounds
            for k in ("one", "two", "one_64", "two_64")
        ),
        "rounds": rounds,
    }


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 2
    cfg: dict[str, Any] = {
        "size": int(os.environ.get("BENCH_SIZE", "10000")),
        "duration": int(os.environ.get("BENCH_DURATION", "10")),
        "rounds": int(os.environ.get("BENCH_ROUNDS", "3")),
        "conns": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "writing": int(os.environ.get("BENCH_PATIENTS_WRITING", "64")),
        "pg_url": os.environ.get(
            "KAPJ_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kapj_bench"
        ),
    }
    out = []
    for backend in os.environ.get("BENCH_BACKENDS", "postgresql,sqlite").split(","):
        print(f"{backend}, {cfg['size']} entries", flush=True)
        found = one_backend(backend, cfg)
        print({k: v for k, v in found.items() if k != "rounds"}, flush=True)
        out.append(found)
    path = HERE / f"scale_results_{cfg['size']}.json"
    path.write_text(json.dumps({"config": cfg, "runs": out}, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
