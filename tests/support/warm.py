"""Building the warm-rebuild workspaces warm and cold, and the cases of each test
(tests/test_warm_rebuild*.py; the edits are in `tests.support.warm_edits`).

Each workspace is kept by one module, and the caches are per process: a module's cases run
in a row on one worker, each against the base build its workspace left in the caches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.git.history import History, read_history
from generator.model import to_yaml
from generator.model.handbook import Handbook
from generator.pipeline import check_handbook
from generator.render import cache as render_cache
from generator.render.pages import generate
from generator.session import Session
from tests.support import TODAY
from tests.support.warm_edits import (
    FILES,
    FIXTURE,
    Leaf,
    candidates,
    editable,
    firsts,
    fixture_data,
    leaves,
)

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


ACTIVE: list[Workspace | None] = [None]
"""The workspace whose base build the caches hold (they are per process)."""


def _activate(ws: Workspace) -> None:
    if ACTIVE[0] is not ws:
        ACTIVE[0] = None
        ws.reset()
        ACTIVE[0] = ws


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
    ACTIVE[0] = None  # a failure below leaves the caches in no known state
    warm = ws.build(handbook)
    cold = ws.cold(handbook)
    ws.restore(*edit.files)
    back = ws.warm()
    changed = tuple(_differing(cold, ws.cold_base))
    after, undone = _differing(warm, cold), _differing(back, ws.cold_base)
    if not undone:  # else the caches keep a stale page for the next case: build anew
        ACTIVE[0] = ws
    stale = (*after, *(f"{path} (undone)" for path in undone))
    detail = (f"after the edit, {_detail(after[0], warm, cold)}" if after else
              f"after undoing the edit, {_detail(undone[0], back, ws.cold_base)}" if undone
              else None)
    return Outcome(leaf, edit.what, refused, changed, stale, detail)


OUTCOMES: dict[tuple[bool, bool, Leaf], Outcome] = {}


def outcome(ws: Workspace, leaf: Leaf) -> Outcome:
    key = (ws.git, ws.templates is not None, leaf)
    if key not in OUTCOMES:
        OUTCOMES[key] = exercise(ws, leaf)
    return OUTCOMES[key]


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-05-20T10:00:00Z",
           "GIT_COMMITTER_DATE": "2026-05-20T10:00:00Z", "GIT_AUTHOR_NAME": "Ada Lead",
           "GIT_COMMITTER_NAME": "Ada Lead", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_EMAIL": "ada@example.org"}
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def plain_workspace(top: Path) -> Workspace:
    """The fixture, with the packaged templates."""
    (top / "sops").mkdir(parents=True)
    ws = Workspace(top / "sops", base=fixture_data())
    ws.write(ws.base)
    return ws


def done() -> None:
    ACTIVE[0] = None


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


FIRST_ISSUE = {"version": "2.0", "title": "Reset a password (first issue)",
               "effective": dt.date(2026, 5, 5)}
"""What SOP-T-1 was in the first commit of the git workspace."""


def git_workspace(top: Path) -> Workspace:
    """The fixture in a git repository: SOP-T-1 at 2.0, then at 2.1 (the base)."""
    (top / "sops").mkdir(parents=True)
    _git(top, "init", "-q", "-b", "main")
    ws = Workspace(top / "sops", git=True, base=fixture_data())
    ws.write({**ws.base, "sop-en.yml": {**ws.base["sop-en.yml"], **FIRST_ISSUE}})
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "First issue")
    ws.write(ws.base)
    _git(top, "commit", "-q", "-am", "Wording")
    return ws


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
EVERY = tuple(leaf for leaf in leaves() if editable(leaf))
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


def cases(found: tuple[Leaf, ...], test: str, every: bool = False) -> list[Any]:
    stale = STALE.get(test, {})

    def name(leaf: Leaf) -> str:
        return leaf.where if every else leaf.case

    return [pytest.param(leaf, id=name(leaf), marks=[pytest.mark.xfail(
        strict=True, reason=f"stale under serve: {stale[name(leaf)]}")]
        if name(leaf) in stale else []) for leaf in found]


def check_outcome(result: Outcome) -> None:
    leaf = result.leaf
    if result.edit is None:
        # No edit of this value keeps the handbook valid (a flow's steps dropped or
        # doubled): the checks refused each one, which is what an author would see.
        assert result.refused > 0, f"{leaf.where}: no edit was tried"
        return
    assert not result.stale, (
        f"stale pages under serve: {leaf.kind} field {leaf.general} ({leaf.where}, "
        f"{result.edit}): {', '.join(result.stale)}; {result.detail}")


def record() -> None:
    """Write `STALE_TODAY` from a run of every case (`python -m tests.support.warm`)."""
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
        done()
    STALE_TODAY.write_text(json.dumps(stale, indent=1, ensure_ascii=False) + "\n", "utf-8")



if __name__ == "__main__":
    record()
