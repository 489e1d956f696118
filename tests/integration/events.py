"""API Gateway REST proxy events as the Cognito authorizer delivers them (claims are strings)."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scripts.local.gateway import LambdaContext


def claims(tenant_id: str, user_id: str = "user-1", groups: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        "sub": user_id,
        "cognito:username": f"{user_id}@example.test",
        "custom:tenant_id": tenant_id,
        "cognito:groups": "[" + " ".join(groups) + "]",
        "token_use": "id",
        "aud": os.environ.get("COGNITO_APP_CLIENT_ID", ""),
    }


def rest_event(method: str, url: str, *, claims: dict[str, str] | None, body: Any = None) -> dict[str, Any]:
    parts = urlsplit(url)
    path = parts.path
    segments = path.removeprefix("/support").strip("/").split("/")
    resource = "/" + "/".join(segments[:2]) + ("/{proxy+}" if len(segments) > 2 else "")
    query = dict(parse_qsl(parts.query))
    raw = body if isinstance(body, str) or body is None else json.dumps(body)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {"content-type": ["application/json"]},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": {"proxy": "/".join(segments[2:])} if len(segments) > 2 else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": "test",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": raw,
        "isBase64Encoded": False,
    }


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class Caller:
    """A signed-in user of one tenant calling the support API's handlers directly."""

    def __init__(self, tenant_id: str, handlers: dict[str, ModuleType], user_id: str = "user-1") -> None:
        self.tenant_id = tenant_id
        self.claims = claims(tenant_id, user_id)
        self._handlers = handlers

    def call(self, method: str, url: str, body: Any = None, *, anonymous: bool = False) -> Reply:
        family = urlsplit(url).path.removeprefix("/support/api/").split("/")[0]
        handler = self._handlers[family]
        event = rest_event(method, url, claims=None if anonymous else self.claims, body=body)
        result = handler.lambda_handler(event, LambdaContext("test", "us-east-1"))
        text = result.get("body") or ""
        headers = dict(result.get("headers") or {})
        headers.update({name: values[-1] for name, values in (result.get("multiValueHeaders") or {}).items()})
        return Reply(result["statusCode"], json.loads(text) if text else None, headers)

    def get(self, url: str) -> Reply:
        return self.call("GET", url)

    def post(self, url: str, body: Any) -> Reply:
        return self.call("POST", url, body)

    def patch(self, url: str, body: Any) -> Reply:
        return self.call("PATCH", url, body)
