"""Nodes to data: duplicate keys and unsupported tags refused, aliases expanded within a
budget, and positions noted only when a problem needs them."""

from __future__ import annotations

import datetime as dt
import re
from sys import intern
from typing import Any

import yaml

from generator.load.compose import (
    COLLECTION_TAGS,
    IMPLICIT,
    PLAIN_TAGS,
    STR_TAG,
    deferred_tag,
    maybe_typed,
    plain_tag,
)
from generator.load.positions import Loc, Position, mark_position
from generator.problems import Problem, Severity, quote

MAX_NODES = 100_000
"""Bound on values built from one file, counting every alias expansion ("billion laughs")."""

SHORT_TEXT = 40
"""Values this long or shorter are interned by the builder and not measured one by one; at
most this many characters each, they are bounded by the count of values instead."""


_IMPLICIT_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_CANONICAL_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?([Zz]|[+-][0-9]{2}:[0-5][0-9])?)?")
"""A YAML 1.1 timestamp written as the guide writes dates and times. YAML also reads
`2026-7-1`, `2026-07-01 9:30:00` and an offset of `-5` as times, which the schema and the
editor do not; they are refused with the canonical form to write instead."""


def _loose_time(text: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return (f"expected a date and time as YYYY-MM-DDTHH:MM:SS with its offset from UTC "
                f"(ISO 8601), found {quote(text)}; did you mean {quote(value.isoformat())}?")
    return (f"expected a date as YYYY-MM-DD, found {quote(text)}; did you mean "
            f"{quote(value.isoformat())}?")


class NeedsPositions(Exception):  # noqa: N818 - a signal, not an error
    """The first, untracked pass met a problem: build again, noting positions."""


class TooLargeError(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class Builder:
    """Turn a composed node graph into data, refusing duplicates; optionally note positions.

    A first pass builds without positions (``track=False``), the common case of a clean
    file; positions are tracked only when a problem needs them, in a second pass over the
    same nodes, or later on demand (`SourceMap`).
    """

    def __init__(self, loader: Any, path: str, *, track: bool = True) -> None:
        self.loader = loader
        self.path = path
        self.track = track
        self.count = 0
        self.problems: list[Problem] = []
        self.values: dict[Loc, Position] = {}
        self.keys: dict[Loc, Position] = {}
        self.reported: set[Loc] = set()
        self.active: set[int] = set()
        self.aliased = False
        self.long_text = 0
        """Characters in values longer than `SHORT_TEXT`, each alias counted: with `count`,
        a bound on the file's expanded text that costs nearly nothing to keep."""

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        # The hot loop of every check: one call per value, so kept lean.
        self.count += 1
        if self.count > MAX_NODES:
            raise TooLargeError(node.start_mark)
        if self.track:
            mark = node.start_mark
            self.values[loc] = (mark.line + 1, mark.column + 1)
        tag: Any = node.tag
        if node.__class__ is yaml.ScalarNode:
            if tag.__class__ is slice:  # left by `_CLoader`: resolved here, inline, as it is
                # the same test for nearly every value: plain text that cannot be typed
                value = node.value
                if not (value[:1] in IMPLICIT and tag.step[0] and maybe_typed(value)):
                    if len(value) <= 40:  # SHORT_TEXT
                        return intern(value)
                    self.long_text += len(value)
                    return value
                tag = node.tag = plain_tag(value)
            if tag == STR_TAG:
                # Short texts (ids, role and term references, statuses) repeat thousands of
                # times in a large handbook; one shared copy each saves a tenth of its memory.
                value = node.value
                if len(value) <= 40:  # SHORT_TEXT
                    return intern(value)
                self.long_text += len(value)
                return value
            return self._scalar(node, loc)
        if id(node) in self.active:
            # A recursive alias would never end; treat it like any other runaway expansion.
            self.aliased = True
            raise TooLargeError(node.start_mark)
        if tag.__class__ is not slice and tag not in COLLECTION_TAGS:  # slice: no tag given
            self.problems.append(self._at(node, "YAML001", f"the tag {quote(node.tag)} is not "
                                          "supported; remove it"))
            self.reported.add(loc)
            return None
        self.active.add(id(node))
        try:
            if node.__class__ is yaml.SequenceNode:
                if self.track:
                    return [self.build(child, (*loc, i)) for i, child in enumerate(node.value)]
                return [self.build(child, loc) for child in node.value]
            assert isinstance(node, yaml.MappingNode)
            return self._mapping(node, loc)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, loc: Loc | None) -> Any:
        self.long_text += len(node.value)  # typed values are rare: counted whatever their length
        if node.tag == STR_TAG:  # most values: text needs no constructing
            return node.value
        if node.tag not in PLAIN_TAGS:
            self._refuse(node, loc, "YAML001", f"the tag {quote(node.tag)} is not supported; "
                         "remove it")
            return node.value
        try:
            # construct_scalar-level methods directly: construct_object's bookkeeping (anchors,
            # recursion guards) is already done by this builder.
            value = self.loader.yaml_constructors[node.tag](self.loader, node)
            if node.tag == TIMESTAMP_TAG and not _CANONICAL_TIME.fullmatch(node.value):
                self._refuse(node, loc, "YAML006", _loose_time(node.value, value))
            return value
        except (ValueError, OverflowError, TypeError, KeyError, AttributeError,
                yaml.YAMLError) as error:
            explicit = getattr(node, "explicit", None)
            if explicit is None:  # libyaml's composer: an implicit date looks like one
                explicit = not _IMPLICIT_DATE.match(node.value)
            if node.tag.endswith(":timestamp") and not explicit:
                # PyYAML resolves `2024-13-45` as a date, then fails to build it.
                self._refuse(node, loc, "YAML006", f"expected a valid date as YYYY-MM-DD, "
                             f"found {quote(node.value)} ({error})")
            else:
                short = node.tag.rsplit(":", 1)[-1]
                self._refuse(node, loc, "YAML001", f"{quote(node.value)} cannot be read as the "
                             f"explicit type !!{short}; remove the tag or fix the value")
            return node.value

    def _refuse(self, node: yaml.Node, loc: Loc | None, code: str, message: str) -> None:
        self.problems.append(self._at(node, code, message))
        if loc is not None:
            self.reported.add(loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            tag: Any = key_node.tag
            if (tag.__class__ is slice and key_node.__class__ is yaml.ScalarNode
                    and not (tag.step[0] and key_node.value[:1] in IMPLICIT
                             and maybe_typed(key_node.value))):
                key = key_node.value  # the common case, as in `build`
            else:
                key = self._key(key_node)
                if key is None:
                    continue  # reported
            if key in result:
                if not self.track:
                    raise NeedsPositions
                line, column = self.keys[(*loc, key)]
                self.problems.append(
                    self._at(key_node, "YAML002", f"duplicate key {quote(key)}: first defined at "
                             f"line {line}, column {column}; YAML keeps only the last one")
                )
                continue
            if self.track:
                self.keys[(*loc, key)] = mark_position(key_node.start_mark)
                result[key] = self.build(value_node, (*loc, key))
            else:
                result[key] = self.build(value_node, loc)
        return result

    def _key(self, key_node: yaml.Node) -> str | None:
        """A key that may not be plain text (``yes:``, ``1:``, ``<<:``, a list), as text, or
        None once reported; YAML types keys like values, sopsite reads them as written."""
        tag: Any = key_node.tag
        if tag.__class__ is slice:
            key_node.tag = deferred_tag(tag)
        if key_node.tag == "tag:yaml.org,2002:merge":
            self.problems.append(
                self._at(key_node, "YAML004", "merge keys ('<<') are not supported; "
                         "write the keys out so reviewers see them in the diff")
            )
            return None
        if not isinstance(key_node, yaml.ScalarNode):
            self.problems.append(
                self._at(key_node, "YAML001", "expected a plain text key, found a "
                         f"{'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'}")
            )
            return None
        before = len(self.problems)
        key = self._scalar(key_node, None)
        if len(self.problems) > before:
            return None  # a key that cannot be read is reported, not kept
        return key if isinstance(key, str) else str(key_node.value)

    def _at(self, node: yaml.Node, code: str, message: str) -> Problem:
        if not self.track:
            raise NeedsPositions
        line, column = mark_position(node.start_mark)
        return Problem(self.path, line, column, code, Severity.ERROR, message)


def unique_nodes(root: yaml.Node) -> int:
    """How many distinct nodes ``root``'s graph has: fewer than values built means aliases."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    return len(seen)
