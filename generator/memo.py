"""Remember a value computed from an object for as long as that object is the one in use.

Under `sopsite serve`, files that did not change keep their parsed models, so what was worked
out from a model (its digest, its step graph) holds for the next build too. Models are not
hashable cheaply, so they are keyed by identity; the object is kept beside its value so that
its id cannot be handed to a new object while the entry exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class ByIdentity(Generic[V]):
    """A bounded memo keyed by object identity."""

    def __init__(self, limit: int = 50_000) -> None:
        self._entries: dict[int, tuple[object, V]] = {}
        self._limit = limit

    def get(self, obj: object, make: Callable[[], V]) -> V:
        """The value remembered for ``obj``, or ``make()``'s, remembered from now on."""
        hit = self._entries.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        if len(self._entries) >= self._limit:  # a long serve session: start again, not grow
            self._entries.clear()
        value = make()
        self._entries[id(obj)] = (obj, value)
        return value

    def clear(self) -> None:
        """Forget everything (and let the objects go)."""
        self._entries.clear()
