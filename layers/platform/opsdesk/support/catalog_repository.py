"""CatalogRepository: the support catalog on the SupportTable: customers, their environments and planes (the
SupportStore's catalog reads, and the writes that seed and administer them)."""

from __future__ import annotations

from typing import Any

from opsdesk.dynamo import get_item, record_items_read
from opsdesk.support.counters import customers_pk, environments_pk, planes_pk
from opsdesk.support.items import (
    CustomerItem,
    EnvironmentItem,
    OptionMap,
    PlaneContextMap,
    PlaneItem,
    customer_record,
    environment_record,
    plane_record,
)
from opsdesk.support.records import Customer, Environment, Plane
from opsdesk.support.table_repository import SupportTableRepository


class CatalogRepository(SupportTableRepository):
    """Customers, environments and planes: each list is one Query of its partition."""

    # Catalog reads

    def list_customers(self, tenant_id: str) -> list[Customer]:
        return [customer_record(item) for item in _query_all(CustomerItem, customers_pk(tenant_id))]

    def get_customer(self, tenant_id: str, customer_id: str) -> Customer | None:
        item = get_item(CustomerItem, customers_pk(tenant_id), f"C#{customer_id}")
        return customer_record(item) if item else None

    def list_environments(self, tenant_id: str, customer_id: str) -> list[Environment]:
        items = _query_all(EnvironmentItem, environments_pk(tenant_id, customer_id))
        return [environment_record(item) for item in items]

    def get_environment(self, tenant_id: str, customer_id: str, environment_id: str) -> Environment | None:
        item = get_item(EnvironmentItem, environments_pk(tenant_id, customer_id), f"E#{environment_id}")
        return environment_record(item) if item else None

    def list_planes(self, tenant_id: str) -> list[Plane]:
        return [plane_record(item) for item in _query_all(PlaneItem, planes_pk(tenant_id))]

    # Catalog writes (seeding and administration)

    def put_customer(self, tenant_id: str, customer: Customer) -> None:
        CustomerItem(customers_pk(tenant_id), f"C#{customer.id}", id=customer.id, name=customer.name,
                      createdAt=customer.created_at).save()

    def put_environment(self, tenant_id: str, environment: Environment) -> None:
        EnvironmentItem(
            environments_pk(tenant_id, environment.customer_id), f"E#{environment.id}", id=environment.id,
            customerId=environment.customer_id, name=environment.name, type=environment.type,
            createdAt=environment.created_at,
        ).save()

    def put_plane(self, tenant_id: str, plane: Plane) -> None:
        contexts = [
            PlaneContextMap(id=c.id, key=c.key, label=c.label, fieldType=c.field_type.value, isRequired=c.is_required,
                             options=[OptionMap(value=o.value, label=o.label) for o in c.options])
            for c in plane.contexts
        ]
        PlaneItem(planes_pk(tenant_id), f"P#{plane.id}", id=plane.id, name=plane.name, slug=plane.slug,
                   description=plane.description, contexts=contexts).save()


def _query_all(model: type[Any], pk: str) -> list[Any]:
    results = model.query(pk)
    items = list(results)
    record_items_read(results.page_iter.total_scanned_count)
    return items
