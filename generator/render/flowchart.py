"""Mermaid flowcharts from the step graph, safe for any text an author writes.

Node and lane ids are generated (`s1`, `lane1`), never taken from YAML, so keywords such as
`end` cannot break the syntax. Every label is quoted and every character outside letters,
digits and a few harmless marks becomes a Mermaid entity (`#35;`), so quotes, brackets,
`-->`, `%%`, backticks and HTML stay text: they can neither end the label nor become markup.
A long flow is drawn as an overview and its parts; `generator.render.mermaid` measures what
is drawn here against the diagram budget.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from generator.model import Step
from generator.model.graph import StepGraph

_SAFE_MARKS = frozenset(" .,:-_()?!'/+")
_PLAIN_MARKS = str.maketrans({"\u2013": "-", "\u2014": "-", ";": ",", "\u2026": "..."})


def label(text: str) -> str:
    """A quoted Mermaid label in which nothing is syntax.

    The whole text, never cut: Mermaid wraps a long label inside its box (its flowcharts'
    `wrappingWidth`), and a reader must be able to read every word of a step's title."""
    text = " ".join(text.split())
    encoded = "".join(
        ch if (ch.isalnum() and ch.isprintable()) or ch in _SAFE_MARKS else f"#{ord(ch)};"
        for ch in text
    )
    return f'"{encoded}"'


def flowchart(
    graph: StepGraph,
    role_name: Callable[[str], str],
    words: Mapping[str, str],
    title: str = "",
) -> str:
    """A top-down flowchart of the whole flow, one swimlane per actor role (inside a box per
    step group, when the document has groups); nodes link to `#step-<id>`.

    A step that does work and then decides is two nodes, its box and its question, so
    edges arrive at the one (`enter`) and leave from the other (`leave`). Fork paths and
    the arrows into a join are thick: those are done at the same time.
    """
    return _chart(graph, range(len(graph.steps)), role_name, words, title, ())


@dataclass(frozen=True)
class Part:
    """A run of consecutive steps drawn as a diagram of its own when the flow is split."""

    key: str
    """The anchor of the part's heading (`diagram-…`), which the overview links to."""
    title: str
    summary: str
    """The part's box in the overview: its title and, if that does not say, its steps."""
    members: tuple[int, ...]
    """Indexes of the steps drawn, in the list order."""


@dataclass(frozen=True)
class Diagram:
    """One diagram of a page: the flow's parts each get one, after an overview of them."""

    key: str
    title: str
    source: str
    members: tuple[int, ...]
    """The steps the diagram draws: its text alternative lists them."""


SPLIT_STEPS = 10
"""A flow of more steps is drawn as an overview and one diagram per part: a whole chart
of more steps is wider than a phone or a desktop column can show at a readable size."""
PART_STEPS = 8
"""The most steps of a part cut by size (a long run of steps without a group)."""


def parts(graph: StepGraph, words: Mapping[str, str]) -> tuple[Part, ...]:
    """How a long flow is split: by its step groups, and a run without a group (or a group
    longer than `SPLIT_STEPS`) into near-equal runs of at most `PART_STEPS`. None when the
    flow is short enough for one diagram, or when splitting would leave only one part."""
    steps = graph.steps
    if len(steps) <= SPLIT_STEPS:
        return ()
    titles = {group.id: group.title for group in graph.groups}
    runs = _runs(graph, range(len(steps)))
    cut: list[tuple[str | None, list[int], bool]] = []
    index = {step.id: i for i, step in enumerate(steps)}
    spans = [(min(index[e.source], index[e.target]), max(index[e.source], index[e.target]))
             for e in graph.edges if e.target in index]
    for group, members in runs:
        if group is not None and len(members) <= SPLIT_STEPS:
            cut.append((group, members, False))
            continue
        pieces = _cut(members, spans)
        cut.extend((group, piece, len(pieces) > 1) for piece in pieces)
    if len(cut) < 2:
        return ()
    result: list[Part] = []
    for number, (group, members, chunked) in enumerate(cut, start=1):
        span = words["diagram_steps"].format(first=members[0] + 1, last=members[-1] + 1)
        if group is None:
            title = span[:1].upper() + span[1:]
            result.append(Part(f"diagram-part-{number}", title, title, tuple(members)))
            continue
        # GROUP002 keeps a group's steps together: its id names one part, or its pieces
        key = f"diagram-group-{group}" + (f"-{number}" if chunked else "")
        title = f"{titles[group]} ({span})" if chunked else titles[group]
        result.append(Part(key, title, f"{titles[group]} ({span})", tuple(members)))
    return tuple(result)


def _cut(members: list[int], spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """``members`` (consecutive step indexes) in the fewest runs of at most `PART_STEPS`,
    cut where the fewest arrows cross: a loop (a fix that goes back to a retry) stays in
    one diagram when it can. Ties go to the most even sizes, then to the earliest cut."""
    count = -(-len(members) // PART_STEPS)
    if count < 2:
        return [members]
    first, total = members[0], len(members)
    # Arrows over each cut position, counted once: +1 where a span starts being crossed.
    delta = [0] * (total + 2)
    for low, high in spans:
        start, stop = max(low - first + 1, 1), min(high - first, total)
        if start <= stop:
            delta[start] += 1
            delta[stop + 1] -= 1
    crossing = [0] * (total + 1)
    running = 0
    for cut in range(total + 1):
        running += delta[cut]
        crossing[cut] = running
    even = total / count
    # One layer per part made: where the parts so far end, and the best way there.
    layer: dict[int, tuple[tuple[int, float], list[int]]] = {0: ((0, 0.0), [])}
    for made in range(count):
        following: dict[int, tuple[tuple[int, float], list[int]]] = {}
        for done in sorted(layer):
            cost, cuts = layer[done]
            for size in range(1, PART_STEPS + 1):
                end = done + size
                if end > total or (made + 1 == count) != (end == total):
                    continue
                extra = crossing[end] if end < total else 0
                score = (cost[0] + extra, cost[1] + (size - even) ** 2)
                if end not in following or score < following[end][0]:
                    following[end] = (score, [*cuts, end])
        layer = following
    _, ends = layer[total]
    starts = [0, *ends[:-1]]
    return [members[start:end] for start, end in zip(starts, ends, strict=True)]


def diagrams(graph: StepGraph, role_name: Callable[[str], str], words: Mapping[str, str],
             title: str = "") -> tuple[Diagram, ...]:
    """The page's diagrams: the whole flowchart, or for a long flow an overview of its
    parts followed by one flowchart per part, each with arrows to and from the parts
    before and after it, and each part heading linked from the overview."""
    split = parts(graph, words)
    if not split:
        every = tuple(range(len(graph.steps)))
        return (Diagram("diagram", title, flowchart(graph, role_name, words, title), every),)
    overview_title = f"{title} - {words['diagram_overview']}" if title else \
        words["diagram_overview"]
    found = [Diagram("diagram-overview", words["diagram_overview"],
                     overview(graph, split, words, overview_title), ())]
    for part in split:
        part_title = f"{title} - {part.title}" if title else part.title
        found.append(Diagram(part.key, part.title,
                             _chart(graph, part.members, role_name, words, part_title, split),
                             part.members))
    return tuple(found)


def overview(graph: StepGraph, split: Sequence[Part], words: Mapping[str, str],
             title: str = "") -> str:
    """The parts as boxes in flow order, an arrow wherever a step of one leads to a step of
    another; each box links to its part's diagram."""
    part_of = {graph.steps[i].id: n for n, part in enumerate(split, start=1)
               for i in part.members}
    lines = ["flowchart TD", *accessible(title, words["diagram_overview_description"]),
             f"  start([{label(words['start'])}])"]
    lines.extend(f"  p{n}[{label(part.summary)}]" for n, part in enumerate(split, start=1))
    ending = {part_of[graph.steps[i].id] for i in range(len(graph.steps)) if graph.is_end(i)}
    if ending:
        lines.append(f"  stop([{label(words['end'])}])")
    lines.append(f"  start --> p{part_of[graph.steps[0].id]}")
    seen: set[tuple[int, int]] = set()
    for edge in graph.edges:
        if edge.target not in part_of:
            continue
        pair = (part_of[edge.source], part_of[edge.target])
        if pair[0] != pair[1] and pair not in seen:
            seen.add(pair)
            lines.append(f"  p{pair[0]} --> p{pair[1]}")
    lines.extend(f"  p{n} --> stop" for n in sorted(ending))
    lines.extend(f'  click p{n} href "#{part.key}"' for n, part in enumerate(split, start=1))
    return "\n".join(lines)


def accessible(title: str, description: str) -> list[str]:
    """`accTitle`/`accDescr` lines: the `<title>` and `<desc>` a screen reader announces.

    Their text runs to the end of the line and is not entity-decoded, so only letters,
    digits, spaces and harmless marks are kept; anything else becomes a space."""
    kept = []
    for value, key in ((title, "accTitle"), (description, "accDescr")):
        value = value.translate(_PLAIN_MARKS)
        text = "".join(ch if (ch.isalnum() and ch.isprintable()) or ch in _SAFE_MARKS
                       else " " for ch in value)
        text = " ".join(text.split())
        if text:
            kept.append(f"  {key}: {text}")
    return kept


def _chart(graph: StepGraph, drawn: Sequence[int], role_name: Callable[[str], str],
           words: Mapping[str, str], title: str, split: Sequence[Part]) -> str:
    """The flowchart of the steps ``drawn``; an arrow that leaves them ends at a box naming
    the part it goes on in, and one that arrives comes from a box naming where it came
    from (both linked to that part's diagram)."""
    steps = graph.steps
    members = set(drawn)
    enter = {step.id: f"s{i + 1}" for i, step in enumerate(steps)}
    leave = {step.id: f"s{i + 1}q" if two_nodes(step) else f"s{i + 1}" for i, step in
             enumerate(steps)}
    inside = {steps[i].id for i in members}
    part_of = {steps[i].id: n for n, part in enumerate(split, start=1) for i in part.members}
    lines = ["flowchart TD"]
    if title:
        lines.extend(accessible(title, words["diagram_description"].format(count=len(members))))
    if 0 in members:
        lines.append(f"  start([{label(words['start'])}])")
    lines.extend(_boxes(graph, drawn, role_name, words))
    if any(graph.is_end(i) for i in members):
        lines.append(f"  stop([{label(words['end'])}])")
    if 0 in members:
        lines.append(f"  start --> {enter[steps[0].id]}")
    lines.extend(f"  {enter[steps[i].id]} --> {leave[steps[i].id]}" for i in drawn
                 if two_nodes(steps[i]))
    joins = {fork.join for fork in graph.forks}
    others: dict[str, int] = {}
    arriving: set[tuple[str, str]] = set()
    for edge in graph.edges:
        if edge.target not in enter or (edge.source not in inside and edge.target not in inside):
            continue
        thick = edge.kind == "fork" or edge.target in joins
        arrow = " ==> " if thick else " --> "
        if edge.label is not None:
            arrow = f" -->|{label(edge.label)}| "
        if edge.source in inside and edge.target in inside:
            lines.append(f"  {leave[edge.source]}{arrow}{enter[edge.target]}")
        elif edge.source in inside:
            node = f"to{part_of[edge.target]}"
            others.setdefault(node, part_of[edge.target])
            lines.append(f"  {leave[edge.source]}{arrow}{node}")
        elif (f"from{part_of[edge.source]}", edge.target) not in arriving:
            # the branch's label belongs to a question drawn in the other part
            node = f"from{part_of[edge.source]}"
            arriving.add((node, edge.target))
            others.setdefault(node, part_of[edge.source])
            lines.append(f"  {node}{' ==> ' if thick else ' --> '}{enter[edge.target]}")
    for node, n in others.items():
        word = "diagram_continues" if node.startswith("to") else "diagram_comes_from"
        text = words[word].format(title=split[n - 1].title)
        lines.append(f"  {node}>{label(text)}]")
    for i in drawn:
        if graph.is_end(i):
            lines.append(f"  {leave[steps[i].id]} --> stop")
    for i in drawn:
        step = steps[i]
        href = f'href "#step-{quote(step.id, safe="-_")}"'
        lines.append(f"  click {enter[step.id]} {href}")
        if two_nodes(step):
            lines.append(f"  click {leave[step.id]} {href}")
    lines.extend(f'  click {node} href "#{split[n - 1].key}"' for node, n in others.items())
    lines.append("  classDef linked stroke-dasharray: 4 2")
    linked = [enter[steps[i].id] for i in drawn if steps[i].sop]
    if linked:
        lines.append(f"  class {','.join(linked)} linked")
    return "\n".join(lines)


def _boxes(graph: StepGraph, drawn: Sequence[int], role_name: Callable[[str], str],
           words: Mapping[str, str]) -> list[str]:
    """The nodes in their lanes; a run of steps of one group inside that group's box."""
    steps = graph.steps
    titles = {group.id: group.title for group in graph.groups}
    lines: list[str] = []
    runs = _runs(graph, drawn)
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


def _runs(graph: StepGraph, drawn: Sequence[int]) -> list[tuple[str | None, list[int]]]:
    """The steps ``drawn`` as runs of one step group each (None: no titled group), in order:
    a group's box in a chart, and a part when a long flow is split."""
    titles = {group.id for group in graph.groups}
    runs: list[tuple[str | None, list[int]]] = []
    for i in drawn:
        group = graph.steps[i].group
        group = group if group in titles else None
        if runs and runs[-1][0] == group:
            runs[-1][1].append(i)
        else:
            runs.append((group, [i]))
    return runs


def two_nodes(step: Step) -> bool:
    """Whether a step decides after doing work of its own, and so is drawn as two nodes."""
    return step.decision is not None and bool(
        step.instructions or step.substeps or step.checks or step.warnings or step.duration
        or step.sop or step.wait)


def _shapes(step: Step, number: int, words: Mapping[str, str]) -> list[str]:
    node = f"s{number}"
    shapes: list[str] = []
    if step.decision is None or two_nodes(step):
        if step.wait is not None:
            text = f"{step.title} \u2013 {words['wait_until']}: {step.wait.until}"
            shapes.append(f"{node}{{{{{label(text)}}}}}")
        elif step.sop is not None:
            shapes.append(f"{node}[[{label(step.title)}]]")
        else:
            shapes.append(f"{node}[{label(step.title)}]")
    if step.decision is not None:
        question = f"{node}q" if two_nodes(step) else node
        shapes.append(f"{question}{{{label(step.decision.question)}}}")
    return shapes

