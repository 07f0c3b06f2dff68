"""Render Markdown as GitHub-flavoured Markdown with marked (npm, pinned by Mermaid's lock)."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.support.node import run_json


def to_html(texts: list[str]) -> list[str]:
    """The HTML marked makes of each Markdown text, GFM extensions on."""
    pages: list[str] = run_json("gfm-render.mjs", "marked", texts,
                                what="render GitHub-flavoured Markdown")
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
