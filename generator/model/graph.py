"""The step graph of an SOP or process: who follows whom, and which steps end the flow.

Shared by the flow rules and the flowchart renderer so that the diagram always draws the
graph the checks approved. A step with no `next`, `decision` or `end` flows to the step
after it in the list, and the last such step ends the flow: authors write the common,
linear case without any wiring.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar, cast

from generator.memo import ByIdentity
from generator.model.parts import Step


class Edge(NamedTuple):
    """A way from one step to another; ``label`` is the decision branch, if any.

    A named tuple rather than a dataclass: rules build every document's edges several
    times per check, and tuples are several times cheaper to make.
    """

    source: str
    target: str
    label: str | None = None
    branch: int | None = None
    position: int = 0
    """Index of the source step in the list (ids may repeat until ID001 is fixed)."""


_MEMO: ByIdentity[dict[str, Any]] = ByIdentity()
"""By document step list: its edges, successors and reachable sets. The rules and the
renderer ask for each several times per build, and under serve unchanged documents keep
their step lists, so a rebuild analyses only the document that changed."""


def forget_graphs() -> None:
    """Drop the memo (with the parse cache: the step lists it keeps alive)."""
    _MEMO.clear()


T = TypeVar("T")


def once(steps: list[Step], name: str, make: Callable[[list[Step]], T]) -> T:
    """``make(steps)``, worked out once per step list (also the diagram's size, which the
    flow rules and the renderer both ask for)."""
    memo = _MEMO.get(steps, dict)
    if name not in memo:
        memo[name] = make(steps)
    return cast(T, memo[name])


def edges(steps: list[Step]) -> tuple[Edge, ...]:
    """Every edge of the graph in document order, including ones to unknown steps."""
    return once(steps, "edges", _edges)


def _edges(steps: list[Step]) -> tuple[Edge, ...]:
    result: list[Edge] = []
    for index, step in enumerate(steps):
        if step.decision is not None:
            result.extend(
                Edge(step.id, branch.next, branch.label, i, index)
                for i, branch in enumerate(step.decision.branches)
            )
        elif step.next is not None:
            result.append(Edge(step.id, step.next, position=index))
        elif not step.end and index + 1 < len(steps):
            result.append(Edge(step.id, steps[index + 1].id, position=index))
    return tuple(result)


def is_end(steps: list[Step], index: int) -> bool:
    """Whether the flow may stop after ``steps[index]``."""
    step = steps[index]
    if step.end:
        return True
    return step.decision is None and step.next is None and index == len(steps) - 1


def _walk(start: Iterable[str], adjacency: dict[str, list[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for target in adjacency.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def reachable(steps: list[Step]) -> frozenset[str]:
    """Step ids reachable from the first step."""
    return once(steps, "reachable", lambda steps: frozenset(
        reachable_from(steps, steps[0].id) if steps else ()))


def _successors(steps: list[Step]) -> dict[str, list[str]]:
    forward: dict[str, list[str]] = {}
    for edge in edges(steps):
        forward.setdefault(edge.source, []).append(edge.target)
    return forward


def reachable_from(steps: list[Step], start: str) -> set[str]:
    """Step ids reachable from ``start``, ``start`` included."""
    forward = once(steps, "successors", _successors)
    seen = _walk(forward.get(start, []), forward)
    return seen | {start}


def reaching_end(steps: list[Step]) -> frozenset[str]:
    """Step ids from which some path reaches an end step."""
    return once(steps, "reaching_end", _reaching_end)


def _reaching_end(steps: list[Step]) -> frozenset[str]:
    backward: dict[str, list[str]] = {}
    for edge in edges(steps):
        backward.setdefault(edge.target, []).append(edge.source)
    ends = [step.id for i, step in enumerate(steps) if is_end(steps, i)]
    return frozenset(_walk(ends, backward))
