"""The warm-rebuild cases (tests/test_warm_rebuild*.py): every value of every file of
`tests/fixtures/warm/sops`, what it is in the content model, and the edits to try on it.

Shared by the three modules, one per workspace (packaged templates, templates that show
every field, a git repository), so that each runs on its own worker.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel

from generator.model import DocRef, Duration, RoleRef, StepRef, TermRef
from generator.model.content import KINDS
from generator.model.incidents import DEFAULT_SEVERITIES

FIXTURE = Path(__file__).parent.parent / "fixtures" / "warm" / "sops"
FILES = FIXTURE / "files"
"""The attachments the fixture's documents show, copied beside its YAML."""

Key = str | int
FieldPath = tuple[Key, ...]

# --- the model: what each value is ---------------------------------------------------------


def _unwrap(hint: Any) -> Any:
    """``hint`` without `Optional` (``X | None``); `Annotated` aliases are kept (refs)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def base_hint(hint: Any) -> Any:
    """``hint`` without `Annotated` and `Optional`."""
    hint = _unwrap(hint)
    while typing.get_origin(hint) is typing.Annotated:
        hint = _unwrap(typing.get_args(hint)[0])
    return hint


@cache
def model_hints(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, include_extras=True)


@dataclass(frozen=True)
class Leaf:
    """One value of one file: a scalar, a list, or an optional block (a mapping)."""

    file: str
    path: FieldPath
    """Keys and indexes into the file's data (a list of items starts with the item's index)."""
    kind: str
    """The kind of the item the value belongs to."""
    item: int | None
    """The index of that item in a file holding a list of items."""
    general: str
    """The field path with list indexes as ``[]``: ``steps[].decision.branches[].next``."""
    hint: Any
    """The value's annotation in the content model."""
    shape: Literal["scalar", "list", "block"]
    required: bool = True

    @property
    def case(self) -> str:
        return f"{self.kind}:{self.general}"

    @property
    def where(self) -> str:
        return f"{self.file}:{_show(self.path)}"


def _show(path: FieldPath) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def _walk(file: str, kind: str, item: int | None, model: type[BaseModel],
          data: dict[str, Any], path: FieldPath, general: str) -> Iterator[Leaf]:
    hints = model_hints(model)
    for name, value in data.items():
        yield from _value(file, kind, item, hints[name], value, (*path, name),
                          f"{general}.{name}" if general else name,
                          model.model_fields[name].is_required())


def _value(file: str, kind: str, item: int | None, hint: Any, value: Any, path: FieldPath,
           general: str, required: bool) -> Iterator[Leaf]:
    base = base_hint(hint)
    origin = typing.get_origin(base)
    if origin is list:
        yield Leaf(file, path, kind, item, general, hint, "list", required)
        inner = _unwrap(typing.get_args(base)[0])
        for index, element in enumerate(value):
            yield from _value(file, kind, item, inner, element, (*path, index), f"{general}[]",
                              True)
    elif origin is dict:
        yield Leaf(file, path, kind, item, general, hint, "block", required)
        inner = _unwrap(typing.get_args(base)[1])
        for key, element in value.items():
            yield from _value(file, kind, item, inner, element, (*path, key),
                              f"{general}{{}}", True)
    elif isinstance(base, type) and issubclass(base, BaseModel):
        yield Leaf(file, path, kind, item, general, hint, "block", required)
        yield from _walk(file, kind, item, base, value, path, general)
    elif isinstance(value, list):  # a quiz answer: a list of option or step ids
        yield Leaf(file, path, kind, item, general, hint, "list", required)
        for index, element in enumerate(value):
            yield from _value(file, kind, item, hint, element, (*path, index), f"{general}[]",
                              True)
    else:
        yield Leaf(file, path, kind, item, general, hint, "scalar", required)


def _load(root: Path) -> dict[str, Any]:
    return {p.relative_to(root).as_posix(): yaml.safe_load(p.read_text("utf-8"))
            for p in sorted(root.rglob("*.yml"))}


def _items(data: Any) -> Iterator[tuple[int | None, dict[str, Any]]]:
    if isinstance(data, list):
        yield from enumerate(data)
    else:
        yield None, data


@cache
def fixture_data() -> dict[str, Any]:
    return _load(FIXTURE)


@cache
def leaves() -> tuple[Leaf, ...]:
    """Every value of every file of the fixture, in file order."""
    found: list[Leaf] = []
    for file, data in fixture_data().items():
        for index, item in _items(data):
            start: FieldPath = () if index is None else (index,)
            found.extend(_walk(file, item["kind"], index, KINDS[item["kind"]], item, start, ""))
    return tuple(found)


def editable(leaf: Leaf) -> bool:
    """Every scalar and list; a mapping when the field may be left out. Not `kind`: it has
    no other value that keeps the item what it is."""
    return (leaf.shape != "block" or not leaf.required) and leaf.general != "kind"


@cache
def firsts(files: tuple[str, ...] = ()) -> tuple[Leaf, ...]:
    """The first occurrence of each field path of each kind (in ``files``, if given): the
    default cases."""
    seen: dict[str, Leaf] = {}
    for leaf in leaves():
        if editable(leaf) and (not files or leaf.file in files):
            seen.setdefault(leaf.case, leaf)
    return tuple(seen.values())


# --- edits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """New data for one or more files (a renamed id is renamed where it is used too)."""

    what: str
    files: dict[str, Any]


def _get(data: Any, path: FieldPath) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: FieldPath, value: Any) -> Any:
    """A deep copy of ``data`` with the value at ``path`` replaced (or removed: ``_DROP``)."""
    copy = deepcopy(data)
    parent = _get(copy, path[:-1])
    if value is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


_DROP = object()


def _ids(data: dict[str, Any], kinds: set[str]) -> list[str]:
    return sorted(item["id"] for d in data.values() for _, item in _items(d)
                  if item["kind"] in kinds)


def _refs(leaf: Leaf, data: dict[str, Any], value: str) -> list[str] | None:
    """Other ids ``value`` could name, when the value is a reference."""
    hint = _unwrap(leaf.hint)
    item = _get(data[leaf.file], leaf.path[:1]) if leaf.item is not None else data[leaf.file]
    pools = {
        RoleRef: lambda: _ids(data, {"role"}),
        TermRef: lambda: _ids(data, {"term"}),
        DocRef: lambda: _ids(data, {"sop", "process", "retro", "postmortem"}),
        StepRef: lambda: [s["id"] for s in item.get("steps", [])],
    }
    for alias, pool in pools.items():
        if hint is alias:
            return [other for other in pool() if other != value]
    if leaf.general.startswith("training.quiz[].answer"):
        at = leaf.path.index("quiz") + 2
        question = _get(data[leaf.file], leaf.path[:at])
        steps = [s["id"] for s in item.get("steps", [])]
        return [o for o in [*question.get("options", {}), *steps] if o != value]
    return None


_CHOICES = {"severity": [level.id for level in DEFAULT_SEVERITIES],
            "time_zone": ["UTC", "Europe/Stockholm"]}
"""Text fields whose valid values are a set the checks know: a post-mortem's severity (the
default scale) and its zone."""


_ID_KINDS: dict[str, Any] = {"role": RoleRef, "term": TermRef, "sop": DocRef,
                             "process": DocRef, "retro": DocRef, "postmortem": DocRef}


def _renamed(data: dict[str, Any], leaf: Leaf, old: str, new: str) -> dict[str, Any]:
    """The files with the id at ``leaf`` renamed, and every reference to it."""
    step = leaf.general == "steps[].id"
    alias = StepRef if step else _ID_KINDS.get(leaf.kind) if len(leaf.path) <= 2 else None
    changed: dict[str, Any] = {leaf.file: _set(data[leaf.file], leaf.path, new)}
    for other in leaves():
        if step and (other.file, other.item) != (leaf.file, leaf.item):
            continue
        refers = _unwrap(other.hint) is alias or (
            step and other.general.startswith("training.quiz[].answer"))
        if alias is not None and refers and _get(data[other.file], other.path) == old:
            current = changed.get(other.file, data[other.file])
            changed[other.file] = _set(current, other.path, new)
    return changed


def candidates(leaf: Leaf, data: dict[str, Any]) -> Iterator[Edit]:
    """Edits of ``leaf`` to try in turn, most ordinary first; the checks pick the first valid."""
    value = _get(data[leaf.file], leaf.path)

    def put(new: Any, what: str) -> Edit:
        return Edit(what, {leaf.file: _set(data[leaf.file], leaf.path, new)})

    if leaf.shape == "block":
        yield put(_DROP, "block removed")
        return
    if leaf.shape == "list":
        if len(value) > 1:
            yield put(value[:-1], "last element dropped")
            yield put(value[1:], "first element dropped")
        yield put([*value, value[0]], "first element duplicated")
        if not leaf.required or not value:
            yield put(_DROP, "list removed")
        return
    outside = list(_outside(leaf, data, value))
    if outside:
        yield from outside
        return
    base = base_hint(leaf.hint)
    if isinstance(value, bool):
        yield put(not value, f"{value} -> {not value}")
    elif isinstance(value, int | float):
        for step in (1, -1):
            yield put(value + step, f"{value} -> {value + step}")
    elif isinstance(value, dt.datetime):  # an incident's moments are minutes apart
        for minutes in (1, -1):
            new = value + dt.timedelta(minutes=minutes)
            yield put(new, f"{value} -> {new}")
    elif isinstance(value, dt.date):
        for days in (1, -1):
            new = value + dt.timedelta(days=days)
            yield put(new, f"{value} -> {new}")
    elif typing.get_origin(base) is Literal:
        for choice in typing.get_args(base):
            if choice != value:
                yield put(choice, f"{value} -> {choice}")
    elif isinstance(value, str):
        refs = _refs(leaf, data, value)
        if leaf.path[-1] == "id" and refs is None:
            new = f"{value}-X" if value.isupper() else f"{value}-x"
            yield Edit(f"renamed {value} -> {new}", _renamed(data, leaf, value, new))
        elif refs is not None:
            for other in refs:
                yield put(other, f"{value} -> {other}")
        elif leaf.path[-1] == "version":
            major, minor = value.split(".")
            lower = f"{major}.{int(minor) - 1}" if minor != "0" else f"{int(major) - 1}.9"
            for new in (f"{major}.{int(minor) + 1}", f"{int(major) + 1}.0", lower):
                if not new.startswith("-"):
                    yield put(new, f"{value} -> {new}")
        elif leaf.general in _CHOICES:
            for other in _CHOICES[leaf.general]:
                if other != value:
                    yield put(other, f"{value} -> {other}")
        elif _unwrap(leaf.hint) is Duration:
            new = f"{int(value[:-1]) + 1}{value[-1]}"
            yield put(new, f"{value} -> {new}")
        else:
            yield put(f"{value} (edited)", "suffix added")


CONTACT_REFS = ("steps[].contact", "contacts[].escalation.next")


def _outside(leaf: Leaf, data: dict[str, Any], value: Any) -> Iterator[Edit]:
    """Edits of the values that point out of the handbook, which a suffix would make
    invalid: an address, an attachment's file, a commit id, a contact and its references."""
    def put(new: Any, what: str) -> Edit:
        return Edit(what, {leaf.file: _set(data[leaf.file], leaf.path, new)})

    item = _get(data[leaf.file], leaf.path[:1]) if leaf.item is not None else data[leaf.file]
    contacts = [c["id"] for c in item.get("contacts", [])]
    if leaf.path[-1] == "url" and isinstance(value, str):
        yield put(f"{value.rstrip('/')}/edited", "address edited")
    elif leaf.general.endswith("attachments[].path"):
        image = value.endswith(".png")
        for other in sorted(p.name for p in FILES.iterdir()):
            if other.endswith(".png") == image and f"files/{other}" != value:
                yield put(f"files/{other}", f"{value} -> files/{other}")
    elif leaf.general == "source.commit":
        yield put(value[:-1] + ("0" if value[-1] != "0" else "1"), "commit edited")
    elif leaf.general in CONTACT_REFS:
        for other in contacts:
            if other != value:
                yield put(other, f"{value} -> {other}")
    elif leaf.general == "contacts[].id":
        new = f"{value}-x"
        changed = _set(data[leaf.file], leaf.path, new)
        for other in leaves():
            if (other.file, other.item) == (leaf.file, leaf.item) \
                    and other.general in CONTACT_REFS and _get(changed, other.path) == value:
                changed = _set(changed, other.path, new)
        yield Edit(f"renamed {value} -> {new}", {leaf.file: changed})
