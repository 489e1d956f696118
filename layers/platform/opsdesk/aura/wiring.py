"""How the aura functions build their service from settings (one place, so the REST functions and the agent agree
on the queue, the features and the table)."""

from __future__ import annotations

from opsdesk.aura.repository import AuraRepository
from opsdesk.aura.service import AgentKicks, AuraService, Features
from opsdesk.errors import ServiceUnavailable
from opsdesk.eventlog import EventLog
from opsdesk.queues import QueueKicks, SqsSender
from opsdesk.settings import AuraSettings


class NoQueue:
    """A stage without the agent's queue: people's actions are refused rather than left waiting forever."""

    def kick(self, tenant_id: str, ticket_id: str, run_id: str, delay_seconds: int = 0) -> None:
        raise ServiceUnavailable("The agent is not available on this stage")


def agent_kicks(settings: AuraSettings) -> AgentKicks:
    if not settings.agent_queue_url:
        return NoQueue()
    return QueueKicks(SqsSender(settings.agent_queue_url, region=settings.aws_region,
                                endpoint_url=settings.aws_endpoint_url))


def features(settings: AuraSettings) -> Features:
    return Features(plan_approval_required=settings.plan_approval_required,
                    run_lease_seconds=settings.run_lease_seconds)


def aura_service(settings: AuraSettings, repository: AuraRepository | None = None) -> AuraService:
    return AuraService(repository or AuraRepository(EventLog(), settings), agent_kicks(settings),
                       features=features(settings))

