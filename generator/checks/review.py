"""Document control: reviews on time, approvals present, high risks owned and mitigated."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.refs import version_key
from generator.checks.registry import Context, Finding, rule
from generator.model import PHASE_ORDER, Process
from generator.problems import Severity

HIGH_RISK = 15
"""Likelihood x impact at or above this is a high risk (a 5x5 matrix's top band)."""


@rule("REVIEW001", Severity.WARNING, "an effective document past its review date", local=True)
def review_overdue(context: Context) -> Iterator[Finding]:
    """An effective SOP or process is reviewed every `review_every` months after `effective`.

    Retrospectives are records of a meeting, not procedures, so they are never due.

    Passes: effective 2026-01-10, review_every 12, checked in 2026. Fails: checked in 2027-02.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if (doc.kind != "retro" and doc.status == "effective"
                and doc.next_review < context.today):
            yield Finding(entry.source, ("review_every",), f"review was due on "
                          f"{doc.next_review.isoformat()} ({doc.review_every} months after "
                          f"{doc.effective.isoformat()}); review it and bump the version or the "
                          "effective date")


@rule("APPROVAL001", Severity.WARNING, "an effective document without an approval", local=True)
def unapproved(context: Context) -> Iterator[Finding]:
    """Auditors expect every effective revision to carry an `approval` signature.

    Passes: `approvals: [{meaning: approval, ...}]`. Fails: only `meaning: review` entries.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if doc.status == "effective" and not any(a.meaning == "approval" for a in doc.approvals):
            yield Finding(entry.source, ("status",), f"{doc.id} is effective but has no "
                          "approval; add an entry with 'meaning: approval' under 'approvals'")


@rule("RISK001", Severity.ERROR, "a high risk without a mitigation or an owner", local=True)
def unowned_high_risks(context: Context) -> Iterator[Finding]:
    """A risk with likelihood x impact of 15 or more needs both a mitigation and an owner.

    Passes: likelihood 4, impact 4, mitigation and owner given. Fails: the same without owner.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if not isinstance(doc, Process):
            continue
        for i, risk in enumerate(doc.premortem):
            score = risk.likelihood * risk.impact
            missing = [name for name in ("mitigation", "owner") if not getattr(risk, name)]
            if score >= HIGH_RISK and missing:
                yield Finding(entry.source, ("premortem", i, "id"), f"risk {risk.id!r} scores "
                              f"{score} (likelihood {risk.likelihood} x impact {risk.impact}, "
                              f"high from {HIGH_RISK}) but has no {' and no '.join(missing)}")


@rule("PLAN001", Severity.WARNING, "rollout phases repeated or out of order", local=True)
def rollout_order(context: Context) -> Iterator[Finding]:
    """Phases follow align, instruct, run, track, post-mortem, iterate, each at most once.

    Passes: align-stakeholders, run, post-mortem. Fails: run, align-stakeholders.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if not isinstance(doc, Process):
            continue
        seen = -1
        for i, phase in enumerate(doc.rollout):
            rank = PHASE_ORDER.index(phase.phase)
            if rank <= seen:
                yield Finding(entry.source, ("rollout", i, "phase"), f"phase {phase.phase!r} "
                              f"comes after {PHASE_ORDER[seen]!r}; expected the order "
                              f"{', '.join(PHASE_ORDER)}, each phase once")
            seen = max(seen, rank)


@rule("CHANGE001", Severity.ERROR,
      "a change entry for a version the document has not reached", local=True)
def change_ahead(context: Context) -> Iterator[Finding]:
    """`changes` record versions up to the current one, never beyond it.

    Passes: version "2.0" with changes for 1.0 and 2.0. Fails: version "1.1" with a 2.0 entry.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        current = version_key(doc.version)
        for i, change in enumerate(doc.changes):
            if version_key(change.version) > current:
                yield Finding(entry.source, ("changes", i, "version"), f"changes lists version "
                              f"{change.version}, but {doc.id} is at version {doc.version}; a "
                              "change entry cannot be ahead of the document")
