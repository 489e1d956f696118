"""session-authorizer: the Lambda REQUEST authorizer of cookie-session modules (Auth.COOKIE_JWT). It verifies the
Cognito ID token of the Authorization header, or of the module's session cookie (opsdesk.apimap.CookieSession)
when the module accepts it, and allows the caller with the claims in the context (opsdesk.sessions). The module
is the one the request's stage names (the `module` stage variable). The local gateway runs this same handler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import Logger

from opsdesk.apimap import MODULE_STAGE_VARIABLE, MODULES_BY_NAME
from opsdesk.errors import Unauthorized
from opsdesk.revocations import SessionRevocations
from opsdesk.sessions import SessionAuthorizer, SessionCookie
from opsdesk.settings import SessionSettings, load_settings
from opsdesk.tokens import TokenVerifier

# Runs before every request of the module (its answer is not cached): a Logger only, without the Tracer and
# Metrics that opsdesk.observability sets up at import, keeps its cold start short.
logger = Logger()
settings = load_settings(SessionSettings)
verifier = TokenVerifier.from_settings(settings)
authorizers: dict[str, SessionAuthorizer] = {}
"""One per cookie-session module, made on its first request."""
UNAUTHORIZED = "Unauthorized"
"""The exact error message that makes API Gateway answer 401 (its UNAUTHORIZED gateway response)."""


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return authorizer_for(event).authorize(event)
    except Unauthorized as exc:
        logger.info("request refused", extra={"reason": exc.message})
        raise Exception(UNAUTHORIZED) from None  # noqa: TRY002 - API Gateway's contract for a 401


def authorizer_for(event: dict[str, Any]) -> SessionAuthorizer:
    name = (event.get("stageVariables") or {}).get(MODULE_STAGE_VARIABLE, "")
    if name not in authorizers:
        module = MODULES_BY_NAME.get(name)
        if module is None or module.session is None:
            # A stage without the variable (or of a module without cookie sessions) is a deployment mistake.
            raise RuntimeError(f"the session authorizer serves cookie-session modules; stage names {name!r}")
        cookie = SessionCookie(module.session.cookie, module.base_path)
        authorizers[name] = SessionAuthorizer(verifier, cookie if settings.accepts_cookie(module.session) else None,
                                              token_lifetime_seconds=module.session.token_lifetime_seconds,
                                              revocations=revocations())
    return authorizers[name]


def revocations() -> SessionRevocations | None:
    if settings.sessions_table_name is None:
        return None
    return SessionRevocations.connect(settings.sessions_table_name, settings.aws_region, settings.aws_endpoint_url)
