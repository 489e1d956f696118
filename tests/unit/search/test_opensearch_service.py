"""Which SigV4 service the OpenSearch client signs for: `aoss` for a Serverless collection (what CDK deploys),
`es` for a domain; from OPENSEARCH_SERVICE, else from the endpoint's host."""

from __future__ import annotations

import boto3
import pytest
import requests

from opsdesk.search.opensearch import connect
from opsdesk.settings import SearchSettings, SettingsError

COLLECTION = "https://abc123def456.eu-west-1.aoss.amazonaws.com"
DOMAIN = "https://search-docs-abc.eu-west-1.es.amazonaws.com"


def _session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1")


def _signed_service(endpoint: str, service: str | None = None) -> str:
    auth = connect(endpoint, "eu-west-1", service, session=_session()).transport.get_connection().session.auth
    url = endpoint if "://" in endpoint else f"https://{endpoint}"
    signed = auth(requests.Request("GET", f"{url}/docs/_count").prepare())
    scope = signed.headers["Authorization"].split("Credential=", 1)[1].split(",", 1)[0]
    return str(scope.split("/")[3])


@pytest.mark.parametrize(
    ("endpoint", "service"),
    [
        (COLLECTION, "aoss"),
        ("abc123def456.us-east-1.aoss.amazonaws.com", "aoss"),
        ("https://abc123def456.us-east-1.aoss-fips.amazonaws.com", "aoss"),
        (DOMAIN, "es"),
        ("https://vpc-docs-abc.eu-west-1.es.amazonaws.com", "es"),
        ("http://localhost:9200", "es"),
    ],
)
def test_without_a_service_the_endpoint_host_decides(endpoint: str, service: str) -> None:
    assert _signed_service(endpoint) == service


def test_an_explicit_service_wins_over_the_host() -> None:
    assert _signed_service(DOMAIN, "aoss") == "aoss"
    assert _signed_service(COLLECTION, "es") == "es"


def test_settings_read_opensearch_service_and_refuse_other_names() -> None:
    base = {"AWS_REGION": "eu-west-1", "SEARCH_BACKEND": "opensearch", "OPENSEARCH_ENDPOINT": COLLECTION}

    assert SearchSettings.from_environment(base).opensearch_service is None
    assert SearchSettings.from_environment({**base, "OPENSEARCH_SERVICE": "aoss"}).opensearch_service == "aoss"
    with pytest.raises(SettingsError, match="OPENSEARCH_SERVICE"):
        SearchSettings.from_environment({**base, "OPENSEARCH_SERVICE": "opensearch"})


def test_the_support_backend_for_a_collection_signs_for_aoss_and_sends_no_shard_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opsdesk.search.opensearch import OpenSearchSearch
    from opsdesk.support.docs import search_backend

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    settings = SearchSettings.from_environment(
        {"AWS_REGION": "eu-west-1", "SEARCH_BACKEND": "opensearch", "OPENSEARCH_ENDPOINT": COLLECTION}
    )

    backend = search_backend(settings)

    assert isinstance(backend, OpenSearchSearch)
    assert "index" not in backend.index_definition()["settings"]
