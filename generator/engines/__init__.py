"""The engines `sopsite build --engine` can build with, and where each one's virtualenv is.

MkDocs runs in this process. ProperDocs (a continuation of MkDocs 1.x) and Zensical live in
virtualenvs of their own, `.venv-properdocs` and `.venv-zensical` (`make properdocs`,
`make zensical`): ProperDocs replaces mkdocs in any environment it is installed in, and
Zensical needs nothing of sopsite's, so neither may share `.venv`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import ClassVar

from generator.errors import SopsiteError

ENGINES = ("mkdocs", "properdocs", "zensical")


class EngineMissingError(SopsiteError):
    """The engine asked for is not installed here: a tool the machine lacks (exit 2)."""

    failed = "build"
    exit_code: ClassVar[int] = 2


class EngineRefusedError(SopsiteError):
    """The engine cannot do what the configuration or the command asks for; building
    without it would silently drop it, so the run stops instead."""

    failed = "build"
    usage = True


def venv(engine: str) -> Path | None:
    """The engine's virtualenv, or None when none is installed.

    ``SOPSITE_<ENGINE>_VENV`` names one; else `.venv-<engine>` beside the environment sopsite
    runs in (a checkout's `.venv`), beside this source tree (an editable install), or in the
    current project.
    """
    given = os.environ.get(f"SOPSITE_{engine.upper()}_VENV")
    name = f".venv-{engine}"
    candidates = ([Path(given)] if given else
                  [Path(sys.prefix).parent / name, Path(__file__).resolve().parents[2] / name,
                   Path.cwd() / name])
    for folder in candidates:
        if (folder / "bin" / "python").is_file() and (folder / "bin" / engine).is_file():
            return folder
    return None


def require(engine: str) -> Path:
    """The engine's virtualenv; a clear error naming the make target when there is none."""
    found = venv(engine)
    if found is None:
        raise EngineMissingError(
            f"the {engine} engine is not installed: run 'make {engine}' in the sopsite "
            f"checkout (it creates .venv-{engine}), or set SOPSITE_{engine.upper()}_VENV to "
            "a virtualenv that has it")
    return found
