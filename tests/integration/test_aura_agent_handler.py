"""functions/aura_agent: each kick is worked alone; a failed kick comes back by itself, and a batch whose every kick
failed fails the invocation, so the function's -errors alarm counts an agent outage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext


class FailingFor:
    def __init__(self, *failing: str) -> None:
        self.failing, self.worked = set(failing), []

    def work(self, tenant_id: str, ticket_id: str, run_id: str, **_: Any) -> None:
        if ticket_id in self.failing:
            raise RuntimeError("the cluster is unreachable")
        self.worked.append(ticket_id)


def kick(message_id: str, ticket_id: str) -> dict[str, Any]:
    return {"messageId": message_id, "body": json.dumps({"tenantId": "t1", "ticketId": ticket_id, "runId": "r1"})}


def test_a_failed_kick_is_reported_alone_and_a_malformed_one_is_dropped(local_aws: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.aura_agent import handler

    agent = FailingFor("tk-2")
    monkeypatch.setattr(handler, "agent", agent)
    event = {"Records": [kick("m1", "tk-1"), kick("m2", "tk-2"), {"messageId": "m3", "body": "not json"}]}

    assert handler.lambda_handler(event, LambdaContext("aura-agent", "us-east-1")) == {
        "batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert agent.worked == ["tk-1"]


def test_a_batch_whose_every_kick_failed_fails_the_invocation(local_aws: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.aura_agent import handler
    from opsdesk.batches import BatchFailed

    monkeypatch.setattr(handler, "agent", FailingFor("tk-1", "tk-2"))

    event = {"Records": [kick("m1", "tk-1"), kick("m2", "tk-2")]}

    with pytest.raises(BatchFailed):
        handler.lambda_handler(event, LambdaContext("aura-agent", "us-east-1"))
