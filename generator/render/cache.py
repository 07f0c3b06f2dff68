"""Pages kept from one build to the next, each under a digest of what it was made from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from generator.render.digest import digest_of

T = TypeVar("T")


class PageCache:
    """The pages of the last build, each with the digest of what it was made from.

    Only the last build's pages are kept: a page that is not made again (its document
    was removed) is forgotten with that build.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[str, Any]] = {}
        self._fresh: dict[str, tuple[str, Any]] = {}

    def start(self) -> None:
        """A build begins: forget what a build that failed half-way made."""
        self._fresh = {}

    def made(self, name: str, make: Callable[..., T], *inputs: object) -> T:
        """``make(*inputs)``, or what it returned last time for the same inputs."""
        key = digest_of([make.__module__, make.__qualname__, list(inputs)])
        hit = self._kept.get(name)
        value: T = hit[1] if hit is not None and hit[0] == key else make(*inputs)
        self._fresh[name] = (key, value)
        return value

    def finish(self) -> None:
        """The build is done: what it made is what the next one may reuse."""
        self._kept, self._fresh = self._fresh, {}


class _Uncached:
    """A `PageCache` for a one-off build: it makes every page and keeps none."""

    def start(self) -> None:
        pass

    def made(self, name: str, make: Callable[..., T], *inputs: object) -> T:
        return make(*inputs)

    def finish(self) -> None:
        pass
