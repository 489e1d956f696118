"""Reading and changing an issue: tenant isolation, the status workflow, PATCH rules and optimistic locking."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339
from opsdesk.errors import Conflict, FieldError, NotFound, ValidationFailed
from opsdesk.support.records import Issue, IssueChanges, IssueStatus
from opsdesk.support.requests import UpdateIssueRequest
from opsdesk.support.service import SupportService, apply_changes, changes_from_request
from tests.unit.fakes import FakeClock, InMemorySupportStore, new_uuid

Create = Callable[..., Issue]

OPEN, IN_PROGRESS, RESOLVED, CLOSED = (
    IssueStatus.OPEN, IssueStatus.IN_PROGRESS, IssueStatus.RESOLVED, IssueStatus.CLOSED
)
ALL_MOVES = [(a, b) for a, b in itertools.product(IssueStatus, IssueStatus) if a != b]


def patch(**body: Any) -> UpdateIssueRequest:
    return UpdateIssueRequest.model_validate(body)


@pytest.fixture
def issue(create: Create) -> Issue:
    return create()


def in_status(store: InMemorySupportStore, user: Principal, issue: Issue, status: IssueStatus) -> Issue:
    """The issue put straight into `status` in the store."""
    resolved = status in (RESOLVED, CLOSED)
    moved = replace(issue, status=status, resolved_at="2024-01-15T09:00:00.000Z" if resolved else None)
    store.put_issue(user.tenant_id, moved)
    return moved


# Reading


def test_get_returns_the_tenants_issue(service: SupportService, user: Principal, issue: Issue) -> None:
    assert service.get_issue(user, issue.id) == issue


def test_get_of_another_tenants_issue_is_not_found(service: SupportService, outsider: Principal, issue: Issue) -> None:
    with pytest.raises(NotFound):
        service.get_issue(outsider, issue.id)


@pytest.mark.parametrize("issue_id", ["not-a-uuid", "", "ISS-2024-0001", "' OR 1=1 --"])
def test_get_with_a_malformed_id_is_not_found(service: SupportService, user: Principal, issue_id: str) -> None:
    with pytest.raises(NotFound):
        service.get_issue(user, issue_id)


def test_get_of_an_unknown_id_is_not_found(service: SupportService, user: Principal, issue: Issue) -> None:
    with pytest.raises(NotFound):
        service.get_issue(user, new_uuid())


def test_update_of_another_tenants_issue_is_not_found(
    service: SupportService, outsider: Principal, issue: Issue, store: InMemorySupportStore, user: Principal
) -> None:
    with pytest.raises(NotFound):
        service.update_issue(outsider, issue.id, patch(status="in_progress"))

    assert store.get_issue(user.tenant_id, issue.id) == issue


# The status workflow


def test_an_issue_goes_from_open_to_closed_through_the_workflow(
    service: SupportService, user: Principal, issue: Issue, clock: FakeClock
) -> None:
    seen = []
    for status in ("in_progress", "resolved", "closed"):
        clock.advance(minutes=5)
        seen.append(service.update_issue(user, issue.id, patch(status=status)))

    assert [i.status for i in seen] == [IN_PROGRESS, RESOLVED, CLOSED]
    assert [i.version for i in seen] == [2, 3, 4]
    assert service.get_issue(user, issue.id) == seen[-1]


@pytest.mark.parametrize(("before", "after"), ALL_MOVES, ids=[f"{a}->{b}" for a, b in ALL_MOVES])
def test_any_status_may_follow_any_other_since_the_document_sets_no_rules(
    *,
    service: SupportService, store: InMemorySupportStore, user: Principal, issue: Issue,
    before: IssueStatus, after: IssueStatus,
) -> None:
    # Given an issue in `before`
    in_status(store, user, issue, before)

    # When it is moved to `after`, Then it moves, and counts as resolved only in resolved or closed
    moved = service.update_issue(user, issue.id, patch(status=after.value))

    assert moved.status is after
    assert store.get_issue(user.tenant_id, issue.id) == moved
    assert (moved.resolved_at is not None) == (after is RESOLVED or (after is CLOSED and before is RESOLVED))


@pytest.mark.parametrize("status", list(IssueStatus))
def test_moving_to_the_same_status_is_a_no_op(
    *,
    service: SupportService, store: InMemorySupportStore, user: Principal, issue: Issue, clock: FakeClock,
    status: IssueStatus,
) -> None:
    # Given an issue in `status`, and time passing
    current = in_status(store, user, issue, status)
    writes = store.writes
    clock.advance(hours=1)

    # When it is moved to the status it already has
    updated = service.update_issue(user, issue.id, patch(status=status.value))

    # Then nothing changes: not the version, not updatedAt, and the store is not written
    assert updated == current
    assert updated.version == issue.version
    assert updated.updated_at == issue.updated_at
    assert store.writes == writes


def test_resolving_sets_resolved_at_and_reopening_clears_it(
    service: SupportService, user: Principal, issue: Issue, clock: FakeClock
) -> None:
    service.update_issue(user, issue.id, patch(status="in_progress"))
    resolved_moment = clock.advance(hours=2)

    resolved = service.update_issue(user, issue.id, patch(status="resolved"))
    assert resolved.resolved_at == to_rfc3339(resolved_moment)

    clock.advance(hours=1)
    reopened = service.update_issue(user, issue.id, patch(status="open"))
    assert reopened.resolved_at is None


def test_closing_keeps_resolved_at(service: SupportService, user: Principal, issue: Issue, clock: FakeClock) -> None:
    service.update_issue(user, issue.id, patch(status="in_progress"))
    resolved = service.update_issue(user, issue.id, patch(status="resolved"))
    clock.advance(days=1)

    closed = service.update_issue(user, issue.id, patch(status="closed"))

    assert closed.resolved_at == resolved.resolved_at


def test_closing_an_issue_never_resolved_leaves_it_unresolved(
    service: SupportService, user: Principal, issue: Issue
) -> None:
    closed = service.update_issue(user, issue.id, patch(status="closed", title="Duplicate"))

    assert (closed.status, closed.resolved_at, closed.title) == (CLOSED, None, "Duplicate")


def test_marking_a_closed_issue_resolved_again_keeps_its_one_resolution(
    service: SupportService, user: Principal, issue: Issue, clock: FakeClock
) -> None:
    resolved = service.update_issue(user, issue.id, patch(status="resolved"))
    clock.advance(hours=1)
    service.update_issue(user, issue.id, patch(status="closed"))
    clock.advance(hours=1)

    again = service.update_issue(user, issue.id, patch(status="resolved"))

    assert again.resolved_at == resolved.resolved_at


def test_a_closed_issue_reopens_without_its_resolution(
    service: SupportService, user: Principal, issue: Issue
) -> None:
    service.update_issue(user, issue.id, patch(status="resolved"))
    service.update_issue(user, issue.id, patch(status="closed"))

    reopened = service.update_issue(user, issue.id, patch(status="in_progress"))

    assert (reopened.status, reopened.resolved_at) == (IN_PROGRESS, None)


# PATCH rules


def test_patch_with_nothing_is_refused(service: SupportService, user: Principal, issue: Issue) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.update_issue(user, issue.id, patch())

    assert [d.field for d in caught.value.details] == ["body"]


@pytest.mark.parametrize("field", ["title", "status", "description"])
def test_patch_with_null_for_a_required_field_is_refused(
    service: SupportService, user: Principal, issue: Issue, field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.update_issue(user, issue.id, patch(**{field: None}))

    assert caught.value.details == [FieldError(field, f"{field} cannot be null")]


@pytest.mark.parametrize("status", ["done", "OPEN", "In Progress", "reopened"])
def test_patch_with_unknown_status_is_refused(
    service: SupportService, user: Principal, issue: Issue, status: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.update_issue(user, issue.id, patch(status=status))

    assert caught.value.details == [FieldError("status", "Must be one of: open, in_progress, resolved, closed")]


def test_patch_problems_are_reported_together() -> None:
    with pytest.raises(ValidationFailed) as caught:
        changes_from_request(patch(title=None, status="done"))

    assert [d.field for d in caught.value.details] == ["title", "status"]


def test_patch_of_title_bumps_version_and_updated_at(
    service: SupportService, store: InMemorySupportStore, user: Principal, issue: Issue, clock: FakeClock
) -> None:
    # Given an issue created an hour ago
    later = clock.advance(hours=1)

    # When its title is changed
    updated = service.update_issue(user, issue.id, patch(title="  Deploy job times out  "))

    # Then the new title is stored with the next version and the time of the change
    assert updated.title == "Deploy job times out"
    assert updated.version == issue.version + 1
    assert updated.updated_at == to_rfc3339(later)
    assert updated.created_at == issue.created_at
    assert updated.status is OPEN
    assert store.get_issue(user.tenant_id, issue.id) == updated


def test_patch_of_description_and_pipeline_url(service: SupportService, user: Principal, issue: Issue) -> None:
    updated = service.update_issue(user, issue.id, patch(description="More detail", pipelineUrl="https://ci.example/x"))

    assert (updated.description, updated.pipeline_url) == ("More detail", "https://ci.example/x")


@pytest.mark.parametrize("cleared", [None, ""])
def test_patch_with_null_or_empty_pipeline_url_clears_it(
    service: SupportService, user: Principal, issue: Issue, cleared: str | None
) -> None:
    assert service.update_issue(user, issue.id, patch(pipelineUrl=cleared)).pipeline_url is None


def test_patch_with_the_same_values_is_a_no_op(
    service: SupportService, store: InMemorySupportStore, user: Principal, issue: Issue, clock: FakeClock
) -> None:
    clock.advance(minutes=1)

    updated = service.update_issue(user, issue.id, patch(title=issue.title, pipelineUrl=issue.pipeline_url))

    assert updated == issue
    assert store.writes == 1  # the create only


def test_apply_changes_without_changes_returns_the_same_issue(issue: Issue) -> None:
    assert apply_changes(issue, IssueChanges(), "2030-01-01T00:00:00.000Z") is issue


# Optimistic locking


def test_stale_update_is_a_conflict(
    service: SupportService, store: InMemorySupportStore, user: Principal, issue: Issue, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given someone else changed the issue after this request read it
    service.update_issue(user, issue.id, patch(title="Changed by someone else"))
    monkeypatch.setattr(store, "get_issue", lambda _tenant, _id: issue)

    # When this request writes its change on top of the version it read
    with pytest.raises(Conflict):
        service.update_issue(user, issue.id, patch(status="in_progress"))

    # Then the other change stands
    monkeypatch.undo()
    stored = store.get_issue(user.tenant_id, issue.id)
    assert (stored.title, stored.status, stored.version) == ("Changed by someone else", OPEN, 2)
