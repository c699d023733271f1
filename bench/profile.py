"""Profiles behind bench/NOTES.md: one write and one queue, at the service level.

    python -m bench.profile [write|queue] [--backend sqlite|postgresql] [--entries 2000]
                            [--bodies flagged|unflagged]

Seeds a fresh database as `make bench` does, then runs the use case in a
loop under cProfile (no HTTP, no FastAPI) and prints CPU per call and the top of
the profile, so the cost of each statement and step can be read off.
"""

import argparse
import cProfile
import io
import itertools
import os
import pstats
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from bench.bodies import load
from bench.server import bench_env, fresh_database, run_cli, seed, workdir

PG_URL = os.environ.get(
    "KAPJ_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kapj_bench"
)


def _setup(entries: int, backend: str = "sqlite") -> None:
    work = workdir()
    env = bench_env(fresh_database(backend, work, PG_URL), work)
    run_cli(env, "migrate")
    seed(env, entries, 100)
    os.environ.update(env)


def _bodies(which: str) -> list[str]:
    """The bench's bodies, or only those the screen flags (or lets pass): a flagged write
    raises a flag, tells the care team and re-plans the C-SSRS, so it costs several
    times an unflagged one."""
    from app.safety.screen import screen_text

    bodies = load()
    if which == "all":
        return bodies
    return [b for b in bodies if (screen_text(b) is not None) == (which == "flagged")]


def _write(which: str = "all") -> Callable[[], None]:
    from sqlmodel import Session, select

    from app.accounts.models import User
    from app.core.config import get_settings
    from app.core.context import AppContext
    from app.core.db import make_engine
    from app.entries.service import NewEntry
    from app.usecases.act import Act
    from app.usecases.entries import write_entry

    s = get_settings()
    engine = make_engine(s.database_url)
    ctx = AppContext.build(s, engine)
    with Session(engine) as db:
        pid = db.exec(select(User.id).where(User.email == "patient0@bench.example.org")).one()
    bodies = itertools.cycle(_bodies(which))  # realistic entries (bench/bodies.py)

    def one() -> None:
        now = datetime.now(UTC)
        new = NewEntry(uuid.uuid4(), next(bodies), now, 5, None, True)
        with Session(engine) as db:
            act = Act.offline(db, ctx, actor_id=pid, role="patient", now=now, request_id="bench")
            write_entry(act, new=new, idempotency_key=None, locale="en")
            db.commit()

    return one


def _queue() -> Callable[[], None]:
    from sqlmodel import Session, select

    from app.accounts.models import User
    from app.core.config import get_settings
    from app.core.context import AppContext
    from app.core.db import make_engine
    from app.usecases.act import Act
    from app.usecases.therapist import read_queue

    s = get_settings()
    engine = make_engine(s.database_url)
    ctx = AppContext.build(s, engine)
    with Session(engine) as db:
        tid = db.exec(select(User.id).where(User.email == "therapist@bench.example.org")).one()

    def one() -> None:
        # The whole use case, as the route runs it: the rows, the audit, the view.
        now = datetime.now(UTC)
        with Session(engine) as db:
            act = Act.offline(db, ctx, actor_id=tid, role="therapist", now=now, request_id="bench")
            read_queue(act)
            db.commit()

    return one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["write", "queue"])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument(
        "--bodies", choices=["all", "flagged", "unflagged"], default="all", help="write only"
    )
    args = parser.parse_args()
    _setup(args.entries, args.backend)
    one = _write(args.bodies) if args.what == "write" else _queue()
    for _ in range(20):
        one()
    profile = cProfile.Profile()
    start = time.process_time()
    profile.enable()
    for _ in range(args.calls):
        one()
    profile.disable()
    per_call = (time.process_time() - start) * 1000 / args.calls
    print(f"{args.what}: {per_call:.2f} ms CPU per call (under cProfile)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


if __name__ == "__main__":
    main()
