"""IncidentsTable keys of the copilot's items (docs/data-model.md, "IncidentsTable (copilot)")."""

from __future__ import annotations

from datetime import date, datetime

from opsdesk.clock import to_rfc3339
from opsdesk.keys import counter_of

TENANT_SK = "TENANT"
SLUG_SK = "SLUG"
PRIORS_SK = "PRIORS"
INCIDENT_PREFIX = "INC#"


def tenant_pk(tenant_id: str) -> str:
    """Tenant-wide items: the tenant, its users, their email lookups, its projects."""
    return f"T#{tenant_id}"


def slug_pk(slug: str) -> str:
    """One item per slug across tenants: a slug is taken once."""
    return f"SLUG#{slug}"


def user_sk(user_id: str) -> str:
    return f"USER#{user_id}"


def email_sk(email: str) -> str:
    return f"EMAIL#{email.lower()}"


def project_sk(project_id: str) -> str:
    return f"PROJECT#{project_id}"


def project_pk(tenant_id: str, project_id: str) -> str:
    """Project items: members, incidents and their hypotheses, the hypothesis cache, priors, integrations."""
    return f"T#{tenant_id}#P#{project_id}"


def member_sk(user_id: str) -> str:
    return f"MEMBER#{user_id}"


def incident_sk(incident_id: str) -> str:
    return f"{INCIDENT_PREFIX}{incident_id}"


def hypotheses_prefix(incident_id: str) -> str:
    return f"{INCIDENT_PREFIX}{incident_id}#HYP#"


def hypothesis_sk(incident_id: str, rank: int, hypothesis_id: str) -> str:
    return f"{hypotheses_prefix(incident_id)}{rank:02d}#{hypothesis_id}"


def ranked_event_sk(event_key: str) -> str:
    """The marker of a stream event the hypotheses were ranked for (its redelivery ranks nothing)."""
    return f"RANKED#{event_key}"


def cache_sk(key: str) -> str:
    return f"HCACHE#{key}"


def integration_sk(integration_id: str) -> str:
    return f"INTEG#{integration_id}"


def alerts_pk(tenant_id: str, project_id: str) -> str:
    return f"{project_pk(tenant_id, project_id)}#ALERTS"


def changes_pk(tenant_id: str, project_id: str) -> str:
    return f"{project_pk(tenant_id, project_id)}#CHANGES"


def timeline_sk(at: datetime, item_id: str) -> str:
    """Alerts and changes sort by time (RFC 3339 in UTC sorts as text)."""
    return f"{to_rfc3339(at)}#{item_id}"


def usage_pk(tenant_id: str, project_id: str) -> str:
    return f"{project_pk(tenant_id, project_id)}#USAGE"


USAGE_TYPE_MARK = "#TYPE#"
INCIDENT_DAY_SUFFIX = "#INCIDENTS"


def usage_sk(day: date, request_type: str) -> str:
    return f"DAY#{day.isoformat()}{USAGE_TYPE_MARK}{request_type}"


def incident_day_sk(day: date) -> str:
    return f"DAY#{day.isoformat()}{INCIDENT_DAY_SUFFIX}"


def day_range(first: date, last: date) -> tuple[str, str]:
    """Sort-key bounds of every item of the days first..last (their spill items too: `~` sorts after them)."""
    return f"DAY#{first.isoformat()}", f"DAY#{last.isoformat()}~"


# A day's counter items take transactions' adds in spill items too (`<sk>#SPILL#nn`, opsdesk.dynamo.counter_sk):
# what a sort key says is read from its counter item's key.


def day_of(sk: str) -> str:
    """The day (`yyyy-mm-dd`) of a usage or incident-day item, or of one of their spill items."""
    return counter_of(sk).split("#")[1]


def request_type_of(sk: str) -> str | None:
    """The request type of a usage item (or one of its spill items); None for another item."""
    _, marked, request_type = counter_of(sk).partition(USAGE_TYPE_MARK)
    return request_type if marked else None


def is_incident_day(sk: str) -> bool:
    """An incident-day item, or one of its spill items."""
    return counter_of(sk).endswith(INCIDENT_DAY_SUFFIX)


# List indexes (opsdesk.tables INCIDENTS_BY_*): partitions of one project's incidents, by filter


def incidents_list_pk(tenant_id: str, project_id: str) -> str:
    return f"{project_pk(tenant_id, project_id)}#INC"


def severity_list_pk(tenant_id: str, project_id: str, severity: str) -> str:
    return f"{incidents_list_pk(tenant_id, project_id)}#SEV#{severity}"


def state_list_pk(tenant_id: str, project_id: str, state: str) -> str:
    return f"{incidents_list_pk(tenant_id, project_id)}#STATE#{state}"


def severity_state_list_pk(tenant_id: str, project_id: str, severity: str, state: str) -> str:
    return f"{incidents_list_pk(tenant_id, project_id)}#SEV#{severity}#STATE#{state}"


def service_list_pk(tenant_id: str, project_id: str, service: str) -> str:
    return f"{incidents_list_pk(tenant_id, project_id)}#SVC#{service.lower()}"


def list_sk(created_at: datetime, incident_id: str) -> str:
    return f"{to_rfc3339(created_at)}#{incident_id}"


def cost_sk(cost_micros: int, incident_id: str) -> str:
    return f"{cost_micros:015d}#{incident_id}"


# A deleted project's leftovers (opsdesk.copilot.purge): every partition its items live in, and one marker per
# deleted project in a partition of their own, written with the project's delete

PURGES_PK = "PURGES"
"""The deleted projects whose items are still to be deleted, oldest first (project deletes are rare)."""
PROJECT_PARTITION_SUFFIXES = ("", "#ALERTS", "#CHANGES", "#USAGE", "#AGROUP", "#AKEY", "#ASVC", "#ADLV", "#ARES")
"""After project_pk: its records, alerts, changes, usage, and its alert groups' groups, dedup keys, services,
deliveries and resolves that came before their trigger (opsdesk.alerts.repository)."""


def project_partitions(tenant_id: str, project_id: str) -> tuple[str, ...]:
    return tuple(f"{project_pk(tenant_id, project_id)}{suffix}" for suffix in PROJECT_PARTITION_SUFFIXES)


def purge_sk(deleted_at: datetime, tenant_id: str, project_id: str) -> str:
    return f"{to_rfc3339(deleted_at)}#{tenant_id}#{project_id}"


# Proven AWS accounts (opsdesk.copilot.proofs): one item per proven cloudwatch integration, in a partition of their
# own, sorted by when the proof is due again, written in the integration's transaction

PROOFS_PK = "APROOFS"


def proof_sk(due_at: datetime, tenant_id: str, project_id: str, integration_id: str) -> str:
    return f"{to_rfc3339(due_at)}#{tenant_id}#{project_id}#{integration_id}"
