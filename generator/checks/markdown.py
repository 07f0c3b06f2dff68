"""Markdown that Python-Markdown cannot read in bounded time or depth.

Python-Markdown reads each level of a nested list or block quote by calling itself again:
nested deep enough, the build stops at Python's recursion limit ("internal error")
although every value is valid YAML of the right type, and well before that the time a
list takes grows faster than the list. Real procedures rarely nest deeper than four
levels, so the budget leaves room and refuses the shapes long before they cost anything.

Python-Markdown's link scanner searches from every `[` to the end of its paragraph; the
Markdown pre-pass (`generator.render.text.markdown`) escapes each bracket that cannot make
a link, so the scanner never sees them. But each escape, like each `&` or `<` the pre-pass
turns into an entity, is one more place where Python-Markdown copies the rest of the
paragraph: a text needing thousands of them costs their number times its length. A
second budget bounds that number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from generator.checks.registry import Context, Finding, rule
from generator.load import Loc
from generator.problems import Severity
from generator.render.mdscan import nesting, shown_as_written

MAX_NESTING = 8
"""Deepest nesting of lists and block quotes (together) in one Markdown value."""

MAX_SHOWN_AS_WRITTEN = 1000
"""Most characters one Markdown value may need escaped (see `shown_as_written`): ordinary
text has a few dozen at most; a long literal listing belongs in a fenced code block."""


def _texts(item: BaseModel) -> Iterator[tuple[Loc, str]]:
    """Every text value in ``item`` with its location, in the order of the fields.

    Every text, not only the fields the templates render as Markdown today: a field that
    becomes Markdown later is covered without a list to keep in step, and no title or name
    holds a list nested this deep. A stack, not recursion: both rules walk every item.
    """
    stack: list[tuple[Loc, object]] = [((), item)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            yield loc, value
            continue
        if isinstance(value, BaseModel):
            children: Iterable[tuple[str | int, object]] = value.__dict__.items()
        elif isinstance(value, list | tuple):
            children = enumerate(value)
        elif isinstance(value, dict):
            children = value.items()
        else:
            continue
        stack.extend(reversed([((*loc, key), child) for key, child in children
                               if isinstance(child, _CONTAINERS)]))


_CONTAINERS = (str, BaseModel, list, tuple, dict)


@rule("MARKDOWN001", Severity.ERROR,
      f"lists and block quotes nested deeper than {MAX_NESTING} levels", local=True)
def deep_nesting(context: Context) -> Iterator[Finding]:
    """Lists and block quotes nest at most 8 levels (`MAX_NESTING`) in any text.

    Passes: a step list with sub-items four levels deep. Fails: a list nested 9 deep
    (each level indented four more spaces), or a line starting `> > > > > > > > > `.
    """
    for entry in context.handbook.entries:
        for loc, text in _texts(entry.item):
            if "\n" not in text and sum(map(text.count, "-+*>.)")) <= MAX_NESTING:
                continue  # one line nests a level per marker at most: too few to count
            depth, line = nesting(text)
            if depth > MAX_NESTING:
                yield Finding(entry.source, loc, f"expected lists and block quotes nested at "
                              f"most {MAX_NESTING} levels deep, found {depth} on line {line} "
                              "of this text: Python-Markdown reads each level by calling "
                              "itself again, and nesting this deep can stop the build; "
                              "flatten it into fewer levels")


@rule("MARKDOWN002", Severity.ERROR, f"more than {MAX_SHOWN_AS_WRITTEN} characters in one "
      "text that Markdown must show as written (&, <, {, }, brackets that make no link)",
      local=True)
def many_escapes(context: Context) -> Iterator[Finding]:
    """At most 1000 characters (`MAX_SHOWN_AS_WRITTEN`) of a text outside code may need
    escaping: `&`, `<`, `{`, `}`, and brackets that make no link.

    Passes: `Check [the form](https://example.org) & the log <daily>.` Fails: a text of
    20,000 `[`, or a long listing of `a < b & c` outside a fenced code block.
    """
    for entry in context.handbook.entries:
        for loc, text in _texts(entry.item):
            if (len(text) <= MAX_SHOWN_AS_WRITTEN
                    or sum(map(text.count, "&<{}[]()")) <= MAX_SHOWN_AS_WRITTEN):
                continue  # too few candidates, whatever else the text holds
            found = shown_as_written(text)
            if found > MAX_SHOWN_AS_WRITTEN:
                yield Finding(entry.source, loc, f"expected at most {MAX_SHOWN_AS_WRITTEN} "
                              "characters that Markdown must show as written (&, <, {, }, "
                              f"brackets that make no link) in one text, found {found}: "
                              "Python-Markdown rereads the rest of the paragraph for each "
                              "one; put literal text in a fenced code block")
