"""The guard that keeps real builds out of `make test-fast`: a test that builds must be marked
`slow`.

In this process MkDocs' build function is wrapped when this module is imported (tests/conftest.py
imports it before any test module imports generator.mkdocs.build, which binds the function by
name). A `sopsite build`/`mkdocs build`-like subprocess of an unmarked test loads
probe/sitecustomize.py, which notes in a file whether the command really built (a refused
command or `--help` builds nothing); the test fails after the setup or call that built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import mkdocs.commands.build
import pytest

from tests.support import MKDOCS, SOPSITE

BUILDING_COMMANDS = frozenset({"build", "serve", "bundle", "publish", "gh-deploy"})
"""The `sopsite`/`mkdocs` commands that can run a real MkDocs build."""

PROBE = Path(__file__).parent / "probe"
_NOTES = Path(tempfile.mkdtemp(prefix="sopsite-test-builds-"))
NOTES = _NOTES / "built"
"""Where this process' guarded subprocesses note a build."""

_running: list[pytest.Item] = []
"""The test being set up, run or torn down (its module fixtures build during its setup)."""


def running(item: pytest.Item) -> None:
    _running[:] = [item]


def _unmarked() -> bool:
    return bool(_running) and _running[0].get_closest_marker("slow") is None


def _refuse(what: str) -> None:
    pytest.fail(f"{_running[0].nodeid} runs a real MkDocs build ({what}) but is not marked "
                "@pytest.mark.slow; mark it, so that `make test-fast` leaves it out",
                pytrace=False)


def refuse_noted_builds() -> None:
    if NOTES.exists():
        NOTES.unlink()
        if _unmarked():
            _refuse(f"{SOPSITE.name} or {MKDOCS.name} in a subprocess")


def clean_up() -> None:
    shutil.rmtree(_NOTES, ignore_errors=True)


_mkdocs_build = mkdocs.commands.build.build


def _guarded_build(*args: Any, **kwargs: Any) -> None:
    if _unmarked():
        _refuse("MkDocs' build in this process")
    _mkdocs_build(*args, **kwargs)


class _GuardedPopen(subprocess.Popen):  # type: ignore[type-arg]
    """subprocess.Popen that has a building command of an unmarked test note its builds."""

    def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
        argv = [str(a) for a in args] if isinstance(args, list | tuple) else [str(args)]
        if (_unmarked() and len(argv) > 1 and argv[0] in (str(SOPSITE), str(MKDOCS))
                and argv[1] in BUILDING_COMMANDS):
            env = dict(os.environ if kwargs.get("env") is None else kwargs["env"])
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROBE),
                                                              env.get("PYTHONPATH")]))
            env["SOPSITE_TEST_BUILD_PROBE"] = str(NOTES)
            kwargs["env"] = env
        super().__init__(args, *rest, **kwargs)


mkdocs.commands.build.build = _guarded_build  # type: ignore[assignment]
subprocess.Popen = _GuardedPopen  # type: ignore[misc]
