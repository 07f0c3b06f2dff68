"""What changed between two revisions of a document, in words a reviewer or auditor reads.

A text redline of YAML shows that line 48 changed; an auditor needs "step 3 is now performed
by the System Administrator". Items are matched by their stable ids (steps, risks, questions)
or names (metrics, roles), so a reordering reads as a move, not as a removal and an addition.
The raw YAML diff is still offered, folded, underneath.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from generator.model import AnyDocument, Metric, Process, Question, Risk, Sop, Step
from generator.model.graph import edges, is_end

T = TypeVar("T")


@dataclass
class Section:
    """One heading of the diff and its sentences."""

    title: str
    lines: list[str] = field(default_factory=list)


def _q(text: object) -> str:
    return f"“{text}”"


def _pairs(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]
           ) -> tuple[list[T], list[T], list[tuple[T, T]]]:
    """(removed, added, kept pairs) by key."""
    old_by = {key(item): item for item in old}
    new_by = {key(item): item for item in new}
    removed = [item for item in old if key(item) not in new_by]
    added = [item for item in new if key(item) not in old_by]
    kept = [(old_by[key(item)], item) for item in new if key(item) in old_by]
    return removed, added, kept


def _list_change(what: str, old: Iterable[str], new: Iterable[str]) -> list[str]:
    old_list, new_list = list(old), list(new)
    lines = [f"{what} added: {_q(item)}." for item in new_list if item not in old_list]
    lines += [f"{what} removed: {_q(item)}." for item in old_list if item not in new_list]
    return lines


def _moved(old: list[str], new: list[str]) -> set[str]:
    """Ids whose relative order changed: those outside a longest common subsequence."""
    common = [i for i in old if i in new]
    target = [i for i in new if i in old]
    matcher = difflib.SequenceMatcher(a=common, b=target, autojunk=False)
    stable = {common[b.a + k] for b in matcher.get_matching_blocks() for k in range(b.size)}
    return set(common) - stable


def _exits(steps: list[Step], index: int) -> str:
    """Where the flow goes after ``steps[index]``, implicit steps made explicit."""
    step = steps[index]
    if step.decision is not None:
        branches = "; ".join(f"{b.label} → {b.next}" for b in step.decision.branches)
        return f"decision {_q(step.decision.question)} ({branches})"
    if step.fork is not None:
        return f"at the same time {', '.join(step.fork.paths)}, then {step.fork.join}"
    if is_end(steps, index):
        return "the flow ends"
    targets = [e.target for e in edges(steps) if e.position == index]
    return f"next step {targets[0]}"


def _steps(old: list[Step], new: list[Step]) -> tuple[Section, Section]:
    steps, paths = Section("Steps"), Section("Decisions and paths")
    number = {step.id: i + 1 for i, step in enumerate(new)}
    removed, added, kept = _pairs(old, new, lambda s: s.id)
    for step in added:
        steps.lines.append(f"Added step {number[step.id]} {_q(step.title)} ({step.id}), "
                           f"performed by {step.actor}.")
    for step in removed:
        steps.lines.append(f"Removed step {_q(step.title)} ({step.id}).")
    moved = _moved([s.id for s in old], [s.id for s in new])
    old_index = {step.id: i for i, step in enumerate(old)}
    for before, after in kept:
        name = f"Step {number[after.id]} ({after.id})"
        if before.title != after.title:
            steps.lines.append(f"{name} reworded: {_q(before.title)} is now {_q(after.title)}.")
        if before.instructions != after.instructions:
            steps.lines.append(f"{name}: instructions reworded.")
        if before.actor != after.actor:
            steps.lines.append(f"{name} is now performed by {after.actor} instead of "
                               f"{before.actor}.")
        if after.id in moved:
            steps.lines.append(f"{name} moved to position {number[after.id]}.")
        for what, field_name in (("check", "checks"), ("warning", "warnings"),
                                 ("sub-step", "substeps")):
            steps.lines += [f"{name}: {line}" for line in _list_change(
                what.capitalize(), getattr(before, field_name), getattr(after, field_name))]
        if before.duration != after.duration:
            steps.lines.append(f"{name}: expected duration {before.duration or 'none'} → "
                               f"{after.duration or 'none'}.")
        if before.sop != after.sop:
            steps.lines.append(f"{name}: linked SOP {before.sop or 'none'} → "
                               f"{after.sop or 'none'}.")
        if before.group != after.group:
            steps.lines.append(f"{name}: group {before.group or 'none'} → "
                               f"{after.group or 'none'}.")
        if before.wait != after.wait:
            steps.lines.append(f"{name} now waits until {_q(after.wait.until)}." if after.wait
                               else f"{name} no longer waits.")
        was = _exits(old, old_index[before.id])
        now = _exits(new, number[after.id] - 1)
        if was != now:
            paths.lines.append(f"{name}: {was} → {now}.")
    return steps, paths


def _roles(old: Sop, new: Sop) -> Section:
    section = Section("Roles and permissions")
    removed, added, kept = _pairs(old.roles, new.roles, lambda r: r.role)
    section.lines += [f"Role {r.role} added ({r.raci})." for r in added]
    section.lines += [f"Role {r.role} removed (was {r.raci})." for r in removed]
    section.lines += [f"Role {b.role}: {a.raci} → {b.raci}." for a, b in kept if a.raci != b.raci]
    section.lines += _list_change("Permission", old.permissions, new.permissions)
    section.lines += _list_change("Prerequisite", old.prerequisites, new.prerequisites)
    return section


def _risks(old: list[Risk], new: list[Risk]) -> Section:
    section = Section("Risks")
    removed, added, kept = _pairs(old, new, lambda r: r.id)
    section.lines += [f"Risk {r.id} added: {_q(r.description)} (likelihood {r.likelihood}, "
                      f"impact {r.impact})." for r in added]
    section.lines += [f"Risk {r.id} removed." for r in removed]
    for a, b in kept:
        if (a.likelihood, a.impact) != (b.likelihood, b.impact):
            section.lines.append(f"Risk {b.id}: likelihood {a.likelihood} → {b.likelihood}, "
                                 f"impact {a.impact} → {b.impact} (score "
                                 f"{a.likelihood * a.impact} → {b.likelihood * b.impact}).")
        if a.mitigation != b.mitigation:
            section.lines.append(f"Risk {b.id}: mitigation changed.")
        if a.owner != b.owner:
            section.lines.append(f"Risk {b.id}: owner {a.owner or 'none'} → {b.owner or 'none'}.")
    return section


def _metrics(old: list[Metric], new: list[Metric]) -> Section:
    section = Section("Metrics")
    removed, added, kept = _pairs(old, new, lambda m: m.name)
    section.lines += [f"Metric {_q(m.name)} added (target {m.target:g} {m.unit})." for m in added]
    section.lines += [f"Metric {_q(m.name)} removed." for m in removed]
    for a, b in kept:
        if (a.target, a.unit, a.better) != (b.target, b.unit, b.better):
            section.lines.append(f"Metric {_q(b.name)}: target {a.target:g} {a.unit} → "
                                 f"{b.target:g} {b.unit}.")
        if (a.frequency, a.owner) != (b.frequency, b.owner):
            section.lines.append(f"Metric {_q(b.name)}: measured {b.frequency} by {b.owner} "
                                 f"(was {a.frequency} by {a.owner}).")
    return section


def _quiz(old: list[Question], new: list[Question]) -> Section:
    section = Section("Training quiz")
    removed, added, kept = _pairs(old, new, lambda q: q.id)
    section.lines += [f"Question {q.id} added ({q.kind}): {_q(q.prompt)}." for q in added]
    section.lines += [f"Question {q.id} removed." for q in removed]
    for a, b in kept:
        if a.prompt != b.prompt:
            section.lines.append(f"Question {b.id} reworded.")
        if a.answer_keys() != b.answer_keys() or a.options != b.options:
            section.lines.append(f"Question {b.id}: options or answer changed.")
    return section


def _header(old: AnyDocument, new: AnyDocument) -> Section:
    section = Section("Document")
    for name in ("title", "status", "owner", "effective", "review_every"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            section.lines.append(f"{name.replace('_', ' ').capitalize()}: {_q(before)} → "
                                 f"{_q(after)}.")
    return section


_SPECIFIC = frozenset({"title", "status", "owner", "effective", "review_every", "version",
                       "changes", "steps", "metrics", "roles", "permissions", "prerequisites",
                       "premortem", "training", "approvals"})
"""Fields described by their own section; every other field is covered by `_other`."""


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _describe(label: str, before: Any, after: Any) -> list[str]:
    if before == after:
        return []
    if isinstance(before, list) and isinstance(after, list) and all(
            isinstance(x, str) for x in [*before, *after]):
        return _list_change(label, before, after) or [f"{label}: order changed."]
    if isinstance(before, str) and isinstance(after, str) and max(len(before), len(after)) > 60:
        return [f"{label} reworded."]
    if isinstance(before, str | int | float | bool | type(None)) and isinstance(
            after, str | int | float | bool | type(None)):
        return [f"{label}: {_q(before)} → {_q(after)}."]
    return [f"{label} changed."]


def _other(old: AnyDocument, new: AnyDocument) -> Section:
    """Everything else, so that no change ever goes unmentioned."""
    section = Section("Other content")
    for name in type(new).model_fields:
        if name not in _SPECIFIC:
            section.lines += _describe(_label(name), getattr(old, name, None),
                                       getattr(new, name, None))
    return section


def _approvals(old: AnyDocument, new: AnyDocument) -> Section:
    section = Section("Approvals")
    def key(a: Any) -> str:
        return f"{a.meaning} of v{a.version} by {a.name} ({a.role}) on {a.date}"
    section.lines += _list_change("Signature", [key(a) for a in old.approvals],
                                  [key(a) for a in new.approvals])
    return section


def _training(old: Sop | Process, new: Sop | Process) -> Section:
    section = Section("Training")
    if (old.training is None) != (new.training is None):
        section.lines.append("Training module added." if new.training else
                             "Training module removed.")
        return section
    if old.training is None or new.training is None:
        return section
    for name in ("objectives", "audience", "time", "tasks", "terms"):
        section.lines += _describe(_label(name), getattr(old.training, name),
                                   getattr(new.training, name))
    return section


def semantic_diff(old: AnyDocument, new: AnyDocument) -> list[Section]:
    """The non-empty sections describing how ``new`` differs from ``old``."""
    sections = [_header(old, new)]
    if isinstance(old, Sop | Process) and isinstance(new, Sop | Process):
        sections += _steps(old.steps, new.steps)
        old_quiz = old.training.quiz if old.training else []
        new_quiz = new.training.quiz if new.training else []
        sections.append(_training(old, new))
        sections.append(_quiz(old_quiz, new_quiz))
        sections.append(_metrics(old.metrics, new.metrics))
    if isinstance(old, Sop) and isinstance(new, Sop):
        sections.append(_roles(old, new))
    if isinstance(old, Process) and isinstance(new, Process):
        sections.append(_risks(old.premortem, new.premortem))
    sections += [_approvals(old, new), _other(old, new)]
    return [s for s in sections if s.lines]


def yaml_diff(old_text: str, new_text: str, old_name: str, new_name: str) -> str:
    """A unified diff of the two YAML sources."""
    return "".join(difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        fromfile=old_name, tofile=new_name,
    ))


def as_markdown(sections: list[Section], *, escape: Callable[[str], Any] = str,
                level: int = 3) -> str:
    """The sections as Markdown headings and bullet lists."""
    if not sections:
        return "No change in content.\n"
    out = []
    for section in sections:
        out.append(f"{'#' * level} {section.title}\n")
        out.extend(f"- {escape(line)}" for line in section.lines)
        out.append("")
    return "\n".join(out)
