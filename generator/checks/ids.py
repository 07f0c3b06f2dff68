"""Identifiers: unique, safe to use in a URL, and in the shape the handbook agrees on.

Document ids become page addresses and role, term and step ids become anchors and file
names, so an id that holds ``/`` or ``..`` could write outside the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.checks.registry import Context, Finding, rule
from generator.load import Loc, SourceMap
from generator.model import Process, Retro
from generator.problems import Severity

DOC_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
SLUG_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UNSAFE = re.compile(r"[/\\\s\x00-\x1f\x7f]|\.\.|^\.")


def _all_ids(context: Context) -> Iterator[tuple[str, str, SourceMap, Loc, str]]:
    """(namespace, noun, source, loc, id) for every id in the handbook."""
    handbook = context.handbook
    for entry in handbook.documents:
        doc, source = entry.item, entry.source
        yield "document", "document", source, ("id",), doc.id
        if not isinstance(doc, Retro):
            for i, step in enumerate(doc.steps):
                yield f"step:{doc.id}", "step", source, ("steps", i, "id"), step.id
            if doc.training is not None:
                for i, question in enumerate(doc.training.quiz):
                    yield (f"question:{doc.id}", "question", source,
                           ("training", "quiz", i, "id"), question.id)
        if isinstance(doc, Process):
            for i, risk in enumerate(doc.premortem):
                yield f"risk:{doc.id}", "risk", source, ("premortem", i, "id"), risk.id
        if isinstance(doc, Retro):
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
        yield Finding(source, loc, f"duplicate {noun} id {value!r}: first defined at "
                      f"{other_source.path}:{line}:{column}")


@rule("ID002", Severity.ERROR, "an id with characters that could escape the site", local=True)
def unsafe_ids(context: Context) -> Iterator[Finding]:
    """Ids become paths and anchors, so path separators, `..` and spaces are refused.

    Passes: `SOP-IT-004`. Fails: `../../etc/passwd`, `SOP IT 4`.
    """
    for _, noun, source, loc, value in _all_ids(context):
        if UNSAFE.search(value):
            yield Finding(source, loc, f"{noun} id {value!r} could escape the site: ids must "
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
                              f"digits and hyphens such as 'SOP-IT-004', found {value!r}")
        elif not SLUG_ID.match(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            yield Finding(source, loc, f"expected a {noun} id of lower-case letters, digits "
                          f"and hyphens, found {value!r}; e.g. {suggestion!r}")
