"""Every module describes itself, and its OpenAPI document cannot drift from the code: it describes exactly the
routes the module's handlers register (each reached through the API map), the committed copy is the generated one,
the module's docs function serves it with Swagger UI and ReDoc, it is valid OpenAPI 3.1, and its errors are the
module's own envelope. What a module's views answer is checked against its document in tests/unit/test_<module>_
openapi.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from opsdesk.apidocs import module_document
from opsdesk.apimap import MODULES, MODULES_BY_NAME, ApiModule, Auth
from opsdesk.dialects import DIALECTS
from opsdesk.errors import Conflict, DomainError, FieldError, NotFound, RateLimited, Unauthorized, ValidationFailed
from opsdesk.openapi import REDOC_JS, SWAGGER_UI_CSS, SWAGGER_UI_JS
from opsdesk.tables import ALL_TABLES
from scripts.local.rest_events import route_for
from scripts.openapi import committed_path, render

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SUCCESS = {"200", "201", "202", "204"}

# The handlers are imported in a child process: they load settings and bind tables at import, which must not
# leak into the other tests of this process (nor take this process's environment). Nothing calls AWS there.
HANDLER_ENVIRONMENT = {
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "unit",
    "AWS_SECRET_ACCESS_KEY": "unit",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "COGNITO_USER_POOL_ID": "eu-west-1_unit",
    "COGNITO_APP_CLIENT_ID": "unit-client",
    "ALERTS_BUS_NAME": "unit-alerts",
    "AURA_AGENT_QUEUE_URL": "http://127.0.0.1:9/queue/unit-aura",
    "ATTACHMENTS_BUCKET": "unit-attachments",
    "EXPORTS_BUCKET": "unit-exports",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "opsdesk",
    "POWERTOOLS_METRICS_NAMESPACE": "opsdesk",
    "CORS_ALLOWED_ORIGINS": "",
    **{table.name_env_var: f"unit-{table.logical_id}" for table in ALL_TABLES},
}
INTROSPECT = """
import importlib, json, sys
from opsdesk.apimap import MODULES_BY_NAME
from scripts.local.gateway import LambdaContext
from scripts.local.rest_events import in_process_event

module = MODULES_BY_NAME[sys.argv[1]]
# Every route a handler's resolver holds (opsdesk.restapi.RestApi.routes); openapi_path is the route in `{name}`
# form.
routes, failed = {}, {}
for group in module.groups:
    if not group.resources:
        continue  # a stream, queue or schedule consumer: no route
    try:
        # A streaming group is an ASGI (Starlette) app behind the Lambda Web Adapter; the others are REST
        # resolvers (opsdesk.restapi) in handler.py.
        app = importlib.import_module(f"functions.{group.name}.{'app' if group.streaming else 'handler'}").app
    except Exception as exc:  # reported, so the test names what is missing
        failed[group.name] = f"{type(exc).__name__}: {exc}"
        continue
    if group.streaming:
        routes[group.name] = sorted({(method, route.path.removeprefix(module.base_path))
                                     for route in app.routes for method in route.methods if method != "HEAD"})
    else:
        routes[group.name] = sorted({(route.method, route.openapi_path)
                                     for route in app.routes})

# What the docs function answers, through its lambda_handler as API Gateway calls it.
docs = importlib.import_module(f"functions.{module.name}_api_docs.handler")
answers = {}
for name in ("openapi.json", "docs", "redoc"):
    _, event = in_process_event("GET", f"{module.base_path}/{name}", claims=None)
    answers[name] = docs.lambda_handler(event, LambdaContext(f"{module.name}_api_docs", "eu-west-1"))
print(json.dumps({"routes": routes, "failed": failed, "docs": answers}))
"""


@pytest.fixture(scope="module", params=[m.name for m in MODULES])
def module(request: pytest.FixtureRequest) -> ApiModule:
    return MODULES_BY_NAME[request.param]


@pytest.fixture(scope="module")
def document(module: ApiModule) -> dict[str, Any]:
    return module_document(module)


@pytest.fixture(scope="module")
def handlers(module: ApiModule) -> dict[str, Any]:
    """{"routes": {group: [[method, path], ...]}, "failed": {group: why}, "docs": {page: Lambda proxy answer}}."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "COGNITO_"))}
    environment |= HANDLER_ENVIRONMENT
    run = subprocess.run([sys.executable, "-c", INTROSPECT, module.name], cwd=ROOT, env=environment,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-4000:]
    found: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def described(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def concrete(path: str) -> str:
    """A request path for an operation path: each `{name}` filled in."""
    return re.sub(r"{([^{}]+)}", lambda m: f"{m.group(1)}-1", path)


# (1) Routes and operations: the same set, both ways.

def test_every_handler_of_the_module_imports(handlers: dict[str, Any]) -> None:
    assert handlers["failed"] == {}


def test_every_route_is_documented_and_every_operation_is_a_route(module: ApiModule, handlers: dict[str, Any],
                                                                     document: dict[str, Any]) -> None:
    routes = {(method, path) for group_routes in handlers["routes"].values() for method, path in group_routes}
    operations = {(method, path) for method, path, _ in described(document)}

    assert sorted(routes - operations) == [], "routes the document does not describe"
    assert sorted(operations - routes) == [], "operations no handler serves"
    assert set(handlers["routes"]) == {group.name for group in module.groups if group.resources}


def test_every_route_is_reached_through_the_api_map_at_its_own_handler(module: ApiModule,
                                                                       handlers: dict[str, Any]) -> None:
    for group, routes in handlers["routes"].items():
        for _, path in routes:
            assert route_for(module.base_path + concrete(path)).route.group.name == group, path


def test_public_operations_are_the_api_maps_public_routes(module: ApiModule, document: dict[str, Any]) -> None:
    for method, path, operation in described(document):
        group = route_for(module.base_path + concrete(path)).route.group
        assert (operation.get("security") == []) == (group.auth is Auth.NONE), f"{method} {path}"


# (2) The committed document is the generated one, and the module serves it.

def test_the_committed_document_is_current(module: ApiModule) -> None:
    committed = committed_path(module.name)

    assert committed.is_file(), f"run `python -m scripts.openapi` to write {committed.name}"
    assert committed.read_text(encoding="utf-8") == render(module.name), "run `python -m scripts.openapi`"


def test_the_docs_function_serves_the_document_and_both_pages(module: ApiModule, handlers: dict[str, Any],
                                                              document: dict[str, Any]) -> None:
    spec, swagger, redoc = (handlers["docs"][name] for name in ("openapi.json", "docs", "redoc"))

    assert spec["statusCode"] == 200 and spec["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert json.loads(spec["body"]) == document
    assert document["servers"] == [{"url": module.base_path}]
    for page, assets in ((swagger, (SWAGGER_UI_JS, SWAGGER_UI_CSS)), (redoc, (REDOC_JS,))):
        assert page["statusCode"] == 200 and page["multiValueHeaders"]["Content-Type"] == ["text/html; charset=utf-8"]
        for asset in assets:
            assert f'"{asset.url}" integrity="{asset.integrity}" crossorigin="anonymous"' in page["body"]
        assert "openapi.json" in page["body"]


# (3) Valid OpenAPI 3.1, with what the platform answers.

def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")

    assert document["openapi"] == "3.1.0"
    validator.validate(document)


def test_the_documents_references_resolve_and_operation_ids_are_unique(document: dict[str, Any]) -> None:
    """The structural rules, checked without openapi-spec-validator too."""
    text = json.dumps(document)
    for reference in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node: Any = document
        for part in reference.split("/"):
            assert isinstance(node, dict) and part in node, reference
            node = node[part]
    ids = [operation["operationId"] for _, _, operation in described(document)]
    assert len(ids) == len(set(ids))
    for method, path, operation in described(document):
        variables = re.findall(r"{([^{}]+)}", path)
        in_path = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        assert in_path == variables and all(p["required"] for p in operation.get("parameters", [])
                                            if p["in"] == "path"), f"{method} {path}"


def test_every_operation_documents_the_errors_every_route_can_answer(module: ApiModule,
                                                                       document: dict[str, Any]) -> None:
    limited = bool(module.rate_limits or module.default_rate_limit)
    for method, path, operation in described(document):
        statuses = {str(status) for status in operation["responses"]}
        signed_in = operation.get("security") != []
        where = f"{method} {path}"
        # Streams answer through their own ASGI app, which the REST resolver's per-user limit does not meter.
        streaming = route_for(module.base_path + concrete(path)).route.group.streaming
        assert "500" in statuses and statuses & SUCCESS, where
        if signed_in:
            assert "401" in statuses, where
        if signed_in and limited and not streaming:
            assert "429" in statuses, where
            success = next(r for s, r in operation["responses"].items() if s in SUCCESS)
            assert set(success.get("headers", {})) >= {"X-RateLimit-Limit", "X-RateLimit-Remaining",
                                                       "X-RateLimit-Reset"}, where
        if "requestBody" in operation:
            assert statuses & {"400", "422"}, where
        if signed_in and "{" in path:
            assert "404" in statuses, where


@pytest.mark.parametrize("error", [
    ValidationFailed("Invalid request", details=[FieldError("title", "Field required")]),
    Unauthorized("Missing or invalid token"),
    NotFound("Not found"),
    Conflict("Conflict"),
    RateLimited("Too many requests"),
], ids=lambda e: type(e).__name__)
def test_every_error_answer_is_the_modules_own_envelope(module: ApiModule, document: dict[str, Any],
                                                        error: DomainError) -> None:
    """What the module's error dialect renders validates against every error answer the document describes."""
    _, body = DIALECTS[module.dialect](error)
    schemas = {json.dumps(answer["content"]["application/json"]["schema"], sort_keys=True)
               for answer in document["components"]["responses"].values()}
    assert len(schemas) == 1, "one error envelope for the whole module"
    envelope = {**json.loads(schemas.pop()), "components": document["components"]}
    Draft202012Validator(envelope).validate(body)
