"""The support service announces every committed change of an issue on the tenant stream."""

from __future__ import annotations

from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import ValidationFailed
from opsdesk.events import TENANT_STREAM
from opsdesk.support.requests import UpdateIssueRequest
from opsdesk.support.service import ISSUE_CREATED, ISSUE_UPDATED, SupportService
from opsdesk.support.views import issue_summary_view
from tests.unit.fakes import InMemorySupportStore


def test_a_create_carries_an_issue_created_event_with_the_list_view(
    create: Any, store: InMemorySupportStore, user: Principal
) -> None:
    issue = create()

    ((tenant, event),) = store.published
    assert tenant == user.tenant_id
    assert (event.type, event.stream) == (ISSUE_CREATED, TENANT_STREAM)
    assert event.data == issue_summary_view(issue)


def test_a_change_carries_an_issue_updated_event_and_no_change_carries_none(
    create: Any, service: SupportService, store: InMemorySupportStore, user: Principal
) -> None:
    issue = create()

    service.update_issue(user, issue.id, UpdateIssueRequest(status="in_progress"))
    service.update_issue(user, issue.id, UpdateIssueRequest(status="in_progress"))

    types = [event.type for _, event in store.published]
    assert types == [ISSUE_CREATED, ISSUE_UPDATED]
    updated = store.published[-1][1].data
    assert (updated["id"], updated["status"]) == (issue.id, "in_progress")
    assert "updatedAt" in updated


def test_a_refused_change_announces_nothing(
    create: Any, service: SupportService, store: InMemorySupportStore, user: Principal
) -> None:
    issue = create()

    with pytest.raises(ValidationFailed):
        service.update_issue(user, issue.id, UpdateIssueRequest(status="cancelled"))

    assert [event.type for _, event in store.published] == [ISSUE_CREATED]
