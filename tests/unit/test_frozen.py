"""`@frozen` behaves as `@dataclass(frozen=True)`: each case builds one class with each decorator from the same body
and compares what they do."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError, asdict, astuple, dataclass, field, fields, is_dataclass, replace
from typing import Any

import pytest

from opsdesk.frozen import frozen


def stdlib_frozen(cls: type) -> type:
    return dataclass(frozen=True)(cls)


DECORATORS = pytest.mark.parametrize("make", [stdlib_frozen, frozen], ids=["dataclass", "frozen"])


def ticket_class(make: Callable[[type], type]) -> Any:
    class Ticket:
        """A ticket."""

        id: str
        title: str
        labels: tuple[str, ...] = ()
        notes: list[str] = field(default_factory=list, compare=False)
        secret: str = field(default="", repr=False)
        weight: float = field(default=0.0, hash=False)

    return make(Ticket)


def test_equality_hash_and_repr_are_those_of_a_frozen_dataclass() -> None:
    old, new = ticket_class(stdlib_frozen), ticket_class(frozen)
    cases = [("t-1", "Disk full"), ("t-1", "Disk full", ("ops",), ["n"], "s", 1.5), ("t-2", "", (), [], "x", 2.0)]
    for args in cases:
        for other in cases:
            assert (old(*args) == old(*other)) == (new(*args) == new(*other))
        assert hash(old(*args)) == hash(new(*args))
        assert repr(old(*args)).replace("stdlib", "") == repr(new(*args)).replace("stdlib", "")
    # compare=False: notes do not count; hash=False: weight does not hash but compares
    assert new("a", "b", notes=["x"]) == new("a", "b", notes=["y"])
    assert new("a", "b", weight=1.0) != new("a", "b", weight=2.0)
    assert hash(new("a", "b", weight=1.0)) == hash(new("a", "b", weight=2.0))
    assert "secret" not in repr(new("a", "b", secret="hunter2"))


@DECORATORS
def test_instances_are_frozen_and_dataclass_helpers_work(make: Callable[[type], type]) -> None:
    ticket_type = ticket_class(make)
    ticket: Any = ticket_type("t-1", "Disk full", ("ops",))

    with pytest.raises(FrozenInstanceError):
        ticket.title = "changed"
    with pytest.raises(FrozenInstanceError):
        del ticket.title
    assert is_dataclass(ticket_type)
    assert [f.name for f in fields(ticket)] == ["id", "title", "labels", "notes", "secret", "weight"]
    assert replace(ticket, title="Disk fine").title == "Disk fine"
    assert asdict(ticket)["labels"] == ("ops",)
    assert astuple(ticket)[:2] == ("t-1", "Disk full")
    assert ticket != ("t-1", "Disk full")
    assert {ticket, replace(ticket)} == {ticket}
    match ticket:
        case ticket_type(id, title):  # __match_args__
            assert (id, title) == ("t-1", "Disk full")


@frozen
class Base:
    name: str


@frozen
class Child(Base):
    size: int = 0


def test_instances_pickle_and_subclasses_compare_by_their_own_fields() -> None:
    assert pickle.loads(pickle.dumps(Child("a", 1))) == Child("a", 1)  # noqa: S301 - our own bytes
    assert Child("a", 1) != Child("a", 2)
    assert Base("a") != Child("a")  # other classes are never equal, as with dataclasses
    assert repr(Child("a", 1)).endswith("Child(name='a', size=1)")


def test_methods_a_class_defines_itself_are_kept() -> None:
    @frozen
    class Caseless:
        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Caseless) and self.name.lower() == other.name.lower()

        def __hash__(self) -> int:
            return hash(self.name.lower())

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert Caseless("Ops") == Caseless("ops")
    assert hash(Caseless("Ops")) == hash(Caseless("ops"))
    assert repr(Caseless("Ops")) == "<Ops>"


def test_post_init_runs_and_a_docstring_is_kept() -> None:
    @frozen
    class Bounded:
        """A bounded number."""

        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    with pytest.raises(ValueError, match="negative"):
        Bounded(-1)
    assert Bounded.__doc__ == "A bounded number."
