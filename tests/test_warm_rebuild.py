"""Under `sopsite serve`, a page reused from the last build must be the page a cold build makes.

Pages are kept between rebuilds (`generator.render.cache`), each under a digest of the
values its page function is given; a template that could read a field outside its key
would serve a stale page. These tests
edit one field at a time of a handbook that has every field of every kind
(`tests/fixtures/warm/sops`), rebuild warm (caches kept, as `sopsite serve` does after a save)
and cold (a new `Session`), and compare the two sites page by page. Each edit is then
undone and rebuilt warm again, which must give the untouched handbook's pages (a block put
back, a value restored).

By default each top-level field of each kind is edited where it first occurs (with the
templates that show everything, those of SOPs and roles); the `slow`
variants edit every value of every file (a list's elements, nested blocks and their
fields). Three set-ups: the packaged templates; a git
repository where the edited SOP has a past revision (revision tables, frozen pages, diffs);
and templates of the handbook's own that show everything they are given, which is what a
key derived from the data a page renders must survive. Cases found stale are strict xfails,
listed with their pages in `tests/fixtures/warm/stale-today.json`
(`python -m tests.test_warm_rebuild` writes it again); there are none.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import shutil
import subprocess
import types
import typing
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel

from generator.git.history import History, read_history
from generator.model import DocRef, Duration, RoleRef, StepRef, TermRef, to_yaml
from generator.model.content import KINDS
from generator.model.handbook import Handbook
from generator.model.incidents import DEFAULT_SEVERITIES
from generator.pipeline import check_handbook
from generator.render import cache as render_cache
from generator.render.pages import generate
from generator.session import Session
from tests.support import TODAY

FIXTURE = Path(__file__).parent / "fixtures" / "warm" / "sops"
FILES = FIXTURE / "files"
"""The attachments the fixture's documents show, copied beside its YAML."""

Key = str | int
FieldPath = tuple[Key, ...]

MIN_VALID = 0.9
"""Share of fields that must get an edit the checks accept: skipping cannot pass the test."""
MIN_SHOWN = 0.8
"""Share of valid edits that must change some page (the rest are fields no page shows)."""


# --- the model: what each value is ---------------------------------------------------------


def _unwrap(hint: Any) -> Any:
    """``hint`` without `Optional` (``X | None``); `Annotated` aliases are kept (refs)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _base(hint: Any) -> Any:
    """``hint`` without `Annotated` and `Optional`."""
    hint = _unwrap(hint)
    while typing.get_origin(hint) is typing.Annotated:
        hint = _unwrap(typing.get_args(hint)[0])
    return hint


@cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
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
    hints = _hints(model)
    for name, value in data.items():
        yield from _value(file, kind, item, hints[name], value, (*path, name),
                          f"{general}.{name}" if general else name,
                          model.model_fields[name].is_required())


def _value(file: str, kind: str, item: int | None, hint: Any, value: Any, path: FieldPath,
           general: str, required: bool) -> Iterator[Leaf]:
    base = _base(hint)
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
def _fixture() -> dict[str, Any]:
    return _load(FIXTURE)


@cache
def leaves() -> tuple[Leaf, ...]:
    """Every value of every file of the fixture, in file order."""
    found: list[Leaf] = []
    for file, data in _fixture().items():
        for index, item in _items(data):
            start: FieldPath = () if index is None else (index,)
            found.extend(_walk(file, item["kind"], index, KINDS[item["kind"]], item, start, ""))
    return tuple(found)


def _editable(leaf: Leaf) -> bool:
    """Every scalar and list; a mapping when the field may be left out. Not `kind`: it has
    no other value that keeps the item what it is."""
    return (leaf.shape != "block" or not leaf.required) and leaf.general != "kind"


@cache
def firsts(files: tuple[str, ...] = ()) -> tuple[Leaf, ...]:
    """The first occurrence of each field path of each kind (in ``files``, if given): the
    default cases."""
    seen: dict[str, Leaf] = {}
    for leaf in leaves():
        if _editable(leaf) and (not files or leaf.file in files):
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
    base = _base(leaf.hint)
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


# --- building: warm, cold ---------------------------------------------------------------------


def _errors(problems: list[Any]) -> list[str]:
    return [p.format() for p in problems if p.severity.value == "error"]


@dataclass
class Workspace:
    """A writable handbook whose base files are the fixture's data, written by `to_yaml`."""

    root: Path
    git: bool = False
    templates: Path | None = None
    """A template folder of the handbook's own, searched before the packaged one."""
    base: dict[str, Any] = field(default_factory=dict)
    cold_base: dict[str, str] = field(default_factory=dict)
    tick: int = 0
    texts: dict[str, str] = field(default_factory=dict)
    """The base files' YAML."""
    session: Session = field(default_factory=lambda: Session(serving=True))
    """What a live server keeps between builds."""

    def __post_init__(self) -> None:
        self.texts = {name: to_yaml(data) for name, data in self.base.items()}
        shutil.copytree(FILES, self.root / "files", dirs_exist_ok=True)

    def write(self, files: dict[str, Any]) -> None:
        """Save files as an editor would, each with a new modification time: the parse
        cache is keyed by size, mtime and inode, and two saves in one clock tick with the
        same size are not what this test is about."""
        for name, data in files.items():
            path = self.root / name
            path.write_text(self.texts[name] if data is self.base.get(name) else to_yaml(data),
                            "utf-8")
            self.tick += 1
            stamp = (1_800_000_000 + self.tick) * 1_000_000_000
            os.utime(path, ns=(stamp, stamp))

    def check(self, session: Session | None = None) -> tuple[Handbook, list[str]]:
        handbook, problems = check_handbook(self.root, today=TODAY,
                                            session=session or self.session)
        return handbook, _errors(problems)

    def build(self, handbook: Handbook, session: Session | None = None) -> dict[str, str]:
        """The pages, reusing what ``session`` (by default the live one) kept."""
        session = session or self.session
        history: History | None = (read_history(self.root, handbook, session.logs)
                                   if self.git else None)
        return generate(handbook, today=TODAY, template_dir=self.templates, history=history,
                        cache=session.pages, renderer=self.session.renderer(self.templates)
                        ).pages

    def warm(self) -> dict[str, str]:
        """What `sopsite serve` makes after a save: caches as the last build left them."""
        handbook, errors = self.check()
        assert errors == []
        return self.build(handbook)

    def cold(self, handbook: Handbook) -> dict[str, str]:
        """What a fresh process makes of the files on disk: a new session parses, checks
        and renders everything. The live session's Jinja environment is lent to it: it
        holds compiled templates only, no handbook data, and compiling them again would
        make each edit cost four times as much."""
        fresh = Session()
        handbook, errors = self.check(fresh)
        assert errors == []
        return self.build(handbook, fresh)

    def restore(self, *files: str) -> None:
        """The base text of ``files`` back on disk."""
        self.write({name: self.base[name] for name in files})

    def reset(self) -> None:
        """The base files on disk, and the caches filled from them alone."""
        self.write(self.base)
        self.session = Session(serving=True)
        self.cold_base = self.warm()


_ACTIVE: list[Workspace | None] = [None]
"""The workspace whose base build the caches hold (they are per process)."""


def _activate(ws: Workspace) -> None:
    if _ACTIVE[0] is not ws:
        _ACTIVE[0] = None
        ws.reset()
        _ACTIVE[0] = ws


@dataclass(frozen=True)
class Outcome:
    leaf: Leaf
    edit: str | None
    """The edit made; None when every candidate was refused by the checks."""
    refused: int
    changed: tuple[str, ...] = ()
    """Pages the edit changed (cold pages against the untouched handbook's)."""
    stale: tuple[str, ...] = ()
    """Pages the warm build got wrong, after the edit and after undoing it (marked so)."""
    detail: str | None = None
    """How the first of them differs, for the failure message."""


def _differing(warm: dict[str, str], cold: dict[str, str]) -> list[str]:
    return [path for path in sorted(warm.keys() | cold.keys()) if warm.get(path) != cold.get(path)]


def _detail(path: str, warm: dict[str, str], cold: dict[str, str]) -> str:
    if path not in warm or path not in cold:
        return f"{path} is {'missing from' if path not in warm else 'extra in'} the warm site"
    diff = difflib.unified_diff(cold[path].splitlines(), warm[path].splitlines(), "cold",
                                "warm", lineterm="", n=1)
    return f"{path} differs:\n" + "\n".join(list(diff)[:16])


def exercise(ws: Workspace, leaf: Leaf) -> Outcome:
    """Edit ``leaf``, rebuild warm and cold, undo the edit and rebuild warm again."""
    _activate(ws)
    refused = 0
    for edit in candidates(leaf, ws.base):
        ws.write(edit.files)
        handbook, errors = ws.check()
        if not errors:
            break
        refused += 1
        ws.restore(*edit.files)
    else:
        return Outcome(leaf, None, refused)
    _ACTIVE[0] = None  # a failure below leaves the caches in no known state
    warm = ws.build(handbook)
    cold = ws.cold(handbook)
    ws.restore(*edit.files)
    back = ws.warm()
    changed = tuple(_differing(cold, ws.cold_base))
    after, undone = _differing(warm, cold), _differing(back, ws.cold_base)
    if not undone:  # else the caches keep a stale page for the next case: build anew
        _ACTIVE[0] = ws
    stale = (*after, *(f"{path} (undone)" for path in undone))
    detail = (f"after the edit, {_detail(after[0], warm, cold)}" if after else
              f"after undoing the edit, {_detail(undone[0], back, ws.cold_base)}" if undone
              else None)
    return Outcome(leaf, edit.what, refused, changed, stale, detail)


_OUTCOMES: dict[tuple[bool, bool, Leaf], Outcome] = {}


def outcome(ws: Workspace, leaf: Leaf) -> Outcome:
    key = (ws.git, ws.templates is not None, leaf)
    if key not in _OUTCOMES:
        _OUTCOMES[key] = exercise(ws, leaf)
    return _OUTCOMES[key]


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-05-20T10:00:00Z",
           "GIT_COMMITTER_DATE": "2026-05-20T10:00:00Z", "GIT_AUTHOR_NAME": "Ada Lead",
           "GIT_COMMITTER_NAME": "Ada Lead", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_EMAIL": "ada@example.org"}
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def plain_workspace(top: Path) -> Workspace:
    """The fixture, with the packaged templates."""
    (top / "sops").mkdir(parents=True)
    ws = Workspace(top / "sops", base=_fixture())
    ws.write(ws.base)
    return ws


def _done() -> None:
    _ACTIVE[0] = None


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield plain_workspace(tmp_path_factory.mktemp("warm"))
    _done()


PACKAGED = Path(render_cache.__file__).parent.parent / "templates"

SHOW_ALL = """{% macro all(item) %}
{% if item.model_dump is defined %}
<!-- {{ item.model_dump(mode="json") | tojson }} -->
{% else %}
<!-- {{ item }} -->
{% endif %}
{% endmacro %}"""

EVERY_FIELD = {
    "catalogue.md.j2": "{% for d in in_force + others %}{{ all(d) }}{% endfor %}",
    "group.md.j2": "{% for d in documents %}{{ all(d) }}{% endfor %}",
    "section.md.j2": "{% for g in groups %}{% for d in g.documents %}{{ all(d) }}{% endfor %}"
                     "{% endfor %}",
    "role.md.j2": "{{ all(role) }}{% for d, parts, s in involved %}{{ all(d) }}"
                  "{% for p in parts %}{{ all(p) }}{% endfor %}{% endfor %}"
                  "{% for d in owns %}{{ all(d) }}{% endfor %}"
                  "{% for d, a in signed %}{{ all(d) }}{{ all(a) }}{% endfor %}"
                  "{{ all(curriculum) }}",
    "glossary.md.j2": "{% for t in terms %}{{ all(t) }}{% for d in used_by[t.id] %}{{ all(d) }}"
                      "{% endfor %}{% endfor %}",
    "curriculum.md.j2": "{{ all(role) }}{% for m in modules %}{{ all(m) }}{% endfor %}",
    "training-index.md.j2": "{% for m in modules %}{{ all(m) }}{% endfor %}"
                            "{% for r, mods in curricula %}{{ all(r) }}{% endfor %}",
    "asof-year.md.j2": "{% set shown = namespace(rows=[]) %}{% for day, entries in tables %}"
                       "{% for id, row in entries %}{% if row and row.page not in shown.rows %}"
                       "{% set shown.rows = shown.rows + [row.page] %}{{ all(row) }}"
                       "{% endif %}{% endfor %}{% endfor %}",
    "process.md.j2": "{% for r in retros %}{{ all(r) }}{% endfor %}",
}
"""A handbook's own templates: the packaged pages that are kept between builds, each with
everything it is given shown in full (as an HTML comment). Serve must notice when any of
it changes: these pages read more than the packaged templates, and the keys must follow."""


def shown_workspace(top: Path) -> Workspace:
    """The fixture, with templates of its own that show every field (`EVERY_FIELD`)."""
    (top / "templates").mkdir(parents=True)
    for name, extra in EVERY_FIELD.items():
        text = (PACKAGED / name).read_text("utf-8")
        (top / "templates" / name).write_text(f"{SHOW_ALL}\n{text}\n{extra}\n", "utf-8")
    ws = plain_workspace(top)
    ws.templates = top / "templates"
    return ws


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield shown_workspace(tmp_path_factory.mktemp("warm-templates"))
    _done()


FIRST_ISSUE = {"version": "2.0", "title": "Reset a password (first issue)",
               "effective": dt.date(2026, 5, 5)}
"""What SOP-T-1 was in the first commit of the git workspace."""


def git_workspace(top: Path) -> Workspace:
    """The fixture in a git repository: SOP-T-1 at 2.0, then at 2.1 (the base)."""
    (top / "sops").mkdir(parents=True)
    _git(top, "init", "-q", "-b", "main")
    ws = Workspace(top / "sops", git=True, base=_fixture())
    ws.write({**ws.base, "sop-en.yml": {**ws.base["sop-en.yml"], **FIRST_ISSUE}})
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "First issue")
    ws.write(ws.base)
    _git(top, "commit", "-q", "-am", "Wording")
    return ws


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    top = tmp_path_factory.mktemp("warm-git")
    yield git_workspace(top)
    _done()
    shutil.rmtree(top)


# --- the cases --------------------------------------------------------------------------------


def _top(found: tuple[Leaf, ...]) -> tuple[Leaf, ...]:
    """The fields of the items themselves (`title`, `steps`, `tags[]`), not of their parts."""
    return tuple(leaf for leaf in found if "." not in leaf.general)


DEFAULT = tuple(leaf for leaf in _top(firsts()) if "[]" not in leaf.general)
"""Each top-level field of each kind, edited where it first occurs (a list as a whole)."""
SHOWN_DEFAULT = tuple(leaf for leaf in DEFAULT
                      if leaf.shape == "scalar" and leaf.kind in ("sop", "role"))
"""With templates that show every field, the top-level scalars of one document kind and one
other kind by default (these builds cost more); every value of every kind when slow."""
EVERY = tuple(leaf for leaf in leaves() if _editable(leaf))
"""Every value of every file (slow)."""
GIT_FILE = "sop-en.yml"
"""Under git the edits are of the document with a past revision..."""
GIT_DEFAULT = tuple(leaf for leaf in _top(firsts((GIT_FILE,)))
                    if leaf.shape == "scalar" and "[]" not in leaf.general)
"""... its own scalar fields by default (a git build costs more); every field when slow."""

STALE_TODAY = FIXTURE.parent / "stale-today.json"
"""By test, the cases whose warm pages are stale with today's hand-written keys: strict
xfails, so the keys that make them pass must also take them out of this file."""
STALE: dict[str, dict[str, str]] = json.loads(STALE_TODAY.read_text("utf-8"))


def _cases(found: tuple[Leaf, ...], test: str, every: bool = False) -> list[Any]:
    stale = STALE.get(test, {})

    def name(leaf: Leaf) -> str:
        return leaf.where if every else leaf.case

    return [pytest.param(leaf, id=name(leaf), marks=[pytest.mark.xfail(
        strict=True, reason=f"stale under serve: {stale[name(leaf)]}")]
        if name(leaf) in stale else []) for leaf in found]


def _check(result: Outcome) -> None:
    leaf = result.leaf
    if result.edit is None:
        # No edit of this value keeps the handbook valid (a flow's steps dropped or
        # doubled): the checks refused each one, which is what an author would see.
        assert result.refused > 0, f"{leaf.where}: no edit was tried"
        return
    assert not result.stale, (
        f"stale pages under serve: {leaf.kind} field {leaf.general} ({leaf.where}, "
        f"{result.edit}): {', '.join(result.stale)}; {result.detail}")


@pytest.mark.parametrize("leaf", _cases(DEFAULT, "test_warm_rebuild_after_an_edit"))
def test_warm_rebuild_after_an_edit(plain: Workspace, leaf: Leaf) -> None:
    _check(outcome(plain, leaf))


@pytest.mark.parametrize("leaf", _cases(GIT_DEFAULT, "test_with_git_history_too"))
def test_with_git_history_too(repo: Workspace, leaf: Leaf) -> None:
    _check(outcome(repo, leaf))


@pytest.mark.slow
@pytest.mark.parametrize("leaf", _cases(EVERY, "test_every_occurrence_of_every_field",
                                        every=True))
def test_every_occurrence_of_every_field(plain: Workspace, leaf: Leaf) -> None:
    _check(outcome(plain, leaf))


@pytest.mark.slow
@pytest.mark.parametrize("leaf", _cases(firsts((GIT_FILE,)),
                                        "test_every_field_with_git_history"))
def test_every_field_with_git_history(repo: Workspace, leaf: Leaf) -> None:
    _check(outcome(repo, leaf))


@pytest.mark.parametrize("leaf", _cases(SHOWN_DEFAULT,
                                        "test_with_templates_that_show_every_field"))
def test_with_templates_that_show_every_field(shown: Workspace, leaf: Leaf) -> None:
    _check(outcome(shown, leaf))


@pytest.mark.slow
@pytest.mark.parametrize("leaf", _cases(
    EVERY, "test_every_occurrence_with_templates_that_show_every_field", every=True))
def test_every_occurrence_with_templates_that_show_every_field(shown: Workspace,
                                                              leaf: Leaf) -> None:
    _check(outcome(shown, leaf))


def test_the_comparison_catches_a_page_key_that_misses_a_field(
    plain: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every page's key the same whatever it shows, a role renamed leaves the pages
    that name it stale: the cases above would see it."""
    monkeypatch.setattr(render_cache, "digest_of", lambda *_, **__: "the same each time")
    _ACTIVE[0] = None
    name = next(leaf for leaf in leaves() if leaf.kind == "role" and leaf.general == "name")
    try:
        result = exercise(plain, name)
    finally:
        _ACTIVE[0] = None
    assert result.edit == "suffix added"
    assert result.stale
    assert result.detail is not None
    assert result.detail.startswith("after the edit, ")
    assert "Team Lead (edited)" in result.detail


STALE_EVERY: dict[str, str] = {}


def test_the_fixture_has_every_field_of_every_kind() -> None:
    """A field missing from the fixture is a field no case edits."""

    def paths(model: type[BaseModel], prefix: str) -> set[str]:
        out: set[str] = set()
        for name, hint in _hints(model).items():
            if name not in model.model_fields:
                continue
            general, base = f"{prefix}.{name}" if prefix else name, _base(hint)
            while typing.get_origin(base) in (list, dict):
                general += "[]" if typing.get_origin(base) is list else "{}"
                base = _base(typing.get_args(base)[-1])
            if isinstance(base, type) and issubclass(base, BaseModel):
                out |= paths(base, general)
            else:
                out.add(general)
        return out

    wanted = {f"{kind}:{p}" for kind, model in KINDS.items() for p in paths(model, "")}
    have = {f"{leaf.kind}:{leaf.general}" for leaf in leaves() if leaf.shape == "scalar"}
    have |= {f"{leaf.kind}:{leaf.general}" for leaf in leaves() if leaf.shape == "list"
             and leaf.general.endswith("answer")}
    assert sorted(wanted - have) == []
    # Warnings only: an overdue action, and the `retrain` of a post-mortem and of a
    # retrospective, there so that some case edits them (neither has a training module).
    assert [(p.path.rsplit("/", 1)[1], p.line, p.code)
            for p in check_handbook(FIXTURE, today=TODAY)[1]] == [
        ("postmortem.yml", 70, "TRAIN001"), ("retro.yml", 38, "ACTION001"),
        ("retro.yml", 63, "TRAIN001")]


@pytest.mark.parametrize("found", [
    pytest.param(DEFAULT, id="top-level"),
    pytest.param(EVERY, id="every", marks=pytest.mark.slow),
])
def test_most_fields_get_a_valid_edit_that_shows(plain: Workspace,
                                                 found: tuple[Leaf, ...]) -> None:
    """The cases cannot pass by skipping: most fields get an edit the checks accept, and
    most accepted edits change a page."""
    # A `kind` has no other value: that is no edit refused.
    results = [r for r in (outcome(plain, leaf) for leaf in found) if r.edit or r.refused]
    valid = [r for r in results if r.edit is not None]
    refused = [r.leaf.where for r in results if r.edit is None]
    unseen = [f"{r.leaf.where} ({r.edit})" for r in valid if not r.changed]
    scalars = [r for r in results if r.leaf.shape == "scalar"]
    print(f"{len(valid)} of {len(results)} edits valid; refused: {refused}; "
          f"no page shows: {unseen}")
    assert len(valid) >= MIN_VALID * len(results), f"edits refused: {refused}"
    assert sum(r.edit is not None for r in scalars) >= MIN_VALID * len(scalars), refused
    assert len(valid) - len(unseen) >= MIN_SHOWN * len(valid), f"no page shows: {unseen}"


def _record() -> None:
    """Write `STALE_TODAY` from a run of every case (`python -m tests.test_warm_rebuild`)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        top = Path(scratch)
        plain, shown = plain_workspace(top / "plain"), shown_workspace(top / "shown")
        git = git_workspace(top / "git")
        runs = {
            "test_warm_rebuild_after_an_edit": (plain, DEFAULT, False),
            "test_every_occurrence_of_every_field": (plain, EVERY, True),
            "test_with_git_history_too": (git, GIT_DEFAULT, False),
            "test_every_field_with_git_history": (git, firsts((GIT_FILE,)), False),
            "test_with_templates_that_show_every_field": (shown, SHOWN_DEFAULT, False),
            "test_every_occurrence_with_templates_that_show_every_field": (shown, EVERY, True),
        }
        stale: dict[str, dict[str, str]] = {}
        for test, (ws, found, every) in runs.items():
            for leaf in found:
                result = outcome(ws, leaf)
                if result.stale:
                    pages = ", ".join(result.stale)
                    stale.setdefault(test, {})[leaf.where if every else leaf.case] = (
                        f"{leaf.kind} {leaf.general} not in the page key: {pages}")
        _done()
    STALE_TODAY.write_text(json.dumps(stale, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    _record()
