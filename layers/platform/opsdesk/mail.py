"""Sending mail, the one adapter that talks to Amazon SES (API v2 `SendEmail`, simple content: SES builds the
multipart message). Modules compose their mails (plain logic) and hand them to a `MailSender`.

Errors raised from here name a reason, never the message: a mail may hold a credential (a survey link).
"""

from __future__ import annotations

from typing import Any, Protocol

from opsdesk.awsclients import LazyClient
from opsdesk.frozen import frozen

CHARSET = "UTF-8"


class MailNotSent(Exception):
    """A mail could not be composed or sent. The message says why; it never holds the mail (the link is a
    credential)."""


@frozen
class Email:
    to: str
    """The recipient as a header value: `Display Name <address>` (a non-ASCII name RFC 2047-encoded)."""
    subject: str
    text: str
    html: str


class MailSender(Protocol):
    def send(self, email: Email) -> str:
        """Send the mail; the provider's message id. MailNotSent when it is refused or cannot be sent."""


class SesMailSender:
    """Amazon SES, API v2 `SendEmail` with simple content, from one verified identity. The function's role may
    send from that identity only (infra/constructs/helpdesk.py)."""

    def __init__(self, from_address: str, *, region: str, endpoint_url: str | None = None,
                 client: Any = None) -> None:
        self._from = from_address
        # Built on the first mail (every helpdesk function imports this module); the requester's PATCH waits for
        # the send, so it is bounded.
        self._ses = LazyClient("sesv2", region=region, endpoint_url=endpoint_url, client=client, connect_timeout=2,
                               read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})

    def send(self, email: Email) -> str:
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - with the client, on first use

        try:
            response = self._ses().send_email(
                FromEmailAddress=self._from,
                Destination={"ToAddresses": [email.to]},
                Content={"Simple": {
                    "Subject": {"Data": email.subject, "Charset": CHARSET},
                    "Body": {"Text": {"Data": email.text, "Charset": CHARSET},
                             "Html": {"Data": email.html, "Charset": CHARSET}},
                }},
            )
        # `from None`: botocore's messages may quote the request, and the request holds the link.
        except ClientError as exc:
            raise MailNotSent(f"SES refused the mail ({exc.response.get('Error', {}).get('Code', 'unknown')})") \
                from None
        except BotoCoreError as exc:
            raise MailNotSent(f"SES could not be called ({type(exc).__name__})") from None
        return str(response["MessageId"])


