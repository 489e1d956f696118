"""Per-user rate limits in fixed one-minute windows, counted in DynamoDB so every instance shares the count.

    counter  pk RL#<tenant>#<user>#<route prefix>  sk <window start, epoch seconds>  n, expiresAt (TTL)

One atomic ADD per request; the answer carries X-RateLimit-Limit/-Remaining/-Reset, and past the limit the
request is refused with 429 RATE_LIMITED and Retry-After (seconds until the window ends)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from opsdesk.auth import Principal
from opsdesk.dynamo import table_meta
from opsdesk.errors import RateLimited
from opsdesk.settings import RateLimitSettings, load_settings

_settings = load_settings(RateLimitSettings)
_META = table_meta(_settings, _settings.rate_limits_table_name)
WINDOW_SECONDS = 60


class _CounterItem(Model):
    Meta = _META

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    expiresAt = NumberAttribute()


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset_epoch: int

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(self.reset_epoch)}


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._now = clock

    def take(self, principal: Principal, bucket: str, per_minute: int) -> Quota:
        """Count one request; raise RateLimited when it is past the limit of the current window."""
        now = self._now()
        window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        reset = window + WINDOW_SECONDS
        item = _CounterItem(f"RL#{principal.tenant_id}#{principal.user_id}#{bucket}", str(window))
        result = item.update(actions=[_CounterItem.n.add(1), _CounterItem.expiresAt.set(reset + WINDOW_SECONDS)])
        count = int(result["Attributes"]["n"]["N"])
        quota = Quota(per_minute, max(0, per_minute - count), reset)
        if count > per_minute:
            retry_after = str(max(1, int(reset - now + 0.999)))
            raise RateLimited("Too many requests", headers={**quota.headers(), "Retry-After": retry_after})
        return quota
