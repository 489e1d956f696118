"""A caller that hands API Gateway REST proxy events (built as the local gateway builds them,
scripts/local/rest_events.py) to a function's `lambda_handler` in this process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from scripts.local.gateway import LambdaContext
from scripts.local.rest_events import in_process_event, signed_in_claims


def claims(tenant_id: str, user_id: str, groups: tuple[str, ...] = ("agent",)) -> dict[str, Any]:
    return signed_in_claims(tenant_id, user_id, groups, email_domain="bench.test")


@dataclass
class Caller:
    """One signed-in user of one tenant, calling a function's handler directly."""

    handler: ModuleType
    function_name: str
    claims: dict[str, Any]
    region: str

    def call(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        _, event = in_process_event(method, url, claims=self.claims, body=body, stage="bench")
        result: dict[str, Any] = self.handler.lambda_handler(event, LambdaContext(self.function_name, self.region))
        return result

    def expect(self, status: int, method: str, url: str, body: Any = None) -> Any:
        """The decoded body; anything but `status` stops the benchmark (a number from a failing call lies)."""
        result = self.call(method, url, body)
        if result["statusCode"] != status:
            raise RuntimeError(f"{method} {url} -> {result['statusCode']}: {result.get('body')}")
        return json.loads(result["body"]) if result.get("body") else None


@dataclass
class RotatingCaller(Caller):
    """A caller that is a new user of the same tenant every `per_user` requests: the support API limits each user
    to 100 requests a minute (the document's rate limit), which a latency run would otherwise hit. Each request
    still pays for its rate-limit counter, as on AWS."""

    per_user: int = 50
    _calls: int = 0

    def call(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        self.claims = {**self.claims, "sub": f"bench-user-{self._calls // self.per_user}"}
        self._calls += 1
        return super().call(method, url, body)
