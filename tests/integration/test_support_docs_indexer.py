"""The docs indexer keeps the search index in step with the docs bucket."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.local.gateway import LambdaContext

ARTICLE = """---
title: How to Tune Quokka Cache Eviction
type: how-to
plane: infrastructure
url: https://happycloud.com/docs/infrastructure/how-to/tune-quokka-eviction
---
Quokka caches evict the least recently used entries when memory pressure rises above the watermark.
"""
KEY = "infrastructure/how-to/tune-quokka-eviction.md"


def s3_event(name: str) -> dict[str, Any]:
    return {"Records": [{"eventName": name, "s3": {"bucket": {"name": "opsdesk-local-docs"}, "object": {"key": KEY}}}]}


def test_an_uploaded_article_becomes_searchable_and_a_removed_one_disappears(local_aws: Any) -> None:
    from functions.support_docs_indexer import handler
    from opsdesk.settings import DocsSettings, load_settings
    from opsdesk.support.docs import search_backend
    from scripts.local.aws import client

    backend = search_backend(load_settings(DocsSettings))
    s3 = client("s3", local_aws.endpoint)
    s3.put_object(Bucket="opsdesk-local-docs", Key=KEY, Body=ARTICLE.encode())

    assert handler.lambda_handler(s3_event("ObjectCreated:Put"), LambdaContext("indexer", "us-east-1")) == {
        "indexed": 1, "removed": 0}
    hits = backend.search("quokka eviction", None, 5)
    assert [h.url for h in hits][:1] == ["https://happycloud.com/docs/infrastructure/how-to/tune-quokka-eviction"]

    s3.delete_object(Bucket="opsdesk-local-docs", Key=KEY)
    handler.lambda_handler(s3_event("ObjectRemoved:Delete"), LambdaContext("indexer", "us-east-1"))
    assert "tune-quokka-eviction" not in " ".join(h.url for h in backend.search("quokka eviction", None, 10))


def test_a_full_reindex_drops_articles_the_bucket_no_longer_holds(local_aws: Any) -> None:
    from opsdesk.objects import ObjectStore
    from opsdesk.search.sqlite_fts import SqliteSearch
    from opsdesk.support.docs import reindex_bucket
    from scripts.local.aws import client

    s3 = client("s3", local_aws.endpoint)
    objects = ObjectStore(local_aws.region, local_aws.endpoint, client=s3)
    bucket = "opsdesk-local-reindex-test"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=KEY, Body=ARTICLE.encode())
    backend = SqliteSearch()
    assert reindex_bucket(objects, bucket, backend) == 1

    s3.delete_object(Bucket=bucket, Key=KEY)

    assert reindex_bucket(objects, bucket, backend) == 0
    assert backend.search("quokka eviction", None, 5) == []


def test_an_article_whose_url_is_not_where_its_key_puts_it_is_refused(local_aws: Any) -> None:
    from opsdesk.support.docs import article_from_object

    assert article_from_object(KEY, ARTICLE).url.endswith("/infrastructure/how-to/tune-quokka-eviction")
    with pytest.raises(ValueError, match="front matter url"):
        article_from_object("infrastructure/how-to/another-name.md", ARTICLE)
