"""An alert's effects on one project (issue #12): grouped and deduplicated (opsdesk.alerts.grouping, committed by
opsdesk.alerts.repository), then made visible where people look:

- the copilot: the alert in the project's alert list (`alert.fired` on its WebSocket channel), a new incident
  (`incident.created`: the hypothesis ranker takes it from there; written with the alert that opened it, so the
  ranker never reads it without that alert) or the one it joined; when every alert of the incident is resolved,
  the incident moves to `mitigated`;
- the response module: the tenant's incident of the same group, the alert as an ingested `alert` event (the
  alert that opens the incident is written with it, in one transaction; its analysis follows), and `monitoring`
  when every alert is resolved.

Nothing moves an incident to resolved: that is a person's call. Each effect is idempotent (fixed ids, puts, the
ingest's Idempotency-Key, same-state moves that change nothing, dated by the delivery's applied time), so a
redelivery whose effects were cut short repeats them and changes nothing, publishing nothing twice; one whose
effects all succeeded does nothing."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime

from opsdesk.alerts.grouping import AlertGroup, Outcome, decide, tracked_key
from opsdesk.alerts.records import Alert
from opsdesk.alerts.repository import AlertGroupRepository, StoredGroup
from opsdesk.auth import Principal
from opsdesk.clock import parse_rfc3339, to_rfc3339, utc_now
from opsdesk.copilot import workflow as copilot_workflow
from opsdesk.copilot.records import Alert as CopilotAlert
from opsdesk.copilot.records import Incident as CopilotIncident
from opsdesk.copilot.records import IncidentState, Severity
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.service import (
    alert_fired_event,
    incident_created_event,
    incident_updated_event,
    ranking_requested_event,
)
from opsdesk.errors import Conflict
from opsdesk.events import DomainEvent
from opsdesk.frozen import frozen
from opsdesk.response import workflow as response_workflow
from opsdesk.response.queries import MAX_IDEMPOTENCY_KEY
from opsdesk.response.records import MAX_NAME, MAX_TAG, MAX_TEXT, MAX_TITLE, Level, NewEvent, NewIncident, Status
from opsdesk.response.service import ResponseService

MAX_ATTEMPTS = 12
"""Decisions re-read and re-made when a concurrent delivery moved the group first."""
ENDED_STATES = frozenset({IncidentState.RESOLVED, IncidentState.LEARNED})
LEVELS: dict[str, Level] = {"critical": "critical", "high": "error", "medium": "warning", "low": "warning",
                            "info": "info"}
_IDS = uuid.UUID("6f1d7c52-4a8e-4d0b-9a53-2b8f0c1e7a10")


@frozen
class Target:
    """A project an integration routes the alert to."""

    tenant_id: str
    project_id: str
    integration_id: str = ""


def stable_id(*parts: str) -> str:
    """The same id for the same delivery: a retried effect writes the same item."""
    return str(uuid.uuid5(_IDS, "\x1f".join(parts)))


class AlertIngest:
    def __init__(self, groups: AlertGroupRepository, copilot: CopilotRepository, response: ResponseService, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._groups = groups
        self._copilot = copilot
        self._response = response
        self._now = clock

    def apply(self, target: Target, alert: Alert, delivery_id: str) -> Outcome:
        tenant, project = target.tenant_id, target.project_id
        for attempt in range(MAX_ATTEMPTS):
            now = self._now()
            # The delivery's marker is read only once a commit was refused (its absence is one of the commit's
            # conditions) or when there is nothing to commit: a first delivery, the common case, reads it never.
            if attempt > 0 and self._replayed(target, alert, delivery_id):
                return Outcome.NOTHING
            by_key = self._live(tenant, project, self._groups.by_dedup_key(tenant, project, alert.dedup_key))
            if alert.action == "trigger" and (by_key is None or by_key.group.ended) and self._resolved_since(
                    target, alert):
                return Outcome.NOTHING
            by_service, service_was = None, None
            if alert.action == "trigger" and (by_key is None or by_key.group.ended):
                service_was = self._groups.service_pointer(tenant, project, alert.service)
                by_service = self._live(tenant, project,
                                        self._groups.group(tenant, project, service_was) if service_was else None)
            decision = decide(alert, by_key.group if by_key else None, by_service.group if by_service else None, now)
            if decision.group is None:
                if alert.action == "resolve":  # its trigger may yet come (no order): it must not open an incident
                    self._groups.note_resolve(tenant, project, alert.dedup_key, alert.ends_at or alert.starts_at)
                return Outcome.NOTHING if attempt == 0 and self._replayed(target, alert, delivery_id) \
                    else decision.outcome
            joined = None
            if decision.outcome is not Outcome.OPEN:  # the group decided on: the key's, else the service's
                joined = by_key if by_key and by_key.group.incident_id == decision.group.incident_id else by_service
            stored = self._stored(decision.group, joined, target, delivery_id, alert)
            repeat = joined is not None and alert.action == "trigger" and _repeats(alert.dedup_key, joined, by_key)
            try:
                if repeat:
                    # A repeat of a firing alert: counted, without racing the group's shape; nothing else changes
                    # (the alert is listed and ingested once per state, not once per delivery).
                    self._groups.repeat(tenant, project, stored.group.incident_id, delivery_id, now)
                else:
                    self._groups.commit(tenant, project, after=stored, before=joined.group if joined else None,
                                        dedup_key=alert.dedup_key,
                                        key_was=by_key.group.incident_id if by_key else None,
                                        delivery_id=delivery_id, now=now, counts=alert.action == "trigger",
                                        service_was=service_was)
            except Conflict:
                time.sleep(random.uniform(0, min(0.2, 0.01 * 2**attempt)))
                continue
            if not repeat:
                # The time as the delivery's marker keeps it (to the millisecond), so a redelivery dates alike.
                self._effects(target, alert, stored, decision.outcome, delivery_id,
                              applied_at=parse_rfc3339(to_rfc3339(now)))
                self._groups.effects_done(tenant, project, delivery_id)
            return decision.outcome
        raise Conflict("The alert's incident kept changing; the delivery will be retried")

    def _resolved_since(self, target: Target, alert: Alert) -> bool:
        """A trigger whose alert was resolved after it fired, the resolve handled first: no alert fires."""
        resolved = self._groups.resolved_at(target.tenant_id, target.project_id, alert.dedup_key)
        return resolved is not None and alert.starts_at <= resolved

    def _replayed(self, target: Target, alert: Alert, delivery_id: str) -> bool:
        """A redelivery (the delivery was applied before): nothing once its effects all succeeded; else the effects
        again, each idempotent, dated as the first time, and nothing else."""
        applied = self._groups.delivered_to(target.tenant_id, target.project_id, delivery_id)
        if applied is None:
            return False
        if not applied.finished and applied.stored is not None:
            self._effects(target, alert, applied.stored, Outcome.NOTHING, delivery_id,
                          applied_at=applied.applied_at, replay=True)
            self._groups.effects_done(target.tenant_id, target.project_id, delivery_id)
        return True

    # Grouping

    def _live(self, tenant: str, project: str, stored: StoredGroup | None) -> StoredGroup | None:
        """The group, unless its incident has ended (a person resolved it): then it takes no more alerts."""
        if stored is None:
            return None
        incident = self._copilot.get_incident(tenant, project, stored.group.incident_id)
        if incident is None:
            return replace(stored, group=replace(stored.group, unopened=True))
        if incident.state in ENDED_STATES:
            return replace(stored, group=replace(stored.group, ended=True))
        return stored

    @staticmethod
    def _stored(group: AlertGroup, before: StoredGroup | None, target: Target, delivery_id: str,
                alert: Alert) -> StoredGroup:
        if not group.incident_id:  # a new incident: its ids come from the project and the delivery that opened it
            incident_id = stable_id("copilot", target.project_id, delivery_id, alert.dedup_key)
            return StoredGroup(replace(group, incident_id=incident_id), stable_id("response", incident_id))
        assert before is not None
        return StoredGroup(group, before.response_incident_id)

    # Effects

    def _effects(self, target: Target, alert: Alert, stored: StoredGroup, outcome: Outcome, delivery_id: str, *,
                 applied_at: datetime, replay: bool = False) -> None:
        """`applied_at`: when the delivery was applied, the same for each of its redeliveries. `replay`: a
        redelivery's, after effects cut short: the alert's events go out only if its write was not made."""
        tenant, project, incident_id = target.tenant_id, target.project_id, stored.group.incident_id
        # One list item per alert of the incident, filed under its first firing (its state changes update it).
        listed_at = stored.group.listed.get(tracked_key(alert.dedup_key), alert.starts_at)
        record = CopilotAlert(id=stable_id("alert", incident_id, alert.dedup_key), project_id=project,
                              source=alert.source, name=alert.name, status=alert.status, severity=alert.severity,
                              service=alert.service, summary=alert.summary, starts_at=listed_at,
                              labels=dict(alert.labels), fingerprint=alert.dedup_key, ends_at=alert.ends_at,
                              incident_id=incident_id, description=alert.description)
        events = [alert_fired_event(record)] if alert.action == "trigger" else []
        incident, opened = self._copilot_incident(target, alert, stored, record, events)
        if not opened and not (replay and self._copilot.alert_stored(tenant, record)):
            if alert.action == "trigger" and outcome is Outcome.JOIN:
                events.append(ranking_requested_event(incident))  # new evidence for an incident ranked before
            self._copilot.save_alert(tenant, record, events)
        system = Principal(user_id="system", tenant_id=tenant, username="system", groups=frozenset())
        event = NewEvent(
            incident_id=stored.response_incident_id, event_type="alert",
            message=(f"{alert.name}: {alert.summary}" if alert.summary else alert.name)[:MAX_TEXT] or "Alert",
            level=LEVELS[alert.severity] if alert.action == "trigger" else "info",
            # Who is alerting: the analysis reads it as the failing service.
            source=(alert.service.strip() or alert.source)[:MAX_NAME].strip(),
            metadata={"status": alert.status, "dedup_key": alert.dedup_key, "alert_source": alert.source,
                      **({"integration_id": target.integration_id} if target.integration_id else {})},
            # Never ahead of our clock: a source's skewed clock would have the response module refuse the event.
            # The delivery's own time, not now: a redelivery's event must hash as the first's under its key.
            timestamp=min(alert.ends_at if alert.action == "resolve" and alert.ends_at else alert.starts_at,
                          applied_at))
        # One delivery may reach several projects of a tenant: each ingests its own event under its own key.
        key = f"alert-{target.project_id}-{delivery_id}"[:MAX_IDEMPOTENCY_KEY]
        if not self._response_incident(system, alert, stored, event, key):
            self._response.ingest(system, [event], idempotency_key=key, batch=False)
        if outcome is Outcome.ALL_RESOLVED:
            self._settle(system, incident, stored)
        elif outcome is Outcome.JOIN and alert.action == "trigger" and incident.state is IncidentState.MITIGATED:
            self._reopen(system, incident, stored)

    def _copilot_incident(self, target: Target, alert: Alert, stored: StoredGroup, record: CopilotAlert,
                          events: list[DomainEvent]) -> tuple[CopilotIncident, bool]:
        """The group's copilot incident, and whether this call opened it: then with the alert and its `events` in
        the same write, so the hypothesis ranker (started by `incident.created`) never reads it without its
        alert."""
        found = self._copilot.get_incident(target.tenant_id, target.project_id, stored.group.incident_id)
        if found is not None:
            return found, False
        at = stored.group.opened_at
        incident = CopilotIncident(
            id=stored.group.incident_id, project_id=target.project_id, title=alert.name[:200] or "Alert",
            description=alert.summary[:10_000], service_name=alert.service or "unknown",
            severity=Severity(alert.severity), state=IncidentState.DETECTED, detected_at=min(at, alert.starts_at),
            created_at=at, updated_at=at, created_by=f"alert:{alert.source}")
        try:
            self._copilot.create_incident(target.tenant_id, incident, [incident_created_event(incident), *events],
                                          alert=record)
        except Conflict:  # another alert of the group made it meanwhile (alerts of one event apply side by side)
            made = self._copilot.get_incident(target.tenant_id, target.project_id, stored.group.incident_id)
            if made is None:
                raise
            return made, False
        return incident, True

    def _response_incident(self, system: Principal, alert: Alert, stored: StoredGroup, event: NewEvent,
                           key: str) -> bool:
        """Opens the group's response incident with the alert's event in one write (nobody reads it without its
        event); False when it exists, and the event is still to ingest."""
        if self._response.find_incident(system, stored.response_incident_id) is not None:
            return False
        tag = alert.service[:MAX_TAG].strip()
        try:
            self._response.open_incident(system, NewIncident(
                title=alert.name[:MAX_TITLE].strip() or "Alert", description=alert.summary[:MAX_TEXT],
                severity=alert.severity, source=alert.source, tags=(tag,) if tag else (),
                metadata={"copilot_incident_id": stored.group.incident_id}), stored.response_incident_id,
                at=stored.group.opened_at, events=[event], idempotency_key=key)
        except Conflict:  # another alert of the group made it meanwhile
            return False
        return True

    def _settle(self, system: Principal, incident: CopilotIncident, stored: StoredGroup) -> None:
        """Every alert resolved: the copilot incident to `mitigated`, the response incident to `monitoring`, where
        their tables allow it (a person may have moved them on already)."""
        target = IncidentState.MITIGATED
        if incident.state is not target and copilot_workflow.can_move(incident.state, target):
            after = copilot_workflow.moved(incident, target, self._now())
            with suppress(Conflict):  # a person moved it meanwhile: theirs stands
                self._copilot.update_incident(system.tenant_id, incident, after, [incident_updated_event(after)])
        response = self._response.find_incident(system, stored.response_incident_id)
        if response is not None and response.status is not Status.MONITORING \
                and response_workflow.can_move(response.status, Status.MONITORING):
            with suppress(Conflict):
                self._response.change_status(system, response.id, Status.MONITORING)


    def _reopen(self, system: Principal, incident: CopilotIncident, stored: StoredGroup) -> None:
        """An alert fires again in a mitigated incident: the impact is back, so both incidents go back to
        `investigating` (a person may have moved them on meanwhile: theirs stands)."""
        after = copilot_workflow.moved(incident, IncidentState.INVESTIGATING, self._now())
        with suppress(Conflict):
            self._copilot.update_incident(system.tenant_id, incident, after, [incident_updated_event(after)])
        response = self._response.find_incident(system, stored.response_incident_id)
        if response is not None and response.status is Status.MONITORING:
            with suppress(Conflict):
                self._response.change_status(system, response.id, Status.INVESTIGATING)


def _repeats(dedup_key: str, joined: StoredGroup, by_key: StoredGroup | None) -> bool:
    """A trigger that only repeats an alert the group has firing: a followed key that fires, or a key that joined
    past the followed ones (its pointer is the group's, the group does not follow it: it is counted, not decided
    on again with each re-send). Never while the group's incident does not exist: the trigger's effects open it."""
    if joined.group.unopened:
        return False
    key = tracked_key(dedup_key)
    if key in joined.group.alerts:
        return bool(joined.group.alerts[key])
    return by_key is not None and by_key.group.incident_id == joined.group.incident_id
