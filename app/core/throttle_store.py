"""Throttle counts kept in the database, shared by every process on PostgreSQL.

A `limits` storage for fixed windows. Each count is one upsert that adds and
returns in the same statement (a row lock on PostgreSQL), so concurrent attempts
in any number of processes can never pass a limit together. Each statement
commits on its own connection: a refused sign-in rolls its request back, not
the count of the attempt.
"""

import time
from typing import Any, cast

from limits.storage import Storage
from sqlalchemy import Column, Float, String, Table, bindparam, case, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, SQLModel

from app.core.db import OWN_TRANSACTION, per_dialect


class ThrottleCounter(SQLModel, table=True):
    __tablename__ = "throttle_counter"

    key: str = Field(sa_column=Column(String(512), primary_key=True))
    hits: int
    # Seconds since the epoch (the limiter's clock) when the window ends.
    expires_at: float = Field(sa_column=Column(Float, nullable=False, index=True))


_counters = cast(Table, ThrottleCounter.__table__)  # type: ignore[attr-defined]
_NOW = bindparam("now", type_=Float)


def _incr(insert: Any) -> Any:
    stmt = insert(_counters).values(
        key=bindparam("key"), hits=bindparam("amount"), expires_at=bindparam("ends")
    )
    # SET reads the row as it was: an ended window starts again from this hit.
    ended = _counters.c.expires_at <= _NOW
    return stmt.on_conflict_do_update(
        index_elements=[_counters.c.key],
        set_={
            "hits": case((ended, stmt.excluded.hits), else_=_counters.c.hits + stmt.excluded.hits),
            "expires_at": case((ended, stmt.excluded.expires_at), else_=_counters.c.expires_at),
        },
    ).returning(_counters.c.hits)


_INCR = per_dialect(_incr)


class DatabaseStorage(Storage):
    """Fixed-window counters in `throttle_counter` (use with FixedWindowRateLimiter)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine.execution_options(**{OWN_TRANSACTION: True})

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as connection:
            hits = connection.execute(
                _INCR[connection.dialect.name],
                {"key": key, "amount": amount, "ends": now + expiry, "now": now},
            ).scalar_one()
        return int(hits)

    def _live(self, key: str) -> tuple[int, float] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(_counters.c.hits, _counters.c.expires_at).where(
                    _counters.c.key == key, _counters.c.expires_at > time.time()
                )
            ).first()
        return None if row is None else (int(row[0]), float(row[1]))

    def get(self, key: str) -> int:
        live = self._live(key)
        return 0 if live is None else live[0]

    def get_expiry(self, key: str) -> float:
        live = self._live(key)
        return time.time() if live is None else live[1]

    def check(self) -> bool:
        with self.engine.connect() as connection:
            connection.execute(select(1))
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return int(connection.execute(delete(_counters)).rowcount)

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(_counters).where(_counters.c.key == key))


def prune_counters(engine: Engine) -> int:
    """Drop windows that have ended (the worker's housekeeping)."""
    with engine.begin() as connection:
        gone = connection.execute(delete(_counters).where(_counters.c.expires_at <= time.time()))
    return int(gone.rowcount)
