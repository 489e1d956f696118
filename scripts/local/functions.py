"""The local stack's functions, invoked as Lambda invokes them: imported on first use (a cold start), and one
request at a time per function.

A handler module keeps the request it serves in module state (the REST resolver's current event, as Powertools'
resolver does), which Lambda never shares: each execution environment serves one request at a time. The local
stack serves every request from a pool of threads, and two requests to one function at once could answer each
other: found when two independent document clients ran against one `make dev`, a Globex user's issue list came
back with Acme's issues. So every invocation of a function, whoever makes it (the REST gateway, its authorizer,
the WebSocket gateway, a queue or a schedule), holds that function's lock: one execution environment per
function.

Lambda gives every function its own Logger, named by its service (POWERTOOLS_SERVICE_NAME) and keyed by the
invocation's context; here the functions share one process and one Logger, whose keys the last invocation of any
function set. So each invocation logs, in its own thread, under its function's service and context."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]

_created = threading.Lock()
_handlers: dict[str, Handler] = {}


def one_at_a_time(handler: Handler, function: str) -> Handler:
    """`handler`, the function's, invoked by one caller at a time."""
    lock = threading.Lock()

    def invoke(event: dict[str, Any], context: Any) -> Any:
        with lock, _logged_as(function, context):
            return handler(event, context)

    return invoke


@contextmanager
def _logged_as(function: str, context: Any) -> Iterator[None]:
    from opsdesk.apimap import service_name
    from opsdesk.observability import logger

    try:
        service = service_name(function)
    except KeyError:  # the session authorizer: on AWS one per module's stack, under the module's name
        service = function
    logger.thread_safe_append_keys(service=service, function_name=context.function_name,
                                   function_arn=context.invoked_function_arn,
                                   function_request_id=context.aws_request_id)
    try:
        yield
    finally:
        logger.thread_safe_clear_keys()


def lambda_handler(function: str) -> Handler:
    """`functions.<function>.handler.lambda_handler`, one invocation at a time (the same wrapper for every
    caller)."""
    with _created:
        if function not in _handlers:
            module = importlib.import_module(f"functions.{function}.handler")
            _handlers[function] = one_at_a_time(module.lambda_handler, function)
        return _handlers[function]
