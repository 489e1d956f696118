"""Invitations: a member added by an email the tenant does not know becomes a user of the pool in the caller's
tenant (with a temporary password, changed at first sign-in through `POST /auth/login` with `new_password`), and
is mailed the invitation through SES. Without a sender (COPILOT_MAIL_FROM) the member is still added and the mail
is skipped with a warning (the stage's configuration is the thing to fix)."""

from __future__ import annotations

import html
import logging

from opsdesk.auth import Principal
from opsdesk.copilot.records import Project
from opsdesk.copilot.service import InviteUser
from opsdesk.copilot.store import UserDirectory
from opsdesk.mail import Email, MailNotSent, MailSender, SesMailSender
from opsdesk.settings import CopilotAuthSettings

LOG = logging.getLogger(__name__)


class Invitations:
    def __init__(self, directory: UserDirectory, mail: MailSender | None, public_url: str | None) -> None:
        self._directory = directory
        self._mail = mail
        self._public_url = public_url or ""

    @classmethod
    def from_settings(cls, directory: UserDirectory, settings: CopilotAuthSettings) -> Invitations:
        mail = None
        if settings.mail_from:
            mail = SesMailSender(settings.mail_from, region=settings.aws_region,
                                 endpoint_url=settings.aws_endpoint_url)
        else:
            LOG.warning("COPILOT_MAIL_FROM is not set: invitations are not mailed")
        return cls(directory, mail, settings.public_url)

    def inviter(self, principal: Principal) -> InviteUser:
        def invite(email: str, full_name: str, project: Project) -> str:
            user_id, temporary_password = self._directory.invite_user(email, full_name, principal.tenant_id)
            if self._mail is not None:
                try:
                    self._mail.send(invitation_mail(email, full_name, project, temporary_password, self._public_url))
                except MailNotSent as exc:
                    LOG.warning("invitation not mailed: %s", exc)
            return user_id

        return invite


def invitation_mail(email: str, full_name: str, project: Project, temporary_password: str, public_url: str) -> Email:
    sign_in = f"{public_url}/copilot/api/v1/auth/login" if public_url else "POST /copilot/api/v1/auth/login"
    text = (f"Hello {full_name},\n\nyou were added to the SRE Copilot project \"{project.name}\".\n\n"
            f"Sign in with your email ({email}) and this temporary password: {temporary_password}\n"
            f"You choose your own password at the first sign-in ({sign_in}, with new_password).\n")
    body = html.escape(text).replace("\n", "<br>")
    return Email(to=email, subject=f"You were added to {project.name} on SRE Copilot", text=text,
                 html=f"<html><body><p>{body}</p></body></html>")
