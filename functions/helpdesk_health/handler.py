"""helpdesk-health: `/livez` and `/healthz` (the process answers), `/readyz` (it can also read its tables and the
user pool's signing keys, without which no token is verified). Public, as the document says."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.dialects import DIALECTS
from opsdesk.errors import DomainError
from opsdesk.http import create_api, error_response, json_response
from opsdesk.observability import instrumented, logger
from opsdesk.readiness import signing_keys_reachable, tables_readable
from opsdesk.restapi import Response
from opsdesk.settings import EventLogSettings, HelpdeskSettings, TokenSettings, load_settings

settings = load_settings(HelpdeskSettings)
app = create_api(HELPDESK, settings)
READY_TABLES = (settings.tickets_table_name, load_settings(EventLogSettings).events_table_name)
JWKS_URL = load_settings(TokenSettings).jwks_url


@app.get("/livez")
@app.get("/healthz")
def handle_alive() -> Response[str]:
    return json_response(200, {"ok": True}, headers={"Cache-Control": "no-store"})


@app.get("/readyz")
def handle_ready() -> Response[str]:
    try:
        tables_readable(READY_TABLES, settings.aws_region, settings.aws_endpoint_url)
    except Exception:  # noqa: BLE001 - any failure to read a dependency means "not ready"
        logger.warning("not ready: a table could not be read", exc_info=True)
        return error_response(DIALECTS[HELPDESK.dialect], DomainError("Not ready: the ticket store is unreachable"))
    try:
        signing_keys_reachable(JWKS_URL)
    except Exception:  # noqa: BLE001
        logger.warning("not ready: the user pool's signing keys could not be read", exc_info=True)
        return error_response(DIALECTS[HELPDESK.dialect], DomainError("Not ready: sign-in keys are unreachable"))
    return json_response(200, {"ok": True}, headers={"Cache-Control": "no-store"})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
