"""HelpSessionRepository: help sessions on the SupportTable: each user's latest session (continued while active,
escalated when an issue is filed) and the per-day counts of sessions and escalations analytics reads."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.clock import to_rfc3339
from opsdesk.dynamo import Outcome, domain_error_for, error_code, get_item
from opsdesk.keys import day_sk
from opsdesk.support.analytics import ESCALATED, SESSIONS, DayRange
from opsdesk.support.counters import ALL_TIME_SK, HELP_SESSION_SK, help_session_pk, help_stats_pk
from opsdesk.support.items import HelpSessionItem
from opsdesk.support.table_repository import SupportTableRepository


class HelpSessionRepository(SupportTableRepository):
    """One help session item per user (the latest), and the help stats counted on the day a session started."""

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
