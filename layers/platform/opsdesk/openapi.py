"""OpenAPI 3.1 documents of a module's REST API, built from what its handlers use: request bodies are the pydantic
models the handlers parse (opsdesk.<module>.requests), response bodies the pydantic models that describe the
module's views (opsdesk.<module>.schemas), both turned into components by `model_json_schema()`. The module adds
its operations (method, path, summary, tag, parameters, statuses), its auth (bearer JWT, and the session cookie
of cookie modules), its error envelope and its rate-limit headers; `build_document` does the rest. Plus the two
interactive pages, Swagger UI and ReDoc, that read the document (assets pinned, with Subresource Integrity).

A module's document is checked by a unit test against its handlers' routes (both ways) and its views' output
(tests/unit/test_copilot_openapi.py is the first), and committed under docs/api/ (`python -m scripts.openapi`)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from opsdesk.frozen import frozen

if TYPE_CHECKING:  # the docs pages need no models: pydantic loads with the first /openapi.json (opsdesk.apidocs)
    from pydantic import BaseModel

OPENAPI_VERSION = "3.1.0"
SCHEMAS = "#/components/schemas/"
RESPONSES = "#/components/responses/"
HEADERS = "#/components/headers/"
BEARER = "bearer"
COOKIE = "cookie"

ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Bad request"),
    401: ("Unauthorized", "Missing or invalid token"),
    403: ("Forbidden", "Insufficient permissions"),
    404: ("NotFound", "Not found"),
    409: ("Conflict", "Conflict with the current state"),
    413: ("PayloadTooLarge", "Request body too large"),
    414: ("UriTooLong", "The URL and headers are larger than the gateway takes (10,240 bytes)"),
    422: ("UnprocessableEntity", "Validation error"),
    429: ("TooManyRequests", "Rate limit exceeded"),
    500: ("InternalServerError", "Internal server error"),
    503: ("ServiceUnavailable", "Service unavailable"),
}
"""Status -> (component name, default description) of the error answers a document may use."""
GATEWAY_ERRORS = (414,)
"""Answered by API Gateway before any route of any module: every operation may answer them."""
SUCCESS_DESCRIPTIONS = {200: "Success", 201: "Created", 202: "Accepted", 204: "No content"}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
_TEMPLATE_VARIABLE = re.compile(r"{([^{}]+)}")


@frozen
class Parameter:
    name: str
    location: Literal["query", "path", "header"]
    schema: Mapping[str, Any]
    description: str = ""
    required: bool = False
    """Path parameters are always required."""

    def render(self) -> dict[str, Any]:
        made: dict[str, Any] = {"name": self.name, "in": self.location,
                                "required": self.required or self.location == "path", "schema": dict(self.schema)}
        if self.description:
            made["description"] = self.description
        return made


def query_param(name: str, schema: Mapping[str, Any], description: str = "") -> Parameter:
    return Parameter(name, "query", schema, description)


def cursor_page(default: int, maximum: int, invalid_status: int, next_cursor_header: str) -> tuple[Parameter, ...]:
    """`limit` and `cursor` of a cursor-paged list (opsdesk.pagination, opsdesk.cursors), refused with the module's
    validation status."""
    from opsdesk.cursors import MAX_CURSOR_LENGTH  # noqa: PLC0415 - only the documents need it

    return (
        query_param("limit", {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
                    f"Items per page (max {maximum}; a larger value is a {invalid_status})"),
        query_param("cursor", {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
                    f"The `{next_cursor_header}` header of the previous page (another list's is {invalid_status})"),
    )


def path_param(name: str, description: str = "") -> Parameter:
    return Parameter(name, "path", {"type": "string"}, description, required=True)


@frozen
class ArrayOf:
    """A response body that is a JSON array of `model`."""

    model: type[BaseModel]


@frozen
class Content:
    """A response body given by its media type and a plain schema (an HTML page, a document of its own)."""

    media_type: str
    schema: Mapping[str, Any]


SERVER_SENT_EVENTS = Content("text/event-stream", {
    # OpenAPI 3.1 has a streamed body's schema describe one event (3.2's itemSchema): its fields as the stream
    # frames them, `data` a JSON text.
    "type": "object",
    "description": "One Server-Sent Event: `id:`, `event:` and `data:` lines, then a blank line.",
    "properties": {
        "id": {"type": "string", "description": "The event's number: send it back as `Last-Event-ID` to resume"},
        "event": {"type": "string", "description": "The event's type"},
        "data": {"type": "string", "contentMediaType": "application/json", "description": "The event as JSON"},
        "retry": {"type": "integer", "minimum": 0},
    },
    "required": ["data"],
})
"""A text/event-stream body, described event by event."""

Body: TypeAlias = "type[BaseModel] | ArrayOf | Content | None"
"""A response body: a JSON object of a model, a JSON array of them, other content, or nothing (204)."""


@frozen
class Operation:
    method: str
    path: str
    """As the handler's route names it, in OpenAPI's `{name}` form, without the module's base path."""
    operation_id: str
    summary: str
    tag: str
    responses: Mapping[int, Body]
    """The success statuses the handler answers, each with its body."""
    request: type[BaseModel] | None = None
    request_required: bool = True
    parameters: tuple[Parameter, ...] = ()
    """Query and header parameters, and descriptions of path parameters (every `{name}` of the path is a string
    path parameter unless given here)."""
    errors: tuple[int, ...] = ()
    """The error statuses the handler (or the gateway in front of it) answers, beyond the document's common ones."""
    public: bool = False
    """No token: the operation's security is empty and no rate-limit headers are promised."""
    description: str = ""
    response_headers: Mapping[str, str] = field(default_factory=dict)
    """Headers of the success answers beyond the rate-limit ones: name -> description (e.g. Set-Cookie)."""


@frozen
class Tag:
    name: str
    description: str


@frozen
class RateLimitHeaders:
    """What a module's rate-limit headers mean (their values are integers)."""

    limit: str = "Requests allowed in the current window"
    remaining: str = "Requests left in the current window"
    reset: str = "When the current window ends"

    def descriptions(self) -> dict[str, str]:
        return dict(zip(RATE_LIMIT_HEADERS, (self.limit, self.remaining, self.reset), strict=True))


@frozen
class ApiDescription:
    """What a module's document says beyond its operations."""

    title: str
    version: str
    description: str
    server: str
    """The module's base path (or a full URL): operation paths are relative to it."""
    error_model: type[BaseModel]
    """The module's error envelope: the body of every error answer."""
    tags: tuple[Tag, ...] = ()
    cookie: str | None = None
    """The session cookie of a cookie module: an apiKey-in-cookie scheme beside the bearer token."""
    rate_limit: RateLimitHeaders | None = None
    """Signed-in answers carry X-RateLimit-Limit/-Remaining/-Reset."""
    common_errors: tuple[int, ...] = (500,)
    """Error statuses every operation may answer."""
    error_descriptions: Mapping[int, str] = field(default_factory=dict)
    """The module's words for an error status (what its 400, say, means), replacing the default."""
    bearer_token: str = "access_token"
    """What the bearer token is (API Gateway's Cognito authorizer takes the ID token)."""
    cookie_description: str | None = None
    """When the session cookie is there, if not whenever signing in sets it."""
    retry_after: str | None = None
    """When a module without rate-limit headers sends `Retry-After` on its 429: what the header's seconds mean."""
    roles: Mapping[str, str] = field(default_factory=dict)
    """operationId -> the least role the route takes (a caller below it is refused with 403): rendered as
    `x-opsdesk-role` and said in the description, and tests/api/test_roles.py sends each one a caller just below."""


class _Components:
    """Collects the schemas of the models used, under their names; two different schemas never share one."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}

    def ref(self, model: type[BaseModel], mode: Literal["validation", "serialization"]) -> dict[str, str]:
        schema = model.model_json_schema(mode=mode, ref_template=SCHEMAS + "{model}")
        for name, definition in schema.pop("$defs", {}).items():
            self._add(name, definition)
        self._add(model.__name__, schema)
        return {"$ref": SCHEMAS + model.__name__}

    def _add(self, name: str, schema: dict[str, Any]) -> None:
        known = self.schemas.setdefault(name, schema)
        if known != schema:
            raise ValueError(f"two different schemas are named {name}: rename one of the models")


def docs_operations(tag: str = "docs") -> list[Operation]:
    """The module's own documentation routes (opsdesk.apidocs), public like the document."""
    page = Content("text/html", {"type": "string"})
    return [
        Operation("GET", "/docs", "getSwaggerUi", "Swagger UI", tag, {200: page}, public=True,
                  description="Interactive documentation of this document; Try it out calls the API."),
        Operation("GET", "/redoc", "getRedoc", "ReDoc", tag, {200: page}, public=True),
        Operation("GET", "/openapi.json", "getOpenApiDocument", "This OpenAPI document", tag,
                  {200: Content("application/json", {"type": "object"})}, public=True),
    ]


def build_document(api: ApiDescription, operations: Sequence[Operation]) -> dict[str, Any]:
    """The OpenAPI 3.1 document: paths in order of their path, components sorted by name."""
    components = _Components()
    error_model = components.ref(api.error_model, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    used_errors: set[int] = set()
    unknown = set(api.roles) - {operation.operation_id for operation in operations}
    if unknown:
        raise ValueError(f"roles of operations there are not: {sorted(unknown)}")
    for operation in operations:
        methods = paths.setdefault(operation.path, {})
        if operation.method.lower() in methods:
            raise ValueError(f"{operation.method} {operation.path} is described twice")
        errors = sorted({*operation.errors, *api.common_errors, *GATEWAY_ERRORS})
        used_errors.update(errors)
        made = _operation(api, operation, errors, components)
        role = api.roles.get(operation.operation_id)
        if role is not None:
            if 403 not in errors:
                raise ValueError(f"{operation.operation_id} takes a role but documents no 403")
            made["x-opsdesk-role"] = role
            made["description"] = f"Role: `{role}` or above (else 403). {made.get('description', '')}".strip()
        methods[operation.method.lower()] = made
    security_schemes: dict[str, Any] = {BEARER: {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": f"`Authorization: Bearer <{api.bearer_token}>`"}}
    if api.cookie:
        cookie = api.cookie_description or f"The `{api.cookie}` cookie (HttpOnly) that signing in sets"
        security_schemes[COOKIE] = {"type": "apiKey", "in": "cookie", "name": api.cookie, "description": cookie}
    responses = {ERROR_RESPONSES[status][0]: _error_response(api, status, error_model)
                 for status in sorted(used_errors)}
    if api.retry_after and 429 in used_errors:
        responses[ERROR_RESPONSES[429][0]]["headers"] = {
            "Retry-After": {"description": api.retry_after, "schema": {"type": "integer"}}}
    made_components: dict[str, Any] = {
        "schemas": dict(sorted(components.schemas.items())),
        "responses": responses,
        "securitySchemes": security_schemes,
    }
    if api.rate_limit:
        made_components["headers"] = {name: {"description": description, "schema": {"type": "integer"}}
                                      for name, description in api.rate_limit.descriptions().items()}
        made_components["headers"]["Retry-After"] = {"description": "Seconds to wait before retrying",
                                                     "schema": {"type": "integer"}}
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": api.title, "version": api.version, "description": api.description},
        "servers": [{"url": api.server}],
        "security": [{BEARER: []}, *([{COOKIE: []}] if api.cookie else [])],
    }
    if api.tags:
        document["tags"] = [{"name": tag.name, "description": tag.description} for tag in api.tags]
    document["paths"] = dict(sorted(paths.items()))
    document["components"] = made_components
    return document


def _operation(api: ApiDescription, operation: Operation, errors: list[int],
               components: _Components) -> dict[str, Any]:
    made: dict[str, Any] = {"operationId": operation.operation_id, "summary": operation.summary,
                            "tags": [operation.tag]}
    if operation.description:
        made["description"] = operation.description
    parameters = _parameters(operation)
    if parameters:
        made["parameters"] = parameters
    if operation.request is not None:
        made["requestBody"] = {"required": operation.request_required, "content": {
            "application/json": {"schema": components.ref(operation.request, "validation")}}}
    if operation.public:
        made["security"] = []
    responses: dict[str, Any] = {}
    for status, body in sorted(operation.responses.items()):
        answer: dict[str, Any] = {"description": SUCCESS_DESCRIPTIONS.get(status, "Success")}
        headers: dict[str, Any] = {name: {"$ref": HEADERS + name} for name in RATE_LIMIT_HEADERS
                   if api.rate_limit and not operation.public}
        headers |= {name: {"description": description, "schema": {"type": "string"}}
                    for name, description in operation.response_headers.items()}
        if headers:
            answer["headers"] = headers
        if isinstance(body, Content):
            answer["content"] = {body.media_type: {"schema": dict(body.schema)}}
        elif isinstance(body, ArrayOf):
            answer["content"] = {"application/json": {"schema": {
                "type": "array", "items": components.ref(body.model, "serialization")}}}
        elif body is not None:
            answer["content"] = {"application/json": {"schema": components.ref(body, "serialization")}}
        responses[str(status)] = answer
    for status in errors:
        responses[str(status)] = {"$ref": RESPONSES + ERROR_RESPONSES[status][0]}
    made["responses"] = responses
    return made


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    """The path's parameters in the order of the path (described or plain strings), then the others."""
    given = {(p.location, p.name): p for p in operation.parameters}
    if len(given) != len(operation.parameters):
        raise ValueError(f"{operation.method} {operation.path}: a parameter is given twice")
    variables = _TEMPLATE_VARIABLE.findall(operation.path)
    stray = sorted(name for location, name in given if location == "path" and name not in variables)
    if stray:
        raise ValueError(f"{operation.method} {operation.path}: path parameters not in the path: {stray}")
    made = [(given.get(("path", name)) or path_param(name)).render() for name in variables]
    made += [p.render() for p in operation.parameters if p.location != "path"]
    return made


def _error_response(api: ApiDescription, status: int, error_model: dict[str, str]) -> dict[str, Any]:
    name, description = ERROR_RESPONSES[status]
    answer: dict[str, Any] = {"description": api.error_descriptions.get(status, description),
                              "content": {"application/json": {"schema": error_model}}}
    if status == 429 and api.rate_limit:
        answer["headers"] = {header: {"$ref": HEADERS + header} for header in ("Retry-After", *RATE_LIMIT_HEADERS)}
    return answer


def response_schema(document: Mapping[str, Any], method: str, operation_path: str, status: int) -> dict[str, Any]:
    """The JSON Schema of one answer's body, standalone (the document's components travel with it, so its
    `#/components/...` references resolve): for tests that validate what a handler answered."""
    answer = document["paths"][operation_path][method.lower()]["responses"][str(status)]
    if "$ref" in answer:
        answer = document["components"]["responses"][answer["$ref"].removeprefix(RESPONSES)]
    return {**answer["content"]["application/json"]["schema"], "components": document["components"]}


# The interactive pages. The assets come from jsDelivr at pinned versions, each with its Subresource Integrity
# hash: the sha384 of the file in the package's npm tarball (npm checked the tarball against the registry's
# sha512), so a changed file on the CDN is refused by the browser. A new version needs new hashes:
# `npm pack <package>@<version>` and `openssl dgst -sha384 -binary <file> | base64`.

@frozen
class Asset:
    url: str
    integrity: str


JSDELIVR = "https://cdn.jsdelivr.net/npm"
SWAGGER_UI_VERSION = "5.35.0"
REDOC_VERSION = "2.5.4"
SWAGGER_UI_JS = Asset(f"{JSDELIVR}/swagger-ui-dist@{SWAGGER_UI_VERSION}/swagger-ui-bundle.js",
                      "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9")
SWAGGER_UI_CSS = Asset(f"{JSDELIVR}/swagger-ui-dist@{SWAGGER_UI_VERSION}/swagger-ui.css",
                       "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I")
REDOC_JS = Asset(f"{JSDELIVR}/redoc@{REDOC_VERSION}/bundles/redoc.standalone.js",
                 "sha384-w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5")
HTML_CONTENT_TYPE = "text/html; charset=utf-8"


def _head(title: str, *extra: str) -> str:
    lines = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<meta name="referrer" content="no-referrer">', f"<title>{html.escape(title)}</title>", *extra]
    return "<head>\n" + "\n".join(lines) + "\n</head>"


def _script(asset: Asset) -> str:
    return f'<script src="{asset.url}" integrity="{asset.integrity}" crossorigin="anonymous"></script>'


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no `</script>`, no `<!--`)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_swagger_ui(spec_url: str, title: str) -> str:
    """Swagger UI on the document at `spec_url` (relative to the page, or absolute). "Try it out" calls the API
    from the page, with the browser's session cookie or the bearer token entered under Authorize."""
    stylesheet = (f'<link rel="stylesheet" href="{SWAGGER_UI_CSS.url}" integrity="{SWAGGER_UI_CSS.integrity}" '
                  'crossorigin="anonymous">')
    config = {"url": spec_url, "dom_id": "#swagger-ui", "deepLinking": True, "withCredentials": True}
    return (f'<!doctype html>\n<html lang="en">\n{_head(title, stylesheet)}\n<body>\n<div id="swagger-ui"></div>\n'
            f"{_script(SWAGGER_UI_JS)}\n<script>window.ui = SwaggerUIBundle({_script_json(config)});</script>\n"
            "</body>\n</html>\n")


def render_redoc(spec_url: str, title: str) -> str:
    """ReDoc on the document at `spec_url` (relative to the page, or absolute)."""
    return (f'<!doctype html>\n<html lang="en">\n{_head(title)}\n<body>\n'
            f'<redoc spec-url="{html.escape(spec_url)}"></redoc>\n{_script(REDOC_JS)}\n</body>\n</html>\n')
