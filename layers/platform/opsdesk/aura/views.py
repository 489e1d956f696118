"""Records to the aura document's response shapes (camelCase, RFC 3339 times)."""

from __future__ import annotations

from typing import Any

from opsdesk.aura.chain import ChainReport
from opsdesk.aura.records import AuditEntry, PendingApproval, PendingQuestion, Plan, Ticket, Usage
from opsdesk.clock import to_rfc3339


def usage_view(usage: Usage, *, cost: bool) -> dict[str, Any]:
    view: dict[str, Any] = {"promptTokens": usage.prompt_tokens, "completionTokens": usage.completion_tokens,
                            "totalTokens": usage.total_tokens}
    if cost:
        view["estimatedCost"] = round(usage.estimated_cost, 6)
    return view


def plan_view(plan: Plan) -> dict[str, Any]:
    return {
        "summary": plan.summary,
        "steps": [{"description": step.description, "tool": step.tool} for step in plan.steps],
        "estimatedTools": list(plan.estimated_tools),
        "risks": list(plan.risks),
        "revision": plan.revision,
    }


def approval_view(approval: PendingApproval) -> dict[str, Any]:
    return {"id": approval.id, "action": approval.tool, "args": dict(approval.args),
            "actionHash": approval.action_hash, "reasons": list(approval.reasons),
            "reasoning": approval.reasoning, "requestedAt": to_rfc3339(approval.requested_at)}


def question_view(question: PendingQuestion) -> dict[str, Any]:
    return {"id": question.id, "key": question.key, "question": question.question,
            "options": list(question.options), "askedAt": to_rfc3339(question.requested_at)}


def ticket_summary_view(ticket: Ticket) -> dict[str, Any]:
    return {"id": ticket.id, "title": ticket.title, "status": ticket.status.value, "priority": ticket.priority,
            "createdAt": to_rfc3339(ticket.created_at), "updatedAt": to_rfc3339(ticket.updated_at)}


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    """`GET /tickets/:id` (and create, PATCH): everything the document shows, plus why a ticket ended."""
    view = {
        **ticket_summary_view(ticket),
        "description": ticket.description,
        "plan": plan_view(ticket.plan) if ticket.plan else None,
        "planApprovedAt": to_rfc3339(ticket.plan_approved_at) if ticket.plan_approved_at else None,
        "currentTurn": ticket.current_turn,
        "maxTurns": ticket.max_turns,
        "tokenUsage": usage_view(ticket.usage, cost=True),
        "workingBranch": ticket.working_branch,
        "commits": list(ticket.commits),
        "pendingApproval": approval_view(ticket.pending_approval) if ticket.pending_approval else None,
        "pendingQuestion": question_view(ticket.pending_question) if ticket.pending_question else None,
        "running": ticket.running,
    }
    if ticket.failure:
        view["failureReason"] = ticket.failure
    if ticket.resolution:
        view["resolution"] = ticket.resolution
    return view


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": entry.id, "ticketId": entry.ticket_id, "timestamp": to_rfc3339(entry.timestamp), "type": entry.type,
        "actor": entry.actor, "action": entry.action, "sequence": entry.sequence, "hash": entry.hash,
        "previousHash": entry.previous_hash,
    }
    if entry.reasoning is not None:
        view["reasoning"] = entry.reasoning
    if entry.tool_call is not None:
        view["toolCall"] = dict(entry.tool_call)
    if entry.usage is not None:
        view["tokenUsage"] = usage_view(entry.usage, cost=False)
    if entry.details:
        view["details"] = dict(entry.details)
    return view


def chain_view(ticket_id: str, report: ChainReport) -> dict[str, Any]:
    return {"ticketId": ticket_id, "intact": report.intact, "entries": report.entries,
            "firstBrokenSequence": report.first_broken_sequence, "reason": report.reason}
