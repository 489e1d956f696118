"""A local API Gateway: routes requests by the API map onto the same handler code Lambda runs, with the REST
proxy event shape (requestContext.authorizer.claims included) and a Lambda context, after the same checks the
Cognito authorizer makes. Served by uvicorn as an ASGI app."""

from __future__ import annotations

import base64
import importlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from opsdesk.apimap import MODULE_STAGE_VARIABLE, SERVED_MODULES, ApiModule, Auth
from opsdesk.apimap import SESSION_AUTHORIZER as SESSION_AUTHORIZER_GROUP
from opsdesk.dialects import DIALECTS
from opsdesk.errors import DomainError, Forbidden, NotFound, Unauthorized, ValidationFailed
from opsdesk.http import CORS_ALLOWED_HEADERS
from opsdesk.settings import PlatformSettings, load_settings
from opsdesk.tokens import TokenVerifier, bearer_token
from scripts.local.functions import lambda_handler, one_at_a_time
from scripts.local.rest_events import build_rest_event
from scripts.local.routing import CompiledRoute, claims_as_api_gateway_passes_them, compile_routes

LOG = logging.getLogger("opsdesk.local.gateway")
LOCAL_STAGE = "local"
LAMBDA_TIMEOUT_SECONDS = 29  # API Gateway's integration timeout
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
SESSION_AUTHORIZER = SESSION_AUTHORIZER_GROUP.name
"""The function behind Auth.COOKIE_JWT routes (the Lambda REQUEST authorizer on AWS)."""


class AsgiPassthrough(Response):
    """Hands the request to a streaming function's ASGI app, which answers incrementally (no buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__()
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


class LambdaContext:
    """The attributes and method of the context object the Python runtime passes to a handler."""

    def __init__(self, function_name: str, region: str, timeout_seconds: int = LAMBDA_TIMEOUT_SECONDS) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LocalGateway:
    def __init__(
        self,
        verifier: TokenVerifier,
        region: str,
        modules: tuple[ApiModule, ...] = SERVED_MODULES,
        import_handler: Callable[[str], ModuleType] | None = None,
    ) -> None:
        self._verifier = verifier
        self._region = region
        self._modules = sorted(modules, key=lambda m: -len(m.base_path))
        self._routes = compile_routes(modules)
        self._import = import_handler or (lambda group: importlib.import_module(f"functions.{group}.handler"))
        self._injected = import_handler is not None
        self._handlers: dict[str, Callable[[dict[str, Any], Any], dict[str, Any]]] = {}
        self._apps: dict[str, ASGIApp] = {}
        self._import_app = lambda group: importlib.import_module(f"functions.{group}.app")

    def app(self, extra_routes: list[BaseRoute] | None = None) -> Starlette:
        return Starlette(
            routes=[
                Route("/_local/health", self._health, methods=["GET"]),
                *(extra_routes or []),
                Route("/{path:path}", self._dispatch, methods=METHODS),
            ],
            exception_handlers={404: self._unrouted},
        )

    async def _unrouted(self, request: Request, _: Exception) -> Response:
        """Starlette's `{path:path}` stops at a newline, which API Gateway hands on decoded (`/tickets/a%0A`): such a
        path goes to the modules' routes all the same."""
        return await self._dispatch(request)

    async def _health(self, _: Request) -> Response:
        return JSONResponse({"ok": True})

    async def _dispatch(self, request: Request) -> Response:  # noqa: PLR0911 - one early answer per API Gateway step
        received_at = datetime.now(UTC)  # API Gateway's requestTimeEpoch: before the authorizer runs
        path = request.url.path
        module = next((m for m in self._modules if path == m.base_path or path.startswith(m.base_path + "/")), None)
        if module is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        dialect = DIALECTS[module.dialect]
        if _request_line_and_headers_bytes(request) > MAX_REQUEST_LINE_AND_HEADERS_BYTES:
            # API Gateway's own limit, before any route or authorizer (the server reads up to 1 MB to get here).
            _, envelope = dialect(ValidationFailed(f"The URL and headers are larger than "
                                                   f"{MAX_REQUEST_LINE_AND_HEADERS_BYTES} bytes"))
            return JSONResponse(envelope, status_code=414)
        resource_path = path[len(module.base_path):] or "/"
        route, path_parameters = self._match(module, resource_path)
        if route is None:
            return self._error(dialect, NotFound("Route not found"))
        if request.method == "OPTIONS":
            return self._preflight(request, module)
        authorizer: dict[str, Any] | None = None
        try:
            if route.group.auth is Auth.COGNITO:
                authorizer = {"claims": await self._authorize(request)}
            elif route.group.auth is Auth.COOKIE_JWT:
                authorizer = await self._authorize_session(request, module, route, path_parameters)
        except Unauthorized:
            # API Gateway's authorizer answers 401 with no detail; the module's gateway response renders it.
            return self._error(dialect, Unauthorized())
        except Forbidden:
            return self._error(dialect, Forbidden())
        except Exception:  # noqa: BLE001 - a failing authorizer is API Gateway's AUTHORIZER_FAILURE, a 500
            LOG.exception("authorizer of %s failed", route.group.name)
            return self._error(dialect, DomainError())
        if route.group.streaming:
            return self._stream(route, dialect)
        event = self._event(request, module=module, route=route, path_parameters=path_parameters,
                            authorizer=authorizer, body=await request.body(), received_at=received_at)
        context = LambdaContext(f"opsdesk-local-{route.group.name}", self._region)
        try:
            handler = self._handler(route.group.name)
            result = await run_in_threadpool(handler, event, context)
            _within_response_quota(result)
        except Exception:  # noqa: BLE001 - a function that fails (cold start included) is API Gateway's 502
            LOG.exception("function %s failed", route.group.name)
            _, error_body = dialect(DomainError())
            return JSONResponse(error_body, status_code=502)
        return self._response(result)

    @staticmethod
    def _preflight(request: Request, module: ApiModule) -> Response:
        """API Gateway answers CORS preflights itself (a mock integration, no authorizer), allowing only the
        configured origins and the headers the platform accepts (and credentials: CDK's preflight allows them)."""
        allowed = load_settings(PlatformSettings).allowed_origins
        origin = request.headers.get("origin", "")
        response = Response(status_code=204)
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = ",".join(m for m in METHODS if m != "HEAD")
            response.headers["Access-Control-Allow-Headers"] = ",".join(CORS_ALLOWED_HEADERS)
            response.headers["Access-Control-Max-Age"] = "600"
            response.headers["Vary"] = "Origin"
            if module.cookie_sessions:
                response.headers["Access-Control-Allow-Credentials"] = "true"
        return response

    def _match(self, module: ApiModule, resource_path: str) -> tuple[CompiledRoute | None, dict[str, str]]:
        for route in self._routes[module.name]:
            found = route.pattern.match(resource_path)
            if found:
                return route, found.groupdict()
        return None, {}

    async def _authorize(self, request: Request) -> dict[str, str]:
        """What API Gateway's Cognito authorizer does: a valid ID token of the pool, or Unauthorized."""
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            raise Unauthorized()
        verified = await run_in_threadpool(self._verifier.verify_id_token, token)
        return claims_as_api_gateway_passes_them(verified)

    async def _authorize_session(
        self, request: Request, module: ApiModule, route: CompiledRoute, path_parameters: dict[str, str]
    ) -> dict[str, Any]:
        """What API Gateway does with a Lambda REQUEST authorizer: call it with the request's headers and method
        ARN; an "Unauthorized" failure is a 401, a Deny a 403; the policy's context reaches the function."""
        method_arn = (f"arn:aws:execute-api:{self._region}:123456789012:local-{module.name}/{LOCAL_STAGE}/"
                      f"{request.method}{route.resource}")
        headers = dict(request.headers.items())
        event = {
            "type": "REQUEST",
            "methodArn": method_arn,
            "resource": route.resource,
            "path": request.url.path,
            "httpMethod": request.method,
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": dict(request.query_params) or None,
            "pathParameters": path_parameters or None,
            "stageVariables": {MODULE_STAGE_VARIABLE: module.name},
            "requestContext": {"resourcePath": route.resource, "httpMethod": request.method, "stage": LOCAL_STAGE},
        }
        handler = self._handler(SESSION_AUTHORIZER)
        try:
            policy = await run_in_threadpool(handler, event, LambdaContext(f"opsdesk-local-{SESSION_AUTHORIZER}",
                                                                           self._region))
        except Exception as exc:
            if str(exc) == "Unauthorized":
                raise Unauthorized() from exc
            raise
        statements = policy.get("policyDocument", {}).get("Statement", [])
        if not any(s.get("Effect") == "Allow" for s in statements):
            raise Forbidden()
        return {"principalId": policy.get("principalId"), **(policy.get("context") or {}), "integrationLatency": 0}

    def _stream(self, route: CompiledRoute, dialect: Callable[[DomainError], tuple[int, dict[str, Any]]]) -> Response:
        try:
            return AsgiPassthrough(self._streaming_app(route.group.name))
        except Exception:  # noqa: BLE001 - a function that fails its cold start is API Gateway's 502
            LOG.exception("function %s failed", route.group.name)
            return JSONResponse(dialect(DomainError())[1], status_code=502)

    def _streaming_app(self, group: str) -> ASGIApp:
        if group not in self._apps:
            self._apps[group] = self._import_app(group).app
        return self._apps[group]

    def _handler(self, group: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        # Imported on first use, like a cold start.
        if group not in self._handlers:  # one request at a time, whoever invokes it (scripts.local.functions)
            self._handlers[group] = (one_at_a_time(self._import(group).lambda_handler, group) if self._injected
                                     else lambda_handler(group))
        return self._handlers[group]

    def _event(
        self,
        request: Request,
        *,
        module: ApiModule,
        route: CompiledRoute,
        path_parameters: dict[str, str],
        authorizer: dict[str, Any] | None,
        body: bytes,
        received_at: datetime,
    ) -> dict[str, Any]:
        return build_rest_event(
            module=module, route=route, path_parameters=path_parameters, method=request.method,
            path=request.url.path, headers=list(request.headers.items()),
            query=list(request.query_params.multi_items()), body=body, authorizer=authorizer, stage=LOCAL_STAGE,
            source_ip=request.client.host if request.client else "127.0.0.1",
            host=request.headers.get("host", "127.0.0.1"), received_at=received_at,
        )

    @staticmethod
    def _response(result: dict[str, Any]) -> Response:
        raw = result.get("body") or ""
        content = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
        response = Response(content=content, status_code=int(result.get("statusCode", 200)))
        for name, value in (result.get("headers") or {}).items():
            response.headers[name] = str(value)
        for name, values in (result.get("multiValueHeaders") or {}).items():
            for value in values:
                if response.headers.get(name) != str(value):
                    response.headers.append(name, str(value))
        return response

    @staticmethod
    def _error(dialect: Callable[[DomainError], tuple[int, dict[str, Any]]], error: DomainError) -> Response:
        status, body = dialect(error)
        return JSONResponse(body, status_code=status)


MAX_FUNCTION_RESPONSE_BYTES = 6 * 1024 * 1024
"""Lambda's quota on a synchronous invocation's response (the proxy result as JSON)."""

def _within_response_quota(result: dict[str, Any]) -> None:
    """Lambda refuses to return an answer over its quota (Function.ResponseSizeTooLarge): API Gateway's 502. The
    answer measured as the python3.11 runtime writes it: JSON with every non-ASCII character escaped."""
    size = len(json.dumps(result))
    if size > MAX_FUNCTION_RESPONSE_BYTES:
        raise RuntimeError(f"the function answered {size} bytes, over Lambda's {MAX_FUNCTION_RESPONSE_BYTES}")


MAX_REQUEST_LINE_AND_HEADERS_BYTES = 10_240
"""API Gateway's quota on the request line and header values together."""


def _request_line_and_headers_bytes(request: Request) -> int:
    line = len(request.method) + len(request.scope.get("raw_path", b"")) + len(request.scope.get("query_string", b""))
    return line + sum(len(name) + len(value) for name, value in request.headers.raw)
