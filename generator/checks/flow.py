"""The step graph: every path goes to a real step, every step is reachable, every path ends."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from generator.checks.registry import Context, Finding, rule
from generator.model import Process, Sop, Step
from generator.model.documents import MAX_STEPS
from generator.model.graph import Edge
from generator.model.handbook import Entry
from generator.model.validate import Suggestions
from generator.problems import Severity, quote
from generator.render.mermaid import diagram_count, measure, over_budget


def _flows(context: Context) -> Iterator[tuple[Entry[Sop | Process], list[Step]]]:
    for entry in context.handbook.documents:
        if isinstance(entry.item, Sop | Process):
            yield entry, entry.item.steps  # type: ignore[misc]


@rule("FLOW001", Severity.ERROR,
      "a next step, decision branch or fork path that leads to no step", local=True)
def unknown_targets(context: Context) -> Iterator[Finding]:
    """`next`, every branch's `next` and every path of a fork must name a step of the same
    document.

    Passes: `next: approve` with a step `approve`. Fails: `next: aprove`.
    """
    for entry, steps in _flows(context):
        index = {step.id: i for i, step in enumerate(steps)}
        hints = Suggestions(index, "steps")
        for edge in entry.item.graph.edges:
            if edge.target in index:
                continue
            what = _arrow(edge)
            yield Finding(entry.source, edge.loc, f"{what} of step {quote(edge.source)} leads to "
                          f"unknown step {quote(edge.target)}; "
                          f"{hints.hint(edge.target, entry.source.path)}")


def _arrow(edge: Edge) -> str:
    """How a message names the arrow ``edge`` is: where the author wrote it."""
    return {"decision": f"branch {quote(edge.label)}",
            "fork": f"path {(edge.branch or 0) + 1} of the fork"}.get(edge.kind, "next step")


@rule("FLOW005", Severity.ERROR, f"a document with more than {MAX_STEPS} steps", local=True)
def too_many_steps(context: Context) -> Iterator[Finding]:
    """One document holds at most `MAX_STEPS` steps; a longer procedure is several.

    Passes: 40 steps. Fails: 5,000 steps in one SOP.
    """
    for entry, steps in _flows(context):
        if len(steps) > MAX_STEPS:
            yield Finding(entry.source, ("steps",), f"expected at most {MAX_STEPS} steps in "
                          f"one document, found {len(steps)}; split the procedure: move "
                          "groups of steps into SOPs of their own and link each from one step "
                          "('sop:')", key=True)


@rule("FLOW002", Severity.ERROR, "a step that no path from the first step reaches", local=True)
def unreachable_steps(context: Context) -> Iterator[Finding]:
    """Every step must be reachable from the first step, or nobody will ever do it.

    Passes: a, b (a flows to b). Fails: a (`end: true`), b.
    """
    for entry, steps in _flows(context):
        seen = entry.item.graph.reachable
        for i, step in enumerate(steps):
            if step.id not in seen:
                yield Finding(entry.source, ("steps", i, "id"), f"step {quote(step.id)} is not "
                              f"reachable from the first step {quote(steps[0].id)}; point a 'next' "
                              "or a decision branch at it, or remove it")


@rule("FLOW003", Severity.ERROR, "a loop that no path leaves to reach an end step", local=True)
def endless_paths(context: Context) -> Iterator[Finding]:
    """From every reachable step some path must reach an end: a loop needs a way out.

    Reported where the loop closes: the `next` or the branch's `next` that goes back up
    the list (every loop has one, since a step without `next` flows forward), naming the
    steps that form the loop, so the author sees which arrow to change.
    Passes: a decision whose 'no' branch loops back and whose 'yes' branch ends.
    Fails: a -> b -> a with no decision (reported at b's `next`).
    """
    for entry, steps in _flows(context):
        graph = entry.item.graph
        known = {step.id for step in steps}
        if any(edge.target not in known for edge in graph.edges):
            continue  # FLOW001 explains the broken graph; a second error would mislead
        trapped = graph.reachable - graph.reaching_end
        entered = [edge.target for edge in graph.edges
                   if edge.source not in trapped and edge.target in trapped]
        if steps[0].id in trapped:
            entered.insert(0, steps[0].id)
        out: dict[str, list[Edge]] = {}
        for edge in graph.edges:
            if edge.source in trapped:
                out.setdefault(edge.source, []).append(edge)
        seen: set[str] = set()
        for start in dict.fromkeys(entered):
            loop = _loop_from(start, out, seen)
            if loop is not None:
                closing = _closing_edge(loop, steps)
                yield Finding(entry.source, closing.loc, _loop_message(closing, loop))


def _loop_from(start: str, out: dict[str, list[Edge]], seen: set[str]) -> list[Edge] | None:
    """The edges of the loop a walk from ``start`` meets first (depth first, each step's
    edges ``out`` in document order), or None when the walk only runs into steps ``seen``
    by an earlier walk, whose loop is reported already. A walk from an unseen region finds
    one: every trapped step leads on, and only to trapped steps. Each step is walked once
    per document, however many ways lead into the trap."""
    if start in seen:
        return None
    seen.add(start)
    path: list[Edge] = []
    on_path = {start: 0}
    pending = [iter(out.get(start, []))]
    while pending:
        found = next(pending[-1], None)
        if found is None:
            pending.pop()
            if path:
                del on_path[path.pop().target]
            continue
        if found.target in on_path:
            return [*path[on_path[found.target]:], found]
        if found.target in seen:
            continue
        seen.add(found.target)
        on_path[found.target] = len(path) + 1
        path.append(found)
        pending.append(iter(out.get(found.target, [])))
    return None


def _closing_edge(loop: list[Edge], steps: list[Step]) -> Edge:
    """The loop's first edge that goes back up the list (to its own step or an earlier
    one): an arrow the author wrote, never a step's flowing on to the next."""
    index: dict[str, int] = {}
    for i, step in enumerate(steps):
        index.setdefault(step.id, i)
    return next(edge for edge in loop if index[edge.target] <= edge.position)


MAX_LOOP_SHOWN = 10
"""Steps of a loop a message names; a longer loop is cut with the count of the rest."""


def _loop_message(closing: Edge, loop: list[Edge]) -> str:
    start = loop.index(closing) + 1
    ordered = loop[start:] + loop[:start]  # from the step the closing arrow goes back to
    ids = [edge.source for edge in ordered]
    shown = " → ".join(map(quote, ids[:MAX_LOOP_SHOWN]))
    if len(ids) > MAX_LOOP_SHOWN:
        shown += f" → … ({len(ids) - MAX_LOOP_SHOWN} more)"
    what = _arrow(closing)
    return (f"{what} of step {quote(closing.source)} goes back to step "
            f"{quote(closing.target)}, closing the loop {shown} → {quote(closing.target)}, "
            "which no path leaves to reach an end; give the loop a way out with a decision, "
            "or mark a step 'end: true'")


_MEASURE_WORDS = MappingProxyType({"steps": "steps", "lanes": "lanes", "edges": "arrows",
                  "chars": "characters of Mermaid source"})


@rule("FLOW004", Severity.WARNING,
      "a flow too large for a readable diagram: the page shows a note instead (advice: "
      "--strict leaves it a warning)", local=True,
      advisory=True)
def oversized_diagrams(context: Context) -> Iterator[Finding]:
    """The flowchart must stay within the diagram budget (`generator.render.mermaid.BUDGET`).

    A larger one would freeze every reader's tab while Mermaid lays it out, or show
    Mermaid's error box, so the page leaves it out and says so; the steps are all listed.
    Passes: 12 steps in 3 lanes. Fails: 240 steps, each by a role of its own.
    """
    for entry, _ in _flows(context):
        size = measure(entry.item.graph)
        over = over_budget(size)
        if not over:
            continue
        found = ", ".join(f"{value} {_MEASURE_WORDS[name]} (at most {limit})"
                          for name, value, limit in over)
        count = diagram_count(entry.item.graph)
        where = (f"even drawn in {count - 1} parts, its largest diagram (the overview has one "
                 "box per part) has " if count > 1 else "")
        yield Finding(entry.source, ("steps",), f"the flowchart is left out of the page, over "
                      f"the diagram budget: {where}{found}; the page says so and lists the "
                      "steps. "
                      "For a diagram, move groups of steps into SOPs of their own and link "
                      "each from one step ('sop:')", key=True)
