"""Load a whole handbook folder: every YAML file, validated into models, with its origin.

This is the first half of the pipeline and has no opinion about output: the CLI, the MkDocs
plugin and the tests all start here, and all get the same problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.boundary import display_path, project_root, read_bounded, walk
from generator.load import LoadResult, RawItem, load_file
from generator.load.pool import parse_all
from generator.model.content import KINDS, LISTABLE_KINDS, AnyItem
from generator.model.handbook import Entry, Handbook
from generator.model.partial import partial_item
from generator.model.validate import validate_item
from generator.problems import Problem, debugging, internal_problem

SUFFIXES = (".yml", ".yaml")


def discover(root: Path, boundary: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """The YAML files of a handbook that may be read, in a stable order, and the problems of
    those that may not (see `generator.boundary`); hidden files and folders are skipped.

    ``boundary`` is the project folder; by default the one ``root`` belongs to.
    """
    boundary = project_root(root) if boundary is None else boundary.resolve()
    return walk(root, boundary, SUFFIXES)


@dataclass(frozen=True)
class FileResult:
    """What one file contributes to a handbook: its entries, problems and invalid ids, and
    what of its invalid items can still be checked."""

    entries: tuple[Entry[AnyItem], ...]
    problems: tuple[Problem, ...]
    invalid: frozenset[tuple[str, str]]
    partial: tuple[Entry[AnyItem], ...] = ()


class ParseCache:
    """Files already parsed and validated, for a session that builds more than once.

    By (file, displayed path): a file whose size, mtime and inode did not change is not
    parsed again, so under `sopsite serve` saving one file re-reads one file. The resolved
    path and the path shown to authors are kept too: a live server would otherwise work both
    out for every file on every save. A symbolic link pointed elsewhere mid-session keeps its
    first key, which is harmless, since entries are checked against the file's signature.
    """

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], tuple[tuple[int, int, int], FileResult]] = {}
        self.paths: dict[tuple[str, str], tuple[str, str]] = {}

    def keys(self, file: Path, cwd: str) -> tuple[str, str]:
        """The resolved path of ``file`` and the path authors are shown."""
        known = self.paths.get((str(file), cwd))
        if known is None:
            known = self.paths[str(file), cwd] = (str(file.resolve()), display_path(file))
        return known


def _load(file: Path, display: str) -> LoadResult:
    """`load_file`, with a bug it meets reported as the file's problem instead of raised:
    in this process and in helpers alike, the other files are still checked."""
    try:
        return load_file(file, display)
    except Exception as error:
        if debugging():
            raise
        return LoadResult(problems=[internal_problem(display, 1, 1, "INTERNAL001",
                                                     "loading this file", error)])


def _validate_one(raw: RawItem) -> tuple[AnyItem | None, list[Problem]]:
    """`validate_item`, with a bug it meets reported at the item instead of raised."""
    try:
        return validate_item(raw, in_list=raw.source.in_list)
    except Exception as error:
        if debugging():
            raise
        try:
            line, column = raw.source.position(())
        except Exception:  # positions come from the same text: they may fail alike
            line, column = 1, 1
        return None, [internal_problem(raw.source.path, line, column, "INTERNAL001",
                                       "validating this item", error)]


def _partial_one(raw: RawItem, text: str) -> tuple[Entry[AnyItem] | None, list[Problem]]:
    """What of an item that failed validation the rules can still check, if anything
    (`generator.model.partial`); a bug met on the way is reported at the item."""
    kind = raw.data.get("kind")
    model = KINDS.get(kind) if isinstance(kind, str) else None
    if model is None or (raw.source.in_list and kind not in LISTABLE_KINDS):
        return None, []
    try:
        part = partial_item(raw, model, raw.source.reported)
    except Exception as error:
        if debugging():
            raise
        line, column = raw.source.position(())
        return None, [internal_problem(raw.source.path, line, column, "INTERNAL001",
                                       "checking the rest of this item", error)]
    if part is None:
        return None, []
    return Entry(part.item, part.source, text, part.unchecked), []


def _validate(file: Path, loaded: LoadResult) -> FileResult:
    entries: list[Entry[AnyItem]] = []
    partial: list[Entry[AnyItem]] = []
    problems = list(loaded.problems)
    invalid: set[tuple[str, str]] = set()
    if loaded.problems and not loaded.items:
        invalid.update(_ids_in_unreadable(file))
    for raw in loaded.items:
        item, item_problems = _validate_one(raw)
        problems.extend(item_problems)
        if item is not None and not raw.source.reported:
            entries.append(Entry(item, raw.source, loaded.text))
            continue
        if isinstance(raw.data.get("id"), str):
            invalid.add((_namespace(raw.data.get("kind")), raw.data["id"]))
        if not any(p.code.startswith("INTERNAL") for p in item_problems):
            part, failed = _partial_one(raw, loaded.text)
            problems.extend(failed)
            if part is not None:
                partial.append(part)
    return FileResult(tuple(entries), tuple(problems), frozenset(invalid), tuple(partial))


def _signature(file: Path) -> tuple[int, int, int] | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def load_handbook(
    root: Path, *, loaded: Callable[[Entry[AnyItem]], object] | None = None,
    boundary: Path | None = None, cache: ParseCache | None = None,
) -> tuple[Handbook, list[Problem]]:
    """Load and validate every file under ``root``; what fails is reported, not raised.

    ``loaded`` is called with each entry validated in this run (not those kept from an
    earlier one), as soon as it is, in no particular order. Files outside ``boundary``
    (by default the project ``root`` belongs to) or not regular are refused unread. Files
    whose results ``cache`` holds (`ParseCache`) are not read again.
    """
    cache = ParseCache() if cache is None else cache
    files, refused = discover(root, boundary)
    cwd = str(Path.cwd())
    known = [cache.keys(file, cwd) for file in files]
    shown = [display for _, display in known]
    results: dict[int, FileResult] = {}
    stale: list[tuple[int, tuple[str, str], tuple[int, int, int] | None]] = []
    for index, (file, key) in enumerate(zip(files, known, strict=True)):
        signature = _signature(file)
        hit = cache.files.get(key)
        if hit is not None and signature is not None and hit[0] == signature:
            results[index] = hit[1]
        else:
            stale.append((index, key, signature))
    def finish(file: Path, result: LoadResult) -> FileResult:
        validated = _validate(file, result)
        if loaded is not None:
            for entry in validated.entries:
                loaded(entry)
        return validated

    finished = parse_all([(files[index], shown[index]) for index, _, _ in stale], _load,
                         finish)
    for gone in cache.files.keys() - set(known):  # removed or renamed since
        del cache.files[gone]
    for (index, key, signature), result in zip(stale, finished, strict=True):
        results[index] = result
        if signature is not None:
            cache.files[key] = (signature, results[index])
    entries: list[Entry[AnyItem]] = []
    partial: list[Entry[AnyItem]] = []
    problems: list[Problem] = refused
    invalid: set[tuple[str, str]] = set()
    for index in range(len(files)):
        entries.extend(results[index].entries)
        partial.extend(results[index].partial)
        problems.extend(results[index].problems)
        invalid.update(results[index].invalid)
    handbook = Handbook(root, tuple(entries), tuple(shown), frozenset(invalid),
                        tuple(partial))
    return handbook, problems


def _namespace(kind: object) -> str:
    """Which ids an item's id competes with: roles, terms, or documents."""
    return kind if kind in ("role", "term") else "document"


HEAD_BYTES = 20_000
"""How much of a file that failed to load is searched for its id."""
_TOP_LEVEL = re.compile(r"^(kind|id):[ \t]*['\"]?([A-Za-z0-9._-]+)", re.M)


def _ids_in_unreadable(file: Path) -> set[tuple[str, str]]:
    """Best guess at the id a file that failed to parse defines, by its top-level lines.

    Only used to keep references to it from being reported as unknown: the parse error
    already says what is wrong, and a wall of follow-on errors would bury it.
    """
    try:
        head, _ = read_bounded(file, HEAD_BYTES)  # the file may be huge, or irregular
    except OSError:
        return set()
    found = dict(_TOP_LEVEL.findall(head[:HEAD_BYTES].decode("utf-8", errors="replace")))
    if "id" not in found:
        return set()
    return {(_namespace(found.get("kind")), found["id"])}
