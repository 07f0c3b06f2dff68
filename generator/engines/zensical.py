"""`sopsite build --engine zensical` (work in progress)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.engines import EngineRefusedError


def build_site(config_file: Path, site_dir: Path | None, *, verbose: bool = False,
               finish: Callable[[Path], None] | None = None) -> Path:
    """Not built yet."""
    raise EngineRefusedError("the zensical engine is not built yet")
