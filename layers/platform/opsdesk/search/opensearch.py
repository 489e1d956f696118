"""Production documentation search on Amazon OpenSearch Service (opensearch-py, SigV4-signed requests).

Tested at its boundary with recorded request and response bodies: there is no OpenSearch server to run here.
Imports opensearch-py, boto3 and requests-aws4auth, so import this module only where OpenSearch serves.

Analysis (``index_definition``): the standard tokenizer, then ``word_delimiter_graph`` keeping the original
token (``timeout_minutes`` is indexed as itself and as ``timeout``/``minutes``; ``PipelineTimeout`` as
``pipeline``/``timeout``; letter/digit runs such as ``k8s``, ``s3``, ``ec2`` are not split), lowercase, the
English possessive stemmer and the English stemmer. The word-delimiter graph is flattened in the index
analyzer (indexing cannot store token graphs) and kept as a graph in the search analyzer. ``title`` is
boosted 3x at query time (``title^3``), the same weight the SQLite backend gives it.

Synonyms (``opsdesk.search.synonyms``, the data file the SQLite backend expands queries with): a second,
search-time-only analyzer ``docs_search_synonyms`` runs lowercase, a stop filter of the filler words the rules
are matched without, the same stemmers, then a ``synonym_graph`` filter built from the file. A search sends two
``multi_match`` clauses, either may match: the query as typed (``docs_search``) and the query through the
synonym analyzer (the documentation's words for what was said), as the SQLite backend ORs its two clauses. The
synonym filter cannot follow ``word_delimiter_graph`` (OpenSearch refuses to parse synonyms through a graph
filter), which is why it lives in its own analyzer. Analyzers are fixed when the index is created: the mapping's
``_meta.synonyms`` names the list it was built with, and a changed list reaches OpenSearch when the index is
re-created (a new ``opensearch_index`` name, then a full re-index). An index created before synonyms existed has
no such analyzer: the adapter then searches with the first clause only and logs it once.

User text only ever goes into ``multi_match.query``, which is analysed as text, never parsed as query syntax.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

import boto3
from opensearchpy import OpenSearch, RequestsHttpConnection, helpers
from opensearchpy.exceptions import RequestError
from requests_aws4auth import AWS4Auth  # type: ignore[import-untyped]

from opsdesk.search.markdown import plain_articles
from opsdesk.search.model import DocArticle, SearchHit, searchable_words
from opsdesk.search.synonyms import MATCH_STOP_WORDS, domain_synonyms

LOG = logging.getLogger(__name__)

TITLE_BOOST = 3
SYNONYM_ANALYZER = "docs_search_synonyms"
HIGHLIGHT_FRAGMENT_SIZE = 160
HIGHLIGHT_PRE_TAG = "<em>"
HIGHLIGHT_POST_TAG = "</em>"
SOURCE_FIELDS = ("url", "title", "type", "plane_slug", "plane_name")

_HIGHLIGHT_TAGS = re.compile(re.escape(HIGHLIGHT_PRE_TAG) + "|" + re.escape(HIGHLIGHT_POST_TAG))
_SPACES = re.compile(r"\s+")

Refresh = bool | Literal["wait_for"]
MAX_LISTED_ARTICLES = 10_000


def index_definition(*, serverless: bool = False) -> dict[str, Any]:
    """Settings and mappings of the documentation index (the body of ``PUT /<index>``). A Serverless collection
    places shards itself and refuses shard settings, so ``serverless`` leaves them out."""
    common_filters = ["docs_word_delimiter"]
    language_filters = ["lowercase", "docs_possessive_english", "docs_english_stemmer"]
    shards = {} if serverless else {"index": {"number_of_shards": 1}}
    synonyms = domain_synonyms()
    return {
        "settings": {
            **shards,
            "analysis": {
                "filter": {
                    "docs_word_delimiter": {
                        "type": "word_delimiter_graph",
                        "preserve_original": True,
                        "split_on_numerics": False,
                    },
                    "docs_possessive_english": {"type": "stemmer", "language": "possessive_english"},
                    "docs_english_stemmer": {"type": "stemmer", "language": "english"},
                    "docs_synonym_stop": {"type": "stop", "stopwords": sorted(MATCH_STOP_WORDS)},
                    "docs_synonyms": {"type": "synonym_graph", "synonyms": synonyms.solr_rules()},
                },
                "analyzer": {
                    "docs_index": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": [*common_filters, "flatten_graph", *language_filters],
                    },
                    "docs_search": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": [*common_filters, *language_filters],
                    },
                    # Search time only (synonym_graph makes graphs the index cannot store). The rules are parsed
                    # through the filters before docs_synonyms, so they match stemmed content words.
                    SYNONYM_ANALYZER: {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": [
                            "lowercase",
                            "docs_synonym_stop",
                            "docs_possessive_english",
                            "docs_english_stemmer",
                            "docs_synonyms",
                        ],
                    },
                },
            },
        },
        "mappings": {
            "_meta": {"synonyms": synonyms.version},
            "dynamic": "strict",
            "properties": {
                "url": {"type": "keyword"},
                "title": {"type": "text", "analyzer": "docs_index", "search_analyzer": "docs_search"},
                "type": {"type": "keyword"},
                "plane_slug": {"type": "keyword"},
                "plane_name": {"type": "keyword", "index": False},
                "body": {"type": "text", "analyzer": "docs_index", "search_analyzer": "docs_search"},
            },
        },
    }


def document_id(url: str) -> str:
    """The ``_id`` of an article: SHA-256 of its url (ids are capped at 512 bytes; urls are not)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def search_body(query: str, plane_slug: str | None, limit: int, *, synonyms: bool = True) -> dict[str, Any]:
    """The body of ``POST /<index>/_search`` for one documentation query: its searchable words (stop words dropped,
    as the embedded engine drops them), and (``synonyms``) the query as typed through the synonym analyzer, which
    drops its own filler words; an article matching either is a hit, one matching both scores both."""
    filters = [] if plane_slug is None else [{"term": {"plane_slug": plane_slug}}]
    fields = [f"title^{TITLE_BOOST}", "body"]
    # The literal clause's analyzer keeps stop words: sent as typed, "the zookeeper" would rank articles by "the".
    literal = " ".join(searchable_words(query))
    clauses: list[dict[str, Any]] = [{"multi_match": {"query": literal, "type": "best_fields", "fields": fields}}]
    if synonyms:
        clauses.append(
            {"multi_match": {"query": query, "type": "best_fields", "fields": fields, "analyzer": SYNONYM_ANALYZER}}
        )
    return {
        "size": limit,
        "track_total_hits": False,
        "_source": list(SOURCE_FIELDS),
        "query": {"bool": {"should": clauses, "minimum_should_match": 1, "filter": filters}},
        "highlight": {
            "pre_tags": [HIGHLIGHT_PRE_TAG],
            "post_tags": [HIGHLIGHT_POST_TAG],
            "fields": {
                "body": {
                    "fragment_size": HIGHLIGHT_FRAGMENT_SIZE,
                    "number_of_fragments": 1,
                    # A title-only match still gets the opening of the body as its excerpt.
                    "no_match_size": HIGHLIGHT_FRAGMENT_SIZE,
                }
            },
        },
    }


def plain_excerpt(fragments: Iterable[str]) -> str:
    """Highlight fragments as plain text: tags removed, whitespace collapsed."""
    return _SPACES.sub(" ", _HIGHLIGHT_TAGS.sub("", " ".join(fragments))).strip()


def hits_from_response(response: Mapping[str, Any]) -> list[SearchHit]:
    """Map a ``_search`` response to hits; ``relevance = _score / max_score``.

    BM25 scores are not comparable across queries (they scale with the IDF of the query's terms and the
    index's statistics), so the relevance is relative within one query: the best hit is 1.0 and the others
    are fractions of it. The SQLite backend instead divides by an upper bound of the score for the query,
    which keeps its values comparable across queries; the two agree on order, not on magnitude.
    """
    hits = response.get("hits", {})
    raw_hits: list[Mapping[str, Any]] = hits.get("hits", [])
    scores = [float(hit.get("_score") or 0.0) for hit in raw_hits]
    max_score = float(hits.get("max_score") or max(scores, default=0.0))
    results: list[SearchHit] = []
    for hit, score in zip(raw_hits, scores, strict=True):
        source = hit["_source"]
        relevance = min(max(score / max_score, 0.0), 1.0) if max_score > 0 else 0.0
        results.append(
            SearchHit(
                title=source["title"],
                type=source["type"],
                excerpt=plain_excerpt(hit.get("highlight", {}).get("body", [])),
                url=source["url"],
                relevance=relevance,
                plane=source.get("plane_name") or source.get("plane_slug", ""),
            )
        )
    return results


class OpenSearchSearch:
    """``SearchBackend`` on an OpenSearch index.

    ``refresh`` is passed to bulk writes: ``False`` in production (documents become searchable within the
    index's refresh interval), ``"wait_for"`` where a caller must read its own writes (seeding, demos).
    """

    def __init__(
        self, client: OpenSearch, index_name: str, *, refresh: Refresh = False, serverless: bool = False
    ) -> None:
        self._client = client
        self._index_name = index_name
        self._refresh = refresh
        self._serverless = serverless
        self._index_known = False
        self._synonyms = True
        """False once the index turned out to predate the synonym analyzer (see the module docstring)."""

    def index_definition(self) -> dict[str, Any]:
        return index_definition(serverless=self._serverless)

    def ensure_index(self) -> bool:
        """Create the index if it does not exist; ``True`` when this call created it."""
        if self._client.indices.exists(index=self._index_name):
            return False
        try:
            self._client.indices.create(index=self._index_name, body=self.index_definition())
        except RequestError as error:
            if error.error == "resource_already_exists_exception":  # created concurrently
                return False
            raise
        return True

    def index(self, articles: Iterable[DocArticle]) -> None:
        # A bulk write to a missing index would create it with dynamic mappings and none of our analyzers.
        if not self._index_known:
            self.ensure_index()
            self._index_known = True
        helpers.bulk(self._client, self._index_actions(articles), **self._write_options())

    def remove(self, urls: Iterable[str]) -> None:
        actions = (
            {"_op_type": "delete", "_index": self._index_name, "_id": document_id(url)} for url in urls
        )
        # Deleting an article that is not indexed answers 404 for that item: not an error here.
        helpers.bulk(self._client, actions, ignore_status=(404,), **self._write_options())

    def search(self, query: str, plane_slug: str | None = None, limit: int = 5) -> list[SearchHit]:
        if limit < 1 or not searchable_words(query):
            return []
        try:
            response = self._client.search(
                index=self._index_name, body=search_body(query, plane_slug, limit, synonyms=self._synonyms)
            )
        except RequestError as error:
            if not (self._synonyms and _lacks_synonym_analyzer(error)):
                raise
            LOG.warning("index %s has no %s analyzer (created before synonyms): searching without synonyms "
                        "until it is re-created", self._index_name, SYNONYM_ANALYZER)
            self._synonyms = False
            response = self._client.search(
                index=self._index_name, body=search_body(query, plane_slug, limit, synonyms=False)
            )
        return hits_from_response(response)

    def in_plane(self, plane_slug: str, limit: int = 5) -> list[SearchHit]:
        if limit < 1:
            return []
        body = {"size": limit, "track_total_hits": False, "_source": list(SOURCE_FIELDS),
                "query": {"bool": {"filter": [{"term": {"plane_slug": plane_slug}}]}}, "sort": [{"url": "asc"}]}
        return hits_from_response(self._client.search(index=self._index_name, body=body))

    def count(self) -> int:
        return int(self._client.count(index=self._index_name)["count"])

    def urls(self) -> set[str]:
        """Every indexed article's url, in one search (the index's result window, 10,000, bounds a corpus)."""
        body = {"query": {"match_all": {}}, "_source": ["url"], "size": MAX_LISTED_ARTICLES, "track_total_hits": True}
        response = self._client.search(index=self._index_name, body=body)
        hits = response["hits"]["hits"]
        if int(response["hits"]["total"]["value"]) > len(hits):
            raise RuntimeError(f"the index holds more than {MAX_LISTED_ARTICLES} articles: list them with a scroll")
        return {str(hit["_source"]["url"]) for hit in hits}

    def _index_actions(self, articles: Iterable[DocArticle]) -> Iterator[dict[str, Any]]:
        for article, body in plain_articles(articles):
            yield {
                "_op_type": "index",
                "_index": self._index_name,
                "_id": document_id(article.url),
                "_source": {
                    "url": article.url,
                    "title": article.title,
                    "type": article.type,
                    "plane_slug": article.plane_slug,
                    "plane_name": article.plane_name,
                    "body": body,
                },
            }

    def _write_options(self) -> dict[str, Any]:
        return {"refresh": self._refresh} if self._refresh else {}


def _lacks_synonym_analyzer(error: RequestError) -> bool:
    """OpenSearch answers 400 naming the analyzer (``[multi_match] analyzer [docs_search_synonyms] not found``)."""
    return SYNONYM_ANALYZER in str(error.info) and "not found" in str(error.info)


def _endpoint_parts(endpoint: str) -> SplitResult:
    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    if not parts.hostname:
        raise ValueError(f"not an OpenSearch endpoint: {endpoint!r}")
    return parts


def signing_service(endpoint: str, service: str | None = None) -> str:
    """The SigV4 service of an endpoint: ``service`` when given, else ``aoss`` for a Serverless collection's
    host (``*.aoss.amazonaws.com``, ``.aoss-fips.``) and ``es`` for anything else (a domain)."""
    if service:
        return service
    hostname = _endpoint_parts(endpoint).hostname or ""
    return "aoss" if re.search(r"\.aoss(-fips)?\.amazonaws\.com(\.cn)?$", hostname) else "es"


def connect(
    endpoint: str,
    region: str,
    service: str | None = None,
    *,
    session: boto3.Session | None = None,
    timeout: float = 10.0,
) -> OpenSearch:
    """An OpenSearch client signing every request with SigV4.

    ``service`` is the SigV4 service name (``SearchSettings.opensearch_service``): ``"aoss"`` for OpenSearch
    Serverless, ``"es"`` for a domain. ``None`` takes it from the endpoint: a collection's host ends in
    ``.aoss.amazonaws.com`` (or ``.aoss-fips.``); anything else is signed as a domain. A request signed for
    the wrong service is refused with 403, so this is never a guess between two that both work.

    ``endpoint`` is the domain endpoint, with or without ``https://``. Credentials come from the boto3 session
    (the function's role on Lambda) and are re-read per request, so rotated role credentials keep working.
    """
    parts = _endpoint_parts(endpoint)
    service = signing_service(endpoint, service)
    use_ssl = parts.scheme != "http"
    credentials = (session or boto3.Session()).get_credentials()
    if credentials is None:
        raise RuntimeError("no AWS credentials to sign OpenSearch requests with")
    auth = AWS4Auth(refreshable_credentials=credentials, region=region, service=service)
    return OpenSearch(
        hosts=[{"host": parts.hostname, "port": parts.port or (443 if use_ssl else 80)}],
        http_auth=auth,
        use_ssl=use_ssl,
        verify_certs=use_ssl,
        connection_class=RequestsHttpConnection,
        timeout=timeout,
    )
