"""References between items: every role, term and document named must exist.

A reference to a missing role would render as a dead link and, worse, leave a step with
nobody responsible; so each one is an error with the nearest existing ids as a hint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.checks.registry import Context, Finding, rule
from generator.load import Loc
from generator.model import AnyDocument, Postmortem, Process, Retro, Sop
from generator.model.handbook import Entry
from generator.model.validate import Suggestions
from generator.problems import Severity, quote

Ref = tuple[Loc, str]
DocRef = tuple[Loc, str, tuple[str, ...]]

def role_refs(doc: AnyDocument) -> tuple[Ref, ...]:
    """Every role id a document names, with its location."""
    return tuple(_role_refs(doc))


def document_refs(doc: AnyDocument) -> tuple[DocRef, ...]:
    """Every document id a document names, and the kinds allowed there."""
    return tuple(_document_refs(doc))


def _role_refs(doc: AnyDocument) -> Iterator[Ref]:
    yield ("owner",), doc.owner
    for i, approval in enumerate(doc.approvals):
        yield ("approvals", i, "role"), approval.role
    for i, change in enumerate(doc.changes):
        for j, role in enumerate(change.retrain):
            yield ("changes", i, "retrain", j), role
    if isinstance(doc, Sop | Process):
        for i, step in enumerate(doc.steps):
            yield ("steps", i, "actor"), step.actor
        for i, metric in enumerate(doc.metrics):
            yield ("metrics", i, "owner"), metric.owner
        if doc.training is not None:
            for i, role in enumerate(doc.training.audience):
                yield ("training", "audience", i), role
    if isinstance(doc, Sop):
        for i, involvement in enumerate(doc.roles):
            yield ("roles", i, "role"), involvement.role
    if isinstance(doc, Process):
        for i, stakeholder in enumerate(doc.stakeholders):
            yield ("stakeholders", i, "role"), stakeholder.role
        for i, risk in enumerate(doc.premortem):
            if risk.owner is not None:
                yield ("premortem", i, "owner"), risk.owner
        for i, phase in enumerate(doc.rollout):
            yield ("rollout", i, "owner"), phase.owner
    if isinstance(doc, Postmortem):
        for i, entry in enumerate(doc.timeline):
            if entry.role is not None:
                yield ("timeline", i, "role"), entry.role
    if isinstance(doc, Retro | Postmortem):
        for i, action in enumerate(doc.actions):
            if action.owner is not None:
                yield ("actions", i, "owner"), action.owner


def _document_refs(doc: AnyDocument) -> Iterator[DocRef]:
    anything = ("sop", "process", "retro", "postmortem")
    for field in ("related", "supersedes"):
        for i, ref in enumerate(getattr(doc, field)):
            yield (field, i), ref, anything
    if isinstance(doc, Sop | Process):
        for i, step in enumerate(doc.steps):
            if step.sop is not None:
                yield ("steps", i, "sop"), step.sop, ("sop",)
    if isinstance(doc, Process):
        for i, ref in enumerate(doc.sops):
            yield ("sops", i), ref, ("sop",)
    if isinstance(doc, Retro):
        yield ("subject", "document"), doc.subject.document, ("sop", "process")
    if isinstance(doc, Postmortem):
        for i, ref in enumerate(doc.subject):
            yield ("subject", i), ref, anything
    if isinstance(doc, Retro | Postmortem):
        for i, action in enumerate(doc.actions):
            if action.changes is not None:
                yield ("actions", i, "changes"), action.changes, anything


@rule("REF001", Severity.ERROR, "a reference to a role that is not defined")
def unknown_roles(context: Context) -> Iterator[Finding]:
    """Owners, actors, approvers and the like must be roles defined with `kind: role`.

    Passes: `actor: it-director` with that role defined. Fails: `actor: it-directr`.
    """
    roles = context.handbook.role_index
    hints = Suggestions(roles, "roles")
    for entry in context.handbook.documents:
        for loc, ref in role_refs(entry.item):
            if ref not in roles and ("role", ref) not in context.handbook.invalid_ids:
                yield Finding(entry.source, loc, f"unknown role {quote(ref)}; "
                              f"{hints.hint(ref, entry.source.path)}")


@rule("REF002", Severity.ERROR, "a reference to a glossary term that is not defined")
def unknown_terms(context: Context) -> Iterator[Finding]:
    """`terms` of documents and `see_also` of terms must name defined terms.

    Passes: `terms: [pre-mortem]` with that term defined. Fails: `terms: [premortem]`.
    """
    terms = context.handbook.term_index
    hints = Suggestions(terms, "terms")
    sources: list[tuple[Entry[Any], str, Loc]] = []
    for entry in context.handbook.documents:
        sources.extend((entry, ref, ("terms", i)) for i, ref in enumerate(entry.item.terms))
        module = getattr(entry.item, "training", None)
        if module is not None and module.terms:
            sources.extend((entry, ref, ("training", "terms", i))
                           for i, ref in enumerate(module.terms))
    for term in context.handbook.terms:
        sources.extend((term, ref, ("see_also", i)) for i, ref in enumerate(term.item.see_also))
    for entry, ref, loc in sources:
        if ref not in terms and ("term", ref) not in context.handbook.invalid_ids:
            yield Finding(entry.source, loc, f"unknown term {quote(ref)}; "
                          f"{hints.hint(ref, entry.source.path)}")


@rule("REF003", Severity.ERROR, "a reference to a document that is not defined")
def unknown_documents(context: Context) -> Iterator[Finding]:
    """Related, superseded and linked documents must exist in the handbook.

    Passes: `related: [SOP-IT-004]` with that SOP defined. Fails: `related: [SOP-IT-04]`.
    """
    documents = context.handbook.document_index
    hints = Suggestions(documents, "documents")
    for entry in context.handbook.documents:
        for loc, ref, _ in document_refs(entry.item):
            if ref not in documents and ("document", ref) not in context.handbook.invalid_ids:
                yield Finding(entry.source, loc, f"unknown document {quote(ref)}; "
                              f"{hints.hint(ref, entry.source.path)}")


@rule("REF004", Severity.ERROR, "a reference to a document of the wrong kind")
def wrong_kind(context: Context) -> Iterator[Finding]:
    """A step's `sop` and a process's `sops` must be SOPs; a retro reviews an SOP or process.

    Passes: `sop: SOP-IT-004`. Fails: `sop: PROC-ROLLOUT` (a process).
    """
    documents = context.handbook.document_index
    for entry in context.handbook.documents:
        for loc, ref, kinds in document_refs(entry.item):
            target = documents.get(ref)
            if target is not None and target.kind not in kinds:
                yield Finding(entry.source, loc, f"expected {' or '.join(kinds)}, found "
                              f"{quote(ref)} which is a {target.kind}")


@rule("REF005", Severity.ERROR, "a retrospective of a version that does not exist yet")
def retro_version(context: Context) -> Iterator[Finding]:
    """A retrospective reviews a version at or before the subject's current version.

    Passes: subject version "1.0" of a document at "1.2". Fails: "3.0" of one at "2.1".
    """
    documents = context.handbook.document_index
    for entry in context.handbook.documents:
        doc = entry.item
        if not isinstance(doc, Retro):
            continue
        target = documents.get(doc.subject.document)
        if target is not None and version_key(doc.subject.version) > version_key(target.version):
            yield Finding(entry.source, ("subject", "version"),
                          f"{doc.subject.document} is at version {target.version}; a "
                          f"retrospective cannot review the later version {doc.subject.version}")


def version_key(version: str) -> tuple[int, int]:
    """Versions compare as numbers: "1.10" is after "1.9"."""
    major, minor = version.split(".")
    return int(major), int(minor)

