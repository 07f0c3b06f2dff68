"""Read YAML files into plain Python data while keeping where every value came from.

PyYAML's constructors forget positions, accept duplicate keys and expand aliases without
limit. So we only let PyYAML (its C parser where available) *compose* the node graph,
then build the data ourselves: each mapping key and value records its 1-based line and
column under its location path, which is exactly the ``loc`` pydantic reports. That is
what lets a model error point at the offending value rather than at the file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from sys import intern
from typing import Any

import yaml
import yaml.reader
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from generator.boundary import kind_of, read_bounded
from generator.problems import Problem, Severity, quote

try:  # libyaml's parser is several times faster on large handbooks
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

MAX_FILE_BYTES = 1024 * 1024
"""Larger files are refused: no procedure needs a megabyte, and a cap bounds the work."""

MAX_NODES = 100_000
"""Bound on values built from one file, counting every alias expansion ("billion laughs")."""

MAX_DEPTH = 128
"""Bound on nesting; deeper input is hostile (libyaml's own composer would crash on it)."""

EXPANSION_FACTOR = 4
"""How many times its own size a file's text may grow through aliases.

Without aliases a file's text is never longer than the file, so the budget only ever
binds an aliased file. Real procedures are 20 to 100 KB of YAML and repeat a sentence
or a checklist through an anchor at most a few times; four times the file leaves that
room many times over, while the whole budget stays a few MiB at most (the file limit
times four): a page or a check that long takes seconds, not the minutes a small file
aliasing a long text thousands of times would make every later stage take.
"""

MIN_EXPANDED = 1024 * 1024
"""The expanded-text budget of a small file, in characters: a short file may still
repeat one paragraph through aliases many times without reaching it."""

PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"
COLLECTION_TAGS = frozenset({SEQ_TAG, MAP_TAG})

Loc = tuple[str | int, ...]
Position = tuple[int, int]


class _TooDeepError(Exception):
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
                raise _TooDeepError(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_scalar_node(self, anchor: Any) -> Any:
        explicit = self.peek_event().tag not in (None, "!")
        node = super().compose_scalar_node(anchor)
        node.explicit = explicit  # type: ignore[attr-defined]
        return node


class _Loader(_Composer, _Parser, SafeConstructor, Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


try:  # libyaml's own composer: about ten times faster, but it recurses without a limit
    from yaml import CSafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    CSafeLoader = None  # type: ignore[assignment,misc]


_IMPLICIT: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) + tuple(Resolver.yaml_implicit_resolvers.get(None, []))
    for first, resolvers in Resolver.yaml_implicit_resolvers.items() if first is not None
}
"""PyYAML's implicit types (YAML 1.1: bool, int, float, null, timestamp, merge) by the first
character of a plain value; a value whose first character is not here is text."""
_maybe_typed = re.compile("|".join(sorted({
    f"(?{'x' if regexp.flags & re.X else ''}:{regexp.pattern})"  # each with its own flags
    for pairs in _IMPLICIT.values() for _, regexp in pairs
}))).match
"""Whether any implicit type matches: one C call that rules out nearly all plain text (`The
step`, `title`), where trying each candidate type in turn cost a sixth of a check."""


def _deferred_tag(found: slice) -> str:
    """The tag PyYAML's resolver gives a node `_CLoader` composed: what `Resolver.resolve`
    returns without path resolvers, which sopsite never registers."""
    kind, value, implicit = found.start, found.stop, found.step
    if kind is yaml.ScalarNode:
        return _plain_tag(value) if implicit[0] else STR_TAG
    return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG


def _plain_tag(value: str) -> str:
    """The type of a plain (unquoted, untagged) scalar, from its text."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return STR_TAG


_FastLoader: Any = None
if CSafeLoader is not None:
    class _CLoader(CSafeLoader):
        """libyaml's composer, with tags resolved later, by the builder.

        The C composer calls back into Python three times per value: to resolve its tag,
        and to step a path resolver in and out. Those calls were half of composing a large
        handbook. Here the three callbacks are C types that just hold their arguments:
        `slice` keeps ``(kind, value, implicit)`` as the node's tag, and `_deferred_tag`
        resolves it when the builder visits the node, as PyYAML's resolver would have.
        Explicit tags (``!!int 1``) never reach the resolver and stay as they are.
        """

        resolve = slice
        descend_resolver = slice  # type: ignore[assignment]
        ascend_resolver = tuple  # type: ignore[assignment]

    _FastLoader = _CLoader


_IMPLICIT_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")


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
    parser = _Parser(text)
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


def _loader(text: str) -> Any:
    if _FastLoader is not None and _shallow(text):
        return _FastLoader(text)
    return _Loader(text)


@dataclass(frozen=True)
class SourceMap:
    """Where each value and each key of one YAML item sits in its file.

    Positions are only needed to report a problem, and a clean handbook has none; recording
    one per value while loading cost a third of a check's time and most of its memory. So a
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
        return _within(values, self.prefix), _within(keys, self.prefix)

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


class _NeedsPositions(Exception):  # noqa: N818 - a signal, not an error
    """The first, untracked pass met a problem: build again, noting positions."""


class _TooLargeError(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Builder:
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
            raise _TooLargeError(node.start_mark)
        if self.track:
            mark = node.start_mark
            self.values[loc] = (mark.line + 1, mark.column + 1)
        tag: Any = node.tag
        if node.__class__ is yaml.ScalarNode:
            if tag.__class__ is slice:  # left by `_CLoader`: resolved here, inline, as it is
                # the same test for nearly every value: plain text that cannot be typed
                value = node.value
                if not (value[:1] in _IMPLICIT and tag.step[0] and _maybe_typed(value)):
                    if len(value) <= 40:  # SHORT_TEXT
                        return intern(value)
                    self.long_text += len(value)
                    return value
                tag = node.tag = _plain_tag(value)
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
            raise _TooLargeError(node.start_mark)
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
            return self.loader.yaml_constructors[node.tag](self.loader, node)
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
                    and not (tag.step[0] and key_node.value[:1] in _IMPLICIT
                             and _maybe_typed(key_node.value))):
                key = key_node.value  # the common case, as in `build`
            else:
                key = self._key(key_node)
                if key is None:
                    continue  # reported
            if key in result:
                if not self.track:
                    raise _NeedsPositions
                line, column = self.keys[(*loc, key)]
                self.problems.append(
                    self._at(key_node, "YAML002", f"duplicate key {quote(key)}: first defined at "
                             f"line {line}, column {column}; YAML keeps only the last one")
                )
                continue
            if self.track:
                self.keys[(*loc, key)] = _pos(key_node.start_mark)
                result[key] = self.build(value_node, (*loc, key))
            else:
                result[key] = self.build(value_node, loc)
        return result

    def _key(self, key_node: yaml.Node) -> str | None:
        """A key that may not be plain text (``yes:``, ``1:``, ``<<:``, a list), as text, or
        None once reported; YAML types keys like values, sopsite reads them as written."""
        tag: Any = key_node.tag
        if tag.__class__ is slice:
            key_node.tag = _deferred_tag(tag)
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
            raise _NeedsPositions
        line, column = _pos(node.start_mark)
        return Problem(self.path, line, column, code, Severity.ERROR, message)


def _unique_nodes(root: yaml.Node) -> int:
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


SHORT_TEXT = 40
"""Values this long or shorter are interned by the builder and not measured one by one; at
most this many characters each, they are bounded by the count of values instead."""


def expansion_budget(text: str) -> int:
    """How many characters of text ``text`` may expand to through aliases."""
    return max(EXPANSION_FACTOR * len(text), MIN_EXPANDED)


_ANCHOR_BEFORE = frozenset(" \t\r\n\x85\u2028\u2029[{,")
_ANCHOR_NOT_AFTER = frozenset(" \t\r\n\x85\u2028\u2029[]{},")


def _may_alias(text: str) -> bool:
    """Whether ``text`` may define an anchor (``&name`` after a space or a bracket).

    Only then can aliases grow its text, and only then is it parsed a second time
    (`_expansion_overrun`). `&` alone is rare in prose, and ``R&D`` or `` & `` is no
    anchor, so nearly every file is cleared by a few searches for one character.
    """
    at = text.find("&")
    while at != -1:
        if ((at == 0 or text[at - 1] in _ANCHOR_BEFORE)
                and text[at + 1:at + 2] not in _ANCHOR_NOT_AFTER):
            return True
        at = text.find("&", at + 1)
    return False


def _expansion_overrun(text: str, path: str) -> Problem | None:
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
    parser = _Parser(text)
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
    line, column = _pos(crossed)
    return Problem(path, line, column, "YAML008", Severity.ERROR,
                   f"aliases expand the file's text to {total:,} characters, more than the "
                   f"limit of {budget:,} (the larger of {MIN_EXPANDED:,} and "
                   f"{EXPANSION_FACTOR} times the file's {len(text):,} characters); this alias "
                   "crosses it: repeat less text through aliases, or split the document")


def _pos(mark: yaml.Mark) -> Position:
    return mark.line + 1, mark.column + 1


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text, or the problem that says why the bytes are not a YAML source."""

    def fail(line: int, column: int, code: str, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path, line, column, code, Severity.ERROR, message)]

    if len(raw) > MAX_FILE_BYTES:
        return fail(1, 1, "FILE001", f"file is {len(raw):,} bytes, more than the limit of "
                    f"{MAX_FILE_BYTES:,}; split the procedure into smaller documents")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _line_col(raw, offset)
        return fail(line, column, "FILE002", "expected a UTF-8 text file, found a binary "
                    "file (NUL byte)")
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_col(raw, error.start)
        return fail(line, column, "FILE003", f"expected UTF-8 text, found byte "
                    f"0x{raw[error.start]:02x} that is not valid UTF-8; save the file as UTF-8")
    return text, []


BOM = b"\xef\xbb\xbf"
_BREAK = re.compile(r"\r\n|\r|\n")


def _line_col(raw: bytes, offset: int) -> Position:
    """1-based position of a byte offset; CR, LF and CRLF all end a line, as in YAML."""
    return _text_line_col(raw[:offset].decode("utf-8", errors="replace"), None)


def _text_line_col(text: str, offset: int | None) -> Position:
    before = text if offset is None else text[:offset]
    breaks = list(_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, len(before) - start + 1


def load_text(text: str, path: str) -> LoadResult:
    """Parse one YAML source into items with positions, or problems."""
    result = LoadResult(text=text)
    loader = _loader(text)
    try:
        try:
            root = loader.get_single_node()
        except _TooDeepError as error:
            line, column = _pos(error.mark)
            result.problems.append(
                Problem(path, line, column, "YAML005", Severity.ERROR,
                        f"values nest more than {MAX_DEPTH} levels deep; flatten the structure")
            )
            return result
        except yaml.reader.ReaderError as error:
            line, column = _text_line_col(text, error.position)
            char = error.character if isinstance(error.character, str) else chr(error.character)
            result.problems.append(
                Problem(path, line, column, "YAML001", Severity.ERROR,
                        f"invalid character U+{ord(char):04X}: control characters are not "
                        "allowed in YAML; delete it")
            )
            return result
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = _pos(mark) if mark else (1, 1)
            reason = error.problem or "invalid YAML"
            if reason == "found undefined alias" and mark is not None:
                name = re.match(r"\*([^\s,\[\]{}]+)", text[mark.index:])
                reason += f" {quote(name.group(1))}" if name else ""
            if error.context:
                reason = f"{error.context}: {reason}"
            result.problems.append(
                Problem(path, line, column, "YAML001", Severity.ERROR, f"invalid YAML: {reason}")
            )
            return result
        except yaml.YAMLError as error:
            reason = " ".join(str(error).split())
            result.problems.append(
                Problem(path, 1, 1, "YAML001", Severity.ERROR, f"invalid YAML: {reason}")
            )
            return result
        if root is not None and root.tag.__class__ is slice:
            root.tag = _deferred_tag(root.tag)
        if root is None or (isinstance(root, yaml.ScalarNode) and root.value == ""
                            and root.tag == "tag:yaml.org,2002:null"):
            result.problems.append(
                Problem(path, 1, 1, "FILE004", Severity.ERROR,
                        "file is empty; expected a mapping with 'kind' (or a list of them)")
            )
            return result
        if not isinstance(root, yaml.MappingNode | yaml.SequenceNode):
            line, column = _pos(root.start_mark)
            result.problems.append(
                Problem(path, line, column, "YAML003", Severity.ERROR,
                        f"expected a mapping with 'kind' (or a list of them) at the top level, "
                        f"found a scalar {quote(root.value)}")
            )
            return result
        builder = _Builder(loader, path, track=False)
        try:
            try:
                data = builder.build(root, ())
            except _NeedsPositions:
                builder = _Builder(loader, path)
                data = builder.build(root, ())
        except _TooLargeError as error:
            line, column = _pos(error.mark)
            aliased = builder.aliased or _unique_nodes(root) < builder.count
            message = (f"aliases expand to more than {MAX_NODES:,} values (or refer to "
                       "themselves); write the content out instead" if aliased else
                       f"file holds more than {MAX_NODES:,} values; split it into smaller "
                       "documents")
            result.problems.append(Problem(path, line, column, "YAML005", Severity.ERROR,
                                           message))
            return result
        overrun = None
        if builder.long_text + SHORT_TEXT * builder.count > expansion_budget(text) and (
                _may_alias(text)):  # the bound the builder kept is passed: measure exactly
            overrun = _expansion_overrun(text, path)
        if overrun is not None:
            result.problems.append(overrun)
            return result
        if data is None:  # the top-level value itself was refused (a tag): nothing to split
            result.problems.extend(builder.problems)
            return result
        if data == []:
            result.problems.append(
                Problem(path, 1, 1, "FILE004", Severity.ERROR,
                        "file holds an empty list; expected a mapping with 'kind' (or a list "
                        "of them)")
            )
            return result
        result.problems.extend(builder.problems)
        if " #" in text or "\t#" in text:  # rare: only these files are walked again
            result.problems.extend(_dropped_comments(root, text, path))
        _split(data, builder, path, result)
        return result
    finally:
        loader.dispose()


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


def _dropped_comments(root: yaml.Node, text: str, path: str) -> list[Problem]:
    """A warning at each comment that cuts a plain text value short.

    A plain value ends where `` #`` starts a comment, so ``channel: post in #ops-alerts``
    loads as ``post in`` and the page shows half a sentence. A comment written as one
    (two spaces, then ``# ``, as yamllint asks) is taken to be meant; ``#ops``, ``#1234``
    and ``call the desk # then log it`` are text an author expected to keep. Keys, quoted
    and block values keep their text, and typed values (``12 #months``) are not text, so
    only plain text values (and empty ones: ``key: #ops`` is null) are looked at, and only
    those that end on a line with such a comment. Only the collections that span such a
    line are entered, and only those lines are numbered: walking every value and numbering
    every line made a file with one such comment much slower to load.
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
            if (_deferred_tag(tag) if tag.__class__ is slice else tag) != STR_TAG and (
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


def _split(data: Any, builder: _Builder, path: str, result: LoadResult) -> None:
    """One item per top-level mapping, each with positions relative to itself."""
    text = result.text

    def source(prefix: Loc) -> SourceMap:
        in_list = bool(prefix)
        if not builder.track:
            return SourceMap(path, text, prefix, in_list)
        reported = frozenset(_within(dict.fromkeys(builder.reported), prefix))
        return SourceMap.known(path, _within(builder.values, prefix),
                               _within(builder.keys, prefix), text=text, prefix=prefix,
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


def _within(table: dict[Loc, Any], prefix: Loc) -> dict[Loc, Any]:
    """The entries of ``table`` under ``prefix``, with locations relative to it."""
    size = len(prefix)
    return {loc[size:]: value for loc, value in table.items() if loc[:size] == prefix}


@lru_cache(maxsize=16)
def _positions(text: str, path: str) -> tuple[dict[Loc, Position], dict[Loc, Position]]:
    """Every value's and key's position in ``text``, which loaded cleanly before.

    Cached for the few files a run reports on: a duplicate-id rule asks about both files.
    """
    loader = _loader(text)
    try:
        builder = _Builder(loader, path)
        builder.build(loader.get_single_node(), ())
        return builder.values, builder.keys
    finally:
        loader.dispose()


def load_file(file: Path, display: str) -> LoadResult:
    """Read and parse one file; ``display`` is the path shown in problems.

    At most one byte more than the limit is read, whatever the file claims to hold, and
    only from a regular file (see `generator.boundary.read_bounded`).
    """
    try:
        raw, status = read_bounded(file, MAX_FILE_BYTES)
    except OSError as error:
        return LoadResult(problems=[Problem(display, 1, 1, "FILE005", Severity.ERROR,
                                            f"cannot read file: {error.strerror}")])
    kind = kind_of(status.st_mode)
    if kind is not None:
        return LoadResult(problems=[Problem(
            display, 1, 1, "FILE007", Severity.ERROR,
            f"expected a regular file, found {kind}; sopsite reads only regular files")])
    if max(status.st_size, len(raw)) > MAX_FILE_BYTES:
        return LoadResult(problems=[Problem(
            display, 1, 1, "FILE001", Severity.ERROR,
            f"file is {max(status.st_size, len(raw)):,} bytes, more than the limit of "
            f"{MAX_FILE_BYTES:,}; split the procedure into smaller documents")])
    text, problems = _decode(raw, display)
    if text is None:
        return LoadResult(problems=problems)
    return load_text(text, display)


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
