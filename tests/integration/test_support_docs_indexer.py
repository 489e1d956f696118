"""The docs indexer keeps the search index in step with the docs bucket."""

from __future__ import annotations

from typing import Any

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
