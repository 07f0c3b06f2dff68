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
_TICKS = re.compile(r"`+")
_LINK_SYNTAX = re.compile(r"[\[\]()|]")

MAX_BRACKET_DEPTH = 4
"""Deepest nesting of `[...]` that reaches Python-Markdown as link syntax.

Its link scanner searches from every `[` to the matching `]` (or to the end of the
paragraph), so brackets nested n deep cost n times their length. An image inside a link,
`[![alt](src)](url)`, is 2 deep; brackets deeper than this are shown as written."""


def nesting(value: str) -> tuple[int, int]:
    """How deep lists and block quotes nest in Markdown ``value``, and the first line
    (1-based) that deep; fenced code does not count.

    Python-Markdown reads each level of a list or a quote by calling itself again: nested
    deep enough, it passes Python's recursion limit and the build fails. A level is
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


_MARKERS = frozenset("-+*>0123456789")
_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-+*]|\d+[.)])(?=[ \t]|$))")
_THEMATIC_BREAK = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")


def _depth(line: str) -> int:
    text = line.lstrip(" \t")
    if not text or text[0] not in _MARKERS:  # most lines: no list or quote starts here
        return 0
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


def code_spans(line: str) -> list[tuple[int, int]]:
    """Inline code spans in ``line``: from a backtick run to the next run of equal length."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    following: list[int | None] = [None] * len(runs)
    seen: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        following[i] = seen.get(length)
        seen[length] = i
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        j = following[i]
        if j is None:
            i += 1
        else:
            spans.append((runs[i][0], runs[j][1]))
            i = j + 1
    return spans


def loose_brackets(line: str, spans: list[tuple[int, int]]) -> list[int]:
    """Where in ``line`` (outside ``spans``) a bracket cannot make a link, in order.

    Matched within the line, and within a table cell: Python-Markdown reads each cell
    alone, and a link whose text runs over two lines is rare enough to show as written.
    """
    loose: list[int] = []
    squares: list[int] = []
    rounds: list[int] = []
    span = 0
    for match in _LINK_SYNTAX.finditer(line):
        at, char = match.start(), match.group(0)
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if (span < len(spans) and spans[span][0] <= at) or _escaped(line, at):
            continue
        if char == "|":
            loose.extend(squares)
            loose.extend(rounds)
            squares.clear()
            rounds.clear()
        elif char == "[":
            squares.append(at)
        elif char == "]" and squares:
            opening = squares.pop()
            if len(squares) >= MAX_BRACKET_DEPTH:
                loose.extend((opening, at))
        elif char == "(":
            if at and line[at - 1] == "]":
                rounds.append(at)
            else:
                rounds.append(-1)  # only a link's own parentheses are escaped
        elif char == ")" and rounds:
            rounds.pop()
    loose.extend(squares)
    loose.extend(rounds)
    return sorted(at for at in loose if at >= 0)


def _escaped(line: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd run of backslashes."""
    run = 0
    while at - run > 0 and line[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


_SHOWN = re.compile(r"[&<{}]")


def shown_as_written(value: str) -> int:
    """How many characters of Markdown ``value`` the pre-pass escapes (`&`, `<`, `{`, `}`
    and brackets that make no link, outside code).

    Python-Markdown turns each into an escape or an entity of its own, and copies the rest
    of its paragraph to do so: a text of n of them costs n times its length.
    """
    lines = value.split("\n")
    count = 0
    for start, end, fenced in stretches(lines):
        if fenced:
            continue
        for line in lines[start:end]:
            spans = code_spans(line)
            count += len(loose_brackets(line, spans))
            if spans:
                line = "".join(line[a:b] for a, b in _between(spans, len(line)))
            count += len(_SHOWN.findall(line))
    return count


def _between(spans: list[tuple[int, int]], length: int) -> Iterator[tuple[int, int]]:
    position = 0
    for start, end in spans:
        yield position, start
        position = end
    yield position, length
