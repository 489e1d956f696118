"""Unit layer: domain logic over in-memory fakes. No AWS, no network, no moto."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.support.records import Issue
from opsdesk.support.requests import CreateIssueRequest
from opsdesk.support.service import SupportService
from tests.unit.fakes import DemoCatalog, FakeClock, InMemorySupportStore, build_demo_catalog, new_uuid, principal

START = datetime(2024, 1, 15, 10, 30, 0, 250_000, tzinfo=UTC)


@pytest.fixture
def store() -> InMemorySupportStore:
    return InMemorySupportStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def service(store: InMemorySupportStore, clock: FakeClock) -> SupportService:
    return SupportService(store, clock=clock)


@pytest.fixture
def tenant_id() -> str:
    return new_uuid()


@pytest.fixture
def catalog(store: InMemorySupportStore, tenant_id: str) -> DemoCatalog:
    return build_demo_catalog(store, tenant_id)


@pytest.fixture
def user(tenant_id: str) -> Principal:
    return principal(tenant_id)


@pytest.fixture
def outsider(store: InMemorySupportStore) -> Principal:
    """A user of another tenant that has its own catalog."""
    other_tenant = new_uuid()
    build_demo_catalog(store, other_tenant)
    return principal(other_tenant, user_id="outsider")


@pytest.fixture
def create(service: SupportService, user: Principal, catalog: DemoCatalog) -> Any:
    """create(**overrides) -> Issue: creates a valid issue, with body fields overridden."""

    def _create(**overrides: Any) -> Issue:
        return service.create_issue(user, CreateIssueRequest.model_validate(catalog.create_body(**overrides)))

    return _create
