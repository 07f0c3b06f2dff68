"""Document control: reviews on time, approvals of the version in force (signed by a role
that may approve, dated before it took effect), high risks owned and mitigated."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.refs import version_key
from generator.checks.registry import Context, Finding, rule
from generator.model import PHASE_ORDER, Process, due
from generator.model.documents import HIGH_RISK
from generator.problems import Severity, quote


@rule("REVIEW001", Severity.WARNING, "an effective document past its review date", local=True)
def review_overdue(context: Context) -> Iterator[Finding]:
    """An effective SOP or process is reviewed every `review_every` months after `effective`.

    Retrospectives and post-mortems are records, not procedures, so they are never due. An
    `imported` document is in use too: its clock starts on the day its `source` says it
    was imported. The review dashboard lists exactly the documents this rule warns about.

    Passes: effective 2026-01-10, review_every 12, checked in 2026. Fails: checked in 2027-02.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        when = due.review_date(doc)
        if when is not None and when < context.today:
            start = due.review_start(doc)
            since = "the import on " if start != doc.effective else ""
            yield Finding(entry.source, ("review_every",), f"review was due on "
                          f"{when.isoformat()} ({doc.review_every} months after "
                          f"{since}{start.isoformat()}); review it and bump the version or the "
                          "effective date")


@rule("APPROVAL001", Severity.WARNING,
      "an effective document without an approval of its current version", local=True)
def unapproved(context: Context) -> Iterator[Finding]:
    """Auditors expect every effective revision to carry an `approval` of that version.

    A signature names the version it signs, so the approvals of 1.2 do not carry over to
    2.0: a new revision is approved again.

    Passes: version "2.0" with `{meaning: approval, version: "2.0", ...}`. Fails: only
    `meaning: review` entries, or an approval of version "1.2".
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if doc.status != "effective" or any(doc.approves_current(a) for a in doc.approvals):
            continue
        signed = sorted({a.version for a in doc.approvals if a.meaning == "approval"},
                        key=version_key)
        found = (f"has approvals of version {', '.join(signed)} only" if signed
                 else "has no approval")
        yield Finding(entry.source, ("status",), f"{doc.id} is effective at version "
                      f"{doc.version} but {found}; add an entry with 'meaning: approval' and "
                      f"'version: \"{doc.version}\"' under 'approvals'")


@rule("APPROVAL002", Severity.ERROR, "an approval in a role that may not approve")
def approver_permission(context: Context) -> Iterator[Finding]:
    """Only a role with `can_approve: true` may sign with `meaning: approval`.

    Anyone may sign a `review`. An unknown role is REF001's to report.

    Passes: `{role: it-director, meaning: approval}` where the role has `can_approve: true`.
    Fails: `{role: technician, meaning: approval}` where it has not.
    """
    roles = context.handbook.role_index
    approvers = sorted(role_id for role_id, role in roles.items() if role.can_approve)
    for entry in context.handbook.documents:
        for i, approval in enumerate(entry.item.approvals):
            role = roles.get(approval.role)
            if approval.meaning == "approval" and role is not None and not role.can_approve:
                choices = (f"roles that may approve: {', '.join(approvers)}" if approvers
                           else "no role has 'can_approve: true'")
                yield Finding(entry.source, ("approvals", i, "role"), f"{quote(approval.name)} "
                              f"approved in role {quote(approval.role)}, which may not approve; "
                              f"expected a role with 'can_approve: true' ({choices})")


@rule("APPROVAL003", Severity.ERROR, "a signature dated in the future", local=True)
def future_signature(context: Context) -> Iterator[Finding]:
    """Nobody signs ahead of time: a signature is dated on or before the day of the check.

    Passes: `date: 2026-05-28` checked on 2026-11-21. Fails: `date: 2026-12-01` that day.
    """
    for entry in context.handbook.documents:
        for i, approval in enumerate(entry.item.approvals):
            if approval.date > context.today:
                yield Finding(entry.source, ("approvals", i, "date"), f"{quote(approval.name)} "
                              f"signed on {approval.date.isoformat()}, which is in the future; "
                              f"expected a date on or before today "
                              f"({context.today.isoformat()})")


@rule("APPROVAL004", Severity.ERROR,
      "the approval of the version in force dated after it took effect", local=True)
def late_approval(context: Context) -> Iterator[Finding]:
    """A version is approved before it takes effect, not after.

    Passes: effective 2026-06-01, approval of that version on 2026-05-28. Fails: approval
    on 2026-06-03.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if doc.status != "effective":
            continue
        for i, approval in enumerate(doc.approvals):
            # A date in the future is APPROVAL003's: one wrong date, one problem.
            if (doc.approves_current(approval)
                    and doc.effective < approval.date <= context.today):
                yield Finding(entry.source, ("approvals", i, "date"), f"{quote(approval.name)} "
                              f"approved version {doc.version} on {approval.date.isoformat()}, "
                              f"after it took effect on {doc.effective.isoformat()}; expected "
                              "a date on or before 'effective' (or move 'effective' to the day "
                              "of the approval or later)")


@rule("APPROVAL005", Severity.ERROR,
      "a signature of a version the document has not reached", local=True)
def approval_ahead(context: Context) -> Iterator[Finding]:
    """A signature signs the current version or an earlier one, never a later one.

    Passes: version "2.0" with approvals of 1.2 and 2.0. Fails: version "2.0" with a 2.1
    signature.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        current = version_key(doc.version)
        for i, approval in enumerate(doc.approvals):
            if version_key(approval.version) > current:
                yield Finding(entry.source, ("approvals", i, "version"), f"{quote(approval.name)} "
                              f"signed version {approval.version}, but {doc.id} is at version "
                              f"{doc.version}; a signature cannot be ahead of the document")


@rule("RISK001", Severity.ERROR, "a high risk without a mitigation or an owner", local=True)
def unowned_high_risks(context: Context) -> Iterator[Finding]:
    """A risk with likelihood x impact of 15 or more needs both a mitigation and an owner.

    A risk nobody scored may be as high as any: it needs them too, never ranked low.

    Passes: likelihood 4, impact 4, mitigation and owner given. Fails: the same without
    owner, or an unscored risk without owner.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if not isinstance(doc, Process):
            continue
        for i, risk in enumerate(doc.premortem):
            missing = [name for name in ("mitigation", "owner") if not getattr(risk, name)]
            if not missing:
                continue
            if risk.score is None:
                yield Finding(entry.source, ("premortem", i, "id"), f"risk {quote(risk.id)} is "
                              "not scored, so it may be high, but has no "
                              f"{' and no '.join(missing)}; an unscored risk is never taken "
                              "for a low one: give it both, or score it")
            elif risk.score >= HIGH_RISK:
                yield Finding(entry.source, ("premortem", i, "id"), f"risk {quote(risk.id)} scores "
                              f"{risk.score} (likelihood {risk.likelihood} x impact "
                              f"{risk.impact}, high from {HIGH_RISK}) but has no "
                              f"{' and no '.join(missing)}")


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
                yield Finding(entry.source, ("rollout", i, "phase"), f"phase {quote(phase.phase)} "
                              f"comes after {quote(PHASE_ORDER[seen])}; expected the order "
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
