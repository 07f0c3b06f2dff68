"""Load a whole handbook folder: every YAML file, validated into models, with its origin.

This is the first half of the pipeline and has no opinion about output: the CLI, the MkDocs
plugin and the tests all start here, and all get the same problems.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Generic, TypeVar

from generator.load import SourceMap, load_file
from generator.model import AnyDocument, AnyItem, Process, Retro, Role, Sop, Term
from generator.problems import Problem
from generator.validate import validate_item

T = TypeVar("T", bound=AnyItem)

SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A validated item and the file positions of its values."""

    item: T
    source: SourceMap
    text: str = ""
    """The YAML source of the item's file."""


@dataclass(frozen=True)
class Handbook:
    """Everything under `sops/` that validated, in file order."""

    root: Path
    entries: tuple[Entry[AnyItem], ...] = ()
    files: tuple[str, ...] = field(default=())
    invalid_ids: frozenset[tuple[str, str]] = frozenset()
    """Ids of items that exist but failed validation: references to them are not reported
    again as unknown, since the item's own error already explains the problem."""

    @property
    def documents(self) -> Iterator[Entry[AnyDocument]]:
        """SOPs, processes and retrospectives."""
        for entry in self.entries:
            if isinstance(entry.item, Sop | Process | Retro):
                yield entry  # type: ignore[misc]

    @property
    def roles(self) -> Iterator[Entry[Role]]:
        """Role definitions."""
        for entry in self.entries:
            if isinstance(entry.item, Role):
                yield entry  # type: ignore[misc]

    @property
    def terms(self) -> Iterator[Entry[Term]]:
        """Glossary terms."""
        for entry in self.entries:
            if isinstance(entry.item, Term):
                yield entry  # type: ignore[misc]

    @cached_property
    def document_index(self) -> dict[str, AnyDocument]:
        """Documents by id; with duplicates, the first one wins (the rule reports the rest)."""
        index: dict[str, AnyDocument] = {}
        for entry in self.documents:
            index.setdefault(entry.item.id, entry.item)
        return index

    @cached_property
    def role_index(self) -> dict[str, Role]:
        """Roles by id."""
        index: dict[str, Role] = {}
        for entry in self.roles:
            index.setdefault(entry.item.id, entry.item)
        return index

    @cached_property
    def term_index(self) -> dict[str, Term]:
        """Terms by id."""
        index: dict[str, Term] = {}
        for entry in self.terms:
            index.setdefault(entry.item.id, entry.item)
        return index


def display_path(path: Path) -> str:
    """The path as an author's editor wants it: relative to where they ran the command."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def discover(root: Path) -> list[Path]:
    """The YAML files of a handbook, in a stable order; hidden files and folders are skipped."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(
            Path(dirpath) / name
            for name in sorted(filenames)
            if name.endswith(SUFFIXES) and not name.startswith(".")
        )
    return found


@dataclass(frozen=True)
class _FileResult:
    """What one file contributes to a handbook: its entries, problems and invalid ids."""

    entries: tuple[Entry[AnyItem], ...]
    problems: tuple[Problem, ...]
    invalid: frozenset[tuple[str, str]]


_CACHE: dict[tuple[str, str], tuple[tuple[int, int, int], _FileResult]] = {}
"""Per process, by (file, displayed path): a file whose size, mtime and inode did not change
is not parsed again. `sopsite serve` rebuilds in one process, so saving one file re-reads one
file; one-shot commands start empty and pay nothing for it."""


def forget_parsed() -> None:
    """Drop the per-process parse cache (one-off builds need the memory more)."""
    _CACHE.clear()


def _load_one(file: Path, display: str) -> _FileResult:
    loaded = load_file(file, display)
    entries: list[Entry[AnyItem]] = []
    problems = list(loaded.problems)
    invalid: set[tuple[str, str]] = set()
    if loaded.problems and not loaded.items:
        invalid.update(_ids_in_unreadable(file))
    for raw in loaded.items:
        item, item_problems = validate_item(raw, in_list=raw.source.in_list)
        problems.extend(item_problems)
        if item is not None and not raw.source.reported:
            entries.append(Entry(item, raw.source, loaded.text))
        elif isinstance(raw.data.get("id"), str):
            invalid.add((_namespace(raw.data.get("kind")), raw.data["id"]))
    return _FileResult(tuple(entries), tuple(problems), frozenset(invalid))


def _cached(file: Path, display: str) -> _FileResult:
    try:
        stat = file.stat()
    except OSError:
        return _load_one(file, display)
    signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    key = (str(file.resolve()), display)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == signature:
        return hit[1]
    result = _load_one(file, display)
    _CACHE[key] = (signature, result)
    return result


def load_handbook(root: Path) -> tuple[Handbook, list[Problem]]:
    """Load and validate every file under ``root``; what fails is reported, not raised."""
    entries: list[Entry[AnyItem]] = []
    problems: list[Problem] = []
    invalid: set[tuple[str, str]] = set()
    files = discover(root)
    for file in files:
        result = _cached(file, display_path(file))
        entries.extend(result.entries)
        problems.extend(result.problems)
        invalid.update(result.invalid)
    handbook = Handbook(root, tuple(entries), tuple(display_path(f) for f in files),
                        frozenset(invalid))
    return handbook, problems


def _namespace(kind: object) -> str:
    """Which ids an item's id competes with: roles, terms, or documents."""
    return kind if kind in ("role", "term") else "document"


_TOP_LEVEL = re.compile(r"^(kind|id):[ \t]*['\"]?([A-Za-z0-9._-]+)", re.M)


def _ids_in_unreadable(file: Path) -> set[tuple[str, str]]:
    """Best guess at the id a file that failed to parse defines, by its top-level lines.

    Only used to keep references to it from being reported as unknown: the parse error
    already says what is wrong, and a wall of follow-on errors would bury it.
    """
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    found = dict(_TOP_LEVEL.findall(text[:20_000]))
    if "id" not in found:
        return set()
    return {(_namespace(found.get("kind")), found["id"])}
