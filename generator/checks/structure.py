"""Structure inside a long procedure: step groups (phases) and the troubleshooting entries.

A group is a heading over a run of steps on the page and a box around them in the
flowchart, so its steps must stand together in the list: a group split in two would be
two headings of the same name, and a box that cannot be drawn.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.registry import Context, Finding, rule
from generator.model import Process, Sop
from generator.model.handbook import Entry
from generator.model.validate import Suggestions
from generator.problems import Severity, quote


def _flows(context: Context) -> Iterator[Entry[Sop | Process]]:
    for entry in context.handbook.documents:
        if isinstance(entry.item, Sop | Process):
            yield entry  # type: ignore[misc]


@rule("GROUP001", Severity.ERROR, "a step in a group the document does not define",
      local=True)
def unknown_groups(context: Context) -> Iterator[Finding]:
    """A step's `group` must name one of the document's `groups`.

    Passes: `groups: [{id: prepare, title: Prepare}]` and a step with `group: prepare`.
    Fails: a step with `group: prepar`.
    """
    for entry in _flows(context):
        known = [group.id for group in entry.item.groups]
        hints = Suggestions(known, "groups")
        for i, step in enumerate(entry.item.steps):
            if step.group is not None and step.group not in known:
                choices = (hints.hint(step.group, entry.source.path) if known else
                           "the document defines no groups: add it under 'groups'")
                yield Finding(entry.source, ("steps", i, "group"), f"step {quote(step.id)} is "
                              f"in group {quote(step.group)}, which the document does not "
                              f"define; {choices}")


@rule("GROUP002", Severity.ERROR, "a group whose steps do not stand together", local=True)
def scattered_groups(context: Context) -> Iterator[Finding]:
    """The steps of one group must follow each other in the list.

    Passes: steps `a`, `b` in `prepare`, then `c` in `cook`. Fails: `a` in `prepare`, `b` in
    `cook`, `c` in `prepare` again.
    """
    for entry in _flows(context):
        steps = entry.item.steps
        last: dict[str, int] = {}
        for i, step in enumerate(steps):
            group = step.group
            if group is None:
                continue
            before = last.get(group)
            if before is not None and before != i - 1:
                yield Finding(entry.source, ("steps", i, "group"), f"step {quote(step.id)} is "
                              f"in group {quote(group)}, whose steps stopped at step "
                              f"{quote(steps[before].id)} (step {before + 1}); keep a group's "
                              f"steps together: move {quote(step.id)} up after "
                              f"{quote(steps[before].id)}, or put it in another group")
            last[group] = i


@rule("GROUP003", Severity.WARNING, "a group no step belongs to", local=True)
def empty_groups(context: Context) -> Iterator[Finding]:
    """Every group in `groups` should hold at least one step, or its heading heads nothing.

    Passes: a group `prepare` that a step names. Fails: a group `clean-up` no step names.
    """
    for entry in _flows(context):
        used = {step.group for step in entry.item.steps}
        for j, group in enumerate(entry.item.groups):
            if group.id not in used:
                yield Finding(entry.source, ("groups", j, "id"), f"group {quote(group.id)} has "
                              "no steps; name it in the 'group' of the steps it holds, or "
                              "remove it")


@rule("TROUBLE001", Severity.ERROR, "a troubleshooting entry that links an unknown step",
      local=True)
def unknown_trouble_steps(context: Context) -> Iterator[Finding]:
    """Each step a troubleshooting entry links must be a step of the same document.

    Passes: `steps: [taste]` with a step `taste`. Fails: `steps: [tast]`.
    """
    for entry in _flows(context):
        ids = [step.id for step in entry.item.steps]
        hints = Suggestions(ids, "steps")
        for i, trouble in enumerate(entry.item.troubleshooting):
            for j, ref in enumerate(trouble.steps):
                if ref not in ids:
                    yield Finding(entry.source, ("troubleshooting", i, "steps", j),
                                  f"troubleshooting entry {quote(trouble.symptom)} links "
                                  f"unknown step {quote(ref)}; "
                                  f"{hints.hint(ref, entry.source.path)}")
