"""DynamoDB access for the support table (pynamodb). Nothing outside this module sees a pynamodb object.

Item layout (docs/data-model.md has the whole table):
    customer      pk T#<tenant>#CUSTOMERS            sk C#<customerId>
    environment   pk T#<tenant>#C#<customerId>#ENVS  sk E#<environmentId>
    plane         pk T#<tenant>#PLANES               sk P#<planeId>
    issue         pk T#<tenant>#I#<issueId>          sk ISSUE
                  + list keys: tenantListPk, customerListPk, planeListPk, statusListPk; listSk = <createdAt>#<id>
    sequence      pk T#<tenant>#SEQ                  sk ISSUE#<year>        n = last number taken
    counters      pk T#<tenant>#STATS                sk ALL | D#<yyyy-mm-dd>   one number attribute per dimension
    resolutions   pk T#<tenant>#RESOLUTIONS          sk ALL | D#<yyyy-mm-dd>   `resolved`, `resolutionSeconds`
    help stats    pk T#<tenant>#HELPSTATS            sk ALL | D#<yyyy-mm-dd>   `sessions`, `escalated` (start day)
    help session  pk T#<tenant>#HELP#U#<userId>      sk SESSION             the user's latest help session
    doc stats     pk T#<tenant>#DOCSTATS             sk ALL#<url> | M#<yyyy-mm>#<url>   views, feedback, helpful

A dimension is `all`, `customer:<id>`, `plane:<primaryPlaneId>` or `status:<status>`. Counters move in the
same transaction as the issue they count (two item updates), so `pagination.total` is one GetItem for a single
filter, and a date range adds one Query over day items plus the issues of its two partial edge days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk import tables
from opsdesk.ai.usage import TokenUsage, UsageTotals
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    all_of,
    bind_table,
    connection_for,
    day_sk,
    domain_error_for,
    error_code,
    get_item,
    record_items_read,
    unbound_meta,
)
from opsdesk.events import DomainEvent
from opsdesk.pagination import Page, PageRequest
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.analytics import (
    ESCALATED,
    RESOLUTION_SECONDS,
    RESOLVED,
    SESSIONS,
    DayRange,
    DocStats,
    month_key,
    title_from_url,
)
from opsdesk.support.records import (
    ContextOption,
    Customer,
    DocFeedback,
    Environment,
    EnvironmentRef,
    FieldType,
    Issue,
    IssueContext,
    IssueFilters,
    IssueStatus,
    Plane,
    PlaneContext,
    Ref,
)

if TYPE_CHECKING:  # the event log binds to its own table at import; the catalog function has none
    from opsdesk.eventlog import EventLog

_KEY_ONLY = ["pk", "sk"]


class _SupportItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _CustomerItem(_SupportItem):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class _EnvironmentItem(_SupportItem):
    id = UnicodeAttribute()
    customerId = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class _OptionMap(MapAttribute[str, Any]):
    value = UnicodeAttribute()
    label = UnicodeAttribute()


class _PlaneContextMap(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    key = UnicodeAttribute()
    label = UnicodeAttribute()
    fieldType = UnicodeAttribute()
    isRequired = BooleanAttribute()
    options = ListAttribute(of=_OptionMap, default=list)


class _PlaneItem(_SupportItem):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    description = UnicodeAttribute()
    contexts = ListAttribute(of=_PlaneContextMap, default=list)


class _RefMap(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    name = UnicodeAttribute()


class _EnvironmentRefMap(MapAttribute[str, Any]):
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()


class _IssueContextMap(MapAttribute[str, Any]):
    planeContextId = UnicodeAttribute()
    key = UnicodeAttribute()
    label = UnicodeAttribute()
    value = UnicodeAttribute()
    displayValue = UnicodeAttribute()


class _IssuesByTenant(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = tables.SUPPORT_ISSUES_BY_TENANT
        projection = AllProjection()

    tenantListPk = UnicodeAttribute(hash_key=True)
    listSk = UnicodeAttribute(range_key=True)


class _IssuesByCustomer(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = tables.SUPPORT_ISSUES_BY_CUSTOMER
        projection = AllProjection()

    customerListPk = UnicodeAttribute(hash_key=True)
    listSk = UnicodeAttribute(range_key=True)


class _IssuesByPlane(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = tables.SUPPORT_ISSUES_BY_PLANE
        projection = AllProjection()

    planeListPk = UnicodeAttribute(hash_key=True)
    listSk = UnicodeAttribute(range_key=True)


class _IssuesByStatus(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = tables.SUPPORT_ISSUES_BY_STATUS
        projection = AllProjection()

    statusListPk = UnicodeAttribute(hash_key=True)
    listSk = UnicodeAttribute(range_key=True)


class _IssueItem(_SupportItem):
    id = UnicodeAttribute()
    displayId = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    status = UnicodeAttribute()
    customer = _RefMap()
    environment = _EnvironmentRefMap()
    primaryPlane = _RefMap()
    secondaryPlanes = ListAttribute(of=_RefMap, default=list)
    contexts = ListAttribute(of=_IssueContextMap, default=list)
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
    listSk = UnicodeAttribute()

    by_tenant = _IssuesByTenant()
    by_customer = _IssuesByCustomer()
    by_plane = _IssuesByPlane()
    by_status = _IssuesByStatus()


class _CounterItem(_SupportItem):
    n = NumberAttribute(default=0)


class _FeedbackItem(_SupportItem):
    id = UnicodeAttribute()
    docUrl = UnicodeAttribute()
    docType = UnicodeAttribute()
    helpful = BooleanAttribute()
    issueId = UnicodeAttribute(null=True)
    planeSlug = UnicodeAttribute(null=True)
    customerId = UnicodeAttribute(null=True)
    userId = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class _DocStatsItem(_SupportItem):
    """Views of and feedback on one article, all time (sk ALL#<url>) or in one month (sk M#<yyyy-mm>#<url>)."""

    docUrl = UnicodeAttribute()
    docType = UnicodeAttribute()
    title = UnicodeAttribute(null=True)
    views = NumberAttribute(default=0)
    feedback = NumberAttribute(default=0)
    helpful = NumberAttribute(default=0)


class _HelpSessionItem(_SupportItem):
    """A user's latest help session (doc searches and chats without a long gap)."""

    startedDay = UnicodeAttribute()
    startedBy = UnicodeAttribute()
    lastActivityAt = UnicodeAttribute()
    escalated = BooleanAttribute(default=False)


class _StatsItem(_SupportItem):
    """The issue counters of one period (all time, or one creation day): one number attribute per dimension,
    named after it (`all`, `customer:<id>`, ...), so a create or a status change moves every counter it touches
    with two item updates."""


class _AiUsageItem(_SupportItem):
    """A tenant's AI usage on one UTC day with one model (pk T#<t>#AIUSAGE, sk D#<yyyy-mm-dd>#<modelId>)."""

    day = UnicodeAttribute()
    modelId = UnicodeAttribute()
    inputTokens = NumberAttribute(default=0)
    outputTokens = NumberAttribute(default=0)
    calls = NumberAttribute(default=0)
    """Model invocations (a Bedrock tool round is one more)."""
    requests = NumberAttribute(default=0)
    """Requests of the feature (chats)."""


def _ai_usage_pk(tenant: str) -> str:
    return f"T#{tenant}#AIUSAGE"


# Keys


def _customers_pk(tenant: str) -> str:
    return f"T#{tenant}#CUSTOMERS"


def _environments_pk(tenant: str, customer_id: str) -> str:
    return f"T#{tenant}#C#{customer_id}#ENVS"


def _planes_pk(tenant: str) -> str:
    return f"T#{tenant}#PLANES"


def _issue_pk(tenant: str, issue_id: str) -> str:
    return f"T#{tenant}#I#{issue_id}"


def _stats_pk(tenant: str) -> str:
    return f"T#{tenant}#STATS"


def _resolutions_pk(tenant: str) -> str:
    return f"T#{tenant}#RESOLUTIONS"


def _help_stats_pk(tenant: str) -> str:
    return f"T#{tenant}#HELPSTATS"


def _help_session_pk(tenant: str, user_id: str) -> str:
    return f"T#{tenant}#HELP#U#{user_id}"


def _doc_stats_pk(tenant: str) -> str:
    return f"T#{tenant}#DOCSTATS"


HELP_SESSION_SK = "SESSION"


ISSUE_SK = "ISSUE"
ALL_TIME_SK = "ALL"


@dataclass(frozen=True)
class _Dimension:
    """One way of slicing the tenant's issues: an index partition, and the counters that count it."""

    name: str
    index: GlobalSecondaryIndex[Any]
    partition: str
    condition: Condition | None = None
    """For a combination of filters: the index partition is its leading filter's, the rest a filter expression."""



def _tenant_dimension(tenant: str) -> _Dimension:
    return _Dimension("all", _IssueItem.by_tenant, f"T#{tenant}#ISSUES")


def _customer_dimension(tenant: str, customer_id: str) -> _Dimension:
    return _Dimension(f"customer:{customer_id}", _IssueItem.by_customer, f"T#{tenant}#ISSUES#C#{customer_id}")


def _plane_dimension(tenant: str, plane_id: str) -> _Dimension:
    return _Dimension(f"plane:{plane_id}", _IssueItem.by_plane, f"T#{tenant}#ISSUES#P#{plane_id}")


def _status_dimension(tenant: str, status: IssueStatus) -> _Dimension:
    return _Dimension(f"status:{status.value}", _IssueItem.by_status, f"T#{tenant}#ISSUES#S#{status.value}")


def _dimensions_of(tenant: str, issue: Issue) -> list[_Dimension]:
    """Every dimension an issue is counted in."""
    return [
        _tenant_dimension(tenant),
        _customer_dimension(tenant, issue.customer.id),
        _plane_dimension(tenant, issue.primary_plane.id),
        _status_dimension(tenant, issue.status),
    ]


def _counted_names(tenant: str, issue: Issue) -> list[str]:
    """Every counter an issue adds one to: each dimension alone and each combination of two or three of customer,
    plane and status (`customer:<id>&status:<s>`, ...), so a combined filter's total is a counter too."""
    _, *filterable = _dimensions_of(tenant, issue)
    names = [d.name for d in _dimensions_of(tenant, issue)]
    for size in (2, 3):
        names.extend(_combined_name(combination) for combination in combinations(filterable, size))
    return names


def _combined_name(dimensions: Sequence[_Dimension]) -> str:
    return "&".join(d.name for d in dimensions)


def _dimensions_for(tenant: str, filters: IssueFilters) -> list[_Dimension]:
    """The dimensions a filter set selects, most selective first; no filter is the whole tenant."""
    chosen: list[_Dimension] = []
    if filters.customer_id:
        chosen.append(_customer_dimension(tenant, filters.customer_id))
    if filters.plane_id:
        chosen.append(_plane_dimension(tenant, filters.plane_id))
    if filters.status:
        chosen.append(_status_dimension(tenant, filters.status))
    return chosen or [_tenant_dimension(tenant)]


def _creation_day(issue: Issue) -> date:
    return parse_rfc3339(issue.created_at).date()


def _resolution_deltas(issue: Issue, sign: int) -> tuple[str, dict[str, int]]:
    """The day item of the issue's resolution and what it adds there (sign -1 takes a resolution back)."""
    assert issue.resolved_at is not None
    resolved = parse_rfc3339(issue.resolved_at)
    seconds = int((resolved - parse_rfc3339(issue.created_at)).total_seconds())
    return day_sk(resolved.date()), {RESOLVED: sign, RESOLUTION_SECONDS: sign * seconds}


Moves = dict[tuple[str, str], Counter[str]]
"""Counter deltas per stats item, keyed (pk, sk)."""


def _issue_deltas(tenant: str, before: Issue | None, after: Issue) -> Moves:
    """Counter moves for a create (`before` None) or a change: the dimensions on the all-time and creation-day
    counter items, the resolution figures on the all-time and resolution-day items (apart, so issue lists never
    read them). One update per item, since a transaction may not touch an item twice."""
    moves: Moves = {}

    def add(pk: str, sk: str, deltas: dict[str, int]) -> None:
        for target in (ALL_TIME_SK, sk):
            moves.setdefault((pk, target), Counter()).update(deltas)

    counters, created_sk = _stats_pk(tenant), day_sk(_creation_day(after))
    counted = Counter(_counted_names(tenant, after))
    if before is not None:
        counted.subtract(_counted_names(tenant, before))  # a status move: only the names with a status differ
    if any(counted.values()):
        add(counters, created_sk, {name: delta for name, delta in counted.items() if delta})
    if before is not None and before.resolved_at and before.resolved_at != after.resolved_at:
        add(_resolutions_pk(tenant), *_resolution_deltas(before, -1))
    if after.resolved_at and (before is None or before.resolved_at != after.resolved_at):
        add(_resolutions_pk(tenant), *_resolution_deltas(after, +1))
    return moves


class SupportRepository:
    """The SupportStore on DynamoDB. With an event log, writes publish their events in the same transaction."""

    def __init__(self, event_log: EventLog | None = None, settings: SupportSettings | None = None) -> None:
        settings = settings or load_settings(SupportSettings)
        bind_table(_SupportItem, settings.support_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)

    # Catalog reads

    def list_customers(self, tenant_id: str) -> list[Customer]:
        return [_customer(item) for item in self._query_all(_CustomerItem, _customers_pk(tenant_id))]

    def get_customer(self, tenant_id: str, customer_id: str) -> Customer | None:
        item = get_item(_CustomerItem, _customers_pk(tenant_id), f"C#{customer_id}")
        return _customer(item) if item else None

    def list_environments(self, tenant_id: str, customer_id: str) -> list[Environment]:
        items = self._query_all(_EnvironmentItem, _environments_pk(tenant_id, customer_id))
        return [_environment(item) for item in items]

    def get_environment(self, tenant_id: str, customer_id: str, environment_id: str) -> Environment | None:
        item = get_item(_EnvironmentItem, _environments_pk(tenant_id, customer_id), f"E#{environment_id}")
        return _environment(item) if item else None

    def list_planes(self, tenant_id: str) -> list[Plane]:
        return [_plane(item) for item in self._query_all(_PlaneItem, _planes_pk(tenant_id))]

    # Catalog writes (seeding and administration)

    def put_customer(self, tenant_id: str, customer: Customer) -> None:
        _CustomerItem(_customers_pk(tenant_id), f"C#{customer.id}", id=customer.id, name=customer.name,
                      createdAt=customer.created_at).save()

    def put_environment(self, tenant_id: str, environment: Environment) -> None:
        _EnvironmentItem(
            _environments_pk(tenant_id, environment.customer_id), f"E#{environment.id}", id=environment.id,
            customerId=environment.customer_id, name=environment.name, type=environment.type,
            createdAt=environment.created_at,
        ).save()

    def put_plane(self, tenant_id: str, plane: Plane) -> None:
        contexts = [
            _PlaneContextMap(id=c.id, key=c.key, label=c.label, fieldType=c.field_type.value, isRequired=c.is_required,
                             options=[_OptionMap(value=o.value, label=o.label) for o in c.options])
            for c in plane.contexts
        ]
        _PlaneItem(_planes_pk(tenant_id), f"P#{plane.id}", id=plane.id, name=plane.name, slug=plane.slug,
                   description=plane.description, contexts=contexts).save()

    # Issues

    def next_issue_sequence(self, tenant_id: str, year: int) -> int:
        return self._reserve_sequence(tenant_id, year, 1)

    def _reserve_sequence(self, tenant_id: str, year: int, count: int) -> int:
        """Add `count` to the year's sequence atomically and return the last number reserved."""
        counter = _CounterItem(f"T#{tenant_id}#SEQ", f"ISSUE#{year}")
        try:
            result = counter.update(actions=[_CounterItem.n.add(count)])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not number the issue") from exc
        return int(result["Attributes"]["n"]["N"])

    def create_issue(self, tenant_id: str, issue: Issue, events: Sequence[DomainEvent] = ()) -> None:
        item = _issue_item(tenant_id, issue)
        moves = _issue_deltas(tenant_id, None, issue)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_IssueItem.pk.does_not_exist())
            self._count(tx, moves)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            # The id is fresh, so an existing issue is our own earlier attempt; otherwise an event number was
            # taken by another writer in the meantime.
            return Outcome.DONE if self.get_issue(tenant_id, issue.id) is not None else Outcome.RETRY

        self._commit(write, "Issue already exists", outcome)

    def import_issues(self, tenant_id: str, issues: Iterable[Issue]) -> None:
        """Bulk load for seeding and benchmarks: batch writes, then one counter update per dimension and day.
        Not atomic across items; numbers must come from `reserve_display_numbers`."""
        deltas: Moves = {}
        with _IssueItem.batch_write() as batch:
            for issue in issues:
                batch.save(_issue_item(tenant_id, issue))
                for key, moves in _issue_deltas(tenant_id, None, issue).items():
                    deltas.setdefault(key, Counter()).update(moves)
        for (pk, sk), counts in deltas.items():
            _StatsItem(pk, sk).update(
                actions=[NumberAttribute(attr_name=name).add(n) for name, n in counts.items()]
            )

    def reserve_display_numbers(self, tenant_id: str, year: int, count: int) -> range:
        last = self._reserve_sequence(tenant_id, year, count)
        return range(last - count + 1, last + 1)

    def get_issue(self, tenant_id: str, issue_id: str) -> Issue | None:
        item = get_item(_IssueItem, _issue_pk(tenant_id, issue_id), ISSUE_SK)
        return _issue(item) if item else None

    def update_issue(self, tenant_id: str, before: Issue, after: Issue, events: Sequence[DomainEvent] = ()) -> None:
        item = _issue_item(tenant_id, after)
        moves = _issue_deltas(tenant_id, before, after)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_IssueItem.version == before.version)
            self._count(tx, moves)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            stored = self.get_issue(tenant_id, after.id)
            if stored == after:
                return Outcome.DONE  # our own earlier attempt
            if stored is None or stored.version != before.version:
                return Outcome.CONFLICT  # someone else changed it
            return Outcome.RETRY  # only an event number was taken meanwhile

        self._commit(write, "The issue was changed by someone else; reload it and retry", outcome)

    def query_issues(self, tenant_id: str, filters: IssueFilters, page: PageRequest) -> Page[Issue]:
        dimensions = _dimensions_for(tenant_id, filters)
        leading, rest = dimensions[0], dimensions[1:]
        key_condition = _created_between(filters.start, filters.end)
        filter_condition = all_of(_matches(d) for d in rest)
        # Two or three filters: the total is their combination's counter; the page, the leading filter's index
        # with the rest as a filter expression.
        counted = _Dimension(_combined_name(dimensions), leading.index, leading.partition, filter_condition)
        total = self._total(tenant_id, counted, filters.start, filters.end)
        if page.offset >= total:
            return Page(items=[], total=total)  # past the end: nothing to read
        results = leading.index.query(
            leading.partition,
            range_key_condition=key_condition,
            filter_condition=filter_condition,
            scan_index_forward=False,
            limit=page.offset + page.limit,
            page_size=page.offset + page.limit,
        )
        issues = [_issue(item) for item in _skip(results, page.offset)]
        record_items_read(results.page_iter.total_scanned_count)
        return Page(items=issues, total=total)

    def _commit(self, write: Callable[[TransactWrite], None], conflict_message: str,
                on_condition_failed: Callable[[], Outcome]) -> None:
        self._transactions.commit(write, lambda exc: domain_error_for(exc, conflict_message), on_condition_failed)

    # Documentation feedback

    def record_feedback(self, tenant_id: str, feedback: DocFeedback) -> None:
        """The feedback and the article's all-time and monthly tallies, in one transaction."""
        item = _FeedbackItem(
            f"T#{tenant_id}#FEEDBACK", f"{feedback.created_at}#{feedback.id}", id=feedback.id,
            docUrl=feedback.doc_url, docType=feedback.doc_type.value, helpful=feedback.helpful,
            issueId=feedback.issue_id, planeSlug=feedback.plane_slug, customerId=feedback.customer_id,
            userId=feedback.user_id, createdAt=feedback.created_at,
        )
        month = feedback.created_at[:7]
        actions: list[Action] = [
            _DocStatsItem.docUrl.set(feedback.doc_url),
            # The article's own type (set by its views) wins over what a client claims in its feedback.
            _DocStatsItem.docType.set(_DocStatsItem.docType | feedback.doc_type.value),
            _DocStatsItem.feedback.add(1),
            _DocStatsItem.helpful.add(1 if feedback.helpful else 0),
        ]

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_FeedbackItem.pk.does_not_exist())
            for sk in (f"ALL#{feedback.doc_url}", f"M#{month}#{feedback.doc_url}"):
                tx.update(_DocStatsItem(f"T#{tenant_id}#DOCSTATS", sk), actions=actions)

        def outcome() -> Outcome:
            existing = get_item(_FeedbackItem, item.pk, item.sk)
            return Outcome.DONE if existing is not None else Outcome.RETRY

        self._commit(write, "Feedback already recorded", outcome)

    # Analytics aggregates

    def issue_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        """The issue counters and resolutions summed over `days` (all time: two items, else one per day)."""
        return self._sum_totals(_stats_pk(tenant_id), days) + self._sum_totals(_resolutions_pk(tenant_id), days)

    def help_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        return self._sum_totals(_help_stats_pk(tenant_id), days)

    def record_help_activity(
        self, tenant_id: str, user_id: str, kind: str, now: datetime, idle_since: datetime
    ) -> None:
        """Continue the user's help session if it was active after `idle_since`, else start a new one and count
        it on its day. Two first activities at once start one session: the loser of the race joins it."""
        pk = _help_session_pk(tenant_id, user_id)
        stamp, idle_stamp = to_rfc3339(now), to_rfc3339(idle_since)
        try:
            _HelpSessionItem(pk, HELP_SESSION_SK).update(
                actions=[_HelpSessionItem.lastActivityAt.set(stamp)],
                condition=_HelpSessionItem.lastActivityAt >= idle_stamp,
            )
            return
        except PynamoDBException as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise domain_error_for(exc, "Could not record the help session") from exc
        session = _HelpSessionItem(pk, HELP_SESSION_SK, startedDay=now.date().isoformat(), startedBy=kind,
                                   lastActivityAt=stamp, escalated=False)
        moves = {(_help_stats_pk(tenant_id), sk): Counter({SESSIONS: 1}) for sk in (ALL_TIME_SK, day_sk(now.date()))}

        def write(tx: TransactWrite) -> None:
            tx.save(session, condition=_HelpSessionItem.pk.does_not_exist()
                    | (_HelpSessionItem.lastActivityAt < idle_stamp))
            self._count(tx, moves)

        self._commit(write, "Help session already started", lambda: Outcome.DONE)

    def escalate_help_session(self, tenant_id: str, user_id: str, active_since: datetime) -> bool:
        """Mark the user's latest help session escalated (an issue was filed) if it was active after
        `active_since` and is not escalated yet, counting it on the day it started. True when it was."""
        pk = _help_session_pk(tenant_id, user_id)
        session = get_item(_HelpSessionItem, pk, HELP_SESSION_SK)
        if session is None or session.escalated or session.lastActivityAt < to_rfc3339(active_since):
            return False
        started = day_sk(date.fromisoformat(session.startedDay))
        moves = {(_help_stats_pk(tenant_id), sk): Counter({ESCALATED: 1}) for sk in (ALL_TIME_SK, started)}

        def write(tx: TransactWrite) -> None:
            tx.update(_HelpSessionItem(pk, HELP_SESSION_SK), actions=[_HelpSessionItem.escalated.set(True)],
                      condition=(_HelpSessionItem.escalated == False)  # noqa: E712 (a DynamoDB condition)
                      & (_HelpSessionItem.startedDay == session.startedDay))
            self._count(tx, moves)

        # A failed condition: another filing escalated it, or a new session began; either way nothing to count.
        self._commit(write, "Help session already escalated", lambda: Outcome.DONE)
        return True

    def record_doc_views(self, tenant_id: str, articles: Sequence[DocStats], now: datetime) -> None:
        """One view of each article (shown in search results or chat), all time and in its month. Plain
        updates, not a transaction: views of popular articles from concurrent searches must not collide."""
        month = month_key(now.date())
        for article in articles:
            actions: list[Action] = [
                _DocStatsItem.docUrl.set(article.url),
                _DocStatsItem.docType.set(article.type),
                _DocStatsItem.title.set(article.title),
                _DocStatsItem.views.add(1),
            ]
            for sk in (f"ALL#{article.url}", f"M#{month}#{article.url}"):
                try:
                    _DocStatsItem(_doc_stats_pk(tenant_id), sk).update(actions=actions)
                except PynamoDBException as exc:
                    raise domain_error_for(exc, "Could not count the view") from exc

    def doc_stats(self, tenant_id: str, month: str | None) -> list[DocStats]:
        """Every article's tallies, all time (month None) or in one month (`yyyy-mm`): one Query, reading one
        item per article with any activity in that period."""
        prefix = f"M#{month}#" if month else "ALL#"
        results = _DocStatsItem.query(_doc_stats_pk(tenant_id), _DocStatsItem.sk.startswith(prefix))
        stats = [
            DocStats(url=item.docUrl, title=item.title or title_from_url(item.docUrl), type=item.docType,
                     views=int(item.views or 0), helpful=int(item.helpful or 0), feedback=int(item.feedback or 0))
            for item in results
        ]
        record_items_read(results.page_iter.total_scanned_count)
        return stats

    @staticmethod
    def _sum_totals(pk: str, days: DayRange) -> Counter[str]:
        connection = _StatsItem._get_connection()
        totals: Counter[str] = Counter()
        if days.all_time:
            found = connection.get_item(pk, ALL_TIME_SK)
            record_items_read(1)
            totals.update(_numbers(found.get("Item", {})))
            return totals
        low = day_sk(days.first) if days.first else "D#"
        high = day_sk(days.last) if days.last else "D#~"
        start_key = None
        while True:
            page = connection.query(pk, range_key_condition=_StatsItem.sk.between(low, high),
                                    exclusive_start_key=start_key)
            for item in page.get("Items", []):
                totals.update(_numbers(item))
            record_items_read(int(page.get("ScannedCount", 0)))
            start_key = page.get("LastEvaluatedKey")
            if not start_key:
                return totals

    # AI usage

    def record_ai_usage(self, tenant_id: str, day: str, model_id: str, usage: TokenUsage, calls: int) -> None:
        """Add one request's tokens and model calls to the tenant's total for `day` (yyyy-mm-dd) and the model:
        one atomic update (ADD), so concurrent requests never lose a count."""
        item = _AiUsageItem(_ai_usage_pk(tenant_id), f"D#{day}#{model_id}")
        try:
            item.update(actions=[
                _AiUsageItem.day.set(day),
                _AiUsageItem.modelId.set(model_id),
                _AiUsageItem.inputTokens.add(usage.input_tokens),
                _AiUsageItem.outputTokens.add(usage.output_tokens),
                _AiUsageItem.calls.add(calls),
                _AiUsageItem.requests.add(1),
            ])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not record AI usage") from exc

    def ai_usage(self, tenant_id: str, first_day: str, last_day: str) -> list[UsageTotals]:
        """The tenant's usage per day and model from `first_day` to `last_day` (inclusive): one Query, one item
        per day and model used."""
        days = _AiUsageItem.sk.between(f"D#{first_day}#", f"D#{last_day}#~")
        results = _AiUsageItem.query(_ai_usage_pk(tenant_id), days, consistent_read=True)
        totals = [
            UsageTotals(day=item.day, model_id=item.modelId, input_tokens=int(item.inputTokens),
                        output_tokens=int(item.outputTokens), calls=int(item.calls), requests=int(item.requests))
            for item in results
        ]
        record_items_read(results.page_iter.total_scanned_count)
        return totals

    # Counting

    @staticmethod
    def _count(tx: TransactWrite, moves: Moves) -> None:
        """Move named counters, one update per stats item."""
        for (pk, sk), deltas in moves.items():
            actions: list[Action] = [NumberAttribute(attr_name=name).add(delta) for name, delta in deltas.items()
                                     if delta]
            if actions:
                tx.update(_StatsItem(pk, sk), actions=actions)

    def _total(self, tenant_id: str, dimension: _Dimension, start: datetime | None, end: datetime | None) -> int:
        """Issues of one dimension created in [start, end): counters for whole days, a count for partial days."""
        stats = _StatsItem._get_connection()
        if start is None and end is None:
            found = stats.get_item(_stats_pk(tenant_id), ALL_TIME_SK, attributes_to_get=[dimension.name])
            record_items_read(1)
            return int(found.get("Item", {}).get(dimension.name, {}).get("N", 0))
        total = 0
        first_full = start.date() if start else date.min
        last_full = (end - timedelta(microseconds=1)).date() if end else date.max
        if start and start != _midnight(start.date()):
            first_full = start.date() + timedelta(days=1)
            first_edge_end = min(_midnight(first_full), end) if end else _midnight(first_full)
            total += self._count_range(dimension, start, first_edge_end)
        if end and end != _midnight(end.date()) and end.date() >= first_full:
            last_full = end.date() - timedelta(days=1)
            total += self._count_range(dimension, _midnight(end.date()), end)
        if first_full <= last_full:
            low = day_sk(first_full) if first_full != date.min else "D#"
            high = day_sk(last_full) if last_full != date.max else "D#~"
            start_key = None
            while True:
                page = stats.query(_stats_pk(tenant_id), range_key_condition=_StatsItem.sk.between(low, high),
                                   attributes_to_get=[dimension.name], exclusive_start_key=start_key)
                total += sum(int(i.get(dimension.name, {}).get("N", 0)) for i in page.get("Items", []))
                record_items_read(int(page.get("ScannedCount", 0)))
                start_key = page.get("LastEvaluatedKey")
                if not start_key:
                    break
        return total

    @staticmethod
    def _count_range(dimension: _Dimension, start: datetime, end: datetime) -> int:
        results = dimension.index.query(
            dimension.partition, range_key_condition=_created_between(start, end),
            filter_condition=dimension.condition, attributes_to_get=_KEY_ONLY,
        )
        count = sum(1 for _ in results)
        record_items_read(results.page_iter.total_scanned_count)
        return count

    # Helpers

    @staticmethod
    def _query_all(model: type[Any], pk: str) -> list[Any]:
        results = model.query(pk)
        items = list(results)
        record_items_read(results.page_iter.total_scanned_count)
        return items


def _numbers(item: dict[str, Any]) -> dict[str, int]:
    """The number attributes of a raw item (the counters), as ints."""
    return {name: int(value["N"]) for name, value in item.items() if "N" in value}


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _created_between(start: datetime | None, end: datetime | None) -> Condition | None:
    """listSk is `<createdAt>#<id>`: `start` is inclusive, `end` exclusive (its own key sorts after it)."""
    sort_key = _IssueItem.listSk
    if start and end:
        return sort_key.between(to_rfc3339(start), to_rfc3339(end))
    if start:
        return sort_key >= to_rfc3339(start)
    if end:
        return sort_key < to_rfc3339(end)
    return None


def _matches(dimension: _Dimension) -> Condition:
    attribute = {
        tables.SUPPORT_ISSUES_BY_CUSTOMER: _IssueItem.customerListPk,
        tables.SUPPORT_ISSUES_BY_PLANE: _IssueItem.planeListPk,
        tables.SUPPORT_ISSUES_BY_STATUS: _IssueItem.statusListPk,
    }[dimension.index.Meta.index_name]
    return attribute == dimension.partition


def _skip(items: Iterator[Any], count: int) -> Iterator[Any]:
    for position, item in enumerate(items):
        if position >= count:
            yield item


# Conversions between items and records


def _customer(item: _CustomerItem) -> Customer:
    return Customer(id=item.id, name=item.name, created_at=item.createdAt)


def _environment(item: _EnvironmentItem) -> Environment:
    return Environment(id=item.id, customer_id=item.customerId, name=item.name, type=item.type,
                       created_at=item.createdAt)


def _plane(item: _PlaneItem) -> Plane:
    return Plane(
        id=item.id, name=item.name, slug=item.slug, description=item.description,
        contexts=tuple(
            PlaneContext(id=c.id, key=c.key, label=c.label, field_type=FieldType(c.fieldType),
                         is_required=c.isRequired, options=tuple(ContextOption(o.value, o.label) for o in c.options))
            for c in item.contexts
        ),
    )


def _issue_item(tenant: str, issue: Issue) -> _IssueItem:
    return _IssueItem(
        _issue_pk(tenant, issue.id), ISSUE_SK,
        id=issue.id, displayId=issue.display_id, title=issue.title, description=issue.description,
        status=issue.status.value,
        customer=_RefMap(id=issue.customer.id, name=issue.customer.name),
        environment=_EnvironmentRefMap(id=issue.environment.id, name=issue.environment.name,
                                       type=issue.environment.type),
        primaryPlane=_RefMap(id=issue.primary_plane.id, name=issue.primary_plane.name),
        secondaryPlanes=[_RefMap(id=p.id, name=p.name) for p in issue.secondary_planes],
        contexts=[_IssueContextMap(planeContextId=c.plane_context_id, key=c.key, label=c.label, value=c.value,
                                   displayValue=c.display_value) for c in issue.contexts],
        submitterHandle=issue.submitter_handle, pipelineUrl=issue.pipeline_url,
        createdAt=issue.created_at, updatedAt=issue.updated_at, createdBy=issue.created_by,
        resolvedAt=issue.resolved_at, version=issue.version,
        tenantListPk=_tenant_dimension(tenant).partition,
        customerListPk=_customer_dimension(tenant, issue.customer.id).partition,
        planeListPk=_plane_dimension(tenant, issue.primary_plane.id).partition,
        statusListPk=_status_dimension(tenant, issue.status).partition,
        listSk=f"{issue.created_at}#{issue.id}",
    )


def _issue(item: _IssueItem) -> Issue:
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
