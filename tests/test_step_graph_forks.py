"""The step graph with forks, joins, groups and waits: edges, regions, reachability, loops.

Unit tests of `generator.model.graph` (no handbook on disk), then the quiz rules on a flow
with a fork: ordering questions along one path pass, across two paths they are refused with
the reason.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from generator.model import Step
from generator.model.graph import Edge, Fork, StepGraph
from tests.support import Book


def steps(*specs: dict[str, Any]) -> list[Step]:
    """Steps from short specs: the actor defaults to `cook`, the title to the id."""
    return [Step.model_validate({"title": spec["id"], "actor": "cook", **spec}) for spec in specs]


KITCHEN = steps(
    {"id": "start", "fork": {"paths": ["boil", "chop"], "join": "combine"}},
    {"id": "boil", "next": "combine"},
    {"id": "chop"},
    {"id": "slice"},
    {"id": "combine"},
    {"id": "taste", "decision": {"question": "Good?", "branches": [
        {"label": "yes", "next": "serve"}, {"label": "no", "next": "start"}]}},
    {"id": "serve", "end": True},
)


def test_fork_edges_are_kind_fork_and_point_at_their_paths() -> None:
    graph = StepGraph(KITCHEN)
    assert graph.edges[:2] == (Edge("start", "boil", None, 0, 0, "fork"),
                               Edge("start", "chop", None, 1, 0, "fork"))
    assert [edge.loc for edge in graph.edges[:2]] == [
        ("steps", 0, "fork", "paths", 0), ("steps", 0, "fork", "paths", 1)]


def test_edge_locations_for_each_kind() -> None:
    graph = StepGraph(KITCHEN)
    by_kind = {edge.kind: edge.loc for edge in graph.edges}
    assert by_kind == {
        "fork": ("steps", 0, "fork", "paths", 1),
        "next": ("steps", 1, "next"),
        "list": ("steps", 4, "id"),
        "decision": ("steps", 5, "decision", "branches", 1, "next"),
    }


def test_forks_and_regions() -> None:
    graph = StepGraph(KITCHEN)
    (fork,) = graph.forks
    assert fork == Fork(0, "start", ("boil", "chop"), "combine")
    assert graph.region(fork) == {"boil", "chop", "slice"}
    assert graph.region(fork) is graph.region(fork)  # worked out once


def test_a_fork_step_is_never_an_end_even_when_last() -> None:
    graph = StepGraph(steps({"id": "a"}, {"id": "b", "fork": {"paths": ["a", "c"],
                                                             "join": "a"}}))
    assert not graph.is_end(1)
    assert [edge.kind for edge in graph.edges] == ["list", "fork", "fork"]


def test_reachable_avoiding_stops_at_blocked_steps() -> None:
    graph = StepGraph(KITCHEN)
    assert graph.reachable_avoiding(("chop",), ("combine",)) == {"chop", "slice", "combine"}
    assert graph.reachable_avoiding(("start",), ("start",)) == {"start"}


def test_loops_through_a_fork_still_reach_an_end() -> None:
    graph = StepGraph(KITCHEN)
    ids = {step.id for step in KITCHEN}
    assert graph.reachable == ids
    assert graph.reaching_end == ids


def test_loop_through_a_fork_with_no_way_out_reaches_no_end() -> None:
    trapped = steps(
        {"id": "start", "fork": {"paths": ["boil", "chop"], "join": "combine"}},
        {"id": "boil", "next": "combine"},
        {"id": "chop"},
        {"id": "combine", "next": "start"},
    )
    graph = StepGraph(trapped)
    assert graph.reaching_end == frozenset()
    assert graph.reachable == {"start", "boil", "chop", "combine"}


def test_steps_on_two_paths_are_apart_and_steps_on_one_path_are_not() -> None:
    graph = StepGraph(KITCHEN)
    (fork,) = graph.forks
    assert graph.apart("boil", "slice") == fork
    assert graph.apart("slice", "boil") == fork
    assert graph.apart("chop", "slice") is None
    assert graph.apart("start", "boil") is None
    assert graph.apart("combine", "taste") is None


def test_groups_travel_with_the_graph() -> None:
    from generator.model import StepGroup

    groups = [StepGroup(id="prep", title="Prepare")]
    assert StepGraph(KITCHEN, groups).groups == tuple(groups)


def test_a_step_leaves_in_one_way_fork_included() -> None:
    with pytest.raises(ValidationError, match="give only one of next, decision, fork or end, "
                       "found next and fork"):
        steps({"id": "a", "next": "b", "fork": {"paths": ["b", "c"], "join": "d"}})


def test_a_fork_needs_two_paths() -> None:
    with pytest.raises(ValidationError, match="at least 2 items"):
        steps({"id": "a", "fork": {"paths": ["b"], "join": "d"}})


# --- quiz questions on a flow with a fork --------------------------------------------------

QUIZ_SOP = """\
kind: sop
id: SOP-PAR-002
title: Cook two things at once
version: "1.0"
status: effective
owner: it-director
effective: 2026-03-01
review_every: 12
approvals:
  - {name: Ada Lovelace, role: it-director, version: "1.0", date: 2026-02-20, meaning: approval}
purpose: Dinner on time.
scope: One kitchen.
roles:
  - {role: technician, raci: responsible}
  - {role: it-director, raci: accountable}
groups:
  - {id: cook, title: Cook}
steps:
  - {id: start, title: Start, actor: technician, group: cook,
     fork: {paths: [boil, chop], join: combine}}
  - {id: boil, title: Boil, actor: technician, group: cook, next: combine,
     wait: {until: it boils}}
  - {id: chop, title: Chop, actor: it-director, group: cook}
  - {id: combine, title: Combine, actor: technician, end: true}
training:
  objectives: [Cook]
  audience: [technician]
  time: 10m
  quiz:
    - id: order
      kind: ordering
      prompt: In which order?
      answer: ANSWER
      explanation: Along the flow.
      covers: [start, boil, chop, combine]
"""


def test_ordering_along_one_path_of_a_fork_passes(book: Book) -> None:
    book.write("sop-par.yml", QUIZ_SOP.replace("ANSWER", "[start, boil, combine]"))
    assert book.lines() == []


def test_ordering_across_two_paths_of_a_fork_says_they_are_done_at_once(book: Book) -> None:
    book.write("sop-par.yml", QUIZ_SOP.replace("ANSWER", "[start, boil, chop, combine]"))
    assert book.lines() == [
        "hb/sop-par.yml:33:15: error [QUIZ005] question 'order': 'boil' and 'chop' are done "
        "at the same time, on two paths of the fork of step 'start', so neither comes first; "
        "ask for steps of one path",
    ]


def test_ordering_against_the_flow_keeps_its_message(book: Book) -> None:
    book.write("sop-par.yml", QUIZ_SOP.replace("ANSWER", "[combine, start]"))
    assert book.lines() == [
        "hb/sop-par.yml:33:15: error [QUIZ005] question 'order': no path in the flow leads "
        "from 'combine' to 'start', so this order is wrong",
    ]
