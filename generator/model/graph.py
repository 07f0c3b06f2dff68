"""The step graph of an SOP or process: who follows whom, which steps end the flow, and
where paths done at the same time split (a fork) and meet again (its join).

Shared by the flow rules and the flowchart renderer so that the diagram always draws the
graph the checks approved. A step with no `next`, `decision` or `end` flows to the step
after it in the list, and the last such step ends the flow: authors write the common,
linear case without any wiring.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, NamedTuple, TypeVar, cast

from generator.model.parts import Step, StepGroup


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
    kind: str = "next"
    """`next` (written), `list` (implied by the list order), `decision` (a branch) or `fork`
    (one of its paths)."""

    @property
    def loc(self) -> tuple[str | int, ...]:
        """Where the edge is written, as a key path inside the document; an edge the list
        order implies points at the step's id."""
        if self.kind == "decision":
            return ("steps", self.position, "decision", "branches", self.branch or 0, "next")
        if self.kind == "fork":
            return ("steps", self.position, "fork", "paths", self.branch or 0)
        if self.kind == "list":
            return ("steps", self.position, "id")
        return ("steps", self.position, "next")


class Fork(NamedTuple):
    """A fork of the graph: the step that splits, the first step of each path, the join."""

    position: int
    source: str
    paths: tuple[str, ...]
    join: str


T = TypeVar("T")


class StepGraph:
    """The graph of one step list, each fact worked out once.

    A document carries its graph (`Sop.graph`, `Process.graph`): the rules and the
    renderer ask for each fact several times per build, and under serve an unchanged
    document keeps its model, and so its graph, so a rebuild analyses only the document
    that changed. It holds no references back: it lives exactly as long as its document.
    """

    def __init__(self, steps: list[Step], groups: Sequence[StepGroup] = ()) -> None:
        self.steps = steps
        self.groups = tuple(groups)
        self._derived: dict[str, Any] = {}

    def once(self, name: str, make: Callable[[StepGraph], T]) -> T:
        """``make(self)``, worked out once (also the diagram's size, which the flow rules and
        the renderer both ask for)."""
        if name not in self._derived:
            self._derived[name] = make(self)
        return cast(T, self._derived[name])

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Every edge of the graph in document order, including ones to unknown steps."""
        return edges(self.steps)

    def is_end(self, index: int) -> bool:
        """Whether the flow may stop after step ``index``."""
        return is_end(self.steps, index)

    @cached_property
    def reachable(self) -> frozenset[str]:
        """Step ids reachable from the first step."""
        return frozenset(self.reachable_from(self.steps[0].id) if self.steps else ())

    @cached_property
    def _successors(self) -> dict[str, list[str]]:
        forward: dict[str, list[str]] = {}
        for edge in self.edges:
            forward.setdefault(edge.source, []).append(edge.target)
        return forward

    def reachable_from(self, start: str) -> set[str]:
        """Step ids reachable from ``start``, ``start`` included."""
        forward = self._successors
        return _walk(forward.get(start, []), forward) | {start}

    @cached_property
    def forks(self) -> tuple[Fork, ...]:
        """Every fork, in document order."""
        return tuple(Fork(i, step.id, tuple(step.fork.paths), step.fork.join)
                     for i, step in enumerate(self.steps) if step.fork is not None)

    def reachable_avoiding(self, start: Iterable[str], blocked: Iterable[str]) -> set[str]:
        """Step ids reachable from ``start`` by paths that do not go through ``blocked``
        (``start`` included; a blocked step is reached but not left)."""
        forward = self._successors
        stop = set(blocked)
        seen = set(start)
        queue = deque(seen - stop)
        while queue:
            for target in forward.get(queue.popleft(), []):
                if target not in seen:
                    seen.add(target)
                    if target not in stop:
                        queue.append(target)
        return seen

    def region(self, fork: Fork) -> frozenset[str]:
        """The steps between a fork and its join: reachable from the fork's paths without
        passing the join (the join itself left out). Worked out once per fork."""
        def make(graph: StepGraph) -> frozenset[str]:
            return frozenset(graph.reachable_avoiding(fork.paths, (fork.join,)) - {fork.join})

        return self.once(f"region {fork.position}", make)

    def apart(self, first: str, second: str) -> Fork | None:
        """The fork on two different paths of which ``first`` and ``second`` lie (done at
        the same time, so neither comes before the other), if any."""
        for fork in self.forks:
            paths = [self.reachable_avoiding((path,), (fork.join, fork.source)) - {fork.join}
                     for path in fork.paths]
            on_first = {j for j, steps in enumerate(paths) if first in steps}
            on_second = {j for j, steps in enumerate(paths) if second in steps}
            if on_first and on_second and not on_first & on_second:
                return fork
        return None

    @cached_property
    def reaching_end(self) -> frozenset[str]:
        """Step ids from which some path reaches an end step."""
        backward: dict[str, list[str]] = {}
        for edge in self.edges:
            backward.setdefault(edge.target, []).append(edge.source)
        ends = [step.id for i, step in enumerate(self.steps) if is_end(self.steps, i)]
        return frozenset(_walk(ends, backward))


def edges(steps: list[Step]) -> tuple[Edge, ...]:
    """Every edge of the graph of ``steps`` in document order (`StepGraph.edges` keeps it)."""
    result: list[Edge] = []
    for index, step in enumerate(steps):
        if step.decision is not None:
            result.extend(
                Edge(step.id, branch.next, branch.label, i, index, "decision")
                for i, branch in enumerate(step.decision.branches)
            )
        elif step.fork is not None:
            result.extend(Edge(step.id, path, None, i, index, "fork")
                          for i, path in enumerate(step.fork.paths))
        elif step.next is not None:
            result.append(Edge(step.id, step.next, position=index))
        elif not step.end and index + 1 < len(steps):
            result.append(Edge(step.id, steps[index + 1].id, position=index, kind="list"))
    return tuple(result)


def is_end(steps: list[Step], index: int) -> bool:
    """Whether the flow may stop after ``steps[index]``."""
    step = steps[index]
    if step.end:
        return True
    return (step.decision is None and step.next is None and step.fork is None
            and index == len(steps) - 1)


def _walk(start: Iterable[str], adjacency: dict[str, list[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for target in adjacency.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
