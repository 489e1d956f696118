"""The CSAT survey email: resolving a ticket mails its requester a link to the one-question survey
(`<HELPDESK_PUBLIC_URL>/helpdesk/csat/<token>`; docs/decisions.md, Helpdesk, CSAT).

Composing is plain logic (a text part and a small accessible HTML part, everything the users wrote escaped);
opsdesk.mail's `SesMailSender` sends it through Amazon SES. The service depends on the `SurveyMailer` protocol
only; `survey_mailer` builds the real one from the function's settings, or none when the stage has no mail
settings.

The raw token is in the link and nowhere else: errors raised from here name a reason, never the message.
"""

from __future__ import annotations

import html
import logging
import re
from email.utils import formataddr
from typing import Protocol
from urllib.parse import quote

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk.csat import TOKEN_LIFETIME, form_path
from opsdesk.helpdesk.records import Requester, Ticket
from opsdesk.mail import Email, MailNotSent, MailSender, SesMailSender
from opsdesk.settings import HelpdeskMailSettings

# Plain logging, not the Powertools logger: the domain stays free of the tracer's import cost.
logger = logging.getLogger(__name__)

MAX_SUBJECT_TITLE = 80
"""Longer titles are cut in the subject (mail clients show ~60-80 characters); the body has the whole title."""
LINK_DAYS = TOKEN_LIFETIME.days
# An address SES can take as it is: an ASCII local part of RFC 5322 atext and dots, a domain of letters, digits,
# dots and hyphens (an internationalized domain is sent in its IDNA form).
_LOCAL_PART = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                     r"[A-Za-z0-9])?)+$")
_SPACES = re.compile(r"\s+")


class SurveyMailer(Protocol):
    def send_survey(self, requester: Requester, ticket: Ticket, token: str) -> None:
        """Mail `requester` the survey of the just-resolved `ticket`, whose token is `token`."""


def survey_link(public_url: str, token: str) -> str:
    """The survey form's URL: the helpdesk's base path on the public URL, then the csat route."""
    return public_url.rstrip("/") + HELPDESK.base_path + form_path(quote(token, safe=""))


def mailbox_address(address: str) -> str:
    """The address as SES takes it; MailNotSent for one that cannot be mailed (so a stored address can never
    smuggle a second recipient or a header into the message)."""
    local, at, domain = address.strip().rpartition("@")
    if at and not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            domain = ""
    if not at or not _LOCAL_PART.match(local) or ".." in local or not _DOMAIN.match(domain):
        raise MailNotSent("the requester's address cannot be mailed")
    return f"{local}@{domain}"


def one_line(text: str) -> str:
    """Line breaks and runs of whitespace as single spaces (a subject is one header line)."""
    return _SPACES.sub(" ", text).strip()


def subject_title(title: str) -> str:
    title = one_line(title)
    return title if len(title) <= MAX_SUBJECT_TITLE else title[: MAX_SUBJECT_TITLE - 1].rstrip() + "…"


def compose_survey(requester: Requester, ticket: Ticket, link: str) -> Email:
    """The survey mail: subject with the ticket's number and title, a plain text part and a minimal HTML part
    (language, title, one descriptive link, the address again as text; no images, no script, no tracking)."""
    name = one_line(requester.display_name)
    title = one_line(ticket.title)
    subject = f"How did we do? Ticket #{ticket.number}: {subject_title(ticket.title)}"
    text = (
        f"Hello {name},\n\n"
        f"Your request #{ticket.number} \"{title}\" has been resolved. How did we do?\n\n"
        f"Tell us in one click, good or bad:\n{link}\n\n"
        f"The link works once, for {LINK_DAYS} days. Please do not forward this email: whoever has the link can "
        "answer.\n"
    )
    e = html.escape  # every value below is escaped, the link included (it goes into an attribute)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(subject)}</title>\n</head>\n"
        '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;background:#ffffff;'
        'max-width:32rem;margin:0 auto;padding:1rem">\n'
        f"<p>Hello {e(name)},</p>\n"
        f"<p>Your request #{ticket.number} <q>{e(title)}</q> has been resolved. How did we do?</p>\n"
        f'<p><a href="{e(link)}" style="color:#0b57d0;font-size:1.1rem">Answer the one-question survey</a></p>\n'
        f"<p>If the link does not open, copy this address into your browser:<br>{e(link)}</p>\n"
        f"<p>The link works once, for {LINK_DAYS} days. Please do not forward this email: whoever has the link "
        "can answer.</p>\n"
        "</body>\n</html>\n"
    )
    to = formataddr((name, mailbox_address(requester.email)), charset="utf-8")
    return Email(to=to, subject=subject, text=text, html=page)


class CsatSurveyMailer:
    """Composes the survey mail and hands it to a sender."""

    def __init__(self, sender: MailSender, public_url: str) -> None:
        self._sender = sender
        self._public_url = public_url

    def send_survey(self, requester: Requester, ticket: Ticket, token: str) -> None:
        self._sender.send(compose_survey(requester, ticket, survey_link(self._public_url, token)))


def survey_mailer(settings: HelpdeskMailSettings, sender: MailSender | None = None) -> SurveyMailer | None:
    """The survey mailer of a function: SES from HELPDESK_MAIL_FROM with links on HELPDESK_PUBLIC_URL, or None,
    with a warning (once per cold start: the handler calls this at import), when either is unset."""
    if not settings.mail_from or not settings.public_url:
        missing = [name for name, value in (("HELPDESK_MAIL_FROM", settings.mail_from),
                                            ("HELPDESK_PUBLIC_URL", settings.public_url)) if not value]
        logger.warning("CSAT survey mail is off: %s unset; resolved tickets get a survey token but no email",
                       " and ".join(missing))
        return None
    sender = sender or SesMailSender(settings.mail_from, region=settings.aws_region,
                                     endpoint_url=settings.aws_endpoint_url)
    return CsatSurveyMailer(sender, settings.public_url)
