"""Reading Markdown by lines: where fenced code is, and how deep lists and quotes nest.

Both the Markdown pre-pass (`generator.render.text`) and the check that refuses deep
nesting (`generator.checks.markdown`) need to know which lines are fenced code, and both
must read any text in one pass: a fence opener that searches the rest of the text for its
closer makes a text of openers cost the square of its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_CLOSER = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*")


def nesting(value: str) -> tuple[int, int]:
    """How deep lists and block quotes nest in Markdown ``value``, and the first line
    (1-based) that deep; fenced code does not count.

    Python-Markdown reads each level of a list or a quote by calling itself again: nested
    a few hundred deep it passes Python's recursion limit and the build fails. A level is
    a `>`, or a list marker (`-`, `+`, `*`, `1.`, `1)`) at the start of a line or after
    another marker, or four columns of indentation before a list marker.
    """
    lines = value.split("\n")
    deepest = (0, 0)
    for start, end, fenced in stretches(lines):
        if fenced:
            continue
        for number in range(start, end):
            depth = _depth(lines[number])
            if depth > deepest[0]:
                deepest = (depth, number + 1)
    return deepest


_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-+*]|\d+[.)])(?=[ \t]|$))")
_THEMATIC_BREAK = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")


def _depth(line: str) -> int:
    if _THEMATIC_BREAK.fullmatch(line):
        return 0
    indent = len(line) - len(line.lstrip(" \t"))
    columns = len(line[:indent].expandtabs(4))
    levels = lists = 0
    position = 0
    while marker := _CONTAINER.match(line, position):
        levels += 1
        lists += marker.group(0).lstrip(" \t") != ">"
        position = marker.end()
    return levels + (columns // 4 if lists else 0)


def stretches(lines: list[str]) -> Iterator[tuple[int, int, bool]]:
    """The lines as (start, end, fenced) stretches, in order: fenced code blocks (opener to
    closer) and the text between them. An opener that nothing closes is text."""
    closers = _last_closers(lines)
    index = text_from = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if fence and closers[fence.group(1)[0]][index + 1] >= len(fence.group(1)):
            end = index + 1
            while not _closes(lines[end], fence.group(1)):
                end += 1
            if text_from < index:
                yield text_from, index, False
            yield index, end + 1, True
            index = text_from = end + 1
        else:
            index += 1
    if text_from < len(lines):
        yield text_from, len(lines), False


def _closes(line: str, marker: str) -> bool:
    """Whether ``line`` ends a fence opened by ``marker``: the same character, as many or
    more of it, and nothing else but spaces (as in CommonMark and Python-Markdown)."""
    closer = _CLOSER.fullmatch(line)
    return (closer is not None and closer.group(1)[0] == marker[0]
            and len(closer.group(1)) >= len(marker))


def _last_closers(lines: list[str]) -> dict[str, list[int]]:
    """By fence character: at each line, the longest closing fence from there to the end.

    A fence opener without a closer is text; knowing this at once, instead of searching
    the rest of the text from every opener, keeps the pass linear."""
    longest = {"`": [0] * (len(lines) + 1), "~": [0] * (len(lines) + 1)}
    for index in range(len(lines) - 1, -1, -1):
        for column in longest.values():
            column[index] = column[index + 1]
        closer = _CLOSER.fullmatch(lines[index])
        if closer:
            run = closer.group(1)
            column = longest[run[0]]
            column[index] = max(column[index], len(run))
    return longest
