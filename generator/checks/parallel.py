"""Parallel paths: a fork splits the flow into paths done at the same time, and its join is
where they meet again.

The join starts only when every path has arrived, so each path must arrive there (not end
the flow, not loop forever), nothing else may lead into the join, and no path may leave
the fork's region (the steps between the fork and its join) or enter it from outside:
either would leave the join waiting for someone who never comes, or start work twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.registry import Context, Finding, rule
from generator.model import Process, Sop
from generator.model.graph import Fork, StepGraph
from generator.model.handbook import Entry
from generator.model.validate import Suggestions
from generator.problems import Severity, quote


def _sound(entry: Entry[Sop | Process]) -> Iterator[tuple[StepGraph, Fork]]:
    """Each fork of a document whose every edge and join names a known step: FLOW001 and
    FORK001 explain a broken graph, and a region of it would mislead."""
    if not isinstance(entry.item, Sop | Process):
        return
    graph = entry.item.graph
    known = {step.id for step in graph.steps}
    if all(edge.target in known for edge in graph.edges) and all(
            fork.join in known for fork in graph.forks):
        yield from ((graph, fork) for fork in graph.forks)


def _flows(context: Context) -> Iterator[Entry[Sop | Process]]:
    for entry in context.handbook.documents:
        if isinstance(entry.item, Sop | Process):
            yield entry  # type: ignore[misc]


@rule("FORK001", Severity.ERROR, "a fork that joins at an unknown step", local=True)
def unknown_joins(context: Context) -> Iterator[Finding]:
    """A fork's `join` must name a step of the same document.

    Passes: `fork: {paths: [boil, chop], join: combine}` with a step `combine`.
    Fails: `join: combin`.
    """
    for entry in _flows(context):
        graph = entry.item.graph
        ids = [step.id for step in graph.steps]
        hints = Suggestions(ids, "steps")
        for fork in graph.forks:
            if fork.join not in ids:
                yield Finding(entry.source, ("steps", fork.position, "fork", "join"),
                              f"the fork of step {quote(fork.source)} joins at unknown step "
                              f"{quote(fork.join)}; {hints.hint(fork.join, entry.source.path)}")


@rule("FORK002", Severity.ERROR, "a path of a fork that never reaches the fork's join",
      local=True)
def paths_reach_join(context: Context) -> Iterator[Finding]:
    """Every path of a fork must reach its join, and may not end the flow before it.

    Passes: paths `boil` and `chop`, each flowing on to the join `combine`.
    Fails: a path `chop` whose last step has `end: true`.
    """
    for entry in _flows(context):
        for graph, fork in _sound(entry):
            for j, path in enumerate(fork.paths):
                message = _short_path(graph, fork, path)
                if message:
                    yield Finding(entry.source, ("steps", fork.position, "fork", "paths", j),
                                  f"path {j + 1} of the fork of step {quote(fork.source)} "
                                  f"(from step {quote(path)}) {message}")


def _short_path(graph: StepGraph, fork: Fork, path: str) -> str | None:
    """What keeps one path from its join, or None when it always gets there."""
    if path == fork.join:
        return (f"starts at the join {quote(fork.join)} itself; a path needs a step of its "
                "own, or leave it out of 'paths'")
    reach = graph.reachable_avoiding((path,), (fork.join,))
    if fork.join not in reach:
        return (f"never reaches the join {quote(fork.join)}; lead its last step there with "
                f"'next: {fork.join}'")
    index = {step.id: i for i, step in enumerate(graph.steps)}
    ends = sorted(index[s] for s in reach - {fork.join} if graph.is_end(index[s]))
    if ends:
        return (f"can end the flow at step {quote(graph.steps[ends[0]].id)} before reaching "
                f"the join {quote(fork.join)}; the join waits for every path: lead it to "
                f"{quote(fork.join)} instead")
    return None


def _inside(graph: StepGraph, fork: Fork) -> frozenset[str]:
    """The steps only the fork's paths reach: its region without the steps also reached
    from the first step around the fork (those are where a path jumped out)."""
    first = graph.steps[0].id
    around = graph.reachable_avoiding((first,), (fork.source,)) if first != fork.source else set()
    return graph.region(fork) - around - {fork.source}


def _before(graph: StepGraph, fork: Fork) -> set[str]:
    """The steps from which the fork is reached without passing its join: a path that
    leads back to one of them left the fork (FORK004 says so once, where it left), it did
    not let an outside step in."""
    backward: dict[str, list[str]] = {}
    for edge in graph.edges:
        backward.setdefault(edge.target, []).append(edge.source)
    seen, queue = {fork.source}, [fork.source]
    while queue:
        for source in backward.get(queue.pop(), []):
            if source not in seen and source != fork.join:
                seen.add(source)
                queue.append(source)
    return seen


@rule("FORK003", Severity.ERROR, "a join that something besides its fork's paths leads into",
      local=True)
def joins_wait_for_paths(context: Context) -> Iterator[Finding]:
    """A join waits for the paths of its fork only: no other step leads into it, and it
    is the join of one fork.

    Passes: paths `boil` and `chop` lead to `combine`, nothing else does.
    Fails: a step `shop` before the fork with `next: combine`.
    """
    for entry in _flows(context):
        joined: dict[str, Fork] = {}
        for graph, fork in _sound(entry):
            earlier = joined.setdefault(fork.join, fork)
            if earlier is not fork:
                yield Finding(entry.source, ("steps", fork.position, "fork", "join"),
                              f"step {quote(fork.join)} is already the join of the fork of step "
                              f"{quote(earlier.source)}; give each fork a join of its own")
                continue
            region = graph.region(fork) | {fork.source}
            for edge in graph.edges:
                if (edge.target == fork.join and edge.source not in region
                        and edge.source in graph.reachable):
                    yield Finding(entry.source, edge.loc, f"step {quote(edge.source)} leads "
                                  f"into step {quote(fork.join)}, the join of the fork of step "
                                  f"{quote(fork.source)}, from outside the fork; a join waits "
                                  "only for the fork's paths: lead it elsewhere, or make it "
                                  "part of one of the paths")


@rule("FORK004", Severity.ERROR, "a path that leaves a fork before its join, or enters one",
      local=True)
def paths_stay_inside(context: Context) -> Iterator[Finding]:
    """The steps between a fork and its join are reached only through the fork, and leave
    only through the join.

    Passes: a decision inside a path that loops back to an earlier step of the same path.
    Fails: a path step with `next:` a step before the fork; a step before the fork with
    `next:` a step inside a path.
    """
    for entry in _flows(context):
        for graph, fork in _sound(entry):
            inside, region = _inside(graph, fork), graph.region(fork)
            entered = region - _before(graph, fork)
            edges = [edge for edge in graph.edges if edge.source in graph.reachable]
            leaving = [edge for edge in edges
                       if edge.source in inside and edge.target not in inside | {fork.join}]
            for edge in leaving:
                yield Finding(entry.source, edge.loc, f"step {quote(edge.source)}, on a "
                              f"path of the fork of step {quote(fork.source)}, leads to "
                              f"step {quote(edge.target)} outside the fork before its join "
                              f"{quote(fork.join)}; the paths of a fork leave it only "
                              f"through the join: lead it to {quote(fork.join)}")
            if leaving:
                continue  # what a path reaches after leaving is not the fork's: no more
            for edge in edges:
                if edge.source not in region | {fork.source} and edge.target in entered:
                    yield Finding(entry.source, edge.loc, f"step {quote(edge.source)}, outside "
                                  f"the fork of step {quote(fork.source)}, leads to step "
                                  f"{quote(edge.target)} on one of its paths; a path is entered "
                                  "only through its fork")


@rule("FORK005", Severity.ERROR, "two paths of a fork that run into each other, or one named twice",
      local=True)
def paths_apart(context: Context) -> Iterator[Finding]:
    """Paths done at the same time share no step: a path that flows on into another one
    (often by the list order, when its last step lacks `next: <join>`) does that work twice.

    Passes: `boil` with `next: combine`, then `chop`. Fails: `boil` without `next`, followed
    in the list by `chop`, the first step of the other path; `paths: [boil, chop, boil]`.
    """
    for entry in _flows(context):
        for graph, fork in _sound(entry):
            inside = _inside(graph, fork)
            stop = (fork.join, fork.source)
            for k, path in enumerate(fork.paths):
                if path in fork.paths[:k]:
                    yield Finding(entry.source, ("steps", fork.position, "fork", "paths", k),
                                  f"path {k + 1} of the fork of step {quote(fork.source)} "
                                  f"repeats path {fork.paths.index(path) + 1} ({quote(path)}); "
                                  "name each path once")
            reach = [graph.reachable_avoiding((path,), stop) & inside for path in fork.paths]
            told: set[int] = set()
            for j, own in enumerate(reach):
                for k, other in enumerate(reach):
                    if k == j or not own & other:
                        continue
                    for n, edge in enumerate(graph.edges):
                        if n not in told and edge.source in own - other and edge.target in other:
                            told.add(n)
                            yield Finding(entry.source, edge.loc, f"step "
                                          f"{quote(edge.source)}, on path {j + 1} of the fork "
                                          f"of step {quote(fork.source)}, leads to step "
                                          f"{quote(edge.target)} on path {k + 1}; paths done at "
                                          "the same time share no step: lead it to the join "
                                          f"with 'next: {fork.join}'")
