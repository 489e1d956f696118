"""Support analytics from aggregates: the dashboard summary, the plane distribution and documentation
effectiveness. Plain Python over day totals the store keeps on write; no AWS here.

Definitions (README "Analytics" has them for API users):
- Periods are whole UTC days. `startDate`/`endDate` select days (endDate exclusive, a bare date meaning its
  whole day, as in issue lists); without them a figure covers all time.
- "This month" is the month to date of the period's last day (today without `endDate`); "last month" is the
  same span of days in the month before (1-15 November against 1-15 October), so a trend on the 15th does not
  compare half a month with a whole one.
- A trend is a whole-number percent change, current against previous; from 0 to something it is +100.
- A help session is one user's run of doc searches and chats with no gap over SESSION_IDLE. It is escalated
  when the same user files an issue within ESCALATION_WINDOW of its last activity; the self-resolution rate is
  the share of sessions started in a period that were not escalated.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.frozen import frozen
from opsdesk.support.records import IssueStatus, Plane

SESSION_IDLE = timedelta(minutes=30)
ESCALATION_WINDOW = timedelta(hours=24)
HELP_ACTIVITY_KINDS = frozenset({"search", "chat"})
TREND_DEAD_BAND = 0.05
"""Effectiveness moving less than this (5 points) month on month is a "flat" trend."""
MAX_DOCS_LISTED = 100

# Names of the aggregate attributes the store keeps per day (and all time).
ALL_ISSUES = "all"
RESOLVED = "resolved"
RESOLUTION_SECONDS = "resolutionSeconds"
SESSIONS = "sessions"
ESCALATED = "escalated"
UNRESOLVED_STATUSES = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)

Totals = Mapping[str, int]


@frozen
class DayRange:
    """Whole UTC days, both ends inclusive; None on a side means unbounded. (None, None) is all time."""

    first: date | None = None
    last: date | None = None

    @property
    def all_time(self) -> bool:
        return self.first is None and self.last is None


@frozen
class DocStats:
    """One article's tallies over a period (all time, or one month)."""

    url: str
    title: str
    type: str
    views: int = 0
    helpful: int = 0
    feedback: int = 0

    @property
    def effectiveness(self) -> float:
        """Helpful marks per view, 0..1 (a mark without a counted view cannot push it past 1)."""
        return min(1.0, self.helpful / self.views) if self.views else 0.0


def day_range(start: datetime | None, end: datetime | None) -> DayRange:
    """The days of [start, end): times of day widen the range to whole days (aggregates are per day)."""
    if start and end and start >= end:
        raise ValidationFailed("Invalid query parameters", details=[FieldError("endDate", "Must be after startDate")])
    last = (end - timedelta(microseconds=1)).date() if end else None
    return DayRange(start.date() if start else None, last)


def within_whole_days(start: datetime | None, end: datetime | None) -> bool:
    """Whether [start, end) is whole UTC days (each bound unset or a midnight), which day aggregates count exactly."""
    return all(bound is None or bound.astimezone(UTC).time() == time.min for bound in (start, end))


def this_month(period: DayRange, today: date) -> DayRange:
    reference = min(period.last, today) if period.last else today
    return DayRange(reference.replace(day=1), reference)


def same_span_last_month(month: DayRange) -> DayRange:
    assert month.first is not None and month.last is not None
    previous_last_day = month.first - timedelta(days=1)
    start = previous_last_day.replace(day=1)
    days_in_previous = calendar.monthrange(start.year, start.month)[1]
    return DayRange(start, start.replace(day=min(month.last.day, days_in_previous)))


def month_key(day: date) -> str:
    return day.strftime("%Y-%m")


def previous_month_key(day: date) -> str:
    return month_key(day.replace(day=1) - timedelta(days=1))


def percent_change(current: float, previous: float) -> int:
    if previous == 0:
        return 0 if current == 0 else 100
    return round((current - previous) / previous * 100)


def average_resolution_hours(totals: Totals) -> float:
    resolved = totals.get(RESOLVED, 0)
    return round(totals.get(RESOLUTION_SECONDS, 0) / resolved / 3600, 1) if resolved else 0.0


def self_resolution_rate(help_totals: Totals) -> float:
    sessions = help_totals.get(SESSIONS, 0)
    return round((sessions - help_totals.get(ESCALATED, 0)) / sessions, 2) if sessions else 0.0


@frozen
class PeriodTotals:
    """Aggregates over the requested period, this month to date and the same span of last month."""

    period: Totals
    month: Totals
    last_month: Totals


def summary_view(issues: PeriodTotals, help_sessions: PeriodTotals) -> dict[str, Any]:
    unresolved = sum(issues.period.get(f"status:{status.value}", 0) for status in UNRESOLVED_STATUSES)
    return {
        "summary": {
            "totalIssues": issues.period.get(ALL_ISSUES, 0),
            "openIssues": unresolved,
            "resolvedThisMonth": issues.month.get(RESOLVED, 0),
            "avgResolutionTime": average_resolution_hours(issues.period),
            "selfResolutionRate": self_resolution_rate(help_sessions.period),
            "trends": {
                "issuesVsLastMonth": percent_change(issues.month.get(ALL_ISSUES, 0),
                                                    issues.last_month.get(ALL_ISSUES, 0)),
                "resolutionTimeVsLastMonth": percent_change(
                    average_resolution_hours(issues.month), average_resolution_hours(issues.last_month)
                ),
                "selfResolutionVsLastMonth": percent_change(
                    self_resolution_rate(help_sessions.month), self_resolution_rate(help_sessions.last_month)
                ),
            },
        }
    }


def plane_distribution_view(planes: Sequence[Plane], issues: PeriodTotals) -> dict[str, Any]:
    def count(plane: Plane) -> int:
        return issues.period.get(f"plane:{plane.id}", 0)

    def change(plane: Plane) -> int:
        dimension = f"plane:{plane.id}"
        return percent_change(issues.month.get(dimension, 0), issues.last_month.get(dimension, 0))

    ranked = sorted(planes, key=lambda plane: (-count(plane), plane.name.lower()))
    return {"distribution": [
        {"plane": plane.name, "count": count(plane), "changeVsLastMonth": change(plane)} for plane in ranked
    ]}


def trend(current: float, previous: float) -> str:
    if current - previous > TREND_DEAD_BAND:
        return "up"
    if previous - current > TREND_DEAD_BAND:
        return "down"
    return "flat"


def docs_effectiveness_view(
    all_time: Sequence[DocStats], month: Sequence[DocStats], last_month: Sequence[DocStats]
) -> dict[str, Any]:
    """Articles by views (then effectiveness), the top MAX_DOCS_LISTED; trend: this month against last."""
    this_by_url = {doc.url: doc for doc in month}
    last_by_url = {doc.url: doc for doc in last_month}
    ranked = sorted(all_time, key=lambda doc: (-doc.views, -doc.effectiveness, doc.url))[:MAX_DOCS_LISTED]
    docs = []
    for doc in ranked:
        current = this_by_url.get(doc.url)
        previous = last_by_url.get(doc.url)
        docs.append({
            "url": doc.url,
            "title": doc.title,
            "type": doc.type,
            "views": doc.views,
            "helpfulMarks": doc.helpful,
            "effectiveness": round(doc.effectiveness, 2),
            "trend": trend(current.effectiveness if current else 0.0, previous.effectiveness if previous else 0.0),
        })
    return {"docs": docs}


def title_from_url(url: str) -> str:
    """A readable stand-in for an article known only by its URL (feedback on an article never shown here)."""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    return slug.replace("-", " ").capitalize() if slug else url
