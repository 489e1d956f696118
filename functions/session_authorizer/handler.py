"""session-authorizer: the Lambda REQUEST authorizer of cookie-session modules (Auth.COOKIE_JWT). It verifies the
Cognito ID token of the Authorization header, or of the session cookie when the cookie login is on, and allows the
caller with the claims in the context (opsdesk.sessions). The local gateway runs this same handler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import Logger

from opsdesk.apimap import HELPDESK
from opsdesk.errors import Unauthorized
from opsdesk.sessions import SessionAuthorizer, SessionCookie
from opsdesk.settings import SessionSettings, load_settings
from opsdesk.tokens import TokenVerifier

# Runs before every request of the module (its answer is not cached): a Logger only, without the Tracer and
# Metrics that opsdesk.observability sets up at import, keeps its cold start short.
logger = Logger()
settings = load_settings(SessionSettings)
authorizer = SessionAuthorizer(
    TokenVerifier.from_settings(settings),
    SessionCookie(settings.cookie_name, HELPDESK.base_path) if settings.cookie_login_enabled else None,
)
UNAUTHORIZED = "Unauthorized"
"""The exact error message that makes API Gateway answer 401 (its UNAUTHORIZED gateway response)."""


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return authorizer.authorize(event)
    except Unauthorized as exc:
        logger.info("request refused", extra={"reason": exc.message})
        raise Exception(UNAUTHORIZED) from None  # noqa: TRY002 - API Gateway's contract for a 401
