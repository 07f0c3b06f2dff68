"""Real MkDocs builds of a handbook in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MERMAID_JS = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
SOPSITE = Path(sys.executable).parent / "sopsite"


def make_project(tmp: Path, sops: Path, *, docs: Path | None = None,
                 config: str = "mkdocs.yml", site_url: str | None = None) -> Path:
    """Copy a handbook and the repo's MkDocs configuration into ``tmp``; return the config.

    The copy points `mermaid_js` at the repo's pinned Mermaid, so the build is offline.
    """
    shutil.copytree(sops, tmp / "sops")
    if docs is None:
        (tmp / "docs").mkdir()
        (tmp / "docs" / "index.md").write_text("# Test handbook\n", encoding="utf-8")
    else:
        shutil.copytree(docs, tmp / "docs")
    for name in ("mkdocs.yml", "mkdocs.mermaid2.yml"):
        text = (REPO / name).read_text(encoding="utf-8")
        text = text.replace("      sops: sops\n",
                            f"      sops: sops\n      mermaid_js: {MERMAID_JS}\n")
        if site_url:
            text = text.replace("site_url: http://127.0.0.1:8000/", f"site_url: {site_url}")
        (tmp / name).write_text(text, encoding="utf-8")
    return tmp / config


def env(today: str = "2026-11-21") -> dict[str, str]:
    """The environment builds run in: pinned day, no MkDocs 2 banner."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOPSITE_TODAY": today}


def sopsite(*args: str | Path, cwd: Path, today: str = "2026-11-21",
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `sopsite` console script."""
    return subprocess.run(
        [str(SOPSITE), *map(str, args)], cwd=cwd, env=env(today), capture_output=True,
        text=True, timeout=timeout, check=False,
    )
