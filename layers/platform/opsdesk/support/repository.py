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
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    NumberAttribute,
)
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from opsdesk.ai.usage import TokenUsage, UsageTotals
from opsdesk.clock import to_rfc3339
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    all_of,
    bind_table,
    connection_for,
    counter_sk,
    counter_totals,
    domain_error_for,
    error_code,
    get_item,
    record_items_read,
)
from opsdesk.events import DomainEvent
from opsdesk.keys import day_sk
from opsdesk.pagination import Page, PageRequest
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.analytics import (
    ESCALATED,
    SESSIONS,
    DayRange,
    DocStats,
    month_key,
    title_from_url,
)
from opsdesk.support.counters import (
    ALL_TIME_SK,
    HELP_SESSION_SK,
    HOUR,
    ISSUE_SK,
    Moves,
    ai_usage_pk,
    combined_name,
    cover,
    customers_pk,
    dimensions_for,
    doc_stats_pk,
    environments_pk,
    feedback_pk,
    help_session_pk,
    help_stats_pk,
    hour_sk,
    issue_moves,
    issue_pk,
    planes_pk,
    resolutions_pk,
    stats_pk,
)
from opsdesk.support.items import (
    KEY_ONLY,
    LIST_INDEX_BY_KIND,
    LIST_KEY_BY_KIND,
    AiUsageItem,
    CounterItem,
    CustomerItem,
    DocStatsItem,
    EnvironmentItem,
    FeedbackItem,
    HelpSessionItem,
    IssueItem,
    OptionMap,
    PlaneContextMap,
    PlaneItem,
    StatsItem,
    SupportItem,
    customer_record,
    environment_record,
    issue_item,
    issue_record,
    plane_record,
)
from opsdesk.support.records import (
    Customer,
    DocFeedback,
    Environment,
    Issue,
    IssueFilters,
    Plane,
)

if TYPE_CHECKING:  # the event log binds to its own table at import; the catalog function has none
    from opsdesk.eventlog import EventLog

@dataclass(frozen=True)
class _Counted:
    """What a list counts and reads: a counter's name, and the index partition (with the other filters as a
    filter expression) that holds its issues."""

    name: str
    index: GlobalSecondaryIndex[Any]
    partition: str
    condition: Condition | None = None


class SupportRepository:
    """The SupportStore on DynamoDB. With an event log, writes publish their events in the same transaction."""

    def __init__(self, event_log: EventLog | None = None, settings: SupportSettings | None = None) -> None:
        settings = settings or load_settings(SupportSettings)
        bind_table(SupportItem, settings.support_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)

    # Catalog reads

    def list_customers(self, tenant_id: str) -> list[Customer]:
        return [customer_record(item) for item in self._query_all(CustomerItem, customers_pk(tenant_id))]

    def get_customer(self, tenant_id: str, customer_id: str) -> Customer | None:
        item = get_item(CustomerItem, customers_pk(tenant_id), f"C#{customer_id}")
        return customer_record(item) if item else None

    def list_environments(self, tenant_id: str, customer_id: str) -> list[Environment]:
        items = self._query_all(EnvironmentItem, environments_pk(tenant_id, customer_id))
        return [environment_record(item) for item in items]

    def get_environment(self, tenant_id: str, customer_id: str, environment_id: str) -> Environment | None:
        item = get_item(EnvironmentItem, environments_pk(tenant_id, customer_id), f"E#{environment_id}")
        return environment_record(item) if item else None

    def list_planes(self, tenant_id: str) -> list[Plane]:
        return [plane_record(item) for item in self._query_all(PlaneItem, planes_pk(tenant_id))]

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

    # Issues

    def next_issue_sequence(self, tenant_id: str, year: int) -> int:
        return self._reserve_sequence(tenant_id, year, 1)

    def _reserve_sequence(self, tenant_id: str, year: int, count: int) -> int:
        """Add `count` to the year's sequence atomically and return the last number reserved."""
        counter = CounterItem(f"T#{tenant_id}#SEQ", f"ISSUE#{year}")
        try:
            result = counter.update(actions=[CounterItem.n.add(count)])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not number the issue") from exc
        return int(result["Attributes"]["n"]["N"])

    def create_issue(self, tenant_id: str, issue: Issue, events: Sequence[DomainEvent] = ()) -> None:
        item = issue_item(tenant_id, issue)
        moves = issue_moves(tenant_id, None, issue)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=IssueItem.pk.does_not_exist())
            self._count(tx, moves)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            # The same issue stored is our own earlier attempt; another under its id is a conflict; none means an
            # event number was taken by another writer in the meantime.
            stored = self.get_issue(tenant_id, issue.id)
            if stored is None:
                return Outcome.RETRY
            return Outcome.DONE if stored == issue else Outcome.CONFLICT

        self._commit(write, "Issue already exists", outcome)

    def import_issues(self, tenant_id: str, issues: Iterable[Issue]) -> None:
        """Bulk load for seeding and benchmarks: batch writes, then one counter update per dimension and day.
        Not atomic across items; numbers must come from `reserve_display_numbers`."""
        deltas: Moves = {}
        with IssueItem.batch_write() as batch:
            for issue in issues:
                batch.save(issue_item(tenant_id, issue))
                for key, moves in issue_moves(tenant_id, None, issue).items():
                    deltas.setdefault(key, Counter()).update(moves)
        for (pk, sk), counts in deltas.items():
            StatsItem(pk, sk).update(
                actions=[NumberAttribute(attr_name=name).add(n) for name, n in counts.items()]
            )

    def reserve_display_numbers(self, tenant_id: str, year: int, count: int) -> range:
        last = self._reserve_sequence(tenant_id, year, count)
        return range(last - count + 1, last + 1)

    def get_issue(self, tenant_id: str, issue_id: str) -> Issue | None:
        item = get_item(IssueItem, issue_pk(tenant_id, issue_id), ISSUE_SK)
        return issue_record(item) if item else None

    def update_issue(self, tenant_id: str, before: Issue, after: Issue, events: Sequence[DomainEvent] = ()) -> None:
        item = issue_item(tenant_id, after)
        moves = issue_moves(tenant_id, before, after)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=IssueItem.version == before.version)
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
        dimensions = dimensions_for(tenant_id, filters)
        leading, rest = dimensions[0], dimensions[1:]
        key_condition = _created_between(filters.start, filters.end)
        # Two or three filters: the total is their combination's counter; the page, the leading filter's index
        # with the rest as a filter expression.
        counted = _Counted(combined_name(dimensions), LIST_INDEX_BY_KIND[leading.kind], leading.partition,
                           all_of(LIST_KEY_BY_KIND[d.kind] == d.partition for d in rest))
        total = self._total(tenant_id, counted, filters.start, filters.end)
        if page.offset >= total:
            return Page(items=[], total=total)  # past the end: nothing to read
        results = counted.index.query(
            leading.partition,
            range_key_condition=key_condition,
            filter_condition=counted.condition,
            scan_index_forward=False,
            limit=page.offset + page.limit,
            page_size=page.offset + page.limit,
        )
        issues = [issue_record(item) for item in _skip(results, page.offset)]
        record_items_read(results.page_iter.total_scanned_count)
        return Page(items=issues, total=total)

    def _commit(self, write: Callable[[TransactWrite], None], conflict_message: str,
                on_condition_failed: Callable[[], Outcome]) -> None:
        self._transactions.commit(write, lambda exc: domain_error_for(exc, conflict_message), on_condition_failed)

    # Documentation feedback

    def record_feedback(self, tenant_id: str, feedback: DocFeedback) -> None:
        """The feedback and the article's all-time and monthly tallies, in one transaction."""
        item = FeedbackItem(
            feedback_pk(tenant_id), f"{feedback.created_at}#{feedback.id}", id=feedback.id,
            docUrl=feedback.doc_url, docType=feedback.doc_type.value, helpful=feedback.helpful,
            issueId=feedback.issue_id, planeSlug=feedback.plane_slug, customerId=feedback.customer_id,
            userId=feedback.user_id, createdAt=feedback.created_at,
        )
        month = feedback.created_at[:7]
        actions: list[Action] = [
            DocStatsItem.docUrl.set(feedback.doc_url),
            # The article's own type (set by its views) wins over what a client claims in its feedback.
            DocStatsItem.docType.set(DocStatsItem.docType | feedback.doc_type.value),
            DocStatsItem.feedback.add(1),
            DocStatsItem.helpful.add(1 if feedback.helpful else 0),
        ]

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=FeedbackItem.pk.does_not_exist())
            for sk in (f"ALL#{feedback.doc_url}", f"M#{month}#{feedback.doc_url}"):
                tx.update(DocStatsItem(f"T#{tenant_id}#DOCSTATS", sk), actions=actions)

        def outcome() -> Outcome:
            existing = get_item(FeedbackItem, item.pk, item.sk)
            return Outcome.DONE if existing is not None else Outcome.RETRY

        self._commit(write, "Feedback already recorded", outcome)

    # Analytics aggregates

    def issue_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        """The issue counters and resolutions summed over `days` (all time: two items, else one per day)."""
        return self._sum_totals(stats_pk(tenant_id), days) + self._sum_totals(resolutions_pk(tenant_id), days)

    def help_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        return self._sum_totals(help_stats_pk(tenant_id), days)

    def record_help_activity(
        self, tenant_id: str, user_id: str, kind: str, now: datetime, idle_since: datetime
    ) -> None:
        """Continue the user's help session if it was active after `idle_since`, else start a new one and count
        it on its day. Two first activities at once start one session: the loser of the race joins it."""
        pk = help_session_pk(tenant_id, user_id)
        stamp, idle_stamp = to_rfc3339(now), to_rfc3339(idle_since)
        try:
            HelpSessionItem(pk, HELP_SESSION_SK).update(
                actions=[HelpSessionItem.lastActivityAt.set(stamp)],
                condition=HelpSessionItem.lastActivityAt >= idle_stamp,
            )
            return
        except PynamoDBException as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise domain_error_for(exc, "Could not record the help session") from exc
        session = HelpSessionItem(pk, HELP_SESSION_SK, startedDay=now.date().isoformat(), startedBy=kind,
                                   lastActivityAt=stamp, escalated=False)
        moves = {(help_stats_pk(tenant_id), sk): Counter({SESSIONS: 1}) for sk in (ALL_TIME_SK, day_sk(now.date()))}

        def write(tx: TransactWrite) -> None:
            tx.save(session, condition=HelpSessionItem.pk.does_not_exist()
                    | (HelpSessionItem.lastActivityAt < idle_stamp))
            self._count(tx, moves)

        self._commit(write, "Help session already started", lambda: Outcome.DONE)

    def escalate_help_session(self, tenant_id: str, user_id: str, active_since: datetime) -> bool:
        """Mark the user's latest help session escalated (an issue was filed) if it was active after
        `active_since` and is not escalated yet, counting it on the day it started. True when it was."""
        pk = help_session_pk(tenant_id, user_id)
        session = get_item(HelpSessionItem, pk, HELP_SESSION_SK)
        if session is None or session.escalated or session.lastActivityAt < to_rfc3339(active_since):
            return False
        started = day_sk(date.fromisoformat(session.startedDay))
        moves = {(help_stats_pk(tenant_id), sk): Counter({ESCALATED: 1}) for sk in (ALL_TIME_SK, started)}

        def write(tx: TransactWrite) -> None:
            tx.update(HelpSessionItem(pk, HELP_SESSION_SK), actions=[HelpSessionItem.escalated.set(True)],
                      condition=(HelpSessionItem.escalated == False)  # noqa: E712 (a DynamoDB condition)
                      & (HelpSessionItem.startedDay == session.startedDay))
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
                DocStatsItem.docUrl.set(article.url),
                DocStatsItem.docType.set(article.type),
                DocStatsItem.title.set(article.title),
                DocStatsItem.views.add(1),
            ]
            for sk in (f"ALL#{article.url}", f"M#{month}#{article.url}"):
                try:
                    DocStatsItem(doc_stats_pk(tenant_id), sk).update(actions=actions)
                except PynamoDBException as exc:
                    raise domain_error_for(exc, "Could not count the view") from exc

    def doc_stats(self, tenant_id: str, month: str | None) -> list[DocStats]:
        """Every article's tallies, all time (month None) or in one month (`yyyy-mm`): one Query, reading one
        item per article with any activity in that period."""
        prefix = f"M#{month}#" if month else "ALL#"
        results = DocStatsItem.query(doc_stats_pk(tenant_id), DocStatsItem.sk.startswith(prefix))
        stats = [
            DocStats(url=item.docUrl, title=item.title or title_from_url(item.docUrl), type=item.docType,
                     views=int(item.views or 0), helpful=int(item.helpful or 0), feedback=int(item.feedback or 0))
            for item in results
        ]
        record_items_read(results.page_iter.total_scanned_count)
        return stats

    @staticmethod
    def _sum_totals(pk: str, days: DayRange) -> Counter[str]:
        if days.all_time:
            return counter_totals(StatsItem, pk, ALL_TIME_SK, ALL_TIME_SK).get(ALL_TIME_SK, Counter())
        low = day_sk(days.first) if days.first else "D#"
        high = day_sk(days.last) if days.last else "D#~"
        return sum(counter_totals(StatsItem, pk, low, high).values(), Counter())

    # AI usage

    def record_ai_usage(self, tenant_id: str, day: str, model_id: str, usage: TokenUsage, calls: int) -> None:
        """Add one request's tokens and model calls to the tenant's total for `day` (yyyy-mm-dd) and the model:
        one atomic update (ADD), so concurrent requests never lose a count."""
        item = AiUsageItem(ai_usage_pk(tenant_id), f"D#{day}#{model_id}")
        try:
            item.update(actions=[
                AiUsageItem.day.set(day),
                AiUsageItem.modelId.set(model_id),
                AiUsageItem.inputTokens.add(usage.input_tokens),
                AiUsageItem.outputTokens.add(usage.output_tokens),
                AiUsageItem.calls.add(calls),
                AiUsageItem.requests.add(1),
            ])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not record AI usage") from exc

    def ai_usage(self, tenant_id: str, first_day: str, last_day: str) -> list[UsageTotals]:
        """The tenant's usage per day and model from `first_day` to `last_day` (inclusive): one Query, one item
        per day and model used."""
        days = AiUsageItem.sk.between(f"D#{first_day}#", f"D#{last_day}#~")
        results = AiUsageItem.query(ai_usage_pk(tenant_id), days, consistent_read=True)
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
                tx.update(StatsItem(pk, counter_sk(sk)), actions=actions)

    def _total(self, tenant_id: str, dimension: _Counted, start: datetime | None, end: datetime | None) -> int:
        """Issues of one dimension created in [start, end): day counters for whole days, hour counters for whole
        hours, a count of the issues of the partial hours at its edges (counters.cover)."""
        name, pk = [dimension.name], stats_pk(tenant_id)
        if start is None and end is None:
            return counter_totals(StatsItem, pk, ALL_TIME_SK, ALL_TIME_SK, name).get(
                ALL_TIME_SK, Counter())[dimension.name]
        spans = cover(start, end)
        total = sum(self._count_range(dimension, low, high) for low, high in spans.issues)
        for low, high in spans.hours:
            total += sum(hour[dimension.name] for hour in
                         counter_totals(StatsItem, pk, hour_sk(low), hour_sk(high - HOUR), name).values())
        if spans.days is not None:
            first, last = spans.days
            total += sum(day[dimension.name] for day in counter_totals(
                StatsItem, pk, day_sk(first) if first else "D#", day_sk(last) if last else "D#~", name).values())
        return total

    @staticmethod
    def _count_range(dimension: _Counted, start: datetime, end: datetime) -> int:
        results = dimension.index.query(
            dimension.partition, range_key_condition=_created_between(start, end),
            filter_condition=dimension.condition, attributes_to_get=KEY_ONLY,
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


def _created_between(start: datetime | None, end: datetime | None) -> Condition | None:
    """listSk is `<createdAt>#<id>`: `start` is inclusive, `end` exclusive (its own key sorts after it)."""
    sort_key = IssueItem.listSk
    if start and end:
        return sort_key.between(to_rfc3339(start), to_rfc3339(end))
    if start:
        return sort_key >= to_rfc3339(start)
    if end:
        return sort_key < to_rfc3339(end)
    return None


def _skip(items: Iterator[Any], count: int) -> Iterator[Any]:
    for position, item in enumerate(items):
        if position >= count:
            yield item
