"""API Gateway REST proxy events as the Cognito authorizer delivers them, and a caller that hands them to a
function's `lambda_handler` in this process."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scripts.local.gateway import LambdaContext

BASE_PATH = "/support"


def claims(tenant_id: str, user_id: str, groups: tuple[str, ...] = ("agent",)) -> dict[str, str]:
    """Claims as API Gateway passes them: every value a string, groups as "[a b]"."""
    return {
        "sub": user_id,
        "cognito:username": f"{user_id}@bench.test",
        "custom:tenant_id": tenant_id,
        "cognito:groups": "[" + " ".join(groups) + "]",
        "token_use": "id",
        "aud": os.environ.get("COGNITO_APP_CLIENT_ID", ""),  # the functions check the audience
    }


def rest_event(method: str, url: str, claims: dict[str, str], body: Any = None) -> dict[str, Any]:
    parts = urlsplit(url)
    segments = parts.path.removeprefix(BASE_PATH).strip("/").split("/")
    greedy = len(segments) > 2
    resource = "/" + "/".join(segments[:2]) + ("/{proxy+}" if greedy else "")
    query = dict(parse_qsl(parts.query))
    return {
        "resource": resource,
        "path": parts.path,
        "httpMethod": method,
        "headers": {"content-type": "application/json"},
        "multiValueHeaders": {"content-type": ["application/json"]},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": {"proxy": "/".join(segments[2:])} if greedy else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": parts.path,
            "stage": "bench",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


@dataclass
class Caller:
    """One signed-in user of one tenant, calling a function's handler directly."""

    handler: ModuleType
    function_name: str
    claims: dict[str, str]
    region: str

    def call(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        result: dict[str, Any] = self.handler.lambda_handler(
            rest_event(method, url, self.claims, body), LambdaContext(self.function_name, self.region)
        )
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
