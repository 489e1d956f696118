"""The one-off keying of aura audit entries by type and actor (scripts/migrate_aura_audit_keys.py), on moto: entries
written before the key existed are missing from a type-and-actor list until it runs; then the list holds every
entry, and a second run finds nothing to do. The snapshot upgrade of the local stack keys them alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from opsdesk.aura.store import AuditFilter
from tests.integration.conftest import empty_copy_of


@pytest.fixture
def empty_tickets_table(local_aws: Any) -> Iterator[str]:
    """A tickets table of its own, as the shared one is: the keying scans its table whole."""
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.eventlog import EventLog

    try:
        with empty_copy_of(local_aws, "TicketsTable") as name:
            yield name
    finally:
        AuraRepository(EventLog())  # the item classes back on the shared table


def test_entries_written_before_the_key_are_listed_by_type_and_actor_once_keyed(local_aws: Any,
                                                                                empty_tickets_table: str) -> None:
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.aura.requests import CreateTicketRequest
    from opsdesk.aura.service import AuraService
    from opsdesk.auth import Principal
    from opsdesk.eventlog import EventLog
    from opsdesk.settings import AuraSettings, load_settings
    from scripts.local.aws import client
    from scripts.migrate_aura_audit_keys import migrate
    from tests.unit.aura_fakes import RecordedKicks

    dynamodb = client("dynamodb", local_aws.endpoint, local_aws.region)
    table = empty_tickets_table
    repository = AuraRepository(EventLog(), replace(load_settings(AuraSettings), tickets_table_name=table))
    service = AuraService(repository, RecordedKicks())
    principal = Principal("u", f"mig-{uuid.uuid4()}", "u", frozenset(), email="a@x.test")
    tenant, created = principal.tenant_id, AuditFilter(types=("ticket_created",), actor="user")

    # Given two tickets' entries written as before the key existed, and one written since
    for title in ("one", "two"):
        service.create_ticket(principal, CreateTicketRequest(title=title, description="d"))
    for item in dynamodb.scan(TableName=table)["Items"]:
        if item["sk"]["S"].startswith("AU#"):
            dynamodb.update_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]},
                                 UpdateExpression="REMOVE dueBucket, dueSk")
    assert repository.audit(tenant, created, 0, 10) == []  # what the list says until it runs
    service.create_ticket(principal, CreateTicketRequest(title="three", description="d"))

    # When the keying runs, twice
    first, second = migrate(dynamodb, table), migrate(dynamodb, table)

    # Then the list holds every entry, and the second run found nothing left
    assert (first, second) == (2, 0)
    assert len(repository.audit(tenant, created, 0, 10)) == 3
    assert repository.audit(tenant, AuditFilter(types=("ticket_created",), actor="agent"), 0, 10) == []
    assert service.verify_audit(principal, repository.audit(tenant, created, 0, 1)[0].ticket_id).intact


def test_a_snapshot_of_the_older_layout_is_keyed_as_it_is_restored() -> None:
    from scripts.local.snapshot import _upgrade

    entry = {"pk": {"S": "A#t1#TK#k1"}, "sk": {"S": "AU#00000001"}, "listSk": {"S": "2026-12-01T00:00:00.000Z#k1#1"},
             "doc": {"S": '{"type":"ticket_created","actor":"user"}'}}
    ticket = {"pk": {"S": "A#t1#TK#k1"}, "sk": {"S": "TICKET"}, "listSk": {"S": "x"}, "doc": {"S": "{}"}}
    document: dict[str, Any] = {"layout": 4, "tables": {"TicketsTable": [entry, ticket]}}

    _upgrade(document)

    assert document["tables"]["TicketsTable"] == [
        {**entry, "dueBucket": {"S": "A#t1#AUDIT#TYPE#ticket_created#ACTOR#user"}, "dueSk": entry["listSk"]}, ticket]
