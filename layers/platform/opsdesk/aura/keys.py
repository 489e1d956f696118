"""TicketsTable keys of the aura module's items (docs/data-model.md, "TicketsTable (aura)"). A ticket and its audit
entries share one partition; the lists use the table's list indexes (the helpdesk's attribute names, other
partition values), so every documented filter is a Query.

    ticket       pk A#<tenant>#TK#<id>   sk TICKET
    checkpoint   pk A#<tenant>#TK#<id>   sk TICKET#CHECKPOINT             (the agent's progress: in no list index)
    audit entry  pk A#<tenant>#TK#<id>   sk AU#<sequence, 8 digits>       (the hash chain's order)
    counters     pk A#<tenant>#STATS     sk COUNTERS                      (tickets, turns, tools, audit totals)
    usage        pk A#<tenant>#STATS     sk HOUR#<yyyy-mm-ddThh>          (tokens per hour: last 24 h / 7 d)
Both are counter items: a save that lost a race adds to a spill item `<sk>#SPILL#nn` (opsdesk.dynamo.counter_sk).

    index            tickets                           audit entries
    ticketsByTenant  A#<tenant>#TICKETS                A#<tenant>#AUDIT
    ticketsByStatus  A#<tenant>#TICKETS#S#<status>     A#<tenant>#AUDIT#TYPE#<type>
    ticketsByPriority A#<tenant>#TICKETS#P#<priority>  A#<tenant>#AUDIT#ACTOR#<actor>
    ticketsByTeam    A#<tenant>#TICKETS#SP#<s>#<p>     A#<tenant>#AUDIT#TK#<ticket>#TYPE#<type>
    ticketsByAssignee  -                               A#<tenant>#AUDIT#TK#<ticket>
    ticketsByDue       (helpdesk SLA buckets only)     A#<tenant>#AUDIT#TYPE#<type>#ACTOR#<actor>  (`dueBucket`)
The sort key (`listSk`) is the creation time (tickets) or the entry's time (audit) plus the id: newest first, and
`since`/`until` are a range on it. On `ticketsByDue` an audit entry's sort key `dueSk` is the same value."""

from __future__ import annotations

from datetime import datetime

from opsdesk.clock import to_rfc3339

TICKET_SK = "TICKET"
CHECKPOINT_SK = "TICKET#CHECKPOINT"
"""The agent's checkpoint (AgentProgress), beside its ticket: up to about 225 KB of calls and workspace that the
ticket item would copy into each of its four list indexes with every save (five writes of it, for lists that show
six fields of the ticket)."""
AUDIT_PREFIX = "AU#"
COUNTERS_SK = "COUNTERS"
HOUR_PREFIX = "HOUR#"
LAST_HOUR_SK = HOUR_PREFIX + "~"
"""Above every hour item's key: the upper bound of a range of hours that runs to now."""


def ticket_pk(tenant_id: str, ticket_id: str) -> str:
    return f"A#{tenant_id}#TK#{ticket_id}"


def audit_sk(sequence: int) -> str:
    return f"{AUDIT_PREFIX}{sequence:08d}"


def stats_pk(tenant_id: str) -> str:
    return f"A#{tenant_id}#STATS"


def hour_sk(at: datetime) -> str:
    return f"{HOUR_PREFIX}{at.strftime('%Y-%m-%dT%H')}"


def tickets_pk(tenant_id: str) -> str:
    return f"A#{tenant_id}#TICKETS"


def tickets_status_pk(tenant_id: str, status: str) -> str:
    return f"A#{tenant_id}#TICKETS#S#{status}"


def tickets_priority_pk(tenant_id: str, priority: str) -> str:
    return f"A#{tenant_id}#TICKETS#P#{priority}"


def tickets_status_priority_pk(tenant_id: str, status: str, priority: str) -> str:
    return f"A#{tenant_id}#TICKETS#SP#{status}#{priority}"


def audit_pk(tenant_id: str) -> str:
    return f"A#{tenant_id}#AUDIT"


def audit_type_pk(tenant_id: str, entry_type: str) -> str:
    return f"A#{tenant_id}#AUDIT#TYPE#{entry_type}"


def audit_actor_pk(tenant_id: str, actor: str) -> str:
    return f"A#{tenant_id}#AUDIT#ACTOR#{actor}"


def audit_type_actor_pk(tenant_id: str, entry_type: str, actor: str) -> str:
    return f"A#{tenant_id}#AUDIT#TYPE#{entry_type}#ACTOR#{actor}"


def audit_ticket_type_pk(tenant_id: str, ticket_id: str, entry_type: str) -> str:
    return f"A#{tenant_id}#AUDIT#TK#{ticket_id}#TYPE#{entry_type}"


def audit_ticket_pk(tenant_id: str, ticket_id: str) -> str:
    return f"A#{tenant_id}#AUDIT#TK#{ticket_id}"


def list_sk(at: datetime, item_id: str) -> str:
    return f"{to_rfc3339(at)}#{item_id}"


def time_bound(at: datetime) -> str:
    """A `listSk` bound for a time: every key of that instant sorts after it (`#` < any id character)."""
    return to_rfc3339(at)


def after_time(at: datetime) -> str:
    """A `listSk` bound above every key of that instant (`~` sorts after any id character)."""
    return f"{to_rfc3339(at)}#~"
