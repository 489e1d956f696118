"""copilot-projects: the caller's projects and their members, with per-project roles (opsdesk.copilot.service).
Adding a member by an email the tenant does not know invites them: a user of the pool and a mail."""

from __future__ import annotations

from functools import cache
from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.copilot.invitations import Invitations
from opsdesk.copilot.queries import parse_incident_page
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.service import CopilotService
from opsdesk.copilot.views import member_view, project_view
from opsdesk.directory import CognitoDirectory
from opsdesk.http import create_api, current_principal, json_response, query_params, request_body
from opsdesk.observability import instrumented
from opsdesk.pagination import paged
from opsdesk.restapi import Response
from opsdesk.secrets import SecretsManagerStore
from opsdesk.settings import CopilotProjectsSettings, load_settings

settings = load_settings(CopilotProjectsSettings)
app = create_api(COPILOT, settings)
service = CopilotService(CopilotRepository())
integration_secrets = SecretsManagerStore(settings.secret_prefix, region=settings.aws_region,
                                          endpoint_url=settings.aws_endpoint_url)  # its client on first use


@cache
def invitations() -> Invitations:
    """Made on the first invitation: the Cognito and SES clients are cold-start time most requests never use."""
    directory = CognitoDirectory.from_settings(settings.aws_region, settings.aws_endpoint_url,
                                               settings.user_pool_id, settings.sign_in_client_id)
    return Invitations.from_settings(directory, settings)


@app.get("/projects")
def handle_list_projects() -> list[dict[str, Any]]:
    page = parse_incident_page(query_params(app))
    return [project_view(p, r) for p, r in paged(service.list_projects(current_principal(app)), page)]


@app.post("/projects")
def handle_create_project() -> Response[str]:
    from opsdesk.copilot.requests import CreateProjectRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, CreateProjectRequest, settings.max_body_bytes)
    project, role = service.create_project(current_principal(app), request)
    return json_response(201, project_view(project, role))


@app.get("/projects/<project_id>")
def handle_get_project(project_id: str) -> dict[str, Any]:
    project, role = service.get_project(current_principal(app), project_id)
    return project_view(project, role)


@app.patch("/projects/<project_id>")
def handle_update_project(project_id: str) -> dict[str, Any]:
    from opsdesk.copilot.requests import UpdateProjectRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, UpdateProjectRequest, settings.max_body_bytes)
    principal = current_principal(app)
    service.update_project(principal, project_id, request)
    project, role = service.get_project(principal, project_id)
    return project_view(project, role)


@app.delete("/projects/<project_id>")
def handle_delete_project(project_id: str) -> Response[str]:
    service.delete_project(current_principal(app), project_id, secrets=integration_secrets)
    return Response(status_code=204, body="")


@app.get("/projects/<project_id>/members")
def handle_list_members(project_id: str) -> list[dict[str, Any]]:
    page = parse_incident_page(query_params(app))
    return [member_view(m) for m in paged(service.list_members(current_principal(app), project_id), page)]


@app.post("/projects/<project_id>/members")
def handle_add_member(project_id: str) -> Response[str]:
    from opsdesk.copilot.requests import AddMemberRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, AddMemberRequest, settings.max_body_bytes)
    principal = current_principal(app)
    member = service.add_member(principal, project_id, request, invitations().inviter(principal))
    return json_response(201, member_view(member))


@app.patch("/projects/<project_id>/members/<user_id>")
def handle_update_member(project_id: str, user_id: str) -> dict[str, Any]:
    from opsdesk.copilot.requests import UpdateMemberRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, UpdateMemberRequest, settings.max_body_bytes)
    return member_view(service.update_member(current_principal(app), project_id, user_id, request))


@app.delete("/projects/<project_id>/members/<user_id>")
def handle_remove_member(project_id: str, user_id: str) -> Response[str]:
    service.remove_member(current_principal(app), project_id, user_id)
    return Response(status_code=204, body="")


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
