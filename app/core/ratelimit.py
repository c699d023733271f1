"""Throttling with the `limits` library, shared by processes where they can share.

Where the counts live: Redis when `KAPJ_REDIS_URL` is set (moving windows); else
the database on PostgreSQL (fixed windows, see throttle_store), so several web
processes never multiply a limit; else memory (SQLite serves from one process).
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter
from sqlalchemy.engine import Engine

from app.core.config import SettingsError
from app.core.errors import TooManyRequests
from app.core.throttle_store import DatabaseStorage


@dataclass
class Throttle:
    limiter: RateLimiter | None
    rules: dict[str, RateLimitItem]

    @classmethod
    def build(
        cls,
        *,
        enabled: bool,
        redis_url: str | None,
        rules: dict[str, str],
        engine: Engine | None = None,
        store: str = "memory",
    ) -> "Throttle":
        """`store` (without Redis): auto, memory or database, as KAPJ_THROTTLE_STORE."""
        if not enabled:
            return cls(limiter=None, rules={})
        limiter: RateLimiter
        on_postgres = engine is not None and engine.dialect.name == "postgresql"
        if store == "database" and not on_postgres:
            raise SettingsError("KAPJ_THROTTLE_STORE=database needs PostgreSQL")
        if redis_url is None and engine is not None and store != "memory" and on_postgres:
            limiter = FixedWindowRateLimiter(DatabaseStorage(engine))
        else:
            limiter = MovingWindowRateLimiter(storage_from_string(redis_url or "memory://"))
        return cls(limiter=limiter, rules={name: parse(rule) for name, rule in rules.items()})

    def check(self, rule: str, *keys: str) -> None:
        """Raise 429 when any key has used up `rule`, without counting a hit."""
        if self.limiter is None:
            return
        item = self.rules[rule]
        for key in keys:
            if not self.limiter.test(item, rule, key):
                stats = self.limiter.get_window_stats(item, rule, key)
                raise TooManyRequests(
                    retry_after=math.ceil(stats.reset_time - time.time()),
                    detail="Too many attempts; wait before trying again.",
                )

    def hit(self, rule: str, *keys: str) -> None:
        if self.limiter is None:
            return
        item = self.rules[rule]
        for key in keys:
            self.limiter.hit(item, rule, key)

    def consume(self, rule: str, *keys: str) -> None:
        """Count one use and raise 429 past the limit (for throttled reads)."""
        self.check(rule, *keys)
        self.hit(rule, *keys)

    def take(self, rule: str, key: str) -> None:
        """Count one attempt and raise 429 if it was over the limit, in one atomic step.

        The limiter's hit is a single check-and-count (a lock in memory, a Lua
        script in Redis), so concurrent attempts can never pass the limit together.
        """
        if self.limiter is None:
            return
        item = self.rules[rule]
        if not self.limiter.hit(item, rule, key):
            stats = self.limiter.get_window_stats(item, rule, key)
            raise TooManyRequests(
                retry_after=math.ceil(stats.reset_time - time.time()),
                detail="Too many attempts; wait before trying again.",
            )

    def exhausted(self, rule: str, key: str) -> bool:
        """Whether `key` has used up `rule` (without counting)."""
        if self.limiter is None:
            return False
        return not self.limiter.test(self.rules[rule], rule, key)

    def clear(self, rule: str, key: str) -> None:
        if self.limiter is not None:
            self.limiter.clear(self.rules[rule], rule, key)
