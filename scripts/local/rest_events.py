"""API Gateway REST proxy events, built one way for every caller: the local gateway (from an HTTP request), the
integration tests and the benchmarks (in process). Requests are routed by the API map as API Gateway routes them
(the most specific resource wins), and carry the authorizer context each kind of route gets on AWS."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from opsdesk.apimap import MODULE_STAGE_VARIABLE, SERVED_MODULES, ApiModule, Auth
from scripts.local.routing import CompiledRoute, claims_as_api_gateway_passes_them, compile_routes

ROUTES: dict[str, list[CompiledRoute]] = compile_routes(SERVED_MODULES)
NEVER_EXPIRES = 4_102_444_800
"""2100-01-01: in-process claims are not verified again, but they have the verified token's shape."""


def signed_in_claims(tenant_id: str, user_id: str, groups: Sequence[str] = (),
                     email_domain: str = "example.test") -> dict[str, Any]:
    """A verified Cognito ID token's claims, for calls made in process (tests, benchmarks)."""
    return {
        "sub": user_id,
        "cognito:username": f"{user_id}@{email_domain}",
        "custom:tenant_id": tenant_id,
        "cognito:groups": list(groups),
        "token_use": "id",
        "aud": os.environ.get("COGNITO_APP_CLIENT_ID", ""),  # the functions check the audience
        "exp": NEVER_EXPIRES,
    }


@dataclass(frozen=True)
class Routed:
    module: ApiModule
    route: CompiledRoute
    path_parameters: dict[str, str]


def route_for(path: str, modules: Sequence[ApiModule] = SERVED_MODULES) -> Routed:
    """The module, route and path parameters of a full path (`/helpdesk/tickets/42`); LookupError if none."""
    for module in sorted(modules, key=lambda m: -len(m.base_path)):
        if path == module.base_path or path.startswith(module.base_path + "/"):
            resource_path = path[len(module.base_path):] or "/"
            for route in ROUTES[module.name]:
                found = route.pattern.match(resource_path)
                if found:
                    return Routed(module, route, found.groupdict())
    raise LookupError(path)


def authorizer_context(auth: Auth, claims: Mapping[str, Any] | None, channel: str = "bearer") -> dict[str, Any] | None:
    """What the function finds in `requestContext.authorizer`: the Cognito authorizer's claims as strings, or the
    session authorizer's context (the claims as JSON, and the channel); nothing on public routes."""
    if claims is None or auth is Auth.NONE:
        return None
    if auth is Auth.COGNITO:
        return {"claims": claims_as_api_gateway_passes_them(dict(claims))}
    return {"principalId": claims.get("sub"), "claims": json.dumps(dict(claims)), "channel": channel}


def build_rest_event(
    *,
    module: ApiModule,
    route: CompiledRoute,
    path_parameters: Mapping[str, str],
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]] = (),
    query: Sequence[tuple[str, str]] = (),
    body: bytes | str | None = None,
    authorizer: dict[str, Any] | None = None,
    stage: str = "local",
    source_ip: str = "127.0.0.1",
    host: str = "127.0.0.1",
    received_at: datetime | None = None,
) -> dict[str, Any]:
    """The REST proxy event API Gateway sends for one request. A body that is not UTF-8 goes base64-encoded.
    `received_at`: when the request arrived (`requestTimeEpoch`); now when not given."""
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        single_headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    single_query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        single_query[name] = value
        multi_query.setdefault(name, []).append(value)
    text_body, is_base64 = _text_body(body)
    now = received_at or datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": single_query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": {MODULE_STAGE_VARIABLE: module.name},
        "requestContext": {
            "resourceId": route.group.name,
            "resourcePath": route.resource,
            "httpMethod": method,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": host.split(".", maxsplit=1)[0],
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": source_ip, "userAgent": dict(headers).get("user-agent", "")},
            "domainName": host,
            "apiId": f"local-{module.name}",
            "authorizer": authorizer,
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


def in_process_event(
    method: str, url: str, *, claims: Mapping[str, Any] | None, body: Any = None, channel: str = "bearer",
    headers: Mapping[str, str] | None = None, stage: str = "test",
) -> tuple[str, dict[str, Any]]:
    """(function group, event) for a call made in process: `url` is a full path with its query, `body` JSON
    (or text, sent as is), `claims` the signed-in user's (None: anonymous)."""
    parts = urlsplit(url)
    routed = route_for(parts.path)
    raw = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    all_headers = {"content-type": "application/json", **(headers or {})}
    event = build_rest_event(
        module=routed.module, route=routed.route, path_parameters=routed.path_parameters, method=method,
        path=parts.path, headers=list(all_headers.items()), query=parse_qsl(parts.query), body=raw,
        authorizer=authorizer_context(routed.route.group.auth, claims, channel), stage=stage,
    )
    return routed.route.group.name, event


def _text_body(body: bytes | str | None) -> tuple[str | None, bool]:
    if body is None or body in ("", b""):
        return None, False
    if isinstance(body, str):
        return body, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True
