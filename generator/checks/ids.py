"""Identifiers: unique, safe to use in a URL, and in the shape the handbook agrees on.

Document ids become page addresses and role, term and step ids become anchors and file
names, so an id that holds ``/`` or ``..`` could write outside the site; one that is too
long, or a device name on Windows (`CON`, `NUL`), makes a page that cannot be written, or
a gh-pages branch that cannot be checked out there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.boundary import windows_device
from generator.checks.registry import Context, Finding, rule
from generator.load import Loc, SourceMap
from generator.model import Postmortem, Process, Retro, Sop
from generator.model.fields import DOC_ID_TEXT, MAX_ID_LENGTH, SLUG_ID_TEXT
from generator.problems import Severity, quote

DOC_ID = re.compile(rf"^{DOC_ID_TEXT}$")
SLUG_ID = re.compile(rf"^{SLUG_ID_TEXT}$")
UNSAFE = re.compile(r"[/\\\s\x00-\x1f\x7f]|\.\.|^\.")

def too_long(value: str) -> bool:
    """Whether an id is longer than `MAX_ID_LENGTH`."""
    return len(value) > MAX_ID_LENGTH


def long_id_message(noun: str, value: str) -> str:
    """What ID004 says, and `sopsite new`: the id itself is shortened to stay readable."""
    return (f"expected a {noun} id of at most {MAX_ID_LENGTH} characters, found "
            f"{quote(value)}: page file names are made from ids and must fit every file "
            "system; shorten it")


def windows_message(noun: str, value: str) -> str:
    """What ID005 says, and `sopsite new`, with an id Windows accepts as the example."""
    suggestion = re.sub(r"[. ]+", "-", value).strip("-") or noun
    if windows_device(suggestion):
        suggestion += "-1"
    return (f"expected a {noun} id that Windows can use as a file name, found {quote(value)}: "
            "CON, PRN, AUX, NUL, COM0-COM9 and LPT0-LPT9 (in any case, with any extension) "
            "are device names there, and a name may not end in a dot or a space; choose "
            f"another, e.g. {quote(suggestion)}")


def _all_ids(context: Context) -> Iterator[tuple[str, str, SourceMap, Loc, str]]:
    """(namespace, noun, source, loc, id) for every id in the handbook."""
    handbook = context.handbook
    for entry in handbook.documents:
        doc, source = entry.item, entry.source
        yield "document", "document", source, ("id",), doc.id
        if isinstance(doc, Sop | Process):
            for i, step in enumerate(doc.steps):
                yield f"step:{doc.id}", "step", source, ("steps", i, "id"), step.id
            for i, group in enumerate(doc.groups):
                yield f"group:{doc.id}", "group", source, ("groups", i, "id"), group.id
            if doc.training is not None:
                for i, question in enumerate(doc.training.quiz):
                    yield (f"question:{doc.id}", "question", source,
                           ("training", "quiz", i, "id"), question.id)
        if isinstance(doc, Process):
            for i, risk in enumerate(doc.premortem):
                yield f"risk:{doc.id}", "risk", source, ("premortem", i, "id"), risk.id
        if isinstance(doc, Retro | Postmortem):
            for i, action in enumerate(doc.actions):
                yield f"action:{doc.id}", "action", source, ("actions", i, "id"), action.id
    for role in handbook.roles:
        yield "role", "role", role.source, ("id",), role.item.id
    for term in handbook.terms:
        yield "term", "term", term.source, ("id",), term.item.id


@rule("ID001", Severity.ERROR, "the same id defined twice")
def duplicate_ids(context: Context) -> Iterator[Finding]:
    """Two items of one kind share an id; both places are named.

    Passes: two steps `check` and `decide`. Fails: two files both with `id: SOP-IT-004`.
    """
    first: dict[tuple[str, str], tuple[SourceMap, Loc]] = {}
    for namespace, noun, source, loc, value in _all_ids(context):
        seen = first.get((namespace, value))
        if seen is None:
            first[(namespace, value)] = (source, loc)
            continue
        other_source, other_loc = seen
        line, column = other_source.position(other_loc)
        yield Finding(source, loc, f"duplicate {noun} id {quote(value)}: first defined at "
                      f"{other_source.path}:{line}:{column}")


@rule("ID002", Severity.ERROR, "an id with characters that could escape the site", local=True)
def unsafe_ids(context: Context) -> Iterator[Finding]:
    """Ids become paths and anchors, so path separators, `..` and spaces are refused.

    Passes: `SOP-IT-004`. Fails: `../../etc/passwd`, `SOP IT 4`.
    """
    for _, noun, source, loc, value in _all_ids(context):
        if UNSAFE.search(value):
            yield Finding(source, loc, f"{noun} id {quote(value)} could escape the site: ids must "
                          "not contain '/', '\\', '..', spaces or control characters")


@rule("ID003", Severity.ERROR, "an id not in the agreed shape", local=True)
def id_format(context: Context) -> Iterator[Finding]:
    """Document ids are upper-case (`SOP-IT-004`); the others lower-case (`it-director`).

    Passes: `PROC-ROLLOUT`, `level-1-technician`. Fails: `sop-it-4`, `Level_1`.
    """
    for namespace, noun, source, loc, value in _all_ids(context):
        if UNSAFE.search(value):
            continue  # ID002 already says what is wrong, more urgently
        if namespace == "document":
            if not DOC_ID.match(value):
                yield Finding(source, loc, f"expected a document id of upper-case letters, "
                              f"digits and hyphens such as 'SOP-IT-004', found {quote(value)}")
        elif not SLUG_ID.match(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            yield Finding(source, loc, f"expected a {noun} id of lower-case letters, digits "
                          f"and hyphens, found {quote(value)}; e.g. {quote(suggestion)}")


@rule("ID004", Severity.ERROR, f"an id longer than {MAX_ID_LENGTH} characters", local=True)
def long_ids(context: Context) -> Iterator[Finding]:
    """Ids name page files and folders: 64 characters keep the deepest page's path well
    within Windows' limit of 260 characters, wherever the site is checked out.

    Passes: `SOP-IT-004`. Fails: a document id of 65 characters or more.
    """
    for _, noun, source, loc, value in _all_ids(context):
        if too_long(value):
            yield Finding(source, loc, long_id_message(noun, value))


@rule("ID005", Severity.ERROR, "a document or role id that Windows reserves (CON, NUL, COM1)",
      local=True)
def windows_ids(context: Context) -> Iterator[Finding]:
    """Document and role ids name page files (`procedures/con.md`, `roles/nul.md`), which
    Windows cannot create when the name is a device; step, term and other ids are anchors.

    Passes: `SOP-CON`, `console-operator`. Fails: `CON`, `nul`, `COM1.x`, `SOP-IT.`.
    """
    for namespace, noun, source, loc, value in _all_ids(context):
        if namespace in ("document", "role") and not UNSAFE.search(value) \
                and windows_device(value):
            yield Finding(source, loc, windows_message(noun, value))
