"""Full re-index of the documentation: every article in the docs bucket into the search backend.

    python -m scripts.reindex_docs            # settings from the environment (DOCS_BUCKET_NAME, SEARCH_*)

On AWS run it with the function's settings (OpenSearch); `make dev` uses it against moto and the embedded index.
"""

from __future__ import annotations

from opsdesk.objects import ObjectStore
from opsdesk.settings import SearchSettings, load_settings
from opsdesk.support.docs import reindex_bucket, search_backend


def main() -> int:
    settings = load_settings(SearchSettings)
    if not settings.docs_bucket_name:
        raise SystemExit("DOCS_BUCKET_NAME is not set")
    objects = ObjectStore(settings.aws_region, settings.aws_endpoint_url)
    count = reindex_bucket(objects, settings.docs_bucket_name, search_backend(settings))
    print(f"{count} articles in the index")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
