"""Mail through SES for the function groups that declare Capability.MAIL: the stage's sender and public URL in the
module's own settings (`<MODULE>_MAIL_FROM`, `<MODULE>_PUBLIC_URL`: the helpdesk's CSAT survey, the copilot's
invitations) and permission to send from that one sender only."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.constructs.functions import GroupFunction
from opsdesk.apimap import ApiModule


def mail_environment(module: ApiModule) -> tuple[str, str]:
    """The names of the sender and public URL settings of `module` (opsdesk.settings: HELPDESK_MAIL_FROM,
    COPILOT_MAIL_FROM, ...)."""
    prefix = module.name.upper()
    return f"{prefix}_MAIL_FROM", f"{prefix}_PUBLIC_URL"


def grant_module_mail(function: GroupFunction, module: ApiModule, *, mail_from: str, public_url: str) -> None:
    """SES API v2 `SendEmail` (simple content, which needs no `SendRawEmail`) from `mail_from` only: on its SES
    identity, the address or its domain (whichever was verified is the one SES authorizes against), and only with
    that From address."""
    from_env, url_env = mail_environment(module)
    function.function.add_environment(from_env, mail_from)
    function.function.add_environment(url_env, public_url)
    identity = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/"
    function.role.add_to_policy(iam.PolicyStatement(
        actions=["ses:SendEmail"],
        resources=[identity + mail_from, identity + mail_from.rpartition("@")[2]],
        conditions={"StringEquals": {"ses:FromAddress": mail_from}},
    ))
