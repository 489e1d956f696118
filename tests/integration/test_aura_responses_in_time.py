"""aura-tickets on moto: an answer or an action decision is taken for what was pending when API Gateway received
the request (`requestTimeEpoch`), so one sent before the agent asked its current question, or asked about its
current action, is refused with the document's code and changes nothing."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext
from tests.integration.events import claims, rest_event

BASE = "/aura/api/tickets"


@pytest.fixture(scope="module")
def handler(local_aws: Any) -> Any:
    from functions.aura_tickets import handler

    return handler


def call(handler: Any, tenant_id: str, path: str, body: Any, *, sent_at: datetime | None = None) -> tuple[int, Any]:
    event = rest_event("POST", f"{BASE}{path}", claims=claims(tenant_id, "u-alice"), body=body)
    if sent_at is not None:
        event["requestContext"]["requestTimeEpoch"] = int(sent_at.timestamp() * 1000)
    result = handler.lambda_handler(event, LambdaContext("aura-tickets", "us-east-1"))
    return result["statusCode"], json.loads(result["body"])


def asking(handler: Any, tenant_id: str, asked_at: datetime) -> str:
    """A ticket whose agent asked a question at `asked_at` (set in the store as the agent would leave it)."""
    from opsdesk.aura.records import PendingQuestion, TicketStatus
    from opsdesk.aura.store import TicketChange

    status, created = call(handler, tenant_id, "", {"title": "Deploy Redis", "description": "a cache"})
    assert status == 201, created
    store = handler.service._store
    ticket = store.get_ticket(tenant_id, created["id"])
    question = PendingQuestion("q-2", "replicas", "How many replicas?", ("1", "3"), asked_at)
    store.save(TicketChange(ticket, replace(ticket, status=TicketStatus.PENDING_INPUT, pending_question=question,
                                            version=ticket.version + 1)))
    return str(created["id"])


def test_an_answer_received_before_the_question_was_asked_answers_nothing(handler: Any) -> None:
    tenant_id = f"tenant-{uuid.uuid4().hex[:8]}"
    asked_at = datetime.now(UTC).replace(microsecond=0)
    ticket_id = asking(handler, tenant_id, asked_at)

    status, body = call(handler, tenant_id, f"/{ticket_id}/answer", {"answer": "3"},
                        sent_at=asked_at - timedelta(milliseconds=200))
    assert (status, body["error"]["code"]) == (400, "QUESTION_NOT_PENDING")

    status, body = call(handler, tenant_id, f"/{ticket_id}/answer", {"answer": "3"},
                        sent_at=asked_at + timedelta(milliseconds=200))
    assert (status, body) == (200, {"id": ticket_id, "status": "executing", "pendingQuestion": None})


def test_an_audit_page_ends_at_the_byte_budget_and_its_total_says_more_follow(
        handler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries carry what the agent's tools read (files of up to 16 KB): 500 of them would pass Lambda's 6 MB, so a
    page ends at opsdesk.pagination.PAGE_BYTES (lowered here to one entry's worth) and the next starts after it."""
    from opsdesk import pagination

    tenant_id = f"tenant-{uuid.uuid4().hex[:8]}"
    ticket_id = asking(handler, tenant_id, datetime.now(UTC))
    call(handler, tenant_id, f"/{ticket_id}/cancel", {"reason": "not needed"})

    def audit(offset: int) -> tuple[int, Any]:
        event = rest_event("GET", f"{BASE}/{ticket_id}/audit?limit=500&offset={offset}",
                           claims=claims(tenant_id, "u-alice"))
        result = handler.lambda_handler(event, LambdaContext("aura-tickets", "us-east-1"))
        return result["statusCode"], json.loads(result["body"])

    _, whole = audit(0)
    assert whole["total"] == len(whole["entries"]) >= 2
    monkeypatch.setattr(pagination, "PAGE_BYTES", 1)
    pages = [audit(offset)[1] for offset in range(whole["total"])]

    assert all(len(page["entries"]) == 1 and page["total"] == whole["total"] for page in pages)
    assert [page["entries"][0] for page in pages] == whole["entries"]
