"""The OpenSearch adapter at its boundary: the exact request bodies it sends, and how it reads a response of
the shape OpenSearch returns. No server and no network: a fake client records the calls."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
import requests
from opensearchpy import OpenSearch, RequestsHttpConnection
from opensearchpy.exceptions import RequestError
from opensearchpy.helpers import BulkIndexError
from opensearchpy.serializer import JSONSerializer
from requests_aws4auth import AWS4Auth

from opsdesk.search.backend import SearchBackend
from opsdesk.search.opensearch import OpenSearchSearch, connect, document_id, index_definition
from opsdesk.search.synonyms import MATCH_STOP_WORDS, domain_synonyms
from tests.unit.search.corpus import CANARY, PLANE_NAMES, TIMEOUTS

INDEX = "docs-v1"
BULK_OPERATIONS = ("index", "create", "update", "delete")

# A _search response as OpenSearch 2.x returns it for search_body(...), trimmed to two hits.
RECORDED_RESPONSE: dict[str, Any] = {
    "took": 3,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "max_score": 7.5,
        "hits": [
            {
                "_index": INDEX,
                "_id": document_id(TIMEOUTS.url),
                "_score": 7.5,
                "_source": {
                    "url": TIMEOUTS.url,
                    "title": TIMEOUTS.title,
                    "type": "how-to",
                    "plane_slug": "app-cicd",
                    "plane_name": "App CI/CD",
                },
                "highlight": {
                    "body": ["Set <em>timeout</em>_minutes for the stage. Runs that exceed the limit are cancelled."]
                },
            },
            {
                "_index": INDEX,
                "_id": document_id(CANARY.url),
                "_score": 3.0,
                "_source": {
                    "url": CANARY.url,
                    "title": CANARY.title,
                    "type": "tutorial",
                    "plane_slug": "app-cicd",
                    "plane_name": "App CI/CD",
                },
                "highlight": {"body": ["Send a small share of traffic to the new\n version first"]},
            },
        ],
    },
}


class FakeIndices:
    def __init__(self, exists: bool = False, create_error: Exception | None = None) -> None:
        self.exists_result = exists
        self.create_error = create_error
        self.created: list[tuple[str, dict[str, Any]]] = []

    def exists(self, *, index: str) -> bool:
        return self.exists_result

    def create(self, *, index: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.create_error is not None:
            raise self.create_error
        self.created.append((index, body))
        self.exists_result = True
        return {"acknowledged": True, "shards_acknowledged": True, "index": index}


class FakeOpenSearch:
    """Records requests; answers bulk items with ``item_status`` (per _id, default 200/201), and searches with
    ``search_response`` or, while ``search_errors`` holds some, by raising the first of them."""

    def __init__(self, search_response: dict[str, Any] | None = None) -> None:
        self.transport = SimpleNamespace(serializer=JSONSerializer())
        self.indices = FakeIndices()
        self.search_response = search_response or RECORDED_RESPONSE
        self.search_errors: list[Exception] = []
        self.searches: list[tuple[str, dict[str, Any]]] = []
        self.bulks: list[tuple[list[dict[str, Any]], dict[str, Any]]] = []
        self.item_status: dict[str, int] = {}

    def search(self, *, index: str, body: dict[str, Any]) -> dict[str, Any]:
        self.searches.append((index, body))
        if self.search_errors:
            raise self.search_errors.pop(0)
        return self.search_response

    def bulk(self, *, body: str, **params: Any) -> dict[str, Any]:
        lines = [json.loads(line) for line in body.splitlines()]
        self.bulks.append((lines, params))
        items = []
        for line in lines:
            (operation,) = line if len(line) == 1 and next(iter(line)) in BULK_OPERATIONS else (None,)
            if operation is None:
                continue
            meta = line[operation]
            status = self.item_status.get(meta["_id"], 200 if operation == "delete" else 201)
            items.append({operation: {"_index": meta["_index"], "_id": meta["_id"], "status": status}})
        errors = any(not 200 <= status < 300 for item in items for status in [next(iter(item.values()))["status"]])
        return {"took": 1, "errors": errors, "items": items}

    def count(self, *, index: str) -> dict[str, Any]:
        return {"count": 42, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}


@pytest.fixture
def client() -> FakeOpenSearch:
    return FakeOpenSearch()


@pytest.fixture
def search(client: FakeOpenSearch) -> OpenSearchSearch:
    return OpenSearchSearch(client, INDEX)  # type: ignore[arg-type]


def test_it_is_a_search_backend(search: OpenSearchSearch) -> None:
    assert isinstance(search, SearchBackend)


def test_search_sends_a_filtered_multi_match_with_a_body_highlight(
    search: OpenSearchSearch, client: FakeOpenSearch
) -> None:
    search.search("pipeline timeout deployment", "app-cicd", 5)

    assert client.searches == [
        (
            INDEX,
            {
                "size": 5,
                "track_total_hits": False,
                "_source": ["url", "title", "type", "plane_slug", "plane_name"],
                "query": {
                    "bool": {
                        "should": [
                            {
                                "multi_match": {
                                    "query": "pipeline timeout deployment",
                                    "type": "best_fields",
                                    "fields": ["title^3", "body"],
                                }
                            },
                            {
                                "multi_match": {
                                    "query": "pipeline timeout deployment",
                                    "type": "best_fields",
                                    "fields": ["title^3", "body"],
                                    "analyzer": "docs_search_synonyms",
                                }
                            },
                        ],
                        "minimum_should_match": 1,
                        "filter": [{"term": {"plane_slug": "app-cicd"}}],
                    }
                },
                "highlight": {
                    "pre_tags": ["<em>"],
                    "post_tags": ["</em>"],
                    "fields": {"body": {"fragment_size": 160, "number_of_fragments": 1, "no_match_size": 160}},
                },
            },
        )
    ]


# OpenSearch 2.x's answer to a multi_match naming an analyzer the index does not define.
MISSING_ANALYZER = RequestError(400, "search_phase_execution_exception", {
    "error": {"root_cause": [{"type": "query_shard_exception",
                              "reason": "[multi_match] analyzer [docs_search_synonyms] not found", "index": INDEX}],
              "type": "search_phase_execution_exception", "reason": "all shards failed", "phase": "query"},
    "status": 400})


def test_an_index_created_before_synonyms_is_searched_without_them_from_then_on(
    search: OpenSearchSearch, client: FakeOpenSearch
) -> None:
    client.search_errors.append(MISSING_ANALYZER)

    first = search.search("timeout", None, 5)
    search.search("canary", None, 5)

    assert [hit.url for hit in first] == [TIMEOUTS.url, CANARY.url]
    clauses = [len(body["query"]["bool"]["should"]) for _, body in client.searches]
    assert clauses == [2, 1, 1]
    assert "analyzer" not in json.dumps(client.searches[1][1])


def test_other_search_errors_are_not_hidden(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    client.search_errors.append(RequestError(400, "parsing_exception", {"error": {"reason": "bad query"}}))

    with pytest.raises(RequestError):
        search.search("timeout", None, 5)
    assert len(client.searches) == 1


def test_without_a_plane_there_is_no_filter(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    search.search("timeout", None, 3)

    (_, body) = client.searches[0]
    assert body["query"]["bool"]["filter"] == []
    assert body["size"] == 3


def test_user_text_goes_into_multi_match_only_its_words_in_the_literal_clause_and_as_typed_in_the_synonym_one(
        search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    query = 'title:canary AND "x" OR NEAR( * - :'
    search.search(query, None, 5)

    (_, body) = client.searches[0]
    assert [clause["multi_match"]["query"] for clause in body["query"]["bool"]["should"]] == [
        "title canary x near", query]
    assert "query_string" not in json.dumps(body)


def test_stop_words_are_not_searched_for_beside_a_word_no_article_holds(search: OpenSearchSearch,
                                                                         client: FakeOpenSearch) -> None:
    search.search("the zookeeper", None, 5)

    (_, body) = client.searches[0]
    assert body["query"]["bool"]["should"][0]["multi_match"]["query"] == "zookeeper"


@pytest.mark.parametrize(("query", "limit"), [("", 5), ("  ", 5), ('"*:-()', 5), ("timeout", 0),
                                              ("the and of a", 5)])
def test_nothing_to_search_sends_nothing(
    search: OpenSearchSearch, client: FakeOpenSearch, query: str, limit: int
) -> None:
    assert search.search(query, None, limit) == []
    assert client.searches == []


def test_hits_map_to_results_relative_to_the_best_score(search: OpenSearchSearch) -> None:
    hits = search.search("timeout", "app-cicd", 5)

    assert [hit.as_result(digits=3) for hit in hits] == [
        {
            "title": TIMEOUTS.title,
            "type": "how-to",
            "excerpt": "Set timeout_minutes for the stage. Runs that exceed the limit are cancelled.",
            "url": TIMEOUTS.url,
            "relevance": 1.0,
            "plane": "App CI/CD",
        },
        {
            "title": CANARY.title,
            "type": "tutorial",
            "excerpt": "Send a small share of traffic to the new version first",
            "url": CANARY.url,
            "relevance": 0.4,
            "plane": "App CI/CD",
        },
    ]


def test_missing_highlight_max_score_and_plane_name_are_tolerated() -> None:
    response = {
        "hits": {
            "max_score": None,
            "hits": [
                {"_score": 2.0, "_source": {"url": "u1", "title": "A", "type": "reference", "plane_slug": "data"}},
                {"_score": 0.5, "_source": {"url": "u2", "title": "B", "type": "reference", "plane_slug": "data"}},
            ],
        }
    }
    search = OpenSearchSearch(FakeOpenSearch(response), INDEX)  # type: ignore[arg-type]

    hits = search.search("anything", None, 5)

    assert [(hit.excerpt, hit.relevance, hit.plane) for hit in hits] == [("", 1.0, "data"), ("", 0.25, "data")]


def test_a_planes_articles_are_a_filtered_search_sorted_by_url_with_no_relevance(client: FakeOpenSearch) -> None:
    client.search_response = {"hits": {"max_score": None, "hits": [
        {"_score": None, "_source": {"url": "u1", "title": "A", "type": "reference", "plane_slug": "data",
                                     "plane_name": "Data Platform"}}]}}
    search = OpenSearchSearch(client, INDEX)  # type: ignore[arg-type]

    hits = search.in_plane("data", 3)

    ((_, body),) = client.searches
    assert body["query"] == {"bool": {"filter": [{"term": {"plane_slug": "data"}}]}}
    assert (body["size"], body["sort"]) == (3, [{"url": "asc"}])
    assert [(h.url, h.relevance, h.excerpt, h.plane) for h in hits] == [("u1", 0.0, "", "Data Platform")]


def test_no_hits_is_an_empty_list() -> None:
    search = OpenSearchSearch(FakeOpenSearch({"hits": {"max_score": None, "hits": []}}), INDEX)  # type: ignore[arg-type]

    assert search.search("nothing matches", None, 5) == []


def test_index_sends_bulk_index_actions_keyed_by_url_hash(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    search.index([TIMEOUTS, CANARY])

    ((lines, params),) = client.bulks
    assert params == {}
    assert lines[0] == {"index": {"_index": INDEX, "_id": document_id(TIMEOUTS.url)}}
    assert lines[1] == {
        "url": TIMEOUTS.url,
        "title": TIMEOUTS.title,
        "type": "how-to",
        "plane_slug": "app-cicd",
        "plane_name": PLANE_NAMES["app-cicd"],
        "body": "Steps Open pipeline.yaml. Set timeout_minutes for the stage. Runs that exceed the limit are "
        "cancelled. Use a canary stage to try a shorter value first.",
    }
    assert lines[2] == {"index": {"_index": INDEX, "_id": document_id(CANARY.url)}}
    assert len(lines) == 4
    assert len(document_id(TIMEOUTS.url)) == 64


def test_refresh_is_passed_to_bulk_when_asked(client: FakeOpenSearch) -> None:
    OpenSearchSearch(client, INDEX, refresh="wait_for").index([CANARY])  # type: ignore[arg-type]

    assert client.bulks[0][1] == {"refresh": "wait_for"}


def test_a_rejected_document_raises(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    client.item_status[document_id(CANARY.url)] = 400

    with pytest.raises(BulkIndexError):
        search.index([TIMEOUTS, CANARY])


def test_remove_sends_bulk_deletes_and_ignores_missing_documents(
    search: OpenSearchSearch, client: FakeOpenSearch
) -> None:
    client.item_status[document_id("https://happycloud.com/docs/gone")] = 404

    search.remove([CANARY.url, "https://happycloud.com/docs/gone"])

    ((lines, _),) = client.bulks
    assert lines == [
        {"delete": {"_index": INDEX, "_id": document_id(CANARY.url)}},
        {"delete": {"_index": INDEX, "_id": document_id("https://happycloud.com/docs/gone")}},
    ]


def test_count_reads_the_count_api(search: OpenSearchSearch) -> None:
    assert search.count() == 42


def test_the_first_write_creates_a_missing_index_with_its_analyzers_before_the_bulk(
    search: OpenSearchSearch, client: FakeOpenSearch
) -> None:
    search.index([TIMEOUTS])
    search.index([CANARY])

    assert client.indices.created == [(INDEX, index_definition())]
    assert len(client.bulks) == 2


def test_a_serverless_index_leaves_shard_placement_to_the_collection(client: FakeOpenSearch) -> None:
    OpenSearchSearch(client, INDEX, serverless=True).index([CANARY])  # type: ignore[arg-type]

    ((_, body),) = client.indices.created
    assert "index" not in body["settings"]
    assert body["settings"]["analysis"] == index_definition()["settings"]["analysis"]


def test_ensure_index_creates_the_index_once(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    assert search.ensure_index() is True
    assert client.indices.created == [(INDEX, index_definition())]

    client.indices.exists_result = True
    assert search.ensure_index() is False
    assert len(client.indices.created) == 1


def test_ensure_index_tolerates_a_concurrent_creation(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    client.indices.create_error = RequestError(400, "resource_already_exists_exception", {})

    assert search.ensure_index() is False


def test_ensure_index_raises_other_errors(search: OpenSearchSearch, client: FakeOpenSearch) -> None:
    client.indices.create_error = RequestError(400, "mapper_parsing_exception", {})

    with pytest.raises(RequestError):
        search.ensure_index()


def test_the_index_definition_analyses_technical_text() -> None:
    definition = index_definition()
    analysis = definition["settings"]["analysis"]
    properties = definition["mappings"]["properties"]

    assert analysis["filter"]["docs_word_delimiter"] == {
        "type": "word_delimiter_graph",
        "preserve_original": True,
        "split_on_numerics": False,
    }
    assert analysis["analyzer"]["docs_index"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": [
            "docs_word_delimiter",
            "flatten_graph",
            "lowercase",
            "docs_possessive_english",
            "docs_english_stemmer",
        ],
    }
    assert analysis["analyzer"]["docs_search"]["filter"] == [
        "docs_word_delimiter",
        "lowercase",
        "docs_possessive_english",
        "docs_english_stemmer",
    ]
    assert analysis["filter"]["docs_possessive_english"] == {"type": "stemmer", "language": "possessive_english"}
    assert analysis["filter"]["docs_english_stemmer"] == {"type": "stemmer", "language": "english"}
    assert {name: spec["type"] for name, spec in properties.items()} == {
        "url": "keyword",
        "title": "text",
        "type": "keyword",
        "plane_slug": "keyword",
        "plane_name": "keyword",
        "body": "text",
    }
    assert properties["title"]["analyzer"] == properties["body"]["analyzer"] == "docs_index"
    assert properties["title"]["search_analyzer"] == "docs_search"
    assert definition["mappings"]["dynamic"] == "strict"


def test_the_synonym_analyzer_is_built_from_the_same_list_the_sqlite_backend_uses() -> None:
    definition = index_definition()
    analysis = definition["settings"]["analysis"]
    synonyms = domain_synonyms()

    # lowercase, drop the fillers the rules are matched without, stem as the index does, then the synonyms
    assert analysis["analyzer"]["docs_search_synonyms"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "docs_synonym_stop", "docs_possessive_english", "docs_english_stemmer",
                   "docs_synonyms"],
    }
    assert analysis["filter"]["docs_synonym_stop"] == {"type": "stop", "stopwords": sorted(MATCH_STOP_WORDS)}
    assert analysis["filter"]["docs_synonyms"] == {"type": "synonym_graph", "synonyms": synonyms.solr_rules()}
    assert "old version back => rollback, roll back, previous release" in synonyms.solr_rules()
    # No analyzer of the mapping uses it: synonym graphs are for search time only
    properties = definition["mappings"]["properties"]
    assert {spec.get("search_analyzer") for spec in properties.values()} == {None, "docs_search"}
    # The index names the list it was built with
    assert definition["mappings"]["_meta"] == {"synonyms": synonyms.version}


def test_no_synonym_rule_holds_a_word_the_stop_filter_removes() -> None:
    # A stop word inside a rule would leave a position gap that OpenSearch refuses to parse into a synonym map.
    rules = domain_synonyms().solr_rules()

    assert all(word not in MATCH_STOP_WORDS for rule in rules for word in rule.replace(",", " ").split()
               if word != "=>")


def fake_session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY",
        region_name="eu-west-1",
    )


def test_connect_builds_a_sigv4_signed_requests_client() -> None:
    client = connect("https://search-docs-abc.eu-west-1.es.amazonaws.com", "eu-west-1", session=fake_session())

    assert isinstance(client, OpenSearch)
    connection = client.transport.get_connection()
    assert isinstance(connection, RequestsHttpConnection)
    assert connection.host == "https://search-docs-abc.eu-west-1.es.amazonaws.com:443"
    auth = connection.session.auth
    assert isinstance(auth, AWS4Auth)
    assert (auth.region, auth.service) == ("eu-west-1", "es")


def test_the_client_signs_requests_with_the_session_credentials() -> None:
    client = connect("search-docs-abc.eu-west-1.es.amazonaws.com", "eu-west-1", "aoss", session=fake_session())
    auth = client.transport.get_connection().session.auth

    request = requests.Request("GET", "https://search-docs-abc.eu-west-1.es.amazonaws.com/docs-v1/_count").prepare()
    signed = auth(request)

    assert signed.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/aoss/aws4_request" in signed.headers["Authorization"]
    assert "x-amz-date" in {name.lower() for name in signed.headers}


def test_connect_to_a_plain_http_endpoint_keeps_its_port() -> None:
    client = connect("http://localhost:9200", "eu-west-1", session=fake_session())

    assert client.transport.get_connection().host == "http://localhost:9200"


def test_connect_without_credentials_fails_clearly() -> None:
    no_credentials = SimpleNamespace(get_credentials=lambda: None)

    with pytest.raises(RuntimeError, match="no AWS credentials"):
        connect("search-docs.eu-west-1.es.amazonaws.com", "eu-west-1", session=no_credentials)  # type: ignore[arg-type]


def test_connect_rejects_an_endpoint_without_a_host() -> None:
    with pytest.raises(ValueError, match="not an OpenSearch endpoint"):
        connect("https://", "eu-west-1", session=fake_session())


def test_urls_lists_every_article_in_one_search(client: FakeOpenSearch, search: OpenSearchSearch) -> None:
    client.search_response = {"hits": {"total": {"value": 2, "relation": "eq"}, "max_score": 1.0, "hits": [
        {"_id": document_id(TIMEOUTS.url), "_source": {"url": TIMEOUTS.url}},
        {"_id": document_id(CANARY.url), "_source": {"url": CANARY.url}},
    ]}}

    assert search.urls() == {TIMEOUTS.url, CANARY.url}
    ((index, body),) = client.searches
    assert (index, body["query"], body["_source"], body["size"]) == (INDEX, {"match_all": {}}, ["url"], 10_000)


def test_urls_refuses_an_index_larger_than_one_listing(client: FakeOpenSearch, search: OpenSearchSearch) -> None:
    client.search_response = {"hits": {"total": {"value": 10_001, "relation": "eq"}, "max_score": 1.0, "hits": []}}

    with pytest.raises(RuntimeError, match="more than 10000"):
        search.urls()
