"""Throttling with the `limits` library, shared by processes where they can share.

Where the counts live: Redis when `KAPJ_REDIS_URL` is set (moving windows); else
the database on PostgreSQL (fixed windows, see throttle_store), so several web
processes never multiply a limit; else memory (SQLite serves from one process).
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter
from sqlalchemy.engine import Engine

from app.core.config import SettingsError
from app.core.errors import TooManyRequests
from app.core.throttle_store import DatabaseStorage


@dataclass(frozen=True)
class Quota:
    """One policy's state for a caller: the IETF RateLimit and RateLimit-Policy fields
    (draft-ietf-httpapi-ratelimit-headers: `"name";q=limit;w=window`, `"name";r=left;t=reset`).
    """

    policy: str
    limit: int
    window: int
    remaining: int
    reset: int
    allowed: bool = True

    def refusal(self) -> TooManyRequests:
        return TooManyRequests(
            retry_after=max(1, self.reset), detail="Too many requests; wait before trying again."
        )

    def fields(self) -> list[tuple[bytes, bytes]]:
        name = f'"{self.policy}"'
        return [
            (b"ratelimit-policy", f"{name};q={self.limit};w={self.window}".encode()),
            (b"ratelimit", f"{name};r={self.remaining};t={self.reset}".encode()),
        ]


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

    @property
    def shared(self) -> bool:
        """Counts kept outside this process (Redis, the database): each call is I/O."""
        return self.limiter is not None and not isinstance(self.limiter.storage, MemoryStorage)

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

    def take_quota(self, rule: str, key: str) -> "Quota | None":
        """Count one request and answer what is left (None when throttling is off);
        the caller raises `quota.refusal()` when it is not `allowed`, after noting
        the quota, so a 429 carries the same fields as any other answer."""
        if self.limiter is None:
            return None
        item = self.rules[rule]
        allowed = self.limiter.hit(item, rule, key)
        stats = self.limiter.get_window_stats(item, rule, key)
        quota = Quota(
            policy=rule,
            limit=item.amount,
            window=item.get_expiry(),
            remaining=stats.remaining,
            reset=max(0, math.ceil(stats.reset_time - time.time())),
            allowed=allowed,
        )
        return quota

    def exhausted(self, rule: str, key: str) -> bool:
        """Whether `key` has used up `rule` (without counting)."""
        if self.limiter is None:
            return False
        return not self.limiter.test(self.rules[rule], rule, key)

    def clear(self, rule: str, key: str) -> None:
        if self.limiter is not None:
            self.limiter.clear(self.rules[rule], rule, key)
