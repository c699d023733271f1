"""Engines, the naming convention and the one-transaction-per-request session."""

import asyncio
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
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
T = TypeVar("T")


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine with the per-connection settings each database needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, pool_size)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # No ping before every checkout (a round trip per request): a connection
        # found dead fails its request with 503, and SQLAlchemy then invalidates
        # the whole pool, so one outage costs each process one refused request.
        pool_recycle=1800,
        pool_timeout=10,
        hide_parameters=True,  # errors must never carry journal text into logs
        # Times come back in UTC whatever the server's default zone, and psycopg
        # then gives them the stdlib UTC zone, which needs no conversion.
        connect_args={"options": "-c timezone=UTC"},
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
        # Straight to the driver: a statement with no parameters and no rows
        # needs none of SQLAlchemy's execution machinery.
        conn.connection.driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


READ_ONLY_OPTION = "kapj_read_only"


class WriteGate:
    """Queues this process's SQLite writers on an event-loop lock.

    SQLite has one writer at a time; its busy handler polls with sleeps of up to
    100 ms, which turns contention into long tails. The lock is awaited on the
    event loop, so a queued writer holds no worker thread: with threads held by
    waiting writers, the writer holding the lock could find none left to finish
    on. PostgreSQL needs no gate.
    """

    def __init__(self, engine: Engine) -> None:
        # asyncio's own lock: anyio's checks the current task on every call.
        self._lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    async def acquire(self) -> None:
        if self._lock is not None:
            await self._lock.acquire()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()


class ReadOnlyViolation(RuntimeError):
    """A route declared ReadOnly tried to write: a bug, never a client's fault."""


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "CREATE", "DROP", "ALTER")
# True while a ReadOnly route's work runs (contexts are copied into its worker thread).
_read_only_request: ContextVar[bool] = ContextVar("kapj_read_only_request", default=False)


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_writes_in_read_only(
    _conn: Connection, _cursor: Any, statement: str, *_args: Any
) -> None:
    # On PostgreSQL a read-only route runs in autocommit: a write there would
    # commit statement by statement, outside any transaction. Refuse it.
    if (
        _read_only_request.get()
        and statement.lstrip()[:7].upper().startswith(_WRITES)
        and not _conn.get_execution_options().get(OWN_TRANSACTION)
    ):
        raise ReadOnlyViolation(statement.split(None, 1)[0])


# Marks a connection whose writes are committed on their own, apart from the
# request's work (throttle counts): a read-only route may still count an attempt.
OWN_TRANSACTION = "kapj_own_transaction"


async def mark_read_only(request: Request) -> None:
    """Route dependency: this request only reads, so it needs no write lock."""
    request.state.read_only = True


ReadOnly = Depends(mark_read_only)


# The request's session, visible to the route's worker thread (contexts are copied there).
_request_session: ContextVar[Session | None] = ContextVar("kapj_request_session", default=None)
_CHECKS = "kapj_checks_on_begin"
_FINISHED = "kapj_finished"

Check = Callable[[Connection], None]


def check_on_begin(db: Session, check: Check) -> None:
    """Run `check` on the request's connection before its first statement.

    Lets an async dependency (the caller's sign-in check) put its query into
    the route's own worker thread instead of a thread of its own. A check
    still pending at commit runs then, and its failure rolls everything back.
    """
    db.info.setdefault(_CHECKS, []).append(check)


@event.listens_for(Session, "after_begin")
def _run_checks_on_begin(session: Session, _transaction: Any, connection: Connection) -> None:
    for check in session.info.pop(_CHECKS, ()):
        check(connection)


def finish(db: Session) -> None:
    """Commit and close, in the thread that did the work; any failure rolls back."""
    db.info[_FINISHED] = True
    try:
        if db.info.get(_CHECKS):
            connection = db.connection()  # begins if nothing did: the checks run now
            for check in db.info.pop(_CHECKS, ()):
                check(connection)
        db.commit()
    finally:
        db.close()  # rolls back whatever is still open


def finish_request_session() -> None:
    """Called by a route's worker thread once the route returns (see core.routing)."""
    db = _request_session.get()
    if db is not None:
        finish(db)


def request_session() -> Session | None:
    """The session of the request whose work runs in this thread, if any."""
    return _request_session.get()


def abandon_request_session() -> None:
    db = _request_session.get()
    if db is not None:
        db.close()


def open_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


async def get_db(request: Request) -> Session:
    """One session and one transaction per request, committed before the response.

    Opening the session does no I/O: it connects on first use, inside the
    route's worker thread, which also commits. `end_request_session` (called
    by core.routing once the route has answered or failed) commits what is
    still open and releases the write gate. A plain dependency, not one with
    `yield`: FastAPI's exit stacks for those cost more than the rest of it.
    """
    read_only = getattr(request.state, "read_only", False)
    _read_only_request.set(read_only)
    engine: Engine = request.app.state.read_engine if read_only else request.app.state.engine
    if not read_only:
        gate: WriteGate = request.app.state.write_gate
        await gate.acquire()
        request.state.holds_write_gate = True
    db: Session = request.app.state.open_session(engine)
    request.state.db = db
    _request_session.set(db)
    return db


async def end_request_session(request: Request, *, failed: bool) -> None:
    """Commit (or, after a failure, close) the request's session; release the gate."""
    db: Session | None = getattr(request.state, "db", None)
    _read_only_request.set(False)
    try:
        if db is not None and not db.info.get(_FINISHED):
            request.state.db = None
            _request_session.set(None)
            await _in_thread_if_open(db, db.close if failed else partial(finish, db))
    finally:
        if getattr(request.state, "holds_write_gate", False):
            request.state.holds_write_gate = False
            request.app.state.write_gate.release()


async def _in_thread_if_open(db: Session, work: Callable[[], None]) -> None:
    """Work that may do I/O goes to a thread; a session with nothing open closes here."""
    if db.in_transaction() or db.info.get(_CHECKS):
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(work)
    else:
        db.close()


_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def per_dialect(build: Callable[[Any], T]) -> dict[str, T]:
    """`build(insert)` once for each database, for statements with ON CONFLICT.

    Run with `statement[connection.dialect.name]`.
    """
    return {name: build(insert) for name, insert in _INSERTS.items()}


def read_only_engine(engine: Engine) -> Engine:
    """The same pool, for requests that only read.

    SQLite: transactions that take no write lock. PostgreSQL: autocommit, so a
    read costs no BEGIN and COMMIT round trips; each statement still sees one
    consistent snapshot, and read-only routes run each query as one statement.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY_OPTION: True})
    return engine.execution_options(**{READ_ONLY_OPTION: True})


DbDep = Annotated[Session, Depends(get_db)]
