"""bench/RESULTS.md from the figures of one `make bench` run."""

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb // 1024} MB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, {wrk.strip()}"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def _run_table(run: dict[str, Any]) -> list[str]:
    eps = run["endpoints"]
    base = eps.get("healthz")
    lines = [
        f"### {run['backend']}, {run['entries']:,} entries (server RSS {run['rss_mb']} MB)",
        "",
        "| endpoint | req/s | x /healthz | p50 ms | x /healthz | p99 ms | x /healthz "
        "| non-2xx | socket errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, f in eps.items():
        r = (
            [_ratio(f["rps"], base["rps"]), _ratio(f["p50_ms"], base["p50_ms"])]
            if base
            else ["", ""]
        )
        p99r = _ratio(f["p99_ms"], base["p99_ms"]) if base else ""
        lines.append(
            f"| {name} | {f['rps']:.0f} | {r[0]} | {f['p50_ms']:.2f} | {r[1]} "
            f"| {f['p99_ms']:.2f} | {p99r} | {f['non_2xx']:.0f} | {f['socket_errors']:.0f} |"
        )
    return [*lines, ""]


def _goals(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["| backend | entries | goal | figure | met |", "| --- | ---: | --- | ---: | :---: |"]

    def row(run: dict[str, Any], goal: str, value: float, ok: bool, fmt: str = "{:.2f}x") -> None:
        mark = "yes" if ok else "**no**"
        lines.append(
            f"| {run['backend']} | {run['entries']:,} | {goal} | {fmt.format(value)} | {mark} |"
        )

    by_key = {(r["backend"], r["entries"]): r for r in runs}
    # The goals of the speed issue: each figure against its bare reference (bench/bare.py)
    # or another endpoint, measured in the same run.
    goals = [
        ("/healthz rate ≥ 0.8x a bare FastAPI sync route", "healthz", "bare_healthz", "rps", 0.8),
        (
            "POST /v1/entries rate ≥ 0.8x a bare single-row insert",
            "post_entry",
            "bare_insert",
            "rps",
            0.8,
        ),
        ("page of 50 rate ≥ 1.2x a bare page", "list_50", "bare_page", "rps", 1.2),
        ("therapist queue rate ≥ 0.5x the page of 50", "therapist_queue", "list_50", "rps", 0.5),
    ]
    for run in runs:
        eps = run["endpoints"]
        for goal, name, ref, key, floor in goals:
            if name in eps and ref in eps:
                value = eps[name][key] / eps[ref][key]
                row(run, goal, value, value >= floor)
        h = eps.get("healthz")
        if h and "post_entry" in eps:
            p = eps["post_entry"]
            row(
                run,
                "POST /v1/entries p99 ≤ 3x /healthz p99",
                p["p99_ms"] / h["p99_ms"],
                p["p99_ms"] <= 3 * h["p99_ms"],
            )
        row(run, "server RSS ≤ 200 MB", run["rss_mb"], run["rss_mb"] <= 200, "{:.0f} MB")
        small = min((k[1] for k in by_key if k[0] == run["backend"]), default=run["entries"])
        if run["entries"] > small and "list_50" in eps:
            base = by_key[(run["backend"], small)]["endpoints"].get("list_50")
            if base:
                t = eps["list_50"]["p50_ms"] / base["p50_ms"]
                row(run, f"page p50 at this size ≤ 1.2x at {small:,}", t, t <= 1.2)
                t99 = eps["list_50"]["p99_ms"] / base["p99_ms"]
                lines.append(
                    f"| {run['backend']} | {run['entries']:,} | (page p99, same ratio) "
                    f"| {t99:.2f}x | |"
                )
    return [*lines, ""]


def render(cfg: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    when = cfg.get("when") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmarks",
        "",
        f"Run {when} on {_machine()}.",
        "",
        "Command: `make bench` (that is `python -m bench.run`), here with "
        f"{cfg['conns']} connections, 2 wrk threads, {cfg['duration']} s per endpoint after a "
        f"2 s warm-up, {cfg['workers']} uvicorn worker(s), {cfg['patients']} patients, "
        "`KAPJ_RATE_LIMIT_ENABLED=false`, wrk and the server on 127.0.0.1 of the same machine.",
        f"Each figure is the median of {cfg.get('rounds', 1)} round(s); a round loads every "
        "endpoint once, in turn, on the same server (non-2xx and socket errors: the sum).",
        "The tables' ratios are to `/healthz` of the same server; the goals' ratios are to "
        "the bare references of `bench/bare.py` (a FastAPI sync route, a SQLModel "
        "single-row insert and page on the same database), loaded in the same rounds.",
        "",
        "## Goals",
        "",
        *_goals(runs),
        "## Figures",
        "",
    ]
    for run in runs:
        out += _run_table(run)
    notes = HERE / "NOTES.md"
    if notes.exists():
        out += [notes.read_text()]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # re-render RESULTS.md from results.json (e.g. after editing NOTES.md)
    import json

    saved = json.loads((HERE / "results.json").read_text())
    (HERE / "RESULTS.md").write_text(render(saved["config"], saved["runs"]))
