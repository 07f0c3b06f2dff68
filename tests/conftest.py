"""Shared fixtures: a writable copy of the minimal handbook, and the guard that keeps real
builds out of `make test-fast`.

Every test that checks a handbook works on a copy of `tests/fixtures/minimal/` under
``tmp_path/hb`` and runs with ``tmp_path`` as the working directory, so problem paths read
``hb/<file>`` exactly as an author would see them. The constants and helpers live in
tests/support; the names below are re-exported for the files that import them from here.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support import MINIMAL, SOPSITE, TESTS, TODAY, TODAY_ARG, Book, guard, run_sopsite

__all__ = ["MINIMAL", "SOPSITE", "TESTS", "TODAY", "TODAY_ARG", "Book", "run_sopsite"]

@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Book:
    """A fresh copy of the minimal handbook, with the working directory above it."""
    shutil.copytree(MINIMAL, tmp_path / "hb")
    monkeypatch.chdir(tmp_path)
    return Book(tmp_path / "hb")


# --- every test that runs a real build is marked slow (tests/support/guard.py) --------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    guard.running(item)
    result = yield
    guard.refuse_noted_builds()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    result = yield
    guard.refuse_noted_builds()
    return result


def pytest_unconfigure(config: pytest.Config) -> None:
    guard.clean_up()


# --- one worker per shared fixture (pytest -n auto --dist loadgroup) ------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the tests that share a module's fixture (a build, a browser) on one xdist worker,
    so that the fixture is made once; every other test goes to whichever worker is free."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = [name for name in item.fixturenames
                  for fixturedef in info.name2fixturedefs.get(name, ())
                  if fixturedef.scope in ("module", "package", "session")
                  and fixturedef.baseid]  # not pytest's own (tmp_path_factory and the like)
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
