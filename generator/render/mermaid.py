"""Mermaid flowcharts from the step graph, safe for any text an author writes, and their size.

Beside `generator.model.graph`, not in `generator.render`: the flow rules measure the diagram a
page would get (FLOW004) with the same code that draws it.

Node and lane ids are generated (`s1`, `lane1`), never taken from YAML, so keywords such as
`end` cannot break the syntax. Every label is quoted and every character outside letters,
digits and a few harmless marks becomes a Mermaid entity (`#35;`), so quotes, brackets,
`-->`, `%%`, backticks and HTML stay text: they can neither end the label nor become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from generator.model import Step
from generator.model.graph import StepGraph

_SAFE_MARKS = frozenset(" .,:-_()?!'/+")
MAX_LABEL = 60
"""Longer labels are cut: a diagram is an overview, the step text has the details."""


def label(text: str) -> str:
    """A quoted Mermaid label in which nothing is syntax."""
    text = " ".join(text.split())
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rstrip() + "\u2026"
    encoded = "".join(
        ch if (ch.isalnum() and ch.isprintable()) or ch in _SAFE_MARKS else f"#{ord(ch)};"
        for ch in text
    )
    return f'"{encoded}"'


def flowchart(
    graph: StepGraph,
    role_name: Callable[[str], str],
    words: dict[str, str],
) -> str:
    """A top-down flowchart with one swimlane per actor role (inside a box per step group,
    when the document has groups); nodes link to `#step-<id>`.

    A step that does work and then decides is two nodes, its box and its question, so
    edges arrive at the one (`enter`) and leave from the other (`leave`). Fork paths and
    the arrows into a join are thick: those are done at the same time.
    """
    steps = graph.steps
    enter = {step.id: f"s{i + 1}" for i, step in enumerate(steps)}
    leave = {step.id: f"s{i + 1}q" if _split(step) else f"s{i + 1}" for i, step in
             enumerate(steps)}
    lines = ["flowchart TD", f"  start([{label(words['start'])}])"]
    lines.extend(_boxes(graph, role_name, words))
    if any(graph.is_end(i) for i in range(len(steps))):
        lines.append(f"  stop([{label(words['end'])}])")
    lines.append(f"  start --> {enter[steps[0].id]}")
    lines.extend(f"  {enter[step.id]} --> {leave[step.id]}" for step in steps if _split(step))
    joins = {fork.join for fork in graph.forks}
    for edge in graph.edges:
        if edge.target not in enter:
            continue
        thick = edge.kind == "fork" or edge.target in joins
        arrow = " ==> " if thick else " --> "
        if edge.label is not None:
            arrow = f" -->|{label(edge.label)}| "
        lines.append(f"  {leave[edge.source]}{arrow}{enter[edge.target]}")
    for i, step in enumerate(steps):
        if graph.is_end(i):
            lines.append(f"  {leave[step.id]} --> stop")
    for step in steps:
        href = f'href "#step-{quote(step.id, safe="-_")}"'
        lines.append(f"  click {enter[step.id]} {href}")
        if _split(step):
            lines.append(f"  click {leave[step.id]} {href}")
    lines.append("  classDef linked stroke-dasharray: 4 2")
    linked = [enter[step.id] for step in steps if step.sop]
    if linked:
        lines.append(f"  class {','.join(linked)} linked")
    return "\n".join(lines)


def _boxes(graph: StepGraph, role_name: Callable[[str], str],
           words: dict[str, str]) -> list[str]:
    """The nodes in their lanes; a run of steps of one group inside that group's box."""
    steps = graph.steps
    titles = {group.id: group.title for group in graph.groups}
    lines: list[str] = []
    runs: list[tuple[str | None, list[int]]] = []
    for i, step in enumerate(steps):
        group = step.group if step.group in titles else None
        if runs and runs[-1][0] == group:
            runs[-1][1].append(i)
        else:
            runs.append((group, [i]))
    counter = {"lane": 0, "group": 0}
    for group, members in runs:
        indent = "  "
        if group is not None:
            counter["group"] += 1
            lines.append(f"  subgraph group{counter['group']}[{label(titles[group])}]")
            indent = "    "
        lanes: dict[str, list[int]] = {}
        for i in members:
            lanes.setdefault(steps[i].actor, []).append(i)
        for actor, in_lane in lanes.items():
            counter["lane"] += 1
            lines.append(f"{indent}subgraph lane{counter['lane']}[{label(role_name(actor))}]")
            for i in in_lane:
                lines.extend(f"{indent}  {shape}" for shape in _shapes(steps[i], i + 1, words))
            lines.append(f"{indent}end")
        if group is not None:
            lines.append("  end")
    return lines


def _split(step: Step) -> bool:
    """Whether a step decides after doing work of its own, and so is drawn as two nodes."""
    return step.decision is not None and bool(
        step.instructions or step.substeps or step.checks or step.warnings or step.duration
        or step.sop or step.wait)


def _shapes(step: Step, number: int, words: dict[str, str]) -> list[str]:
    node = f"s{number}"
    shapes: list[str] = []
    if step.decision is None or _split(step):
        if step.wait is not None:
            text = f"{step.title} \u2013 {words['wait_until']}: {step.wait.until}"
            shapes.append(f"{node}{{{{{label(text)}}}}}")
        elif step.sop is not None:
            shapes.append(f"{node}[[{label(step.title)}]]")
        else:
            shapes.append(f"{node}[{label(step.title)}]")
    if step.decision is not None:
        question = f"{node}q" if _split(step) else node
        shapes.append(f"{question}{{{label(step.decision.question)}}}")
    return shapes


@dataclass(frozen=True)
class Size:
    """What a flowchart costs a reader's browser, known before Mermaid sees it."""

    steps: int
    lanes: int
    edges: int
    """Arrows drawn, the start's and the ends' included."""
    chars: int
    """Characters of the source, with every lane label as long as a plain label can be:
    role names live in other files, and the size must be the same in `sopsite check`
    (which reads one file at a time) and in the build."""


def measure(graph: StepGraph) -> Size:
    """The size of the flowchart of ``graph``, in the measures the budget limits."""
    return graph.once("diagram size", _measure)


def _measure(graph: StepGraph) -> Size:
    steps = graph.steps
    node = {step.id for step in steps}
    drawn = sum(1 for edge in graph.edges if edge.target in node)
    ends = sum(1 for i in range(len(steps)) if graph.is_end(i))
    source = flowchart(graph, lambda _: "W" * MAX_LABEL,
                       {"start": "Start", "end": "End", "wait_until": "Wait until"})
    splits = sum(1 for step in steps if _split(step))  # a box's arrow to its own question
    return Size(len(steps), len({step.actor for step in steps}), drawn + ends + splits + 1,
                len(source))


@dataclass(frozen=True)
class Budget:
    """The largest flowchart a page shows; a larger one is left out with a note.

    Mermaid lays a flowchart out in one main-thread task of the reader's browser: the tab
    neither scrolls nor answers clicks until it is done, and that time grows faster than the
    chart. The limits come from the curve `benchmarks/mermaid_layout.py` measures (the table
    is in docs/benchmarks.md). ``chars`` stays below Mermaid's own `maxTextSize` (50,000; a
    longer source is drawn as an error box) with room for the few lanes' labels to be
    longer, once entity-encoded, than the placeholder `measure` counts them with.
    """

    steps: int = 25
    lanes: int = 6
    edges: int = 40
    chars: int = 40_000


BUDGET = Budget()

MEASURES = ("steps", "lanes", "edges", "chars")


def over_budget(size: Size, budget: Budget = BUDGET) -> tuple[tuple[str, int, int], ...]:
    """Each measure of ``size`` over ``budget`` (name, value, limit); none when it fits."""
    return tuple((name, getattr(size, name), getattr(budget, name)) for name in MEASURES
                 if getattr(size, name) > getattr(budget, name))
