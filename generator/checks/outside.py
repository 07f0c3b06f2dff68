"""References that leave the handbook: links, attachments, contacts, and where an imported
document came from. Each points somewhere a reviewer cannot see in the YAML diff alone (a
browser, a file, a phone), so each is judged here, at the exact value."""

from __future__ import annotations

from collections.abc import Iterator

from generator import attachments
from generator.checks.registry import Context, Finding, rule
from generator.load import Loc, SourceMap
from generator.model.outside import (
    COMMIT,
    IMAGES,
    SOURCE_SCHEMES,
    attachments_of,
    links_of,
    path_problem,
    url_problem,
)
from generator.model.validate import Suggestions
from generator.problems import Severity, quote


@rule("LINK001", Severity.ERROR, "a link or source address that is not http, https or mailto",
      local=True)
def unsafe_links(context: Context) -> Iterator[Finding]:
    """A link leads to a web page or an e-mail; a source is a web page. Any other scheme
    (`javascript:`, `data:`, `file:`, in any case or with spaces inside) and relative
    addresses are refused: they run in, or read from, the reader's browser.

    Passes: `url: https://status.example.org`, `url: mailto:ops@example.org`. Fails:
    `url: javascript:alert(1)`, `url: ../secrets.txt`, `url: " JavaScript:x"`.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        for loc, link in links_of(doc):
            problem = url_problem(link.url)
            if problem is not None:
                yield Finding(entry.source, (*loc, "url"), problem)
        if doc.source is not None and doc.source.url is not None:
            problem = url_problem(doc.source.url, SOURCE_SCHEMES)
            if problem is not None:
                yield Finding(entry.source, ("source", "url"), problem)


@rule("SOURCE001", Severity.ERROR, "an imported document without its source or import day",
      local=True)
def imported_source(context: Context) -> Iterator[Finding]:
    """An `imported` document says where it came from and when it was imported: readers
    compare it with the original, and its review clock starts on that day.

    Passes: `status: imported` with `source: {url: https://..., imported: 2026-03-02}`.
    Fails: `status: imported` without `source`, or a source without `imported`.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if doc.status != "imported":
            continue
        if doc.source is None:
            yield Finding(entry.source, ("status",), f"{doc.id} is imported but has no "
                          "'source'; expected a 'source' with the original's url, commit or "
                          "citation and the day it was 'imported'")
        elif doc.source.imported is None:
            yield Finding(entry.source, ("source",), f"{doc.id} is imported but its source "
                          "has no 'imported' day; expected 'imported: YYYY-MM-DD', the day "
                          "its review clock starts")


@rule("SOURCE002", Severity.ERROR, "a source commit that is not a commit id", local=True)
def source_commit(context: Context) -> Iterator[Finding]:
    """A commit is named by its id: 7 to 40 lower-case hexadecimal digits.

    Passes: `commit: 4f2a9c1`. Fails: `commit: main` (a branch moves).
    """
    for entry in context.handbook.documents:
        source = entry.item.source
        if source is not None and source.commit is not None \
                and COMMIT.fullmatch(source.commit) is None:
            yield Finding(entry.source, ("source", "commit"), "expected a commit id of 7 to "
                          f"40 lower-case hexadecimal digits, found {quote(source.commit)}; "
                          "a branch or tag name moves, a commit does not")


@rule("ATTACH001", Severity.ERROR, "an attachment path that is not a plain path under the "
      "handbook folder", local=True)
def attachment_paths(context: Context) -> Iterator[Finding]:
    """Attachments are named relative to the handbook folder, part by part in plain names.

    Passes: `path: files/ci-pipeline.png`. Fails: `path: ../secrets.pdf`, `path: /etc/x.txt`,
    `path: 'files/a"b.png'`.
    """
    for entry in context.handbook.documents:
        for loc, attachment in attachments_of(entry.item):
            problem = path_problem(attachment.path)
            if problem is not None:
                yield Finding(entry.source, (*loc, "path"), problem)


def _refusals(context: Context) -> list[tuple[SourceMap, Loc, attachments.Refusal]]:
    """Every attachment `generator.attachments.inspect` refuses, read once per run for
    the three rules that report them."""
    root = context.handbook.root
    found = []
    for entry in context.handbook.documents:
        for loc, attachment in attachments_of(entry.item):
            if path_problem(attachment.path) is None:
                inspected = attachments.inspect(root, attachment.path)
                if isinstance(inspected, tuple):
                    found.append((entry.source, (*loc, "path"), inspected))
    return found


def _refused(context: Context, code: str) -> Iterator[Finding]:
    """The attachments refused with ``code``."""
    for source, loc, (found, message) in context.once("attachments", _refusals):
        if found == code:
            yield Finding(source, loc, message)


@rule(attachments.MISSING, Severity.ERROR, "an attachment that is missing, not a regular "
      "file, or a link out of the handbook folder")
def attachment_missing(context: Context) -> Iterator[Finding]:
    """The file must be there, a regular file, inside the handbook folder once links are
    resolved (the file, not where it points, is what reviewers saw).

    Passes: `path: files/ci-pipeline.png` with that file in `sops/files/`. Fails: no such
    file, or `sops/files/x.pdf` a link to `/etc/passwd` or to a file outside `sops/`.
    """
    return _refused(context, attachments.MISSING)


@rule(attachments.TYPE, Severity.ERROR, "an attachment of a type that is not allowed, or whose "
      "content is not of its type")
def attachment_type(context: Context) -> Iterator[Finding]:
    """Only pdf, png, jpg/jpeg, gif, webp, txt and csv, told by the name and by the first
    bytes. SVG and HTML can carry script and are never published.

    Passes: a real PNG named `diagram.png`. Fails: `diagram.svg`, or an HTML page renamed
    `diagram.png`.
    """
    return _refused(context, attachments.TYPE)


@rule(attachments.SIZE, Severity.ERROR, "an attachment larger than the size limit (5 MiB)")
def attachment_size(context: Context) -> Iterator[Finding]:
    """Every copy of the site carries every attachment: at most 5 MiB each.

    Passes: a 200 KB screenshot. Fails: a 40 MB video renamed `.pdf`.
    """
    return _refused(context, attachments.SIZE)


@rule("ATTACH005", Severity.ERROR, "an image attachment without alt text", local=True)
def image_alt(context: Context) -> Iterator[Finding]:
    """An image says what it shows, for readers who cannot see it.

    Passes: `{path: files/panel.png, title: Panel, alt: The red stop button, top left}`.
    Fails: the same without `alt`.
    """
    for entry in context.handbook.documents:
        for loc, attachment in attachments_of(entry.item):
            if attachment.alt is None and attachments.extension_of(attachment.path) \
                    in IMAGES:
                yield Finding(entry.source, loc, f"the image {quote(attachment.path)} has no "
                              "'alt'; expected a sentence saying what it shows, for readers "
                              "who cannot see it")


@rule("CONTACT001", Severity.ERROR, "a step or escalation naming a contact the document does "
      "not have", local=True)
def unknown_contacts(context: Context) -> Iterator[Finding]:
    """`contact` of a step and `escalation.next` name a contact of the same document, by id.

    Passes: `contact: on-call` with a contact `id: on-call`. Fails: `contact: oncall`.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        ids = [contact.id for contact in doc.contacts]
        hints = Suggestions(ids, "contacts")
        refs: list[tuple[Loc, str]] = [
            (("contacts", i, "escalation", "next"), c.escalation.next)
            for i, c in enumerate(doc.contacts) if c.escalation is not None]
        refs += [(("steps", i, "contact"), step.contact)
                 for i, step in enumerate(getattr(doc, "steps", [])) if step.contact]
        for loc, ref in refs:
            if ref not in ids:
                yield Finding(entry.source, loc, f"unknown contact {quote(ref)}; "
                              f"{hints.hint(ref, entry.source.path)}")


@rule("CONTACT002", Severity.ERROR, "two contacts with one id, or a contact escalating to "
      "itself", local=True)
def contact_ids(context: Context) -> Iterator[Finding]:
    """Contacts have distinct ids, and an escalation leads to someone else.

    Passes: `on-call` escalating to `duty-manager`. Fails: two contacts `on-call`, or
    `on-call` escalating to `on-call`.
    """
    for entry in context.handbook.documents:
        seen: set[str] = set()
        for i, contact in enumerate(entry.item.contacts):
            if contact.id in seen:
                yield Finding(entry.source, ("contacts", i, "id"), f"contact id "
                              f"{quote(contact.id)} is used twice; expected each contact's id "
                              "once")
            seen.add(contact.id)
            if contact.escalation is not None and contact.escalation.next == contact.id:
                yield Finding(entry.source, ("contacts", i, "escalation", "next"),
                              f"contact {quote(contact.id)} escalates to itself; expected "
                              "another contact to call when there is no answer")
