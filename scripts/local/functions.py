"""The local stack's functions, invoked as Lambda invokes them: imported on first use (a cold start), and one
request at a time per function.

A handler module keeps the request it serves in module state (the REST resolver's current event, as Powertools'
resolver does), which Lambda never shares: each execution environment serves one request at a time. The local
stack serves every request from a pool of threads, and two requests to one function at once could answer each
other: found when two independent document clients ran against one `make dev`, a Globex user's issue list came
back with Acme's issues. So every invocation of a function, whoever makes it (the REST gateway, its authorizer,
the WebSocket gateway, a queue or a schedule), holds that function's lock: one execution environment per
function."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]

_created = threading.Lock()
_handlers: dict[str, Handler] = {}


def one_at_a_time(handler: Handler) -> Handler:
    """`handler`, invoked by one caller at a time."""
    lock = threading.Lock()

    def invoke(event: dict[str, Any], context: Any) -> Any:
        with lock:
            return handler(event, context)

    return invoke


def lambda_handler(function: str) -> Handler:
    """`functions.<function>.handler.lambda_handler`, one invocation at a time (the same wrapper for every
    caller)."""
    with _created:
        if function not in _handlers:
            module = importlib.import_module(f"functions.{function}.handler")
            _handlers[function] = one_at_a_time(module.lambda_handler)
        return _handlers[function]
