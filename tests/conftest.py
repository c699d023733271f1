"""Fixtures: the same suite on SQLite and, when configured, PostgreSQL.

The schema comes from `alembic upgrade head`. Each test runs inside an outer
transaction that is rolled back; the app's sessions join it with savepoints.
Tests that need real commits (concurrency) use `live_client` and clean up.
"""

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel

import app.models
from app.accounts.models import User
from app.core.clock import get_now
from app.core.config import Settings
from app.core.db import make_engine
from app.core.migrate import upgrade
from app.main import create_app
from app.prompts.library import sync_library
from tests.hygiene import captured_logs, session_logs  # noqa: F401  (session-wide, autouse)


def _per_worker(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a database of its own beside the given one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


SHARED_POSTGRES_URL = os.environ.get("KAPJ_TEST_POSTGRES_URL")
POSTGRES_URL = _per_worker(SHARED_POSTGRES_URL)
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="KAPJ_TEST_POSTGRES_URL not set"),
    ),
]
TEST_ENCRYPTION_KEYS = "t1:" + base64.b64encode(b"k" * 32).decode()


def _admin(statement: str) -> None:
    assert SHARED_POSTGRES_URL is not None
    server = create_engine(SHARED_POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(statement))
    server.dispose()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "one_backend: checks that do not depend on the database (a header, a generated"
        " client): run on SQLite only, not again on PostgreSQL",
    )
    config.addinivalue_line("markers", "xdist_group: pytest-xdist's, kept on one worker")
    if POSTGRES_URL != SHARED_POSTGRES_URL:
        assert POSTGRES_URL is not None
        name = make_url(POSTGRES_URL).database
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by a killed run
        _admin(f'CREATE DATABASE "{name}"')


def pytest_unconfigure(config: pytest.Config) -> None:
    if POSTGRES_URL != SHARED_POSTGRES_URL:
        _admin(f'DROP DATABASE IF EXISTS "{make_url(POSTGRES_URL).database}" WITH (FORCE)')


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def twice(item: pytest.Item) -> bool:
        params = getattr(item, "callspec", None)
        on_pg = params is not None and params.params.get("db_url") == "postgresql"
        return on_pg and item.get_closest_marker("one_backend") is not None

    dropped = [item for item in items if twice(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not twice(item)]


@dataclass
class Clock:
    """The app's notion of now, moved by tests instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 15, 0, tzinfo=UTC))

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now

    def set(self, value: datetime) -> datetime:
        self.now = value
        return value


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "postgresql":
        assert POSTGRES_URL is not None
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    eng = make_engine(db_url, pool_size=12)
    _wipe(eng)
    yield eng
    eng.dispose()


def _wipe(engine: Engine) -> None:
    """Empty every table, then load the prompt library as `kap-journal migrate` does."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
    with Session(engine) as db, db.begin():
        sync_library(db, now=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=db_url,
        data_dir=tmp_path,
        signing_key=SecretStr("test-signing-key-0123456789abcdef0123456789"),
        encryption_keys=SecretStr(TEST_ENCRYPTION_KEYS),
        # Counts in memory, fresh for each test's app (tests/core/test_throttle_store.py
        # covers the database store, which commits outside the test's transaction).
        throttle_store="memory",
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    if outer.is_active:
        outer.rollback()
    conn.close()


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


def _build_app(settings: Settings, engine: Engine, clock: Clock) -> FastAPI:
    app = create_app(settings, engine)
    app.dependency_overrides[get_now] = lambda: clock.now
    return app


@pytest.fixture
def app(settings: Settings, engine: Engine, clock: Clock, connection: Connection) -> FastAPI:
    application = _build_app(settings, engine, clock)

    def in_test_transaction(_engine: Engine) -> Session:
        # Each request commits to a savepoint of the test's transaction, rolled back after.
        return Session(bind=connection, join_transaction_mode="create_savepoint")

    application.state.open_session = in_test_transaction
    return application


@pytest.fixture
def client(app: FastAPI, db: Session) -> Iterator[TestClient]:
    class ExpungingClient(TestClient):
        def request(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
            # The request must see the database, not objects the test holds.
            db.expunge_all()
            return super().request(*args, **kwargs)

    with ExpungingClient(app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture
def live_app(settings: Settings, engine: Engine, clock: Clock) -> Iterator[FastAPI]:
    """An app whose requests commit for real; every table is wiped afterwards."""
    yield _build_app(settings, engine, clock)
    _wipe(engine)


@pytest.fixture
def live_client(live_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(live_app) as c:
        yield c


@pytest.fixture
def live_db(engine: Engine, live_app: FastAPI) -> Iterator[Session]:
    """A committing session beside `live_app` (wiped with it)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def login(app: FastAPI, db: Session, clock: Clock):  # type: ignore[no-untyped-def]
    """Headers for a user signed in at the clock's current time."""
    from tests.factories import auth_headers

    def _login(user: User) -> dict[str, str]:
        return auth_headers(db, app.state.ctx.tokens, user, now=clock.now)

    return _login
