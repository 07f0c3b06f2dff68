"""Training: an answer key that fits its question, questions tied to real steps, coverage."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from generator.checks.registry import Context, Finding, rule
from generator.model import Process, Question, Sop
from generator.model.handbook import Entry
from generator.model.validate import Suggestions, did_you_mean
from generator.problems import Severity, quote


def _quizzes(context: Context) -> Iterator[tuple[Entry[Sop | Process], int, Question]]:
    for entry in context.handbook.documents:
        doc = entry.item
        if isinstance(doc, Sop | Process) and doc.training is not None:
            for index, question in enumerate(doc.training.quiz):
                yield entry, index, question  # type: ignore[misc]


def _loc(index: int, field: str) -> tuple[str | int, ...]:
    return ("training", "quiz", index, field)


@rule("QUIZ001", Severity.ERROR, "a quiz answer key that is empty", local=True)
def empty_answer(context: Context) -> Iterator[Finding]:
    """Every question needs a correct answer.

    Passes: `answer: a`. Fails: `answer: []` or `answer: ""`.
    """
    for entry, i, question in _quizzes(context):
        if question.answer in ([], ""):
            yield Finding(entry.source, _loc(i, "answer"), f"question {quote(question.id)} has an "
                          "empty answer key; name the correct option(s)")


@rule("QUIZ002", Severity.ERROR, "an answer key naming an option that does not exist", local=True)
def unknown_option(context: Context) -> Iterator[Finding]:
    """A `single` or `multiple` answer must name keys of `options`.

    Passes: options a, b and `answer: b`. Fails: `answer: c`.
    """
    for entry, i, question in _quizzes(context):
        if question.kind not in ("single", "multiple") or isinstance(question.answer, bool):
            continue
        for key in question.answer_keys():
            if key not in question.options:
                yield Finding(entry.source, _loc(i, "answer"), f"question {quote(question.id)}: "
                              f"answer {quote(key)} is not an option; "
                              f"{did_you_mean(key, question.options, 'options')}")


@rule("QUIZ003", Severity.ERROR,
      "an answer key that does not fit the kind of question", local=True)
def answer_fits_kind(context: Context) -> Iterator[Finding]:
    """Single choice has one answer, true/false a boolean, ordering at least two steps.

    Passes: `kind: single`, `answer: a`. Fails: `kind: single`, `answer: [a, b]`.
    """
    for entry, i, question in _quizzes(context):
        answer, kind = question.answer, question.kind
        problem = None
        if kind == "true-false" and not isinstance(answer, bool):
            problem = f"expected true or false, found {quote(answer)}"
        elif kind != "true-false" and isinstance(answer, bool):
            problem = f"expected {'an option id' if kind == 'single' else 'a list'}, found " \
                      f"{str(answer).lower()}"
        elif kind == "single" and isinstance(answer, list) and len(answer) > 1:
            problem = (f"a single-choice question has one answer, found {len(answer)} "
                       f"({', '.join(answer)}); use kind: multiple")
        elif kind == "ordering" and (not isinstance(answer, list) or len(answer) < 2):
            problem = "expected a list of at least two step ids in their correct order"
        elif kind in ("single", "multiple") and len(question.options) < 2:
            problem = f"expected at least two options, found {len(question.options)}"
        if problem:
            yield Finding(entry.source, _loc(i, "answer"),
                          f"question {quote(question.id)} ({kind}): {problem}")


@rule("QUIZ004", Severity.ERROR,
      "a question that refers to a step that does not exist", local=True)
def unknown_steps(context: Context) -> Iterator[Finding]:
    """`covers` and an ordering answer name steps of the same document.

    Passes: `covers: [review-meeting]`. Fails: `covers: [review]` with no such step.
    """
    for entry, i, question in _quizzes(context):
        steps = {step.id for step in entry.item.steps}
        hints = Suggestions(steps, "steps")
        named = [("covers", j, ref) for j, ref in enumerate(question.covers)]
        if question.kind == "ordering" and isinstance(question.answer, list):
            named += [("answer", j, ref) for j, ref in enumerate(question.answer)]
        for field, j, ref in named:
            if ref not in steps:
                yield Finding(entry.source, (*_loc(i, field), j), f"question {quote(question.id)}: "
                              f"unknown step {quote(ref)}; "
                              f"{hints.hint(ref, entry.source.path)}")


@rule("QUIZ005", Severity.ERROR,
      "an ordering question whose order the step graph contradicts", local=True)
def ordering_follows_graph(context: Context) -> Iterator[Finding]:
    """Each step of an ordering answer must be reachable from the one before it.

    Passes: `answer: [gather, review, update]` along the flow. Fails: `[update, gather]` when
    no path leads from update back to gather.
    """
    for entry, i, question in _quizzes(context):
        if question.kind != "ordering" or not isinstance(question.answer, list):
            continue
        steps = entry.item.steps
        known = {step.id for step in steps}
        order = [ref for ref in question.answer if ref in known]
        for before, after in pairwise(order):
            if after not in entry.item.graph.reachable_from(before) - {before}:
                fork = entry.item.graph.apart(before, after)
                why = (f"{quote(before)} and {quote(after)} are done at the same time, on "
                       f"two paths of the fork of step {quote(fork.source)}, so neither comes "
                       "first; ask for steps of one path" if fork else
                       f"no path in the flow leads from {quote(before)} to {quote(after)}, "
                       "so this order is wrong")
                yield Finding(entry.source, _loc(i, "answer"),
                              f"question {quote(question.id)}: {why}")
                break


@rule("QUIZ006", Severity.WARNING,
      "a quiz that covers too few of the document's steps", local=True)
def coverage(context: Context) -> Iterator[Finding]:
    """The share of steps some question `covers` must reach the handbook's minimum.

    Passes: 8 of 10 steps covered with a minimum of 0.8. Fails: 5 of 10.
    """
    minimum = context.settings.min_coverage
    for entry in context.handbook.documents:
        doc = entry.item
        if not isinstance(doc, Sop | Process) or doc.training is None:
            continue
        covered = {ref for q in doc.training.quiz for ref in q.covers}
        steps = [step.id for step in doc.steps]
        share = sum(step in covered for step in steps) / len(steps)
        if share < minimum:
            missing = [step for step in steps if step not in covered]
            yield Finding(entry.source, ("training",), f"the quiz covers {share:.0%} of the "
                          f"steps ({len(steps) - len(missing)} of {len(steps)}), below the "
                          f"minimum of {minimum:.0%}; not covered: {', '.join(missing)}",
                          key=True)
