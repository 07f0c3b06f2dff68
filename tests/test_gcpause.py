"""A live server's first build freezes what it leaves alive, once; checks pause the collector.

These tests drive CPython's real collector, watch it through `gc.callbacks` and leave it as
they found it (nothing frozen, enabled or not as before).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from generator.gcpause import SessionFreeze, collector_paused


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that finishes while the test runs."""
    seen: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.unfreeze()
    gc.callbacks.append(watch)
    try:
        yield seen
    finally:
        gc.callbacks.remove(watch)
        gc.unfreeze()
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_the_first_build_collects_then_freezes_what_survived(collections: list[int]) -> None:
    kept = [[index] for index in range(1000)]  # stands for the parsed handbook
    freeze = SessionFreeze()
    assert gc.get_freeze_count() == 0
    freeze.built()
    assert collections.count(2) == 1, "one full collection first, so no garbage is frozen"
    assert gc.get_freeze_count() >= len(kept)
    assert gc.is_tracked(kept[0])


def test_later_builds_freeze_nothing_more(collections: list[int]) -> None:
    freeze = SessionFreeze()
    freeze.built()
    frozen = gc.get_freeze_count()
    made_later = [[index] for index in range(1000)]  # a later build's pages
    collections.clear()
    freeze.built()
    freeze.built()
    assert 2 not in collections
    assert gc.get_freeze_count() == frozen
    assert len(made_later) == 1000


def test_a_check_pauses_the_collector_and_restores_it() -> None:
    was_enabled = gc.isenabled()
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            with collector_paused():
                assert not gc.isenabled()
            assert gc.isenabled() is before
    finally:
        (gc.enable if was_enabled else gc.disable)()
