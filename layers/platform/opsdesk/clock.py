"""Ids and RFC3339 UTC time, in one place so every module writes them the same way."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta


def new_id() -> str:
    return str(uuid.uuid4())


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


def parse_rfc3339(text: str, *, end_of_day: bool = False) -> datetime:
    """Parse an ISO 8601 date or date-time. A bare date means its midnight UTC, or the next midnight when
    `end_of_day` is set, so that `endDate=2024-01-31` includes the whole 31st. Raises ValueError."""
    text = text.strip()
    if "T" not in text.upper() and " " not in text:
        day = date.fromisoformat(text)  # also the basic (20240131) and week (2024-W05) forms
        midnight = datetime.combine(day, time.min, tzinfo=UTC)
        return midnight + timedelta(days=1) if end_of_day else midnight
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)

