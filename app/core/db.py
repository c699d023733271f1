"""Engines, the naming convention and the one-transaction-per-request session."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

# Set before any table is declared so constraint names match on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine with the per-connection settings each database needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, pool_size)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=10,
        hide_parameters=True,  # errors must never carry journal text into logs
    )


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    database = make_url(url).database
    in_memory = database in (None, "", ":memory:")
    # A pool as large as PostgreSQL's: with the default 5 and overflow, connections
    # beyond 5 are opened (WAL and pragmas) and closed again on every busy request.
    sizes = {} if in_memory else {"pool_size": pool_size, "max_overflow": pool_size}
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "isolation_level": None},
        poolclass=NullPool if in_memory else None,
        hide_parameters=True,
        **sizes,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # pysqlite's own transaction handling is off (isolation_level=None).
        # IMMEDIATE takes the write lock up front, so a transaction that reads
        # then writes never fails on a stale snapshot; read-only requests
        # take a plain (deferred) snapshot and run beside the writer.
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


READ_ONLY_OPTION = "kapj_read_only"


class WriteGate:
    """Queues this process's SQLite writers on a lock instead of SQLite's busy sleeps.

    SQLite has one writer at a time; its busy handler polls with sleeps of up to
    100 ms, which turns contention into long tails. PostgreSQL needs no gate.
    """

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    @contextmanager
    def held(self) -> Iterator[None]:
        if self._lock is None:
            yield
            return
        with self._lock:
            yield


async def mark_read_only(request: Request) -> None:
    """Route dependency: this request only reads, so it needs no write lock."""
    request.state.read_only = True


ReadOnly = Depends(mark_read_only)


def get_db(request: Request) -> Iterator[Session]:
    """One session and one transaction per request, committed before the response."""
    engine: Engine = request.app.state.engine
    read_only = getattr(request.state, "read_only", False)
    gate: WriteGate = request.app.state.write_gate
    with (
        nullcontext() if read_only else gate.held(),
        Session(engine, expire_on_commit=False) as db,
        db.begin(),
    ):
        if read_only:
            db.connection(execution_options={READ_ONLY_OPTION: True})
        yield db


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
