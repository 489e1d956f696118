"""REST plumbing shared by every module's handlers: the resolver with the module's error dialect, the
caller's principal, query and body parsing."""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from aws_lambda_powertools.shared.cookies import Cookie

from opsdesk.apimodel import ApiModule
from opsdesk.auth import Principal, principal_from_claims
from opsdesk.dialects import DIALECTS, Dialect
from opsdesk.errors import DomainError, Forbidden, NotFound, ValidationFailed
from opsdesk.jsonbody import parse_json_body
from opsdesk.observability import logger
from opsdesk.restapi import APPLICATION_JSON, CorsPolicy, NextMiddleware, Response, RestApi
from opsdesk.sessions import Channel, channel_from_context, claims_from_context
from opsdesk.settings import PlatformSettings

if TYPE_CHECKING:
    from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound="BaseModel")


# The request headers a browser may send cross-origin (the local gateway's preflight uses them too).
CORS_ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Requested-With"]
_expected_clients: WeakKeyDictionary[RestApi, frozenset[str]] = WeakKeyDictionary()


def create_api(module: ApiModule, settings: PlatformSettings) -> RestApi:
    """A resolver for one module. Routes are written as API Gateway resources (`/api/issues`); the module's
    base path, present when the request came through the custom domain (or the local gateway), is stripped.
    With allowed origins, responses to those origins carry CORS headers (an allow-list, never a wildcard)."""
    origins = settings.allowed_origins
    # Cookie-session modules let the browser send their cookie cross-origin (to listed origins only).
    cors = CorsPolicy(tuple(origins), tuple(module.expose_headers), module.cookie_sessions) if origins else None
    app = RestApi(strip_prefixes=(module.base_path,), cors=cors)
    _expected_clients[app] = settings.accepted_client_ids
    if module.rate_limits or module.default_rate_limit:
        app.use(middlewares=[_rate_limit_middleware(module)])
    if module.cookie_sessions:
        app.use(middlewares=[_forgery_guard(frozenset(origins))])
    register_error_handlers(app, DIALECTS[module.dialect])
    return app


def _rate_limit_middleware(module: ApiModule) -> Callable[[RestApi, NextMiddleware], Response[Any]]:
    limiters: list[Any] = []

    def limiter() -> Any:
        """Made on the first request a limit applies to: a function of only public routes (sign-in, docs) never
        binds the counters' table, nor needs its name in the environment."""
        if not limiters:
            from opsdesk.ratelimit import RateLimiter  # noqa: PLC0415 - only modules with limits use it

            limiters.append(RateLimiter())
        return limiters[0]

    def limit_requests(app: RestApi, next_middleware: NextMiddleware) -> Response[Any]:
        # The request's own path (the resource may be a greedy /api/docs/{proxy+}), without the base path.
        path = app.current_event.path
        if path.startswith(module.base_path + "/"):
            path = path[len(module.base_path):]
        limit = module.rate_limit_for(path)
        if limit is None or claims_from_context(_authorizer_context(app)) is None:
            # Public routes (sign-in, docs) have no user to count: sign-ins have their own throttle.
            return next_middleware(app)
        quota = limiter().take(current_principal(app), limit.path_prefix or "default", limit.per_minute,
                             relative_reset=module.rate_limit_reset_seconds)
        if quota is None:  # the counter could not be reached: served unmetered (RateLimiter.take)
            return next_middleware(app)
        headers = quota.headers(time.time() if module.rate_limit_reset_seconds else None)
        try:
            response = next_middleware(app)
        except DomainError as refused:
            # A refused request counted too: its answer says so like any other (rendered by the error handler).
            refused.headers = {**headers, **refused.headers}
            raise
        response.headers.update(headers)
        return response

    return limit_requests


COOKIE_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _forgery_guard(allowed_origins: frozenset[str]) -> Callable[[RestApi, NextMiddleware],
                                                                  Response[Any]]:
    """Cross-site request forgery guard for cookie sessions: a write that rides on the session cookie must be
    `application/json`, a type no page can send without a CORS preflight (which only listed origins pass).
    SameSite=Strict alone does not stop a sibling subdomain, which counts as the same site. Bearer-token callers
    are not at risk (a page cannot make the browser add the header) and are not checked.

    A write with no body and no Content-Type (`POST /auth/logout`, a DELETE) has no type to check, and a page's
    bodiless `fetch` is a simple request: it is let in only without an Origin (not a browser, so no forgery) or
    from a listed origin (browsers name the origin of every POST, PUT, PATCH and DELETE they send)."""

    def guard(app: RestApi, next_middleware: NextMiddleware) -> Response[Any]:
        event = app.current_event
        if event.http_method in COOKIE_WRITE_METHODS and current_channel(app) == "cookie":
            if event.body or event.headers.get("content-type"):
                require_json_content_type(app, "Requests with the session cookie must send application/json")
            else:
                origin = event.header("origin")
                if origin and origin not in allowed_origins:
                    raise Forbidden("Requests with the session cookie must come from an allowed origin")
        return next_middleware(app)

    return guard


def register_error_handlers(app: RestApi, dialect: Dialect) -> None:
    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[str]:
        return error_response(dialect, error)

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return error_response(dialect, NotFound("Route not found"))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        # Never leak exception text to the client; the log has it, correlated by request id.
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return error_response(dialect, DomainError())


def error_response(dialect: Dialect, error: DomainError) -> Response[str]:
    status, body = dialect(error)
    return json_response(status, body, headers=error.headers)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None,
                  cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=APPLICATION_JSON,
        body=json.dumps(body, separators=(",", ":")),
        headers=headers or {},
        cookies=cookies,
    )


NEXT_CURSOR_HEADER = "X-Next-Cursor"
"""Where a list answered as a bare array (the helpdesk's and the response documents' shape) hands out the next
page's cursor; the client sends it back as `cursor`."""


def array_response(items: list[Any], next_cursor: str | None) -> Response[str]:
    """A bare JSON array; the next page's cursor, when there is one, in NEXT_CURSOR_HEADER."""
    return json_response(200, items, headers={NEXT_CURSOR_HEADER: next_cursor} if next_cursor else {})


def current_principal(app: RestApi) -> Principal:
    """The caller, from the claims API Gateway's authorizer verified (never from the request itself): the Cognito
    authorizer's claims, or the session authorizer's (opsdesk.sessions) for cookie-session modules."""
    claims = claims_from_context(_authorizer_context(app))
    return principal_from_claims(claims, _expected_clients.get(app, frozenset()))


def current_claims(app: RestApi) -> dict[str, Any]:
    """The verified claims themselves (a logout needs the token's session, which the Principal does not carry)."""
    return claims_from_context(_authorizer_context(app)) or {}


def current_channel(app: RestApi) -> Channel:
    """`cookie` when the session authorizer let the caller in by the session cookie, else `bearer`."""
    return channel_from_context(_authorizer_context(app))


def _authorizer_context(app: RestApi) -> dict[str, Any] | None:
    context = app.current_event.raw_event.get("requestContext") or {}
    authorizer = context.get("authorizer")
    return authorizer if isinstance(authorizer, dict) else None


REQUEST_TIME_TRUST = timedelta(minutes=5)


def request_time(app: RestApi) -> datetime | None:
    """When API Gateway received the request (`requestContext.requestTimeEpoch`, milliseconds): received_at."""
    return received_at(app.current_event.raw_event, datetime.now(UTC))


def received_at(event: dict[str, Any], now: datetime) -> datetime | None:
    """The event's `requestTimeEpoch`; None when it has no usable one (absent, not a number, or more than five
    minutes from `now`: a time in seconds, or a made-up one, must not decide what a request answers)."""
    context = event.get("requestContext")
    epoch = context.get("requestTimeEpoch") if isinstance(context, dict) else None
    if isinstance(epoch, bool) or not isinstance(epoch, int | float):
        return None
    try:
        received = datetime.fromtimestamp(epoch / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):  # NaN, infinite, out of range
        return None
    return received if abs(now - received) <= REQUEST_TIME_TRUST else None


def query_params(app: RestApi) -> dict[str, str]:
    return dict(app.current_event.query_string_parameters or {})


def request_body(app: RestApi, model: type[ModelT], max_bytes: int) -> ModelT:
    """The JSON body as `model`, every refusal a ValidationFailed (opsdesk.jsonbody.parse_json_body)."""
    from opsdesk.validation import parse_model  # noqa: PLC0415 - pydantic loads with the first body, not at import

    return parse_model(model, parse_json_body(raw_body(app), max_bytes))


def raw_body(app: RestApi) -> str | bytes | None:
    """The body as sent: bytes when API Gateway passed it base64-encoded (it was not valid UTF-8 text, or a
    binary media type), undecoded, so that text decoding happens, and fails cleanly, in one place."""
    event = app.current_event
    if event.body is not None and event.is_base64_encoded:
        try:
            return base64.b64decode(event.body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationFailed.on_field("body", "Request body is not valid base64") from exc
    return event.body


def require_json_content_type(app: RestApi, reason: str = "Must be application/json") -> None:
    """Refuse a body that is not declared `application/json`: a cross-site form (text/plain, urlencoded,
    multipart) cannot send that type without a CORS preflight, which only listed origins pass."""
    event = app.current_event
    content_type = (event.headers.get("content-type") or "").lower()
    if content_type.split(";", 1)[0].strip() != "application/json":
        raise ValidationFailed.on_field("Content-Type", reason)
