"""The helpdesk's resource tree in the API map: valid for API Gateway, and routed by the local gateway to the most
specific resource (attachments to their own group, not to the tickets group's greedy resource)."""

from __future__ import annotations

import pytest

from opsdesk.apimap import HELPDESK, SERVED_MODULES, ApiModule, Auth
from scripts.local.gateway import LocalGateway


def test_no_resource_has_two_different_variable_children() -> None:
    # API Gateway refuses `/tickets/{id}` next to `/tickets/{ticketId}` or `/tickets/{proxy+}`.
    for module in SERVED_MODULES:
        variables: dict[str, set[str]] = {}
        for group in module.groups:
            for resource in group.resources:
                segments = resource.strip("/").split("/")
                for depth, segment in enumerate(segments):
                    if segment.startswith("{"):
                        parent = "/".join(segments[:depth])
                        variables.setdefault(parent, set()).add(segment)
        assert {parent: names for parent, names in variables.items() if len(names) > 1} == {}, module.name


def test_every_resource_belongs_to_one_group() -> None:
    resources = [r for group in HELPDESK.groups for r in group.resources]

    assert len(resources) == len(set(resources))


@pytest.mark.parametrize(("path", "group"), [
    ("/tickets", "helpdesk_tickets"),
    ("/tickets/7f0e4c1a-0000-4000-8000-000000000000", "helpdesk_tickets"),
    ("/tickets/7f0e/comments", "helpdesk_tickets"),
    ("/tickets/7f0e/watchers/u-1", "helpdesk_tickets"),
    ("/tickets/7f0e/attachments", "helpdesk_attachments"),
    ("/tickets/7f0e/attachments/presign", "helpdesk_attachments"),
    ("/tickets/7f0e/attachments/a-1", "helpdesk_attachments"),
    ("/metrics", "helpdesk_metrics"),
    ("/metrics/sla", "helpdesk_reports"),
    ("/csat/some-token", "helpdesk_csat"),
    ("/exports/tickets", "helpdesk_exports"),
    ("/me", "helpdesk_people"),
    ("/requesters/r-1", "helpdesk_people"),
    ("/events", "helpdesk_events"),
    ("/login", "helpdesk_session"),
    ("/readyz", "helpdesk_health"),
])
def test_the_local_gateway_routes_the_most_specific_resource(path: str, group: str) -> None:
    route, _ = LocalGateway(verifier=None, region="us-east-1")._match(HELPDESK, path)  # type: ignore[arg-type]

    assert route is not None and route.group.name == group


def test_public_routes_are_the_documents_public_ones() -> None:
    public = {r for g in HELPDESK.groups if g.auth is Auth.NONE for r in g.resources}

    assert public == {"/livez", "/readyz", "/healthz", "/login", "/logout", "/csat/{token}", "/metrics",
                      "/docs", "/redoc", "/openapi.json"}  # and the module's API documentation (opsdesk.apidocs)
    assert all(g.auth is Auth.COOKIE_JWT for g in HELPDESK.groups if g.auth is not Auth.NONE)


def test_cookie_modules_allow_credentials_and_others_do_not() -> None:
    assert HELPDESK.cookie_sessions
    assert not ApiModule("x", "/x", "support", groups=()).cookie_sessions
