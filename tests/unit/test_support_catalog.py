"""Catalog reads: customers, a customer's environments, planes; always within the caller's tenant."""

from __future__ import annotations

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import NotFound
from opsdesk.support.service import SupportService
from tests.unit.fakes import DemoCatalog, new_uuid, principal


def test_list_customers_returns_the_tenants_customers_by_name(
    service: SupportService, user: Principal, catalog: DemoCatalog, outsider: Principal
) -> None:
    assert [c.name for c in service.list_customers(user)] == ["Customer Alpha", "Customer Beta"]
    assert {c.id for c in service.list_customers(user)} == {catalog.alpha.id, catalog.beta.id}


def test_list_customers_of_a_tenant_without_any_is_empty(service: SupportService, catalog: DemoCatalog) -> None:
    assert service.list_customers(principal(new_uuid())) == []


def test_list_environments_returns_only_that_customers_environments_by_name(
    service: SupportService, user: Principal, catalog: DemoCatalog
) -> None:
    environments = service.list_environments(user, catalog.alpha.id)

    assert [e.name for e in environments] == ["alpha-prod-01", "alpha-qa-01"]
    assert {e.customer_id for e in environments} == {catalog.alpha.id}


def test_list_environments_of_another_tenants_customer_is_not_found(
    service: SupportService, catalog: DemoCatalog, outsider: Principal
) -> None:
    with pytest.raises(NotFound):
        service.list_environments(outsider, catalog.alpha.id)


@pytest.mark.parametrize("customer_id", ["not-a-uuid", "", "../customers"])
def test_list_environments_of_a_malformed_customer_id_is_not_found(
    service: SupportService, user: Principal, catalog: DemoCatalog, customer_id: str
) -> None:
    with pytest.raises(NotFound):
        service.list_environments(user, customer_id)


def test_list_environments_of_an_unknown_customer_is_not_found(
    service: SupportService, user: Principal, catalog: DemoCatalog
) -> None:
    with pytest.raises(NotFound):
        service.list_environments(user, new_uuid())


def test_list_planes_returns_the_tenants_planes_by_name_with_their_contexts(
    service: SupportService, user: Principal, catalog: DemoCatalog, outsider: Principal
) -> None:
    planes = service.list_planes(user)

    assert [p.name for p in planes] == ["App CI/CD", "Infrastructure", "Observability"]
    assert planes[0] == catalog.cicd
