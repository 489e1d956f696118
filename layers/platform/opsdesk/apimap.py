"""The API map: modules, their base paths, function groups and the API Gateway resources each group owns.

CDK builds the REST APIs from it and the local gateway routes requests by it, so the two cannot drift.
A resource path is relative to the module's REST API (what API Gateway calls the resource); the module's
base path is the base-path mapping on the custom domain (and the URL prefix locally).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Auth(StrEnum):
    COGNITO = "cognito"
    """API Gateway's Cognito user pool authorizer: a valid ID token in the Authorization header."""
    NONE = "none"


@dataclass(frozen=True)
class FunctionGroup:
    name: str
    """Folder under functions/ and the stem of the Lambda function's logical id."""
    resources: tuple[str, ...]
    auth: Auth = Auth.COGNITO
    tables: tuple[str, ...] = ()
    """Logical ids of the tables the function reads and writes (ALL_TABLES in opsdesk.tables)."""
    read_only_tables: tuple[str, ...] = ()
    streaming: bool = False
    """An ASGI app (functions/<name>/app.py) streaming its response: on AWS a response-streaming function behind
    the Lambda Web Adapter, locally mounted in the gateway."""


@dataclass(frozen=True)
class ApiModule:
    name: str
    base_path: str
    """URL prefix on the shared origin, e.g. /support: requests to /support/api/issues hit resource /api/issues."""
    dialect: str
    groups: tuple[FunctionGroup, ...]


SUPPORT = ApiModule(
    name="support",
    base_path="/support",
    dialect="support",
    groups=(
        FunctionGroup(
            name="support_catalog",
            resources=("/api/customers", "/api/customers/{proxy+}", "/api/planes"),
            read_only_tables=("SupportTable",),
        ),
        FunctionGroup(
            name="support_issues",
            resources=("/api/issues", "/api/issues/{proxy+}"),
            tables=("SupportTable", "EventsTable"),
        ),
        # Beyond the support document: the tenant's issue events as SSE, for live lists in the frontend.
        FunctionGroup(
            name="support_stream",
            resources=("/api/events",),
            read_only_tables=("EventsTable",),
            streaming=True,
        ),
    ),
)

MODULES: tuple[ApiModule, ...] = (SUPPORT,)


@dataclass(frozen=True)
class WebSocketApi:
    """One WebSocket API for every module (DESIGN.md §1): its route function, and the fan-out function that the
    EventsTable stream feeds."""

    route_function: str = "realtime_ws"
    fanout_function: str = "realtime_fanout"
    tables: tuple[str, ...] = ("ConnectionsTable",)
    read_only_tables: tuple[str, ...] = ("EventsTable",)
    local_paths: tuple[str, ...] = ("/ws",)
    """Where the local gateway accepts WebSocket clients (on AWS: the WebSocket API's own URL)."""
    local_management_path: str = "/_ws"
    """Prefix of the local management API (`POST /_ws/@connections/{id}`), the WEBSOCKET_MANAGEMENT_URL locally."""


REALTIME = WebSocketApi()

