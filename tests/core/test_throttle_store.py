"""Throttle counts in the database: shared by processes, atomic under concurrency."""

import contextlib
import dataclasses
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from limits.storage import MemoryStorage
from sqlalchemy.engine import Engine

from app.accounts import login as login_service
from app.core import throttle_store
from app.core.config import SettingsError
from app.core.db import make_engine
from app.core.errors import InvalidCredentials, TooManyRequests
from app.core.ratelimit import Throttle
from app.core.throttle_store import DatabaseStorage, prune_counters

RULES = {
    "signin_pair": "5/15 minutes",
    "signin_account": "50/15 minutes",
    "signin_address": "100/15 minutes",
    "signin_slow": "1/10 seconds",
}


@pytest.fixture
def postgres(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the database store is for PostgreSQL")
    return engine


@pytest.fixture
def processes(postgres: Engine, db_url: str) -> Iterator[list[Throttle]]:
    """Two throttles on two engines, as two web processes would have."""
    engines = [make_engine(db_url, pool_size=10) for _ in range(2)]
    yield [
        Throttle.build(enabled=True, redis_url=None, rules=RULES, engine=e, store="auto")
        for e in engines
    ]
    for e in engines:
        e.dispose()


def _key() -> str:
    return f"someone-{uuid.uuid4().hex}@clinic.example.org|203.0.113.50"


def test_concurrent_attempts_in_two_processes_cannot_pass_the_limit(
    processes: list[Throttle],
) -> None:
    key = _key()
    passed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def attempt(throttle: Throttle) -> None:
        start.wait()
        with contextlib.suppress(TooManyRequests):
            throttle.take("signin_pair", key)
            with lock:
                passed.append(1)

    threads = [threading.Thread(target=attempt, args=(processes[i % 2],)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 5
    assert processes[0].exhausted("signin_pair", key)
    processes[1].clear("signin_pair", key)
    assert not processes[0].exhausted("signin_pair", key)


def test_sign_in_guesses_across_processes_get_five_checks(
    app: FastAPI,
    processes: list[Throttle],
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Through the sign-in itself: the count is committed even though each guess fails."""
    checked: list[int] = []
    lock = threading.Lock()
    email = f"guessed-{uuid.uuid4().hex}@clinic.example.org"

    def wrong_password(_db: object, *, email: str, password: str) -> None:
        with lock:
            checked.append(1)
        time.sleep(0.01)
        raise InvalidCredentials()

    monkeypatch.setattr(login_service, "authenticate", wrong_password)
    contexts = [dataclasses.replace(app.state.ctx, throttle=t) for t in processes]
    start = threading.Barrier(16)

    def guess(i: int) -> None:
        start.wait()
        with contextlib.suppress(InvalidCredentials, TooManyRequests):
            login_service.sign_in(
                None,  # type: ignore[arg-type]
                contexts[i % 2],
                login_service.Attempt("203.0.113.51", None, datetime(2026, 3, 2, tzinfo=UTC)),
                login_service.Credentials(email, "wrong-pass1"),
            )

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 5


def test_a_window_starts_again_when_it_ends_and_ended_ones_are_pruned(
    postgres: Engine,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    store = DatabaseStorage(postgres)
    key = _key()
    now = [1_000_000.0]
    monkeypatch.setattr(throttle_store.time, "time", lambda: now[0])
    assert [store.incr(key, 60) for _ in range(3)] == [1, 2, 3]
    assert (store.get(key), store.get_expiry(key)) == (3, 1_000_060.0)
    now[0] += 60
    assert store.get(key) == 0
    assert store.incr(key, 60) == 1
    assert store.get_expiry(key) == 1_000_120.0
    now[0] += 61
    assert prune_counters(postgres) >= 1
    assert store.incr(key, 60) == 1
    store.clear(key)
    assert store.get(key) == 0


def test_which_store_counts(engine: Engine) -> None:
    auto = Throttle.build(enabled=True, redis_url=None, rules=RULES, engine=engine, store="auto")
    memory = Throttle.build(
        enabled=True, redis_url=None, rules=RULES, engine=engine, store="memory"
    )
    assert memory.limiter is not None and isinstance(memory.limiter.storage, MemoryStorage)
    assert auto.limiter is not None
    if engine.dialect.name == "postgresql":
        assert isinstance(auto.limiter.storage, DatabaseStorage)
    else:
        # SQLite serves from one process; its counts stay in memory.
        assert isinstance(auto.limiter.storage, MemoryStorage)
        with pytest.raises(SettingsError):
            Throttle.build(
                enabled=True, redis_url=None, rules=RULES, engine=engine, store="database"
            )
