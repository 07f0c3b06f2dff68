"""Views for the training pages: modules, quizzes, curricula and what changed.

Everything here derives from the same YAML as the procedure, so the training cannot drift
from it: the walk-through is the step list, the terms are the document's glossary
references, and a major version bump flags the module for the roles that must retrain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from generator.model import Change, Process, Question, Sop, Step, Term, minutes

LEVEL_ORDER = ("strategic", "tactical", "operational")


def major(version: str) -> int:
    """The major part of "MAJOR.MINOR"."""
    return int(version.split(".")[0])


def changes_since_previous_major(doc: Sop | Process) -> list[Change]:
    """Change entries of the current major version, when there was an earlier major."""
    current = major(doc.version)
    entries = [c for c in doc.changes if major(c.version) == current]
    earlier = any(major(c.version) < current for c in doc.changes)
    return entries if entries and (current > 1 or earlier) else []


def retrain_roles(doc: Sop | Process) -> list[str]:
    """Roles that must retrain for the current major version, in first-mentioned order."""
    roles: list[str] = []
    for change in changes_since_previous_major(doc):
        roles.extend(r for r in change.retrain if r not in roles)
    return roles


def by_role(steps: list[Step]) -> list[tuple[str, list[tuple[int, Step]]]]:
    """Steps grouped by actor, in order of each role's first step; numbers are 1-based."""
    groups: dict[str, list[tuple[int, Step]]] = {}
    for number, step in enumerate(steps, start=1):
        groups.setdefault(step.actor, []).append((number, step))
    return list(groups.items())


def total_minutes(steps: list[tuple[int, Step]]) -> int:
    """Sum of the expected durations that are given."""
    return sum(minutes(step.duration) for _, step in steps if step.duration)


def human_minutes(total: int) -> str:
    """`135` as `2 h 15 min`."""
    hours, rest = divmod(total, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


@dataclass(frozen=True)
class QuizItem:
    """One option as shown: its id, its text (Markdown), and its number or letter."""

    key: str
    text: str
    is_step: bool = False


def _stable_shuffle(keys: list[str], salt: str) -> list[str]:
    """A fixed, content-derived order, so an ordering question is not given away by the list
    yet every build prints the same page."""
    ordered = sorted(keys, key=lambda k: hashlib.sha256(f"{salt}:{k}".encode()).hexdigest())
    return ordered if ordered != keys else ordered[1:] + ordered[:1]


def quiz_items(question: Question, steps: list[Step], words: dict[str, str]) -> list[QuizItem]:
    """The choices a learner sees for ``question``."""
    if question.kind == "true-false":
        return [QuizItem("true", words["true"]), QuizItem("false", words["false"])]
    if question.kind == "ordering":
        titles = {step.id: step.title for step in steps}
        keys = question.answer_keys()
        return [QuizItem(k, titles.get(k, k), True) for k in _stable_shuffle(keys, question.id)]
    return [QuizItem(key, text) for key, text in question.options.items()]


def answer_attribute(question: Question) -> Markup:
    """The answer key for the page script, as an escaped HTML attribute value."""
    return Markup(escape(json.dumps(question.answer_keys(), ensure_ascii=False)))


def curriculum(modules: list[Sop | Process], role: str) -> list[Sop | Process]:
    """The modules ``role`` must complete: processes by level, then the SOPs they link.

    A process comes before the SOPs it links, so a learner meets the why before the how.
    """
    mine = [d for d in modules if d.training is not None and role in d.training.audience]
    processes = sorted((d for d in mine if isinstance(d, Process)),
                       key=lambda p: (LEVEL_ORDER.index(p.level), p.id))
    first_link: dict[str, int] = {}
    for rank, process in enumerate(sorted((d for d in modules if isinstance(d, Process)),
                                          key=lambda p: (LEVEL_ORDER.index(p.level), p.id))):
        for ref in [*process.sops, *(s.sop for s in process.steps if s.sop)]:
            first_link.setdefault(ref, rank)
    sops = sorted((d for d in mine if isinstance(d, Sop)),
                  key=lambda s: (first_link.get(s.id, len(first_link) + 1), s.id))
    return [*processes, *sops]


def module_context(doc: Sop | Process, term_index: dict[str, Term]) -> dict[str, Any]:
    """What the module template needs beyond the document itself."""
    assert doc.training is not None
    groups = by_role(doc.steps)
    wanted = doc.training.terms if doc.training.terms is not None else doc.terms
    return {
        "terms": [term_index[t] for t in wanted if t in term_index],
        "groups": groups,
        "group_minutes": {role: total_minutes(steps) for role, steps in groups},
        "changes_since": changes_since_previous_major(doc),
        "retrain": retrain_roles(doc),
        "previous_major": major(doc.version) - 1,
        "quiz_items": quiz_items,
        "answer_attribute": answer_attribute,
        "human_minutes": human_minutes,
        "minutes": minutes,
    }
