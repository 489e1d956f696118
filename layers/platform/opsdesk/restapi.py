"""The REST resolver every API function runs: API Gateway's proxy event (REST API, payload 1.0) in, its answer
out, with routes, middlewares, error handlers and CORS on answers.

Powertools' event handler served this before. Its package imports every resolver it has (AppSync's with asyncio,
every event source's data class): 0.3 x `import boto3` at each cold start, for the one resolver a function uses
(docs/decisions.md, "The REST resolver"). This keeps the part of its behaviour opsdesk relies on, to the letter:
`<name>` path parameters matched as it matches them, trailing slashes ignored, static routes before dynamic ones,
an exception handled by the nearest class in its MRO, a preflight answered with 204, the answer's headers as
`multiValueHeaders`."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Generic, TypeVar

from opsdesk.frozen import frozen

APPLICATION_JSON = "application/json"

BodyT = TypeVar("BodyT")
AnyCallable = TypeVar("AnyCallable", bound=Callable[..., Any])

# A `<name>` parameter matches one path segment of URI characters (RFC 3986's unreserved and sub-delims, the
# unsafe ones API Gateway passes through, letters and digits), as Powertools matched it.
_PARAMETER = re.compile(r"<(\w+)>")
_SEGMENT_CHARACTERS = r"[-._~()'!*:@,;=+&$%<> \[\]{}|^\w]+"


class Headers(dict[str, str]):
    """Request headers looked up whatever their case (HTTP header names are case-insensitive)."""

    def __init__(self, raw: Mapping[str, str] | None) -> None:
        super().__init__((name.lower(), value) for name, value in (raw or {}).items())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


@frozen
class Identity:
    source_ip: str | None


@frozen
class RequestContext:
    identity: Identity


class RestEvent:
    """The parts of a proxy event the handlers read; `raw_event` is the event itself."""

    def __init__(self, raw_event: dict[str, Any]) -> None:
        self.raw_event = raw_event
        self.headers = Headers(raw_event.get("headers"))

    @property
    def path(self) -> str:
        return str(self.raw_event.get("path") or "/")

    @property
    def http_method(self) -> str:
        return str(self.raw_event.get("httpMethod") or "").upper()

    @property
    def query_string_parameters(self) -> dict[str, str]:
        return self.raw_event.get("queryStringParameters") or {}

    @property
    def body(self) -> str | None:
        return self.raw_event.get("body")

    @property
    def is_base64_encoded(self) -> bool:
        return bool(self.raw_event.get("isBase64Encoded"))

    @property
    def request_context(self) -> RequestContext:
        identity = (self.raw_event.get("requestContext") or {}).get("identity") or {}
        return RequestContext(Identity(identity.get("sourceIp")))

    def header(self, name: str) -> str | None:
        """The first value a header was sent with (`multiValueHeaders` keeps every one; `headers` keeps the last),
        as Powertools read `Origin`."""
        values = Headers(self.raw_event.get("multiValueHeaders")).get(name)
        value = values[0] if isinstance(values, list) and values else values
        if value is None:
            value = self.headers.get(name)
        return str(value) if value is not None else None


class Response(Generic[BodyT]):
    """An answer: a status, a body (serialised to JSON when it is not text and the type is JSON; base64 when
    bytes), headers (a list for a header sent more than once) and cookies."""

    def __init__(self, status_code: int, content_type: str | None = None, body: BodyT | None = None,
                 headers: Mapping[str, str | list[str]] | None = None, cookies: list[Any] | None = None) -> None:
        self.status_code = status_code
        self.body = body
        self.headers: dict[str, str | list[str]] = dict(headers or {})
        self.cookies = cookies or []
        if content_type:
            self.headers.setdefault("Content-Type", content_type)

    def is_json(self) -> bool:
        content_type = self.headers.get("Content-Type", "")
        first = content_type[0] if isinstance(content_type, list) and content_type else content_type
        return isinstance(first, str) and first.startswith(APPLICATION_JSON)


@frozen
class CorsPolicy:
    """CORS headers on actual answers to the listed origins (never a wildcard). Preflights are API Gateway's (the
    local gateway's) to answer, so no allowed request headers or max age are sent here."""

    allowed_origins: tuple[str, ...]
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = False

    def headers_for(self, origin: str | None) -> dict[str, str]:
        if not origin or origin not in self.allowed_origins:
            return {}
        headers = {"Access-Control-Allow-Origin": origin}
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ",".join(self.expose_headers)
        if self.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        headers["Vary"] = "Origin"  # the answer differs by Origin: shared caches must key on it
        return headers


NextMiddleware = Callable[["RestApi"], Response[Any]]
Middleware = Callable[["RestApi", NextMiddleware], Response[Any]]


@frozen
class Route:
    method: str
    rule: str
    pattern: re.Pattern[str]
    handler: Callable[..., Any]

    @property
    def openapi_path(self) -> str:
        """The rule as an OpenAPI path: `/api/issues/{issue_id}`."""
        return _PARAMETER.sub(r"{\1}", self.rule)


def _compile(rule: str) -> re.Pattern[str]:
    # Trailing slashes are the same route (`/api/incidents/` is the response document's own spelling).
    return re.compile("^" + _PARAMETER.sub(lambda name: f"(?P<{name[1]}>{_SEGMENT_CHARACTERS})", rule) + "/*$")


def _next_through(middleware: Middleware, inner: NextMiddleware, app: RestApi) -> Response[Any]:
    return middleware(app, inner)


def _json_default(value: Any) -> Any:
    """What `json` cannot write itself, written as Powertools wrote it: a Decimal as text, a dataclass or pydantic
    model as its fields."""
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass(eq=False)
class RestApi:
    """Routes registered with `@app.get("/api/issues/<issue_id>")` and friends; `resolve` answers an event."""

    strip_prefixes: tuple[str, ...] = ()
    cors: CorsPolicy | None = None
    _static: list[Route] = field(default_factory=list)
    _dynamic: list[Route] = field(default_factory=list)
    _middlewares: list[Middleware] = field(default_factory=list)
    _exception_handlers: dict[type[BaseException], Callable[[Any], Response[Any]]] = field(default_factory=dict)
    _not_found: Callable[[Exception], Response[Any]] | None = None
    current_event: RestEvent = field(init=False)
    lambda_context: Any = field(init=False, default=None)

    def route(self, rule: str, method: str) -> Callable[[AnyCallable], AnyCallable]:
        def register(handler: AnyCallable) -> AnyCallable:
            routes = self._dynamic if _PARAMETER.search(rule) else self._static
            bare = rule.rstrip("/")  # `/x/` and `/x` are one route, as requests' trailing slashes are
            routes.append(Route(method.upper(), bare or "/", _compile(bare), handler))
            return handler

        return register

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every route, in the order a request tries them: static ones first."""
        return (*self._static, *self._dynamic)

    def get(self, rule: str) -> Callable[[AnyCallable], AnyCallable]:
        return self.route(rule, "GET")

    def post(self, rule: str) -> Callable[[AnyCallable], AnyCallable]:
        return self.route(rule, "POST")

    def patch(self, rule: str) -> Callable[[AnyCallable], AnyCallable]:
        return self.route(rule, "PATCH")

    def delete(self, rule: str) -> Callable[[AnyCallable], AnyCallable]:
        return self.route(rule, "DELETE")

    def use(self, middlewares: list[Middleware]) -> None:
        """Middlewares run in the order they were added, the first outermost, around every request (an unknown
        route's too)."""
        self._middlewares.extend(middlewares)

    def exception_handler(self, exception: type[BaseException]) -> Callable[[AnyCallable], AnyCallable]:
        def register(handler: AnyCallable) -> AnyCallable:
            self._exception_handlers[exception] = handler
            return handler

        return register

    def not_found(self, handler: AnyCallable) -> AnyCallable:
        self._not_found = handler
        return handler

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.current_event = RestEvent(event)
        self.lambda_context = context
        try:
            response = self._run(self.current_event)
        except Exception as error:
            response = self._handled(error)
        return self._serialise(response)

    def _run(self, event: RestEvent) -> Response[Any]:
        method, path = event.http_method, self._stripped(event.path)
        for route in self.routes:
            if route.method == method and (match := route.pattern.match(path)):
                return self._through_middlewares(partial(self._call, route.handler, match.groupdict()))
        return self._through_middlewares(partial(self._no_route, method))

    def _call(self, handler: Callable[..., Any], arguments: dict[str, str], _: RestApi) -> Response[Any]:
        return self._to_response(handler(**arguments))

    def _through_middlewares(self, endpoint: NextMiddleware) -> Response[Any]:
        chain = endpoint
        for middleware in reversed(self._middlewares):
            chain = partial(_next_through, middleware, chain)
        return chain(self)

    def _no_route(self, method: str, _: RestApi) -> Response[Any]:
        if self.cors and method == "OPTIONS":  # a preflight that reached the function: answer it, empty
            methods = sorted({"OPTIONS", *(route.method for route in self.routes)})
            return Response(204, None, "", headers={"Access-Control-Allow-Methods": ",".join(methods)})
        if self._not_found is None:
            return Response(404, APPLICATION_JSON, {"statusCode": 404, "message": "Not found"})
        return self._to_response(self._not_found(LookupError("no route")))

    def _stripped(self, path: str) -> str:
        for prefix in self.strip_prefixes:
            if path == prefix:
                return "/"
            if prefix and path.startswith(prefix + "/"):
                return path[len(prefix):]
        return path

    def _handled(self, error: Exception) -> Response[Any]:
        for kind in type(error).__mro__:
            handler = self._exception_handlers.get(kind)
            if handler is not None:
                return self._to_response(handler(error))
        raise error

    @staticmethod
    def _to_response(result: Any) -> Response[Any]:
        if isinstance(result, Response):
            return result
        if isinstance(result, tuple) and len(result) == 2:
            return Response(result[1], APPLICATION_JSON, result[0])
        return Response(200, APPLICATION_JSON, result)

    def _serialise(self, response: Response[Any]) -> dict[str, Any]:
        body: Any = response.body
        if response.is_json() and not isinstance(body, str):
            body = json.dumps(body, separators=(",", ":"), default=_json_default)
        if self.cors:
            response.headers.update(self.cors.headers_for(self.current_event.header("origin")))
        encoded = isinstance(body, bytes)
        if encoded:
            body = base64.b64encode(body).decode()
        headers: dict[str, list[str]] = {}
        for name, values in response.headers.items():
            if values is not None:
                headers.setdefault(name, []).extend([values] if isinstance(values, str) else values)
        if response.cookies:
            headers.setdefault("Set-Cookie", []).extend(str(cookie) for cookie in response.cookies)
        return {"statusCode": response.status_code, "body": body, "isBase64Encoded": encoded,
                "multiValueHeaders": headers}
