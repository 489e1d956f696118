"""The local stack's snapshot (scripts/local/snapshot.py) upgrades what an older layout saved: a support
snapshot from before customers' counters had partitions of their own restores as the layout the code reads."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from opsdesk.support.counters import issue_moves, stats_pk
from opsdesk.support.records import EnvironmentRef, Issue, IssueStatus, Ref
from scripts.migrate_customer_counters import customer_counters_apart

ISSUE = Issue(
    id="i1", display_id="ISS-2026-0001", title="t", description="d", status=IssueStatus.OPEN,
    customer=Ref("c1", "Alpha"), environment=EnvironmentRef("e1", "qa", "qa"), primary_plane=Ref("p1", "CI"),
    secondary_planes=(), contexts=(), submitter_handle="h", pipeline_url=None,
    created_at="2026-03-01T10:00:00.000Z", updated_at="2026-03-01T10:00:00.000Z", created_by="u1",
)
ISSUES = [ISSUE, replace(ISSUE, id="i2", customer=Ref("c2", "Beta"), status=IssueStatus.RESOLVED,
                         resolved_at="2026-03-02T10:00:00.000Z"),
          replace(ISSUE, id="i3", created_at="2026-03-01T11:30:00.000Z")]


def counters_now() -> dict[tuple[str, str], Counter[str]]:
    store: dict[tuple[str, str], Counter[str]] = {}
    for issue in ISSUES:
        for key, deltas in issue_moves("t1", None, issue).items():
            store.setdefault(key, Counter()).update(deltas)
    return store


def as_items(store: dict[tuple[str, str], Counter[str]]) -> list[dict[str, Any]]:
    return [{"pk": {"S": pk}, "sk": {"S": sk}, **{name: {"N": str(n)} for name, n in counts.items()}}
            for (pk, sk), counts in store.items()]


def layout_1(store: dict[tuple[str, str], Counter[str]]) -> list[dict[str, Any]]:
    """The same counters as one partition held them: every customer's names on the tenant's items."""
    merged: dict[tuple[str, str], Counter[str]] = {}
    for (pk, sk), counts in store.items():
        merged.setdefault((stats_pk("t1") if pk.startswith(stats_pk("t1")) else pk, sk), Counter()).update(counts)
    return as_items(merged)


def keyed(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["pk"]["S"], item["sk"]["S"]): item for item in items}


def test_an_older_snapshots_support_counters_restore_as_the_partitions_the_code_reads() -> None:
    other = {"pk": {"S": "T#t1#I#i1"}, "sk": {"S": "ISSUE"}, "customer:note": {"S": "not a counter item"}}

    upgraded = customer_counters_apart([*layout_1(counters_now()), other])

    assert keyed(upgraded) == keyed([*as_items(counters_now()), other])


def test_a_spill_item_of_a_counter_moves_with_its_names() -> None:
    spill = {"pk": {"S": "T#t1#STATS"}, "sk": {"S": "ALL#SPILL#03"}, "all": {"N": "1"}, "customer:c9": {"N": "1"},
             "customer:c9&status:open": {"N": "1"}}

    upgraded = keyed(customer_counters_apart([spill]))

    assert upgraded[("T#t1#STATS", "ALL#SPILL#03")] == {"pk": spill["pk"], "sk": spill["sk"], "all": {"N": "1"}}
    assert set(upgraded[("T#t1#STATS#C#c9", "ALL#SPILL#03")]) == {"pk", "sk", "customer:c9",
                                                                   "customer:c9&status:open"}


def test_an_older_snapshots_cloudwatch_routes_restore_with_the_account_holds_the_code_reads() -> None:
    from scripts.migrate_account_claims import account_holds

    def route(account: str, tenant: str, integration: str) -> dict[str, Any]:
        return {"pk": {"S": f"AROUTE#cloudwatch#{account}#eu-west-1"}, "sk": {"S": f"{tenant}#p#{integration}"},
                "tenantId": {"S": tenant}, "integrationId": {"S": integration}}

    webhook = {"pk": {"S": "AROUTE#webhook#i9"}, "sk": {"S": "t1#p#i9"}, "tenantId": {"S": "t1"},
               "integrationId": {"S": "i9"}}
    holds, disputed = account_holds([route("111", "t1", "i1"), route("111", "t1", "i2"), route("222", "t1", "i3"),
                                     route("222", "t2", "i4"), webhook])

    assert holds == [{"pk": {"S": "ACLAIM#111"}, "sk": {"S": "CLAIM"}, "tenantId": {"S": "t1"},
                      "integrations": {"SS": ["i1", "i2"]}}]
    assert disputed == ["222"]  # two tenants route it: the operator decides
    # A snapshot saved since holds existed keeps its own; the platform's account is held by none
    held_since = {"pk": {"S": "ACLAIM#111"}, "sk": {"S": "CLAIM"}, "tenantId": {"S": "t1"},
                  "integrations": {"SS": ["i1"]}}
    assert account_holds([route("111", "t1", "i1"), held_since]) == ([], [])
    assert account_holds([route("333", "t1", "i5")], frozenset({"333"})) == ([], ["333"])


def test_an_older_snapshots_unproven_cloudwatch_routes_restore_routing_nothing_and_holding_nothing() -> None:
    from scripts.migrate_account_proofs import without_unproven

    def integration(project: str, integration_id: str, verified: str | None, account: str = "111",
                    region: str = "eu-west-1") -> dict[str, Any]:
        data = {"id": integration_id, "type": "cloudwatch", "enabled": True,
                "config": {"account_id": account, "region": region}}
        if verified:  # an integration stored before proofs has no such key
            data["verified_account"] = verified
        return {"pk": {"S": f"T#t1#P#{project}"}, "sk": {"S": f"INTEG#{integration_id}"},
                "data": {"S": json.dumps(data)}}

    def route(account: str, project: str, integration_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"AROUTE#cloudwatch#{account}#eu-west-1"}, "sk": {"S": f"t1#{project}#{integration_id}"},
                "tenantId": {"S": "t1"}, "projectId": {"S": project}, "integrationId": {"S": integration_id}}

    def hold(account: str, *integrations: str) -> dict[str, Any]:
        return {"pk": {"S": f"ACLAIM#{account}"}, "sk": {"S": "CLAIM"}, "tenantId": {"S": "t1"},
                "integrations": {"SS": list(integrations)}}

    # Given account 111 routed by a proven and an unproven integration, 222 by one proven for another account, 333
    # by an integration gone, 444 by one proven there but in another region since, and a webhook route
    webhook = {"pk": {"S": "AROUTE#webhook#i1"}, "sk": {"S": "t1#p#i1"}, "tenantId": {"S": "t1"},
               "projectId": {"S": "p"}, "integrationId": {"S": "i1"}}
    kept = [integration("p", "i1", "111"), integration("p", "i2", None), integration("p", "i3", "999", "999"),
            integration("p", "i5", "444", "444", "us-east-1"), webhook, route("111", "p", "i1")]
    upgraded = without_unproven([*kept, route("111", "p", "i2"), route("222", "p", "i3"), route("333", "p", "i4"),
                                 route("444", "p", "i5"), hold("111", "i1", "i2"), hold("222", "i3"),
                                 hold("333", "i4"), hold("444", "i5")])

    assert upgraded == [*kept, hold("111", "i1"), {k: v for k, v in hold("222").items() if k != "integrations"},
                        {k: v for k, v in hold("333").items() if k != "integrations"}, hold("444", "i5")]
