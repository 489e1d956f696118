"""Ids and RFC3339 UTC time, in one place so every module writes them the same way."""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta


def new_id() -> str:
    return str(uuid.uuid4())


_last_ordered = (0, 0)
_ordered_lock = threading.Lock()


def new_time_ordered_id(moment: datetime | None = None) -> str:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then random bits. Ids one process makes
    sort as text in the order it made them (the counter orders ids of one millisecond), so a sort key of ids lists
    items in the order they were made."""
    global _last_ordered  # noqa: PLW0603 - the process's last (millisecond, counter)
    millis = int((moment or datetime.now(UTC)).timestamp() * 1000) & ((1 << 48) - 1)
    with _ordered_lock:
        last_millis, counter = _last_ordered
        if millis <= last_millis:  # the same millisecond (or a clock step back): count on from the last id
            millis, counter = (last_millis, counter + 1) if counter < 0xFFF else (last_millis + 1, 0)
        else:
            counter = secrets.randbits(8)  # room above it for the ids still to come this millisecond
        _last_ordered = (millis, counter)
    value = (millis << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | secrets.randbits(62)
    return str(uuid.UUID(int=value))


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_rfc3339(moment: datetime) -> str:
    """UTC with millisecond precision and a Z suffix: sorts as text in the same order as in time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


EARLIEST_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(9999, 1, 1, tzinfo=UTC)
"""Dates and times a request may name lie in [EARLIEST_MOMENT, LATEST_MOMENT): far enough from datetime's own
ends that a day or a month either side never overflows, and every moment sorts as 4-digit-year text."""


class MomentOutOfRange(ValueError):
    """A well-formed date or time outside [EARLIEST_MOMENT, LATEST_MOMENT]."""


RANGE_MESSAGE = "Must be between 1970-01-01 and 9998-12-31"


RFC3339_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
                          r"[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")
"""RFC 3339's date-time (section 5.6), which names its offset. A date alone (its full-date, not a time) and ISO
8601's other forms (week dates, the basic format, a local time with no offset) are not an RFC 3339 time."""


def parse_strict_rfc3339(text: str) -> datetime:
    """parse_rfc3339 for documents that say "RFC3339" times: an RFC 3339 date-time only (RFC3339_FORM), as Go's
    time.RFC3339 reads one; raises ValueError."""
    if not RFC3339_FORM.fullmatch(text):
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    return parse_rfc3339(text)


def parse_filter_bound(text: str) -> datetime:
    """parse_rfc3339 for a filter's `since` or `until`: a well-formed moment before or after every one the platform
    holds (1900, 9999-12-31) bounds nothing more than the furthest one it holds, so it is taken as that one."""
    try:
        return parse_rfc3339(text)
    except MomentOutOfRange:
        # A well-formed moment out of range in 1970 (an offset or a week date before 1970-01-01Z) is early too.
        return EARLIEST_MOMENT if text.strip()[:4] <= f"{EARLIEST_MOMENT.year}" else LATEST_MOMENT


def parse_rfc3339(text: str, *, end_of_day: bool = False) -> datetime:
    """Parse an ISO 8601 date or date-time. A bare date means its midnight UTC, or the next midnight when
    `end_of_day` is set, so that `endDate=2024-01-31` includes the whole 31st. Raises ValueError, also for a
    moment outside [EARLIEST_MOMENT, LATEST_MOMENT] (MomentOutOfRange)."""
    text = text.strip()
    try:
        if "T" not in text.upper() and " " not in text:
            day = date.fromisoformat(text)  # also the basic (20240131) and week (2024-W05) forms
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            if end_of_day:
                moment += timedelta(days=1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31 + a day, or an offset past datetime's range
        raise MomentOutOfRange(RANGE_MESSAGE) from exc
    if not EARLIEST_MOMENT <= moment <= LATEST_MOMENT:
        raise MomentOutOfRange(RANGE_MESSAGE)
    return moment

