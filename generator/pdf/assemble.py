"""What Chromium printed, made into controlled copies with pypdf.

Chromium's PDF carries the time it was printed, a made-up address in every link to another
page of the site, and named destinations that would clash once two documents share a file.
Here each copy gets its dates from the commit (or SOURCE_DATE_EPOCH) and an /ID derived
from what it is, so the same commit prints the same bytes; its bookmarks are the page's
headings; links to other pages of the site point at the published site (`site_url`) or,
when there is none, are dropped (their text stays); and the handbook is the cover, the
contents and every document as a chapter, whose contents entries and links between
documents jump inside the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    Fit,
    NameObject,
    TextStringObject,
)

from generator.pdf.chromium import ORIGIN, Printout
from generator.pdf.controls import CHAPTER_LINK

PRODUCER = "sopsite (Chromium, pypdf)"


@dataclass(frozen=True)
class Identity:
    """What a file says it is: its title, its time, and the seed of its /ID."""

    title: str
    moment: dt.datetime
    seed: str
    """Text that names this copy (the commit, the document and its version): the /ID is its
    digest, so two prints of one commit have one /ID, and two documents never share one."""


@dataclass(frozen=True)
class Mark:
    """A bookmark: a heading and where it is (page index, top of its line)."""

    level: int
    title: str
    page: int
    top: float


@dataclass(frozen=True)
class Chapter:
    """A document ready to be merged into the handbook."""

    pdf: bytes
    marks: tuple[Mark, ...]
    addresses: tuple[str, ...]
    """The made-up addresses of the document's page (`ORIGIN`): links there lead to the
    chapter."""
    pages: int


def pdf_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _annotations(writer: PdfWriter) -> list[DictionaryObject]:
    found: list[DictionaryObject] = []
    for page in writer.pages:
        found.extend(reference.get_object() for reference in page.get("/Annots") or [])
    return found


def _uri(annotation: DictionaryObject) -> str:
    action = annotation.get("/A")
    return str(action.get("/URI", "")) if action is not None else ""


def _prepare(printed: Printout) -> tuple[PdfWriter, tuple[Mark, ...]]:
    """Chromium's PDF with every link to a named destination made explicit (names are per
    document, and would clash in the handbook), no outline of its own, and the headings'
    bookmarks found at their destinations."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(printed.pdf)))
    root = writer.root_object
    named = root.get("/Dests")
    dests: dict[str, Any] = ({str(k): v for k, v in named.get_object().items()}
                             if named is not None else {})
    for annotation in _annotations(writer):
        name = annotation.get("/Dest")
        if isinstance(name, str) and name in dests:
            annotation[NameObject("/Dest")] = ArrayObject(dests[name])
    for key in ("/Outlines", "/Dests"):
        root.pop(NameObject(key), None)
    _steady_ids(writer)
    pages = {page.indirect_reference.idnum: index  # type: ignore[union-attr]
             for index, page in enumerate(writer.pages)}
    marks = []
    for level, ident, title in printed.headings:
        dest = dests.get(f"/{ident}")
        if dest is not None and title:
            marks.append(Mark(level, title, pages[dest[0].idnum], float(dest[3])))
    return writer, tuple(marks)


def _steady_ids(writer: PdfWriter) -> None:
    """The tagged structure's element ids renumbered from 1 in their order.

    Chromium names each element after its DOM node's number, which counts every node the
    browser made before (so, every page printed earlier): the same page would otherwise
    print different bytes from one run to the next.
    """
    tree: Any = writer.root_object.get("/StructTreeRoot")
    ids = tree.get_object().get("/IDTree") if tree is not None else None
    if ids is None:
        return
    leaves, pending = [], [ids.get_object()]
    while pending:
        node = pending.pop()
        pending.extend(kid.get_object() for kid in node.get("/Kids") or [])
        if "/Names" in node:
            leaves.append(node)
    names = sorted(str(name) for leaf in leaves for name in leaf["/Names"][::2])
    new = {name: TextStringObject(f"e{number:08d}") for number, name in enumerate(names, 1)}
    for leaf in leaves:
        pairs = leaf["/Names"]
        for index in range(0, len(pairs), 2):
            element = pairs[index + 1].get_object()
            element[NameObject("/ID")] = new[str(pairs[index])]
            pairs[index] = new[str(pairs[index])]
        if "/Limits" in leaf:
            leaf[NameObject("/Limits")] = ArrayObject(new[str(x)] for x in leaf["/Limits"])
    _renamed_headers(tree.get_object(), new)


def _renamed_headers(tree: Any, new: dict[str, TextStringObject]) -> None:
    """Table cells name their header cells by id (the `/Headers` of their attributes)."""
    pending = [tree]
    while pending:
        element = pending.pop()
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        pending.extend(kid.get_object() for kid in kids
                       if kid is not None and isinstance(kid.get_object(), DictionaryObject))
        attributes = element.get("/A")
        attributes = attributes if isinstance(attributes, list) else [attributes]
        for attribute in attributes:
            attribute = attribute.get_object() if attribute is not None else None
            if isinstance(attribute, DictionaryObject) and "/Headers" in attribute:
                headers: Any = attribute["/Headers"]
                attribute[NameObject("/Headers")] = ArrayObject(
                    new.get(str(h), TextStringObject(str(h))) for h in headers)


def _outline(writer: PdfWriter, marks: Sequence[Mark], offset: int = 0) -> None:
    """The headings as nested bookmarks (h1, then h2 under it, h3 under that)."""
    parents: list[tuple[int, Any]] = []
    for mark in marks:
        while parents and parents[-1][0] >= mark.level:
            parents.pop()
        item = writer.add_outline_item(title=mark.title, page_number=offset + mark.page,
                                       parent=parents[-1][1] if parents else None,
                                       fit=Fit.xyz(top=mark.top))
        parents.append((mark.level, item))


def _to_site(writer: PdfWriter, site_url: str | None) -> None:
    """Links to other pages of the site point at ``site_url``, or are dropped."""
    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        kept = ArrayObject()
        for reference in annotations.get_object():
            annotation = reference.get_object()
            uri = _uri(annotation)
            if uri.startswith(ORIGIN):
                if not site_url:
                    continue
                target = site_url.rstrip("/") + "/" + uri[len(ORIGIN):]
                annotation["/A"][NameObject("/URI")] = TextStringObject(target)
            kept.append(reference)
        page[NameObject("/Annots")] = kept


def _stamp(writer: PdfWriter, identity: Identity) -> bytes:
    when = pdf_date(identity.moment)
    writer.add_metadata({"/Title": identity.title, "/Creator": PRODUCER, "/Producer": PRODUCER,
                         "/CreationDate": when, "/ModDate": when})
    digest = ByteStringObject(hashlib.sha256(identity.seed.encode()).digest()[:16])
    # pypdf draws a random /ID unless one is set; a fixed one is what makes the bytes repeat.
    writer._ID = ArrayObject([digest, digest])
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def copies(printed: Printout, identity: Identity, site_url: str | None,
           address: str) -> tuple[bytes, Chapter]:
    """One document's controlled copy from Chromium's PDF of its page, and its chapter for
    the handbook (whose links to the site stay for `handbook` to resolve)."""
    writer, marks = _prepare(printed)
    out = io.BytesIO()
    writer.write(out)
    part = Chapter(out.getvalue(), marks, (address,), len(writer.pages))
    _outline(writer, marks)
    _to_site(writer, site_url)
    return _stamp(writer, identity), part


def _jump(annotation: DictionaryObject, page: Any) -> None:
    annotation[NameObject("/A")] = DictionaryObject({
        NameObject("/S"): NameObject("/GoTo"),
        NameObject("/D"): ArrayObject([page, NameObject("/Fit")]),
    })


def handbook(front: bytes, chapters: Sequence[Chapter], identity: Identity, *,
             contents: str, site_url: str | None) -> bytes:
    """The cover and contents (``front``), then each chapter with its bookmarks; contents
    entries and links between documents jump to the chapter."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    writer.add_outline_item(title=contents, page_number=0)
    starts: list[int] = []
    for part in chapters:
        starts.append(len(writer.pages))
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        _outline(writer, part.marks, starts[-1])
    by_address = {address: start for part, start in zip(chapters, starts, strict=True)
                  for address in part.addresses}
    for annotation in _annotations(writer):
        uri = _uri(annotation)
        if uri.startswith(CHAPTER_LINK):
            start = starts[int(uri[len(CHAPTER_LINK):])]
        elif uri.split("#")[0] in by_address:
            start = by_address[uri.split("#")[0]]
        else:
            continue
        _jump(annotation, writer.pages[start].indirect_reference)
    _to_site(writer, site_url)
    return _stamp(writer, identity)
