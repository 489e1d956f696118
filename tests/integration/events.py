"""Calling handlers in process as API Gateway would: one caller for every module, routed by the API map
(scripts/local/rest_events.py builds the same events the local gateway does), with the authorizer context each
route gets on AWS (Cognito authorizer claims as strings, or the session authorizer's JSON claims and channel)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from scripts.local.gateway import LambdaContext
from scripts.local.rest_events import in_process_event, signed_in_claims


def claims(tenant_id: str, user_id: str = "user-1", groups: tuple[str, ...] = ()) -> dict[str, Any]:
    """A verified Cognito ID token's claims (the function turns them into the caller)."""
    return signed_in_claims(tenant_id, user_id, groups)


def rest_event(method: str, url: str, *, claims: Mapping[str, Any] | None, body: Any = None,
               channel: str = "bearer", headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The event API Gateway would hand the function serving `url` (a full path with its query)."""
    return in_process_event(method, url, claims=claims, body=body, channel=channel, headers=headers)[1]


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


def handler_group(handler: ModuleType) -> str:
    """`functions.<group>.handler` -> `<group>`."""
    return handler.__name__.split(".")[-2]


class Caller:
    """A signed-in user of one tenant calling the handlers of any module directly. `handlers` are the handler
    modules the test loaded (a mapping's keys are only names for the reader); paths are full (`/support/api/...`)
    unless the caller has a `base`."""

    def __init__(self, tenant_id: str, handlers: Mapping[str, ModuleType] | Iterable[ModuleType],  # noqa: PLR0917
                 user_id: str = "user-1", groups: tuple[str, ...] = (), channel: str = "bearer",
                 base: str = "") -> None:
        modules = handlers.values() if isinstance(handlers, Mapping) else handlers
        self.tenant_id = tenant_id
        self.user_id = user_id
        self.groups = groups
        self.channel = channel
        self.base = base
        self.handlers = {handler_group(module): module for module in modules}
        self.claims = claims(tenant_id, user_id, groups)

    def call(self, method: str, url: str, body: Any = None, *, anonymous: bool = False,
             headers: Mapping[str, str] | None = None) -> Reply:
        group, event = in_process_event(method, url, claims=None if anonymous else self.claims, body=body,
                                        channel=self.channel, headers=headers)
        result = self.handlers[group].lambda_handler(event, LambdaContext("test", "us-east-1"))
        text = result.get("body") or ""
        reply_headers = dict(result.get("headers") or {})
        reply_headers.update({name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()})
        return Reply(result["statusCode"], json.loads(text) if text else None, reply_headers)

    def get(self, path: str) -> Reply:
        return self.call("GET", self.base + path)

    def post(self, path: str, body: Any) -> Reply:
        return self.call("POST", self.base + path, body)

    def patch(self, path: str, body: Any) -> Reply:
        return self.call("PATCH", self.base + path, body)

    def delete(self, path: str) -> Reply:
        return self.call("DELETE", self.base + path)

    def as_user(self, user_id: str | None = None, groups: tuple[str, ...] = (), channel: str = "bearer") -> Caller:
        """Another user of the same tenant."""
        return type(self)(self.tenant_id, list(self.handlers.values()), user_id or str(uuid.uuid4()), groups,
                          channel)
