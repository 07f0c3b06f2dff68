"""Turn raw YAML items into models, and pydantic's errors into problems authors can act on.

Pydantic reports *what* failed in its own words; authors need the key, the line, what was
expected, what they wrote and what to write instead. This module knows the model well
enough to say that: the valid keys of the mapping at any location, the choices of a
literal, the example of a field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import types
import typing
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from generator.load import Loc, RawItem, describe
from generator.model.content import KINDS, LISTABLE_KINDS, AnyItem
from generator.model.fields import MAX_NAME, MAX_TEXT
from generator.problems import Problem, quote, shorten

MAX_SUGGESTED = 20
"""Unknown values per file that are compared with every valid choice for a "did you mean"."""


def closest(word: str, choices: typing.Iterable[str]) -> str | None:
    """The valid choice an author most likely meant, if any is close enough."""
    return _closest(word, tuple(choices))


@functools.lru_cache(maxsize=4096)
def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    # Cached: one broken reference is often repeated across many documents.
    return _close_match(word, choices)


def _close_match(word: str, choices: typing.Sequence[str]) -> str | None:
    """The one place a word is compared with every choice: the cost `Suggestions` bounds."""
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: typing.Iterable[str], noun: str = "") -> str:
    """A "did you mean" hint, or the list of valid choices when nothing is close."""
    options = sorted(set(choices))
    return _hint(closest(word, options), options, noun)


def _hint(guess: str | None, options: list[str], noun: str) -> str:
    if guess:
        return f"did you mean {quote(guess)}?"
    if not options:
        return f"no {noun or 'choices'} are defined"
    shown = ", ".join(map(shorten, options[:12])) + (", ..." if len(options) > 12 else "")
    return f"valid {noun or 'choices'}: {shown}"


class Suggestions:
    """"Did you mean" hints against one set of choices, in time linear in the unknowns.

    Each hint compares the unknown word with every choice. A generated file with thousands
    of steps that all lead to missing steps would make that quadratic (minutes for one
    file), so the choices are sorted once, and only the first `MAX_SUGGESTED` distinct
    unknown words of each file are compared; the rest say that the file has too many.
    The choices are only read when a hint is asked for: most checks need none.
    """

    def __init__(self, choices: typing.Iterable[str], noun: str,
                 limit: int = MAX_SUGGESTED) -> None:
        self.choices = choices
        self.noun = noun
        self.limit = limit
        self._asked: dict[str, int] = {}
        self._hints: dict[tuple[str, str], str] = {}

    @functools.cached_property
    def options(self) -> list[str]:
        """The choices, sorted once, and only when some value is unknown."""
        return sorted(set(self.choices))

    def hint(self, word: str, path: str) -> str:
        """The hint for ``word``, unknown in the file at ``path``."""
        known = self._hints.get((path, word))
        if known is not None:
            return known
        asked = self._asked.get(path, 0)
        if asked >= self.limit:
            return (f"no suggestion: more than {self.limit} unknown {self.noun} in this file "
                    "were compared already")
        self._asked[path] = asked + 1
        hint = _hint(_close_match(word, self.options), self.options, self.noun)
        self._hints[(path, word)] = hint
        return hint


def validate_item(raw: RawItem, *, in_list: bool) -> tuple[AnyItem | None, list[Problem]]:
    """The model of one YAML item, or the problems that stop it from being one."""
    data, source = raw.data, raw.source
    kind = data.get("kind")
    if kind is None:
        return None, [source.problem((), "MODEL001", "missing required key 'kind'; expected "
                                     f"one of: {', '.join(KINDS)}")]
    if not isinstance(kind, str):
        return None, [source.problem(("kind",), "MODEL001", f"expected a kind as text, found "
                                     f"{describe(kind)}; valid kinds: "
                                     f"{', '.join(sorted(KINDS))}")]
    if kind not in KINDS:
        return None, [source.problem(("kind",), "MODEL001", f"unknown kind {quote(kind)}; "
                                     f"{did_you_mean(kind, KINDS, 'kinds')}")]
    if in_list and kind not in LISTABLE_KINDS:
        return None, [source.problem(("kind",), "MODEL005",
                                     f"a {kind} must be the only item in its file (its file's "
                                     "history is its revision history); only roles and terms "
                                     "may share a file")]
    model = KINDS[kind]
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        details = [d for d in error.errors() if tuple(d["loc"]) not in source.reported]
        return None, [_problem(model, d, raw) for d in _without_typo_echoes(model, details)]


def _without_typo_echoes(model: type[BaseModel], details: list[ErrorDetails]
                         ) -> list[ErrorDetails]:
    """Drop "missing 'name'" when the same mapping has the typo 'nmae': one mistake, one line.

    The unknown-key problem already says "did you mean 'name'?", which fixes both.
    """
    meant = set()
    for detail in details:
        if detail["type"] == "extra_forbidden":
            loc = tuple(detail["loc"])
            parent, _ = resolve(model, loc[:-1])
            guess = closest(str(loc[-1]), parent.model_fields) if parent else None
            if guess:
                meant.add((*loc[:-1], guess))
    return [d for d in details if not (d["type"] == "missing" and tuple(d["loc"]) in meant)]


def _problem(model: type[BaseModel], detail: ErrorDetails, raw: RawItem) -> Problem:
    loc: Loc = tuple(detail["loc"])
    kind = detail["type"]
    value = detail.get("input")
    source = raw.source
    if kind == "literal_error" and loc and loc[-1] == "[key]":  # a mapping's key, not a value
        _, info = resolve(model, loc[:-2])
        key = str(loc[-2])
        choices = _key_choices(info)
        hint = did_you_mean(key, choices)
        return source.problem(loc[:-1], "MODEL002", f"unknown key {quote(key)} in "
                              f"{_where(loc[:-2], model)}; expected one of "
                              f"{', '.join(choices)}" + (f"; {hint}" if hint.startswith("did")
                                                         else ""), key=True)
    if kind == "extra_forbidden":
        parent, _ = resolve(model, loc[:-1])
        key = str(loc[-1])
        valid = list(parent.model_fields) if parent else []
        hint = did_you_mean(key, valid, "keys")
        return source.problem(loc, "MODEL002", f"unknown key {quote(key)} in "
                              f"{_where(loc[:-1], model)}"
                              f"; {hint}", key=True)
    _, info = resolve(model, loc)
    field = str(loc[-1]) if loc and isinstance(loc[-1], str) else None
    if kind == "missing":
        about = f" ({_lower_first(info.description)})" if info and info.description else ""
        return source.problem(loc[:-1], "MODEL003", f"missing required key {quote(field)} in "
                              f"{_where(loc[:-1], model)}{about}")
    if kind == "string_too_long":
        limit = int(detail.get("ctx", {}).get("max_length", MAX_TEXT))
        if loc and loc[-1] == "[key]":  # a key the author chose, in a mapping of them
            return source.problem(loc[:-1], "MODEL006", _too_long(None, str(loc[-2]), limit),
                                  key=True)
        return source.problem(loc, "MODEL006", _too_long(field, value, limit))
    return source.problem(loc, "MODEL004", _invalid(detail, value, field, info))


def _too_long(field: str | None, value: Any, limit: int) -> str:
    """MODEL006: the length and the limit, and how to stay within it, not the text itself."""
    name = f"{quote(field)}: " if field else ""
    length = len(value) if isinstance(value, str) else 0
    advice = ("shorten it, and say the rest in the text it heads" if limit <= MAX_NAME else
              "split it: into several steps, substeps or items, or a document of its own "
              "that this one links to")
    return f"{name}expected text of at most {limit:,} characters, found {length:,}; {advice}"


def _invalid(detail: ErrorDetails, value: Any, field: str | None, info: FieldInfo | None) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    found = describe(value)
    name = f"{quote(field)}: " if field else ""
    if kind == "literal_error":
        choices = _literal_choices(info)
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        listed = ", ".join(choices)
        return f"{name}expected one of {listed}; found {found}" + (
            f"; {hint}" if hint.startswith("did") else "")
    if kind == "value_error":
        return name + str(ctx.get("error", detail["msg"]))
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return (f"{name}expected text, found {found}; put it in quotes, e.g. "
                f'{field or "value"}: "{_example(info, value)}"')
    if kind == "string_type" and isinstance(value, bool):
        return (f"{name}expected text, found {found} (YAML reads yes, no, on and off as "
                f'booleans); put it in quotes, e.g. {field or "value"}: "yes"')
    if kind == "string_too_short":
        return f"{name}expected non-empty text, found an empty string"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length" if kind == "too_short" else "max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"{name}expected {word} {bound} item(s), found {ctx.get('actual_length')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low = info and _bound(info, "ge")
        high = info and _bound(info, "le")
        if low is not None and high is not None:
            return f"{name}expected a whole number from {low} to {high}, found {found}"
        return f"{name}{detail['msg'].lower()}, found {found}"
    expected = _EXPECTED.get(kind)
    if expected:
        if isinstance(value, dt.datetime) and kind == "date_type":
            expected = "a date as YYYY-MM-DD without a time"
        example = _example(info, None)
        if VERSION_LIKE.match(example):
            example = f'"{example}"'  # unquoted, YAML would read a number
        tail = f", e.g. {field or 'value'}: {example}" if example else ""
        return f"{name}expected {expected}, found {found}{tail}"
    return f"{name}{detail['msg']}; found {found}"


_EXPECTED = MappingProxyType({
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date as YYYY-MM-DD",
    "date_parsing": "a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "a date as YYYY-MM-DD without a time",
    "list_type": "a list (lines starting with '- ')",
    "model_type": "a mapping of keys and values",
    "model_attributes_type": "a mapping of keys and values",
    "dict_type": "a mapping of keys and values",
})


def _bound(info: FieldInfo, name: str) -> Any:
    for item in info.metadata:
        if hasattr(item, name):
            return getattr(item, name)
    return None


def _example(info: FieldInfo | None, value: Any) -> str:
    """The field's first example as text, or the value itself when there is none."""
    examples = list(info.examples or []) if info else []
    if info and not examples:
        for arg in _flatten_with_metadata(info.annotation):
            examples.extend(getattr(arg, "examples", None) or [])
    if examples:
        return str(examples[0])
    if info and _unwrap(info.annotation) is not None:
        return ""
    return "" if value is None else str(value)


VERSION_LIKE = re.compile(r"^\d+\.\d+$")


def _flatten_with_metadata(annotation: Any) -> Iterator[Any]:
    """Every FieldInfo hidden in ``Annotated[...]`` members of ``annotation``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from typing.get_args(annotation)[1:]
        yield from _flatten_with_metadata(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _flatten_with_metadata(arg)


def _literal_choices(info: FieldInfo | None) -> list[str]:
    if info is None:
        return []
    for arg in _flatten(info.annotation):
        if typing.get_origin(arg) is typing.Literal:
            return [str(choice) for choice in typing.get_args(arg)]
    return []


def _flatten(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _flatten(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _flatten(arg)
    else:
        yield annotation


def mapping_types(info: FieldInfo | None) -> tuple[Any, Any] | None:
    """The key and value types of a ``dict[K, V]`` field: a mapping whose keys the author
    chooses, so a location's next part is one of its keys, not a field."""
    for arg in _flatten(info.annotation) if info else ():
        if typing.get_origin(arg) is dict:
            key, value = typing.get_args(arg)
            return key, value
    return None


def _key_choices(info: FieldInfo | None) -> list[str]:
    """The keys a ``dict[Literal[...], X]`` field allows."""
    types = mapping_types(info)
    return _literal_choices(FieldInfo(annotation=types[0])) if types else []


def _unwrap(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``X | None``, ``list[X]``, ``dict[K, X]`` or
    ``Annotated[X, ...]``, if any."""
    for arg in _flatten(annotation):
        if typing.get_origin(arg) in (list, dict):
            inner = _unwrap(typing.get_args(arg)[-1])
            if inner:
                return inner
        elif isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def resolve(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model of the mapping at ``loc``, and the field of its last key."""
    current: type[BaseModel] | None = model
    info: FieldInfo | None = None
    mapping: tuple[Any, Any] | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if mapping is not None:  # a key the author chose: what follows is about its value
            info, mapping = FieldInfo(annotation=mapping[1]), None
            continue
        if current is None:
            return None, None
        info = current.model_fields.get(part)
        if info is None:
            return None, None
        current = _unwrap(info.annotation)
        mapping = mapping_types(info)
    return current, info


def _where(loc: Loc, model: type[BaseModel]) -> str:
    kind = model.model_fields["kind"].annotation
    name = typing.get_args(kind)[0] if typing.get_origin(kind) is typing.Literal else "item"
    if not loc:
        return f"the {name}"
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:].rstrip(".")
