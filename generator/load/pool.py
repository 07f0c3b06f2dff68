"""Parse many files in several processes: the one place sopsite forks.

Parsing is pure CPU in Python, so threads would not help; forked processes do. Helpers only
parse; what they send back is plain data and text, which pickles much faster than it
parses. This process does the rest, where the models are used.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from queue import SimpleQueue
from typing import TypeVar, cast

from generator.load import LoadResult

R = TypeVar("R")
Parse = Callable[[Path, str], LoadResult]

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

def parse_all(files: list[tuple[Path, str]], parse: Parse,
              finish: Callable[[Path, LoadResult], R]) -> list[R]:
    """``parse`` then ``finish`` (validation) for each (file, displayed path), in file order,
    parsing in several processes when there are many; ``parse`` must not raise.

    This process parses a smaller share itself, then validates the helpers' batches as they
    arrive while the helpers go on parsing, so that little is left once they finish.

    Each helper is a forked process with a pipe of its own, which this process only reads:
    the end of a pipe means its helper finished or died, and a batch it did not send is
    parsed here, as is everything when helpers cannot start (no fork, a resource limit).
    """
    def here(chunk: list[tuple[Path, str]]) -> list[R]:
        return [finish(file, parse(file, display)) for file, display in chunk]

    jobs = _jobs(len(files))
    if jobs < 2:
        return here(files)
    # Validating what the helpers parse, pickling included, costs this process about what
    # parsing 2/5 of a share would: it parses that much less itself.
    shared = len(files) - len(files) * 5 // (5 * jobs + 2)
    batches = [files[start:min(start + BATCH, shared)] for start in range(0, shared, BATCH)]
    helpers: list[tuple[BaseProcess, Connection]] = []
    try:
        try:
            context = mp.get_context("fork")
            for number in range(jobs - 1):
                reader, writer = context.Pipe(duplex=False)
                helper = context.Process(target=_parse_batches, daemon=True,
                                         args=(batches, number, jobs - 1, writer, parse))
                helpers.append((helper, reader))
                helper.start()
                writer.close()  # the helper's copy is the only one left
        except OSError:
            return here(files)
        own = here(files[shared:])
        open_pipes = {reader for _, reader in helpers}
        arrived: dict[int, list[LoadResult]] = {}
        done: list[R] = []
        for index, batch in enumerate(batches):
            while index not in arrived:
                if helpers[index % len(helpers)][1] not in open_pipes:  # it will never come
                    arrived[index] = [parse(file, display) for file, display in batch]
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
                   pipe: Connection, parse: Parse) -> None:
    """A helper's work: every ``helpers``-th batch from the ``number``-th, each sent once
    parsed.

    A thread sends while the next batch is parsed: a pipe holds far less than a batch, so a
    helper that sent them itself would wait while the main process parses its own share,
    and read nothing.
    """
    outbox: SimpleQueue[tuple[int, list[LoadResult]] | None] = SimpleQueue()

    def send() -> None:
        while (parsed := outbox.get()) is not None:
            pipe.send(parsed)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        for index in range(number, len(batches), helpers):
            outbox.put((index, [parse(file, display) for file, display in batches[index]]))
    finally:
        outbox.put(None)
        sender.join()
        pipe.close()


