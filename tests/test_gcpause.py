"""A live server freezes what its first build keeps alive, once; checks pause the collector
(`generator.session.Session` owns the policy).

These tests drive CPython's real collector and leave it as they found it (nothing frozen,
enabled or not as before). Frozen objects are the ones `gc.get_objects()` no longer lists.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.config import load_config

from generator.session import Session
from tests.support.browser import copy_handbook


class Node:
    """A tracked object that can take part in a reference cycle."""

    other: Node | None = None


def _walked(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


@pytest.fixture
def quiet_collector() -> Iterator[None]:
    """No automatic collection during the test; nothing left frozen after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def test_garbage_is_collected_before_the_living_are_frozen(quiet_collector: None) -> None:
    first, second = Node(), Node()
    first.other, second.other = second, first
    cycle = weakref.ref(first)
    del first, second
    kept = Node()
    assert cycle() is not None
    assert _walked(kept)
    Session(serving=True).settle()
    assert cycle() is None, "a cycle frozen before collecting would never be freed"
    assert not _walked(kept), "what survived is frozen: collections skip it"
    later = Node()
    assert _walked(later), "what comes after the freeze is collected as usual"


@pytest.mark.parametrize(("command", "frozen"), [("serve", True), ("build", False)])
def test_only_a_live_server_freezes_and_only_at_its_first_build(
    quiet_collector: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str,
    frozen: bool,
) -> None:
    project = copy_handbook(tmp_path)
    monkeypatch.chdir(project)
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    config = config.plugins.on_config(config)
    assert (gc.get_freeze_count() > 0) is frozen
    plugin = config.plugins["sopsite"]
    if frozen:
        count = gc.get_freeze_count()
        rebuilt = load_config(str(project / "mkdocs.yml"))
        assert rebuilt.plugins["sopsite"] is plugin, "MkDocs keeps a plugin with on_startup"
        rebuilt.plugins.on_config(rebuilt)
        assert gc.get_freeze_count() <= count, "a rebuild freezes nothing more"


def test_a_check_pauses_the_collector_and_restores_it() -> None:
    was_enabled = gc.isenabled()
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            with Session().working():
                assert not gc.isenabled()
            assert gc.isenabled() is before
    finally:
        (gc.enable if was_enabled else gc.disable)()


COUNT_COLLECTIONS = """
import atexit, gc, sys
from generator.commands.cli import main
gc.collect()  # from an empty young generation: what the imports left does not count
before = sum(stat["collections"] for stat in gc.get_stats())
atexit.register(lambda: print(sum(s["collections"] for s in gc.get_stats()) - before,
                              file=sys.stderr))
main()
"""


@pytest.mark.parametrize(("command", "collections"),
                         [(["check"], 0), (["schema", "--out", "schemas"], None)])
def test_the_check_command_never_runs_the_collector(
    tmp_path: Path, command: list[str], collections: int | None
) -> None:
    """A check frees nothing until it exits, so it never collects; other commands may."""
    project = copy_handbook(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", COUNT_COLLECTIONS, *command], cwd=project, capture_output=True,
        text=True, check=False, env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    assert done.returncode == 0, done.stderr
    ran = int(done.stderr.strip().splitlines()[-1])
    if collections is None:
        assert ran > 0, "the collector runs as usual outside a check"
    else:
        assert ran == collections
