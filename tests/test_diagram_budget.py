"""Diagrams sized for the reader: a flow over the budget gets a note and FLOW004, not a chart.
A long flow is drawn in parts, and the budget holds for each diagram the page draws.

The flows are written into the minimal handbook's SOP (its `steps:` key is on line 28) and
go through the same check and generation as any handbook.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import Sop
from generator.model.graph import StepGraph
from generator.pipeline import check_handbook
from generator.problems import Severity
from generator.render.mermaid import BUDGET, Size, measure
from generator.render.pages import generate
from generator.render.site import doc_path
from tests.support import REPO, TODAY, Book, run_sopsite
from tests.support.build import make_project, sopsite
from tests.support.mermaid import diagrams, parse_errors

S = "hb/sop-it-001.yml"
PAGE = "procedures/sop-it-001.md"


def _write_flow(book: Book, steps: int, lanes: int, decisions: int = 0) -> None:
    """The SOP with ``steps`` steps dealt round-robin to ``lanes`` roles; the first
    ``decisions`` steps ask a question whose second branch skips one step ahead."""
    book.write("crowd.yml", "".join(
        f"- kind: role\n  id: role-{n}\n  name: Role {n}\n" for n in range(1, lanes + 1)))
    lines = []
    for i in range(1, steps + 1):
        lines += [f"  - id: s-{i}", f"    title: Do the work of step {i}",
                  f"    actor: role-{(i - 1) % lanes + 1}"]
        if i <= decisions:
            skip = i + 2 if i + 2 <= steps else 1
            lines += ["    decision:", f"      question: Is step {i} done?", "      branches:",
                      "        - label: \"yes\"", f"          next: s-{i + 1}",
                      "        - label: \"no\"", f"          next: s-{skip}"]
    text = book.text("sop-it-001.yml")
    # The RACI table lists every lane's role (RACI001), in the five lines the fixture's
    # table takes, so the steps stay on the lines the messages name.
    table = ("roles:\n  - role: technician\n    raci: responsible\n  - role: it-director\n"
             "    raci: accountable\n")
    lanes_raci = ", ".join(f"{{role: role-{n}, raci: responsible}}" for n in range(1, lanes + 1))
    text = text.replace(table, "roles: [{role: technician, raci: responsible},\n"
                        "  {role: it-director, raci: accountable},\n"
                        f"  {lanes_raci}]\n# Every lane's role is in the RACI table.\n#\n")
    book.write("sop-it-001.yml", text[: text.index("steps:\n") + 7] + "\n".join(lines) + "\n")


def _page(book: Book) -> str:
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert [p for p in problems if p.severity == Severity.ERROR] == []
    return generate(handbook, today=TODAY).pages[PAGE]


def test_five_thousand_linear_steps_are_refused_and_would_get_no_diagram(book: Book) -> None:
    _write_flow(book, 5000, 1)
    assert book.lines() == [
        f"{S}:28:1: warning [FLOW004] the flowchart is left out of the page, over the diagram "
        "budget: 5000 steps (at most 25), 5001 arrows (at most 40), 443549 characters of "
        "Mermaid source (at most 40000); the page says so and lists the steps. For a diagram, "
        "move groups of steps into SOPs of their own and link each from one step ('sop:')",
        f"{S}:28:1: error [FLOW005] expected at most 500 steps in one document, found 5000; "
        "split the procedure: move groups of steps into SOPs of their own and link each from "
        "one step ('sop:')",
    ]


def test_five_hundred_linear_steps_get_a_note_and_a_warning(book: Book) -> None:
    _write_flow(book, 500, 1)
    [line] = book.lines()
    assert line.startswith(f"{S}:28:1: warning [FLOW004] the flowchart is left out of the "
                           "page, over the diagram budget: 500 steps (at most 25), 501 arrows")
    page = _page(book)
    assert diagrams(page) == []
    assert "``` mermaid" not in page
    assert ("*This flow has 500 steps in 1 lane, more than a diagram can show readably (at "
            "most 25 steps, 40 arrows, 40000 characters of diagram source); the steps below "
            "are the procedure.*") in page
    assert "### 500. Do the work of step 500 {#step-s-500}" in page


def test_240_decisions_each_by_its_own_role_get_a_note_and_a_warning(book: Book) -> None:
    # Drawn in parts, each part of eight steps would still have eight lanes, and the
    # overview one box for each of its 30 parts.
    _write_flow(book, 240, 240, decisions=239)
    assert measure(_steps(book)) == Size(steps=30, lanes=8, edges=32, chars=measure(
        _steps(book)).chars)
    assert book.lines() == [
        f"{S}:28:1: warning [FLOW004] the flowchart is left out of the page, over the diagram "
        "budget: even drawn in 30 parts, its largest diagram (the overview has one box per "
        "part) has 30 steps (at most 25), 8 lanes (at most 6); the page says so and lists "
        "the steps. For a diagram, move groups of steps into SOPs of their own and link each "
        "from one step ('sop:')",
    ]
    page = _page(book)
    assert diagrams(page) == []
    assert ("*This flow has 240 steps in 240 lanes, more than a diagram can show readably (at "
            "most 25 steps, 6 lanes); the steps below are the procedure.*") in page


def _steps(book: Book) -> StepGraph:
    handbook, _ = check_handbook(Path("hb"), today=TODAY)
    sop = handbook.document_index["SOP-IT-001"]
    assert isinstance(sop, Sop)
    return sop.graph


def test_ten_steps_in_every_lane_the_budget_allows_are_one_diagram(book: Book) -> None:
    _write_flow(book, 10, BUDGET.lanes, decisions=9)
    size = measure(_steps(book))
    # Nine questions of two answers each, the arrow from the start and the one to the end.
    assert (size.steps, size.lanes, size.edges) == (10, BUDGET.lanes, 9 * 2 + 1 + 1)
    assert size.chars <= BUDGET.chars
    assert book.lines() == []
    sources = diagrams(_page(book))
    assert len(sources) == 1
    assert parse_errors(sources) == [None]


def test_a_flow_longer_than_one_diagram_is_drawn_in_parts_within_the_budget(
        book: Book) -> None:
    # 200 steps: 25 parts of 8, and an overview of 25 boxes, each at most the budget.
    _write_flow(book, 200, BUDGET.lanes, decisions=30)
    size = measure(_steps(book))
    assert size.steps == BUDGET.steps
    assert size.lanes <= BUDGET.lanes
    assert size.edges <= BUDGET.edges
    assert book.lines() == []
    sources = diagrams(_page(book))
    assert len(sources) == 26
    assert parse_errors(sources) == [None] * 26


def test_one_part_more_than_the_overview_can_show_is_left_out(book: Book) -> None:
    _write_flow(book, 201, 1)
    [line] = book.lines()
    assert ("over the diagram budget: even drawn in 26 parts, its largest diagram (the "
            "overview has one box per part) has 26 steps (at most 25)") in line
    assert diagrams(_page(book)) == []


def test_a_finnish_flow_over_the_budget_gets_a_finnish_note(book: Book) -> None:
    _write_flow(book, 14, 14)  # two parts of seven steps, each in seven lanes
    book.edit("sop-it-001.yml", "review_every: 12\n", "review_every: 12\nlanguage: fi\n")
    page = _page(book)
    assert diagrams(page) == []
    assert ("*Tässä kulussa on 14 vaihetta 14 kaistalla, enemmän kuin kaavio voi näyttää "
            "luettavasti (enintään 6 kaistaa); alla olevat vaiheet ovat menettely.*") in page


def test_the_example_handbook_keeps_every_diagram() -> None:
    handbook, problems = check_handbook(REPO / "sops", today=TODAY)
    assert problems == []
    pages = generate(handbook, today=TODAY).pages
    flows = [doc for doc in handbook.document_index.values() if getattr(doc, "steps", None)]
    assert flows
    for doc in flows:
        page = pages[doc_path(doc)]
        assert len(diagrams(page)) >= 1, doc.id
        assert "more than a diagram can show readably" not in page


def test_the_training_module_of_a_flow_over_the_budget_gets_the_note(book: Book) -> None:
    _write_flow(book, 260, 1)
    book.edit("sop-it-001.yml", "review_every: 12\n", "review_every: 12\ntraining:\n"
              "  objectives: [Follow the procedure]\n  audience: [role-1]\n  time: 30m\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert [p for p in problems if p.severity == Severity.ERROR] == []
    module = generate(handbook, today=TODAY).pages["training/sop-it-001.md"]
    assert diagrams(module) == []
    assert "*This flow has 260 steps in 1 lane, more than" in module


@pytest.mark.slow
def test_the_warning_is_advice_that_strict_runs_and_builds_keep(book: Book) -> None:
    """A long procedure is not a fault: `check --strict` and the (strict) build pass."""
    _write_flow(book, 260, 1)
    [line] = book.lines()
    assert line.startswith(f"{S}:28:1: warning [FLOW004] the flowchart is left out")
    result = run_sopsite("check", "--strict", "--today", TODAY.isoformat(), "hb",
                         cwd=Path.cwd())
    assert result.returncode == 0, result.stdout + result.stderr
    project = Path("project")
    make_project(project, book.root)
    built = sopsite("build", cwd=project, today=TODAY.isoformat())
    assert built.returncode == 0, built.stderr
    assert "warning [FLOW004] the flowchart is left out" in built.stderr
    html = (project / "site" / "procedures" / "sop-it-001" / "index.html").read_text("utf-8")
    assert 'class="mermaid"' not in html
    assert "This flow has 260 steps in 1 lane" in html
