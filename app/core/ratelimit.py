"""Throttling with the `limits` library: in memory, or Redis shared by processes."""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.core.errors import TooManyRequests


@dataclass
class Throttle:
    limiter: MovingWindowRateLimiter | None
    rules: dict[str, RateLimitItem]

    @classmethod
    def build(cls, *, enabled: bool, redis_url: str | None, rules: dict[str, str]) -> "Throttle":
        if not enabled:
            return cls(limiter=None, rules={})
        storage = storage_from_string(redis_url or "memory://")
        return cls(
            limiter=MovingWindowRateLimiter(storage),
            rules={name: parse(rule) for name, rule in rules.items()},
        )

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
