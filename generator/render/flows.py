"""What a document page shows of its flow beside the steps: the diagrams (or the note that
stands in for a flow over the budget), each step's view, the rollout's gantt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from generator.model import Process, Sop, Step, StepGroup
from generator.model.graph import is_end
from generator.render.flowchart import Diagram, accessible, diagrams, flowchart
from generator.render.links import Directory
from generator.render.mermaid import measure, over_budget


def flow(doc: Sop | Process, directory: Directory, words: dict[str, str]) -> dict[str, Any]:
    """The page's ``diagrams`` (each with its Mermaid source and the steps it draws, in
    ``diagram_steps``, for its text alternative), or, for a flow over the budget, none and
    the ``diagram_note`` that stands in for them: readers get the steps at once instead of a
    frozen tab or Mermaid's error box (FLOW004 tells the author). ``diagram`` is the whole
    flowchart, for templates written before flows were split."""
    over = over_budget(measure(doc.graph))
    if over:
        return {"diagram": None, "diagrams": (), "diagram_note": flow_note(doc.steps, over, words)}

    def role_name(role_id: str) -> str:
        role = directory.role_index.get(role_id)
        return role.name_in(doc.language) if role else role_id

    title = f"{doc.id}: {doc.title}"
    drawn = diagrams(doc.graph, role_name, words, title)
    outs: dict[str, list[tuple[str | None, str]]] = {}
    for edge in doc.graph.edges:
        outs.setdefault(edge.source, []).append((edge.label, edge.target))
    views = [_diagram_view(doc, shown, outs) for shown in drawn]
    if len(views) > 1:
        spans = [words["diagram_steps"].format(first=shown.members[0] + 1,
                                               last=shown.members[-1] + 1) for shown in drawn[1:]]
        views[0]["parts"] = [{"key": view["key"], "title": view["title"], "span": span}
                             for view, span in zip(views[1:], spans, strict=True)]
    # one diagram is the whole flowchart already
    whole = drawn[0].source if len(drawn) == 1 else flowchart(doc.graph, role_name, words,
                                                               title)
    return {"diagram": Markup(whole), "diagrams": tuple(views), "diagram_note": None}


def _diagram_view(doc: Sop | Process, shown: Diagram,
                  outs: dict[str, list[tuple[str | None, str]]]) -> dict[str, Any]:
    """A diagram and, for its text alternative, where each step it draws leads (``outs``:
    each step's branch labels and targets)."""
    graph = doc.graph
    rows = [{"step": graph.steps[i], "outs": outs.get(graph.steps[i].id, []),
             "ends": graph.is_end(i)} for i in shown.members]
    return {"key": shown.key, "title": shown.title, "source": Markup(shown.source),
            "rows": rows, "overview": not shown.members}


def flow_note(steps: list[Step], over: tuple[tuple[str, int, int], ...],
              words: dict[str, str]) -> str:
    """What the page says where a diagram too large to show would be."""
    lanes = len({step.actor for step in steps})
    limits = ", ".join(f"{limit} {words['flowchart_' + name]}" for name, _, limit in over)
    return words["flowchart_too_big"].format(
        steps=len(steps), lanes=lanes, lane_word=words["lane" if lanes == 1 else "lanes"],
        limits=limits)


def step_views(steps: list[Step], groups: Sequence[StepGroup] = ()) -> list[dict[str, Any]]:
    """What the page shows of each step beside the step itself: its number, where it goes,
    the group heading it opens (``group``), its heading's level (one deeper inside a group)
    and the fork whose paths it joins (``joins``)."""
    titled = {group.id: group for group in groups}
    joins = {step.fork.join: step.id for step in steps if step.fork is not None}
    views = []
    for i, step in enumerate(steps):
        group = titled.get(step.group or "")
        opens = group is not None and (i == 0 or steps[i - 1].group != step.group)
        implied = (step.next is None and step.decision is None and step.fork is None
                   and not step.end and i + 1 < len(steps))
        views.append({"step": step, "number": i + 1, "ends": is_end(steps, i),
                      "follows": steps[i + 1].id if implied else step.next,
                      "group": group if opens else None,
                      "level": "####" if group is not None else "###",
                      "joins": joins.get(step.id)})
    return views


def gantt(doc: Process, words: dict[str, str]) -> Markup | None:
    """A Mermaid gantt of the dated rollout phases; task names are our own labels."""
    dated = [phase for phase in doc.rollout if phase.start]
    if not dated:
        return None
    lines = ["gantt", *accessible(f"{doc.id}: {doc.title} - {words['rollout']}",
                                  words["gantt_description"].format(count=len(dated))),
             "  dateFormat YYYY-MM-DD", "  axisFormat %Y-%m-%d"]
    for i, phase in enumerate(dated, start=1):
        assert phase.start is not None
        name = words[phase.phase]
        until = phase.end.isoformat() if phase.end else "1d"
        lines.append(f"  {name} :p{i}, {phase.start.isoformat()}, {until}")
    return Markup("\n".join(lines))
