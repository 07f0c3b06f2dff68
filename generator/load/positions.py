"""Where a value sits in its file: location paths, and 1-based (line, column) positions.

A location path is the ``loc`` pydantic reports for a value (``("steps", 2, "actor")``), so
a model error can be looked up in the positions the loader records under the same paths.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

Loc = tuple[str | int, ...]
Position = tuple[int, int]

_BREAK = re.compile(r"\r\n|\r|\n")


def mark_position(mark: yaml.Mark) -> Position:
    """A parser mark as problems give it: libyaml counts from 0, editors from 1."""
    return mark.line + 1, mark.column + 1


def text_position(text: str, offset: int | None) -> Position:
    """1-based position of a character offset, or of the end of ``text`` given None; CR, LF
    and CRLF all end a line, as in YAML."""
    before = text if offset is None else text[:offset]
    breaks = list(_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, len(before) - start + 1


def within(table: dict[Loc, Any], prefix: Loc) -> dict[Loc, Any]:
    """The entries of ``table`` under ``prefix``, with locations relative to it."""
    size = len(prefix)
    return {loc[size:]: value for loc, value in table.items() if loc[:size] == prefix}
