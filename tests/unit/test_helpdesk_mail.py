"""The CSAT survey mail: what it says (subject with number and title, the link, the requester's name, both parts,
everything escaped), whom it may go to, how SES is called, when the service sends it (after every resolve that
commits, never for other changes) and that no mail problem ever fails the resolve or logs the token."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.utils import parseaddr
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from opsdesk.auth import Principal
from opsdesk.helpdesk.csat import CsatToken, new_survey_token
from opsdesk.helpdesk.mail import CsatSurveyMailer, compose_survey, mailbox_address, survey_link, survey_mailer
from opsdesk.helpdesk.records import Requester, Ticket, TicketSource, TicketStatus
from opsdesk.helpdesk.requests import CreateRequesterRequest, CreateTicketRequest, UpdateTicketRequest
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.mail import Email, MailNotSent, SesMailSender
from opsdesk.settings import HelpdeskMailSettings
from tests.unit.fakes import FakeClock
from tests.unit.helpdesk_fakes import InMemoryHelpdeskStore

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
PUBLIC_URL = "https://api.example.com"
TOKEN = "q1W2e3R4t5Y6u7I8o9P0a1S2d3F4g5H6j7K8l9Z0x1C"


def requester(**overrides: Any) -> Requester:
    values: dict[str, Any] = {"id": str(uuid.uuid4()), "email": "jane@customer.example", "display_name": "Jane Doe",
                              "created_at": "2026-03-01T00:00:00.000Z", "updated_at": "2026-03-01T00:00:00.000Z"}
    return Requester(**(values | overrides))


def ticket(**overrides: Any) -> Ticket:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()), "number": 42, "title": "VPN drops every hour", "description": "d",
        "requester_id": str(uuid.uuid4()), "priority": "normal", "status": TicketStatus.RESOLVED,
        "source": TicketSource.API, "created_at": "2026-03-01T00:00:00.000Z", "updated_at": "2026-03-01T00:00:00.000Z",
        "created_by": "agent",
    }
    return Ticket(**(values | overrides))


def settings(**env: str) -> HelpdeskMailSettings:
    return HelpdeskMailSettings.from_environment({"AWS_REGION": "eu-west-1", "TICKETS_TABLE_NAME": "tickets", **env})


def hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


# Composing


def test_the_link_is_the_csat_route_under_the_helpdesk_base_path_of_the_public_url() -> None:
    assert survey_link(PUBLIC_URL, TOKEN) == f"{PUBLIC_URL}/helpdesk/csat/{TOKEN}"
    assert survey_link(PUBLIC_URL + "/", TOKEN) == f"{PUBLIC_URL}/helpdesk/csat/{TOKEN}"
    assert survey_link("http://127.0.0.1:3000", "a/b?c") == "http://127.0.0.1:3000/helpdesk/csat/a%2Fb%3Fc"


def test_the_subject_names_the_ticket_number_and_title() -> None:
    mail = compose_survey(requester(), ticket(), survey_link(PUBLIC_URL, TOKEN))

    assert mail.subject == "How did we do? Ticket #42: VPN drops every hour"


def test_a_long_or_multi_line_title_becomes_one_short_subject_line() -> None:
    mail = compose_survey(requester(), ticket(title="Printer\r\nBcc: evil@example.com " + "x" * 200), "https://l")

    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject.startswith("How did we do? Ticket #42: Printer Bcc: evil@example.com x")
    assert mail.subject.endswith("…")
    assert len(mail.subject) <= len("How did we do? Ticket #42: ") + 80


def test_both_parts_greet_the_requester_and_carry_the_link() -> None:
    link = survey_link(PUBLIC_URL, TOKEN)

    mail = compose_survey(requester(display_name="Jane Doe"), ticket(), link)

    assert mail.text.startswith("Hello Jane Doe,\n")
    assert f"\n{link}\n" in mail.text
    assert '#42 "VPN drops every hour" has been resolved' in mail.text
    assert "<p>Hello Jane Doe,</p>" in mail.html
    assert hrefs(mail.html) == [link]
    assert "30 days" in mail.text and "30 days" in mail.html


def test_the_html_part_is_a_small_accessible_page() -> None:
    mail = compose_survey(requester(), ticket(), survey_link(PUBLIC_URL, TOKEN))

    assert mail.html.startswith("<!DOCTYPE html>\n")
    assert '<html lang="en">' in mail.html
    assert f"<title>{mail.subject}</title>" in mail.html
    assert ">Answer the one-question survey</a>" in mail.html  # link text that says where it goes
    assert not re.search(r"<(img|script|iframe|form)\b", mail.html)


def test_everything_the_users_wrote_is_escaped_in_the_html_part() -> None:
    mail = compose_survey(
        requester(display_name='Jane "<b>Boss</b>" & Co'),
        ticket(title='<img src=x onerror="alert(1)"> broken'),
        survey_link(PUBLIC_URL, TOKEN),
    )

    assert "<img" not in mail.html and "<b>" not in mail.html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; broken" in mail.html
    assert "Hello Jane &quot;&lt;b&gt;Boss&lt;/b&gt;&quot; &amp; Co," in mail.html
    # The subject in <title> too; the text part is text.
    assert "<title>How did we do? Ticket #42: &lt;img" in mail.html
    assert '<img src=x onerror="alert(1)"> broken' in mail.text


def test_the_link_is_escaped_inside_its_attribute() -> None:
    mail = compose_survey(requester(), ticket(), 'https://x.example/"><script>alert(1)</script>')

    assert "<script>" not in mail.html
    assert hrefs(mail.html) == ["https://x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"]


def test_the_recipient_is_the_requesters_address_with_their_name() -> None:
    assert compose_survey(requester(), ticket(), "l").to == "Jane Doe <jane@customer.example>"
    quoted = compose_survey(requester(display_name="Doe, Jane"), ticket(), "l").to
    assert parseaddr(quoted) == ("Doe, Jane", "jane@customer.example")


def test_a_non_ascii_name_is_encoded_for_the_header() -> None:
    to = compose_survey(requester(display_name="Jürgen Groß"), ticket(), "l").to

    assert to.isascii()
    name, address = parseaddr(to)
    assert str(make_header(decode_header(name))) == "Jürgen Groß"
    assert address == "jane@customer.example"


@pytest.mark.parametrize("address", ["a,b@example.com", "<a>@example.com", 'a"b@example.com', "a@b@example.com",
                                     "a..b@example.com", "a@-example.com", "a@example..com", "ü@example.com",
                                     "jane@customer.example\r\nBcc: x@y.example"])
def test_an_address_that_could_smuggle_recipients_or_headers_is_not_mailed(address: str) -> None:
    with pytest.raises(MailNotSent):
        mailbox_address(address)


def test_an_internationalized_domain_is_sent_in_its_ascii_form() -> None:
    assert mailbox_address("kunde@bücher.example") == "kunde@xn--bcher-kva.example"


# Settings and the factory


def test_without_mail_from_or_public_url_there_is_no_mailer_and_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="opsdesk.helpdesk.mail")

    assert survey_mailer(settings(HELPDESK_PUBLIC_URL=PUBLIC_URL)) is None
    assert survey_mailer(settings(HELPDESK_MAIL_FROM="helpdesk@example.com", HELPDESK_PUBLIC_URL="")) is None

    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "HELPDESK_MAIL_FROM unset" in messages[0]
    assert "HELPDESK_PUBLIC_URL unset" in messages[1]


def test_with_both_settings_the_mailer_composes_onto_the_public_url() -> None:
    sender = RecordingSender()
    mailer = survey_mailer(settings(HELPDESK_MAIL_FROM="helpdesk@example.com", HELPDESK_PUBLIC_URL=PUBLIC_URL + "/"),
                           sender)

    assert mailer is not None
    mailer.send_survey(requester(), ticket(), TOKEN)
    assert hrefs(sender.sent[0].html) == [f"{PUBLIC_URL}/helpdesk/csat/{TOKEN}"]


@pytest.mark.parametrize(("name", "value"), [("HELPDESK_MAIL_FROM", "not an address"),
                                             ("HELPDESK_MAIL_FROM", "Help <help@example.com>"),
                                             ("HELPDESK_PUBLIC_URL", "api.example.com"),
                                             ("HELPDESK_PUBLIC_URL", "https://api.example.com/?x=1")])
def test_a_malformed_mail_setting_stops_the_cold_start(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        settings(**{name: value})


# The SES sender


def ses_client() -> Any:
    return boto3.client("sesv2", region_name="eu-west-1", endpoint_url="https://email.eu-west-1.amazonaws.com",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_ses_gets_one_simple_utf8_message_from_the_configured_address() -> None:
    client = ses_client()
    mail = compose_survey(requester(display_name="Jürgen"), ticket(), survey_link(PUBLIC_URL, TOKEN))
    with Stubber(client) as stubber:
        stubber.add_response("send_email", {"MessageId": "m-1"}, {
            "FromEmailAddress": "helpdesk@example.com",
            "Destination": {"ToAddresses": [mail.to]},
            "Content": {"Simple": {
                "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": mail.text, "Charset": "UTF-8"},
                         "Html": {"Data": mail.html, "Charset": "UTF-8"}},
            }},
        })

        message_id = SesMailSender("helpdesk@example.com", region="eu-west-1", client=client).send(mail)

        stubber.assert_no_pending_responses()
    assert message_id == "m-1"


def test_a_refused_mail_is_mail_not_sent_naming_the_code_not_the_message() -> None:
    client = ses_client()
    mail = compose_survey(requester(), ticket(), survey_link(PUBLIC_URL, TOKEN))
    with Stubber(client) as stubber:
        stubber.add_client_error("send_email", "MessageRejected", f"Email address is not verified {TOKEN}", 400)

        with pytest.raises(MailNotSent) as raised:
            SesMailSender("helpdesk@example.com", region="eu-west-1", client=client).send(mail)

    assert "MessageRejected" in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


# The service: when the survey is sent


@dataclass
class RecordingSender:
    sent: list[Email] = field(default_factory=list)

    def send(self, email: Email) -> str:
        self.sent.append(email)
        return f"m-{len(self.sent)}"


@dataclass
class RecordingMailer:
    store: InMemoryHelpdeskStore
    sends: list[tuple[Requester, Ticket, str]] = field(default_factory=list)
    stored_status_at_send: list[TicketStatus] = field(default_factory=list)
    failure: Exception | None = None

    def send_survey(self, requester: Requester, ticket: Ticket, token: str) -> None:
        tenant = next(t for t, tickets in self.store.tickets.items() if ticket.id in tickets)
        self.stored_status_at_send.append(self.store.tickets[tenant][ticket.id].status)
        if self.failure is not None:
            raise self.failure
        self.sends.append((requester, ticket, token))


@dataclass
class Desk:
    service: HelpdeskService
    store: InMemoryHelpdeskStore
    mailer: RecordingMailer
    issued: list[str]
    agent: Principal
    requester: Requester

    def ticket(self) -> Ticket:
        return self.service.create_ticket(self.agent, CreateTicketRequest(
            title="VPN drops every hour", description="d", requester_id=self.requester.id, priority="normal"),
            "bearer")

    def patch(self, ticket: Ticket, **fields: Any) -> Ticket:
        return self.service.update_ticket(self.agent, ticket.id, UpdateTicketRequest.model_validate(fields))


@pytest.fixture
def desk() -> Desk:
    store = InMemoryHelpdeskStore()
    mailer = RecordingMailer(store)
    issued: list[str] = []

    def issue(tenant_id: str, ticket_id: str, requester_id: str, now: datetime) -> tuple[str, CsatToken]:
        token = f"token-{len(issued) + 1}"
        issued.append(token)
        return token, new_survey_token(tenant_id, ticket_id, requester_id, now)[1]

    service = HelpdeskService(store, clock=FakeClock(START), backoff=lambda attempt: None, issue_csat_token=issue,
                              mailer=mailer)
    agent = Principal(user_id=str(uuid.uuid4()), tenant_id=str(uuid.uuid4()), username="agent@example.test",
                      groups=frozenset({"agent"}))
    created = service.create_requester(agent, CreateRequesterRequest(email="jane@customer.example",
                                                                     display_name="Jane Doe"))
    return Desk(service, store, mailer, issued, agent, created)


def test_resolving_mails_the_requester_the_token_the_resolve_stored(desk: Desk) -> None:
    ticket = desk.ticket()

    desk.patch(ticket, status="resolved")

    assert len(desk.mailer.sends) == 1
    requester, mailed_ticket, token = desk.mailer.sends[0]
    assert requester == desk.requester
    assert (mailed_ticket.id, mailed_ticket.status) == (ticket.id, TicketStatus.RESOLVED)
    assert token == desk.issued[0]


def test_the_mail_goes_out_after_the_resolve_is_stored(desk: Desk) -> None:
    desk.patch(desk.ticket(), status="resolved")

    assert desk.mailer.stored_status_at_send == [TicketStatus.RESOLVED]


def test_changes_that_do_not_resolve_send_nothing(desk: Desk) -> None:
    ticket = desk.ticket()

    ticket = desk.patch(ticket, status="pending")
    ticket = desk.patch(ticket, priority="high")
    desk.patch(desk.ticket(), status="closed")  # closed without being resolved

    assert desk.mailer.sends == []


def test_resolving_again_the_same_status_or_closing_after_it_sends_no_second_mail(desk: Desk) -> None:
    ticket = desk.ticket()

    desk.patch(ticket, status="resolved")
    desk.patch(ticket, status="resolved")
    desk.patch(ticket, status="closed")

    assert len(desk.mailer.sends) == 1


def test_every_resolve_after_a_reopen_mails_its_own_new_token(desk: Desk) -> None:
    ticket = desk.ticket()

    desk.patch(ticket, status="resolved")
    desk.patch(ticket, status="open")
    desk.patch(ticket, status="resolved")

    assert [token for _, _, token in desk.mailer.sends] == ["token-1", "token-2"]


def test_a_resolve_retried_after_a_concurrent_change_mails_once_the_token_that_committed(desk: Desk) -> None:
    ticket = desk.ticket()
    desk.store.before_write = lambda: desk.patch(ticket, priority="high")  # someone else writes first

    desk.patch(ticket, status="resolved")

    assert desk.issued == ["token-1", "token-2"]  # the first write lost: its token was never stored
    assert [token for _, _, token in desk.mailer.sends] == ["token-2"]


def test_two_agents_resolving_at_once_mail_one_survey(desk: Desk) -> None:
    ticket = desk.ticket()
    desk.store.before_write = lambda: desk.patch(ticket, status="resolved")

    desk.patch(ticket, status="resolved")

    assert len(desk.mailer.sends) == 1


@pytest.mark.parametrize("failure", [MailNotSent("SES refused the mail (Throttling)"),
                                     RuntimeError(f"boom with the link /helpdesk/csat/{TOKEN}")])
def test_a_failing_mail_never_fails_the_resolve_and_logs_the_ticket_not_the_token(
    desk: Desk, caplog: pytest.LogCaptureFixture, failure: Exception
) -> None:
    caplog.set_level(logging.WARNING, logger="opsdesk.helpdesk.service")
    desk.mailer.failure = failure
    ticket = desk.ticket()

    resolved = desk.patch(ticket, status="resolved")

    assert resolved.status is TicketStatus.RESOLVED
    assert desk.store.tickets[desk.agent.tenant_id][ticket.id].status is TicketStatus.RESOLVED
    (record,) = [r for r in caplog.records if "CSAT survey not mailed" in r.getMessage()]
    assert record.__dict__["ticket_id"] == ticket.id
    assert record.exc_info is None
    logged = record.getMessage() + repr(record.__dict__)
    assert TOKEN not in logged and "token-1" not in logged


def test_a_requester_gone_before_the_mail_is_logged_and_the_resolve_stands(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="opsdesk.helpdesk.service")
    ticket = desk.ticket()
    del desk.store.requesters[desk.agent.tenant_id][desk.requester.id]

    resolved = desk.patch(ticket, status="resolved")

    assert resolved.status is TicketStatus.RESOLVED
    assert desk.mailer.sends == []
    assert any(r.__dict__.get("ticket_id") == ticket.id for r in caplog.records)


def test_without_a_mailer_resolving_works_as_before() -> None:
    store = InMemoryHelpdeskStore()
    service = HelpdeskService(store, clock=FakeClock(START), backoff=lambda attempt: None)
    agent = Principal(user_id="a", tenant_id=str(uuid.uuid4()), username="a", groups=frozenset({"agent"}))
    requester_id = service.create_requester(agent, CreateRequesterRequest(email="r@x.example", display_name="R")).id
    ticket = service.create_ticket(agent, CreateTicketRequest(title="t", description="d", requester_id=requester_id,
                                                              priority="low"), "bearer")

    resolved = service.update_ticket(agent, ticket.id, UpdateTicketRequest(status="resolved"))

    assert resolved.status is TicketStatus.RESOLVED
    assert len(store.surveys) == 1  # the survey, mailed to nobody


def test_the_real_mailer_composes_what_the_service_hands_it() -> None:
    sender = RecordingSender()

    CsatSurveyMailer(sender, PUBLIC_URL).send_survey(requester(), ticket(number=7, title="Disk full"), TOKEN)

    (mail,) = sender.sent
    assert mail.to == "Jane Doe <jane@customer.example>"
    assert mail.subject == "How did we do? Ticket #7: Disk full"
    assert hrefs(mail.html) == [f"{PUBLIC_URL}/helpdesk/csat/{TOKEN}"]


def test_a_resolve_after_a_concurrent_close_resolves_the_closed_ticket_and_mails_once(desk: Desk) -> None:
    ticket = desk.ticket()
    desk.store.before_write = lambda: desk.patch(ticket, status="closed")

    desk.patch(ticket, status="resolved")

    assert len(desk.mailer.sends) == 1
