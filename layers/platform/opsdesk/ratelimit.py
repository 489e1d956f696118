"""Per-user rate limits in fixed one-minute windows, counted in DynamoDB so every instance shares the count.

    counter  pk RL#<tenant>#<user>#<route prefix>  sk <window start, epoch seconds>  n, expiresAt (TTL)

One atomic ADD per request; the answer carries X-RateLimit-Limit/-Remaining/-Reset, and past the limit the
request is refused with 429 RATE_LIMITED and Retry-After (seconds until the window ends)."""

from __future__ import annotations

import time
from collections.abc import Callable

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from opsdesk.auth import Principal
from opsdesk.dynamo import bind_table, unbound_meta
from opsdesk.errors import RateLimited
from opsdesk.frozen import frozen
from opsdesk.observability import logger
from opsdesk.settings import RateLimitSettings, load_settings

WINDOW_SECONDS = 60


class _CounterItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    expiresAt = NumberAttribute()


@frozen
class Quota:
    limit: int
    remaining: int
    reset_epoch: int

    def headers(self, seconds_from: float | None = None) -> dict[str, str]:
        """`X-RateLimit-Reset` is the epoch second the window ends, or with `seconds_from` (now) the seconds
        until it ends."""
        reset = self.reset_epoch if seconds_from is None else max(0, int(self.reset_epoch - seconds_from + 0.999))
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(reset)}


class RateLimiter:
    def __init__(self, settings: RateLimitSettings | None = None, clock: Callable[[], float] = time.time) -> None:
        settings = settings or load_settings(RateLimitSettings)
        bind_table(_CounterItem, settings.rate_limits_table_name, settings)
        self._now = clock

    def take(self, principal: Principal, bucket: str, per_minute: int, *, relative_reset: bool = False) -> Quota | None:
        """Count one request; raise RateLimited when it is past the limit of the current window. None when the
        counter cannot be reached: the limit is a guard, not the service, so the request is served unmetered
        (and the failure logged)."""
        now = self._now()
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        reset = window + WINDOW_SECONDS
        item = _CounterItem(f"RL#{principal.tenant_id}#{principal.user_id}#{bucket}", str(window))
        try:
            result = item.update(actions=[_CounterItem.n.add(1),
                                          _CounterItem.expiresAt.set(reset + WINDOW_SECONDS)])
        except PynamoDBException:
            logger.warning("rate limit counter unavailable; request served unmetered", exc_info=True)
            return None
        count = int(result["Attributes"]["n"]["N"])
        quota = Quota(per_minute, max(0, per_minute - count), reset)
        if count > per_minute:
            retry_after = str(max(1, int(reset - now + 0.999)))
            raise RateLimited("Too many requests", headers={**quota.headers(now if relative_reset else None),
                                                            "Retry-After": retry_after})
        return quota

    def count_failure(self, key: str, window_seconds: int) -> int:
        """Count one failure for `key` in the current window; the new count (0 when it cannot be counted)."""
        item = self._window_item(key, window_seconds)
        try:
            result = item.update(actions=[_CounterItem.n.add(1), _CounterItem.expiresAt.set(
                int(item.sk) + 2 * window_seconds)])
        except PynamoDBException:
            logger.warning("failure counter unavailable", exc_info=True)
            return 0
        return int(result["Attributes"]["n"]["N"])

    def forgive(self, key: str, window_seconds: int) -> None:
        """Take back one count for `key` in the current window (an attempt counted before it was known to fail
        that then succeeded); never below 0."""
        item = self._window_item(key, window_seconds)
        try:
            item.update(actions=[_CounterItem.n.add(-1)], condition=_CounterItem.n > 0)
        except PynamoDBException:  # nothing counted in this window (a new one began), or the counter is down
            logger.info("failure count not taken back", exc_info=True)

    def window_end(self, window_seconds: int) -> float:
        return (int(self._now() // window_seconds) + 1) * window_seconds

    def _window_item(self, key: str, window_seconds: int) -> _CounterItem:
        window = int(self._now() // window_seconds) * window_seconds
        return _CounterItem(f"FAIL#{key}", str(window))
