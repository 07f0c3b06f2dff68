"""The order modules are handed to the workers in: the longest first.

With ``--dist loadscope`` a module runs on one worker from start to end, and with
``--no-loadscope-reorder`` the modules are handed out in collection order. A long module
handed out last keeps one worker busy while the others wait, so the modules go out longest
first, each by the time it took: as measured by the last run in this clone (pytest's
cache), else as recorded in `tests/module-times.json` (so that a fresh clone starts well;
``SOPSITE_UPDATE_TIMES=1`` writes it again), else guessed from what its tests do. Within a
module the order is kept.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest

from tests.support import TESTS

RECORDED = TESTS / "module-times.json"
"""Seconds per module (setup, call and teardown of all its tests), from a whole run."""

CACHE_KEY = "sopsite/module-times"

GUESS = {"browser": 3.0, "slow": 1.0, "other": 0.05}
"""Seconds per test of a module no run has timed yet, by the kind of test."""


def module_of(nodeid: str) -> str:
    return nodeid.split("::")[0]


def _known(config: pytest.Config) -> dict[str, float]:
    recorded = json.loads(RECORDED.read_text("utf-8")) if RECORDED.is_file() else {}
    cache = getattr(config, "cache", None)  # none under -p no:cacheprovider
    cached = cache.get(CACHE_KEY, {}) if cache is not None else {}
    return {**recorded, **cached}


def _guess(item: pytest.Item) -> float:
    if item.get_closest_marker("browser"):
        return GUESS["browser"]
    return GUESS["slow"] if item.get_closest_marker("slow") else GUESS["other"]


def longest_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Sort ``items`` so that the modules come longest first (stable within a module)."""
    known = _known(config)
    guessed: dict[str, float] = defaultdict(float)
    for item in items:
        guessed[module_of(item.nodeid)] += _guess(item)
    length = {module: known.get(module, guess) for module, guess in guessed.items()}
    first = {module: index for index, module in enumerate(
        dict.fromkeys(module_of(item.nodeid) for item in items))}
    items.sort(key=lambda item: (-length[module_of(item.nodeid)],
                                 first[module_of(item.nodeid)]))


class Timer:
    """Adds up each module's time as the reports come in (on the controller under xdist),
    and keeps the sums of modules that ran to the end for the next run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, report: pytest.TestReport) -> None:
        self.seconds[module_of(report.nodeid)] += report.duration

    def keep(self, config: pytest.Config, exitstatus: int) -> None:
        if not self.seconds or exitstatus not in (pytest.ExitCode.OK,
                                                  pytest.ExitCode.TESTS_FAILED):
            return
        if (config.args_source != pytest.Config.ArgsSource.TESTPATHS
                or config.getoption("keyword") or config.getoption("markexpr")):
            return  # a part of the suite: its modules' times are not whole
        times = {module: round(seconds, 1) for module, seconds in sorted(self.seconds.items())}
        cache = getattr(config, "cache", None)
        if cache is not None:
            cache.set(CACHE_KEY, times)
        if os.environ.get("SOPSITE_UPDATE_TIMES") == "1":
            RECORDED.write_text(json.dumps(times, indent=1) + "\n", "utf-8")


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")

