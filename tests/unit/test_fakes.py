"""The in-memory store keeps the SupportStore contract the service relies on."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from opsdesk.errors import Conflict
from opsdesk.support.records import Issue
from opsdesk.support.store import SupportStore
from tests.unit.fakes import DemoCatalog, InMemorySupportStore, new_uuid

Create = Callable[..., Issue]


def test_fake_has_every_method_of_the_support_store(store: InMemorySupportStore) -> None:
    assert {name for name in dir(SupportStore) if not name.startswith("_")} <= set(dir(store))


def test_sequence_is_one_counter_per_tenant_and_year(store: InMemorySupportStore) -> None:
    assert [store.next_issue_sequence("a", 2024) for _ in range(3)] == [1, 2, 3]
    assert store.next_issue_sequence("a", 2025) == 1
    assert store.next_issue_sequence("b", 2024) == 1


def test_sequence_hands_out_each_number_once_under_concurrency(store: InMemorySupportStore) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda _: store.next_issue_sequence("t", 2024), range(400)))

    assert sorted(numbers) == list(range(1, 401))


def test_update_with_a_stale_version_is_a_conflict(
    create: Create, store: InMemorySupportStore, catalog: DemoCatalog
) -> None:
    issue = create()
    store.update_issue(catalog.tenant_id, issue, replace(issue, title="first", version=2))

    with pytest.raises(Conflict):
        store.update_issue(catalog.tenant_id, issue, replace(issue, title="second", version=2))

    assert store.get_issue(catalog.tenant_id, issue.id).title == "first"


def test_update_of_a_missing_issue_is_a_conflict(create: Create, store: InMemorySupportStore) -> None:
    issue = create()

    with pytest.raises(Conflict):
        store.update_issue(new_uuid(), issue, replace(issue, version=2))


def test_environment_is_found_only_under_its_customer(store: InMemorySupportStore, catalog: DemoCatalog) -> None:
    assert store.get_environment(catalog.tenant_id, catalog.alpha.id, catalog.alpha_qa.id) == catalog.alpha_qa
    assert store.get_environment(catalog.tenant_id, catalog.beta.id, catalog.alpha_qa.id) is None
