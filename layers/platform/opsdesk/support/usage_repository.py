"""UsageRepository: how the support app is used, on the SupportTable: documentation feedback and views with the
per-article tallies analytics reads, and the AI assistant's token usage per day and model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from opsdesk.ai.usage import TokenUsage, UsageTotals
from opsdesk.dynamo import Outcome, domain_error_for, get_item, record_items_read
from opsdesk.support.analytics import DocStats, month_key, title_from_url
from opsdesk.support.counters import ai_usage_pk, doc_stats_pk, feedback_pk
from opsdesk.support.items import AiUsageItem, DocStatsItem, FeedbackItem
from opsdesk.support.records import DocFeedback
from opsdesk.support.table_repository import SupportTableRepository


class UsageRepository(SupportTableRepository):
    """Documentation feedback and views, and AI usage: counted by atomic adds, read by one Query each."""

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

    # Documentation views and tallies

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
