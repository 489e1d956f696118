"""A person's state change against the incident as the hypothesis ranker leaves it (CopilotService on the fake)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.copilot.records import Incident, IncidentState, Member, Project, Role, Severity, Tenant, User
from opsdesk.copilot.service import CopilotService
from opsdesk.errors import Conflict
from tests.unit.copilot_fakes import FakeCopilotStore

T0 = datetime(2026, 3, 2, tzinfo=UTC)


class RankedMeanwhile(FakeCopilotStore):
    """Before the first `moves` state writes land, someone else's write lands first: the ranker's AI figures (the
    state stays), or another person's move (`state`)."""

    def __init__(self, moves: int, state: IncidentState | None = None) -> None:
        super().__init__()
        self.moves, self.state = moves, state

    def update_incident(self, tenant_id: str, before: Incident, after: Incident, *args: Any, **kwargs: Any) -> None:
        if self.moves and before.state is not after.state:
            self.moves -= 1
            meanwhile = replace(before, ai_requests=before.ai_requests + 1, version=before.version + 1,
                                state=self.state or before.state)
            super().update_incident(tenant_id, before, meanwhile)
        super().update_incident(tenant_id, before, after, *args, **kwargs)


def setup(store: FakeCopilotStore) -> tuple[Principal, Incident]:
    tenant_id, user_id, project_id = (str(uuid.uuid4()) for _ in range(3))
    user = User(user_id, tenant_id, "o@example.test", "Owner", project_id, {project_id: Role.OWNER})
    store.create_tenant(Tenant(tenant_id, "T", f"t-{tenant_id[:6]}", T0), user, Project(project_id, tenant_id, "P",
                                                                                         "", T0, T0),
                        Member(project_id, user_id, user.email, user.full_name, Role.OWNER, T0))
    incident = Incident(str(uuid.uuid4()), project_id, "Errors", "", "api", Severity.HIGH, IncidentState.DETECTED,
                        T0, T0, T0)
    store.create_incident(tenant_id, incident)
    return Principal(user_id=user_id, tenant_id=tenant_id, username=user.email, groups=frozenset()), incident


def test_a_move_is_made_again_when_only_the_ai_figures_moved_since_it_was_read() -> None:
    store = RankedMeanwhile(moves=1)
    principal, incident = setup(store)

    after = CopilotService(store).change_state(principal, incident.id, IncidentState.INVESTIGATING)

    assert after.state is IncidentState.INVESTIGATING
    assert store.get_incident(principal.tenant_id, incident.project_id, incident.id).state is after.state  # type: ignore[union-attr]


def test_a_move_is_refused_when_someone_else_moved_the_state_meanwhile() -> None:
    store = RankedMeanwhile(moves=1, state=IncidentState.ACKNOWLEDGED)
    principal, incident = setup(store)

    with pytest.raises(Conflict):
        CopilotService(store).change_state(principal, incident.id, IncidentState.INVESTIGATING)
