"""POST /support/api/docs/search over the demo corpus in the embedded backend."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from tests.integration.events import Caller

BASE = "/support/api"


@pytest.fixture
def docs(tenant: dict[str, Any], local_aws: Any) -> Caller:
    from functions.support_docs import handler as docs_handler

    handlers: dict[str, ModuleType] = {"docs": docs_handler}
    return Caller(tenant["id"], handlers)


def test_search_returns_the_documented_result_fields(docs: Caller) -> None:
    reply = docs.post(f"{BASE}/docs/search", {"query": "pipeline timeout deployment", "limit": 5})

    assert reply.status == 200
    results = reply.body["results"]
    assert 1 <= len(results) <= 5
    assert set(results[0]) == {"title", "type", "excerpt", "url", "relevance", "plane"}
    assert 0 < results[0]["relevance"] <= 1
    assert [r["relevance"] for r in results] == sorted((r["relevance"] for r in results), reverse=True)


def test_search_is_filtered_by_plane(docs: Caller) -> None:
    reply = docs.post(f"{BASE}/docs/search", {"query": "disk storage", "planeSlug": "infrastructure", "limit": 10})

    assert reply.status == 200
    assert reply.body["results"]
    assert {r["plane"] for r in reply.body["results"]} == {"Infrastructure"}


@pytest.mark.parametrize(("body", "field"), [({"query": ""}, "query"), ({"query": "x", "limit": 0}, "limit"),
                                             ({"query": "x", "planeSlug": "Not A Slug"}, "planeSlug")])
def test_a_bad_search_names_the_field(docs: Caller, body: dict[str, Any], field: str) -> None:
    reply = docs.post(f"{BASE}/docs/search", body)

    assert reply.status == 400
    assert field in {d["field"] for d in reply.body["error"]["details"]}
