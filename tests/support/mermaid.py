"""Parse diagrams with Mermaid's own parser, the npm build pinned in package.json."""

from __future__ import annotations

import re

from tests.support.node import run_json

FENCE = re.compile(r"^``` ?mermaid\n(.*?)\n```$", re.M | re.S)


def diagrams(markdown: str) -> list[str]:
    """The Mermaid sources fenced in a Markdown page."""
    return FENCE.findall(markdown)


def parse_errors(sources: list[str]) -> list[str | None]:
    """Mermaid's verdict per source: None when it parsed, else the parser's message."""
    verdicts: list[str | None] = run_json("mermaid-parse.mjs", "mermaid", sources,
                                          what="run Mermaid's parser")
    return verdicts
