"""The budget on how far aliases may grow a file's text, measured without expanding it."""

from __future__ import annotations

from typing import Any

import yaml

from generator.load.compose import Parser
from generator.load.positions import mark_position
from generator.problems import Problem, Severity

EXPANSION_FACTOR = 4
"""How many times its own size a file's text may grow through aliases.

Without aliases a file's text is never longer than the file, so the budget only ever
binds an aliased file. Real procedures are tens of kilobytes of YAML and repeat a sentence
or a checklist through an anchor at most a few times; four times the file leaves that
room many times over, while the whole budget stays a few MiB at most (the file limit
times four): a page or a check that long takes seconds, not the minutes a small file
aliasing a long text thousands of times would make every later stage take.
"""

MIN_EXPANDED = 1024 * 1024
"""The expanded-text budget of a small file, in characters: a short file may still
repeat one paragraph through aliases many times without reaching it."""


def expansion_budget(text: str) -> int:
    """How many characters of text ``text`` may expand to through aliases."""
    return max(EXPANSION_FACTOR * len(text), MIN_EXPANDED)


_ANCHOR_BEFORE = frozenset(" \t\r\n\x85\u2028\u2029[{,")
_ANCHOR_NOT_AFTER = frozenset(" \t\r\n\x85\u2028\u2029[]{},")


def may_alias(text: str) -> bool:
    """Whether ``text`` may define an anchor (``&name`` after a space or a bracket).

    Only then can aliases grow its text, and only then is it parsed a second time
    (`expansion_overrun`). `&` alone is rare in prose, and ``R&D`` or `` & `` is no
    anchor, so nearly every file is cleared by a few searches for one character.
    """
    at = text.find("&")
    while at != -1:
        if ((at == 0 or text[at - 1] in _ANCHOR_BEFORE)
                and text[at + 1:at + 2] not in _ANCHOR_NOT_AFTER):
            return True
        at = text.find("&", at + 1)
    return False


def expansion_overrun(text: str, path: str) -> Problem | None:
    """YAML008 at the alias whose expansion takes the file's text over its budget, if any.

    Sizes are added up from the parser's events without expanding anything: each anchor's
    expanded size is noted where its value ends, and each alias adds it again, so the
    whole file's measure costs one pass however far its aliases would expand. The
    builder's count of values (YAML005) does not bound this: 20,000 aliases of one long
    text are few values, but a page of hundreds of megabytes.
    """
    budget = expansion_budget(text)
    total = 0
    sizes: dict[str, int] = {}
    opened: list[tuple[str | None, int]] = []
    alias: yaml.Mark | None = None
    crossed: yaml.Mark | None = None
    parser = Parser(text)
    try:
        while True:
            event: Any = parser.get_event()
            kind = event.__class__
            if kind is yaml.StreamEndEvent:
                break
            if kind is yaml.ScalarEvent:
                total += len(event.value)
                if event.anchor is not None:
                    sizes[event.anchor] = len(event.value)
            elif kind is yaml.AliasEvent:
                alias = event.start_mark
                total += sizes.get(event.anchor, 0)
            elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                opened.append((event.anchor, total))
                continue
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                anchor, start = opened.pop()
                if anchor is not None:
                    sizes[anchor] = total - start
                continue
            else:
                continue
            if crossed is None and total > budget:
                crossed = alias
    finally:
        parser.dispose()
    if crossed is None:
        return None
    line, column = mark_position(crossed)
    return Problem(path, line, column, "YAML008", Severity.ERROR,
                   f"aliases expand the file's text to {total:,} characters, more than the "
                   f"limit of {budget:,} (the larger of {MIN_EXPANDED:,} and "
                   f"{EXPANSION_FACTOR} times the file's {len(text):,} characters); this alias "
                   "crosses it: repeat less text through aliases, or split the document")
