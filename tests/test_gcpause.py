"""A live server's cycle collections happen between rebuilds, never inside one.

`IdleCollection` drives CPython's real collector: these tests watch it through
`gc.callbacks` and leave it as they found it (enabled, nothing frozen).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator

import pytest

from generator.gcpause import IdleCollection, collector_paused

DELAY = 0.05


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    """Appends the generation of every collection that finishes while the test runs."""
    seen: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    was_enabled = gc.isenabled()
    gc.enable()
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


def _wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_first_build_keeps_the_collector_then_freezes_what_survived(
    full_collections: list[int],
) -> None:
    idle = IdleCollection(delay=DELAY)
    idle.building()
    assert gc.isenabled(), "the first build makes most garbage: the collector stays on"
    idle.built()
    assert gc.get_freeze_count() > 0
    assert 2 in full_collections, "a full collection before the freeze"
    assert gc.isenabled()


def test_later_builds_run_without_the_collector_and_collect_after_the_delay(
    full_collections: list[int],
) -> None:
    idle = IdleCollection(delay=DELAY)
    idle.building()
    idle.built()
    full_collections.clear()
    idle.building()
    assert not gc.isenabled()
    gc.collect(0)  # stands for the build's work: automatic collections cannot happen now
    full_collections.clear()
    idle.built()
    assert not gc.isenabled(), "the page goes out before anything is collected"
    assert _wait_until(gc.isenabled)
    assert full_collections == [2]


def test_a_build_that_starts_within_the_delay_cancels_the_collection(
    full_collections: list[int],
) -> None:
    idle = IdleCollection(delay=DELAY)
    idle.building()
    idle.built()
    idle.building()
    idle.built()
    full_collections.clear()
    idle.building()  # the next save arrives before the collection was due
    time.sleep(DELAY * 4)
    assert full_collections == []
    assert not gc.isenabled()
    idle.built()
    assert _wait_until(gc.isenabled)
    assert full_collections == [2]


def test_a_paused_check_inside_a_rebuild_leaves_the_collector_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
