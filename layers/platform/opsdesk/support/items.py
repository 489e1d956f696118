"""The support table's items (pynamodb models) and their conversions to and from records: what the repository
(opsdesk.support.repository) reads and writes, and nothing else imports. The keys they are stored under come from
opsdesk.support.counters; the layout is in docs/data-model.md. The repository's constructor binds them to the
physical table (opsdesk.dynamo.bind_table).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from opsdesk import tables
from opsdesk.dynamo import index_model, unbound_meta
from opsdesk.support.counters import (
    ISSUE_SK,
    DimensionKind,
    combination_dimension,
    customer_dimension,
    issue_pk,
    plane_dimension,
    status_dimension,
    tenant_dimension,
)
from opsdesk.support.records import (
    ContextOption,
    Customer,
    Environment,
    EnvironmentRef,
    FieldType,
    Issue,
    IssueContext,
    IssueStatus,
    Plane,
    PlaneContext,
    Ref,
)

KEY_ONLY = ["pk", "sk"]


class SupportItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class CustomerItem(SupportItem):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class EnvironmentItem(SupportItem):
    id = UnicodeAttribute()
    customerId = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class OptionMap(MapAttribute[str, Any]):
    value = UnicodeAttribute()
    label = UnicodeAttribute()


class PlaneContextMap(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    key = UnicodeAttribute()
    label = UnicodeAttribute()
    fieldType = UnicodeAttribute()
    isRequired = BooleanAttribute()
    options = ListAttribute(of=OptionMap, default=list)


class PlaneItem(SupportItem):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    description = UnicodeAttribute()
    contexts = ListAttribute(of=PlaneContextMap, default=list)


class RefMap(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    name = UnicodeAttribute()


class EnvironmentRefMap(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()


class IssueContextMap(MapAttribute[str, Any]):
    planeContextId = UnicodeAttribute()
    key = UnicodeAttribute()
    label = UnicodeAttribute()
    value = UnicodeAttribute()
    displayValue = UnicodeAttribute()


IssuesByTenant = index_model(tables.SUPPORT_ISSUES_BY_TENANT, "tenantListPk", "listSk")
IssuesByCustomer = index_model(tables.SUPPORT_ISSUES_BY_CUSTOMER, "customerListPk", "listSk")
IssuesByPlane = index_model(tables.SUPPORT_ISSUES_BY_PLANE, "planeListPk", "listSk")
IssuesByStatus = index_model(tables.SUPPORT_ISSUES_BY_STATUS, "statusListPk", "listSk")
IssuesByCombination = index_model(tables.SUPPORT_ISSUES_BY_COMBINATION, "combinationListPk", "listSk")


class IssueItem(SupportItem):
    id = UnicodeAttribute()
    displayId = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    customer = RefMap()
    environment = EnvironmentRefMap()
    primaryPlane = RefMap()
    secondaryPlanes = ListAttribute(of=RefMap, default=list)
    contexts = ListAttribute(of=IssueContextMap, default=list)
    submitterHandle = UnicodeAttribute()
    pipelineUrl = UnicodeAttribute(null=True)
    createdAt = UnicodeAttribute()
    updatedAt = UnicodeAttribute()
    createdBy = UnicodeAttribute()
    resolvedAt = UnicodeAttribute(null=True)
    version = NumberAttribute()

    tenantListPk = UnicodeAttribute()
    customerListPk = UnicodeAttribute()
    planeListPk = UnicodeAttribute()
    statusListPk = UnicodeAttribute()
    combinationListPk = UnicodeAttribute(null=True)
    """Null on items written before the index existed: `make dev-reset` (or a backfill) lists them."""
    listSk = UnicodeAttribute()

    by_tenant = IssuesByTenant()
    by_customer = IssuesByCustomer()
    by_plane = IssuesByPlane()
    by_status = IssuesByStatus()
    by_combination = IssuesByCombination()


class CounterItem(SupportItem):
    n = NumberAttribute(default=0)


class FeedbackItem(SupportItem):
    id = UnicodeAttribute()
    docUrl = UnicodeAttribute()
    docType = UnicodeAttribute()
    helpful = BooleanAttribute()
    issueId = UnicodeAttribute(null=True)
    planeSlug = UnicodeAttribute(null=True)
    customerId = UnicodeAttribute(null=True)
    userId = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class DocStatsItem(SupportItem):
    """Views of and feedback on one article, all time (sk ALL#<url>) or in one month (sk M#<yyyy-mm>#<url>)."""

    docUrl = UnicodeAttribute()
    docType = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    views = NumberAttribute(default=0)
    feedback = NumberAttribute(default=0)
    helpful = NumberAttribute(default=0)


class HelpSessionItem(SupportItem):
    """A user's latest help session (doc searches and chats without a long gap)."""

    startedDay = UnicodeAttribute()
    startedBy = UnicodeAttribute()
    lastActivityAt = UnicodeAttribute()
    escalated = BooleanAttribute(default=False)


class StatsItem(SupportItem):
    """The issue counters of one period (all time, a creation day or hour) in the tenant's or one customer's
    partition (counters.counter_partition): one number attribute per counted name (`all`, `customer:<id>`, ...),
    so a create or a status change moves every counter it touches in the transaction that writes the issue."""


class AiUsageItem(SupportItem):
    """A tenant's AI usage on one UTC day with one model (pk T#<t>#AIUSAGE, sk D#<yyyy-mm-dd>#<modelId>)."""

    day = UnicodeAttribute()
    modelId = UnicodeAttribute()
    inputTokens = NumberAttribute(default=0)
    outputTokens = NumberAttribute(default=0)
    calls = NumberAttribute(default=0)
    """Model invocations (a Bedrock tool round is one more)."""
    requests = NumberAttribute(default=0)
    """Requests of the feature (chats)."""


LIST_INDEX_BY_KIND: dict[DimensionKind, GlobalSecondaryIndex[Any]] = {
    DimensionKind.ALL: IssueItem.by_tenant,
    DimensionKind.CUSTOMER: IssueItem.by_customer,
    DimensionKind.PLANE: IssueItem.by_plane,
    DimensionKind.STATUS: IssueItem.by_status,
    DimensionKind.COMBINATION: IssueItem.by_combination,
}
"""The list index of each dimension (the partitions are its counters' module's)."""
LIST_KEY_BY_KIND: dict[DimensionKind, UnicodeAttribute] = {
    DimensionKind.ALL: IssueItem.tenantListPk,
    DimensionKind.CUSTOMER: IssueItem.customerListPk,
    DimensionKind.PLANE: IssueItem.planeListPk,
    DimensionKind.STATUS: IssueItem.statusListPk,
    DimensionKind.COMBINATION: IssueItem.combinationListPk,
}


# Conversions between items and records


def customer_record(item: CustomerItem) -> Customer:
    return Customer(id=item.id, name=item.name, created_at=item.createdAt)


def environment_record(item: EnvironmentItem) -> Environment:
    return Environment(id=item.id, customer_id=item.customerId, name=item.name, type=item.type,
                       created_at=item.createdAt)


def plane_record(item: PlaneItem) -> Plane:
    return Plane(
        id=item.id, name=item.name, slug=item.slug, description=item.description,
        contexts=tuple(
            PlaneContext(id=c.id, key=c.key, label=c.label, field_type=FieldType(c.fieldType),
                         is_required=c.isRequired, options=tuple(ContextOption(o.value, o.label) for o in c.options))
            for c in item.contexts
        ),
    )


def issue_item(tenant: str, issue: Issue) -> IssueItem:
    return IssueItem(
        issue_pk(tenant, issue.id), ISSUE_SK,
        id=issue.id, displayId=issue.display_id, title=issue.title, description=issue.description,
        status=issue.status.value,
        customer=RefMap(id=issue.customer.id, name=issue.customer.name),
        environment=EnvironmentRefMap(id=issue.environment.id, name=issue.environment.name,
                                       type=issue.environment.type),
        primaryPlane=RefMap(id=issue.primary_plane.id, name=issue.primary_plane.name),
        secondaryPlanes=[RefMap(id=p.id, name=p.name) for p in issue.secondary_planes],
        contexts=[IssueContextMap(planeContextId=c.plane_context_id, key=c.key, label=c.label, value=c.value,
                                   displayValue=c.display_value) for c in issue.contexts],
        submitterHandle=issue.submitter_handle, pipelineUrl=issue.pipeline_url,
        createdAt=issue.created_at, updatedAt=issue.updated_at, createdBy=issue.created_by,
        resolvedAt=issue.resolved_at, version=issue.version,
        tenantListPk=tenant_dimension(tenant).partition,
        customerListPk=customer_dimension(tenant, issue.customer.id).partition,
        planeListPk=plane_dimension(tenant, issue.primary_plane.id).partition,
        statusListPk=status_dimension(tenant, issue.status).partition,
        combinationListPk=combination_dimension(tenant, issue.customer.id, issue.primary_plane.id,
                                                issue.status).partition,
        listSk=f"{issue.created_at}#{issue.id}",
    )


def issue_record(item: IssueItem) -> Issue:
    return Issue(
        id=item.id, display_id=item.displayId, title=item.title, description=item.description,
        status=IssueStatus(item.status),
        customer=Ref(item.customer.id, item.customer.name),
        environment=EnvironmentRef(item.environment.id, item.environment.name, item.environment.type),
        primary_plane=Ref(item.primaryPlane.id, item.primaryPlane.name),
        secondary_planes=tuple(Ref(p.id, p.name) for p in item.secondaryPlanes),
        contexts=tuple(IssueContext(c.planeContextId, c.key, c.label, c.value, c.displayValue) for c in item.contexts),
        submitter_handle=item.submitterHandle, pipeline_url=item.pipelineUrl,
        created_at=item.createdAt, updated_at=item.updatedAt, created_by=item.createdBy,
        version=int(item.version), resolved_at=item.resolvedAt,
    )
