"""`GET /_local/mail`: the mails the functions sent through SES, as moto holds them (moto runs in the `make dev`
process, so its backend is readable here). Read-only, local only: the developer's inbox for the CSAT survey
links. Newest first; `?to=<address>` keeps the mails to one address."""

from __future__ import annotations

import email
import html
import re
from email.message import Message
from email.utils import getaddresses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from opsdesk.apimap import HELPDESK
from scripts.local.aws import ACCOUNT_ID

MAILBOX_PATH = "/_local/mail"
SURVEY_PATH = HELPDESK.base_path + "/csat/"
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def sent_messages(region: str) -> list[Any]:
    """What SES (v1 and v2 share one backend in moto) sent in this process, oldest first."""
    from moto.ses.models import ses_backends

    return list(ses_backends[ACCOUNT_ID][region].sent_messages)


def _body_of(raw: Message) -> str:
    """The HTML part of a raw MIME message, else its text part."""
    parts = list(raw.walk()) if raw.is_multipart() else [raw]
    for wanted in ("text/html", "text/plain"):
        for part in parts:
            if part.get_content_type() == wanted:
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def mail_view(message: Any) -> dict[str, Any]:
    """One mail as JSON: sender, recipients, subject, body (SES simple content: the HTML part moto keeps) and the
    links in it, the survey link on its own."""
    if hasattr(message, "raw_data"):  # SendRawEmail, or SendEmail with raw content
        raw = email.message_from_string(message.raw_data)
        to = [address for _, address in getaddresses(raw.get_all("to", []) or list(message.destinations))]
        subject, body = str(raw.get("subject", "")), _body_of(raw)
    else:
        destinations = getattr(message, "destinations", {}) or {}
        to = [address for _, address in getaddresses(
            [*destinations.get("ToAddresses", []), *destinations.get("CcAddresses", [])])]
        subject, body = str(getattr(message, "subject", "")), str(getattr(message, "body", ""))
    links = [html.unescape(link) for link in _HREF.findall(body)]
    return {
        "id": message.id,
        "from": message.source,
        "to": to,
        "subject": subject,
        "links": links,
        "survey_url": next((link for link in links if SURVEY_PATH in link), None),
        "body": body,
    }


def mailbox_routes(region: str) -> list[BaseRoute]:
    async def mailbox(request: Request) -> Response:
        wanted = request.query_params.get("to", "").strip().lower()
        mails = [mail_view(m) for m in reversed(sent_messages(region))]
        if wanted:
            mails = [m for m in mails if wanted in (address.lower() for address in m["to"])]
        return JSONResponse({"messages": mails}, headers={"Cache-Control": "no-store"})

    return [Route(MAILBOX_PATH, mailbox, methods=["GET"])]
