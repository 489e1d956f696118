"""DynamoDB table definitions: the one source of truth for CDK, the local stack and the repositories.

Every key attribute is a string. Item layouts (which key prefixes live in which table) are documented in
docs/data-model.md next to the repository that writes them.
"""

from __future__ import annotations

from dataclasses import field

from opsdesk.frozen import frozen


@frozen
class GlobalIndex:
    name: str
    partition_key: str
    sort_key: str | None = None
    # Projection is ALL for every index: list pages render from the index alone, with no extra GetItem.


@frozen
class TableDefinition:
    logical_id: str
    """CloudFormation logical id, and the stem of the local table name."""
    name_env_var: str
    """Environment variable that carries the physical table name into a function."""
    partition_key: str
    sort_key: str | None
    indexes: tuple[GlobalIndex, ...] = field(default_factory=tuple)
    ttl_attribute: str | None = None
    stream: bool = False

    def local_name(self, prefix: str = "opsdesk-local") -> str:
        return f"{prefix}-{self.logical_id}"

    def key_attributes(self) -> list[str]:
        """Every attribute that is a key of the table or of one of its indexes, in a stable order."""
        names = [self.partition_key, *([self.sort_key] if self.sort_key else [])]
        for index in self.indexes:
            names.extend(attr for attr in (index.partition_key, index.sort_key) if attr)
        return list(dict.fromkeys(names))


SUPPORT_ISSUES_BY_TENANT = "issuesByTenant"
SUPPORT_ISSUES_BY_CUSTOMER = "issuesByCustomer"
SUPPORT_ISSUES_BY_PLANE = "issuesByPlane"
SUPPORT_ISSUES_BY_STATUS = "issuesByStatus"
SUPPORT_ISSUES_BY_COMBINATION = "issuesByCombination"

# The support module's table: catalog (customers, environments, planes), issues, their counters.
# The list indexes share one sort key (creation time + id) so a date range works on each of them; the
# combination index serves the three filters together (a page of a rare combination reads the page).
SUPPORT_TABLE = TableDefinition(
    logical_id="SupportTable",
    name_env_var="SUPPORT_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        GlobalIndex(SUPPORT_ISSUES_BY_TENANT, "tenantListPk", "listSk"),
        GlobalIndex(SUPPORT_ISSUES_BY_CUSTOMER, "customerListPk", "listSk"),
        GlobalIndex(SUPPORT_ISSUES_BY_PLANE, "planeListPk", "listSk"),
        GlobalIndex(SUPPORT_ISSUES_BY_STATUS, "statusListPk", "listSk"),
        GlobalIndex(SUPPORT_ISSUES_BY_COMBINATION, "combinationListPk", "listSk"),
    ),
    stream=True,
)

# The event log (opsdesk.events): per stream, a head item holding the last event number and one item per event,
# expiring by TTL. Its stream feeds the WebSocket fan-out.
EVENTS_TABLE = TableDefinition(
    logical_id="EventsTable",
    name_env_var="EVENTS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expiresAt",
    stream=True,
)

# WebSocket connections (opsdesk.connections): one item per connection, one per subscription of a connection
# to a stream, so the fan-out finds a stream's subscribers with a Query. Connections expire by TTL.
CONNECTIONS_TABLE = TableDefinition(
    logical_id="ConnectionsTable",
    name_env_var="CONNECTIONS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expiresAt",
)

# Per-user request counters of one-minute windows (opsdesk.ratelimit), shared by every instance of a function.
RATE_LIMITS_TABLE = TableDefinition(
    logical_id="RateLimitsTable",
    name_env_var="RATE_LIMITS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expiresAt",
)

HELPDESK_TICKETS_BY_TENANT = "ticketsByTenant"
HELPDESK_TICKETS_BY_STATUS = "ticketsByStatus"
HELPDESK_TICKETS_BY_PRIORITY = "ticketsByPriority"
HELPDESK_TICKETS_BY_TEAM = "ticketsByTeam"
HELPDESK_TICKETS_BY_ASSIGNEE = "ticketsByAssignee"
HELPDESK_TICKETS_BY_DUE = "ticketsByDue"

# The helpdesk module's table: requesters, tickets with their comments, watchers and attachments (one partition
# per ticket), the ticket number sequence, the search word index, the metrics aggregates, CSAT tokens and export
# records (docs/data-model.md). The list indexes share one sort key (creation time + id): newest first.
# `ticketsByDue` is sparse: only tickets whose SLA clock runs carry `dueBucket` (`DUE#<yyyy-mm-ddThh>` of the next
# SLA due time, across tenants) and `dueSk` (`<due_at>#<tenant>#<ticket_id>`), for the scheduled breach check; the
# aura module's audit entries carry it in `A#` partitions (type and actor together: opsdesk/aura/keys.py).
# TTL expires CSAT tokens and export records.
TICKETS_TABLE = TableDefinition(
    logical_id="TicketsTable",
    name_env_var="TICKETS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        GlobalIndex(HELPDESK_TICKETS_BY_TENANT, "tenantListPk", "listSk"),
        GlobalIndex(HELPDESK_TICKETS_BY_STATUS, "statusListPk", "listSk"),
        GlobalIndex(HELPDESK_TICKETS_BY_PRIORITY, "priorityListPk", "listSk"),
        GlobalIndex(HELPDESK_TICKETS_BY_TEAM, "teamListPk", "listSk"),
        GlobalIndex(HELPDESK_TICKETS_BY_ASSIGNEE, "assigneeListPk", "listSk"),
        GlobalIndex(HELPDESK_TICKETS_BY_DUE, "dueBucket", "dueSk"),
    ),
    ttl_attribute="expiresAt",
    stream=True,
)

INCIDENTS_BY_PROJECT = "incidentsByProject"
INCIDENTS_BY_SEVERITY = "incidentsBySeverity"
INCIDENTS_BY_STATE = "incidentsByState"
INCIDENTS_BY_SEVERITY_STATE = "incidentsBySeverityState"
INCIDENTS_BY_SERVICE = "incidentsByService"
INCIDENTS_BY_COST = "incidentsByCost"

# The incidents table (DESIGN.md §6b): the copilot's tenants, users, projects, members, incidents, hypotheses,
# integrations, alerts, change events and usage aggregates (docs/data-model.md), and later the response module's
# incidents as their own item family. The list indexes share one sort key (creation time + id): newest first.
# `incidentsByCost` is sparse: only incidents that spent on AI carry it (the cost summary's most expensive).
INCIDENTS_TABLE = TableDefinition(
    logical_id="IncidentsTable",
    name_env_var="INCIDENTS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        GlobalIndex(INCIDENTS_BY_PROJECT, "projectListPk", "listSk"),
        GlobalIndex(INCIDENTS_BY_SEVERITY, "severityListPk", "listSk"),
        GlobalIndex(INCIDENTS_BY_STATE, "stateListPk", "listSk"),
        GlobalIndex(INCIDENTS_BY_SEVERITY_STATE, "severityStateListPk", "listSk"),
        GlobalIndex(INCIDENTS_BY_SERVICE, "serviceListPk", "listSk"),
        GlobalIndex(INCIDENTS_BY_COST, "costListPk", "costSk"),
    ),
    ttl_attribute="expiresAt",
    stream=True,
)

# Sessions people signed out of (opsdesk.revocations): one item per session, until every ID token it issued has
# expired (TTL). The session authorizer refuses their tokens.
SESSIONS_TABLE = TableDefinition(
    logical_id="SessionsTable",
    name_env_var="SESSIONS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expiresAt",
)

ALL_TABLES: tuple[TableDefinition, ...] = (
    SUPPORT_TABLE, EVENTS_TABLE, CONNECTIONS_TABLE, RATE_LIMITS_TABLE, TICKETS_TABLE, INCIDENTS_TABLE, SESSIONS_TABLE,
)
