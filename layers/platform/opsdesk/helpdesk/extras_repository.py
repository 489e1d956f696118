"""ExtrasRepository: the CSAT, attachment, export and SLA-check records of the TicketsTable (on DynamoDB)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from opsdesk.clock import to_rfc3339
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    bind_table,
    connection_for,
    counter_sk,
    counter_totals,
    domain_error_for,
    error_code,
    get_item,
    record_items_read,
)
from opsdesk.errors import NotFound
from opsdesk.helpdesk.attachments import Attachment
from opsdesk.helpdesk.csat import CsatToken, CsatTokenUsed, Score
from opsdesk.helpdesk.items import (
    AttachmentItem,
    CsatTallyItem,
    CsatTokenItem,
    DueItem,
    ExportItem,
    SlaCheckItem,
    TicketsTableItem,
    attachment_record,
    csat_token_item,
    csat_token_record,
)
from opsdesk.helpdesk.keys import (
    ALL_TIME_SK,
    ATTACHMENT_SK_PREFIX,
    CSAT_TOKEN_SK,
    EXPORT_RECORD_LIFETIME,
    PLATFORM_PK,
    SLA_CHECK_SK,
    csat_tally_pk,
    csat_token_pk,
    exports_pk,
    ticket_pk,
)
from opsdesk.helpdesk.sla import DueEntry, parse_due_sort_key
from opsdesk.helpdesk.sla_metrics import SlaCheckStats
from opsdesk.settings import HelpdeskSettings, load_settings


class ExtrasRepository:
    """CsatStore on DynamoDB, and the records of exports and SLA check runs."""

    def __init__(self, settings: HelpdeskSettings | None = None) -> None:
        settings = settings or load_settings(HelpdeskSettings)
        bind_table(TicketsTableItem, settings.tickets_table_name, settings)
        self._transactions = Transactions(connection_for(settings))

    # Attachments (AttachmentStore)

    def list_attachments(self, tenant_id: str, ticket_id: str) -> list[Attachment]:
        """Oldest first: one Query on the ticket's partition, attachment items only."""
        results = AttachmentItem.query(ticket_pk(tenant_id, ticket_id),
                                        AttachmentItem.sk.startswith(ATTACHMENT_SK_PREFIX), consistent_read=True)
        found = [attachment_record(item) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def get_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> Attachment | None:
        item = get_item(AttachmentItem, ticket_pk(tenant_id, ticket_id), ATTACHMENT_SK_PREFIX + attachment_id)
        return attachment_record(item) if item is not None else None

    def put_attachment(self, tenant_id: str, attachment: Attachment) -> bool:
        item = AttachmentItem(
            ticket_pk(tenant_id, attachment.ticket_id), ATTACHMENT_SK_PREFIX + attachment.id, id=attachment.id,
            ticketId=attachment.ticket_id, filename=attachment.filename, size=attachment.bytes, mime=attachment.mime,
            objectKey=attachment.key, createdAt=attachment.created_at, createdBy=attachment.created_by,
        )
        try:
            item.save(condition=AttachmentItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise domain_error_for(exc, "Attachment already exists") from exc
        return True

    def delete_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> None:
        try:
            AttachmentItem(ticket_pk(tenant_id, ticket_id), ATTACHMENT_SK_PREFIX + attachment_id).delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Attachment delete failed") from exc

    # CSAT (CsatStore)

    def put_csat_token(self, survey: CsatToken) -> None:
        """Store a survey made by csat.new_survey_token outside a resolve (tests)."""
        try:
            csat_token_item(survey).save(condition=CsatTokenItem.pk.does_not_exist())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Token already exists") from exc

    def get_csat_token(self, token_hash: str) -> CsatToken | None:
        item = get_item(CsatTokenItem, csat_token_pk(token_hash), CSAT_TOKEN_SK)
        return csat_token_record(item) if item is not None else None

    def record_csat_answer(self, token: CsatToken, score: Score, answered_at: datetime) -> None:
        """The answer on the token (only if unused) and +1 on the tenant's all-time and daily tallies, in one
        transaction: a token is counted once, also when answers race."""
        answered = to_rfc3339(answered_at)
        answer_id = str(uuid.uuid4())
        tally: list[Action] = [CsatTallyItem.responses.add(1),
                               (CsatTallyItem.good if score == "good" else CsatTallyItem.bad).add(1)]
        tally_pk = csat_tally_pk(token.tenant_id)

        def write(tx: TransactWrite) -> None:
            tx.update(
                CsatTokenItem(csat_token_pk(token.token_hash), CSAT_TOKEN_SK),
                actions=[CsatTokenItem.score.set(score), CsatTokenItem.answeredAt.set(answered),
                         CsatTokenItem.answerId.set(answer_id)],
                condition=CsatTokenItem.pk.exists() & CsatTokenItem.score.does_not_exist(),
            )
            for sk in (ALL_TIME_SK, f"D#{answered[:10]}"):
                tx.update(CsatTallyItem(tally_pk, counter_sk(sk)), actions=tally)

        def on_condition_failed() -> Outcome:
            current = get_item(CsatTokenItem, csat_token_pk(token.token_hash), CSAT_TOKEN_SK)
            if current is None:
                raise NotFound("Survey not found")  # expired and deleted since it was read
            return Outcome.DONE if current.answerId == answer_id else Outcome.CONFLICT

        self._transactions.commit(write, lambda _exc: CsatTokenUsed(), on_condition_failed)

    def csat_tally(self, tenant_id: str, day: str | None = None) -> dict[str, int]:
        """{good, bad, responses} for all time, or one UTC day (`yyyy-mm-dd`): the tally item summed with its spill
        items (opsdesk.dynamo.counter_totals)."""
        sk = f"D#{day}" if day else ALL_TIME_SK
        found = counter_totals(CsatTallyItem, csat_tally_pk(tenant_id), sk, sk).get(sk, Counter())
        return {name: found[name] for name in ("good", "bad", "responses")}

    # Exports

    def record_export(self, tenant_id: str, *, export_id: str, object_key: str, tickets: int, created_by: str,
                      now: datetime) -> None:
        """Who exported how many tickets when, and where the file went (kept 90 days, then expired by TTL)."""
        created = to_rfc3339(now)
        item = ExportItem(exports_pk(tenant_id), f"{created}#{export_id}", id=export_id, objectKey=object_key,
                           tickets=tickets, createdBy=created_by, createdAt=created,
                           expiresAt=int((now + EXPORT_RECORD_LIFETIME).timestamp()))
        try:
            item.save(condition=ExportItem.pk.does_not_exist())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Export already recorded") from exc

    def list_exports(self, tenant_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first."""
        results = ExportItem.query(exports_pk(tenant_id), scan_index_forward=False, limit=limit)
        items = [{"id": i.id, "object_key": i.objectKey, "tickets": int(i.tickets), "created_by": i.createdBy,
                  "created_at": i.createdAt} for i in results]
        record_items_read(results.page_iter.total_scanned_count)
        return items

    # SLA check

    def query_due(self, bucket: str, before: str) -> Iterator[DueEntry]:
        """The `ticketsByDue` entries of one hour bucket due strictly before `before` (RFC 3339), in due order."""
        results = DueItem.by_due.query(bucket, DueItem.dueSk < before)
        for item in results:
            due_at, tenant_id, ticket_id = parse_due_sort_key(str(item.dueSk))
            yield DueEntry(tenant_id=tenant_id, ticket_id=ticket_id, due_at=due_at)
        record_items_read(results.page_iter.total_scanned_count)

    def record_sla_check(self, finished_at: datetime, duration_seconds: float, recorded: Mapping[str, int]) -> None:
        """One completed run, counted in the platform-wide record /metrics reports (no tenant in it)."""
        item = SlaCheckItem(PLATFORM_PK, SLA_CHECK_SK)
        try:
            item.update(actions=[
                SlaCheckItem.runs.add(1),
                SlaCheckItem.lastRunAt.set(round(finished_at.timestamp(), 3)),
                SlaCheckItem.lastDurationSeconds.set(round(duration_seconds, 3)),
                SlaCheckItem.breachesFirstResponse.add(recorded.get("first_response", 0)),
                SlaCheckItem.breachesResolution.add(recorded.get("resolution", 0)),
            ])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "SLA check record failed") from exc

    def sla_check_stats(self) -> SlaCheckStats | None:
        item = get_item(SlaCheckItem, PLATFORM_PK, SLA_CHECK_SK, consistent=False)
        if item is None:
            return None
        return SlaCheckStats(
            runs=int(item.runs),
            last_run_at=float(item.lastRunAt),
            last_duration_seconds=float(item.lastDurationSeconds),
            breaches={"first_response": int(item.breachesFirstResponse),
                      "resolution": int(item.breachesResolution)},
        )
