from __future__ import annotations

from typing import Any

from tests.integration.events import Caller

BASE = "/support/api"


def test_customers_are_listed_by_name_with_documented_fields(caller: Caller) -> None:
    reply = caller.get(f"{BASE}/customers")

    assert reply.status == 200
    names = [c["name"] for c in reply.body["customers"]]
    assert names == ["Customer Alpha", "Customer Beta", "Customer Gamma"]
    assert set(reply.body["customers"][0]) == {"id", "name", "createdAt"}


def test_environments_of_a_customer_are_listed_with_their_type(caller: Caller, tenant: dict[str, Any]) -> None:
    reply = caller.get(f"{BASE}/customers/{tenant['alpha']}/environments")

    assert reply.status == 200
    environments = reply.body["environments"]
    assert [e["name"] for e in environments] == ["alpha-prod-01", "alpha-qa-01", "alpha-staging-01"]
    assert {e["type"] for e in environments} == {"qa", "staging", "prod"}
    assert set(environments[0]) == {"id", "name", "type", "createdAt"}


def test_environments_of_another_tenants_customer_are_not_found(outsider: Caller, tenant: dict[str, Any]) -> None:
    reply = outsider.get(f"{BASE}/customers/{tenant['alpha']}/environments")

    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND"


def test_environments_of_a_malformed_customer_id_are_not_found(caller: Caller) -> None:
    assert caller.get(f"{BASE}/customers/not-a-uuid/environments").status == 404


def test_planes_carry_their_contexts_and_options(caller: Caller) -> None:
    reply = caller.get(f"{BASE}/planes")

    assert reply.status == 200
    cicd = next(p for p in reply.body["planes"] if p["slug"] == "app-cicd")
    assert cicd["name"] == "App CI/CD"
    stage = next(c for c in cicd["contexts"] if c["key"] == "pipeline_stage")
    assert stage["fieldType"] == "single_select"
    assert stage["isRequired"] is True
    assert {"value": "build", "label": "Build/Compile"} in stage["options"]
    assert set(stage) == {"id", "key", "label", "fieldType", "isRequired", "options"}


def test_another_tenant_sees_none_of_this_tenants_catalog(outsider: Caller, tenant: dict[str, Any]) -> None:
    assert outsider.get(f"{BASE}/customers").body == {"customers": []}
    assert outsider.get(f"{BASE}/planes").body == {"planes": []}


def test_a_request_without_verified_claims_is_unauthorized(caller: Caller) -> None:
    reply = caller.call("GET", f"{BASE}/customers", anonymous=True)

    assert reply.status == 401
    assert reply.body["error"]["code"] == "UNAUTHORIZED"


def test_an_unknown_route_is_not_found_in_the_support_envelope(caller: Caller) -> None:
    reply = caller.get(f"{BASE}/customers/x/y/z")

    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND"


def test_repository_indexes_are_the_shared_table_definitions(local_aws: Any) -> None:
    from opsdesk.support import items
    from opsdesk.tables import SUPPORT_TABLE

    model_indexes = {
        index.Meta.index_name: tuple(
            next(a.attr_name for a in index.Meta.attributes.values() if getattr(a, role))
            for role in ("is_hash_key", "is_range_key")
        )
        for index in items.IssueItem._indexes.values()
    }

    assert model_indexes == {i.name: (i.partition_key, i.sort_key) for i in SUPPORT_TABLE.indexes}
    assert items.SupportItem._hash_key_attribute().attr_name == SUPPORT_TABLE.partition_key
    assert items.SupportItem._range_key_attribute().attr_name == SUPPORT_TABLE.sort_key


def test_an_allowed_origin_gets_cors_headers_and_another_gets_none(catalog_handler: Any,
                                                                   tenant: dict[str, Any]) -> None:
    from scripts.local.gateway import LambdaContext
    from tests.integration.events import claims, rest_event

    def origin_header(origin: str) -> str | None:
        event = rest_event("GET", f"{BASE}/customers", claims=claims(tenant["id"]))
        event["headers"]["origin"] = origin
        event["multiValueHeaders"]["origin"] = [origin]
        result = catalog_handler.lambda_handler(event, LambdaContext("test", "us-east-1"))
        headers = {k.lower(): v for k, v in (result.get("multiValueHeaders") or {}).items()}
        return (headers.get("access-control-allow-origin") or [None])[0]

    assert origin_header("http://localhost:3001") == "http://localhost:3001"
    assert origin_header("https://evil.example") is None


def test_a_token_of_another_app_client_of_the_pool_is_unauthorized(caller: Caller) -> None:
    # API Gateway's Cognito authorizer accepts any client of the pool; the function checks the audience.
    caller.claims = {**caller.claims, "aud": "another-app-client"}

    reply = caller.get(f"{BASE}/customers")

    assert reply.status == 401
    assert reply.body["error"]["code"] == "UNAUTHORIZED"
