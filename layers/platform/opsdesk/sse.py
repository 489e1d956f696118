"""Server-sent events from the event log, as a plain ASGI (Starlette) app.

On AWS the app runs in a response-streaming Lambda behind the AWS Lambda Web Adapter; locally the gateway mounts
the same app. A connection streams one stream of the caller's tenant: first what came after `Last-Event-ID`
(header, or `lastEventId` query parameter), then new events as they commit, with a heartbeat comment every 30 s.
It ends cleanly before the function's time limit with a `retry:` hint, and the client reconnects with the last
id it saw, so nothing is missed and nothing repeats (event numbers are gapless per stream: opsdesk.eventlog).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from opsdesk.auth import Principal, principal_from_claims
from opsdesk.dialects import DIALECTS, Dialect
from opsdesk.errors import DomainError, Unauthorized, ValidationFailed
from opsdesk.events import LAST_EVENT_NUMBER, VOID_EVENT_TYPE, StoredEvent, reaches
from opsdesk.frozen import frozen
from opsdesk.tokens import TokenVerifier, bearer_token

if TYPE_CHECKING:
    from opsdesk.apimodel import ApiModule
    from opsdesk.eventlog import EventLog
    from opsdesk.settings import EventStreamSettings

ReadAfter = Callable[[str, str, int], list[StoredEvent]]
"""(tenant, stream, after) -> the stream's events numbered above `after`, oldest first, with the voids among them
(EventLog.read_after with include_voids): a void is never sent, but moves the reader's position past it, so a
stream whose last numbers are voids does not look unread to its idle loop."""


@frozen
class StreamTiming:
    poll_seconds: float = 0.5
    """How often the stream is read again when it cannot tell whether something new was written."""
    head_poll_seconds: float = 0.1
    """How often an idle stream looks at its head (one item): it reads the stream only when the head moved."""
    settle_seconds: float = 10.0
    """How long numbers the head has passed are read again at every head poll while none is readable (a write
    between reserving and committing); then the stream asks the log to settle them (EventLog.settle_tail, whose
    GAP_SECONDS this is) and otherwise waits for the head to move."""
    heartbeat_seconds: float = 30.0
    """A heartbeat goes out this often, events or not ("sent ~every 30s", as the helpdesk and aura documents say:
    a client may count on one within that time, and a proxy's idle timer never sees a gap longer)."""
    max_seconds: float = 840.0
    """End before the function's limit (15 minutes for a streaming Lambda) so the client reconnects."""
    retry_ms: int = 1000
    heartbeat_comment: str = ": hb"
    """The heartbeat's comment line (the helpdesk document asks for `:hb`)."""


def format_event(event: StoredEvent) -> str:
    data = json.dumps(event.data, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


@frozen
class EventFormat:
    """How a module's document writes its stream: each event, the idle keep-alive (a comment line unless the
    document makes it an event), an opening event, and the ids a client sends back in `Last-Event-ID`."""

    event: Callable[[StoredEvent], str] = format_event
    heartbeat: Callable[[Principal, str], str] | None = None
    """(caller, stream) -> the idle keep-alive event, e.g. aura's `heartbeat`; None: the timing's comment."""
    opening: Callable[[Principal, str], str] | None = None
    """(caller, stream) -> the first event of a connection, e.g. aura's `connected`."""
    event_number: Callable[[str], int] = int
    """An id as the client sends it back -> the event's number (ValueError for a foreign id)."""


async def event_stream(
    read_after: Callable[[int], list[StoredEvent]],
    last_id: int,
    timing: StreamTiming,
    clock: Callable[[], float] = time.monotonic,
    *,
    visible: Callable[[StoredEvent], bool] | None = None,
    form: EventFormat | None = None,
    opening: str | None = None,
    heartbeat: Callable[[], str] | None = None,
    head: Callable[[], int] | None = None,
    settle: Callable[[int], int] | None = None,
) -> AsyncIterator[str]:
    """`visible` hides events this client may not see (they still advance its position in the stream). With
    `head` (the stream's last reserved number), an idle stream looks at the head every `head_poll_seconds` and
    reads the stream when it moved; without it, it reads the stream every `poll_seconds`. Numbers the head has
    passed that no read returns are read again for `settle_seconds`, then `settle(last_id)` says where the
    stream may stand (past numbers no write can still commit)."""
    form = form or EventFormat()
    started = last_beat = clock()
    unread: tuple[tuple[int, int], float] | None = None  # (position, head) with numbers not readable, since when
    yield f"retry: {timing.retry_ms}\n\n"
    if opening:
        yield opening
    while clock() - started < timing.max_seconds:
        seen = await run_in_threadpool(head) if head else None  # before the read: a later write moves it
        events = await run_in_threadpool(read_after, last_id)
        for event in events:
            if event.type != VOID_EVENT_TYPE and (visible is None or visible(event)):
                yield form.event(event)
            last_id = event.id
        now = clock()
        if now - last_beat >= timing.heartbeat_seconds:  # on its cadence, busy or idle
            yield heartbeat() if heartbeat else timing.heartbeat_comment + "\n\n"
            last_beat = now
        if events:
            continue
        if head is None or seen is None:
            await asyncio.sleep(timing.poll_seconds)
            continue
        reread = False
        if seen > last_id:  # numbers reserved that the read did not return
            if unread is None or unread[0] != (last_id, seen):
                unread = ((last_id, seen), clock())
            reread = clock() - unread[1] < timing.settle_seconds
            if not reread and settle is not None:
                moved = await run_in_threadpool(settle, last_id)
                if moved > last_id:
                    last_id = moved
                    continue
                # Not settled (an event lies above the gap, or one was written meanwhile): read on as before
                unread, reread = ((last_id, seen), clock()), True
        deadline = min(last_beat + timing.heartbeat_seconds, started + timing.max_seconds)
        await _until_news(head, seen, timing, reread=reread, deadline=deadline, clock=clock)


async def _until_news(head: Callable[[], int], seen: int, timing: StreamTiming, *, reread: bool, deadline: float,
                      clock: Callable[[], float]) -> None:
    """Wait until the head moves past `seen`, or until `deadline` (the next heartbeat, or the stream's end).
    With `reread` (numbers up to `seen` the read did not return: a writer between reserving and committing),
    return after one head poll, so a commit right after its reservation never waits."""
    while clock() < deadline:
        await asyncio.sleep(timing.head_poll_seconds)
        if reread or await run_in_threadpool(head) != seen:
            return


def last_event_id(request: Request, event_number: Callable[[str], int] = int) -> int | None:
    """The id the client resumes after (`Last-Event-ID`, or `lastEventId` where a client cannot set headers; the
    header wins, but each one sent must be an id, even empty); None for a fresh connection."""
    header = request.headers.get("last-event-id")
    query = request.query_params.get("lastEventId")
    values = [(name, raw) for name, raw in (("Last-Event-ID", header), ("lastEventId", query)) if raw is not None]
    numbers = [_event_number(name, raw, event_number) for name, raw in values]
    return numbers[0] if numbers else None


def resume_parameter(request: Request) -> str:
    """Which of the two the resume id came from (last_event_id: the header wins)."""
    return "Last-Event-ID" if request.headers.get("last-event-id") is not None else "lastEventId"


NOT_AN_EVENT = "Must be the id of an event of this stream"


def _event_number(name: str, raw: str, event_number: Callable[[str], int]) -> int:
    """Refused: no number, a negative one, or one past the event log's key width (LAST_EVENT_NUMBER: its read
    would ask DynamoDB for a key range whose start lies after its end)."""
    try:
        value = event_number(raw)
    except ValueError as exc:
        raise ValidationFailed.on_field(name, NOT_AN_EVENT) from exc
    if not 0 <= value <= LAST_EVENT_NUMBER:
        raise ValidationFailed.on_field(name, NOT_AN_EVENT)
    return value


def create_stream_app(
    paths: tuple[str, ...],
    *,
    verifier: TokenVerifier,
    accepted_client_ids: frozenset[str],
    dialect: Dialect,
    stream_for: Callable[[Principal, Request], str],
    read_after: ReadAfter,
    latest_id: Callable[[str, str], int],
    settle_tail: Callable[[str, str, int], int] | None = None,
    timing: StreamTiming | None = None,
    token_from: Callable[[Request], str | None] | None = None,
    form: EventFormat | None = None,
    filter_for: Callable[[Request], Callable[[StoredEvent], bool]] | None = None,
) -> Starlette:
    """An app serving GET on `paths` (the resource path, and the same behind the module's base path) as an
    event stream of `stream_for(principal, request)` in the caller's tenant. The caller authenticates like on the
    REST routes: a Cognito ID token, bearer or bare, checked here too (`token_from` finds it elsewhere as well,
    e.g. in a session cookie). An event for an audience (a group) reaches members of that group only.
    A fresh connection starts at the stream's latest event (`latest_id(tenant, stream)`): what happened before
    it connected is history, not news; a reconnecting client resumes after its `Last-Event-ID`, which must be
    no later than that (an id above it is refused as a negative one is, in the module's envelope). `stream_for` runs
    off the event loop (it may read a table, e.g. to answer 404 for another tenant's resource); `filter_for` turns
    the request's query into a filter on events (they still advance the position)."""
    timing = timing or StreamTiming()
    form = form or EventFormat()
    find_token = token_from or (lambda request: bearer_token(request.headers.get("authorization")))

    def error(exc: DomainError) -> Response:
        status, body = dialect(exc)
        return JSONResponse(body, status_code=status, headers=exc.headers)

    async def stream(request: Request) -> Response:
        try:
            token = find_token(request)
            if not token:
                raise Unauthorized()
            claims = await run_in_threadpool(verifier.verify_id_token, token)
            principal = principal_from_claims(claims, accepted_client_ids)
            stream_key = await run_in_threadpool(stream_for, principal, request)
            wanted = filter_for(request) if filter_for else None
            after = last_event_id(request, form.event_number)
            latest = await run_in_threadpool(latest_id, principal.tenant_id, stream_key)
            if after is None:
                after = latest
            elif after > latest:  # no event has that id yet: the client would miss every event until it had
                raise ValidationFailed.on_field(resume_parameter(request), NOT_AN_EVENT)
        except DomainError as exc:
            return error(exc)

        def visible(event: StoredEvent) -> bool:
            return reaches(event.audience, principal.groups) and (wanted is None or wanted(event))

        opening = form.opening(principal, stream_key) if form.opening else None
        keep_alive = form.heartbeat
        body = event_stream(lambda last: read_after(principal.tenant_id, stream_key, last), after, timing,
                            visible=visible, form=form, opening=opening,
                            heartbeat=(lambda: keep_alive(principal, stream_key)) if keep_alive else None,
                            head=lambda: latest_id(principal.tenant_id, stream_key),
                            settle=(lambda last: settle_tail(principal.tenant_id, stream_key, last))
                            if settle_tail else None)
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(body, media_type="text/event-stream", headers=headers)

    return Starlette(routes=[Route(path, stream, methods=["GET"]) for path in paths])


def module_event_stream(
    module: ApiModule,
    route: str,
    stream: str,
    settings: EventStreamSettings,
    event_log: EventLog,
    *,
    heartbeat_comment: str = StreamTiming.heartbeat_comment,
    token_from: Callable[[Request], str | None] | None = None,
) -> Starlette:
    """A module's stream function in one call: `stream` of the caller's tenant on `route` (and behind the
    module's base path), the module's error envelope, the settings' timing, the event log's reads."""
    return create_stream_app(
        (route, f"{module.base_path}{route}"),
        verifier=TokenVerifier.from_settings(settings),
        accepted_client_ids=settings.accepted_client_ids,
        dialect=DIALECTS[module.dialect],
        stream_for=lambda principal, request: stream,
        read_after=partial(event_log.read_after, include_voids=True),
        latest_id=event_log.last_id,
        settle_tail=event_log.settle_tail,
        timing=StreamTiming(poll_seconds=settings.sse_poll_seconds, heartbeat_seconds=settings.sse_heartbeat_seconds,
                            max_seconds=settings.sse_max_seconds, heartbeat_comment=heartbeat_comment),
        token_from=token_from,
    )
