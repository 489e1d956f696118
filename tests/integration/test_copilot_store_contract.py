"""One contract, two stores: the same cases run against the in-memory copilot store the unit tests use
(tests/unit/copilot_fakes.py) and the DynamoDB repository on moto, so the fake cannot drift from what production
stores (conflicts, orders, offset pages, aggregates kept on write, events committed with their change). Then the
repository alone: the items a list reads follow skip + limit, not the project's incidents (500 and 5,000)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from opsdesk.copilot.records import (
    MAX_PROJECT_INTEGRATIONS,
    PROJECT_INTEGRATIONS_FULL,
    Alert,
    ChangeEvent,
    Incident,
    IncidentDay,
    IncidentFilters,
    IncidentState,
    Integration,
    Member,
    Project,
    Role,
    Severity,
    StoredHypothesis,
    Tenant,
    UsageDay,
    UsageRecord,
    User,
)
from opsdesk.copilot.store import CopilotStore
from opsdesk.dynamo import spilling_counters
from opsdesk.errors import Conflict, NotFound
from opsdesk.events import DomainEvent
from opsdesk.pagination import OffsetRequest
from tests.integration.faults import applied_then_failed
from tests.unit.copilot_fakes import FakeCopilotStore

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
"""Every time in these cases is to the millisecond, as the repository keeps times."""


@pytest.fixture(params=["in-memory", "dynamodb", "dynamodb-spilled"])
def store(request: pytest.FixtureRequest) -> Iterator[CopilotStore]:
    """`dynamodb-spilled`: every write adds to its counters' spill items, as writers do after a lost race
    (opsdesk.dynamo.counter_sk), so the reads must sum them."""
    if request.param == "in-memory":
        yield FakeCopilotStore()
        return
    request.getfixturevalue("local_aws")
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog

    with spilling_counters() if request.param == "dynamodb-spilled" else nullcontext():
        yield CopilotRepository(EventLog())


def event_types(store: CopilotStore, tenant_id: str, stream: str) -> list[str]:
    """The types of the events a store committed to a tenant's stream, in order."""
    if isinstance(store, FakeCopilotStore):
        return [e.type for t, e in store.published if t == tenant_id and e.stream == stream]
    from opsdesk.eventlog import EventLog

    return [e.type for e in EventLog().read_after(tenant_id, stream, 0)]


@dataclass
class Registered:
    tenant: Tenant
    owner: User
    project: Project


def register(store: CopilotStore, slug: str | None = None) -> Registered:
    tenant_id, user_id, project_id = (str(uuid.uuid4()) for _ in range(3))
    tenant = Tenant(tenant_id, "Acme", slug or f"acme-{tenant_id[:8]}", T0)
    user = User(user_id, tenant_id, f"Olive-{user_id[:6]}@Example.test", "Olive Owner", project_id,
                {project_id: Role.OWNER})
    project = Project(project_id, tenant_id, "Production", "", T0, T0)
    store.create_tenant(tenant, user, project, Member(project_id, user_id, user.email, user.full_name, Role.OWNER, T0))
    return Registered(tenant, user, project)


def member(project: Project, role: Role = Role.MEMBER, user: User | None = None) -> Member:
    user_id = user.id if user else str(uuid.uuid4())
    email = user.email if user else f"{user_id[:8]}@example.test"
    return Member(project.id, user_id, email, "Mia Member", role, T0 + timedelta(minutes=1), invited=user is None)


def incident(project_id: str, minute: int, severity: Severity = Severity.HIGH,
             state: IncidentState = IncidentState.DETECTED, service: str = "checkout") -> Incident:
    at = T0 + timedelta(minutes=minute)
    return Incident(id=str(uuid.uuid4()), project_id=project_id, title=f"incident {minute}", description="d",
                    service_name=service, severity=severity, state=state, detected_at=at, created_at=at,
                    updated_at=at, created_by="u1")


def hypothesis(incident_id: str, rank: int, cause: str = "deployment") -> StoredHypothesis:
    return StoredHypothesis(id=str(uuid.uuid4()), incident_id=incident_id, cause=cause, claim=f"claim {rank}",
                            description="because", confidence_score=0.5, confidence_lower=0.25,
                            confidence_upper=0.75, rank=rank, supporting_evidence=("alert a1",),
                            contradicting_evidence=(), created_at=T0 + timedelta(hours=1))


def usage(tokens: int = 1000, cost: int = 2500, cache_hit: bool = False, day: int = 2) -> UsageRecord:
    return UsageRecord("hypothesis", "offline", tokens, tokens // 10, cost, cache_hit, datetime(2026, 3, day, 12,
                                                                                               tzinfo=UTC))


def fresh(store: CopilotStore, registered: Registered) -> tuple[User, Project]:
    user = store.get_user(registered.tenant.id, registered.owner.id)
    project = store.get_project(registered.tenant.id, registered.project.id)
    assert user is not None and project is not None
    return user, project


# Tenants, users, projects, members


def test_a_registration_reads_back_and_its_slug_is_taken_once(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id = reg.tenant.id

    assert store.get_tenant(tenant_id) == reg.tenant
    assert store.get_user(tenant_id, reg.owner.id) == reg.owner
    assert store.find_user_by_email(tenant_id, reg.owner.email.upper()) == reg.owner
    assert store.find_user_by_email(str(uuid.uuid4()), reg.owner.email) is None
    assert store.get_project(tenant_id, reg.project.id) == reg.project
    assert [m.role for m in store.list_members(tenant_id, reg.project.id)] == [Role.OWNER]
    with pytest.raises(Conflict):
        register(store, slug=reg.tenant.slug)


def test_current_project_moves_from_the_user_as_read_only(store: CopilotStore) -> None:
    reg = register(store)
    moved = store.set_current_project(reg.owner, None)

    assert store.get_user(reg.tenant.id, reg.owner.id) == moved
    assert moved.current_project_id is None and moved.version == reg.owner.version + 1
    with pytest.raises(Conflict):
        store.set_current_project(reg.owner, reg.project.id)  # from the stale user


def test_a_new_project_makes_its_creator_owner_and_projects_come_in_the_order_asked(store: CopilotStore) -> None:
    reg = register(store)
    second = Project(str(uuid.uuid4()), reg.tenant.id, "Staging", "s", T0, T0)
    store.create_project(second, member(second, Role.OWNER, reg.owner), reg.owner)

    user = store.get_user(reg.tenant.id, reg.owner.id)
    assert user is not None and user.roles == {reg.project.id: Role.OWNER, second.id: Role.OWNER}
    ids = [second.id, str(uuid.uuid4()), reg.project.id, second.id]
    assert [p.id for p in store.get_projects(reg.tenant.id, ids)] == [second.id, reg.project.id]
    assert store.get_projects(reg.tenant.id, []) == []
    with pytest.raises(Conflict):  # from the stale user
        store.create_project(replace(second, id=str(uuid.uuid4())), member(second, Role.OWNER, reg.owner), reg.owner)


def test_a_project_update_needs_its_version_and_keeps_an_owner_count_moved_meanwhile(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, read = reg.tenant.id, reg.project
    store.save_member(tenant_id, read, member(read, Role.OWNER), None, None)  # a second owner, after the read

    renamed = replace(read, name="Prod", version=read.version + 1)
    store.update_project(read, renamed)

    assert store.get_project(tenant_id, read.id) == replace(renamed, owner_count=2)
    with pytest.raises(Conflict):
        store.update_project(read, replace(read, name="late", version=read.version + 1))


def test_an_invitation_creates_the_user_and_owner_counts_follow_roles(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id = reg.tenant.id
    invited = member(reg.project, Role.ADMIN)
    store.save_member(tenant_id, reg.project, invited, None, None)

    user = store.find_user_by_email(tenant_id, invited.email)
    assert user is not None and user.id == invited.user_id
    assert (user.current_project_id, user.roles) == (reg.project.id, {reg.project.id: Role.ADMIN})
    assert store.get_member(tenant_id, reg.project.id, invited.user_id) == invited

    _, project = fresh(store, reg)
    promoted = replace(invited, role=Role.OWNER)
    store.save_member(tenant_id, project, promoted, invited, user)
    _, project = fresh(store, reg)
    assert project.owner_count == 2
    assert store.get_user(tenant_id, invited.user_id) == replace(user, roles={project.id: Role.OWNER},
                                                                 version=user.version + 1)

    with pytest.raises(Conflict):  # the owner count as read is stale
        store.save_member(tenant_id, reg.project, replace(invited, role=Role.VIEWER), promoted, user)
    with pytest.raises(Conflict):  # a new membership for someone who is a member already
        store.save_member(tenant_id, project, promoted, None, store.get_user(tenant_id, invited.user_id))
    with pytest.raises(Conflict):  # the invited user exists already
        store.save_member(tenant_id, project, replace(promoted, project_id=project.id), promoted, None)


def test_removing_a_member_takes_the_role_and_current_project_and_the_owner_count(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id = reg.tenant.id
    other = member(reg.project, Role.OWNER)
    store.save_member(tenant_id, reg.project, other, None, None)
    _, project = fresh(store, reg)
    user = store.get_user(tenant_id, other.user_id)
    assert user is not None

    store.remove_member(tenant_id, project, other, user)

    assert store.get_member(tenant_id, project.id, other.user_id) is None
    after = store.get_user(tenant_id, other.user_id)
    assert after is not None and (after.roles, after.current_project_id) == ({}, None)
    assert fresh(store, reg)[1].owner_count == 1
    with pytest.raises(Conflict):
        store.remove_member(tenant_id, project, other, user)


def test_a_membership_changed_since_it_was_read_is_a_conflict_even_when_the_owner_count_came_back(
        store: CopilotStore) -> None:
    # Given an owner, an admin, and a request that read the project (one owner) and the admin's membership
    reg = register(store)
    tenant_id = reg.tenant.id
    admin = member(reg.project, Role.ADMIN)
    store.save_member(tenant_id, reg.project, admin, None, None)
    owner_read, project_read = fresh(store, reg)
    owner_membership = store.get_member(tenant_id, project_read.id, reg.owner.id)
    assert owner_membership is not None and project_read.owner_count == 1

    # When, meanwhile, the admin is made owner and the first owner admin (the owner count is one again)
    admin_user = store.get_user(tenant_id, admin.user_id)
    assert admin_user is not None
    promoted = replace(admin, role=Role.OWNER)
    store.save_member(tenant_id, project_read, promoted, admin, admin_user)
    store.save_member(tenant_id, fresh(store, reg)[1], replace(owner_membership, role=Role.ADMIN),
                      owner_membership, owner_read)

    # Then the request's change or removal of the membership as it read it is refused: either would leave the
    # project without an owner while its count says one
    admin_user = store.get_user(tenant_id, admin.user_id)
    assert admin_user is not None and fresh(store, reg)[1].owner_count == 1
    with pytest.raises(Conflict):
        store.save_member(tenant_id, project_read, replace(admin, role=Role.MEMBER), admin, admin_user)
    with pytest.raises(Conflict):
        store.remove_member(tenant_id, project_read, admin, admin_user)
    assert store.get_member(tenant_id, project_read.id, admin.user_id) == promoted


def test_deleting_a_project_takes_its_members_and_their_roles(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id = reg.tenant.id
    second = Project(str(uuid.uuid4()), tenant_id, "Staging", "", T0, T0)
    store.create_project(second, member(second, Role.OWNER, reg.owner), reg.owner)
    invited = member(second, Role.VIEWER)
    _, second_now = fresh(store, replace(reg, project=second))
    store.save_member(tenant_id, second_now, invited, None, None)

    store.delete_project(second_now)

    assert store.get_project(tenant_id, second.id) is None
    assert store.list_members(tenant_id, second.id) == []
    owner, guest = store.get_user(tenant_id, reg.owner.id), store.get_user(tenant_id, invited.user_id)
    assert owner is not None and owner.roles == {reg.project.id: Role.OWNER}
    assert owner.current_project_id == reg.project.id  # not the deleted one: kept
    assert guest is not None and (guest.roles, guest.current_project_id) == ({}, None)
    with pytest.raises(Conflict):
        store.delete_project(second_now)


def test_a_project_with_more_members_than_a_transaction_holds_is_deleted_with_every_membership(
        store: CopilotStore) -> None:
    # Given a project of 120 members: 241 items to change, where a DynamoDB transaction holds 100
    reg = register(store)
    tenant_id = reg.tenant.id
    large = Project(str(uuid.uuid4()), tenant_id, "Large", "", T0, T0)
    store.create_project(large, member(large, Role.OWNER, reg.owner), reg.owner)
    _, large_now = fresh(store, replace(reg, project=large))
    guests = [member(large, Role.VIEWER) for _ in range(119)]
    for guest in guests:
        store.save_member(tenant_id, large_now, guest, None, None)
    _, large_now = fresh(store, replace(reg, project=large))

    # When it is deleted
    store.delete_project(large_now)

    # Then the project, every membership and the owner's role in it are gone; the owner keeps their other project
    assert store.get_project(tenant_id, large.id) is None
    assert store.list_members(tenant_id, large.id) == []
    owner = store.get_user(tenant_id, reg.owner.id)
    assert owner is not None and owner.roles == {reg.project.id: Role.OWNER}


def large_project(store: CopilotStore, reg: Registered, guests: int) -> Project:
    large = Project(str(uuid.uuid4()), reg.tenant.id, "Large", "", T0, T0)
    store.create_project(large, member(large, Role.OWNER, reg.owner), reg.owner)
    for _ in range(guests):
        _, now = fresh(store, replace(reg, project=large))
        store.save_member(reg.tenant.id, now, member(large, Role.VIEWER), None, None)
    return fresh(store, replace(reg, project=large))[1]


def test_a_stale_delete_of_a_large_project_removes_no_member(store: CopilotStore) -> None:
    # Given a project of 60 members read before someone renamed it
    reg = register(store)
    stale = large_project(store, reg, 59)
    store.update_project(stale, replace(stale, name="Renamed", version=stale.version + 1))

    # When the stale copy is deleted: refused, and every membership stays
    with pytest.raises(Conflict):
        store.delete_project(stale)
    assert store.get_project(reg.tenant.id, stale.id) is not None
    assert len(store.list_members(reg.tenant.id, stale.id)) == 60


def moto_copilot_store() -> Any:
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog

    return CopilotRepository(EventLog())


def test_a_large_project_delete_cut_short_leaves_the_project_usable_and_a_retry_finishes(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.copilot.account_repository import AccountRepository

    store = moto_copilot_store()
    reg = register(store)
    large = large_project(store, reg, 119)
    # Given the last of its three transactions (120 members, 49 a transaction) keeps failing: a member changed,
    # and while the delete runs nobody may join
    original = AccountRepository._delete_memberships
    joined: list[Any] = []

    def failing_last(self: Any, project: Project, members: Any, *, with_project: bool) -> None:
        if not joined:
            during = store.get_project(reg.tenant.id, project.id)
            assert during is not None and during.deleting  # what the service refuses member changes by
            with pytest.raises(Conflict):
                store.save_member(reg.tenant.id, project, member(project, Role.VIEWER), None, None)
            joined.append(project)
        if with_project:
            raise Conflict("a member changed meanwhile")
        original(self, project, members, with_project=with_project)

    monkeypatch.setattr(AccountRepository, "_delete_memberships", failing_last)
    with pytest.raises(Conflict):
        store.delete_project(large)

    # Then the project is there with its owner and the members of the last transaction, usable again
    again = store.get_project(reg.tenant.id, large.id)
    assert again is not None and again.owner_count == 1
    assert len(store.list_members(reg.tenant.id, large.id)) == 49  # 71 went in the first two (49 and 22)
    store.save_member(reg.tenant.id, again, member(again, Role.VIEWER), None, None)

    # And the owner's retry takes everything
    monkeypatch.setattr(AccountRepository, "_delete_memberships", original)
    fresh_project = store.get_project(reg.tenant.id, large.id)
    assert fresh_project is not None
    store.delete_project(fresh_project)
    assert store.get_project(reg.tenant.id, large.id) is None
    assert store.list_members(reg.tenant.id, large.id) == []


def test_a_project_delete_reads_a_member_again_when_their_user_changed_meanwhile(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.copilot.account_repository import AccountRepository

    store = moto_copilot_store()
    reg = register(store)
    second = Project(str(uuid.uuid4()), reg.tenant.id, "Staging", "", T0, T0)
    store.create_project(second, member(second, Role.OWNER, reg.owner), reg.owner)
    _, project = fresh(store, replace(reg, project=second))
    # Given the owner's user item changes between the delete's read of it and its transaction, once
    original = AccountRepository.get_user
    changed_once: list[bool] = []

    def get_user_then_change(self: Any, tenant_id: str, user_id: str) -> Any:
        user = original(self, tenant_id, user_id)
        if not changed_once and user is not None:
            changed_once.append(True)
            store.set_current_project(user, reg.project.id)
        return user

    monkeypatch.setattr(AccountRepository, "get_user", get_user_then_change)
    store.delete_project(project)

    assert store.get_project(reg.tenant.id, second.id) is None
    owner = store.get_user(reg.tenant.id, reg.owner.id)
    assert owner is not None and second.id not in owner.roles


def test_members_are_listed_by_user_id(store: CopilotStore) -> None:
    reg = register(store)
    for _ in range(3):
        _, project = fresh(store, reg)
        store.save_member(reg.tenant.id, project, member(project), None, None)

    listed = [m.user_id for m in store.list_members(reg.tenant.id, reg.project.id)]
    assert listed == sorted(listed) and len(listed) == 4


# Incidents


def test_a_created_incident_reads_back_a_retry_is_done_another_with_its_id_conflicts(store: CopilotStore) -> None:
    reg = register(store)
    made = incident(reg.project.id, 0)
    created = DomainEvent("incident.created", f"incidents:{reg.project.id}", {"id": made.id})
    store.create_incident(reg.tenant.id, made, [created])
    store.create_incident(reg.tenant.id, made)

    assert store.get_incident(reg.tenant.id, reg.project.id, made.id) == made
    assert store.get_incident(str(uuid.uuid4()), reg.project.id, made.id) is None
    assert event_types(store, reg.tenant.id, created.stream) == ["incident.created"]
    assert store.incident_days(reg.tenant.id, reg.project.id, date(2026, 3, 1), date(2026, 3, 31)) == [
        IncidentDay("2026-03-02", 1, 0)]
    with pytest.raises(Conflict):
        store.create_incident(reg.tenant.id, replace(made, title="another"))


def test_an_incident_opened_by_an_alert_is_written_with_it_and_only_that_alert_retries_it(
        store: CopilotStore) -> None:
    reg = register(store)
    made = incident(reg.project.id, 0)
    opening = replace(alert(reg.project.id, 0), incident_id=made.id)

    store.create_incident(reg.tenant.id, made, alert=opening)
    store.create_incident(reg.tenant.id, made, alert=opening)  # our own earlier attempt

    assert store.query_alerts(reg.tenant.id, reg.project.id, OffsetRequest(0, 10)) == [opening]
    # The same incident opened by another alert of its group: a Conflict (that alert joins it), nothing written.
    other = replace(alert(reg.project.id, 1), incident_id=made.id)
    with pytest.raises(Conflict):
        store.create_incident(reg.tenant.id, made, alert=other)
    assert store.query_alerts(reg.tenant.id, reg.project.id, OffsetRequest(0, 10)) == [opening]


@pytest.mark.parametrize(("filters", "page", "expected"), [
    (IncidentFilters(), OffsetRequest(0, 3), [7, 6, 5]),
    (IncidentFilters(), OffsetRequest(6, 5), [1, 0]),
    (IncidentFilters(), OffsetRequest(8, 5), []),
    (IncidentFilters(severity=Severity.LOW), OffsetRequest(1, 2), [6, 4]),
    (IncidentFilters(state=IncidentState.RESOLVED), OffsetRequest(0, 10), [7, 3, 1]),
    (IncidentFilters(severity=Severity.LOW, state=IncidentState.RESOLVED), OffsetRequest(0, 10), [7, 3]),
    (IncidentFilters(severity=Severity.HIGH, state=IncidentState.MITIGATED), OffsetRequest(0, 10), []),
])
def test_incident_lists_are_newest_first_with_the_offset_skipped(
    store: CopilotStore, filters: IncidentFilters, page: OffsetRequest, expected: list[int],
) -> None:
    reg = register(store)
    low, resolved = Severity.LOW, IncidentState.RESOLVED
    shapes = {1: (Severity.HIGH, resolved), 3: (low, resolved), 4: (low, IncidentState.DETECTED), 6: (low, None),
              7: (low, resolved)}
    for minute in (3, 0, 7, 1, 5, 2, 6, 4):  # stored out of order
        severity, state = shapes.get(minute, (Severity.CRITICAL, None))
        store.create_incident(reg.tenant.id, incident(reg.project.id, minute, severity,
                                                      state or IncidentState.DETECTED))

    found = store.query_incidents(reg.tenant.id, reg.project.id, filters, page)

    assert [int(i.title.split()[1]) for i in found] == expected


def test_an_incident_update_needs_its_version_and_commits_its_events_only_with_it(store: CopilotStore) -> None:
    reg = register(store)
    made = incident(reg.project.id, 0)
    store.create_incident(reg.tenant.id, made)
    stream = f"incidents:{reg.project.id}"
    moved = replace(made, state=IncidentState.ACKNOWLEDGED, severity=Severity.LOW, version=1,
                    reached_at={IncidentState.ACKNOWLEDGED: T0 + timedelta(minutes=5)})
    store.update_incident(reg.tenant.id, made, moved, [DomainEvent("incident.updated", stream, {})])

    with pytest.raises(Conflict, match="Incident changed meanwhile; reload and retry"):
        store.update_incident(reg.tenant.id, made, replace(made, title="late", version=1),
                              [DomainEvent("incident.late", stream, {})])
    assert store.get_incident(reg.tenant.id, reg.project.id, made.id) == moved
    assert event_types(store, reg.tenant.id, stream) == ["incident.updated"]
    by = store.query_incidents(reg.tenant.id, reg.project.id,
                               IncidentFilters(Severity.LOW, IncidentState.ACKNOWLEDGED), OffsetRequest(0, 5))
    assert by == [moved]  # the list indexes moved with it
    assert store.query_incidents(reg.tenant.id, reg.project.id, IncidentFilters(Severity.HIGH),
                                 OffsetRequest(0, 5)) == []


def test_of_concurrent_updates_from_the_same_read_exactly_one_wins(store: CopilotStore) -> None:
    reg = register(store)
    made = incident(reg.project.id, 0)
    store.create_incident(reg.tenant.id, made)
    stream = f"incidents:{reg.project.id}"
    writers = 6
    start = threading.Barrier(writers)

    def update(n: int) -> Incident | None:
        after = replace(made, title=f"writer {n}", version=made.version + 1)
        start.wait()
        try:
            store.update_incident(reg.tenant.id, made, after, [DomainEvent("incident.updated", stream, {"n": n})])
        except Conflict:
            return None
        return after

    with ThreadPoolExecutor(writers) as pool:
        results = list(pool.map(update, range(writers)))

    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert store.get_incident(reg.tenant.id, reg.project.id, made.id) == winners[0]
    assert event_types(store, reg.tenant.id, stream) == ["incident.updated"]


def test_past_incidents_are_the_services_newest_first(store: CopilotStore) -> None:
    reg = register(store)
    for minute, service in [(0, "checkout"), (1, "search"), (2, "Checkout"), (3, "checkout")]:
        store.create_incident(reg.tenant.id, incident(reg.project.id, minute, service=service))

    past = store.past_incidents(reg.tenant.id, reg.project.id, "checkout", 2)

    assert [i.title for i in past] == ["incident 3", "incident 2"]


# Hypotheses and what they cost


def test_hypotheses_replace_the_last_ranking_and_count_their_usage_once_per_incident(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    made = incident(project_id, 0)
    store.create_incident(tenant_id, made)
    first = [hypothesis(made.id, rank) for rank in (2, 1, 3)]
    stream = f"hypotheses:{project_id}"
    store.save_hypotheses(tenant_id, made, first, usage(), cache_key="k1",
                          events=[DomainEvent("hypothesis.generated", stream, {})])
    current = store.get_incident(tenant_id, project_id, made.id)
    assert current is not None
    second = [hypothesis(made.id, rank, "capacity") for rank in (1, 2)]
    store.save_hypotheses(tenant_id, current, second, usage(500, 1000, day=3), cache_key="k2")
    store.save_hypotheses(tenant_id, current, second, usage(0, 0, cache_hit=True, day=3), cache_key="k3")

    assert store.list_hypotheses(tenant_id, project_id, made.id) == second
    after = store.get_incident(tenant_id, project_id, made.id)
    assert after is not None
    assert (after.hypothesis_count, after.ai_requests, after.ai_tokens, after.ai_cost_micros) == (2, 3, 1650, 3500)
    assert after.version == made.version + 3
    cached = store.cached_hypotheses(tenant_id, project_id, "k1")
    assert cached is not None and [h.rank for h in cached] == [2, 1, 3] and cached[0].claim == "claim 2"
    assert store.cached_hypotheses(tenant_id, project_id, "k3") is None  # a cache hit is not cached again
    assert store.usage_days(tenant_id, project_id, date(2026, 3, 2), date(2026, 3, 3)) == [
        UsageDay("2026-03-02", "hypothesis", 1, 1100, 2500, 0),
        UsageDay("2026-03-03", "hypothesis", 2, 550, 1000, 1)]
    assert store.usage_days(tenant_id, project_id, date(2026, 3, 3), date(2026, 3, 3))[0].day == "2026-03-03"
    assert store.incident_days(tenant_id, project_id, date(2026, 3, 1), date(2026, 3, 5)) == [
        IncidentDay("2026-03-02", 1, 1)]
    assert event_types(store, tenant_id, stream) == ["hypothesis.generated"]


def test_the_days_aggregates_count_every_create_and_ranking_exactly(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    made = [incident(project_id, minute) for minute in range(5)]
    made += [incident(project_id, 24 * 60 + minute) for minute in range(3)]  # the next day
    for one in made:
        store.create_incident(tenant_id, one)
    for n, one in enumerate(made[3:7]):  # two incidents of each day ranked, the ranking used on two days
        store.save_hypotheses(tenant_id, one, [hypothesis(one.id, 1)], usage(100 * (n + 1), 10 * (n + 1),
                                                                               cache_hit=n == 3, day=2 + n % 2),
                              cache_key=one.id)

    assert store.incident_days(tenant_id, project_id, date(2026, 3, 1), date(2026, 3, 3)) == [
        IncidentDay("2026-03-02", 5, 2), IncidentDay("2026-03-03", 3, 2)]
    assert store.incident_days(tenant_id, project_id, date(2026, 3, 3), date(2026, 3, 3)) == [
        IncidentDay("2026-03-03", 3, 2)]
    assert store.usage_days(tenant_id, project_id, date(2026, 3, 2), date(2026, 3, 3)) == [
        UsageDay("2026-03-02", "hypothesis", 2, 110 + 330, 40, 0),
        UsageDay("2026-03-03", "hypothesis", 2, 220 + 440, 60, 1)]
    assert store.usage_days(tenant_id, project_id, date(2026, 3, 2), date(2026, 3, 2)) == [
        UsageDay("2026-03-02", "hypothesis", 2, 440, 40, 0)]


def test_hypotheses_for_a_stream_event_are_saved_and_counted_once_however_often_it_comes(
        store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    made = incident(project_id, 0)
    store.create_incident(tenant_id, made)
    stream = f"hypotheses:{project_id}"
    first = [hypothesis(made.id, 1)]
    assert not store.event_ranked(tenant_id, project_id, "incidents:p#E#1")

    store.save_hypotheses(tenant_id, made, first, usage(), cache_key="k1", event_key="incidents:p#E#1",
                          events=[DomainEvent("hypothesis.generated", stream, {})])
    # The same event again (a redelivered stream record), from the incident as first read and as it is now
    for read in (made, store.get_incident(tenant_id, project_id, made.id)):
        assert read is not None
        store.save_hypotheses(tenant_id, read, [hypothesis(made.id, 1, "capacity")], usage(), cache_key="k2",
                              event_key="incidents:p#E#1", events=[DomainEvent("hypothesis.generated", stream, {})])

    after = store.get_incident(tenant_id, project_id, made.id)
    assert after is not None
    assert (after.ai_requests, after.ai_tokens, after.version) == (1, 1100, made.version + 1)
    assert store.list_hypotheses(tenant_id, project_id, made.id) == first
    assert store.usage_days(tenant_id, project_id, date(2026, 3, 2), date(2026, 3, 2)) == [
        UsageDay("2026-03-02", "hypothesis", 1, 1100, 2500, 0)]
    assert store.cached_hypotheses(tenant_id, project_id, "k2") is None
    assert event_types(store, tenant_id, stream) == ["hypothesis.generated"]
    assert store.event_ranked(tenant_id, project_id, "incidents:p#E#1")
    # Another event (an alert joined) ranks again
    store.save_hypotheses(tenant_id, after, first, usage(), cache_key="k1", event_key="ranking:p#E#1")
    again = store.get_incident(tenant_id, project_id, made.id)
    assert again is not None and again.ai_requests == 2


def test_hypotheses_from_a_stale_incident_keep_its_changes(store: CopilotStore) -> None:
    reg = register(store)
    made = incident(reg.project.id, 0)
    store.create_incident(reg.tenant.id, made)
    moved = replace(made, state=IncidentState.ACKNOWLEDGED, version=1)
    store.update_incident(reg.tenant.id, made, moved)

    store.save_hypotheses(reg.tenant.id, made, [hypothesis(made.id, 1)], usage(), cache_key="k")

    after = store.get_incident(reg.tenant.id, reg.project.id, made.id)
    assert after == replace(moved, hypothesis_count=1, ai_requests=1, ai_tokens=1100, ai_cost_micros=2500,
                            version=2)


def test_at_most_ten_hypotheses_are_kept_and_more_change_nothing(store: CopilotStore) -> None:
    reg = register(store)
    made = incident(reg.project.id, 0)
    store.create_incident(reg.tenant.id, made)
    store.save_hypotheses(reg.tenant.id, made, [hypothesis(made.id, rank) for rank in range(1, 11)], usage(),
                          cache_key="ten")

    with pytest.raises(ValueError, match="At most 10"):
        store.save_hypotheses(reg.tenant.id, made, [hypothesis(made.id, rank) for rank in range(1, 12)], usage(),
                              cache_key="eleven")
    assert [h.rank for h in store.list_hypotheses(reg.tenant.id, reg.project.id, made.id)] == list(range(1, 11))
    assert store.cached_hypotheses(reg.tenant.id, reg.project.id, "eleven") is None


def test_the_most_expensive_incidents_are_those_with_a_cost_highest_first(store: CopilotStore) -> None:
    reg = register(store)
    made = [incident(reg.project.id, minute) for minute in range(4)]
    for one in made:
        store.create_incident(reg.tenant.id, one)
    for one, cost in zip(made[:3], (300, 9_000, 40), strict=True):
        store.save_hypotheses(reg.tenant.id, one, [hypothesis(one.id, 1)], usage(cost=cost), cache_key=one.id)

    costly = store.most_expensive_incidents(reg.tenant.id, reg.project.id, 2)

    assert [(i.id, i.ai_cost_micros) for i in costly] == [(made[1].id, 9_000), (made[0].id, 300)]
    assert len(store.most_expensive_incidents(reg.tenant.id, reg.project.id, 10)) == 3


@dataclass
class Ranked:
    """An incident of a new project ranked `deployment` then `capacity`."""

    store: CopilotStore
    tenant_id: str
    project_id: str
    incident: Incident
    hypotheses: list[StoredHypothesis]

    def current(self) -> Incident:
        found = self.store.get_incident(self.tenant_id, self.project_id, self.incident.id)
        assert found is not None
        return found


def ranked_incident(store: CopilotStore) -> Ranked:
    reg = register(store)
    made = incident(reg.project.id, 0)
    store.create_incident(reg.tenant.id, made)
    ranked = [hypothesis(made.id, 1, "deployment"), hypothesis(made.id, 2, "capacity")]
    store.save_hypotheses(reg.tenant.id, made, ranked, usage(), cache_key="k")
    return Ranked(store, reg.tenant.id, reg.project.id, made, ranked)


def test_feedback_moves_the_causes_prior_and_a_confirmation_sets_the_cause(store: CopilotStore) -> None:
    case = ranked_incident(store)
    tenant_id, project_id, made, ranked, current = (case.tenant_id, case.project_id, case.incident, case.hypotheses,
                                                    case.current)

    store.set_feedback(tenant_id, project_id, ranked[1], "rejected", current())
    store.set_feedback(tenant_id, project_id, ranked[0], "rejected", current())
    rejected = store.list_hypotheses(tenant_id, project_id, made.id)[0]
    store.set_feedback(tenant_id, project_id, rejected, "confirmed", current())

    assert store.cause_priors(tenant_id, project_id) == {"capacity": -1.0, "deployment": 1.0}
    assert current().confirmed_cause == "deployment"
    assert [h.user_feedback for h in store.list_hypotheses(tenant_id, project_id, made.id)] == ["confirmed",
                                                                                                 "rejected"]
    with pytest.raises(Conflict):  # judged from a stale read of the hypothesis
        store.set_feedback(tenant_id, project_id, ranked[0], "rejected", current())
    assert store.cause_priors(str(uuid.uuid4()), project_id) == {}


def test_rejecting_the_confirmed_cause_takes_it_off_the_incident_under_its_version(store: CopilotStore) -> None:
    case = ranked_incident(store)
    tenant_id, project_id, made, ranked, current = (case.tenant_id, case.project_id, case.incident, case.hypotheses,
                                                    case.current)

    store.set_feedback(tenant_id, project_id, ranked[0], "confirmed", current())
    confirmed = current()
    store.set_feedback(tenant_id, project_id, ranked[1], "rejected", confirmed)  # another cause: the incident stays
    assert current() == confirmed and confirmed.confirmed_cause == "deployment"
    judged = store.list_hypotheses(tenant_id, project_id, made.id)[0]
    with pytest.raises(Conflict):  # the incident as read is stale: nothing changes
        store.set_feedback(tenant_id, project_id, judged, "rejected", replace(confirmed, version=confirmed.version - 1))
    assert current() == confirmed

    store.set_feedback(tenant_id, project_id, judged, "rejected", confirmed)

    assert current() == replace(confirmed, confirmed_cause=None, version=confirmed.version + 1)
    assert [h.user_feedback for h in store.list_hypotheses(tenant_id, project_id, made.id)] == ["rejected",
                                                                                                 "rejected"]
    assert store.cause_priors(tenant_id, project_id) == {"capacity": -1.0, "deployment": -1.0}


def test_a_new_ranking_keeps_the_feedback_given_to_its_causes(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    made = incident(project_id, 0)
    store.create_incident(tenant_id, made)
    first = [hypothesis(made.id, 1, "deployment"), hypothesis(made.id, 2, "capacity"), hypothesis(made.id, 3, "dns")]
    store.save_hypotheses(tenant_id, made, first, usage(), cache_key="k1")
    judged = store.get_incident(tenant_id, project_id, made.id)
    assert judged is not None
    store.set_feedback(tenant_id, project_id, first[0], "confirmed", judged)
    store.set_feedback(tenant_id, project_id, first[1], "rejected", judged)

    # Ranked again (an alert joined): the causes move, one is new, one is gone.
    second = [replace(first[1], rank=1), hypothesis(made.id, 2, "memory"), replace(first[0], rank=3)]
    current = store.get_incident(tenant_id, project_id, made.id)
    assert current is not None
    store.save_hypotheses(tenant_id, current, second, usage(), cache_key="k2")

    ranked = store.list_hypotheses(tenant_id, project_id, made.id)
    assert [(h.id, h.cause, h.user_feedback) for h in ranked] == [
        (first[1].id, "capacity", "rejected"), (second[1].id, "memory", None), (first[0].id, "deployment", "confirmed")]
    assert store.cause_priors(tenant_id, project_id) == {"capacity": -1.0, "deployment": 1.0}


# Evidence, alerts, changes


def alert(project_id: str, minute: int) -> Alert:
    return Alert(id=str(uuid.uuid4()), project_id=project_id, source="prometheus", name=f"alert {minute}",
                 status="firing", severity="high", service="checkout", summary="s",
                 starts_at=T0 + timedelta(minutes=minute), labels={"env": "prod"}, fingerprint="f")


def test_alerts_and_changes_are_read_newest_first_within_a_window(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    for minute in (0, 10, 20, 30, 40):
        store.save_alert(tenant_id, alert(project_id, minute))
        store.save_change(tenant_id, ChangeEvent(str(uuid.uuid4()), project_id, "deployment", "checkout",
                                                 f"deploy {minute}", T0 + timedelta(minutes=minute), "v1"))
    window = (T0 + timedelta(minutes=10), T0 + timedelta(minutes=30))

    assert [a.name for a in store.alerts_between(tenant_id, project_id, *window, 10)] == [
        "alert 30", "alert 20", "alert 10"]
    assert [c.summary for c in store.changes_between(tenant_id, project_id, *window, 2)] == [
        "deploy 30", "deploy 20"]
    assert [a.name for a in store.query_alerts(tenant_id, project_id, OffsetRequest(1, 2))] == [
        "alert 30", "alert 20"]
    assert store.query_alerts(tenant_id, project_id, OffsetRequest(0, 1))[0].labels == {"env": "prod"}


# Integrations


def test_an_integration_is_created_once_updated_if_there_and_listed_oldest_first(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    made = [Integration(str(uuid.uuid4()), project_id, "prometheus", f"prom {n}", {"base_url": "https://p"},
                        None, ("token",), True, T0 + timedelta(minutes=n), T0 + timedelta(minutes=n))
            for n in (2, 0, 1)]
    for one in made:
        store.save_integration(tenant_id, one, create=True)
    tested = replace(made[0], last_test={"ok": True})
    store.save_integration(tenant_id, tested, create=False)

    assert [i.name for i in store.list_integrations(tenant_id, project_id)] == ["prom 0", "prom 1", "prom 2"]
    assert store.get_integration(tenant_id, project_id, made[0].id) == tested
    with pytest.raises(Conflict):
        store.save_integration(tenant_id, replace(made[1], name="another"), create=True)
    store.save_integration(tenant_id, made[1], create=True)  # the same again: a retry whose first try committed
    store.delete_integration(tenant_id, made[1])
    assert store.get_integration(tenant_id, project_id, made[1].id) is None
    with pytest.raises(NotFound):
        store.save_integration(tenant_id, made[1], create=False)


def prometheus(project_id: str, n: int) -> Integration:
    at = T0 + timedelta(seconds=n)
    return Integration(str(uuid.uuid4()), project_id, "prometheus", f"prom {n}", {"url": "https://p.example"},
                       None, (), True, at, at)


def test_a_project_holds_at_most_the_most_integrations_and_lists_them_all(store: CopilotStore) -> None:
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    made = [prometheus(project_id, n) for n in range(MAX_PROJECT_INTEGRATIONS - 3)]
    for one in made:
        store.save_integration(tenant_id, one, create=True)
    # Given six creates at once where three fit
    writers = 6
    start = threading.Barrier(writers)

    def create(n: int) -> Integration | None:
        one = prometheus(project_id, MAX_PROJECT_INTEGRATIONS + n)
        start.wait()
        try:
            store.save_integration(tenant_id, one, create=True)
        except Conflict as refused:
            assert str(refused) == PROJECT_INTEGRATIONS_FULL
            return None
        return one

    with ThreadPoolExecutor(writers) as pool:
        racing = [one for one in pool.map(create, range(writers)) if one is not None]

    # Then three of them are made, and every one made is listed, oldest first
    made += sorted(racing, key=lambda one: one.created_at)
    assert len(racing) == 3
    assert store.list_integrations(tenant_id, project_id) == made
    with pytest.raises(Conflict, match="delete one first"):
        store.save_integration(tenant_id, prometheus(project_id, -1), create=True)
    store.save_integration(tenant_id, made[-1], create=True)  # a retry whose first try committed is no refusal
    store.delete_integration(tenant_id, made[0])
    store.save_integration(tenant_id, again := prometheus(project_id, 1000), create=True)  # a place freed
    assert store.list_integrations(tenant_id, project_id) == [*made[1:], again]
    other = register(store)  # the most is per project
    store.save_integration(other.tenant.id, prometheus(other.project.id, 0), create=True)


def test_a_project_with_integrations_from_before_the_count_counts_them_and_lists_them_all(local_aws: Any) -> None:
    from opsdesk.copilot.items import RecordItem, integration_item
    from opsdesk.copilot.keys import project_sk, tenant_pk

    store = moto_copilot_store()
    reg = register(store)
    tenant_id, project_id = reg.tenant.id, reg.project.id
    # Given 250 integrations stored before projects counted theirs (no count on the project's item)
    legacy = [prometheus(project_id, n) for n in range(250)]
    with RecordItem.batch_write() as batch:
        for one in legacy:
            batch.save(integration_item(tenant_id, one))

    def count() -> int | None:
        return RecordItem.get(tenant_pk(tenant_id), project_sk(project_id), consistent_read=True).integrationCount

    assert store.list_integrations(tenant_id, project_id) == legacy
    with pytest.raises(Conflict, match="delete one first"):  # counted on the first create
        store.save_integration(tenant_id, prometheus(project_id, 999), create=True)
    assert count() == 250
    store.delete_integration(tenant_id, legacy[0])
    assert count() == 249 and store.list_integrations(tenant_id, project_id) == legacy[1:]


# Reads at scale (the repository alone: the fake reads nothing)

SEVERITIES = tuple(Severity)
STATES = tuple(IncidentState)
SMALL, LARGE = 500, 5_000
READ_CASES = [
    ("no filter, first page", IncidentFilters(), OffsetRequest(0, 10)),
    ("no filter, skip 40 limit 20", IncidentFilters(), OffsetRequest(40, 20)),
    ("no filter, limit 100", IncidentFilters(), OffsetRequest(0, 100)),
    ("severity", IncidentFilters(severity=Severity.HIGH), OffsetRequest(20, 20)),
    ("state", IncidentFilters(state=IncidentState.RESOLVED), OffsetRequest(10, 50)),
    ("severity and state", IncidentFilters(Severity.LOW, IncidentState.MITIGATED), OffsetRequest(3, 10)),
]
"""Every filter combination, each page within what the 500-incident project holds of that combination (100 per
severity, 70 or 75 per state, 14 per severity and state)."""


def seeded_project(size: int) -> tuple[Any, FakeCopilotStore, Registered]:
    """A project of `size` incidents, bulk-written as the repository writes them, and the same in the fake."""
    from opsdesk.copilot.items import RecordItem, incident_item
    from opsdesk.copilot.repository import CopilotRepository

    repository, fake = CopilotRepository(), FakeCopilotStore()
    reg = register(repository)
    fake.create_tenant(reg.tenant, reg.owner, reg.project, member(reg.project, Role.OWNER, reg.owner))
    made = [incident(reg.project.id, -n, SEVERITIES[n % 5], STATES[(n // 5) % 7], f"svc-{n % 7}")
            for n in range(size)]
    with RecordItem.batch_write() as batch:
        for one in made:
            batch.save(incident_item(reg.tenant.id, one))
    for one in made:
        fake.create_incident(reg.tenant.id, one)
    return repository, fake, reg


@pytest.mark.slow
def test_incident_lists_read_skip_plus_limit_items_at_500_and_5000_incidents(local_aws: Any) -> None:
    from opsdesk.dynamo import metered_reads

    reads: dict[int, dict[str, int]] = {}
    for size in (SMALL, LARGE):
        repository, fake, reg = seeded_project(size)
        reads[size] = {}
        for name, filters, page in READ_CASES:
            with metered_reads() as meter:
                found = repository.query_incidents(reg.tenant.id, reg.project.id, filters, page)
            reads[size][name] = meter.items
            assert found == fake.query_incidents(reg.tenant.id, reg.project.id, filters, page), (size, name)
            assert len(found) == page.limit
        with metered_reads() as meter:
            past = repository.past_incidents(reg.tenant.id, reg.project.id, "svc-3", 20)
        reads[size]["past incidents (20)"] = meter.items
        assert past == fake.past_incidents(reg.tenant.id, reg.project.id, "svc-3", 20)

    print("\nitems read by size:", reads)  # the figures, with -s
    assert reads[SMALL] == reads[LARGE]
    for name, _, page in READ_CASES:
        assert reads[LARGE][name] == page.offset + page.limit, name
    assert reads[LARGE]["past incidents (20)"] == 20


def proven_cloudwatch(project_id: str, config: dict[str, str]) -> Integration:
    """A cloudwatch integration whose account the service has proven (opsdesk.copilot.integrations)."""
    return Integration(str(uuid.uuid4()), project_id, "cloudwatch", "prod", config, None, (), True, T0, T0,
                       verified_account=config["account_id"], verified_at=T0)


def pointed(integration: Integration, config: dict[str, str]) -> Integration:
    """`integration` pointed at the account in `config`, proven as a save with its role would."""
    return replace(integration, config=config, verified_account=config["account_id"])


def proofs_due(store: CopilotStore, when: datetime, integration_id: str, per_page: int = 25) -> list[str]:
    """The markers of the integration's proofs due by `when`, every page read (other cases' proofs are due too)."""
    markers, after = [], None
    while True:
        page = store.due_proofs(when, per_page, after)
        markers += [proof.marker for proof in page.proofs if proof.integration_id == integration_id]
        if page.after is None:
            return markers
        after = page.after


def test_a_proven_account_is_due_a_day_after_its_proof_and_its_item_moves_with_each_save(store: CopilotStore) -> None:
    reg = register(store)
    made = proven_cloudwatch(reg.project.id, {"account_id": f"{uuid.uuid4().int % 10**12:012d}",
                                              "region": "eu-west-1"})
    store.save_integration(reg.tenant.id, made, create=True)
    day = timedelta(days=1)

    assert proofs_due(store, T0 + day - timedelta(seconds=1), made.id) == []
    (first,) = proofs_due(store, T0 + day, made.id)
    proven_again = replace(made, verified_at=T0 + timedelta(hours=5))
    store.save_integration(reg.tenant.id, proven_again, create=False)
    assert proofs_due(store, T0 + day, made.id) == []
    (moved,) = proofs_due(store, T0 + day + timedelta(hours=5), made.id)
    assert moved != first
    store.save_integration(reg.tenant.id, replace(proven_again, enabled=False), create=False)
    assert proofs_due(store, T0 + day * 30, made.id) == []  # off: nothing to prove
    store.save_integration(reg.tenant.id, proven_again, create=False, read=replace(proven_again, enabled=False))
    assert proofs_due(store, T0 + day * 30, made.id) == [moved]
    store.delete_integration(reg.tenant.id, proven_again)
    assert proofs_due(store, T0 + day * 30, made.id) == []


def test_due_proofs_are_read_a_page_at_a_time_each_once_and_a_stale_one_is_forgotten(local_aws: Any) -> None:
    import json

    from opsdesk.copilot import keys
    from opsdesk.copilot.items import RecordItem
    from opsdesk.copilot.proofs import DueProof

    store = moto_copilot_store()
    reg = register(store)
    made = [proven_cloudwatch(reg.project.id, {"account_id": f"{uuid.uuid4().int % 10**12:012d}",
                                               "region": "eu-west-1"}) for _ in range(3)]
    for integration in made:
        store.save_integration(reg.tenant.id, integration, create=True)
    stale = DueProof(reg.tenant.id, reg.project.id, "gone", keys.proof_sk(T0, reg.tenant.id, reg.project.id, "gone"))
    RecordItem(keys.PROOFS_PK, stale.marker, kind="proof", data=json.dumps(
        {"tenantId": reg.tenant.id, "projectId": reg.project.id, "integrationId": "gone"})).save()

    for integration in made:  # pages of one: each read once, in order, whatever else is due
        assert len(proofs_due(store, T0 + timedelta(days=1), integration.id, per_page=1)) == 1
    assert proofs_due(store, T0, "gone") == [stale.marker]
    store.forget_proof(stale)
    assert proofs_due(store, T0, "gone") == []


def test_a_project_delete_takes_its_integrations_proofs(store: CopilotStore) -> None:
    reg = register(store)
    _, going = fresh(store, reg)
    made = proven_cloudwatch(going.id, {"account_id": f"{uuid.uuid4().int % 10**12:012d}", "region": "eu-west-1"})
    store.save_integration(reg.tenant.id, made, create=True)

    store.delete_project(going)

    assert proofs_due(store, T0 + timedelta(days=30), made.id) == []


def test_an_unproven_account_routes_nothing_and_holds_nothing(store: CopilotStore) -> None:
    first, second = register(store), register(store)
    watching = {"account_id": f"{uuid.uuid4().int % 10**12:012d}", "region": "eu-west-1"}
    # Given the first tenant's integration naming the account without proving it
    unproven = replace(proven_cloudwatch(first.project.id, watching), verified_account=None)
    store.save_integration(first.tenant.id, unproven, create=True)
    # (and one proven for another account: an account is proven, not an integration)
    elsewhere = replace(unproven, id=str(uuid.uuid4()), verified_account=f"{uuid.uuid4().int % 10**12:012d}")
    store.save_integration(first.tenant.id, elsewhere, create=True)

    # Then the tenant that proves it holds it
    theirs = proven_cloudwatch(second.project.id, watching)
    store.save_integration(second.tenant.id, theirs, create=True)
    with pytest.raises(Conflict):
        store.save_integration(first.tenant.id, pointed(unproven, watching), create=False)
    if not isinstance(store, FakeCopilotStore):
        from opsdesk.alerts.routes import ROUTE_PREFIX, RouteItem, cloudwatch_key

        routes = RouteItem.query(f"{ROUTE_PREFIX}{cloudwatch_key(watching['account_id'], 'eu-west-1')}")
        assert [(r.tenantId, r.integrationId) for r in routes] == [(second.tenant.id, theirs.id)]


def test_an_integration_stored_before_proofs_changes_and_goes_taking_its_unproven_route_and_hold(
        local_aws: Any) -> None:
    from opsdesk.alerts.routes import (
        CLAIM_PREFIX,
        CLAIM_SK,
        ROUTE_PREFIX,
        AccountClaimItem,
        RouteItem,
        account_holder,
        cloudwatch_key,
        route_entries,
        route_item,
    )
    from opsdesk.copilot.items import integration_item

    store = moto_copilot_store()
    reg = register(store)
    watching = {"account_id": f"{uuid.uuid4().int % 10**12:012d}", "region": "eu-west-1"}
    legacy = replace(proven_cloudwatch(reg.project.id, watching), verified_account=None)
    # Given it as the code before proofs stored it: no verified_account in its item, its route and its hold
    item = integration_item(reg.tenant.id, legacy)
    assert "verified_account" not in item.data
    item.save()
    for entry in route_entries(reg.tenant.id, reg.project.id, legacy.id, "cloudwatch", config=watching,
                               enabled=True, verified_account=watching["account_id"]):
        route_item(entry).save()
    AccountClaimItem(f"{CLAIM_PREFIX}{watching['account_id']}", CLAIM_SK, tenantId=reg.tenant.id,
                     integrations={legacy.id}).save()

    def routed() -> list[str]:
        key = f"{ROUTE_PREFIX}{cloudwatch_key(watching['account_id'], 'eu-west-1')}"
        return [i.integrationId for i in RouteItem.query(key)]

    assert routed() == [legacy.id]
    renamed = replace(legacy, name="renamed")
    store.save_integration(reg.tenant.id, renamed, create=False)  # not a 409: the item reads as it was stored
    assert routed() == [] and account_holder(watching["account_id"]) is None
    store.delete_integration(reg.tenant.id, renamed)
    assert store.get_integration(reg.tenant.id, reg.project.id, legacy.id) is None


def test_an_aws_accounts_alarms_go_to_one_tenants_projects_until_that_tenant_lets_it_go(store: CopilotStore) -> None:
    first, second = register(store), register(store)
    account = f"{uuid.uuid4().int % 10**12:012d}"  # the moto tables outlive one case
    watching = {"account_id": account, "region": "eu-west-1"}

    def cloudwatch(reg: Registered, config: dict[str, str] = watching) -> Integration:
        return proven_cloudwatch(reg.project.id, config)

    # Given the first tenant's two integrations watching one account (in two regions)
    mine, also_mine = cloudwatch(first), cloudwatch(first, {**watching, "region": "us-east-1"})
    store.save_integration(first.tenant.id, mine, create=True)
    store.save_integration(first.tenant.id, also_mine, create=True)

    # Then another tenant cannot watch it: its alarms would reach both tenants
    theirs = cloudwatch(second)
    with pytest.raises(Conflict, match=account):
        store.save_integration(second.tenant.id, theirs, create=True)
    assert store.get_integration(second.tenant.id, second.project.id, theirs.id) is None
    with pytest.raises(Conflict):  # nor by pointing an integration of its own there
        other = cloudwatch(second, {**watching, "account_id": f"{uuid.uuid4().int % 10**12:012d}"})
        store.save_integration(second.tenant.id, other, create=True)
        store.save_integration(second.tenant.id, pointed(other, watching), create=False)

    # Until every integration of the first lets it go: one deleted, the other disabled
    store.delete_integration(first.tenant.id, mine)
    with pytest.raises(Conflict):
        store.save_integration(second.tenant.id, theirs, create=True)
    store.save_integration(first.tenant.id, replace(also_mine, enabled=False), create=False)
    store.save_integration(second.tenant.id, theirs, create=True)

    # And then the first cannot take it back while the second holds it
    with pytest.raises(Conflict):
        store.save_integration(first.tenant.id, also_mine, create=False)


def test_two_tenants_claiming_one_aws_account_at_once_cannot_both_have_it(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.copilot import monitoring_repository

    store = moto_copilot_store()
    first, second = register(store), register(store)
    watching = {"account_id": f"{uuid.uuid4().int % 10**12:012d}", "region": "eu-west-1"}
    store.save_integration(first.tenant.id, proven_cloudwatch(first.project.id, watching), create=True)
    # Given the second tenant's check ran before the first's claim committed (it found the account free)
    real_holder = monitoring_repository.account_holder
    checks: list[str] = []

    def stale_holder(account: str) -> str | None:
        checks.append(account)
        return None if len(checks) == 1 else real_holder(account)

    monkeypatch.setattr(monitoring_repository, "account_holder", stale_holder)

    # Then the claim in its transaction refuses it, and the 409 says why
    theirs = proven_cloudwatch(second.project.id, watching)
    with pytest.raises(Conflict, match=watching["account_id"]):
        store.save_integration(second.tenant.id, theirs, create=True)
    assert store.get_integration(second.tenant.id, second.project.id, theirs.id) is None


def test_deleting_a_project_takes_its_integrations_their_alert_routes_and_their_aws_account(
        store: CopilotStore) -> None:
    first, second = register(store), register(store)
    watching = {"account_id": f"{uuid.uuid4().int % 10**12:012d}", "region": "eu-west-1"}
    second_project = Project(str(uuid.uuid4()), first.tenant.id, "Staging", "", T0, T0)
    store.create_project(second_project, member(second_project, Role.OWNER, first.owner), first.owner)
    _, going = fresh(store, replace(first, project=second_project))
    mine = proven_cloudwatch(going.id, watching)
    store.save_integration(first.tenant.id, mine, create=True)

    store.delete_project(going)

    assert store.list_integrations(first.tenant.id, going.id) == []
    theirs = proven_cloudwatch(second.project.id, watching)
    store.save_integration(second.tenant.id, theirs, create=True)  # the account is free again
    with pytest.raises(Conflict):  # and nothing is added to the project gone
        store.save_integration(first.tenant.id, replace(mine, id=str(uuid.uuid4())), create=True)
    if not isinstance(store, FakeCopilotStore):
        from opsdesk.alerts.routes import RouteRepository, webhook_key

        assert RouteRepository(cache_seconds=0).webhook(mine.id) is None, webhook_key(mine.id)


def test_two_updates_of_one_integration_at_once_cannot_both_commit(local_aws: Any) -> None:
    store = moto_copilot_store()
    reg = register(store)
    accounts = [f"{uuid.uuid4().int % 10**12:012d}" for _ in range(3)]
    made = proven_cloudwatch(reg.project.id, {"account_id": accounts[0], "region": "eu-west-1"})
    store.save_integration(reg.tenant.id, made, create=True)
    # Given two updates that read the integration as made, the first committed
    from opsdesk.copilot.monitoring_repository import MonitoringRepository

    original = MonitoringRepository.get_integration
    monkey = pytest.MonkeyPatch()
    monkey.setattr(MonitoringRepository, "get_integration", lambda self, *args: made)
    try:
        store.save_integration(reg.tenant.id, pointed(made, {**made.config, "account_id": accounts[1]}),
                               create=False)
        with pytest.raises(Conflict):
            store.save_integration(reg.tenant.id, pointed(made, {**made.config, "account_id": accounts[2]}),
                                   create=False)
    finally:
        monkey.setattr(MonitoringRepository, "get_integration", original)
        monkey.undo()

    # Then the integration, its route and its hold name the first update's account only
    from opsdesk.alerts.routes import account_holder

    stored = store.get_integration(reg.tenant.id, reg.project.id, made.id)
    assert stored is not None and stored.config["account_id"] == accounts[1]
    assert [account_holder(a) for a in accounts] == [None, reg.tenant.id, None]


def test_changing_only_an_alarm_name_prefix_rewrites_its_route(store: CopilotStore) -> None:
    reg = register(store)
    watching = {"account_id": f"{uuid.uuid4().int % 10**12:012d}", "region": "eu-west-1", "alarm_name_prefix": "a-"}
    made = proven_cloudwatch(reg.project.id, watching)
    store.save_integration(reg.tenant.id, made, create=True)

    store.save_integration(reg.tenant.id, replace(made, config={**watching, "alarm_name_prefix": "b-"}), create=False)

    stored = store.get_integration(reg.tenant.id, reg.project.id, made.id)
    assert stored is not None and stored.config["alarm_name_prefix"] == "b-"


def test_an_integration_update_or_delete_applied_but_answered_with_a_500_is_not_a_conflict(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store = moto_copilot_store()
    reg = register(store)
    made = Integration(str(uuid.uuid4()), reg.project.id, "prometheus", "prom", {}, None, (), True, T0, T0)
    store.save_integration(reg.tenant.id, made, create=True)

    failures = applied_then_failed(monkeypatch)
    store.save_integration(reg.tenant.id, replace(made, name="renamed"), create=False, read=made)
    assert next(failures, None) is None  # the 500 was given, and the retry found its own write
    failures = applied_then_failed(monkeypatch)
    store.delete_integration(reg.tenant.id, replace(made, name="renamed"))
    assert next(failures, None) is None

    assert store.get_integration(reg.tenant.id, reg.project.id, made.id) is None


def test_a_project_delete_cut_short_has_reported_each_integration_it_took(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.copilot.account_repository import AccountRepository

    store = moto_copilot_store()
    reg = register(store)
    made = [Integration(str(uuid.uuid4()), reg.project.id, "grafana", f"g{n}", {}, f"secret-{n}", ("api_key",),
                        True, T0, T0) for n in range(2)]
    for one in made:
        store.save_integration(reg.tenant.id, one, create=True)
    # Given the members' transaction keeps failing after the integrations went
    monkeypatch.setattr(AccountRepository, "_delete_memberships",
                        lambda *args, **kwargs: (_ for _ in ()).throw(Conflict("a member changed meanwhile")))
    gone: list[Integration] = []

    with pytest.raises(Conflict):
        store.delete_project(fresh(store, reg)[1], gone.append)

    # Then the project is usable again, and the integrations it took were each reported (their credentials go)
    assert store.get_project(reg.tenant.id, reg.project.id) is not None
    assert sorted(i.secret_ref or "" for i in gone) == ["secret-0", "secret-1"]
    assert store.list_integrations(reg.tenant.id, reg.project.id) == []


def test_a_project_delete_is_done_before_its_credentials_are_touched(local_aws: Any) -> None:
    from opsdesk.auth import Principal
    from opsdesk.copilot.service import CopilotService

    store = moto_copilot_store()
    reg = register(store)
    store.save_integration(reg.tenant.id, Integration(str(uuid.uuid4()), reg.project.id, "grafana", "G", {},
                                                      "secret-1", ("api_key",), True, T0, T0), create=True)

    class TimedOut:  # Secrets Manager not answering: the function would run out of time here
        def delete(self, reference: str) -> None:
            raise TimeoutError(reference)

    owner = Principal(user_id=reg.owner.id, tenant_id=reg.tenant.id, username=reg.owner.email, groups=frozenset())
    with pytest.raises(TimeoutError):
        CopilotService(store).delete_project(owner, reg.project.id, TimedOut())  # type: ignore[arg-type]

    assert store.get_project(reg.tenant.id, reg.project.id) is None  # not left marked, its members frozen


# A deleted project's leftovers (opsdesk.copilot.purge): the repository alone


def fill_project(store: Any, tenant_id: str, project: Project) -> None:
    """Items in every partition a project has: incidents, a ranking with its usage and cache, feedback's priors,
    alerts, a change, and its alert groups' items (written as the alert path keys them); events in every stream."""
    from opsdesk.alerts.repository import dedup_key_key, delivery_key, group_key, service_key
    from opsdesk.copilot.hypotheses import hypotheses_event
    from opsdesk.copilot.items import IncidentsTableItem
    from opsdesk.copilot.service import alert_fired_event, incident_created_event, ranking_requested_event

    made = [incident(project.id, minute) for minute in range(3)]
    for one in made:
        store.create_incident(tenant_id, one, [incident_created_event(one), ranking_requested_event(one)])
    ranked = hypothesis(made[0].id, 1)
    store.save_hypotheses(tenant_id, store.get_incident(tenant_id, project.id, made[0].id), [ranked], usage(),
                          cache_key="k1", events=[hypotheses_event(made[0], [ranked])])
    store.set_feedback(tenant_id, project.id, ranked, "confirmed",
                       store.get_incident(tenant_id, project.id, made[0].id))
    for minute in (1, 2):
        fired = alert(project.id, minute)
        store.save_alert(tenant_id, fired, [alert_fired_event(fired)])
    store.save_change(tenant_id, ChangeEvent(str(uuid.uuid4()), project.id, "deployment", "checkout", "deploy",
                                             T0, "v1"))
    for key in (group_key(tenant_id, project.id, made[0].id), dedup_key_key(tenant_id, project.id, "disk-full"),
                service_key(tenant_id, project.id, "checkout"), delivery_key(tenant_id, project.id, "event-1")):
        IncidentsTableItem(*key).save()


def project_items(tenant_id: str, project_id: str) -> int:
    """The project's items in the IncidentsTable and in its event streams (heads and events)."""
    from opsdesk.copilot import keys
    from opsdesk.copilot.items import IncidentsTableItem

    return (sum(sum(1 for _ in IncidentsTableItem.query(pk, consistent_read=True))
                for pk in keys.project_partitions(tenant_id, project_id))
            + len(stream_items(tenant_id, project_id)))


def stream_items(tenant_id: str, project_id: str) -> list[tuple[str, str]]:
    from opsdesk.eventlog import _EventLogItem
    from opsdesk.events import project_streams, stream_pk

    return [(item.pk, item.sk) for stream in project_streams(project_id)
            for item in _EventLogItem.query(stream_pk(tenant_id, stream), consistent_read=True)]


class OneTenantsPurges:
    """The purge markers of one tenant only: other tests on the same moto delete projects too."""

    def __init__(self, purges: Any, tenant_id: str) -> None:
        self._purges, self._tenant_id = purges, tenant_id
        self.delete_some, self.forget = purges.delete_some, purges.forget

    def pending(self, limit: int, after: str | None = None) -> Any:
        from opsdesk.copilot.purge import MarkerPage

        del after  # one page: a test's tenant has a marker or two
        every = self._purges.pending(1000).purges
        return MarkerPage(tuple(p for p in every if p.tenant_id == self._tenant_id)[:limit], None)


def test_a_deleted_projects_items_are_purged_in_batches_and_its_marker_kept_until_the_delete_settles(
        local_aws: Any) -> None:
    from opsdesk.copilot.purge import SETTLE, purge_deleted_projects
    from opsdesk.copilot.purge_repository import PurgeRepository
    from opsdesk.copilot.service import incident_created_event
    from opsdesk.dynamo import metered_reads
    from opsdesk.eventlog import EventLog

    # Given two projects of one tenant holding items in every partition a project has, and the second deleted
    store = moto_copilot_store()
    reg = register(store)
    tenant_id = reg.tenant.id
    doomed = Project(str(uuid.uuid4()), tenant_id, "Doomed", "", T0, T0)
    store.create_project(doomed, member(doomed, Role.OWNER, reg.owner), reg.owner)
    for project in (reg.project, doomed):
        fill_project(store, tenant_id, project)
    kept = project_items(tenant_id, reg.project.id)
    left = project_items(tenant_id, doomed.id)
    store.delete_project(fresh(store, replace(reg, project=doomed))[1])
    purges = OneTenantsPurges(PurgeRepository(EventLog()), tenant_id)
    (pending,) = purges.pending(20).purges
    assert pending.project_id == doomed.id
    markers = len(PurgeRepository(EventLog()).pending(1000).purges)
    assert project_items(tenant_id, doomed.id) == left - 1 >= 15  # the delete took the owner's membership
    assert len(stream_items(tenant_id, doomed.id)) == 4 + 3 + 3 + 1 + 2  # 4 heads and their events

    # When a run has time for one batch of 4
    ticks = iter([False, True])
    with metered_reads() as meter:
        run = purge_deleted_projects(purges, pending.deleted_at, lambda: next(ticks), batch=4)

    # Then it deleted 4 items, reading the markers and no more of the project than it deleted
    assert (run.deleted, run.out_of_time) == (4, True)
    assert meter.items <= markers + 4
    assert project_items(tenant_id, doomed.id) == left - 1 - 4

    # When later runs have time: the project is emptied, the marker kept until the delete settles
    unsettled = purge_deleted_projects(purges, pending.deleted_at + SETTLE / 2, lambda: False, batch=4)
    assert (unsettled.deleted, unsettled.finished) == (left - 1 - 4, 0)
    assert project_items(tenant_id, doomed.id) == 0
    straggler = incident(doomed.id, 9)  # a write that began before the delete lands after the purge
    store.create_incident(tenant_id, straggler, [incident_created_event(straggler)])
    landed = project_items(tenant_id, doomed.id)  # the incident, its day's count, its event and the stream's head
    settled = purge_deleted_projects(purges, pending.deleted_at + SETTLE, lambda: False)

    # Then the straggler went with the last run, the marker is forgotten, and the other project kept every item
    assert (settled.deleted, settled.finished) == (landed, 1) == (4, 1)
    assert project_items(tenant_id, doomed.id) == 0
    assert purges.pending(20).purges == ()
    assert project_items(tenant_id, reg.project.id) == kept
    assert store.get_project(tenant_id, reg.project.id) is not None
    assert items_under(f"T#{tenant_id}#P#{doomed.id}") == []  # no partition of the project was missed
    assert stream_items(tenant_id, doomed.id) == [] and stream_items(tenant_id, reg.project.id) != []
    assert events_naming(doomed.id) == []  # no stream of the project was missed


def events_naming(project_id: str) -> list[tuple[str, str]]:
    """Every EventsTable item whose partition names the project: a Scan, as only a test may."""
    from opsdesk.eventlog import _EventLogItem

    return [(item.pk, item.sk) for item in _EventLogItem.scan(_EventLogItem.pk.contains(project_id),
                                                              consistent_read=True)]


def items_under(prefix: str) -> list[tuple[str, str]]:
    """Every item whose partition key starts with `prefix`: a Scan, as only a test may."""
    from opsdesk.copilot.items import IncidentsTableItem

    return [(item.pk, item.sk) for item in IncidentsTableItem.scan(IncidentsTableItem.pk.startswith(prefix),
                                                                   consistent_read=True)]


def test_markers_are_read_a_page_at_a_time_and_one_that_cannot_be_read_is_left_out(local_aws: Any) -> None:
    from opsdesk.copilot import keys
    from opsdesk.copilot.items import RecordItem
    from opsdesk.copilot.purge_repository import PurgeRepository
    from opsdesk.eventlog import EventLog

    purges = PurgeRepository(EventLog())
    RecordItem(keys.PURGES_PK, "0000-unreadable", kind="purge", data="{not json").save()
    RecordItem(keys.PURGES_PK, "0001-unreadable", kind="purge",
               data='{"tenantId": "t", "projectId": "p", "deletedAt": 5}').save()
    every = purges.pending(1000)
    first = purges.pending(1)

    assert not {"0000-unreadable", "0001-unreadable"} & {p.marker for p in every.purges} and every.after is None
    assert first.purges == () and first.after == "0000-unreadable"  # the page's place is kept past it
    assert purges.pending(1, first.after).purges == ()
    assert purges.pending(1, "0001-unreadable").purges == every.purges[:1]
    RecordItem(keys.PURGES_PK, "0000-unreadable").delete()
    RecordItem(keys.PURGES_PK, "0001-unreadable").delete()


def test_the_scheduled_purge_function_empties_a_deleted_project(local_aws: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.copilot_purge import handler
    from scripts.local.gateway import LambdaContext

    store = moto_copilot_store()
    reg = register(store)
    fill_project(store, reg.tenant.id, reg.project)
    store.delete_project(fresh(store, reg)[1])
    monkeypatch.setattr(handler, "purges", OneTenantsPurges(handler.purges, reg.tenant.id))

    summary = handler.lambda_handler({"source": "aws.scheduler", "detail": {}},
                                     LambdaContext("opsdesk-copilot-purge", "us-east-1", timeout_seconds=290))

    assert summary["deleted"] >= 15 and summary["outOfTime"] is False
    assert project_items(reg.tenant.id, reg.project.id) == 0
