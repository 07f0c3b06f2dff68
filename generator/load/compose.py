"""YAML text to a node graph, with nesting bounded and tags left for the builder.

PyYAML's constructors forget positions, accept duplicate keys and expand aliases without
limit, so PyYAML (its C parser and composer where the text allows) only *composes* the
node graph here; `generator.load.build` turns the nodes into data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:  # libyaml's parser is much faster on large handbooks
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)

Parser = _Parser
"""The event parser: the depth check here and the expansion measure read a text with it."""

MAX_DEPTH = 128
"""Bound on nesting; deeper input is hostile (libyaml's own composer would crash on it)."""

PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
COLLECTION_TAGS = frozenset({SEQ_TAG, MAP_TAG})


class TooDeepError(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Composer(Composer):
    """PyYAML's composer on libyaml's events: bounded depth, and explicit tags remembered.

    libyaml's C composer recurses without a limit (a few thousand `[` crash the process),
    so nodes are composed in Python, where depth is counted and refused with a position.
    """

    depth = 0
    peek_event: Any  # provided by the parser the loader mixes in

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TooDeepError(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_scalar_node(self, anchor: Any) -> Any:
        explicit = self.peek_event().tag not in (None, "!")
        node = super().compose_scalar_node(anchor)
        node.explicit = explicit  # type: ignore[attr-defined]
        return node


class _Loader(_Composer, Parser, SafeConstructor, Resolver):
    def __init__(self, stream: str) -> None:
        Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


try:  # libyaml's own composer: much faster, but it recurses without a limit
    from yaml import CSafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    CSafeLoader = None  # type: ignore[assignment,misc]


IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) + tuple(Resolver.yaml_implicit_resolvers.get(None, []))
    for first, resolvers in Resolver.yaml_implicit_resolvers.items() if first is not None
}
"""PyYAML's implicit types (YAML 1.1: bool, int, float, null, timestamp, merge) by the first
character of a plain value; a value whose first character is not here is text."""
maybe_typed = re.compile("|".join(sorted({
    f"(?{'x' if regexp.flags & re.X else ''}:{regexp.pattern})"  # each with its own flags
    for pairs in IMPLICIT.values() for _, regexp in pairs
}))).match
"""Whether any implicit type matches: one C call that rules out nearly all plain text (`The
step`, `title`), where trying each candidate type in turn cost a sixth of a check."""


def deferred_tag(found: slice) -> str:
    """The tag PyYAML's resolver gives a node `_CLoader` composed: what `Resolver.resolve`
    returns without path resolvers, which sopsite never registers."""
    kind, value, implicit = found.start, found.stop, found.step
    if kind is yaml.ScalarNode:
        return plain_tag(value) if implicit[0] else STR_TAG
    return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG


def plain_tag(value: str) -> str:
    """The type of a plain (unquoted, untagged) scalar, from its text."""
    for tag, regexp in IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return STR_TAG


_FastLoader: Any = None
if CSafeLoader is not None:
    class _CLoader(CSafeLoader):
        """libyaml's composer, with tags resolved later, by the builder.

        The C composer calls back into Python three times per value: to resolve its tag,
        and to step a path resolver in and out, which would cost as much as the composing.
        Here the three callbacks are C types that just hold their arguments:
        `slice` keeps ``(kind, value, implicit)`` as the node's tag, and `deferred_tag`
        resolves it when the builder visits the node, as PyYAML's resolver would have.
        Explicit tags (``!!int 1``) never reach the resolver and stay as they are.
        """

        resolve = slice
        descend_resolver = slice  # type: ignore[assignment]
        ascend_resolver = tuple  # type: ignore[assignment]

    _FastLoader = _CLoader


def _shallow(text: str) -> bool:
    """Whether the values of ``text`` nest at most `MAX_DEPTH` deep, so that libyaml's
    composer, which recurses without a limit, may compose it.

    A cheap bound first: each level of flow nesting needs an opening bracket, and each
    level of block nesting one more column of indentation (or one more `- ` or `? `) at
    the start of a line. Brackets inside quotes or comments only loosen the bound. Texts
    it cannot clear, rare in a handbook, are walked event by event.
    """
    brackets = text.count("[") + text.count("{")
    if brackets < MAX_DEPTH:
        newlines = text.count("\r") == text.count("\r\n") and not any(
            other in text for other in ("\x85", "\u2028", "\u2029"))
        if _deep_indent(MAX_DEPTH - brackets, newlines).search("\n" + text) is None:
            return True
    return _nests_within(text, MAX_DEPTH)


@lru_cache(maxsize=2 * MAX_DEPTH + 2)
def _deep_indent(columns: int, newlines: bool) -> re.Pattern[str]:
    """A line that starts with ``columns`` spaces, `-` or `?`, after a line feed or, unless
    ``newlines`` says the text has no others, any of YAML 1.1's line breaks (a lone CR,
    NEL, LS, PS). Searched for after a break rather than with ``^`` and MULTILINE, and
    after a line feed alone when possible, so that the regex engine can skip ahead from
    break to break: a seventh of the time, on every file."""
    breaks = r"\n" if newlines else r"[\r\n\x85\u2028\u2029]"
    return re.compile(rf"{breaks}[ ?-]{{{columns}}}")


def _nests_within(text: str, limit: int) -> bool:
    """Exactly whether collections in ``text`` nest at most ``limit`` deep, from libyaml's
    parser, which keeps its own stack: only its composer recurses. Text it cannot parse is
    not cleared either: the bounded composer then reports where it goes wrong."""
    parser = Parser(text)
    depth = 0
    try:
        while not isinstance(event := parser.get_event(), yaml.StreamEndEvent):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return False
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()
    return True


def loader_for(text: str) -> Any:
    """libyaml's composer when ``text`` cannot nest deep enough to crash it, else ours."""
    if _FastLoader is not None and _shallow(text):
        return _FastLoader(text)
    return _Loader(text)
