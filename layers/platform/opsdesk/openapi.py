"""OpenAPI 3.1 documents built from what the handlers use: request bodies from their pydantic models, responses
from JSON Schemas kept next to the views (tests validate the views' output against them), the module's auth,
error envelope and rate-limit headers. Plus the two interactive pages (Swagger UI, ReDoc) that read it."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

SWAGGER_UI_VERSION = "5.17.14"
REDOC_VERSION = "2.1.5"
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    """`query` or `path`."""
    schema: Mapping[str, Any]
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    responses: Mapping[int, Mapping[str, Any] | None]
    """Status -> the response body's schema (None: no body)."""
    body: type[BaseModel] | None = None
    parameters: tuple[Parameter, ...] = ()
    public: bool = False
    errors: tuple[int, ...] = ()
    description: str = ""


@dataclass
class ApiDocument:
    title: str
    version: str
    description: str
    server: str
    error_schema: Mapping[str, Any]
    cookie_name: str | None = None
    components: dict[str, Any] = field(default_factory=dict)

    def build(self, operations: Sequence[Operation], schemas: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        self.components = {name: dict(schema) for name, schema in schemas.items()}
        self.components["Error"] = dict(self.error_schema)
        paths: dict[str, dict[str, Any]] = {}
        for operation in operations:
            paths.setdefault(operation.path, {})[operation.method.lower()] = self._operation(operation)
        security_schemes: dict[str, Any] = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        if self.cookie_name:
            security_schemes["cookie"] = {"type": "apiKey", "in": "cookie", "name": self.cookie_name}
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": self.server}],
            "paths": dict(sorted(paths.items())),
            "components": {"schemas": dict(sorted(self.components.items())), "securitySchemes": security_schemes},
        }

    def _operation(self, operation: Operation) -> dict[str, Any]:
        made: dict[str, Any] = {"summary": operation.summary, "tags": [operation.tag],
                                "operationId": _operation_id(operation)}
        if operation.description:
            made["description"] = operation.description
        if operation.parameters:
            made["parameters"] = [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                                   "schema": dict(p.schema), **({"description": p.description} if p.description
                                                                 else {})} for p in operation.parameters]
        if operation.body is not None:
            made["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{self._model(operation.body)}"}}}}
        made["security"] = [] if operation.public else [{"bearer": []}, *([{"cookie": []}] if self.cookie_name
                                                                             else [])]
        responses: dict[str, Any] = {}
        headers = {} if operation.public else {name: {"schema": {"type": "integer"}} for name in RATE_LIMIT_HEADERS}
        for status, schema in operation.responses.items():
            answer: dict[str, Any] = {"description": _REASONS.get(status, "Success")}
            if schema is not None:
                answer["content"] = {"application/json": {"schema": dict(schema)}}
            if headers:
                answer["headers"] = headers
            responses[str(status)] = answer
        for status in operation.errors:
            responses[str(status)] = {"description": _REASONS[status], "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
        made["responses"] = responses
        return made

    def _model(self, model: type[BaseModel]) -> str:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            self.components.setdefault(name, definition)
        self.components[model.__name__] = schema
        return model.__name__


_REASONS = {200: "Success", 201: "Created", 204: "No content", 400: "Bad request", 401: "Missing or invalid token",
            403: "Insufficient permissions", 404: "Not found", 409: "Conflict", 422: "Validation error",
            429: "Rate limit exceeded"}


def _operation_id(operation: Operation) -> str:
    words = [part.strip("{}") for part in operation.path.split("/") if part]
    return "_".join([operation.method.lower(), *[w.replace("-", "_") for w in words]])


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def render_swagger_ui(spec_url: str, title: str) -> str:
    base = f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{SWAGGER_UI_VERSION}"
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<link rel="stylesheet" href="{base}/swagger-ui.css" crossorigin="anonymous"></head>
<body><div id="swagger-ui"></div>
<script src="{base}/swagger-ui-bundle.js" crossorigin="anonymous"></script>
<script>window.ui = SwaggerUIBundle({{url: {spec_url!r}, dom_id: "#swagger-ui", withCredentials: true}});</script>
</body></html>"""


def render_redoc(spec_url: str, title: str) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><redoc spec-url="{html.escape(spec_url)}"></redoc>
<script src="https://cdn.jsdelivr.net/npm/redoc@{REDOC_VERSION}/bundles/redoc.standalone.js"
 crossorigin="anonymous"></script></body></html>"""
