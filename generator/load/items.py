"""What a file gives: its top-level items, each with the map of where its values sit."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from generator.load.build import Builder
from generator.load.compose import loader_for
from generator.load.positions import Loc, Position, within
from generator.problems import Problem, Severity, quote


@dataclass(frozen=True)
class SourceMap:
    """Where each value and each key of one YAML item sits in its file.

    Positions are only needed to report a problem, and a clean handbook has none; recording
    one per value while loading would cost much of a check's time and memory. So a
    file that loads without problems keeps only its text, and its positions are worked out
    from the text the first time something asks for one.
    """

    path: str
    text: str = field(default="", repr=False, compare=False)
    """The source the positions come from (the whole file, even for one item of a list)."""
    prefix: Loc = ()
    """The item's place in the file: ``(index,)`` for one item of a top-level list."""
    in_list: bool = False
    """The item is one of a top-level list (only roles and terms may be)."""
    reported: frozenset[Loc] = frozenset()
    """Values the loader already reported (an impossible date): the model stays quiet there."""

    @classmethod
    def known(cls, path: str, values: dict[Loc, Position], keys: dict[Loc, Position], *,
              text: str = "", prefix: Loc = (), in_list: bool = False,
              reported: frozenset[Loc] = frozenset()) -> SourceMap:
        """A map whose positions are already at hand (a file the loader had to report on)."""
        source = cls(path, text, prefix, in_list, reported)
        source.__dict__["_tables"] = (values, keys)
        return source

    @cached_property
    def _tables(self) -> tuple[dict[Loc, Position], dict[Loc, Position]]:
        values, keys = _positions(self.text, self.path)
        if not self.prefix:
            return values, keys
        return within(values, self.prefix), within(keys, self.prefix)

    @property
    def values(self) -> dict[Loc, Position]:
        """1-based (line, column) of each value, by its location path within the item."""
        return self._tables[0]

    @property
    def keys(self) -> dict[Loc, Position]:
        """1-based (line, column) of each mapping key, by the location path of its value."""
        return self._tables[1]

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """The position of ``loc``, or of its nearest recorded ancestor.

        Missing fields and union tags that pydantic adds to a ``loc`` have no node of their
        own; the closest enclosing value is the most useful place to point at.
        """
        table = self.keys if key else self.values
        if loc in table:
            return table[loc]
        probe = tuple(loc)
        while probe:
            probe = probe[:-1]
            if probe in self.values:
                return self.values[probe]
        return self.values.get((), (1, 1))

    def problem(
        self,
        loc: Loc,
        code: str,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        key: bool = False,
    ) -> Problem:
        """A problem pointing at ``loc`` in this file."""
        line, column = self.position(loc, key=key)
        return Problem(self.path, line, column, code, severity, message)


@dataclass(frozen=True)
class RawItem:
    """One top-level mapping of a file (a file may hold a list of them)."""

    data: Any
    source: SourceMap


@dataclass
class LoadResult:
    """What a file gave: its items, or the reasons it gave none."""

    items: list[RawItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    text: str = ""
    """The decoded source, kept for diffs against earlier revisions."""


def split_items(data: Any, builder: Builder, path: str, result: LoadResult) -> None:
    """One item per top-level mapping, each with positions relative to itself."""
    text = result.text

    def source(prefix: Loc) -> SourceMap:
        in_list = bool(prefix)
        if not builder.track:
            return SourceMap(path, text, prefix, in_list)
        reported = frozenset(within(dict.fromkeys(builder.reported), prefix))
        return SourceMap.known(path, within(builder.values, prefix),
                               within(builder.keys, prefix), text=text, prefix=prefix,
                               in_list=in_list, reported=reported)

    if isinstance(data, dict):
        result.items.append(RawItem(data, source(())))
        return
    for index, item in enumerate(data):
        here = source((index,))
        if not isinstance(item, dict):
            if (index,) in builder.reported:
                continue  # a tagged item: refused already, and not null as written
            result.problems.append(
                here.problem((), "YAML003", f"expected each list item to be a mapping "
                             f"with 'kind', found {describe(item)}")
            )
            continue
        result.items.append(RawItem(item, here))


@lru_cache(maxsize=16)
def _positions(text: str, path: str) -> tuple[dict[Loc, Position], dict[Loc, Position]]:
    """Every value's and key's position in ``text``, which loaded cleanly before.

    Cached for the few files a run reports on: a duplicate-id rule asks about both files.
    """
    loader = loader_for(text)
    try:
        builder = Builder(loader, path)
        builder.build(loader.get_single_node(), ())
        return builder.values, builder.keys
    finally:
        loader.dispose()


def describe(value: Any) -> str:
    """A short, typed rendering of a YAML value for messages: ``number 1.0``, ``text 'x'``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"text {quote(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!s}"
