"""Records to and from the JSON the TicketsTable keeps (a ticket's whole state is one document: every change of a
ticket is a version-conditioned write of it, so no two writers can interleave their halves)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from opsdesk.aura.records import (
    AgentProgress,
    AuditEntry,
    CompletedCall,
    Decision,
    InflightCall,
    PendingApproval,
    PendingQuestion,
    Plan,
    PlanStep,
    Ticket,
    TicketStatus,
    ToolRequest,
    Usage,
)
from opsdesk.clock import parse_rfc3339, to_rfc3339


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def _time(value: datetime | None) -> str | None:
    return to_rfc3339(value) if value else None


def _parse_time(value: str | None) -> datetime | None:
    return parse_rfc3339(value) if value else None


def usage_doc(usage: Usage) -> dict[str, Any]:
    return {"p": usage.prompt_tokens, "c": usage.completion_tokens, "cost": usage.estimated_cost}


def usage_of(doc: Mapping[str, Any]) -> Usage:
    return Usage(int(doc.get("p", 0)), int(doc.get("c", 0)), float(doc.get("cost", 0.0)))


def plan_doc(plan: Plan) -> dict[str, Any]:
    return {"summary": plan.summary, "revision": plan.revision, "generatedAt": _time(plan.generated_at),
            "risks": list(plan.risks),
            "estimatedTools": list(plan.estimated_tools),
            "steps": [{"description": s.description, "tool": s.tool, "args": dict(s.args), "requires": list(s.requires)}
                      for s in plan.steps]}


def plan_of(doc: Mapping[str, Any]) -> Plan:
    return Plan(summary=doc["summary"], revision=int(doc.get("revision", 1)), risks=tuple(doc.get("risks", ())),
                generated_at=_parse_time(doc.get("generatedAt")),
                estimated_tools=tuple(doc.get("estimatedTools", ())),
                steps=tuple(PlanStep(s["description"], s["tool"], s.get("args", {}), tuple(s.get("requires", ())))
                            for s in doc.get("steps", ())))


def _request_doc(request: ToolRequest) -> dict[str, Any]:
    return {"tool": request.tool, "args": dict(request.args), "reasoning": request.reasoning,
            "step": request.step_index}


def _request_of(doc: Mapping[str, Any]) -> ToolRequest:
    return ToolRequest(doc["tool"], doc.get("args", {}), doc.get("reasoning", ""), doc.get("step"))


def progress_doc(progress: AgentProgress) -> dict[str, Any]:
    inflight = progress.inflight
    return {
        "completed": [{"id": c.call_id, "tool": c.tool, "args": dict(c.args), "result": dict(c.result), "ok": c.ok,
                       "step": c.step_index, "turn": c.turn} for c in progress.completed],
        "answers": dict(progress.answers),
        "decisions": [{"hash": d.action_hash, "approved": d.approved, "by": d.by}
                      for d in progress.decisions],
        "workspace": dict(progress.workspace),
        "observations": progress.observations,
        "denied": list(progress.denied_actions),
        "inflight": None if inflight is None else {
            "id": inflight.call_id, "turn": inflight.turn, "at": to_rfc3339(inflight.started_at),
            "request": _request_doc(inflight.request), "usage": usage_doc(inflight.usage)},
    }


def progress_of(doc: Mapping[str, Any]) -> AgentProgress:
    inflight = doc.get("inflight")
    return AgentProgress(
        completed=tuple(CompletedCall(c["id"], c["tool"], c.get("args", {}), c.get("result", {}), bool(c["ok"]),
                                      c.get("step"), int(c.get("turn", 0))) for c in doc.get("completed", ())),
        answers=dict(doc.get("answers", {})),
        decisions=tuple(Decision(d["hash"], bool(d["approved"]), d.get("by", ""))
                        for d in doc.get("decisions", ())),
        workspace=dict(doc.get("workspace", {})),
        observations=int(doc.get("observations", 0)),
        denied_actions=tuple(doc.get("denied", ())),
        inflight=None if not inflight else InflightCall(inflight["id"], int(inflight["turn"]),
                                                        parse_rfc3339(inflight["at"]),
                                                        _request_of(inflight["request"]),
                                                        usage_of(inflight.get("usage", {}))),
    )


def _approval_doc(approval: PendingApproval | None) -> dict[str, Any] | None:
    if approval is None:
        return None
    return {"id": approval.id, "tool": approval.tool, "args": dict(approval.args), "hash": approval.action_hash,
            "reasons": list(approval.reasons), "reasoning": approval.reasoning,
            "at": to_rfc3339(approval.requested_at), "step": approval.step_index}


def _approval_of(doc: Mapping[str, Any] | None) -> PendingApproval | None:
    if not doc:
        return None
    return PendingApproval(doc["id"], doc["tool"], doc.get("args", {}), doc["hash"], tuple(doc.get("reasons", ())),
                           doc.get("reasoning", ""), parse_rfc3339(doc["at"]), doc.get("step"))


def _question_doc(question: PendingQuestion | None) -> dict[str, Any] | None:
    if question is None:
        return None
    return {"id": question.id, "key": question.key, "question": question.question, "options": list(question.options),
            "at": to_rfc3339(question.requested_at)}


def _question_of(doc: Mapping[str, Any] | None) -> PendingQuestion | None:
    if not doc:
        return None
    return PendingQuestion(doc["id"], doc["key"], doc["question"], tuple(doc.get("options", ())),
                           parse_rfc3339(doc["at"]))


def ticket_doc(ticket: Ticket) -> str:
    return compact({
        "title": ticket.title, "description": ticket.description, "status": ticket.status.value,
        "priority": ticket.priority, "createdAt": to_rfc3339(ticket.created_at),
        "updatedAt": to_rfc3339(ticket.updated_at), "createdBy": ticket.created_by,
        "currentTurn": ticket.current_turn, "maxTurns": ticket.max_turns, "usage": usage_doc(ticket.usage),
        "plan": plan_doc(ticket.plan) if ticket.plan else None, "planApprovedAt": _time(ticket.plan_approved_at),
        "planApprovedBy": ticket.plan_approved_by, "workingBranch": ticket.working_branch,
        "commits": list(ticket.commits), "pendingApproval": _approval_doc(ticket.pending_approval),
        "pendingQuestion": _question_doc(ticket.pending_question),
        "runId": ticket.run_id, "leaseUntil": _time(ticket.lease_until), "failure": ticket.failure,
        "resolution": ticket.resolution, "auditSequence": ticket.audit_sequence, "auditHead": ticket.audit_head,
        "auditCounts": dict(ticket.audit_counts), "toolCalls": ticket.tool_calls,
    })


def checkpoint_doc(ticket: Ticket) -> str:
    """The agent's progress, stored apart from the ticket (keys.CHECKPOINT_SK)."""
    return compact(progress_doc(ticket.progress))


def ticket_of(tenant_id: str, ticket_id: str, raw: str, version: int, checkpoint: str | None = None) -> Ticket:
    """The ticket from its document and its checkpoint's (None: a list's copy, which holds no checkpoint; a
    ticket saved before the checkpoint had an item of its own holds it in its document)."""
    doc = json.loads(raw)
    return Ticket(
        id=ticket_id, tenant_id=tenant_id, title=doc["title"], description=doc["description"],
        status=TicketStatus(doc["status"]), priority=doc["priority"], created_at=parse_rfc3339(doc["createdAt"]),
        updated_at=parse_rfc3339(doc["updatedAt"]), created_by=doc.get("createdBy", ""),
        current_turn=int(doc.get("currentTurn", 0)), max_turns=int(doc.get("maxTurns", 50)),
        usage=usage_of(doc.get("usage", {})), plan=plan_of(doc["plan"]) if doc.get("plan") else None,
        plan_approved_at=_parse_time(doc.get("planApprovedAt")), plan_approved_by=doc.get("planApprovedBy"),
        working_branch=doc.get("workingBranch"), commits=tuple(doc.get("commits", ())),
        pending_approval=_approval_of(doc.get("pendingApproval")),
        pending_question=_question_of(doc.get("pendingQuestion")),
        progress=progress_of(json.loads(checkpoint) if checkpoint else doc.get("progress", {})),
        run_id=doc.get("runId"),
        lease_until=_parse_time(doc.get("leaseUntil")), failure=doc.get("failure"),
        resolution=doc.get("resolution"), version=version, audit_sequence=int(doc.get("auditSequence", 0)),
        audit_head=doc.get("auditHead", ""), audit_counts=dict(doc.get("auditCounts", {})),
        tool_calls=int(doc.get("toolCalls", 0)),
    )


def audit_doc(entry: AuditEntry) -> dict[str, Any]:
    """The fields the hash covers, in the document's names."""
    return {
        "id": entry.id, "ticketId": entry.ticket_id, "sequence": entry.sequence,
        "timestamp": to_rfc3339(entry.timestamp), "type": entry.type, "actor": entry.actor, "action": entry.action,
        "reasoning": entry.reasoning, "toolCall": dict(entry.tool_call) if entry.tool_call is not None else None,
        "tokenUsage": usage_doc(entry.usage) if entry.usage is not None else None, "details": dict(entry.details),
        "previousHash": entry.previous_hash,
    }


def audit_of(tenant_id: str, raw: str, entry_hash: str) -> AuditEntry:
    doc = json.loads(raw)
    return AuditEntry(
        id=doc["id"], ticket_id=doc["ticketId"], tenant_id=tenant_id, sequence=int(doc["sequence"]),
        timestamp=parse_rfc3339(doc["timestamp"]), type=doc["type"], actor=doc["actor"], action=doc["action"],
        reasoning=doc.get("reasoning"), tool_call=doc.get("toolCall"),
        usage=usage_of(doc["tokenUsage"]) if doc.get("tokenUsage") else None, details=doc.get("details") or {},
        previous_hash=doc.get("previousHash", ""), hash=entry_hash,
    )
