"""opsdesk's platform library: what every function shares (opsdesk.http, .settings, .observability, ...) and the
domain code of each module (opsdesk.support, .helpdesk, ...)."""

import gc
import os

# opsdesk uses no pydantic plugins. Without this, the first model pydantic builds looks for them in the entry
# points of every installed distribution (~30 ms of each cold start); an environment that sets it keeps its value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

LAMBDA_GC_THRESHOLD = 10_000
"""Allocations between two young-generation collections on Lambda (CPython's default is 700)."""

if os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_"):
    # A cold start allocates ~50,000 objects (some 500 modules' classes and functions), none of them garbage: at
    # the default threshold the collector walks them ~130 times, ~10% of the import (docs/benchmarks.md). A
    # function serves one request at a time and lives minutes, so collecting every 10,000 allocations costs a
    # megabyte or two of memory, and collection stays on.
    gc.set_threshold(LAMBDA_GC_THRESHOLD)
