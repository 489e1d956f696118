"""The CopilotStore on DynamoDB (the IncidentsTable; layout in docs/data-model.md): CopilotRepository, one object of
the store's parts, each a repository of its own (one concern each, usable alone) over what they share
(table_repository: the table binding, the transactions, the Queries). Every list is a Query with a limit; every
change that must stay consistent (a membership and the user's roles and the owner count, an incident and its
events, hypotheses and the usage they cost) is one transaction.

    account_repository     AccountRepository     tenants, users, projects, members
    incident_repository    IncidentRepository    incidents, hypotheses, feedback and priors, analytics aggregates
    monitoring_repository  MonitoringRepository  alerts, changes, integrations and their alert routes
"""

from __future__ import annotations

from opsdesk.copilot.account_repository import AccountRepository
from opsdesk.copilot.incident_repository import IncidentRepository
from opsdesk.copilot.monitoring_repository import MonitoringRepository


class CopilotRepository(AccountRepository, IncidentRepository, MonitoringRepository):
    """The whole CopilotStore, for the handlers, the alert path and the scripts that use one object: the three
    parts on one table binding and one transaction connection (CopilotTableRepository's constructor, run once)."""
