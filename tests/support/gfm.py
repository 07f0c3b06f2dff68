"""Render Markdown as GitHub-flavoured Markdown with marked (npm, pinned by Mermaid's lock)."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "js" / "gfm-render.mjs"


def to_html(texts: list[str]) -> list[str]:
    """The HTML marked makes of each Markdown text, GFM extensions on."""
    node = shutil.which("node")
    assert node, "Node.js is needed to render GitHub-flavoured Markdown; install nodejs"
    assert (REPO / "node_modules" / "marked").is_dir(), (
        "marked is not installed; run `npm ci` (make test does it)"
    )
    result = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(texts), capture_output=True, text=True,
        cwd=REPO, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    pages: list[str] = json.loads(result.stdout)
    return pages


class Rendered(HTMLParser):
    """What a reader sees of a rendered page: its elements, comments and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def rendered(markdown: str) -> Rendered:
    """``markdown`` rendered as GitHub would, then read back as a reader sees it."""
    page = Rendered()
    page.feed(to_html([markdown])[0])
    page.close()
    return page
