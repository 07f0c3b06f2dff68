"""Parts of one document that must agree with each other, and with the dashboards.

A step performed by a role that the RACI table leaves out, a change that asks roles to
retrain on a module that does not exist, an action item left open past its due day: each
is valid on its own, and each makes the page say something that is not true.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.registry import Context, Finding, rule
from generator.model import Postmortem, Process, Retro, Sop, due
from generator.problems import Severity, quote


@rule("RACI001", Severity.ERROR, "a step performed by a role the SOP's RACI table leaves out")
def actors_in_raci(context: Context) -> Iterator[Finding]:
    """Every role named as a step's `actor` is listed in the SOP's `roles` (RACI).

    The RACI table is where a reader looks up who takes part; a role that performs a step
    but is missing there is a role nobody told. An actor that is no role at all, or a table
    naming an unknown role, is REF001's to report: one mistake, one problem.

    Passes: `roles: [{role: technician, raci: responsible}]` and `actor: technician`.
    Fails: the same table and a step with `actor: it-director`.
    """
    handbook = context.handbook
    known = handbook.role_index.keys() | {ref for kind, ref in handbook.invalid_ids
                                          if kind == "role"}
    for entry in handbook.documents:
        doc = entry.item
        if not isinstance(doc, Sop):
            continue
        listed = [involvement.role for involvement in doc.roles]
        if any(role not in known for role in listed):
            continue  # REF001 names the unknown role in the table; the table is unsure
        for i, step in enumerate(doc.steps):
            if step.actor in known and step.actor not in listed:
                yield Finding(entry.source, ("steps", i, "actor"), f"step {quote(step.id)} is "
                              f"performed by {quote(step.actor)}, which the RACI table "
                              f"('roles') does not list; expected one of "
                              f"{', '.join(map(quote, dict.fromkeys(listed)))}, or add "
                              f"{quote(step.actor)} under 'roles'")


@rule("TRAIN001", Severity.WARNING,
      "a change that asks roles to retrain, in a document without a training module",
      local=True)
def retrain_without_module(context: Context) -> Iterator[Finding]:
    """`retrain` names the roles that must retrain on the document's training module; with
    no module, the site's curricula have nothing to show them.

    Passes: `retrain: [technician]` in an SOP with a `training` section. Fails: the same
    entry in an SOP without one, or in a retrospective.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if isinstance(doc, Sop | Process) and doc.training is not None:
            continue
        for i, change in enumerate(doc.changes):
            if change.retrain:
                what = ("add a 'training' section, or remove 'retrain'"
                        if isinstance(doc, Sop | Process)
                        else f"a {RECORDS.get(doc.kind, doc.kind)} has no training module")
                yield Finding(entry.source, ("changes", i, "retrain"), f"version "
                              f"{change.version} asks {', '.join(map(quote, change.retrain))} "
                              f"to retrain, but {doc.id} has no training module for them to "
                              f"retrain on; {what}", key=True)


RECORDS = {"retro": "retrospective", "postmortem": "post-mortem"}
"""The kinds that record what happened, as a message names them."""


@rule("ACTION001", Severity.WARNING, "an open action item past its due date", local=True)
def overdue_actions(context: Context) -> Iterator[Finding]:
    """An action of a retrospective or post-mortem still open or in progress is done by its
    `due` day (an action with no due day is never overdue).

    The *Open action items* page marks exactly the actions this rule warns about as
    overdue (both ask `generator.model.due`).

    Passes: `status: open`, `due: 2026-12-01`, checked on 2026-11-21; or `status: done`
    with any date. Fails: `status: in-progress`, `due: 2026-11-20`, checked that day.
    """
    for entry in context.handbook.documents:
        doc = entry.item
        if not isinstance(doc, Retro | Postmortem):
            continue
        for i, action in enumerate(doc.actions):
            if due.action_overdue(action, context.today) and action.due is not None:
                yield Finding(entry.source, ("actions", i, "due"), f"action {quote(action.id)} "
                              f"is {action.status} and was due on {action.due.isoformat()}; "
                              "finish it and set 'status: done' (or 'dropped'), or agree a "
                              "new due date")
