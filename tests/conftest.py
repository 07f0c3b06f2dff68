"""Shared fixtures: a writable copy of the minimal handbook, and the guard that keeps real
builds out of `make test-fast`.

Every test that checks a handbook works on a copy of `tests/fixtures/minimal/` under
``tmp_path/hb`` and runs with ``tmp_path`` as the working directory, so problem paths read
``hb/<file>`` exactly as an author would see them. The constants and helpers live in
tests/support; the names below are re-exported for the files that import them from here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import mkdocs.commands.build
import pytest

from tests.support import MINIMAL, MKDOCS, SOPSITE, TESTS, TODAY, TODAY_ARG, Book, run_sopsite

__all__ = ["MINIMAL", "SOPSITE", "TESTS", "TODAY", "TODAY_ARG", "Book", "run_sopsite"]

BUILDING_COMMANDS = frozenset({"build", "serve", "bundle", "publish", "gh-deploy"})
"""The `sopsite`/`mkdocs` commands that run a real MkDocs build."""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Book:
    """A fresh copy of the minimal handbook, with the working directory above it."""
    shutil.copytree(MINIMAL, tmp_path / "hb")
    monkeypatch.chdir(tmp_path)
    return Book(tmp_path / "hb")


# --- every test that runs a real build is marked slow ---------------------------------------

_running: list[pytest.Item] = []
"""The test being set up, run or torn down (its module fixtures build during its setup)."""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


def _refuse_an_unmarked_build(what: str) -> None:
    if _running and _running[0].get_closest_marker("slow") is None:
        pytest.fail(f"{_running[0].nodeid} runs a real MkDocs build ({what}) but is not "
                    "marked @pytest.mark.slow; mark it, so that `make test-fast` leaves it out",
                    pytrace=False)


_mkdocs_build = mkdocs.commands.build.build


def _guarded_build(*args: Any, **kwargs: Any) -> None:
    _refuse_an_unmarked_build("MkDocs' build in this process")
    _mkdocs_build(*args, **kwargs)


class _GuardedPopen(subprocess.Popen):  # type: ignore[type-arg]
    """subprocess.Popen that refuses `sopsite build` and the like in an unmarked test."""

    def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
        argv = [str(a) for a in args] if isinstance(args, list | tuple) else [str(args)]
        if (len(argv) > 1 and argv[0] in (str(SOPSITE), str(MKDOCS))
                and argv[1] in BUILDING_COMMANDS):
            _refuse_an_unmarked_build(f"{Path(argv[0]).name} {argv[1]}")
        super().__init__(args, *rest, **kwargs)


# Installed when this file is imported, before any test module imports generator.mkdocs.build
# (which binds MkDocs' build function by name) or mkdocs.commands.serve.
mkdocs.commands.build.build = _guarded_build  # type: ignore[assignment]
subprocess.Popen = _GuardedPopen  # type: ignore[misc]
