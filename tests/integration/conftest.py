"""Integration layer: handlers called in-process with API Gateway events, against moto in server mode."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

from tests.integration.events import Caller


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from opsdesk.settings import load_settings
    from scripts.local.aws import MotoServer, provision
    from scripts.local.gitops import prepare_gitops

    server = MotoServer().start()
    aws = provision(server.endpoint)
    os.environ["SEARCH_SQLITE_PATH"] = str(tmp_path_factory.mktemp("search") / "search.sqlite")
    os.environ["OPSDESK_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    os.environ.update(aws.function_environment())
    prepare_gitops(os.environ["AURA_GIT_REMOTE_URL"], os.environ["AURA_GITOPS_STATE_DIR"])
    from scripts.dev import index_docs

    index_docs(aws)
    load_settings.cache_clear()
    yield aws
    server.stop()


@pytest.fixture(scope="session")
def issues_handler(local_aws: Any) -> ModuleType:
    from functions.support_issues import handler

    return handler


@pytest.fixture(scope="session")
def catalog_handler(local_aws: Any) -> ModuleType:
    from functions.support_catalog import handler

    return handler


@pytest.fixture
def tenant(local_aws: Any) -> dict[str, Any]:
    """A fresh tenant with the demo catalog: every test gets its own, so tests never see each other's data."""
    from opsdesk.support.repository import SupportRepository
    from scripts.local.seed import DEMO_TENANT, demo_planes, seed_catalog, stable_id

    tenant_id = str(uuid.uuid4())
    seed_catalog(SupportRepository(), tenant_id, datetime(2026, 1, 5, tzinfo=UTC), customers_like=DEMO_TENANT)
    planes = {p.slug: p for p in demo_planes(tenant_id)}
    alpha = stable_id(tenant_id, "customer", "Customer Alpha")
    beta = stable_id(tenant_id, "customer", "Customer Beta")
    return {
        "id": tenant_id,
        "planes": planes,
        "alpha": alpha,
        "alpha_qa": stable_id(alpha, "alpha-qa-01"),
        "beta": beta,
        "beta_prod": stable_id(beta, "beta-prod-01"),
    }


@pytest.fixture
def caller(tenant: dict[str, Any], issues_handler: ModuleType, catalog_handler: ModuleType) -> Caller:
    return Caller(tenant["id"], {"issues": issues_handler, "customers": catalog_handler, "planes": catalog_handler})


@pytest.fixture
def outsider(local_aws: Any, issues_handler: ModuleType, catalog_handler: ModuleType) -> Caller:
    """A user of another tenant."""
    return Caller(str(uuid.uuid4()), {"issues": issues_handler, "customers": catalog_handler,
                                      "planes": catalog_handler})


def issue_body(tenant: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    cicd = tenant["planes"]["app-cicd"]
    stage = next(c for c in cicd.contexts if c.key == "pipeline_stage")
    body = {
        "customerId": tenant["alpha"],
        "environmentId": tenant["alpha_qa"],
        "submitterHandle": "john.doe@company.com",
        "primaryPlaneId": cicd.id,
        "secondaryPlaneIds": [],
        "title": "Pipeline timeout during deployment",
        "description": "The deploy job times out after 30 minutes.",
        "pipelineUrl": "https://concourse.example.com/teams/main/pipelines/app",
        "contexts": [{"planeContextId": stage.id, "value": "deployment"}],
    }
    body.update(overrides)
    return body


@contextmanager
def empty_copy_of(local_aws: Any, logical_id: str) -> Iterator[str]:
    """An empty table shaped as the shared table `logical_id` (keys and indexes), deleted afterwards: for a one-off
    migration, which scans its table whole, while the shared table holds all that the worker's tests wrote."""
    from scripts.local.aws import client

    dynamodb = client("dynamodb", local_aws.endpoint, local_aws.region)
    shared = dynamodb.describe_table(TableName=local_aws.table_names[logical_id])["Table"]
    name = f"migration-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name, KeySchema=shared["KeySchema"], AttributeDefinitions=shared["AttributeDefinitions"],
        BillingMode="PAY_PER_REQUEST", GlobalSecondaryIndexes=[
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
            for index in shared.get("GlobalSecondaryIndexes", ())])
    try:
        yield name
    finally:
        dynamodb.delete_table(TableName=name)
