"""Domain events: what a module publishes about a change (the event log in opsdesk.eventlog stores them)."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from opsdesk.frozen import frozen

TENANT_STREAM = "tenant"
"""The stream every event of a tenant's support lists goes to (live list views)."""
HELPDESK_STREAM = "helpdesk"
"""The helpdesk's ticket events (its `/events` SSE and the WebSocket channel of the same name)."""
SUBSCRIBABLE_STREAMS = frozenset({TENANT_STREAM, HELPDESK_STREAM})
"""The channels a WebSocket client may subscribe to: every stream some module publishes to. A name outside it
is refused rather than silently followed (a typo would otherwise wait forever for events)."""
PROJECT_SCOPE_SEPARATOR = "@"
"""Project-scoped streams are `<channel>@<project id>` (the copilot's `incidents`, `hypotheses`, `alerts`): a
WebSocket client subscribes to the channel and receives its current project's stream."""
PROJECT_CHANNELS = frozenset({"incidents", "hypotheses", "alerts"})
RANKING_CHANNEL = "ranking"
"""The copilot's stream of ranking requests (`hypotheses.requested`): for copilot_hypotheses only. It is no channel a
WebSocket client can subscribe to (PROJECT_CHANNELS), so the fan-out finds nobody to send it to."""
VOID_EVENT_TYPE = "void"
"""What fills an event number whose event was never written (opsdesk.eventlog): readers skip it, the fan-out
ignores it."""
EVENT_SK_PREFIX = "E#"
"""Sort-key prefix of event items in the EventsTable (the other items of a stream partition are its head)."""
EVENT_NUMBER_DIGITS = 12
"""An event's number in its sort key is this many digits, zero-padded, so the keys sort as the numbers do."""
LAST_EVENT_NUMBER = 10**EVENT_NUMBER_DIGITS - 1
"""The highest number a stream's event can have (a longer one would sort below shorter ones)."""


@frozen
class DomainEvent:
    type: str
    stream: str
    data: dict[str, Any]
    audience: str | None = None
    """The Cognito group an event is for (e.g. `admin`); None: every user of the tenant who follows the stream.
    SSE and the WebSocket fan-out both hold an event back from anyone outside its audience."""
    envelope: dict[str, Any] = field(default_factory=dict)
    """Fields a WebSocket message carries beside `type` and `data` (the copilot's `hypothesis.generated` names
    its `incidentId` there)."""


@frozen
class StoredEvent:
    id: int
    """The event's number in its stream: 1, 2, 3 ... in commit order (SSE `id:` and `Last-Event-ID`)."""
    type: str
    stream: str
    data: dict[str, Any]
    created_at: str
    audience: str | None = None
    envelope: dict[str, Any] = field(default_factory=dict)


def reaches(audience: str | None, groups: frozenset[str]) -> bool:
    """Whether a user in `groups` may receive an event for `audience`."""
    return audience is None or audience in groups


def project_stream(channel: str, project_id: str) -> str:
    return f"{channel}{PROJECT_SCOPE_SEPARATOR}{project_id}"


def project_streams(project_id: str) -> tuple[str, ...]:
    """Every stream a project has: what a deleted project's purge deletes (opsdesk.copilot.purge)."""
    return tuple(project_stream(channel, project_id) for channel in sorted(PROJECT_CHANNELS | {RANKING_CHANNEL}))


def stream_pk(tenant_id: str, stream: str) -> str:
    """The EventsTable partition of one stream of one tenant."""
    return f"T#{tenant_id}#S#{stream}"


def parse_stream_pk(pk: str) -> tuple[str, str]:
    """(tenant, stream) of an event item's partition key."""
    tenant_part, _, stream = pk.removeprefix("T#").partition("#S#")
    return tenant_part, stream
