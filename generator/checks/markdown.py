"""Markdown that Python-Markdown cannot read in bounded time or depth.

Python-Markdown reads each level of a nested list or block quote by calling itself again:
nested a few hundred deep, the build stops at Python's recursion limit ("internal error")
although every value is valid YAML of the right type, and a list nested a hundred deep
already costs seconds. Real procedures rarely nest deeper than four levels, so the budget
leaves room and refuses the shapes long before they cost anything.

Link brackets, the other shape Python-Markdown is slow on, need no rule: the Markdown
pre-pass (`generator.render.text.markdown`) escapes every bracket that cannot make a link.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from generator.checks.registry import Context, Finding, rule
from generator.load import Loc
from generator.mdscan import nesting
from generator.problems import Severity

MAX_NESTING = 8
"""Deepest nesting of lists and block quotes (together) in one Markdown value."""


def _texts(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every text value under ``value`` with its location.

    Every text, not only the fields the templates render as Markdown today: a field that
    becomes Markdown later is covered without a list to keep in step, and no title or name
    holds a list nested this deep.
    """
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key))


@rule("MARKDOWN001", Severity.ERROR,
      f"lists and block quotes nested deeper than {MAX_NESTING} levels", local=True)
def deep_nesting(context: Context) -> Iterator[Finding]:
    """Lists and block quotes nest at most 8 levels (`MAX_NESTING`) in any text.

    Passes: a step list with sub-items four levels deep. Fails: a list nested 9 deep
    (each level indented four more spaces), or a line starting `> > > > > > > > > `.
    """
    for entry in context.handbook.entries:
        for loc, text in _texts(entry.item, ()):
            if not any(c in text for c in "-+*>.)"):
                continue
            depth, line = nesting(text)
            if depth > MAX_NESTING:
                yield Finding(entry.source, loc, f"expected lists and block quotes nested at "
                              f"most {MAX_NESTING} levels deep, found {depth} on line {line} "
                              "of this text: Python-Markdown reads each level by calling "
                              "itself again, and nesting this deep can stop the build; "
                              "flatten it into fewer levels")
