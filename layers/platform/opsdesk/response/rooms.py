"""Incident rooms (seeds/incident-response-api.md, "Connect to Incident Room"): `ws://<host>/response/ws/incidents/
{incident_id}?token=<Cognito ID token>` locally, the shared WebSocket API with `?incident_id=<id>&token=...` on AWS.
Only users of the incident's tenant join; a message `{"user", "message"}` is stored as a `comment` timeline entry
and reaches everyone in the room, as status changes, analyses and actions do (opsdesk.realtime.Rooms)."""

from __future__ import annotations

from typing import Any

from opsdesk.auth import Principal
from opsdesk.response.service import ResponseService, room_stream

ROOM_QUERY_PARAMETER = "incident_id"


class IncidentRooms:
    def __init__(self, service: ResponseService) -> None:
        self._service = service

    def stream_for(self, principal: Principal, room: str) -> str:
        return room_stream(self._service.get_incident(principal, room).id)

    def post(self, principal: Principal, room: str, message: dict[str, Any]) -> None:
        self._service.post_comment(principal, room, message.get("message"), message.get("user"))
