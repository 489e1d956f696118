"""IncidentsTable keys of the response module's items (docs/data-model.md, "IncidentsTable (response)"). Every
item of one incident shares its partition, so its events, timeline and actions are each one Query."""

from __future__ import annotations

import hashlib
from datetime import datetime

from opsdesk.clock import to_rfc3339

INCIDENT_SK = "INCIDENT"
EVENT_PREFIX = "EV#"
TIMELINE_PREFIX = "TL#"
ACTION_PREFIX = "ACT#"
ACTION_TITLE_PREFIX = "AT#"
ANALYSIS_REQUEST_PREFIX = "AREQ#"
METRICS_PK = "R#METRICS"
METRICS_SHARDS = 8
"""Platform-wide counters (GET /response/metrics) are spread over this many items, so concurrent writers of every
tenant do not queue on one item; a scrape reads them all."""


def incident_pk(tenant_id: str, incident_id: str) -> str:
    return f"R#{tenant_id}#INC#{incident_id}"


def event_sk(at: datetime, event_id: str) -> str:
    return f"{EVENT_PREFIX}{to_rfc3339(at)}#{event_id}"


def timeline_sk(at: datetime, entry_id: str) -> str:
    return f"{TIMELINE_PREFIX}{to_rfc3339(at)}#{entry_id}"


def action_sk(action_id: str) -> str:
    """Action ids are time-ordered (UUIDv7): the partition lists actions in the order they were added."""
    return f"{ACTION_PREFIX}{action_id}"


def action_title_sk(title: str) -> str:
    """One item per action title of an incident (case aside): an analysis looks its suggestions up by title, however
    many actions the incident has."""
    return f"{ACTION_TITLE_PREFIX}{hashlib.sha256(title.strip().casefold().encode()).hexdigest()[:40]}"


def analysis_request_sk(at: datetime) -> str:
    return f"{ANALYSIS_REQUEST_PREFIX}{to_rfc3339(at)}"


def idempotency_pk(tenant_id: str) -> str:
    return f"R#{tenant_id}#IDEM"


def metrics_shard_sk(shard: int) -> str:
    return f"SHARD#{shard}"


# List indexes (opsdesk.tables incidentsByProject and incidentsByState, shared with the copilot's items)


def incidents_list_pk(tenant_id: str) -> str:
    return f"R#{tenant_id}#INC"


def status_list_pk(tenant_id: str, status: str) -> str:
    return f"R#{tenant_id}#INC#STATUS#{status}"


def list_sk(created_at: datetime, incident_id: str) -> str:
    return f"{to_rfc3339(created_at)}#{incident_id}"
