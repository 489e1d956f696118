"""How API Gateway routes a REST request and hands over the caller, as plain functions the local gateway, the
in-process test caller and the benchmarks share: resources compiled from the API map (the most specific one
wins), and claims turned into the strings the Cognito authorizer passes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opsdesk.apimap import ApiModule, FunctionGroup

# API Gateway hands every claim to the function as a string, timestamps in this format.
CLAIM_TIME_FORMAT = "%a %b %d %H:%M:%S UTC %Y"
TIME_CLAIMS = ("exp", "iat", "auth_time")


@dataclass(frozen=True)
class CompiledRoute:
    module: ApiModule
    group: FunctionGroup
    resource: str
    pattern: re.Pattern[str]

    @property
    def specificity(self) -> tuple[int, ...]:
        """API Gateway matches the most specific resource, segment by segment from the root: a literal segment
        before a {param}, a {param} before a greedy {proxy+}. So `/tickets/{id}/attachments/{proxy+}` wins over
        `/tickets/{id}/{proxy+}` for `/tickets/7/attachments/9` (sort ascending)."""
        return tuple(_segment_rank(segment) for segment in self.resource.strip("/").split("/"))


def _segment_rank(segment: str) -> int:
    if segment.startswith("{") and segment.endswith("+}"):
        return 2
    return 1 if segment.startswith("{") else 0


def compile_resource(resource: str) -> re.Pattern[str]:
    regex = ""
    for segment in resource.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            regex += f"/(?P<{segment[1:-2]}>.+)"
        elif segment.startswith("{") and segment.endswith("}"):
            regex += f"/(?P<{segment[1:-1]}>[^/]+)"
        else:
            regex += "/" + re.escape(segment)
    return re.compile(f"^{regex}/?$")


def compile_routes(modules: Iterable[ApiModule]) -> dict[str, list[CompiledRoute]]:
    """Each module's routes, most specific first (the order API Gateway tries them in)."""
    return {
        module.name: sorted(
            (CompiledRoute(module, group, resource, compile_resource(resource))
             for group in module.groups for resource in group.resources),
            key=lambda route: route.specificity,
        )
        for module in modules
    }


def claims_as_api_gateway_passes_them(claims: dict[str, Any]) -> dict[str, str]:
    passed: dict[str, str] = {}
    for name, value in claims.items():
        if name in TIME_CLAIMS and isinstance(value, int | float):
            passed[name] = datetime.fromtimestamp(value, UTC).strftime(CLAIM_TIME_FORMAT)
        elif isinstance(value, list):
            passed[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            passed[name] = str(value).lower()
        else:
            passed[name] = str(value)
    return passed
