"""Records to the copilot document's response shapes (snake_case, RFC 3339 times in UTC with `Z`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opsdesk.clock import to_rfc3339
from opsdesk.copilot.credentials import masked_config
from opsdesk.copilot.records import (
    Alert,
    Incident,
    IncidentState,
    Integration,
    Member,
    Project,
    Role,
    StoredHypothesis,
    Tenant,
    User,
)
from opsdesk.copilot.workflow import STEPS, TIMESTAMP_FIELD, TRANSITIONS

MASK = "********"


def _time(value: datetime | None) -> str | None:
    return to_rfc3339(value) if value is not None else None


def user_view(user: User, *, with_project: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {"id": user.id, "email": user.email, "full_name": user.full_name,
                            "tenant_id": user.tenant_id}
    if with_project:
        project_id = user.active_project_id
        view["project_id"] = project_id
        view["role"] = user.roles[project_id].value if project_id else None
    return view


def tenant_view(tenant: Tenant) -> dict[str, Any]:
    return {"id": tenant.id, "name": tenant.name, "slug": tenant.slug}


def project_role_view(project: Project, role: Role) -> dict[str, Any]:
    """A project in the sign-in answer's `projects`: id, name and the caller's role."""
    return {"id": project.id, "name": project.name, "role": role.value}


def project_view(project: Project, role: Role | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {"id": project.id, "name": project.name, "description": project.description,
                            "tenant_id": project.tenant_id, "created_at": _time(project.created_at),
                            "updated_at": _time(project.updated_at)}
    if role is not None:
        view["role"] = role.value
    return view


def member_view(member: Member) -> dict[str, Any]:
    return {"user_id": member.user_id, "project_id": member.project_id, "email": member.email,
            "full_name": member.full_name, "role": member.role.value, "joined_at": _time(member.joined_at),
            "invited": member.invited}


def incident_view(incident: Incident) -> dict[str, Any]:
    """Every field of the document's incident, with a time for each state (null until reached)."""
    view: dict[str, Any] = {
        "id": incident.id, "title": incident.title, "description": incident.description,
        "service_name": incident.service_name, "severity": incident.severity.value, "state": incident.state.value,
        "detected_at": _time(incident.detected_at),
    }
    for state, field in TIMESTAMP_FIELD.items():
        if state is not IncidentState.DETECTED:
            view[field] = _time(incident.reached_at.get(state))
    view.update({"project_id": incident.project_id, "created_at": _time(incident.created_at),
                 "updated_at": _time(incident.updated_at)})
    return view


def created_incident_view(incident: Incident) -> dict[str, Any]:
    """`POST /incidents`'s answer: the document's fields of a new incident."""
    return {key: value for key, value in incident_view(incident).items()
            if key in {"id", "title", "description", "service_name", "severity", "state", "detected_at",
                       "project_id", "created_at"}}


def state_change_view(incident: Incident) -> dict[str, Any]:
    """`PATCH /incidents/{id}/state`'s answer: the id, the state and the time it was reached."""
    view: dict[str, Any] = {"id": incident.id, "state": incident.state.value}
    field = TIMESTAMP_FIELD[incident.state]
    view[field] = _time(incident.detected_at if incident.state is IncidentState.DETECTED
                        else incident.reached_at.get(incident.state))
    return view


def hypothesis_view(hypothesis: StoredHypothesis) -> dict[str, Any]:
    return {
        "id": hypothesis.id, "incident_id": hypothesis.incident_id, "claim": hypothesis.claim,
        "description": hypothesis.description, "confidence_score": hypothesis.confidence_score,
        "confidence_lower": hypothesis.confidence_lower, "confidence_upper": hypothesis.confidence_upper,
        "rank": hypothesis.rank, "supporting_evidence": list(hypothesis.supporting_evidence),
        "contradicting_evidence": list(hypothesis.contradicting_evidence),
        "user_feedback": hypothesis.user_feedback, "created_at": _time(hypothesis.created_at),
    }


def workflow_view(incident: Incident) -> dict[str, Any]:
    """The response steps with where the incident stands: each step `completed`, `current` or `pending`."""
    current_index = next((i for i, step in enumerate(STEPS) if step.state is incident.state), None)
    steps = []
    for index, step in enumerate(STEPS):
        reached = incident.detected_at if step.state is IncidentState.DETECTED else incident.reached_at.get(step.state)
        if current_index is not None:
            status = "completed" if index < current_index else "current" if index == current_index else "pending"
        else:  # inconclusive: what was reached is done, the rest is open
            status = "completed" if reached else "pending"
        steps.append({"order": index + 1, "state": step.state.value, "title": step.title,
                      "description": step.description, "status": status, "reached_at": _time(reached)})
    return {"incident_id": incident.id, "current_state": incident.state.value, "steps": steps,
            "allowed_transitions": sorted(s.value for s in TRANSITIONS[incident.state])}


def integration_view(integration: Integration) -> dict[str, Any]:
    """Credentials are never returned: each one set shows as a mask, and so does one left in `config` (refused on
    write since; an integration saved before may hold one)."""
    return {"id": integration.id, "project_id": integration.project_id, "type": integration.type,
            "name": integration.name, "config": masked_config(integration.config, MASK),
            "credentials": dict.fromkeys(integration.credential_keys, MASK), "enabled": integration.enabled,
            "last_test": integration.last_test, "verified_account": integration.verified_account,
            "created_at": _time(integration.created_at),
            "updated_at": _time(integration.updated_at)}


def alert_view(alert: Alert) -> dict[str, Any]:
    return {"id": alert.id, "project_id": alert.project_id, "source": alert.source, "alertname": alert.name,
            "status": alert.status, "severity": alert.severity, "service": alert.service,
            "description": alert.described, "labels": alert.labels, "fingerprint": alert.fingerprint,
            "starts_at": _time(alert.starts_at), "ends_at": _time(alert.ends_at), "incident_id": alert.incident_id}
