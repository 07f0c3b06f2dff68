"""Load a whole handbook folder: every YAML file, validated into models, with its origin.

This is the first half of the pipeline and has no opinion about output: the CLI, the MkDocs
plugin and the tests all start here, and all get the same problems.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from queue import SimpleQueue
from typing import TypeVar, cast

from generator.boundary import display_path, project_root, read_bounded, walk
from generator.load.yaml import LoadResult, RawItem, load_file
from generator.model.content import AnyItem
from generator.model.handbook import Entry, Handbook
from generator.model.validate import validate_item
from generator.problems import Problem, debugging, internal_problem

T = TypeVar("T", bound=AnyItem)

SUFFIXES = (".yml", ".yaml")


def discover(root: Path, boundary: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """The YAML files of a handbook that may be read, in a stable order, and the problems of
    those that may not (see `generator.boundary`); hidden files and folders are skipped.

    ``boundary`` is the project folder; by default the one ``root`` belongs to.
    """
    boundary = project_root(root) if boundary is None else boundary.resolve()
    return walk(root, boundary, SUFFIXES)


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


_PATHS: dict[tuple[str, str], tuple[str, str]] = {}
"""Per process, by (path, working folder): the resolved path that keys `_CACHE` and the
path shown to authors. A live server would otherwise work both out for every file on
every save. A symbolic link pointed elsewhere mid-session keeps its first key, which is
harmless: `_CACHE` entries are checked against the file's size, mtime and inode."""


def forget_parsed() -> None:
    """Drop the per-process parse cache (one-off builds need the memory more)."""
    _CACHE.clear()
    _PATHS.clear()


def _paths(file: Path, cwd: str) -> tuple[str, str]:
    known = _PATHS.get((str(file), cwd))
    if known is None:
        known = _PATHS[str(file), cwd] = (str(file.resolve()), display_path(file))
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


def _validate(file: Path, loaded: LoadResult) -> _FileResult:
    entries: list[Entry[AnyItem]] = []
    problems = list(loaded.problems)
    invalid: set[tuple[str, str]] = set()
    if loaded.problems and not loaded.items:
        invalid.update(_ids_in_unreadable(file))
    for raw in loaded.items:
        item, item_problems = _validate_one(raw)
        problems.extend(item_problems)
        if item is not None and not raw.source.reported:
            entries.append(Entry(item, raw.source, loaded.text))
        elif isinstance(raw.data.get("id"), str):
            invalid.add((_namespace(raw.data.get("kind")), raw.data["id"]))
    return _FileResult(tuple(entries), tuple(problems), frozenset(invalid))


PARALLEL_MIN_FILES = 100
"""Below this many files to parse, a second process costs more than it saves."""


def _jobs(count: int) -> int:
    """How many processes should parse ``count`` files: SOPSITE_JOBS, else the usable CPUs.

    Parsing is pure CPU in Python, so threads would not help; forked processes do. Forking
    is only safe while this process runs a single thread: `mkdocs serve` runs several, and
    re-parses only the file that changed anyway.
    """
    setting = os.environ.get("SOPSITE_JOBS", "")
    if setting.isdigit() and int(setting) > 0:
        jobs = int(setting)
    elif count < PARALLEL_MIN_FILES:
        return 1
    else:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if threading.active_count() > 1 or "fork" not in mp.get_all_start_methods():
        return 1
    return max(1, min(jobs, count))


BATCH = 25
"""Files a helper parses before sending them back: small enough that this process can
validate one batch while the helper parses the next, large enough to pickle efficiently."""

def _load_files(files: list[tuple[Path, str]],
                finish: Callable[[Path, LoadResult], _FileResult]) -> list[_FileResult]:
    """`load_file` then ``finish`` (validation) for each file, parsing in several processes
    when there are many.

    Helpers only parse; what they send back is plain data and text, which pickles in a
    fraction of the time parsing took. This process does the rest, where the models are
    used: it parses a smaller share itself, then validates the helpers' batches as they
    arrive while the helpers go on parsing, so that little is left once they finish.

    Each helper is a forked process with a pipe of its own, which this process only reads:
    the end of a pipe means its helper finished or died, and a batch it did not send is
    parsed here, as is everything when helpers cannot start (no fork, a resource limit).
    """
    def here(chunk: list[tuple[Path, str]]) -> list[_FileResult]:
        return [finish(file, _load(file, display)) for file, display in chunk]

    jobs = _jobs(len(files))
    if jobs < 2:
        return here(files)
    # Validating what the helpers parse costs this process about what parsing 2/5 of a
    # share would (measured: 0.6 ms against 1.9 ms per file, pickling included).
    shared = len(files) - len(files) * 5 // (5 * jobs + 2)
    batches = [files[start:min(start + BATCH, shared)] for start in range(0, shared, BATCH)]
    helpers: list[tuple[BaseProcess, Connection]] = []
    try:
        try:
            context = mp.get_context("fork")
            for number in range(jobs - 1):
                reader, writer = context.Pipe(duplex=False)
                helper = context.Process(target=_parse_batches, daemon=True,
                                         args=(batches, number, jobs - 1, writer))
                helpers.append((helper, reader))
                helper.start()
                writer.close()  # the helper's copy is the only one left
        except OSError:
            return here(files)
        own = here(files[shared:])
        open_pipes = {reader for _, reader in helpers}
        arrived: dict[int, list[LoadResult]] = {}
        done: list[_FileResult] = []
        for index, batch in enumerate(batches):
            while index not in arrived:
                if helpers[index % len(helpers)][1] not in open_pipes:  # it will never come
                    arrived[index] = [_load(file, display) for file, display in batch]
                    break
                for pipe in cast(list[Connection], wait(list(open_pipes))):
                    try:
                        got, results = pipe.recv()
                        arrived[got] = results
                    except (EOFError, OSError):  # finished, or died (mid-message, maybe)
                        open_pipes.discard(pipe)
            done += [finish(file, result)
                     for (file, _), result in zip(batch, arrived.pop(index), strict=True)]
        return done + own
    finally:
        for process, reader in helpers:
            if process.pid is not None:
                process.kill()  # a no-op for a helper that finished; one that did not is lost
                process.join()
            reader.close()


def _parse_batches(batches: list[list[tuple[Path, str]]], number: int, helpers: int,
                   pipe: Connection) -> None:
    """A helper's work: every ``helpers``-th batch from the ``number``-th, each sent once
    parsed.

    A thread sends while the next batch is parsed: a pipe holds 64 KB and a batch is about
    a megabyte, so a helper that sent them itself would wait while the main process parses
    its own share, and read nothing.
    """
    outbox: SimpleQueue[tuple[int, list[LoadResult]] | None] = SimpleQueue()

    def send() -> None:
        while (parsed := outbox.get()) is not None:
            pipe.send(parsed)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        for index in range(number, len(batches), helpers):
            outbox.put((index, [_load(file, display) for file, display in batches[index]]))
    finally:
        outbox.put(None)
        sender.join()
        pipe.close()


def _signature(file: Path) -> tuple[int, int, int] | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def load_handbook(
    root: Path, *, loaded: Callable[[Entry[AnyItem]], object] | None = None,
    boundary: Path | None = None,
) -> tuple[Handbook, list[Problem]]:
    """Load and validate every file under ``root``; what fails is reported, not raised.

    ``loaded`` is called with each entry validated in this run (not those kept from an
    earlier one), as soon as it is, in no particular order. Files outside ``boundary``
    (by default the project ``root`` belongs to) or not regular are refused unread.
    """
    files, refused = discover(root, boundary)
    cwd = str(Path.cwd())
    known = [_paths(file, cwd) for file in files]
    shown = [display for _, display in known]
    results: dict[int, _FileResult] = {}
    stale: list[tuple[int, tuple[str, str], tuple[int, int, int] | None]] = []
    for index, (file, key) in enumerate(zip(files, known, strict=True)):
        signature = _signature(file)
        hit = _CACHE.get(key)
        if hit is not None and signature is not None and hit[0] == signature:
            results[index] = hit[1]
        else:
            stale.append((index, key, signature))
    def finish(file: Path, result: LoadResult) -> _FileResult:
        validated = _validate(file, result)
        if loaded is not None:
            for entry in validated.entries:
                loaded(entry)
        return validated

    finished = _load_files([(files[index], shown[index]) for index, _, _ in stale], finish)
    for (index, key, signature), result in zip(stale, finished, strict=True):
        results[index] = result
        if signature is not None:
            _CACHE[key] = (signature, results[index])
    entries: list[Entry[AnyItem]] = []
    problems: list[Problem] = refused
    invalid: set[tuple[str, str]] = set()
    for index in range(len(files)):
        entries.extend(results[index].entries)
        problems.extend(results[index].problems)
        invalid.update(results[index].invalid)
    handbook = Handbook(root, tuple(entries), tuple(shown), frozenset(invalid))
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
