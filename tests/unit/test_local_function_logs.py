"""The local stack's functions share one process and one Powertools Logger (scripts/local/functions.py): each
invocation must still log under its own function's service and context, as each Lambda function does."""

from __future__ import annotations

import io
import json
import logging
import threading
from typing import Any

from opsdesk.observability import logger
from scripts.local.functions import one_at_a_time
from scripts.local.gateway import LambdaContext


def test_two_functions_logging_at_once_each_log_under_their_own_service_and_function() -> None:
    lines = io.StringIO()
    capture = logging.StreamHandler(lines)
    capture.setFormatter(logger.registered_formatter)
    logger.addHandler(capture)
    both_keyed = threading.Barrier(2)

    def handler(event: dict[str, Any], context: Any) -> None:
        logger.append_keys(function_name=context.function_name)  # as inject_lambda_context does, for all threads
        both_keyed.wait(timeout=5)
        logger.info(event["says"])

    copilot = one_at_a_time(handler, "copilot_incidents")
    fanout = one_at_a_time(handler, "realtime_fanout")
    try:
        threads = [threading.Thread(target=invoke, args=({"says": f"from {name}"},
                                                         LambdaContext(f"opsdesk-local-{name}", "eu-west-1")))
                   for name, invoke in (("copilot_incidents", copilot), ("realtime_fanout", fanout))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        logger.removeHandler(capture)
        logger.remove_keys(["function_name"])

    logged = {line["message"]: (line["service"], line["function_name"])
              for line in map(json.loads, lines.getvalue().splitlines())}
    assert logged == {"from copilot_incidents": ("copilot", "opsdesk-local-copilot_incidents"),
                      "from realtime_fanout": ("realtime", "opsdesk-local-realtime_fanout")}
