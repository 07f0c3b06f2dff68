"""Helpers shared by the tests, and the constants every test file takes from here.

One place names the repository, the installed console scripts, the pinned Mermaid and the day
every check runs as; tests/conftest.py and the other support modules import them from here.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.pipeline import check_handbook
from generator.problems import Problem

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
MINIMAL = TESTS / "fixtures" / "minimal"
"""The minimal handbook the `book` fixture copies."""

SOPSITE = Path(sys.executable).parent / "sopsite"
"""The console script installed next to the interpreter running the tests."""
MKDOCS = SOPSITE.parent / "mkdocs"
"""MkDocs' own console script, for the builds that skip sopsite's checks on purpose."""

MERMAID_JS = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
"""The Mermaid pinned in package-lock.json; builds point `mermaid_js` at it (no CDN)."""

TODAY = dt.date(2026, 11, 21)
"""The day every check runs as, so no test depends on the real date."""
TODAY_ARG = TODAY.isoformat()
"""`TODAY` as `--today` and SOPSITE_TODAY take it."""


@dataclass(frozen=True)
class Book:
    """A writable copy of the minimal handbook at ``<cwd>/hb`` (the `book` fixture)."""

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

    def problems(self) -> list[Problem]:
        _, problems = check_handbook(Path("hb"), today=TODAY)
        return problems

    def lines(self) -> list[str]:
        return [problem.format() for problem in self.problems()]


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


def run_cli(*args: str | Path, cwd: Path,
            today: str | None = None) -> subprocess.CompletedProcess[str]:
    """The `sopsite` command run in this process through click's runner: the same command
    code, exit code and output streams as `run_sopsite`, without a new Python's start-up.

    What only a process shows (the last-resort "internal error", exit 3, of `main`) is not
    in the path: an exception that escapes a command is raised here, so the test fails with
    its traceback; tests of that path use `run_sopsite`. ``today`` pins SOPSITE_TODAY.
    """
    import gc

    from click.testing import CliRunner

    from generator.commands.cli import cli

    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, [str(arg) for arg in args],
                                    env={"SOPSITE_DEBUG": None, "SOPSITE_TODAY": today})
    finally:
        os.chdir(before)
        gc.unfreeze()  # a check freezes what it loaded for its process's exit; not this one's
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["sopsite", *map(str, args)], result.exit_code,
                                       result.stdout, result.stderr)
