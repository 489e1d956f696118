"""What the modules' OpenAPI tests share: view functions that record their calls, and a sample answer to
validate against an operation's response schema (tests/unit/test_<module>_openapi.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any


class Tracked:
    """A module whose public functions record that they were called."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.called: set[str] = set()

    def public_functions(self) -> set[str]:
        return {name for name, value in inspect.getmembers(self.module, inspect.isfunction)
                if value.__module__ == self.module.__name__ and not name.startswith("_")}

    def __getattr__(self, name: str) -> Callable[..., Any]:
        function = getattr(self.module, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.called.add(name)
            return function(*args, **kwargs)

        return call


@dataclass(frozen=True)
class Sample:
    method: str
    path: str
    status: int
    body: Any
