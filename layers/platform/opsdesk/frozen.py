"""`@frozen`: a frozen dataclass, made in about half the import time of `@dataclass(frozen=True)`.

For each frozen dataclass Python 3.11 compiles six methods from source (`__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`, `__delattr__`) and, for a class without a docstring, builds its signature with `inspect`:
0.6 to 0.75 ms a class, and a function's cold import makes 50 to 65 of them (30 to 50 ms, 0.2 to 0.3 x
`import boto3`; measured in docs/benchmarks.md). Here dataclasses compiles the three that must name the fields
(`__init__`, and the frozen `__setattr__` and `__delattr__`); `__eq__`, `__hash__` and `__repr__` are shared
functions over the field tuples each class gets once, honouring `field(compare=, hash=, repr=)` as dataclasses does.
What a class defines itself is kept. A class without a docstring is documented by its name.

It is a dataclass in every other way: `fields`, `replace`, `asdict`, `field(default_factory=...)`, `__post_init__`,
inheritance and pattern matching work unchanged, and type checkers read it as `@dataclass(frozen=True)`."""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import Field, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_COMPARED = "__frozen_compared__"
_HASHED = "__frozen_hashed__"
_SHOWN = "__frozen_shown__"


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen(cls: type[T]) -> type[T]:
    own = dict(cls.__dict__)
    if not own.get("__doc__"):
        cls.__doc__ = cls.__name__  # dataclasses would build the signature with inspect instead
    made = dataclass(frozen=True, eq=False, repr=False)(cls)
    every = fields(made)  # type: ignore[arg-type]  # a dataclass by now
    if "__eq__" not in own:
        setattr(made, _COMPARED, staticmethod(_values(tuple(f.name for f in every if f.compare))))
        made.__eq__ = _eq  # type: ignore[method-assign]
        if "__hash__" not in own:  # as dataclasses' eq and frozen: hashed by the compared fields
            hashed = tuple(f.name for f in every if (f.compare if f.hash is None else f.hash))
            setattr(made, _HASHED, staticmethod(_values(hashed)))
            made.__hash__ = _hash  # type: ignore[method-assign]
    if "__repr__" not in own:
        setattr(made, _SHOWN, tuple(f.name for f in every if f.repr))
        made.__repr__ = _repr  # type: ignore[method-assign]
    return made


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The named attributes of an object as a tuple (attrgetter gives a bare value for one name)."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        compared = getattr(self, _COMPARED)
        return compared(self) == compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(getattr(self, _HASHED)(self))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in getattr(self, _SHOWN))
    return f"{self.__class__.__qualname__}({shown})"
