"""POST /support/api/docs/feedback: recorded per tenant, counted per article."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from tests.integration.conftest import issue_body
from tests.integration.events import Caller

BASE = "/support/api"
DOC = "https://happycloud.com/docs/app-cicd/how-to/configure-timeouts"


@pytest.fixture
def docs_caller(caller: Caller, local_aws: Any) -> Caller:
    from functions.support_docs import handler as docs_handler

    handlers: dict[str, ModuleType] = {**caller.handlers, "docs": docs_handler}
    return Caller(caller.tenant_id, handlers)


def feedback_body(**overrides: Any) -> dict[str, Any]:
    return {"docUrl": DOC, "docType": "how-to", "helpful": True,
            "context": {"planeSlug": "app-cicd"}} | overrides


def test_feedback_is_recorded_with_the_documented_answer(docs_caller: Caller) -> None:
    reply = docs_caller.post(f"{BASE}/docs/feedback", feedback_body())

    assert reply.status == 201
    assert reply.body["success"] is True
    assert set(reply.body) == {"success", "feedbackId"}


def test_feedback_may_name_an_issue_of_the_callers_tenant_only(docs_caller: Caller, tenant: dict[str, Any],
                                                               outsider: Caller) -> None:
    issue = docs_caller.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]

    assert docs_caller.post(f"{BASE}/docs/feedback", feedback_body(issueId=issue["id"])).status == 201
    from functions.support_docs import handler as docs_handler

    stranger = Caller(outsider.tenant_id, {"docs": docs_handler})
    refused = stranger.post(f"{BASE}/docs/feedback", feedback_body(issueId=issue["id"]))
    assert refused.status == 400
    assert refused.body["error"]["details"] == [{"field": "issueId", "message": "Issue not found"}]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"docUrl": "javascript:alert(1)"}, "docUrl"), ({"docType": "blog"}, "docType"), ({"helpful": "yes"}, "helpful"),
    ({"issueId": "nope"}, "issueId"), ({"context": {"customerId": "x"}}, "context.customerId"),
])
def test_bad_feedback_names_the_field(docs_caller: Caller, overrides: dict[str, Any], field: str) -> None:
    reply = docs_caller.post(f"{BASE}/docs/feedback", feedback_body(**overrides))

    assert reply.status == 400
    assert field in {d["field"] for d in reply.body["error"]["details"]}


def test_feedback_is_tallied_per_article_all_time_and_per_month(docs_caller: Caller) -> None:
    from opsdesk.support.items import DocStatsItem

    for helpful in (True, False, True):
        docs_caller.post(f"{BASE}/docs/feedback", feedback_body(helpful=helpful))

    tally = DocStatsItem.get(f"T#{docs_caller.tenant_id}#DOCSTATS", f"ALL#{DOC}")
    assert (int(tally.feedback), int(tally.helpful)) == (3, 2)
    months = list(DocStatsItem.query(f"T#{docs_caller.tenant_id}#DOCSTATS", DocStatsItem.sk.startswith("M#")))
    assert [(int(m.feedback), int(m.helpful)) for m in months] == [(3, 2)]


def test_feedback_on_a_page_outside_the_documentation_site_is_refused(docs_caller: Caller) -> None:
    # It would otherwise list a link of the user's choosing on the tenant's docs dashboard
    reply = docs_caller.post(f"{BASE}/docs/feedback",
                             feedback_body(docUrl="https://evil.example.com/Click-here-to-reset-your-password"))

    assert reply.status == 400
    assert [d["field"] for d in reply.body["error"]["details"]] == ["docUrl"]


def test_feedback_naming_another_tenants_customer_is_refused(docs_caller: Caller, tenant: dict[str, Any],
                                                             outsider: Caller) -> None:
    from functions.support_docs import handler as docs_handler

    stranger = Caller(outsider.tenant_id, {"docs": docs_handler})
    reply = stranger.post(f"{BASE}/docs/feedback", feedback_body(context={"customerId": tenant["alpha"]}))

    assert reply.status == 400
    assert [d["field"] for d in reply.body["error"]["details"]] == ["context.customerId"]
    assert docs_caller.post(f"{BASE}/docs/feedback", feedback_body(context={"customerId": tenant["alpha"]})
                            ).status == 201


def test_feedback_does_not_change_the_type_its_views_recorded(docs_caller: Caller) -> None:
    from functions.support_analytics import handler as analytics_handler

    top = docs_caller.post(f"{BASE}/docs/search", {"query": "configure pipeline timeout", "limit": 1}
                           ).body["results"][0]
    wrong_type = "tutorial" if top["type"] != "tutorial" else "reference"
    docs_caller.post(f"{BASE}/docs/feedback", {"docUrl": top["url"], "docType": wrong_type, "helpful": True})

    analyst = Caller(docs_caller.tenant_id, {"analytics": analytics_handler})
    docs = {d["url"]: d for d in analyst.get(f"{BASE}/analytics/docs-effectiveness").body["docs"]}
    assert docs[top["url"]]["type"] == top["type"]


def test_links_to_one_article_with_a_fragment_or_a_query_count_for_that_article(docs_caller: Caller) -> None:
    from opsdesk.support.items import DocStatsItem

    for url in (DOC, f"{DOC}#step-2", f"{DOC}?utm_source=mail", f"{DOC}?a=1#b"):
        assert docs_caller.post(f"{BASE}/docs/feedback", feedback_body(docUrl=url)).status == 201

    tallies = list(DocStatsItem.query(f"T#{docs_caller.tenant_id}#DOCSTATS", DocStatsItem.sk.startswith("ALL#")))
    assert [(t.docUrl, int(t.feedback)) for t in tallies] == [(DOC, 4)]


@pytest.mark.parametrize("url", [
    "https://happycloud.com/docs/app-cicd/how-to/../../../../account/delete",
    "https://happycloud.com/docs/this-article-does-not-exist/click-here-for-free-credits",
    "https://happycloud.com/docs/app-cicd//how-to/configure-timeouts",
    "https://happycloud.com/docs/app-cicd/how-to/%63onfigure-timeouts",
    "https://happycloud.com/docs/app-cicd/blog/configure-timeouts",
])
def test_a_link_that_is_no_article_of_the_site_is_a_400_and_lists_nothing(docs_caller: Caller, url: str) -> None:
    # The tenant's docs dashboard must not list links of a user's choosing, nor read a row per made-up one
    reply = docs_caller.post(f"{BASE}/docs/feedback", feedback_body(docUrl=url))

    assert reply.status == 400
    assert [d["field"] for d in reply.body["error"]["details"]] == ["docUrl"]


def test_an_article_link_with_a_trailing_slash_counts_for_that_article(docs_caller: Caller) -> None:
    from opsdesk.support.items import DocStatsItem

    for url in (DOC, f"{DOC}/"):
        assert docs_caller.post(f"{BASE}/docs/feedback", feedback_body(docUrl=url)).status == 201

    tallies = list(DocStatsItem.query(f"T#{docs_caller.tenant_id}#DOCSTATS", DocStatsItem.sk.startswith("ALL#")))
    assert [(t.docUrl, int(t.feedback)) for t in tallies] == [(DOC, 2)]


def test_an_article_url_too_long_for_its_stats_key_is_a_400_not_a_500(docs_caller: Caller) -> None:
    long_url = f"{DOC}/{'a' * 1_100}"

    reply = docs_caller.post(f"{BASE}/docs/feedback", feedback_body(docUrl=long_url))

    assert reply.status == 400
    assert [d["field"] for d in reply.body["error"]["details"]] == ["docUrl"]
    assert "900 bytes" in reply.body["error"]["details"][0]["message"]
