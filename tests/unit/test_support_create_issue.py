"""Creating an issue: references checked against the tenant's catalog, contexts against the issue's planes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.support.records import EnvironmentRef, Issue, IssueContext, IssueStatus, Ref
from opsdesk.support.requests import CreateIssueRequest
from opsdesk.support.service import MAX_TEXT_CONTEXT_LENGTH, SupportService, format_display_id
from tests.unit.conftest import START
from tests.unit.fakes import DemoCatalog, FakeClock, InMemorySupportStore, build_demo_catalog, new_uuid, principal

Create = Callable[..., Issue]


def refused(create: Create, **overrides: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        create(**overrides)
    return caught.value


def fields_of(error: ValidationFailed) -> list[str]:
    return [d.field for d in error.details]


def ctx(catalog: DemoCatalog, plane_attr: str, key: str, value: Any) -> dict[str, Any]:
    return {"planeContextId": catalog.context_id(getattr(catalog, plane_attr), key), "value": value}


def stage(catalog: DemoCatalog, value: Any = "deployment") -> dict[str, Any]:
    return ctx(catalog, "cicd", "pipeline_stage", value)


# The happy path


def test_create_returns_an_open_issue_with_the_request_and_catalog_data(
    create: Create, catalog: DemoCatalog, user: Principal
) -> None:
    issue = create()

    assert issue.status is IssueStatus.OPEN
    assert issue.display_id == "ISS-2024-0001"
    assert issue.title == "Pipeline timeout during deployment"
    assert issue.customer == Ref(catalog.alpha.id, "Customer Alpha")
    assert issue.environment == EnvironmentRef(catalog.alpha_qa.id, "alpha-qa-01", "qa")
    assert issue.primary_plane == Ref(catalog.cicd.id, "App CI/CD")
    assert issue.secondary_planes == ()
    assert issue.submitter_handle == "john.doe@company.com"
    assert issue.pipeline_url == "https://concourse.example.com/teams/alpha/pipelines/app"
    assert issue.created_by == user.user_id
    assert issue.version == 1
    assert issue.resolved_at is None


def test_create_stamps_created_and_updated_at_with_the_clock(create: Create) -> None:
    issue = create()

    assert issue.created_at == issue.updated_at == to_rfc3339(START) == "2024-01-15T10:30:00.250Z"


def test_create_stores_the_issue(create: Create, service: SupportService, user: Principal) -> None:
    issue = create()

    assert service.get_issue(user, issue.id) == issue


def test_display_ids_follow_the_tenants_sequence(create: Create) -> None:
    assert [create().display_id for _ in range(3)] == ["ISS-2024-0001", "ISS-2024-0002", "ISS-2024-0003"]


def test_display_id_sequence_restarts_each_year(create: Create, clock: FakeClock) -> None:
    create()
    clock.advance(days=366)

    assert create().display_id == "ISS-2025-0001"


def test_display_id_sequence_is_per_tenant(
    create: Create, service: SupportService, store: InMemorySupportStore
) -> None:
    create()
    other = build_demo_catalog(store, new_uuid())

    issue = service.create_issue(principal(other.tenant_id), CreateIssueRequest.model_validate(other.create_body()))

    assert issue.display_id == "ISS-2024-0001"


@pytest.mark.parametrize(
    ("year", "sequence", "display_id"),
    [(2024, 1, "ISS-2024-0001"), (2024, 847, "ISS-2024-0847"), (2026, 9999, "ISS-2026-9999"),
     (2026, 12345, "ISS-2026-12345")],
)
def test_format_display_id(year: int, sequence: int, display_id: str) -> None:
    assert format_display_id(year, sequence) == display_id


def test_create_with_secondary_planes_keeps_them_in_order(create: Create, catalog: DemoCatalog) -> None:
    issue = create(
        secondaryPlaneIds=[catalog.observability.id, catalog.infra.id],
        contexts=[stage(catalog), ctx(catalog, "infra", "resource_type", "network"),
                  ctx(catalog, "infra", "resource_id", "vpc-123")],
    )

    assert issue.secondary_planes == (Ref(catalog.observability.id, "Observability"), Ref(catalog.infra.id,
                                                                                          "Infrastructure"))


def test_context_values_keep_the_choice_and_show_the_label(create: Create, catalog: DemoCatalog) -> None:
    # Given a single select, a multi select and a text context
    contexts = [
        stage(catalog, "deployment"),
        ctx(catalog, "cicd", "ci_systems", ["concourse", "jenkins"]),
        ctx(catalog, "cicd", "error_message", "  context deadline exceeded  "),
    ]

    # When the issue is created
    issue = create(contexts=contexts)

    # Then each keeps what was chosen and what a person reads
    stage_ctx, tools, message = issue.contexts
    assert stage_ctx == IssueContext(catalog.context_id(catalog.cicd, "pipeline_stage"), "pipeline_stage",
                                     "Pipeline Stage", "deployment", "Application Deployment")
    assert (tools.key, tools.value, tools.display_value) == ("ci_systems", "concourse,jenkins", "Concourse, Jenkins")
    assert (message.key, message.display_value) == ("error_message", "context deadline exceeded")


def test_multi_select_accepts_a_single_value_as_a_string(create: Create, catalog: DemoCatalog) -> None:
    issue = create(contexts=[stage(catalog), ctx(catalog, "cicd", "ci_systems", "jenkins")])

    assert issue.contexts[1].display_value == "Jenkins"


def test_text_context_of_the_maximum_length_is_accepted(create: Create, catalog: DemoCatalog) -> None:
    text = "x" * MAX_TEXT_CONTEXT_LENGTH

    issue = create(contexts=[stage(catalog), ctx(catalog, "cicd", "error_message", text)])

    assert issue.contexts[1].display_value == text


def test_optional_contexts_may_be_left_out(create: Create, catalog: DemoCatalog) -> None:
    assert len(create(contexts=[stage(catalog)]).contexts) == 1


def test_plane_without_required_contexts_needs_none(create: Create, catalog: DemoCatalog) -> None:
    assert create(primaryPlaneId=catalog.observability.id, contexts=[]).contexts == ()


def test_pipeline_url_is_optional(create: Create) -> None:
    assert create(pipelineUrl=None).pipeline_url is None


# Every validation failure names its field


def test_create_rejects_an_unknown_customer(create: Create) -> None:
    error = refused(create, customerId=new_uuid())

    assert FieldError("customerId", "Customer not found") in error.details


def test_create_rejects_a_customer_of_another_tenant(
    service: SupportService, catalog: DemoCatalog, outsider: Principal
) -> None:
    # Given a body that names this tenant's customer, sent by a user of another tenant
    request = CreateIssueRequest.model_validate(catalog.create_body())

    # When the outsider creates it, Then every reference is unknown to them
    with pytest.raises(ValidationFailed) as caught:
        service.create_issue(outsider, request)
    assert {"customerId", "environmentId", "primaryPlaneId"} <= set(fields_of(caught.value))


def test_create_rejects_environment_of_another_customer(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, environmentId=catalog.beta_prod.id)

    assert error.details == [FieldError("environmentId", "Environment not found for this customer")]


def test_create_rejects_an_unknown_environment(create: Create) -> None:
    assert fields_of(refused(create, environmentId=new_uuid())) == ["environmentId"]


def test_create_rejects_an_unknown_primary_plane(create: Create) -> None:
    error = refused(create, primaryPlaneId=new_uuid())

    assert FieldError("primaryPlaneId", "Plane not found") in error.details


def test_create_rejects_an_unknown_secondary_plane(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, secondaryPlaneIds=[catalog.observability.id, new_uuid()])

    assert error.details == [FieldError("secondaryPlaneIds[1]", "Plane not found")]


def test_create_rejects_secondary_plane_equal_to_primary(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, secondaryPlaneIds=[catalog.cicd.id])

    assert error.details == [FieldError("secondaryPlaneIds[0]", "The primary plane cannot also be secondary")]


def test_create_rejects_context_not_of_the_issues_planes(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, contexts=[stage(catalog), ctx(catalog, "infra", "resource_type", "compute")])

    assert error.details == [FieldError("contexts[1].planeContextId", "Not a context of the issue's planes")]


def test_create_rejects_an_unknown_context(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, contexts=[stage(catalog), {"planeContextId": new_uuid(), "value": "x"}])

    assert fields_of(error) == ["contexts[1].planeContextId"]


def test_create_rejects_a_context_given_twice(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, contexts=[stage(catalog, "build"), stage(catalog, "test")])

    assert error.details == [FieldError("contexts[1].planeContextId", "Context given more than once")]


@pytest.mark.parametrize("value", ["nope", "Build/Compile", "", ["build"]])
def test_create_rejects_single_select_value_not_among_options(create: Create, catalog: DemoCatalog, value: Any) -> None:
    error = refused(create, contexts=[stage(catalog, value)])

    assert error.details == [FieldError("contexts[0].value", "Must be one of: build, test, deployment")]


@pytest.mark.parametrize("value", [["concourse", "nope"], [], "nope"])
def test_create_rejects_multi_select_values_not_among_options(create: Create, catalog: DemoCatalog, value: Any) -> None:
    error = refused(create, contexts=[stage(catalog), ctx(catalog, "cicd", "ci_systems", value)])

    assert error.details == [
        FieldError("contexts[1].value", "Must be one or more of: concourse, github_actions, jenkins")
    ]


def test_create_rejects_a_multi_select_value_given_twice(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, contexts=[stage(catalog), ctx(catalog, "cicd", "ci_systems", ["jenkins", "jenkins"])])

    assert error.details == [FieldError("contexts[1].value", "Must not repeat a value")]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x" * (MAX_TEXT_CONTEXT_LENGTH + 1), id="too-long"),
        pytest.param("   ", id="blank"),
        pytest.param(["a", "b"], id="list"),
    ],
)
def test_create_rejects_text_context_that_is_not_1_to_2000_characters(
    create: Create, catalog: DemoCatalog, value: Any
) -> None:
    error = refused(create, contexts=[stage(catalog), ctx(catalog, "cicd", "error_message", value)])

    assert error.details == [FieldError("contexts[1].value", "Must be text of 1 to 2000 characters")]


def test_create_names_the_missing_required_context_of_the_primary_plane(create: Create) -> None:
    error = refused(create, contexts=[])

    assert error.details == [FieldError("contexts.pipeline_stage", "Pipeline Stage is required")]


def test_create_names_each_missing_required_context_of_the_secondary_planes(
    create: Create, catalog: DemoCatalog
) -> None:
    error = refused(create, secondaryPlaneIds=[catalog.infra.id], contexts=[])

    assert error.details == [
        FieldError("contexts.pipeline_stage", "Pipeline Stage is required"),
        FieldError("contexts.resource_type", "Resource Type is required"),
        FieldError("contexts.resource_id", "Resource ID is required"),
    ]


def test_required_context_with_a_bad_value_is_reported_once_for_its_value(create: Create, catalog: DemoCatalog) -> None:
    error = refused(create, contexts=[stage(catalog, "nope")])

    assert fields_of(error) == ["contexts[0].value"]


def test_create_reports_several_problems_together(create: Create, catalog: DemoCatalog) -> None:
    # Given a body with a wrong environment, an unknown secondary plane, a bad option and a missing required context
    overrides = {
        "environmentId": catalog.beta_prod.id,
        "secondaryPlaneIds": [new_uuid(), catalog.infra.id],
        "contexts": [ctx(catalog, "infra", "resource_type", "quantum"), ctx(catalog, "infra", "resource_id", "i-1")],
    }

    # When it is created
    error = refused(create, **overrides)

    # Then every problem is in the one error
    assert error.message == "Invalid request body"
    assert fields_of(error) == [
        "environmentId",
        "secondaryPlaneIds[0]",
        "contexts[0].value",
        "contexts.pipeline_stage",
    ]


def test_refused_create_writes_nothing_and_takes_no_display_number(
    create: Create, store: InMemorySupportStore
) -> None:
    refused(create, contexts=[])

    assert store.writes == 0
    assert create().display_id == "ISS-2024-0001"
