"""What an alert does to a project's incidents (issue #12, PagerDuty Events v2 semantics), decided from what the
project holds, as a plain function the alert store applies with conditional writes:

- a trigger whose dedup key belongs to an open incident joins it (its count and last-seen move);
- a trigger of a service with an open incident that saw an alert within GROUPING_WINDOW joins that incident;
- any other trigger opens an incident; a trigger after the key's incident ended opens a new one;
- a resolve marks the key's alert resolved on its incident; when every alert of the incident is resolved, the
  incident moves on (copilot `mitigated`, response `monitoring`), never to resolved without a human;
- an acknowledge, or a resolve of a key no open incident has, changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import field, replace
from datetime import datetime, timedelta
from enum import Enum

from opsdesk.alerts.records import Alert
from opsdesk.frozen import frozen

GROUPING_WINDOW = timedelta(minutes=30)
"""Alerts of one service this close to the incident's last alert are one incident."""
MAX_TRACKED_KEYS = 200
"""Dedup keys an incident follows one by one (firing or resolved). The group is one item, written whole with each
change: unbounded, a noisy service's keys (per pod, per alarm) grew it until every write cost hundreds of write
units and, past DynamoDB's 400 KB (1,500 keys of 255 characters), failed. A key joining past these is counted in
`untracked`, and such an incident waits for a person instead of moving on when its followed keys resolve."""
MAX_KEY_BYTES = 100
"""A dedup key longer than this (as UTF-8) is followed by its hash (`tracked_key`): a key may have 255 characters of
4 bytes, and written in the group 200 such keys made 612 KB (205 KB even as UTF-8), so a noisy service's group
passed DynamoDB's 400 KB and every later change to it failed. A followed key now takes at most 100 bytes: a group
of 200 (each twice: whether it fires, when it was listed) at most 48 KB. (A hash, 71 bytes, is under it: tracking
a tracked key changes nothing.)"""


def tracked_key(dedup_key: str) -> str:
    """How the group follows a dedup key: itself when short, else `sha256:` and its hex digest."""
    data = dedup_key.encode("utf-8")
    return dedup_key if len(data) <= MAX_KEY_BYTES else f"sha256:{hashlib.sha256(data).hexdigest()}"


@frozen
class AlertGroup:
    """An open incident as alert routing sees it: its alerts by dedup key and whether each still fires."""

    incident_id: str
    service: str
    opened_at: datetime
    last_alert_at: datetime
    alerts: Mapping[str, bool] = field(default_factory=dict)
    """Tracked dedup key (`tracked_key`) -> still firing."""
    listed: Mapping[str, datetime] = field(default_factory=dict)
    """Tracked dedup key -> when its alert fired first in the incident: the time its one list item is filed under
    (a CloudWatch, Datadog or PagerDuty resolve carries the resolve's time as its start, which filed a second
    item)."""
    alert_count: int = 0
    """Deliveries that joined it (repeats of one key included)."""
    ended: bool = False
    """A person resolved or closed the incident: later triggers open a new one."""
    unopened: bool = False
    """The incident does not exist: the effects of the delivery that opened the group never succeeded (it went to
    the dead-letter queue). A trigger of a key it has firing is then no repeat: its effects open the incident."""
    version: int = 1
    untracked: int = 0
    """Triggers of keys that joined past MAX_TRACKED_KEYS: whether those still fire is not followed."""

    @property
    def all_resolved(self) -> bool:
        return bool(self.alerts) and not any(self.alerts.values()) and not self.untracked


class Outcome(Enum):
    OPEN = "open"
    JOIN = "join"
    RESOLVE_ALERT = "resolve_alert"
    ALL_RESOLVED = "all_resolved"
    NOTHING = "nothing"


@frozen
class Decision:
    outcome: Outcome
    group: AlertGroup | None = None
    """The group as it is after the alert (None for NOTHING)."""


def decide(alert: Alert, by_key: AlertGroup | None, by_service: AlertGroup | None, now: datetime) -> Decision:
    """`by_key`: the open incident that has the alert's dedup key, if any; `by_service`: the open incident of the
    alert's service that saw an alert most recently, if any."""
    if alert.action == "acknowledge":
        return Decision(Outcome.NOTHING)
    key = tracked_key(alert.dedup_key)
    live_key = by_key if by_key is not None and not by_key.ended else None
    if alert.action == "resolve":
        if live_key is None or not live_key.alerts.get(key, False):
            return Decision(Outcome.NOTHING)
        after = replace(live_key, alerts={**live_key.alerts, key: False}, version=live_key.version + 1)
        return Decision(Outcome.ALL_RESOLVED if after.all_resolved else Outcome.RESOLVE_ALERT, after)
    target = live_key
    if target is None and by_service is not None and not by_service.ended and alert.service \
            and now - by_service.last_alert_at <= GROUPING_WINDOW:
        target = by_service
    if target is None:
        return Decision(Outcome.OPEN, AlertGroup(incident_id="", service=alert.service, opened_at=now,
                                                 last_alert_at=now, alerts={key: True},
                                                 listed={key: alert.starts_at}, alert_count=1))
    followed = key in target.alerts or len(target.alerts) < MAX_TRACKED_KEYS
    return Decision(Outcome.JOIN, replace(target, alerts={**target.alerts, key: True} if followed
                                          else target.alerts, untracked=target.untracked + (not followed),
                                          listed={key: alert.starts_at, **target.listed} if followed
                                          else target.listed,
                                          last_alert_at=max(target.last_alert_at, now),
                                          alert_count=target.alert_count + 1, version=target.version + 1))
