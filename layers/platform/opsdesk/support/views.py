"""Domain records rendered exactly as the support document shows them."""

from __future__ import annotations

from typing import Any

from opsdesk.support.records import Customer, Environment, Issue, Plane, Ref


def customer_view(customer: Customer) -> dict[str, Any]:
    return {"id": customer.id, "name": customer.name, "createdAt": customer.created_at}


def environment_view(environment: Environment) -> dict[str, Any]:
    return {
        "id": environment.id,
        "name": environment.name,
        "type": environment.type,
        "createdAt": environment.created_at,
    }


def plane_view(plane: Plane) -> dict[str, Any]:
    return {
        "id": plane.id,
        "name": plane.name,
        "slug": plane.slug,
        "description": plane.description,
        "contexts": [
            {
                "id": ctx.id,
                "key": ctx.key,
                "label": ctx.label,
                "fieldType": ctx.field_type.value,
                "isRequired": ctx.is_required,
                "options": [{"value": o.value, "label": o.label} for o in ctx.options],
            }
            for ctx in plane.contexts
        ],
    }


def _ref(ref: Ref) -> dict[str, str]:
    return {"id": ref.id, "name": ref.name}


def created_issue_view(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.id,
        "displayId": issue.display_id,
        "title": issue.title,
        "status": issue.status.value,
        "createdAt": issue.created_at,
    }


def issue_summary_view(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.id,
        "displayId": issue.display_id,
        "title": issue.title,
        "status": issue.status.value,
        "customer": _ref(issue.customer),
        "environment": {"id": issue.environment.id, "name": issue.environment.name, "type": issue.environment.type},
        "primaryPlane": _ref(issue.primary_plane),
        "createdAt": issue.created_at,
    }


def issue_detail_view(issue: Issue) -> dict[str, Any]:
    return {
        **issue_summary_view(issue),
        "description": issue.description,
        "pipelineUrl": issue.pipeline_url,
        "secondaryPlanes": [_ref(p) for p in issue.secondary_planes],
        "contexts": [{"key": c.key, "label": c.label, "value": c.display_value} for c in issue.contexts],
        "submitterHandle": issue.submitter_handle,
        "updatedAt": issue.updated_at,
    }


def updated_issue_view(issue: Issue) -> dict[str, Any]:
    return {"id": issue.id, "status": issue.status.value, "updatedAt": issue.updated_at}
