"""aura-agent: the agent's worker, fed by the aura queue (opsdesk.apimap AURA.queue_consumers). Each message is a
kick `{"tenantId","ticketId","runId"}`; the agent takes checkpointed turns for that run (opsdesk.aura.agent) until
the ticket waits for a person or ends, or hands the run on in a fresh kick when its time budget is spent. A kick
that fails (a tool's outage, a throttled table) is reported failed and comes back after the visibility timeout:
the turn resumes from its checkpoint and never repeats a completed tool call."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.aura.runtime import agent_runtime
from opsdesk.batches import BatchResponse, Record, partial_batch_response
from opsdesk.observability import instrumented, logger
from opsdesk.settings import AuraAgentSettings, load_settings

settings = load_settings(AuraAgentSettings)
agent = agent_runtime(settings)
SAFETY_MARGIN_MS = 30_000


def _kick(record: Record) -> tuple[str, str, str] | None:
    try:
        body = json.loads(record["body"])
        return str(body["tenantId"]), str(body["ticketId"]), str(body["runId"])
    except (KeyError, TypeError, ValueError):
        return None


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> BatchResponse:
    def seconds_left() -> float:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        return (remaining() - SAFETY_MARGIN_MS) / 1000 if remaining else float("inf")

    def work(record: Record) -> None:
        kick = _kick(record)
        if kick is None:  # not ours to retry: a malformed message never becomes well-formed
            logger.warning("dropping a malformed agent kick", extra={"message_id": record.get("messageId")})
            return
        tenant_id, ticket_id, run_id = kick
        try:
            agent.work(tenant_id, ticket_id, run_id, seconds_left=seconds_left)
        except Exception:
            logger.exception("agent turn failed", extra={"ticket_id": ticket_id, "run_id": run_id})
            raise  # the kick comes back; the turn resumes from its checkpoint

    # A batch whose every kick failed fails the invocation, so the -errors alarm counts an agent outage.
    return partial_batch_response(event, work)
