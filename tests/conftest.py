"""Shared helpers: a writable copy of the minimal handbook, and the real `sopsite` script.

Every test that checks a handbook works on a copy of `tests/fixtures/minimal/` under
``tmp_path/hb`` and runs with ``tmp_path`` as the working directory, so problem paths read
``hb/<file>`` exactly as an author would see them.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.pipeline import check_handbook
from generator.problems import Problem

TODAY = dt.date(2026, 11, 21)
"""The day every check runs as, so no test depends on the real date."""

TODAY_ARG = TODAY.isoformat()

TESTS = Path(__file__).parent
MINIMAL = TESTS / "fixtures" / "minimal"
SOPSITE = Path(sys.executable).parent / "sopsite"
"""The console script installed next to the interpreter running the tests."""


@dataclass(frozen=True)
class Book:
    """A writable copy of the minimal handbook at ``<cwd>/hb``."""

    root: Path

    def text(self, name: str) -> str:
        return (self.root / name).read_text(encoding="utf-8")

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace ``old`` (which must occur exactly once) by ``new`` in one file."""
        text = self.text(name)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        self.write(name, text.replace(old, new))

    def problems(self, *, strict: bool = False) -> list[Problem]:
        _, problems = check_handbook(Path("hb"), today=TODAY, strict=strict)
        return problems

    def lines(self, *, strict: bool = False) -> list[str]:
        return [problem.format() for problem in self.problems(strict=strict)]


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Book:
    """A fresh copy of the minimal handbook, with the working directory above it."""
    shutil.copytree(MINIMAL, tmp_path / "hb")
    monkeypatch.chdir(tmp_path)
    return Book(tmp_path / "hb")


def run_sopsite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `sopsite` script as an author would, without debug tracebacks."""
    env = {key: value for key, value in os.environ.items() if key != "SOPSITE_DEBUG"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [str(SOPSITE), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
