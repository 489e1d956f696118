"""DynamoDB access for the helpdesk extras' items in TicketsTable (pynamodb). Nothing outside this module sees a
pynamodb object. Tickets themselves are core's (opsdesk.helpdesk.repository); this module reads the
`ticketsByDue` index for the SLA check and keeps its own items (docs/data-model.md, TicketsTable):

    attachment      pk T#<tenant>#TK#<ticketId>           sk A#<attachmentId>   (the ticket's partition, core's keys)
    CSAT token      pk CSAT#<sha256 of the token>         sk TOKEN   expiresAt (TTL); score, answeredAt, answerId
    CSAT tally      pk T#<tenant>#CSAT                    sk ALL | D#<yyyy-mm-dd>   good, bad, responses
    export record   pk T#<tenant>#EXPORTS                 sk <createdAt>#<exportId>  expiresAt (TTL)
    SLA check stats pk PLATFORM#HELPDESK                  sk SLA_CHECK     runs, lastRunAt, breaches per kind
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk import tables
from opsdesk.clock import to_rfc3339
from opsdesk.dynamo import (
    Outcome,
    domain_error_for,
    error_code,
    get_item,
    record_items_read,
    run_transaction,
    table_meta,
)
from opsdesk.errors import NotFound
from opsdesk.helpdesk.attachments import Attachment
from opsdesk.helpdesk.csat import TOKEN_SK, CsatToken, CsatTokenUsed, Score, token_from_item, token_pk
from opsdesk.helpdesk.prometheus import SlaCheckStats
from opsdesk.helpdesk.repository import ATTACHMENT_SK_PREFIX, ticket_pk
from opsdesk.helpdesk.sla import DueEntry, parse_due_sort_key
from opsdesk.settings import HelpdeskSettings, load_settings

_settings = load_settings(HelpdeskSettings)
_META = table_meta(_settings, _settings.tickets_table_name)
EXPORT_RECORD_LIFETIME = timedelta(days=90)
PLATFORM_PK = "PLATFORM#HELPDESK"
SLA_CHECK_SK = "SLA_CHECK"
ALL_TIME_SK = "ALL"


class _Item(Model):
    Meta = _META

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _CsatTokenItem(_Item):
    tenantId = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    requesterId = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()
    score = UnicodeAttribute(null=True)
    answeredAt = UnicodeAttribute(null=True)
    answerId = UnicodeAttribute(null=True)
    """Which write answered it: tells a retry that meets its own earlier commit from another answer."""


class _AttachmentItem(_Item):
    id = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    filename = UnicodeAttribute()
    size = NumberAttribute()
    mime = UnicodeAttribute()
    objectKey = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    createdBy = UnicodeAttribute()


class _CsatTallyItem(_Item):
    good = NumberAttribute(default=0)
    bad = NumberAttribute(default=0)
    responses = NumberAttribute(default=0)


class _ExportItem(_Item):
    id = UnicodeAttribute()
    objectKey = UnicodeAttribute()
    tickets = NumberAttribute()
    createdBy = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()


class _SlaCheckItem(_Item):
    runs = NumberAttribute(default=0)
    lastRunAt = NumberAttribute(default=0)
    lastDurationSeconds = NumberAttribute(default=0)
    breachesFirstResponse = NumberAttribute(default=0)
    breachesResolution = NumberAttribute(default=0)


class _TicketsByDue(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]  # pynamodb's Index is untyped
    class Meta:
        index_name = tables.HELPDESK_TICKETS_BY_DUE
        projection = AllProjection()

    dueBucket = UnicodeAttribute(hash_key=True)
    dueSk = UnicodeAttribute(range_key=True)


class _DueItem(_Item):
    """A ticket as the due index shows it; only its index keys are read (the ticket itself is core's)."""

    dueBucket = UnicodeAttribute(null=True)
    dueSk = UnicodeAttribute(null=True)

    by_due = _TicketsByDue()


def csat_tally_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CSAT"


def exports_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#EXPORTS"


class ExtrasRepository:
    """CsatStore on DynamoDB, and the records of exports and SLA check runs."""

    def __init__(self) -> None:
        self._connection = Connection(region=_settings.aws_region, host=_settings.aws_endpoint_url)

    # Attachments (AttachmentStore)

    def list_attachments(self, tenant_id: str, ticket_id: str) -> list[Attachment]:
        """Oldest first: one Query on the ticket's partition, attachment items only."""
        results = _AttachmentItem.query(ticket_pk(tenant_id, ticket_id),
                                        _AttachmentItem.sk.startswith(ATTACHMENT_SK_PREFIX), consistent_read=True)
        found = [_attachment(item) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def get_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> Attachment | None:
        item = get_item(_AttachmentItem, ticket_pk(tenant_id, ticket_id), ATTACHMENT_SK_PREFIX + attachment_id)
        return _attachment(item) if item is not None else None

    def put_attachment(self, tenant_id: str, attachment: Attachment) -> bool:
        item = _AttachmentItem(
            ticket_pk(tenant_id, attachment.ticket_id), ATTACHMENT_SK_PREFIX + attachment.id, id=attachment.id,
            ticketId=attachment.ticket_id, filename=attachment.filename, size=attachment.bytes, mime=attachment.mime,
            objectKey=attachment.key, createdAt=attachment.created_at, createdBy=attachment.created_by,
        )
        try:
            item.save(condition=_AttachmentItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise domain_error_for(exc, "Attachment already exists") from exc
        return True

    def delete_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> None:
        try:
            _AttachmentItem(ticket_pk(tenant_id, ticket_id), ATTACHMENT_SK_PREFIX + attachment_id).delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Attachment delete failed") from exc

    # CSAT (CsatStore)

    def put_csat_token(self, item: Mapping[str, Any]) -> None:
        """Store a token item made by csat.new_token_item outside a resolve (demo data, tests)."""
        token = _CsatTokenItem(**dict(item))
        try:
            token.save(condition=_CsatTokenItem.pk.does_not_exist())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Token already exists") from exc

    def get_csat_token(self, token_hash: str) -> CsatToken | None:
        item = get_item(_CsatTokenItem, token_pk(token_hash), TOKEN_SK)
        return token_from_item(item.attribute_values) if item is not None else None

    def record_csat_answer(self, token: CsatToken, score: Score, answered_at: datetime) -> None:
        """The answer on the token (only if unused) and +1 on the tenant's all-time and daily tallies, in one
        transaction: a token is counted once, also when answers race."""
        answered = to_rfc3339(answered_at)
        answer_id = str(uuid.uuid4())
        tally: list[Action] = [_CsatTallyItem.responses.add(1),
                               (_CsatTallyItem.good if score == "good" else _CsatTallyItem.bad).add(1)]
        tally_pk = csat_tally_pk(token.tenant_id)

        def write(tx: TransactWrite) -> None:
            tx.update(
                _CsatTokenItem(token_pk(token.token_hash), TOKEN_SK),
                actions=[_CsatTokenItem.score.set(score), _CsatTokenItem.answeredAt.set(answered),
                         _CsatTokenItem.answerId.set(answer_id)],
                condition=_CsatTokenItem.pk.exists() & _CsatTokenItem.score.does_not_exist(),
            )
            for sk in (ALL_TIME_SK, f"D#{answered[:10]}"):
                tx.update(_CsatTallyItem(tally_pk, sk), actions=tally)

        def on_condition_failed() -> Outcome:
            current = get_item(_CsatTokenItem, token_pk(token.token_hash), TOKEN_SK)
            if current is None:
                raise NotFound("Survey not found")  # expired and deleted since it was read
            return Outcome.DONE if current.answerId == answer_id else Outcome.CONFLICT

        run_transaction(self._connection, write, lambda _exc: CsatTokenUsed(), on_condition_failed)

    def csat_tally(self, tenant_id: str, day: str | None = None) -> dict[str, int]:
        """{good, bad, responses} for all time, or one UTC day (`yyyy-mm-dd`)."""
        item = get_item(_CsatTallyItem, csat_tally_pk(tenant_id), f"D#{day}" if day else ALL_TIME_SK)
        if item is None:
            return {"good": 0, "bad": 0, "responses": 0}
        return {"good": int(item.good), "bad": int(item.bad), "responses": int(item.responses)}

    # Exports

    def record_export(self, tenant_id: str, *, export_id: str, object_key: str, tickets: int, created_by: str,
                      now: datetime) -> None:
        """Who exported how many tickets when, and where the file went (kept 90 days, then expired by TTL)."""
        created = to_rfc3339(now)
        item = _ExportItem(exports_pk(tenant_id), f"{created}#{export_id}", id=export_id, objectKey=object_key,
                           tickets=tickets, createdBy=created_by, createdAt=created,
                           expiresAt=int((now + EXPORT_RECORD_LIFETIME).timestamp()))
        try:
            item.save(condition=_ExportItem.pk.does_not_exist())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Export already recorded") from exc

    def list_exports(self, tenant_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first."""
        results = _ExportItem.query(exports_pk(tenant_id), scan_index_forward=False, limit=limit)
        items = [{"id": i.id, "object_key": i.objectKey, "tickets": int(i.tickets), "created_by": i.createdBy,
                  "created_at": i.createdAt} for i in results]
        record_items_read(results.page_iter.total_scanned_count)
        return items

    # SLA check

    def query_due(self, bucket: str, before: str) -> Iterator[DueEntry]:
        """The `ticketsByDue` entries of one hour bucket due strictly before `before` (RFC 3339), in due order."""
        results = _DueItem.by_due.query(bucket, _DueItem.dueSk < before)
        for item in results:
            due_at, tenant_id, ticket_id = parse_due_sort_key(str(item.dueSk))
            yield DueEntry(tenant_id=tenant_id, ticket_id=ticket_id, due_at=due_at)
        record_items_read(results.page_iter.total_scanned_count)

    def record_sla_check(self, finished_at: datetime, duration_seconds: float, recorded: Mapping[str, int]) -> None:
        """One completed run, counted in the platform-wide record /metrics reports (no tenant in it)."""
        item = _SlaCheckItem(PLATFORM_PK, SLA_CHECK_SK)
        try:
            item.update(actions=[
                _SlaCheckItem.runs.add(1),
                _SlaCheckItem.lastRunAt.set(round(finished_at.timestamp(), 3)),
                _SlaCheckItem.lastDurationSeconds.set(round(duration_seconds, 3)),
                _SlaCheckItem.breachesFirstResponse.add(recorded.get("first_response", 0)),
                _SlaCheckItem.breachesResolution.add(recorded.get("resolution", 0)),
            ])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "SLA check record failed") from exc

    def sla_check_stats(self) -> SlaCheckStats | None:
        item = get_item(_SlaCheckItem, PLATFORM_PK, SLA_CHECK_SK, consistent=False)
        if item is None:
            return None
        return SlaCheckStats(
            runs=int(item.runs),
            last_run_at=float(item.lastRunAt),
            last_duration_seconds=float(item.lastDurationSeconds),
            breaches={"first_response": int(item.breachesFirstResponse),
                      "resolution": int(item.breachesResolution)},
        )


def _attachment(item: _AttachmentItem) -> Attachment:
    return Attachment(id=item.id, ticket_id=item.ticketId, filename=item.filename, bytes=int(item.size),
                      mime=item.mime, key=item.objectKey, created_at=item.createdAt, created_by=item.createdBy)
