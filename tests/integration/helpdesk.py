"""Calling the helpdesk's handlers in-process with the REST proxy events API Gateway sends after the session
authorizer (opsdesk.sessions): the claims arrive as JSON in the authorizer context, with the channel."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from opsdesk.apimap import HELPDESK
from scripts.local.gateway import CompiledRoute, LambdaContext, compile_resource
from tests.integration.events import Reply

BASE = HELPDESK.base_path
_ROUTES = sorted((CompiledRoute(HELPDESK, g, r, compile_resource(r)) for g in HELPDESK.groups for r in g.resources),
                 key=lambda route: route.specificity)


def helpdesk_claims(tenant_id: str, user_id: str, groups: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "sub": user_id,
        "cognito:username": f"{user_id}@example.test",
        "custom:tenant_id": tenant_id,
        "cognito:groups": list(groups),
        "token_use": "id",
        "aud": os.environ.get("COGNITO_APP_CLIENT_ID", ""),
        "exp": 4_102_444_800,
    }


def route_for(path: str) -> tuple[str, str, dict[str, str]]:
    """(function group, resource, path parameters) of a /helpdesk path, as the gateway routes it."""
    resource_path = path.removeprefix(BASE) or "/"
    for route in _ROUTES:
        found = route.pattern.match(resource_path)
        if found:
            return route.group.name, route.resource, found.groupdict()
    raise LookupError(path)


def helpdesk_event(method: str, url: str, *, claims: dict[str, Any] | None, body: Any = None,
                   channel: str = "bearer", headers: dict[str, str] | None = None) -> dict[str, Any]:
    parts = urlsplit(url)
    _, resource, path_parameters = route_for(parts.path)
    query = dict(parse_qsl(parts.query))
    raw = body if isinstance(body, str) or body is None else json.dumps(body)
    all_headers = {"content-type": "application/json", **(headers or {})}
    authorizer = None
    if claims is not None:
        authorizer = {"principalId": claims.get("sub"), "claims": json.dumps(claims), "channel": channel}
    return {
        "resource": resource,
        "path": parts.path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": parts.path,
            "stage": "test",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": authorizer,
        },
        "body": raw,
        "isBase64Encoded": False,
    }


@dataclass
class HelpdeskCaller:
    """A signed-in user of one tenant calling the helpdesk's handlers directly."""

    tenant_id: str
    handlers: dict[str, ModuleType]
    user_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    groups: tuple[str, ...] = ()
    channel: str = "bearer"

    @property
    def claims(self) -> dict[str, Any]:
        return helpdesk_claims(self.tenant_id, self.user_id, self.groups)

    def call(self, method: str, url: str, body: Any = None, *, anonymous: bool = False) -> Reply:
        group, _, _ = route_for(urlsplit(url).path)
        event = helpdesk_event(method, url, claims=None if anonymous else self.claims, body=body,
                               channel=self.channel)
        result = self.handlers[group].lambda_handler(event, LambdaContext("test", "us-east-1"))
        text = result.get("body") or ""
        headers = dict(result.get("headers") or {})
        headers.update({name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()})
        return Reply(result["statusCode"], json.loads(text) if text else None, headers)

    def get(self, path: str) -> Reply:
        return self.call("GET", BASE + path)

    def post(self, path: str, body: Any) -> Reply:
        return self.call("POST", BASE + path, body)

    def patch(self, path: str, body: Any) -> Reply:
        return self.call("PATCH", BASE + path, body)

    def delete(self, path: str) -> Reply:
        return self.call("DELETE", BASE + path)

    def as_user(self, user_id: str | None = None, groups: tuple[str, ...] = (), channel: str = "bearer") -> Any:
        """Another user of the same tenant."""
        return HelpdeskCaller(self.tenant_id, self.handlers, user_id or str(uuid.uuid4()), groups, channel)
