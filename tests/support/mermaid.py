"""Parse diagrams with Mermaid's own parser, the npm build pinned in package.json."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "js" / "mermaid-parse.mjs"
FENCE = re.compile(r"^``` ?mermaid\n(.*?)\n```$", re.M | re.S)


def diagrams(markdown: str) -> list[str]:
    """The Mermaid sources fenced in a Markdown page."""
    return FENCE.findall(markdown)


def parse_errors(sources: list[str]) -> list[str | None]:
    """Mermaid's verdict per source: None when it parsed, else the parser's message."""
    node = shutil.which("node")
    assert node, "Node.js is needed to run Mermaid's parser; install nodejs"
    assert (REPO / "node_modules" / "mermaid").is_dir(), (
        "Mermaid is not installed; run `npm ci` (make test does it)"
    )
    result = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(sources), capture_output=True, text=True,
        cwd=REPO, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    verdicts: list[str | None] = json.loads(result.stdout)
    return verdicts
