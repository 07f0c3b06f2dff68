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
    """A top-down flowchart with one swimlane per actor role; nodes link to `#step-<id>`."""
    steps = graph.steps
    node = {step.id: f"s{i + 1}" for i, step in enumerate(steps)}
    lines = ["flowchart TD"]
    lines.append(f"  start([{label(words['start'])}])")
    lanes: dict[str, list[int]] = {}
    for i, step in enumerate(steps):
        lanes.setdefault(step.actor, []).append(i)
    for lane_index, (actor, members) in enumerate(lanes.items(), start=1):
        lines.append(f"  subgraph lane{lane_index}[{label(role_name(actor))}]")
        for i in members:
            lines.append(f"    {_shape(steps[i], node[steps[i].id])}")
        lines.append("  end")
    if any(graph.is_end(i) for i in range(len(steps))):
        lines.append(f"  stop([{label(words['end'])}])")
    lines.append(f"  start --> {node[steps[0].id]}")
    for edge in graph.edges:
        if edge.target not in node:
            continue
        arrow = f" -->|{label(edge.label)}| " if edge.label is not None else " --> "
        lines.append(f"  {node[edge.source]}{arrow}{node[edge.target]}")
    for i, step in enumerate(steps):
        if graph.is_end(i):
            lines.append(f"  {node[step.id]} --> stop")
    for step in steps:
        lines.append(f'  click {node[step.id]} href "#step-{quote(step.id, safe="-_")}"')
    lines.append("  classDef linked stroke-dasharray: 4 2")
    linked = [node[step.id] for step in steps if step.sop]
    if linked:
        lines.append(f"  class {','.join(linked)} linked")
    return "\n".join(lines)


def _shape(step: Step, node_id: str) -> str:
    if step.decision is not None:
        return f"{node_id}{{{label(step.decision.question)}}}"
    if step.sop is not None:
        return f"{node_id}[[{label(step.title)}]]"
    return f"{node_id}[{label(step.title)}]"


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
    source = flowchart(graph, lambda _: "W" * MAX_LABEL, {"start": "Start", "end": "End"})
    return Size(len(steps), len({step.actor for step in steps}), drawn + ends + 1, len(source))


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
