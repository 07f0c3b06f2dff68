"""What a controlled copy says about itself: the header and footer of every page, the
watermark of a document not in force, and the handbook's cover and contents.

Every value here ends up in HTML that Chromium renders (its header and footer templates,
the cover page), and titles are author text: each one passes `markupsafe.escape` on its
way in, and no template here holds a script. Chromium fills the page number and count
itself, into the `pageNumber` and `totalPages` spans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from generator.model import AnyDocument
from generator.render.i18n import labels, status_label
from generator.render.site import doc_path

IN_FORCE = frozenset({"effective"})
"""The one status whose copies carry no watermark: every other (draft, in review, imported,
superseded, retired) is not, or not as signed, the procedure in force."""

CHAPTER_LINK = "http://sopsite-chapter.invalid/"
"""Where a contents entry points while it prints; the handbook turns it into a jump to the
chapter's first page (`generator.pdf.assemble`)."""

BAR = ("font-family: sans-serif; font-size: 7.5pt; color: #333; width: 100%; padding: 0 14mm;"
       " box-sizing: border-box; display: flex; justify-content: space-between; gap: 4mm;")
SHRINKS = "flex: 0 1 auto; min-width: 0; white-space: nowrap; overflow: hidden; " \
          "text-overflow: ellipsis;"
"""The first cell (the title, the notice) gives way, cut with an ellipsis..."""
KEPT = "flex: none; white-space: nowrap;"
"""...so that the status, dates and page number are always there whole."""


@dataclass(frozen=True)
class Controlled:
    """One controlled document as its copy names it."""

    id: str
    title: str
    kind: str
    version: str
    status: str
    effective: dt.date
    language: str
    source: str
    """The document page's Markdown path in the site (`procedures/sop-it-ci.md`)."""

    @classmethod
    def of(cls, doc: AnyDocument) -> Controlled:
        return cls(doc.id, doc.title, doc.kind, doc.version, doc.status, doc.effective,
                   doc.language, doc_path(doc))

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    def built_page(self, directory_urls: bool) -> str:
        """Where the built site holds the page."""
        stem = self.source.removesuffix(".md")
        return f"{stem}/index.html" if directory_urls else f"{stem}.html"


@dataclass(frozen=True)
class Stamp:
    """What every page states about the run that printed it."""

    handbook: str
    commit: str
    built: dt.date
    notice: Mapping[str, str]
    """"Uncontrolled when printed" by language, as mkdocs.yml words it (else the labels)."""

    def notice_in(self, language: str) -> str:
        return self.notice.get(language) or labels(language)["pdf_notice"]


def _page_count(words: Mapping[str, str]) -> Markup:
    template = escape(words["pdf_page"])
    return Markup(template.replace("{n}", Markup('<span class="pageNumber"></span>'))
                  .replace("{m}", Markup('<span class="totalPages"></span>')))


def _bar(*cells: object) -> str:
    inner = Markup("").join(Markup('<span style="{}">{}</span>').format(
        KEPT if index else SHRINKS, cell) for index, cell in enumerate(cells))
    return str(Markup('<div style="{}">{}</div>').format(BAR, inner))


def header(doc: Controlled) -> str:
    """Id, version and title on the left; status and effective date on the right."""
    words = labels(doc.language)
    left = Markup("<b>{}</b> v{} · {}").format(doc.id, doc.version, doc.title)
    right = Markup("{}: {} · {}: {}").format(
        words["status"], status_label(doc.status, doc.language), words["effective"],
        doc.effective.isoformat())
    return _bar(left, right)


def footer(stamp: Stamp, language: str) -> str:
    """The notice, the commit and build date, and the page number of the document."""
    words = labels(language)
    made = Markup("{} {} · {} {}").format(words["pdf_commit"], stamp.commit, words["pdf_built"],
                                          stamp.built.isoformat())
    return _bar(Markup("<b>{}</b>").format(stamp.notice_in(language)), made,
                _page_count(words))


def cover_header(stamp: Stamp) -> str:
    return _bar(Markup("<b>{}</b>").format(stamp.handbook), labels("en")["pdf_copy"])


def watermark(doc: Controlled) -> str | None:
    """The status across every page of a copy not in force."""
    return None if doc.in_force else status_label(doc.status, doc.language)


COVER_CSS = """
body { font-family: sans-serif; color: #111; margin: 0; }
.cover { height: 230mm; display: flex; flex-direction: column; justify-content: center;
  break-after: page; }
.cover h1 { font-size: 28pt; margin: 0 0 8mm; }
.cover p { font-size: 12pt; margin: 2mm 0; }
h2 { font-size: 18pt; }
ol { list-style: none; padding: 0; margin: 0; }
li a { display: flex; gap: 3mm; padding: 1.2mm 0; color: #111; text-decoration: none;
  border-bottom: 1px dotted #bbb; font-size: 10pt; }
li .title { flex: 1; }
li .status { color: #555; }
"""


def cover(stamp: Stamp, documents: Sequence[Controlled], starts: Sequence[int]) -> str:
    """The handbook's cover page and contents; ``starts`` are the chapters' first pages.

    Each entry links to `CHAPTER_LINK` with its chapter's number, which the handbook turns
    into a jump inside the file.
    """
    words = labels("en")
    entries = Markup("").join(
        Markup('<li><a href="{}{}"><b>{}</b><span class="title">{}</span>'
               '<span class="status">v{} · {}</span><span>{}</span></a></li>').format(
            CHAPTER_LINK, number, doc.id, doc.title, doc.version,
            status_label(doc.status, doc.language), start)
        for number, (doc, start) in enumerate(zip(documents, starts, strict=True)))
    body = Markup(
        '<section class="cover"><h1>{handbook}</h1><p><b>{copy}</b></p>'
        "<p>{commit_label} {commit}</p><p>{built_label} {built}</p><p>{count}</p>"
        "<p><b>{notice}</b></p></section><h2>{contents}</h2><ol>{entries}</ol>").format(
        handbook=stamp.handbook, copy=words["pdf_copy"], commit_label=words["pdf_commit"],
        commit=stamp.commit, built_label=words["pdf_built"], built=stamp.built.isoformat(),
        count=words["pdf_documents"].format(count=len(documents)),
        notice=stamp.notice_in("en"), contents=words["pdf_contents"], entries=entries)
    return str(Markup('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                      "<title>{}</title><style>{}</style></head><body>{}</body></html>")
               .format(stamp.handbook, Markup(COVER_CSS), body))
