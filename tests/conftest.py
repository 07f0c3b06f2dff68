"""Shared fixtures: a writable copy of the minimal handbook, and the guard that keeps real
builds out of `make test-fast`.

Every test that checks a handbook works on a copy of `tests/fixtures/minimal/` under
``tmp_path/hb`` and runs with ``tmp_path`` as the working directory, so problem paths read
``hb/<file>`` exactly as an author would see them. The constants and helpers live in
tests/support; the names below are re-exported for the files that import them from here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import MINIMAL, SOPSITE, TESTS, TODAY, TODAY_ARG, Book, guard, order, run_sopsite

__all__ = ["MINIMAL", "SOPSITE", "TESTS", "TODAY", "TODAY_ARG", "Book", "run_sopsite"]


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A user cache folder of the run's own (XDG_CACHE_HOME), for this process and every
    `sopsite` it starts: `sopsite serve` keeps its signing key there
    (`generator.mkdocs.lastsite`), and a run must neither read nor leave the user's."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


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


# --- on every core, each module's tests on one worker (pytest -n auto --dist loadscope) -------
#
# A module's tests share its fixtures (a build, a browser) and run in a row on one worker, so
# each fixture is made once. (--dist loadgroup would let other tests go to any worker, but
# pytest-xdist 3.8 cannot mark groups under pytest 9: it renames the nodeid, which pytest 9
# derives from elsewhere.) The modules go out longest first (tests/support/order.py).

_TIMER = order.Timer()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    order.longest_first(config, items)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _TIMER.add(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not order.is_worker(session.config):
        _TIMER.keep(session.config, exitstatus)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module; each test gets a context of its own."""
    from tests.support.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def web(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context that can reach 127.0.0.1 only. In a module marked
    `clean_browser`, a test also fails on any request it blocked and any console error."""
    from tests.support.browser import session

    with session(browser) as state:
        yield state
    if request.node.get_closest_marker("clean_browser"):
        assert state.blocked == []
        assert state.console_errors == []
