"""`POST /chat` as a plain ASGI (Starlette) app: on AWS a response-streaming Lambda behind the Lambda Web Adapter,
locally mounted in the gateway (DESIGN.md §1, §2).

Everything that can refuse a request happens before the stream starts, so it is an ordinary JSON answer in the
support envelope: a missing or invalid token (401), the chat rate limit (429 with Retry-After), an invalid body
(400). Then the answer streams (opsdesk.support.chat) with the rate-limit headers of a REST answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from aws_lambda_powertools import Logger
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from opsdesk.apimap import RateLimit
from opsdesk.auth import Principal, principal_from_claims
from opsdesk.dialects import Dialect
from opsdesk.errors import DomainError, FieldError, Unauthorized, ValidationFailed
from opsdesk.jsonbody import parse_json_body
from opsdesk.support.chat import ChatRequest, ChatService
from opsdesk.tokens import TokenVerifier, bearer_token
from opsdesk.validation import parse_model

logger = Logger()
TakeQuota = Callable[[Principal], Mapping[str, str]]
"""Count one request of the caller; the X-RateLimit headers to answer with, or RateLimited past the limit."""


class _Quota(Protocol):
    def headers(self) -> dict[str, str]: ...


class Limiter(Protocol):
    """opsdesk.ratelimit.RateLimiter (not imported here: the app stays testable without DynamoDB); None when the
    counter could not be reached and the request is served unmetered."""

    def take(self, principal: Principal, bucket: str, per_minute: int) -> _Quota | None: ...


def quota_taker(limiter: Limiter, limit: RateLimit) -> TakeQuota:
    """The chat limit on the shared counter, bucketed as the REST middleware buckets it (opsdesk.http)."""

    def take(principal: Principal) -> Mapping[str, str]:
        quota = limiter.take(principal, limit.path_prefix or "default", limit.per_minute)
        return quota.headers() if quota else {}

    return take


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The body, refused as soon as it passes `max_bytes` (never read whole into memory first)."""
    too_large = ValidationFailed(details=[FieldError("body", f"Request body is larger than {max_bytes} bytes")])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)


def create_chat_app(
    paths: tuple[str, ...],
    *,
    verifier: TokenVerifier,
    accepted_client_ids: frozenset[str],
    dialect: Dialect,
    chat: ChatService,
    take_quota: TakeQuota,
    max_body_bytes: int,
    allowed_origins: tuple[str, ...] = (),
) -> Starlette:
    """POST on `paths` (the resource path, and the same behind the module's base path)."""

    def cors(request: Request) -> dict[str, str]:
        # An allow-list, never a wildcard (as opsdesk.http answers REST calls); API Gateway answers preflights.
        origin = request.headers.get("origin", "")
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin in allowed_origins else {}

    async def handle_chat(request: Request) -> Response:
        try:
            token = bearer_token(request.headers.get("authorization"))
            if token is None:
                raise Unauthorized()
            claims = await run_in_threadpool(verifier.verify_id_token, token)
            principal = principal_from_claims(claims, accepted_client_ids)
            quota = await run_in_threadpool(take_quota, principal)
            body = parse_json_body(await read_body(request, max_body_bytes), max_body_bytes)
            chat_request = parse_model(ChatRequest, body)
        except DomainError as exc:
            status, envelope = dialect(exc)
            return JSONResponse(envelope, status_code=status, headers={**exc.headers, **cors(request)})
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **quota, **cors(request)}
        # A plain iterator: Starlette pulls each event on a worker thread and sends it as soon as it is made.
        return StreamingResponse(chat.stream(principal, chat_request), media_type="text/event-stream",
                                 headers=headers)

    return Starlette(routes=[Route(path, handle_chat, methods=["POST"]) for path in paths])
