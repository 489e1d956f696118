"""Incident rooms (seeds/incident-response-api.md, "Connect to Incident Room"): `ws://<host>/response/ws/incidents/
{incident_id}?token=<Cognito ID token>` locally, the shared WebSocket API with `?incident_id=<id>&token=...` on AWS.
Only users of the incident's tenant join; a message `{"user", "message"}` is stored as a `comment` timeline entry
and reaches everyone in the room, as status changes, analyses and actions do (opsdesk.realtime.Rooms)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal

if TYPE_CHECKING:  # the realtime function reads ROOM_QUERY_PARAMETER on every connect, the service on a room's
    from opsdesk.response.service import ResponseService

ROOM_QUERY_PARAMETER = "incident_id"
ROOM_PREFIX = "incident:"


def room_stream(incident_id: str) -> str:
    """The event-log stream of an incident's room (WebSocket `/ws/incidents/{incident_id}`)."""
    return f"{ROOM_PREFIX}{incident_id}"


class IncidentRooms:
    def __init__(self, service: ResponseService) -> None:
        self._service = service

    def stream_for(self, principal: Principal, room: str) -> str:
        return room_stream(self._service.get_incident(principal, room).id)

    def post(self, principal: Principal, room: str, message: dict[str, Any]) -> None:
        self._service.post_comment(principal, room, message.get("message"), message.get("user"))
