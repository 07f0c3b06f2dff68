"""Parsing many files in several processes gives exactly what parsing them here gives.

A check of a large handbook forks helpers that parse a share of the files each; what comes
back must be indistinguishable, problems and positions included, from a one-process run.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS, TODAY

import generator.load.pool as pool_module
from benchmarks.synth import Synth
from generator.load import load_file
from generator.load.handbook import ParseCache, load_handbook
from generator.load.pool import PARALLEL_MIN_FILES
from generator.pipeline import check_handbook


@pytest.fixture(scope="module")
def large_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A handbook of more than PARALLEL_MIN_FILES files, with the bad corpus spread through
    it; written once, since no test changes it."""
    root = tmp_path_factory.mktemp("large") / "sops"
    Synth(PARALLEL_MIN_FILES + 20).write(root)
    bad = sorted((TESTS / "corpus" / "bad").glob("*.y*ml"))
    for index, file in enumerate(bad):
        folder = root / ("sops", "processes", "retros")[index % 3]
        shutil.copy(file, folder / f"zz-{file.name}")
    return root


@pytest.fixture
def large(large_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`large_root`, from its parent folder (problems name files as a check there would)."""
    monkeypatch.chdir(large_root.parent)
    return large_root


def _run(root: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[Any]]:
    monkeypatch.setenv("SOPSITE_JOBS", jobs)
    handbook, problems = check_handbook(root, today=TODAY)
    # Ask every entry for a position, so lazily computed maps are compared too.
    positions = [(e.source.path, e.source.position(("id",)), e.item) for e in handbook.entries]
    return [p.format() for p in problems], positions


@pytest.fixture(scope="module")
def alone(large_root: Path) -> tuple[list[str], list[Any]]:
    """What one process makes of `large_root`: the result every other run must equal."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(large_root.parent)
        return _run(large_root, "1", patch)


def _recording(log: Path) -> Any:
    """`_parse_batches`, noting in ``log`` which process parsed which batches."""
    parse = pool_module._parse_batches

    def recording(batches: list[Any], number: int, helpers: int, pipe: Any,
                  parse_one: Any) -> None:
        mine = range(number, len(batches), helpers)
        with log.open("a") as out:
            out.write(f"{os.getpid()} {' '.join(map(str, mine))} {len(batches)}\n")
        parse(batches, number, helpers, pipe, parse_one)

    return recording


def test_helper_processes_give_the_same_handbook_and_problems(
    large: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    alone: tuple[list[str], list[Any]],
) -> None:
    log = tmp_path / "helpers.log"
    monkeypatch.setattr(pool_module, "_parse_batches", _recording(log))
    assert _run(large, "1", monkeypatch) == alone
    assert not log.exists()
    shared = _run(large, "3", monkeypatch)
    assert shared == alone
    helpers = [line.split() for line in log.read_text().splitlines()]
    assert len(helpers) == 2
    assert len({pid for pid, *_ in helpers} | {str(os.getpid())}) == 3
    # Helpers parse their share in several batches, each batch once, that come back while
    # they parse the next.
    batches = int(helpers[0][-1])
    assert batches > 2
    assert sorted(int(i) for _, *mine, _ in helpers for i in mine) == list(range(batches))
    problems = alone[0]
    reported = {line.split(":")[0].rsplit("/zz-", 1)[-1] for line in problems}
    assert {f.name for f in (TESTS / "corpus" / "bad").glob("*.y*ml")} <= reported
    assert "sops/sops/zz-duplicate-key.yml:5:1: error [YAML002] duplicate key" in "\n".join(
        problems)


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang, if waiting for a helper never ends."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("still waiting for a helper after 60 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_what_a_helper_killed_mid_message_did_not_send_is_parsed_here(
    large: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, deadline: None,
    alone: tuple[list[str], list[Any]],
) -> None:
    log = tmp_path / "died.log"

    def dies_mid_message(batches: list[Any], number: int, helpers: int, pipe: Any,
                         parse_one: Any) -> None:
        pipe.send((number, [load_file(file, shown) for file, shown in batches[number]]))
        # The start of a second message: its length, then a few of its bytes.
        os.write(pipe.fileno(), struct.pack("!i", 1 << 20) + b"\x80\x05")
        log.write_text(f"{os.getpid()}\n")
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(pool_module, "_parse_batches", dies_mid_message)
    assert _run(large, "2", monkeypatch) == alone
    assert int(log.read_text()) != os.getpid(), "a helper ran, and died"


def test_helpers_that_cannot_start_leave_the_work_here(
    large: Path, monkeypatch: pytest.MonkeyPatch, alone: tuple[list[str], list[Any]],
) -> None:

    class NoPipes:
        def Pipe(self, duplex: bool) -> None:  # noqa: N802 - multiprocessing's name
            raise OSError(24, "Too many open files")

    monkeypatch.setattr(pool_module.mp, "get_context", lambda method: NoPipes())
    assert _run(large, "2", monkeypatch) == alone


def test_small_handbooks_and_threaded_hosts_parse_here(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = pool_module._jobs
    monkeypatch.delenv("SOPSITE_JOBS", raising=False)
    assert jobs(PARALLEL_MIN_FILES - 1) == 1
    monkeypatch.setenv("SOPSITE_JOBS", "4")
    assert jobs(10) == 4
    assert jobs(2) == 2
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # as under `mkdocs serve`: forking is unsafe
    server.start()
    try:
        assert jobs(10) == 1
    finally:
        stop.set()
        server.join()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_each_entry_is_announced_once_when_loaded_and_not_when_kept(
    large: Path, monkeypatch: pytest.MonkeyPatch, jobs: str,
) -> None:
    """`check_handbook` runs the local rules on each entry from this hook, as it loads."""
    monkeypatch.setenv("SOPSITE_JOBS", jobs)
    seen: list[object] = []
    cache = ParseCache()
    handbook, _ = load_handbook(large, loaded=seen.append, cache=cache)
    assert len(seen) == len(handbook.entries) > PARALLEL_MIN_FILES
    assert {id(entry) for entry in seen} == {id(entry) for entry in handbook.entries}
    again: list[object] = []
    kept, _ = load_handbook(large, loaded=again.append, cache=cache)
    assert again == [], "entries of unchanged files come from the cache, already checked"
    assert kept.entries == handbook.entries
