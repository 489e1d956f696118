"""support-docs-indexer: keeps the search index in step with the docs bucket (S3 object created / removed)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from opsdesk.objects import ObjectStore
from opsdesk.observability import logger
from opsdesk.settings import SearchSettings, load_settings
from opsdesk.support.docs import ARTICLE_SUFFIX, article_from_object, search_backend, url_for_key

settings = load_settings(SearchSettings)
objects = ObjectStore(settings.aws_region, settings.aws_endpoint_url)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    backend = search_backend(settings)
    indexed, removed = [], []
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        if not key.endswith(ARTICLE_SUFFIX):
            continue
        if record["eventName"].startswith("ObjectRemoved"):
            removed.append(url_for_key(key))
        else:
            indexed.append(article_from_object(key, objects.get(bucket, key).decode("utf-8")))
    if indexed:
        backend.index(indexed)
    if removed:
        backend.remove(removed)
    logger.info("docs index updated", extra={"indexed": len(indexed), "removed": len(removed)})
    return {"indexed": len(indexed), "removed": len(removed)}
