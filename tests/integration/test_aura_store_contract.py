"""One contract, two stores: the same cases run against the in-memory aura store the unit tests use
(tests/unit/aura_fakes.py) and the DynamoDB repository on moto (opsdesk.aura.repository), driven through the
service: conditions (a stale write is a Conflict), list orders, comma-separated filters, totals from counters,
audit filters and the hash chain. Then the repository alone: items read follow the page, and an entry edited in
the table breaks the chain."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from opsdesk.aura import keys
from opsdesk.aura.journal import Journal
from opsdesk.aura.records import Ticket, TicketStatus, Usage
from opsdesk.aura.requests import CreateTicketRequest, UpdateTicketRequest
from opsdesk.aura.service import AuraService
from opsdesk.aura.store import AuditFilter, AuraStore, TicketFilter
from opsdesk.auth import Principal
from opsdesk.dynamo import spilling_counters
from opsdesk.errors import Conflict
from opsdesk.pagination import OffsetRequest
from tests.unit.aura_fakes import FakeAuraStore, RecordedKicks

S = TicketStatus


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=5)
        return self.now


@pytest.fixture(params=["in-memory", "dynamodb", "dynamodb-spilled"])
def store(request: pytest.FixtureRequest) -> Iterator[AuraStore]:
    """`dynamodb-spilled`: every write adds to its counters' spill items, as writers do after a lost race
    (opsdesk.dynamo.counter_sk), so the reads must sum them."""
    if request.param == "in-memory":
        yield FakeAuraStore()
        return
    request.getfixturevalue("local_aws")
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.eventlog import EventLog

    with spilling_counters() if request.param == "dynamodb-spilled" else nullcontext():
        yield AuraRepository(EventLog())


@pytest.fixture
def principal() -> Principal:
    return Principal(f"u-{uuid.uuid4().hex[:6]}", str(uuid.uuid4()), "alice", frozenset(), email="alice@acme.test")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def service_on(store: AuraStore, clock: Clock) -> AuraService:
    return AuraService(store, RecordedKicks(), clock=clock)


def create(service: AuraService, principal: Principal, title: str, priority: str = "medium") -> str:
    request = CreateTicketRequest.model_validate({"title": title, "description": "d", "priority": priority})
    return service.create_ticket(principal, request).id


def test_a_stale_write_is_a_conflict_and_a_second_create_too(store: AuraStore, principal: Principal,
                                                               clock: Clock) -> None:
    service = service_on(store, clock)
    ticket = service.get_ticket(principal, create(service, principal, "one"))
    service.update_ticket(principal, ticket.id, UpdateTicketRequest(title="two"))
    from opsdesk.aura.journal import Journal

    stale = Journal(ticket, clock(), lambda: str(uuid.uuid4())).build(replace(ticket, title="three"))
    with pytest.raises(Conflict):
        store.save(stale)
    again = Journal(None, clock(), lambda: str(uuid.uuid4())).build(replace(ticket, version=1))
    with pytest.raises(Conflict):
        store.save(again)
    assert service.get_ticket(principal, ticket.id).title == "two"


def test_lists_are_newest_first_filter_by_comma_separated_values_and_page_by_offset(
        store: AuraStore, principal: Principal, clock: Clock) -> None:
    service = service_on(store, clock)
    ids = [create(service, principal, f"T{n}", p) for n, p in enumerate(["low", "high", "high", "critical", "low"])]
    service.cancel(principal, ids[1])
    service.run(principal, ids[3])
    titles = [t.title for t in store.list_tickets(principal.tenant_id, TicketFilter(), 0, 10)]
    assert titles == ["T4", "T3", "T2", "T1", "T0"]
    assert [t.title for t in store.list_tickets(principal.tenant_id, TicketFilter(), 1, 2)] == ["T3", "T2"]
    by_priority = TicketFilter(priorities=("high", "critical"))
    assert [t.title for t in store.list_tickets(principal.tenant_id, by_priority, 0, 10)] == ["T3", "T2", "T1"]
    assert store.count_tickets(principal.tenant_id, by_priority) == 3
    both = TicketFilter(statuses=(S.DRAFT, S.CANCELLED), priorities=("high",))
    assert [t.title for t in store.list_tickets(principal.tenant_id, both, 0, 10)] == ["T2", "T1"]
    assert store.count_tickets(principal.tenant_id, both) == 2
    assert store.count_tickets(principal.tenant_id, TicketFilter(statuses=(S.PLANNING,))) == 1
    assert store.count_tickets(principal.tenant_id, TicketFilter()) == 5
    assert store.list_tickets(str(uuid.uuid4()), TicketFilter(), 0, 10) == []


def test_audit_lists_filter_and_total_like_the_document_says(store: AuraStore, principal: Principal,
                                                              clock: Clock) -> None:
    service = service_on(store, clock)
    first, second = create(service, principal, "one"), create(service, principal, "two")
    service.update_ticket(principal, first, UpdateTicketRequest(title="one!"))
    service.run(principal, first)
    middle = clock.now
    service.cancel(principal, second)
    tenant = principal.tenant_id
    assert [e.type for e in store.ticket_audit(tenant, first, (), 0, 10)] == [
        "ticket_created", "ticket_updated", "status_changed"]
    assert [e.type for e in store.ticket_audit(tenant, first, ("status_changed", "ticket_created"), 0, 10)] == [
        "ticket_created", "status_changed"]
    everything = store.audit(tenant, AuditFilter(), 0, 10)
    assert [e.type for e in everything][:1] == ["status_changed"] and len(everything) == 5
    assert store.count_audit(tenant, AuditFilter()) == 5
    changes = AuditFilter(types=("status_changed",))
    assert [e.ticket_id for e in store.audit(tenant, changes, 0, 10)] == [second, first]
    assert store.count_audit(tenant, changes) == 2
    assert store.count_audit(tenant, AuditFilter(ticket_id=first)) == 3
    assert store.count_audit(tenant, AuditFilter(ticket_id=first, types=("ticket_updated",))) == 1
    assert store.count_audit(tenant, AuditFilter(actor="user")) == 5
    assert store.count_audit(tenant, AuditFilter(actor="agent")) == 0
    later = AuditFilter(since=middle)
    assert [e.ticket_id for e in store.audit(tenant, later, 0, 10)] == [second]
    assert store.count_audit(tenant, later) == 1
    assert store.count_audit(tenant, AuditFilter(until=middle)) == 4
    oldest = everything[-1]
    after_it = AuditFilter(ticket_id=oldest.ticket_id, since=oldest.timestamp)
    assert oldest.id not in {e.id for e in store.audit(tenant, after_it, 0, 10)}  # `since` is exclusive
    before_it = AuditFilter(ticket_id=oldest.ticket_id, until=oldest.timestamp)
    assert store.audit(tenant, before_it, 0, 10) == [] and store.count_audit(tenant, before_it) == 0
    assert store.audit(str(uuid.uuid4()), AuditFilter(), 0, 10) == []


def test_stats_sum_every_changes_counters_and_hourly_tokens(store: AuraStore, principal: Principal,
                                                             clock: Clock) -> None:
    service = service_on(store, clock)
    ids = [create(service, principal, f"T{n}", ("low", "high")[n % 2]) for n in range(4)]
    service.cancel(principal, ids[0])
    spent = [(ids[1], 100, timedelta(0)), (ids[2], 200, timedelta(0)), (ids[1], 300, timedelta(hours=-2)),
             (ids[3], 400, timedelta(days=-2))]
    for ticket_id, tokens, shift in spent:
        ticket = service.get_ticket(principal, ticket_id)
        journal = Journal(ticket, clock(), lambda: str(uuid.uuid4()))
        journal.spend(Usage(tokens, tokens // 10, tokens / 1_000_000))
        journal.turns = 1
        store.save(journal.build(replace(ticket, updated_at=journal.now + shift)))

    stats = service.stats(principal)

    assert stats["tickets"] == {"total": 4, "byStatus": {"draft": 3, "cancelled": 1}}
    assert stats["agent"]["totalTurns"] == 4
    assert stats["tokenUsage"] == {"total": 1100, "estimatedCost": 0.001, "last24h": 660, "last7d": 1100}
    assert store.count_tickets(principal.tenant_id, TicketFilter(priorities=("high",))) == 2
    assert store.count_audit(principal.tenant_id, AuditFilter(types=("status_changed",))) == 1


def test_the_chain_reads_back_intact(store: AuraStore, principal: Principal, clock: Clock) -> None:
    service = service_on(store, clock)
    ticket_id = create(service, principal, "one")
    for n in range(3):
        service.update_ticket(principal, ticket_id, UpdateTicketRequest(title=f"v{n}"))
    report = service.verify_audit(principal, ticket_id)
    assert report.intact and report.entries == 4


class WriterInBetween:
    """The store, with `write` run once right after the next ticket read returns: a change saved between the verify
    route's read of the head and its read of the entries."""

    def __init__(self, store: AuraStore, write: Callable[[], object]) -> None:
        self._store, self._write = store, write

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None:
        ticket = self._store.get_ticket(tenant_id, ticket_id)
        write, self._write = self._write, lambda: None
        write()
        return ticket


def test_an_entry_appended_while_the_chain_is_verified_is_no_break(store: AuraStore, principal: Principal,
                                                                    clock: Clock) -> None:
    # Given a ticket of two entries, and a change that appends a third after verify read the head
    service = service_on(store, clock)
    ticket_id = create(service, principal, "one")
    service.update_ticket(principal, ticket_id, UpdateTicketRequest(title="two"))
    appends = WriterInBetween(store, lambda: service.update_ticket(principal, ticket_id,
                                                                   UpdateTicketRequest(title="three")))

    # When the chain is verified
    report = service_on(cast(AuraStore, appends), clock).verify_audit(principal, ticket_id)

    # Then it is the chain up to that head, intact; the next verify covers the third entry
    assert (report.intact, report.entries, report.reason) == (True, 2, None)
    assert service.verify_audit(principal, ticket_id).entries == 3


def two_entries_on_moto(principal: Principal, clock: Clock) -> tuple[AuraService, Any, str]:
    """A ticket with two audit entries in the moto table, and the table (boto3) to tamper with it."""
    import boto3

    from opsdesk.aura.repository import AuraRepository
    from opsdesk.eventlog import EventLog
    from opsdesk.settings import AuraSettings, load_settings

    settings = load_settings(AuraSettings)
    service = service_on(AuraRepository(EventLog(), settings), clock)
    ticket_id = create(service, principal, "one")
    service.update_ticket(principal, ticket_id, UpdateTicketRequest(title="two"))
    table = boto3.resource("dynamodb", region_name=settings.aws_region,
                           endpoint_url=settings.aws_endpoint_url).Table(settings.tickets_table_name)
    return service, table, ticket_id


@pytest.mark.usefixtures("local_aws")
def test_an_entry_removed_at_the_head_still_breaks_the_chain(principal: Principal, clock: Clock) -> None:
    service, table, ticket_id = two_entries_on_moto(principal, clock)
    table.delete_item(Key={"pk": keys.ticket_pk(principal.tenant_id, ticket_id), "sk": keys.audit_sk(2)})

    report = service.verify_audit(principal, ticket_id)

    assert (report.intact, report.entries, report.first_broken_sequence) == (False, 1, 2)
    assert report.reason == "the chain does not end where the ticket's head says"


@pytest.mark.usefixtures("local_aws")
def test_an_entry_edited_in_the_table_breaks_the_chain(principal: Principal, clock: Clock) -> None:
    service, table, ticket_id = two_entries_on_moto(principal, clock)
    key = {"pk": keys.ticket_pk(principal.tenant_id, ticket_id), "sk": keys.audit_sk(1)}
    doc = str(table.get_item(Key=key)["Item"]["doc"])
    table.update_item(Key=key, UpdateExpression="SET doc = :d",
                      ExpressionAttributeValues={":d": doc.replace('"by":"alice@acme.test"', '"by":"mallory"')})
    report = service.verify_audit(principal, ticket_id)
    assert not report.intact and report.first_broken_sequence == 1


@pytest.mark.usefixtures("local_aws")
def test_the_checkpoint_is_an_item_of_its_own_in_no_list_index(principal: Principal, clock: Clock) -> None:
    import boto3

    from opsdesk.aura import keys
    from opsdesk.aura.records import AgentProgress
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.aura.store import TicketChange
    from opsdesk.eventlog import EventLog
    from opsdesk.settings import AuraSettings, load_settings

    # Given a ticket whose agent has a checkpoint to keep
    settings = load_settings(AuraSettings)
    repository = AuraRepository(EventLog(), settings)
    ticket_id = create(service_on(repository, clock), principal, "checkpointed")
    before = repository.get_ticket(principal.tenant_id, ticket_id)
    assert before is not None
    after = replace(before, version=before.version + 1,
                    progress=AgentProgress(answers={"namespace": "cache"}, workspace={"branch": "aura/t"}))
    repository.save(TicketChange(before=before, after=after))

    # Then the ticket reads back whole, while the ticket's own item (what the list indexes copy) holds no progress
    assert repository.get_ticket(principal.tenant_id, ticket_id) == after
    table = boto3.resource("dynamodb", region_name=settings.aws_region,
                           endpoint_url=settings.aws_endpoint_url).Table(settings.tickets_table_name)
    pk = keys.ticket_pk(principal.tenant_id, ticket_id)
    ticket_item = table.get_item(Key={"pk": pk, "sk": keys.TICKET_SK})["Item"]
    checkpoint = table.get_item(Key={"pk": pk, "sk": keys.CHECKPOINT_SK})["Item"]
    assert "progress" not in str(ticket_item["doc"]) and "cache" in str(checkpoint["doc"])
    assert "tenantListPk" in ticket_item and "tenantListPk" not in checkpoint
    listed = repository.list_tickets(principal.tenant_id, TicketFilter(), 0, 10)
    assert [(t.id, t.title) for t in listed] == [(ticket_id, "checkpointed")]


@pytest.mark.usefixtures("local_aws")
def test_a_ticket_saved_with_its_checkpoint_in_its_document_reads_back_whole(principal: Principal,
                                                                             clock: Clock) -> None:
    import json

    import boto3

    from opsdesk.aura import keys
    from opsdesk.aura.codec import progress_doc
    from opsdesk.aura.records import AgentProgress
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.eventlog import EventLog
    from opsdesk.settings import AuraSettings, load_settings

    settings = load_settings(AuraSettings)
    repository = AuraRepository(EventLog(), settings)
    ticket_id = create(service_on(repository, clock), principal, "older")
    table = boto3.resource("dynamodb", region_name=settings.aws_region,
                           endpoint_url=settings.aws_endpoint_url).Table(settings.tickets_table_name)
    pk = keys.ticket_pk(principal.tenant_id, ticket_id)
    doc = json.loads(str(table.get_item(Key={"pk": pk, "sk": keys.TICKET_SK})["Item"]["doc"]))
    doc["progress"] = progress_doc(AgentProgress(answers={"name": "redis"}))  # as tickets were saved until 2026-12-06
    table.update_item(Key={"pk": pk, "sk": keys.TICKET_SK}, UpdateExpression="SET doc = :d",
                      ExpressionAttributeValues={":d": json.dumps(doc)})
    table.delete_item(Key={"pk": pk, "sk": keys.CHECKPOINT_SK})

    ticket = repository.get_ticket(principal.tenant_id, ticket_id)

    assert ticket is not None and ticket.progress.answers == {"name": "redis"}


@pytest.mark.usefixtures("local_aws")
def test_a_spilled_hour_expires_with_the_hour(principal: Principal, clock: Clock) -> None:
    from opsdesk.aura import keys
    from opsdesk.aura.items import HourItem
    from opsdesk.aura.repository import HOUR_RETENTION, AuraRepository
    from opsdesk.eventlog import EventLog

    repository = AuraRepository(EventLog())
    service = service_on(repository, clock)
    ticket = service.get_ticket(principal, create(service, principal, "one"))
    journal = Journal(ticket, clock(), lambda: str(uuid.uuid4()))
    journal.spend(Usage(100, 10, 0.0001))
    with spilling_counters():
        repository.save(journal.build(ticket))

    hours = list(HourItem.query(keys.stats_pk(principal.tenant_id), HourItem.sk.startswith(keys.HOUR_PREFIX),
                                consistent_read=True))
    assert [(h.sk.partition("#SPILL#")[0], int(h.tokens)) for h in hours] == [(keys.hour_sk(ticket.updated_at), 110)]
    assert "#SPILL#" in hours[0].sk
    assert hours[0].expiresAt == int((ticket.updated_at + HOUR_RETENTION).timestamp())


@pytest.mark.slow
@pytest.mark.usefixtures("local_aws")
def test_items_read_follow_the_page_not_the_tickets(clock: Clock) -> None:
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.dynamo import metered_reads
    from opsdesk.eventlog import EventLog

    repository = AuraRepository(EventLog())
    reads: dict[int, list[int]] = {}
    for size in (40, 400):
        principal = Principal("u", str(uuid.uuid4()), "u", frozenset())
        service = service_on(repository, clock)
        for n in range(size):
            create(service, principal, f"T{n}", ("low", "high")[n % 2])
        counts: list[int] = []
        for where in (TicketFilter(), TicketFilter(priorities=("high",)), TicketFilter(statuses=(S.DRAFT,))):
            with metered_reads() as meter:
                tickets, total = service.list_tickets(principal, where, OffsetRequest(0, 10))
            assert len(tickets) == 10 and total in (size, size // 2)
            counts.append(meter.items)
        with metered_reads() as meter:
            entries, total = service.audit(principal, AuditFilter(types=("ticket_created",)), OffsetRequest(0, 10))
        assert len(entries) == 10 and total == size
        counts.append(meter.items)
        reads[size] = counts
    assert reads[40] == reads[400], reads
    assert max(reads[400]) <= 12, reads




def agent_moved(store: AuraStore, principal: Principal, clock: Clock, ticket_id: str) -> None:
    """A status change by the agent (planning), saved as the agent saves its changes."""
    ticket = store.get_ticket(principal.tenant_id, ticket_id)
    assert ticket is not None
    journal = Journal(ticket, clock(), lambda: str(uuid.uuid4()))
    store.save(journal.build(journal.moved(ticket, S.PLANNING, "agent", "planning")))


def test_audit_by_type_and_actor_lists_and_totals_only_that_actors_entries_of_those_types(
        store: AuraStore, principal: Principal, clock: Clock) -> None:
    # Given status changes by the agent and by a person, and a person's other entries
    service = service_on(store, clock)
    first, second, third = (create(service, principal, name) for name in ("one", "two", "three"))
    agent_moved(store, principal, clock, first)
    middle = clock.now
    service.cancel(principal, second)
    agent_moved(store, principal, clock, third)
    tenant = principal.tenant_id

    # Then the type and the actor together list the actor's entries of those types, newest first
    by_agent = AuditFilter(types=("status_changed",), actor="agent")
    assert [e.ticket_id for e in store.audit(tenant, by_agent, 0, 10)] == [third, first]
    assert [e.ticket_id for e in store.audit(tenant, by_agent, 1, 1)] == [first]
    assert store.count_audit(tenant, by_agent) == 2
    by_user = AuditFilter(types=("status_changed", "ticket_created"), actor="user")
    assert [(e.type, e.ticket_id) for e in store.audit(tenant, by_user, 0, 10)] == [
        ("status_changed", second), ("ticket_created", third), ("ticket_created", second), ("ticket_created", first)]
    assert store.count_audit(tenant, by_user) == 4
    later = AuditFilter(types=("status_changed",), actor="agent", since=middle)
    assert [e.ticket_id for e in store.audit(tenant, later, 0, 10)] == [third]
    assert store.count_audit(tenant, later) == 1
    assert store.audit(tenant, AuditFilter(types=("ticket_updated",), actor="agent"), 0, 10) == []


@pytest.mark.slow
@pytest.mark.usefixtures("local_aws")
def test_a_type_and_actor_page_reads_the_page_not_the_types_entries(clock: Clock) -> None:
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.dynamo import metered_reads
    from opsdesk.eventlog import EventLog

    repository = AuraRepository(EventLog())
    reads: dict[int, int] = {}
    for size in (20, 120):
        # Given one status change by the agent, older than `size` status changes by people
        principal = Principal("u", str(uuid.uuid4()), "u", frozenset())
        service = service_on(repository, clock)
        agent_moved(repository, principal, clock, create(service, principal, "first"))
        for n in range(size):
            service.cancel(principal, create(service, principal, f"T{n}"))

        # When a page of one of the agent's status changes is read
        with metered_reads() as meter:
            entries, total = service.audit(principal, AuditFilter(types=("status_changed",), actor="agent"),
                                           OffsetRequest(0, 1))

        # Then it reads that page (and the counters for its total), whatever the people did
        assert [(e.type, e.actor) for e in entries] == [("status_changed", "agent")] and total == 1
        reads[size] = meter.items
    assert reads[20] == reads[120], reads
    assert reads[120] <= 3, reads


@pytest.mark.usefixtures("local_aws")
def test_a_throttled_ticket_read_is_a_429_with_retry_after(principal: Principal, clock: Clock,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import QueryError

    from opsdesk.aura.items import ListedItem
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.errors import RateLimited
    from opsdesk.eventlog import EventLog

    repository = AuraRepository(EventLog())
    ticket_id = create(service_on(repository, clock), principal, "busy")
    throttled = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "Query")

    class ThrottledTable:
        def query(self, *args: object, **kwargs: object) -> object:
            raise QueryError("throttled", cause=throttled)

    monkeypatch.setattr(ListedItem, "_get_connection", ThrottledTable)

    with pytest.raises(RateLimited) as raised:
        repository.get_ticket(principal.tenant_id, ticket_id)

    assert raised.value.headers["Retry-After"]
