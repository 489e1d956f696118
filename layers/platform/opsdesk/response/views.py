"""The response API's JSON, field for field as the document's Data Models show them (times in RFC 3339 UTC)."""

from __future__ import annotations

from typing import Any

from opsdesk.clock import to_rfc3339
from opsdesk.response.records import Action, Event, Incident, TimelineEntry


def incident_view(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "description": incident.description,
        "status": incident.status.value,
        "severity": incident.severity,
        "source": incident.source,
        "tags": list(incident.tags),
        "metadata": incident.metadata,
        "created_at": to_rfc3339(incident.created_at),
        "updated_at": to_rfc3339(incident.updated_at),
        "resolved_at": to_rfc3339(incident.resolved_at) if incident.resolved_at else None,
        "ai_summary": incident.ai_summary,
        "root_cause": incident.root_cause,
        "suggested_actions": list(incident.suggested_actions),
        "mttr_minutes": incident.mttr_minutes,
    }


def event_view(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "incident_id": event.incident_id,
        "event_type": event.event_type,
        "message": event.message,
        "level": event.level,
        "source": event.source,
        "metadata": event.metadata,
        "timestamp": to_rfc3339(event.timestamp),
    }


def action_view(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "incident_id": action.incident_id,
        "title": action.title,
        "description": action.description,
        "status": action.status.value,
        "suggested_by": action.suggested_by,
        "priority": action.priority,
        "created_at": to_rfc3339(action.created_at),
    }


def entry_view(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "incident_id": entry.incident_id,
        "entry_type": entry.entry_type.value,
        "title": entry.title,
        "description": entry.description,
        "actor": entry.actor,
        "timestamp": to_rfc3339(entry.timestamp),
    }
