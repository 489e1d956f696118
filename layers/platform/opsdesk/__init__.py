"""opsdesk's platform library: what every function shares (opsdesk.http, .settings, .observability, ...) and the
domain code of each module (opsdesk.support, .helpdesk, ...)."""

import os

# opsdesk uses no pydantic plugins. Without this, the first model pydantic builds looks for them in the entry
# points of every installed distribution (~30 ms of each cold start); an environment that sets it keeps its value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
