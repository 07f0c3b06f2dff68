"""Parsing many files in several processes gives exactly what parsing them here gives.

A check of a large handbook forks helpers that parse a share of the files each; what comes
back must be indistinguishable, problems and positions included, from a one-process run.
"""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS, TODAY

import generator.handbook as handbook_module
from benchmarks.synth import Synth
from generator.check import check_handbook
from generator.handbook import PARALLEL_MIN_FILES, forget_parsed


@pytest.fixture
def large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A handbook of more than PARALLEL_MIN_FILES files, with the bad corpus spread through it."""
    root = tmp_path / "sops"
    Synth(PARALLEL_MIN_FILES + 20).write(root)
    bad = sorted((TESTS / "corpus" / "bad").glob("*.y*ml"))
    for index, file in enumerate(bad):
        folder = root / ("sops", "processes", "retros")[index % 3]
        shutil.copy(file, folder / f"zz-{file.name}")
    monkeypatch.chdir(tmp_path)
    forget_parsed()
    return root


class _CountingPool(ProcessPoolExecutor):
    submitted = 0

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        type(self).submitted += 1
        return super().submit(*args, **kwargs)


def _run(root: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[Any]]:
    monkeypatch.setenv("SOPSITE_JOBS", jobs)
    forget_parsed()
    handbook, problems = check_handbook(root, today=TODAY, strict=True)
    # Ask every entry for a position, so lazily computed maps are compared too.
    positions = [(e.source.path, e.source.position(("id",)), e.item) for e in handbook.entries]
    return [p.format() for p in problems], positions


def test_two_processes_give_the_same_handbook_and_problems(
    large: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(handbook_module, "ProcessPoolExecutor", _CountingPool)
    _CountingPool.submitted = 0
    alone = _run(large, "1", monkeypatch)
    assert _CountingPool.submitted == 0
    shared = _run(large, "3", monkeypatch)
    assert _CountingPool.submitted == 2  # this process parses the first share itself
    assert shared == alone
    problems = alone[0]
    reported = {line.split(":")[0].rsplit("/zz-", 1)[-1] for line in problems}
    assert {f.name for f in (TESTS / "corpus" / "bad").glob("*.y*ml")} <= reported
    assert "sops/sops/zz-duplicate-key.yml:5:1: error [YAML002] duplicate key" in "\n".join(
        problems)


def test_small_handbooks_and_threaded_hosts_parse_here(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = handbook_module._jobs
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
