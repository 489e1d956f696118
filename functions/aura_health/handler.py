"""aura-health (public): `GET /health` in the document's shape. `database` is a DescribeTable of the tickets table;
`git` whether the GitOps remote is configured and, for a local bare repository, present; `llm` the configured
provider (the offline planner is always there; Bedrock is not called from a health check). 503 when the database
cannot be read."""

from __future__ import annotations

import time
from typing import Any

from opsdesk.apimap import AURA
from opsdesk.aura.info import API_VERSION, git_status
from opsdesk.aura.repository import AuraRepository
from opsdesk.errors import DomainError
from opsdesk.http import create_api, json_response
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.settings import AuraSettings, load_settings

STARTED = time.monotonic()
settings = load_settings(AuraSettings)
app = create_api(AURA, settings)
repository = AuraRepository(settings=settings)


@app.get("/health")
def handle_health() -> Response[str]:
    database = "connected"
    try:
        repository.ready()
    except (DomainError, Exception):  # noqa: BLE001 - any failure to read the table is "disconnected"
        database = "disconnected"
    body = {"status": "healthy" if database == "connected" else "unhealthy", "version": API_VERSION,
            "uptime": int(time.monotonic() - STARTED), "database": database,
            "git": git_status(settings.git_remote_url), "llm": "available"}
    return json_response(200 if database == "connected" else 503, body, headers={"Cache-Control": "no-store"})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
