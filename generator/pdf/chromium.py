"""Chromium, driven by Playwright, printing pages of a built site and nothing else.

The browser never talks to a server: every request goes through one route handler, which
answers requests for the made-up origin `ORIGIN` with files of the site folder (resolved,
links included, and refused when they land outside it) and aborts everything else, so a page
cannot reach the network or the machine's other files whatever it holds. Host names do not
resolve either (`--host-resolver-rules`), for a request the router would somehow not see.
The made-up origin is also why no port is opened: there is nothing another process on the
machine could read while the PDFs are made.

Mermaid draws each diagram in the page, as it does for readers; the printed page keeps it
as vector graphics (Chromium's PDF backend keeps SVG as paths and text).
"""

from __future__ import annotations

import mimetypes
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.boundary import inside
from generator.errors import SopsiteError

ORIGIN = "http://sopsite-print.invalid/"
"""Where the site seems to live while it prints: `.invalid` never resolves (RFC 2606)."""

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
"""Flags that keep Chromium from reaching for a network (FINDINGS.md, "Browser testing")."""

WAIT_MS = 60_000
"""Longest wait for a page to load and draw its diagrams."""

DIAGRAMS_DRAWN = """() => [...document.querySelectorAll('.mermaid')].every(
    e => e.tagName !== 'PRE' && e.getBoundingClientRect().height > 0)"""
"""Material replaces each `pre.mermaid` by a box holding the drawn diagram (in a closed
shadow root, so the box's height is what can be seen from outside)."""


class ChromiumMissingError(SopsiteError):
    """The PDFs need a Chromium and none was found: the machine's setup, not the input."""

    failed = "pdf"
    exit_code = 2


class PrintError(SopsiteError):
    """A page could not be printed (it did not load, or its diagrams were never drawn)."""

    failed = "pdf"


def chromium_binary() -> str:
    """`SOPSITE_CHROMIUM`, else `chromium` on PATH, as the browser tests find it."""
    configured = os.environ.get("SOPSITE_CHROMIUM")
    if configured:
        if not Path(configured).is_file():
            raise ChromiumMissingError(f"SOPSITE_CHROMIUM={configured} is not a file; point it to "
                                  "a Chromium binary, or unset it to use 'chromium' from PATH")
        return configured
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise ChromiumMissingError("PDFs are printed with Chromium and none was found: install it "
                              "(Debian: apt-get install chromium, or 'make chromium') or set "
                              "SOPSITE_CHROMIUM to a Chromium binary")
    return found


UNPRINTED = ("search/", "assets/javascripts/workers/")
"""Parts of the site paper has no use for: the search index (megabytes in a large handbook,
loaded with every page) and the worker that reads it."""


@dataclass
class Guard:
    """The route handler: the site's files for `ORIGIN`, nothing for anything else."""

    site: Path
    refused: list[str] = field(default_factory=list)
    """Every request that was not answered with a file of the site, in order."""

    def file_for(self, url: str) -> Path | None:
        """The site file ``url`` names, or None when it names none (or one outside)."""
        if not url.startswith(ORIGIN):
            return None
        relative = unquote(urlsplit(url).path).lstrip("/")
        if "\\" in relative or "\0" in relative or relative.startswith(UNPRINTED):
            return None
        path = self.site / relative
        if relative == "" or relative.endswith("/") or path.is_dir():
            path = path / "index.html"
        if not inside(path, self.site) or not path.is_file():
            return None
        return path

    def __call__(self, route: Any) -> None:
        url = route.request.url
        path = self.file_for(url)
        if path is None:
            self.refused.append(url)
            if url.startswith(ORIGIN):
                route.fulfill(status=404, body="", content_type="text/plain")
            else:
                route.abort("blockedbyclient")
            return
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), content_type=kind)


@dataclass(frozen=True)
class Sheet:
    """How a page is laid out on paper."""

    paper: str
    header: str
    """Chromium's header template (HTML, every value escaped): repeated on every page."""
    footer: str
    watermark: str | None = None
    """The status to print diagonally across every page, or None for a document in force."""


PRINT_CSS = """
.sopsite-print-footer { display: none !important; }
.sopsite-print-watermark { position: fixed; top: 45%; left: 0; right: 0; text-align: center;
  transform: rotate(-35deg); font: 700 72pt sans-serif; color: rgba(180, 0, 0, .16);
  text-transform: uppercase; letter-spacing: .1em; pointer-events: none; z-index: 1000; }
"""
"""The page's own print footer gives way to the PDF's; folded parts print open; the
watermark is fixed, which Chromium repeats on every printed page."""

PREPARE = """(watermark) => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  if (watermark) {
    const mark = document.createElement('div');
    mark.className = 'sopsite-print-watermark';
    mark.textContent = watermark;
    document.body.appendChild(mark);
  }
}"""
"""Run in the page: the watermark's text is set as text, never parsed as HTML."""

SEEDED_RANDOM = """(() => {
  let state = 0x2545f491;
  Math.random = () => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
})();"""
"""Run before the page's scripts: Mermaid draws node shapes through rough.js, whose curves
take random control points, so without a fixed sequence no two prints match."""

HEADINGS = """() => [...document.querySelectorAll(
    'article h1[id], article h2[id], article h3[id]')].map(h => {
  const copy = h.cloneNode(true);
  for (const link of copy.querySelectorAll('.headerlink')) link.remove();
  return [Number(h.tagName[1]), h.id, copy.textContent.replace(/\\s+/g, ' ').trim()];
})"""
"""The page's headings as (level, id, text): the bookmarks. Chromium's own outline joins a
heading's wrapped lines without a space, so it is not used."""

Heading = tuple[int, str, str]


@dataclass(frozen=True)
class Printout:
    """A printed page and its headings (each id is a named destination of the PDF)."""

    pdf: bytes
    headings: tuple[Heading, ...] = ()


class Printer:
    """One browser page that prints site pages to PDF bytes, one after another."""

    def __init__(self, page: Any, guard: Guard) -> None:
        self.page = page
        self.guard = guard

    def print_page(self, relative: str, sheet: Sheet) -> Printout:
        """The PDF of the site page at ``relative`` (a path inside the site folder)."""
        url = ORIGIN + relative
        try:
            self.page.goto(url, wait_until="load", timeout=WAIT_MS)
            self.page.wait_for_function(DIAGRAMS_DRAWN, timeout=WAIT_MS)
        except Exception as error:  # Playwright's own errors: the page is the cause
            raise PrintError(f"{relative} did not load and draw its diagrams: "
                             f"{str(error).splitlines()[0]}") from error
        headings = tuple((int(level), str(ident), str(text))
                         for level, ident, text in self.page.evaluate(HEADINGS))
        return Printout(self.print_current(sheet), headings)

    def print_html(self, html: str, sheet: Sheet) -> bytes:
        """The PDF of a page made here (the cover and contents), which holds no script."""
        self.page.set_content(html, wait_until="load", timeout=WAIT_MS)
        return self.print_current(sheet)

    def print_current(self, sheet: Sheet) -> bytes:
        self.page.add_style_tag(content=PRINT_CSS)
        self.page.evaluate(PREPARE, sheet.watermark)
        pdf: bytes = self.page.pdf(
            format=sheet.paper, print_background=True, display_header_footer=True,
            header_template=sheet.header, footer_template=sheet.footer,
            margin={"top": "22mm", "bottom": "20mm", "left": "14mm", "right": "14mm"},
            tagged=True)
        return pdf


@contextmanager
def printer(site: Path) -> Iterator[Printer]:
    """A Chromium that sees only the files of ``site``, closed afterwards."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise ChromiumMissingError("PDFs need Playwright: pip install -r requirements.lock"
                                   ) from error
    binary = chromium_binary()
    guard = Guard(site.resolve())
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=binary, headless=True,
                                                 args=list(FLAGS), timeout=WAIT_MS)
        except PlaywrightError as error:
            raise ChromiumMissingError(f"Chromium at {binary} did not start: "
                                  f"{str(error).splitlines()[0]}") from error
        try:
            context = browser.new_context(service_workers="block", accept_downloads=False)
            context.route("**/*", guard)
            context.add_init_script(script=SEEDED_RANDOM)
            page = context.new_page()
            page.emulate_media(media="print")
            yield Printer(page, guard)
        finally:
            browser.close()
