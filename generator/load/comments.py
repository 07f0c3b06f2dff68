"""Comments that cut a plain text value short: text an author meant to keep, lost to YAML."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

import yaml

from generator.load.compose import STR_TAG, deferred_tag
from generator.problems import Problem, Severity, quote

_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""YAML 1.1's line breaks, as libyaml counts lines: CRLF, lone CR, LF, NEL, LS and PS."""
_COMMENT = re.compile(r"[ \t]+(#\S[^\r\n\x85\u2028\u2029]*)"
                      r"|[ \t](#[ \t]+\S[^\r\n\x85\u2028\u2029]*)")
"""After a plain value: a comment that starts with a word (`#ops`), or one set off by a
single space (`text # more text`); `value  # note`, two spaces then `# `, is a comment."""


def _line_starts(text: str, offsets: list[int]) -> dict[int, int]:
    """Where each line holding one of ``offsets`` (ascending) starts, by its 0-based number
    as libyaml counts lines. Only those lines: numbering them all cost more than the walk."""
    if any(other in text for other in ("\r", "\x85", "\u2028", "\u2029")):
        every = [0, *(found.end() for found in _YAML_BREAK.finditer(text))]
        return {line: every[line] for line in (bisect_right(every, o) - 1 for o in offsets)}
    starts: dict[int, int] = {}
    line = last = 0
    for offset in offsets:
        line += text.count("\n", last, offset)
        last = offset
        starts[line] = text.rfind("\n", 0, offset) + 1
    return starts


def dropped_comments(root: yaml.Node, text: str, path: str) -> list[Problem]:
    """A warning at each comment that cuts a plain text value short.

    A plain value ends where `` #`` starts a comment, so ``channel: post in #ops-alerts``
    loads as ``post in`` and the page shows half a sentence. A comment written as one
    (two spaces, then ``# ``, as yamllint asks) is taken to be meant; ``#ops``, ``#1234``
    and ``call the desk # then log it`` are text an author expected to keep. Keys, quoted
    and block values keep their text, and typed values (``12 #months``) are not text, so
    only plain text values (and empty ones: ``key: #ops`` is null) are looked at, and only
    those that end on a line with such a comment. Only the collections that span such a
    line are entered, and only those lines are numbered: walking every value and numbering
    every line would make a file with one such comment slow to load.
    """
    hashtags = []
    at = text.find("#")
    while at != -1:
        after = text[at + 1:at + 2]
        if text[at - 1:at] in (" ", "\t") and after and (
                not after.isspace() or text[at - 2:at - 1] not in (" ", "\t", "\n", "")):
            hashtags.append(at)
        at = text.find("#", at + 1)
    if not hashtags:  # only `# ` comments, the common case
        return []
    starts = _line_starts(text, hashtags)
    lines = sorted(starts)

    def spans(node: yaml.Node) -> bool:
        first = bisect_left(lines, node.start_mark.line)  # the first such line it may hold
        return first < len(lines) and lines[first] <= node.end_mark.line

    problems: list[Problem] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: its node was looked at already
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value if spans(value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(item for item in node.value if spans(item))
        elif isinstance(node, yaml.ScalarNode) and not node.style:
            tag: Any = node.tag
            if (deferred_tag(tag) if tag.__class__ is slice else tag) != STR_TAG and (
                    node.value != ""):  # `key: #ops` loses all its text: a null
                continue
            line = node.end_mark.line
            comment = _COMMENT.match(text, starts[line] + node.end_mark.column)
            if comment is None:
                continue
            group = comment.lastindex or 1
            dropped = comment.group(group).rstrip()
            problems.append(Problem(
                path, line + 1, comment.start(group) - starts[line] + 1, "YAML007",
                Severity.WARNING, f"text after ' #' is a YAML comment and is dropped: "
                f"{quote(dropped)}; quote the value to keep it (a comment meant as one is set off "
                "by two spaces and '# ')"))
    return sorted(problems)  # in file order, as the walk's stack does not visit them
