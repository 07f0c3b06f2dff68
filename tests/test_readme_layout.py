"""README's Layout section names every module of `generator/`, each under its own folder, and
no module that is gone: a module added, moved or split is described where readers look."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).parent.parent
MODULE = re.compile(r"\w+\.py\b")


def _layout() -> list[str]:
    """The lines of the Layout section's tree."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1].splitlines()


def _listed() -> set[str]:
    """Each module the tree names, as a path: a name belongs to the folder it is indented
    under (or to the folder whose own line names it)."""
    listed: set[str] = set()
    folders: list[tuple[int, str]] = []
    for line in _layout():
        found = re.match(r"( *)(\S+)", line)
        if found is None:
            continue
        indent, first = len(found[1]), found[2]
        while folders and folders[-1][0] >= indent:
            folders.pop()
        if first.endswith("/"):
            folders.append((indent, (folders[-1][1] if folders else "") + first))
        folder = folders[-1][1] if folders else ""
        listed.update(folder + name for name in MODULE.findall(line))
    return listed


def _modules() -> set[str]:
    return {path.relative_to(REPO).as_posix() for path in (REPO / "generator").rglob("*.py")}


def test_every_module_is_named_in_the_layout() -> None:
    text = "\n".join(_layout())
    assert [m for m in sorted(_modules()) if Path(m).name not in MODULE.findall(text)] == []


def test_each_module_is_named_under_its_folder() -> None:
    # A package's __init__.py is described by its folder's line.
    missing = {m for m in _modules() if Path(m).name != "__init__.py"} - _listed()
    assert sorted(missing) == []


def test_the_layout_names_no_module_that_is_gone() -> None:
    gone = {m for m in _listed() if m.startswith("generator/")} - _modules()
    assert sorted(gone) == []
