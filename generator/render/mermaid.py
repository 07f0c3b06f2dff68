"""The diagram budget: the size of the flowcharts a page would draw, known before Mermaid
sees them, and the largest a page shows.

Beside `generator.model.graph`, not in `generator.render`'s pages: the flow rules measure
the diagram a page would get (FLOW004) with the same code that draws it
(`generator.render.flowchart`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from generator.model.graph import StepGraph
from generator.render.flowchart import SPLIT_STEPS, Diagram, diagrams, flowchart, two_nodes

MAX_LABEL = 60
"""The length `measure` gives each lane's label (role names live in other files)."""


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
    """The size of the flowchart of ``graph``, in the measures the budget limits: for a
    long flow, the largest of the overview and the parts it is drawn in."""
    return graph.once("diagram size", _measure)


def diagram_count(graph: StepGraph) -> int:
    """How many diagrams the page would draw of ``graph``: one, or an overview and its
    parts."""
    return max(len(_measured(graph)), 1)


def _measured(graph: StepGraph) -> tuple[Diagram, ...]:
    """The diagrams as `measure` draws them (placeholder lanes, `_MEASURE_WORDS`), cut
    once for the size and the count; none for a flow measured whole only."""
    return graph.once("measured diagrams", lambda g: () if _whole_only(g) else diagrams(
        g, lambda _: "W" * MAX_LABEL, _MEASURE_WORDS))


def _whole_only(graph: StepGraph) -> bool:
    """Whether the flow is too long for any split to fit the budget: its overview would
    have more boxes than a diagram may have steps, as no part holds more than
    `SPLIT_STEPS`. Such a flow is measured whole, without cutting it (which costs more
    than the rest of the check)."""
    return len(graph.steps) > BUDGET.steps * SPLIT_STEPS


_MEASURE_WORDS = MappingProxyType({
    "start": "Start", "end": "End", "wait_until": "Wait until",
    "diagram_steps": "steps {first}-{last}", "diagram_overview": "Overview",
    "diagram_overview_description": "The parts of the flow in order.",
    "diagram_continues": "Continues in {title}", "diagram_comes_from": "From {title}",
    "diagram_description": "A flowchart of {count} steps."})
"""The page's words as `measure` counts them: the same in every language's check."""


def _measure(graph: StepGraph) -> Size:
    """The largest of the diagrams the page draws, measure by measure: the whole chart of
    a short flow, else the overview and each part (a long flow is readable in parts, but
    a part or an overview over the budget is as slow and as unreadable as a whole chart)."""
    steps = graph.steps
    drawn_diagrams = _measured(graph)
    if len(drawn_diagrams) <= 1:
        node = {step.id for step in steps}
        drawn = sum(1 for edge in graph.edges if edge.target in node)
        ends = sum(1 for i in range(len(steps)) if graph.is_end(i))
        source = flowchart(graph, lambda _: "W" * MAX_LABEL, _MEASURE_WORDS)
        splits = sum(1 for step in steps if two_nodes(step))  # a box's arrow to its question
        return Size(len(steps), len({step.actor for step in steps}),
                    drawn + ends + splits + 1, len(source))
    sizes = []
    for shown in drawn_diagrams:
        lines = shown.source.splitlines()
        arrows = sum(1 for line in lines if " --> " in line or " ==> " in line
                     or "-->|" in line or "==>|" in line)
        if shown.members:
            drawn = len(shown.members)
            lanes = len({steps[i].actor for i in shown.members})
        else:  # the overview: one box per part, in one column
            drawn = sum(1 for line in lines if line.startswith("  p") and "[" in line)
            lanes = 1
        sizes.append(Size(drawn, lanes, arrows, len(shown.source)))
    return Size(*(max(getattr(size, name) for size in sizes) for name in MEASURES))


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
