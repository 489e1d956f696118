"""Helpdesk demo data for `make dev`: requesters, tickets in every state with comments (public and internal) and
watchers, for both demo tenants. Everything goes through the helpdesk service with its clock set to when it
happened, so numbers, SLA stamps, the due index, the metrics aggregates, CSAT tokens and events are what the API
would have produced. Resolved tickets are days old (their resolution times feed /metrics); open ones are a few
hours old so their SLA clocks run now and the scheduled check can find breaches while you watch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opsdesk.auth import Principal
from opsdesk.directory import CognitoTenantUsers
from opsdesk.eventlog import EventLog
from opsdesk.helpdesk.repository import TicketRepository
from opsdesk.helpdesk.requests import (
    AddWatcherRequest,
    CreateCommentRequest,
    CreateRequesterRequest,
    CreateTicketRequest,
    UpdateTicketRequest,
)
from opsdesk.helpdesk.service import HelpdeskService
from scripts.local.aws import LocalAws, client


@dataclass(frozen=True)
class DemoTicket:
    requester: str
    """The requester's email."""
    title: str
    description: str
    priority: str
    age: timedelta
    """How long ago it was created."""
    source: str | None = None
    team: str | None = None
    assignee: str | None = None
    """A demo user's username."""
    category: str | None = None
    urgency: int | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    comments: tuple[tuple[str, str, bool, timedelta], ...] = ()
    """(author: a demo username or a requester's email, body, internal, after creation)."""
    status: tuple[tuple[str, timedelta], ...] = ()
    """(status, after creation), in order."""
    watchers: tuple[str, ...] = ()


ACME_REQUESTERS = (
    ("priya.patel@customer-alpha.example", "Priya Patel"),
    ("marcus.lee@customer-beta.example", "Marcus Lee"),
    ("elena.garcia@customer-alpha.example", "Elena García"),
    ("tom.becker@customer-gamma.example", "Tom Becker"),
)
ALICE, BOB, DAVE = "alice@acme.test", "bob@acme.test", "dave@acme.test"
ACME_TICKETS = (
    DemoTicket("priya.patel@customer-alpha.example", "VPN drops every hour",
               "The Cisco AnyConnect client disconnects on the hour, every hour, since Monday's update.",
               "high", timedelta(hours=3), team="network", assignee=DAVE, category="network", urgency=2,
               custom={"site": "Berlin", "os": "macOS 15"},
               comments=((DAVE, "Thanks Priya, we are looking at the gateway logs.", False, timedelta(minutes=20)),
                         (DAVE, "Gateway rekeys every 60 min; likely the new DPD setting.", True,
                          timedelta(minutes=40))),
               watchers=(ALICE,)),
    DemoTicket("marcus.lee@customer-beta.example", "Cannot sign in to the billing portal",
               "SSO redirects back to the login page after entering the one-time code.",
               "urgent", timedelta(minutes=50), team="identity", category="access", urgency=1, source="email",
               comments=(("marcus.lee@customer-beta.example", "Still failing for the whole finance team.", False,
                          timedelta(minutes=30)),)),
    DemoTicket("elena.garcia@customer-alpha.example", "Request: new laptop for onboarding",
               "A new developer starts on the 1st; please prepare a laptop with the standard image.",
               "low", timedelta(hours=5), team="desktop", category="hardware",
               custom={"start_date": "2026-12-01", "model": "14-inch"},
               status=(("pending", timedelta(hours=1)),),
               comments=((ALICE, "Which office will they work from?", False, timedelta(minutes=55)),)),
    DemoTicket("tom.becker@customer-gamma.example", "Nightly export to the data warehouse is late",
               "The 02:00 export finished at 07:40; dashboards were stale all morning.",
               "normal", timedelta(hours=2), team="data", assignee=ALICE, category="data"),
    DemoTicket("priya.patel@customer-alpha.example", "Printer on floor 3 jams",
               "The printer next to the kitchen jams on every duplex job.",
               "low", timedelta(days=9), team="desktop", assignee=DAVE, category="hardware",
               comments=((DAVE, "Replaced the duplex roller.", False, timedelta(hours=6)),),
               status=(("resolved", timedelta(hours=7)),)),
    DemoTicket("marcus.lee@customer-beta.example", "Shared mailbox missing for finance",
               "We need finance@ as a shared mailbox for four people.",
               "normal", timedelta(days=6), team="identity", assignee=ALICE, category="access",
               comments=((ALICE, "Created and shared with the four of you.", False, timedelta(hours=3)),),
               status=(("resolved", timedelta(hours=4)), ("closed", timedelta(days=2)))),
    DemoTicket("elena.garcia@customer-alpha.example", "Wi-Fi slow in meeting room Atlas",
               "Video calls in Atlas freeze; other rooms are fine.",
               "high", timedelta(days=4), team="network", assignee=DAVE, category="network",
               comments=((DAVE, "An access point was on a 20 MHz channel.", True, timedelta(hours=1)),
                         (DAVE, "Fixed the channel plan; please try again.", False, timedelta(hours=2))),
               status=(("resolved", timedelta(hours=10)),)),
    DemoTicket("tom.becker@customer-gamma.example", "Password reset emails not arriving",
               "Users do not receive password reset emails from the self-service page.",
               "urgent", timedelta(days=2), team="identity", assignee=ALICE, category="access",
               comments=((ALICE, "The mail relay rejected the new sender domain; fixed.", False,
                          timedelta(hours=2)),),
               status=(("resolved", timedelta(hours=3)),)),
    DemoTicket("priya.patel@customer-alpha.example", "Software request: Figma licence",
               "Design team needs two more Figma seats.",
               "low", timedelta(days=1), team="apps", category="software", source="email",
               status=(("closed", timedelta(hours=1)),)),
)
GLOBEX_REQUESTERS = (("hank.scorpio@globex.example", "Hank Scorpio"),)
GLOBEX_TICKETS = (
    DemoTicket("hank.scorpio@globex.example", "Lab doors do not open with new badges",
               "Badges issued this week are refused by the doors of lab 2.", "high", timedelta(hours=1),
               team="facilities", category="access"),
)


def user_ids(aws: LocalAws, usernames: list[str]) -> dict[str, str]:
    """Cognito subjects of the demo users: the ids the API knows them by (assignee_id, author_id)."""
    cognito = client("cognito-idp", aws.endpoint, aws.region)
    subjects = {}
    for username in usernames:
        attributes = cognito.admin_get_user(UserPoolId=aws.user_pool_id, Username=username)["UserAttributes"]
        subjects[username] = next(a["Value"] for a in attributes if a["Name"] == "sub")
    return subjects


class _Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def seed_helpdesk(aws: LocalAws, tenants: list[tuple[str, dict[str, tuple[str, ...]]]]) -> int:
    """`tenants`: (tenant id, {username: groups}) of the demo users. Returns how many tickets were made."""
    clock = _Clock()
    service = HelpdeskService(TicketRepository(EventLog()), clock=clock,
                              users=CognitoTenantUsers(aws.user_pool_id, region=aws.region, endpoint_url=aws.endpoint))
    made = 0
    plans = {0: (ACME_REQUESTERS, ACME_TICKETS), 1: (GLOBEX_REQUESTERS, GLOBEX_TICKETS)}
    for position, (tenant_id, users) in enumerate(tenants):
        requesters, tickets = plans[position]
        subjects = user_ids(aws, list(users))
        people = {name: Principal(user_id=subjects[name], tenant_id=tenant_id, username=name,
                                  groups=frozenset(groups)) for name, groups in users.items()}
        agent = next(p for p in people.values() if p.groups & {"agent", "admin"})
        requester_ids = {email: service.create_requester(agent, CreateRequesterRequest(email=email,
                                                                                       display_name=name)).id
                         for email, name in requesters}
        start = datetime.now(UTC)
        for spec in sorted(tickets, key=lambda t: -t.age):
            made += 1
            created = start - spec.age
            clock.now = created
            ticket = service.create_ticket(agent, CreateTicketRequest(
                title=spec.title, description=spec.description, requester_id=requester_ids[spec.requester],
                priority=spec.priority, urgency=spec.urgency, category=spec.category, custom_json=spec.custom,
                source=spec.source), "cookie")
            if spec.team or spec.assignee:
                clock.now = created + timedelta(minutes=5)
                service.update_ticket(agent, ticket.id, UpdateTicketRequest.model_validate(
                    {"team_id": spec.team, **({"assignee_id": subjects[spec.assignee]} if spec.assignee else {})}))
            steps: list[tuple[timedelta, str, Any]] = [(after, "comment", (author, body, internal))
                                                       for author, body, internal, after in spec.comments]
            steps += [(after, "status", status) for status, after in spec.status]
            for after, kind, what in sorted(steps, key=lambda step: step[0]):
                clock.now = created + after
                if kind == "status":
                    service.update_ticket(agent, ticket.id, UpdateTicketRequest(status=what))
                    continue
                author, body, internal = what
                if author in people:
                    service.add_comment(people[author], ticket.id, CreateCommentRequest(
                        body_md=body, is_internal=internal, author_id=people[author].user_id))
                else:  # a requester's reply, recorded by an agent
                    service.add_comment(agent, ticket.id, CreateCommentRequest(
                        body_md=body, is_internal=False, author_id=requester_ids[author]))
            for watcher in spec.watchers:
                service.add_watcher(agent, ticket.id, AddWatcherRequest(user_id=subjects[watcher]))
    return made
