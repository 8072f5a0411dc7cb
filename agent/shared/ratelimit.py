"""The one rate limiter: a token bucket on a clock the caller passes in (pure, testable).

Used per credential by the control API and for the brain's sentiment-model budget.
"""

from __future__ import annotations

from collections import OrderedDict


class TokenBucket:
    """``rate`` takes per second on average, ``burst`` at once; starts full, or empty at the
    time ``empty_at`` (a budget that is earned, like the brain's, from the start of the stream)."""

    __slots__ = ("_at", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, *, empty_at: float | None = None) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._tokens = self.burst if empty_at is None else 0.0
        self._at: float | None = empty_at

    def take(self, now: float) -> float:
        """Spend one token; 0.0 when allowed, else the seconds until one is free (nothing spent)."""
        if self._at is not None:
            self._tokens = min(self.burst, self._tokens + max(0.0, now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate if self.rate > 0 else float("inf")


class Buckets:
    """One ``TokenBucket`` per key; the least recently used are forgotten beyond ``max_keys``,
    so a flood of distinct keys cannot grow memory."""

    def __init__(self, rate: float, burst: float, max_keys: int = 4096) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, key: str, now: float) -> float:
        bucket = self._buckets.pop(key, None) or TokenBucket(self.rate, self.burst)
        self._buckets[key] = bucket
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return bucket.take(now)

    def __len__(self) -> int:
        return len(self._buckets)
