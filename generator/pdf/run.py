"""Print every controlled document of a built site, and the handbook, into a folder.

Each document's page is printed once: its copy is written at once (so a large handbook is
never all in memory), and the printed pages are merged into the handbook at the end. The
PDFs are made in a staging folder beside the output and moved in only when every one of them
succeeded: a failed run leaves the previous PDFs as they were, and files of the output
folder that sopsite did not make are never touched.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from generator.pdf import assemble
from generator.pdf.chromium import ORIGIN, PrintError, Sheet, printer
from generator.pdf.controls import (
    Controlled,
    Stamp,
    cover,
    cover_header,
    footer,
    header,
    watermark,
)
from generator.render.i18n import labels

HANDBOOK = "handbook.pdf"
"""The whole handbook's file; document ids are upper-case, so no document's file is this."""

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Job:
    """What to print, and how."""

    site: Path
    documents: Sequence[Controlled]
    stamp: Stamp
    moment: dt.datetime
    """The time every file states (its creation and modification dates)."""
    site_url: str | None
    paper: str = "A4"


@dataclass(frozen=True)
class Printed:
    """The files a run wrote, by name, with their sizes in bytes."""

    folder: Path
    sizes: dict[str, int]

    @property
    def documents(self) -> dict[str, int]:
        return {name: size for name, size in self.sizes.items() if name != HANDBOOK}


def _page(site: Path, doc: Controlled) -> str:
    """The built page of ``doc``, whichever URL style the site was built with."""
    for directory_urls in (True, False):
        page = doc.built_page(directory_urls)
        if (site / page).is_file():
            return page
    raise PrintError(f"the site has no page for {doc.id} ({doc.built_page(True)}); build "
                     "the site from the same handbook first")


def _address(page: str) -> str:
    return ORIGIN + page.removesuffix("index.html")


def _front(job: Job, pages: Sequence[int], print_front: Callable[[str], bytes]) -> bytes:
    """The cover and contents, with each chapter's first page counted after them."""
    front_pages, front = 2, b""
    for _ in range(4):  # the contents' own length moves the chapters; it settles at once
        starts, at = [], front_pages + 1
        for count in pages:
            starts.append(at)
            at += count
        front = print_front(cover(job.stamp, job.documents, starts))
        if assemble.page_count(front) == front_pages:
            break
        front_pages = assemble.page_count(front)
    return front


def print_all(job: Job, out: Path, progress: Progress | None = None) -> Printed:
    """Write ``<ID>.pdf`` for every document and `HANDBOOK` into ``out``."""
    staging = out.with_name(f".{out.name}.printing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        sizes = _print_into(job, staging, progress)
        out.mkdir(parents=True, exist_ok=True)
        for name in sizes:
            (staging / name).replace(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Printed(out, sizes)


def _print_into(job: Job, staging: Path, progress: Progress | None) -> dict[str, int]:
    sizes: dict[str, int] = {}
    chapters: list[tuple[Path, assemble.Chapter]] = []
    pages: list[int] = []
    commit = job.stamp.commit
    with printer(job.site) as browser:
        for number, doc in enumerate(job.documents, 1):
            if progress is not None:
                progress(number, len(job.documents), doc.id)
            page = _page(job.site, doc)
            printed = browser.print_page(page, Sheet(
                job.paper, header(doc), footer(job.stamp, doc.language), watermark(doc)))
            made, part = assemble.copies(printed, assemble.Identity(
                f"{doc.id} v{doc.version}: {doc.title}", job.moment,
                f"{commit}\0{doc.id}\0{doc.version}"), job.site_url, _address(page))
            name = f"{doc.id}.pdf"
            (staging / name).write_bytes(made)
            sizes[name] = len(made)
            kept = staging / f".{doc.id}.chapter"  # on disk, not in memory, while printing
            kept.write_bytes(part.pdf)
            chapters.append((kept, replace(part, pdf=b"")))
            pages.append(part.pages)
        sheet = Sheet(job.paper, cover_header(job.stamp), footer(job.stamp, "en"))
        front = _front(job, pages, lambda html: browser.print_html(html, sheet))
    whole = assemble.handbook(
        front, [replace(part, pdf=kept.read_bytes()) for kept, part in chapters],
        assemble.Identity(job.stamp.handbook, job.moment, f"{commit}\0handbook"),
        contents=labels("en")["pdf_contents"], site_url=job.site_url)
    (staging / HANDBOOK).write_bytes(whole)
    sizes[HANDBOOK] = len(whole)
    return sizes
