"""Runs an incident's analysis when events arrive (functions/response_analysis, fed by the IncidentsTable's stream):
waits for the burst to end, reads the newest events, and stores the summary, root cause, the new suggested actions
and an `ai_analysis` timeline entry in one write, pushed to the incident's room."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from opsdesk.analysis.providers import HypothesisProvider
from opsdesk.analysis.text import BY_CAUSE
from opsdesk.clock import new_time_ordered_id, utc_now
from opsdesk.errors import Conflict
from opsdesk.response.analysis import MAX_EVENTS_READ, analyse, events_digest, last_activity_at, wait_for_quiet
from opsdesk.response.records import AI_ACTOR, Action, ActionStatus, Analysis, EntryType, TimelineEntry
from opsdesk.response.service import room_event
from opsdesk.response.store import INCIDENT_CHANGED, ResponseStore
from opsdesk.response.views import action_view, entry_view, incident_view

SAVE_ATTEMPTS = 3
"""Saves of one analysis while people keep changing its incident (each rebuilds it from the incident as it is)."""
MAX_ACTIONS_CHECKED = 200
"""The first actions compared with new suggestions besides their title lookup (ResponseStore.action_titles), for
incidents whose actions were added before title items were written."""


class AnalysisService:
    def __init__(self, store: ResponseStore, provider: HypothesisProvider, *, quiet_seconds: float,
                 max_wait_seconds: float, clock: Callable[[], datetime] = utc_now,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store = store
        self._provider = provider
        self._quiet = quiet_seconds
        self._max_wait = max_wait_seconds
        self._now = clock
        self._sleep = sleep

    def run(self, tenant_id: str, incident_id: str, wait_at_most: float | None = None) -> Analysis | None:
        """None when the incident is gone, or when no event arrived since its last analysis (a second request for
        the same events: the first analysis answered it). `wait_at_most`: what is left of the invocation's budget
        for waiting (below the service's own maximum); events that arrive after it started request another."""
        budget = self._max_wait if wait_at_most is None else max(0.0, min(self._max_wait, wait_at_most))
        wait_for_quiet(lambda: last_activity_at(self._store.ingest_activity(tenant_id, incident_id), self._now()),
                       self._now, quiet_seconds=self._quiet, max_wait_seconds=budget, sleep=self._sleep)
        self._store.start_analysis(tenant_id, incident_id)  # events from now on request the next analysis
        incident = self._store.get_incident(tenant_id, incident_id)
        if incident is None:
            return None
        events = self._store.latest_events(tenant_id, incident_id, MAX_EVENTS_READ)
        if incident.analysed_events == events_digest(events):
            return None
        result = analyse(incident, events, self._provider)
        now = self._now()
        # By title (one item each, written with every action), and the first actions for incidents whose actions
        # were added before title items were written.
        first = self._store.actions(tenant_id, incident_id, MAX_ACTIONS_CHECKED, None).items
        have = self._store.action_titles(tenant_id, incident_id, [step.title for step in result.steps]) | {
            a.title.strip().casefold() for a in first}
        actions = [Action(id=new_time_ordered_id(now), incident_id=incident_id, title=step.title,
                          description=step.description, status=ActionStatus.PENDING, suggested_by=AI_ACTOR,
                          priority=step.priority, created_at=now, updated_at=now)
                   for step in result.steps if step.title.strip().casefold() not in have]
        analysis = result.analysis
        label = BY_CAUSE[analysis.cause].label if analysis.cause in BY_CAUSE else "no known cause"
        entry = TimelineEntry(id=new_time_ordered_id(now), incident_id=incident_id,
                              entry_type=EntryType.AI_ANALYSIS,
                              title=f"AI analysis: {label} ({round(analysis.confidence * 100)}%)",
                              description=analysis.ai_summary, actor=AI_ACTOR, timestamp=now,
                              details={"model_id": analysis.model_id, "events_read": analysis.events_read,
                                       "cause": analysis.cause})
        for _ in range(SAVE_ATTEMPTS):
            # The incident changed: updated_at moves, so a client that polls or caches by it sees the analysis.
            analysed = replace(incident, ai_summary=analysis.ai_summary, root_cause=analysis.root_cause,
                               suggested_actions=analysis.suggested_actions,
                               updated_at=max(self._now(), incident.updated_at))
            try:
                saved = self._store.save_analysis(analysed, analysis, actions, entry, [
                    room_event("ai_analysis", incident_id, incident_view(analysed), entry=entry_view(entry),
                               actions=[action_view(a) for a in actions])])
            except Conflict:  # a person changed it meanwhile: the room hears the incident as it is now
                current = self._store.get_incident(tenant_id, incident_id)
                if current is None:
                    return None
                incident = current
                continue
            return analysis if saved else None
        raise Conflict(INCIDENT_CHANGED)  # the stream delivers the request again
