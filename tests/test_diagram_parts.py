"""Long flows drawn in parts: an overview, then one diagram per step group or per run of
steps cut where the fewest arrows cross, each with its accessible title and description and
the list of the steps it draws.

The flows are written into the minimal handbook's SOP, go through the same check and
generation as any handbook, and every diagram goes through Mermaid's own parser.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.pipeline import check_handbook
from generator.problems import Severity
from generator.render.pages import generate
from tests.support import TODAY, Book
from tests.support.mermaid import diagrams, parse_errors

PAGE = "procedures/sop-it-001.md"


def _write(book: Book, steps: list[dict[str, str]], groups: list[tuple[str, str]] = ()
           ) -> None:
    """The SOP's steps replaced by ``steps`` (id → `s-<n>`, title and actor added), with
    optional ``groups`` (id, title); a step's ``back`` asks a question whose "no" goes
    back to that step number."""
    lines = []
    if groups:
        lines.append("groups:")
        for gid, title in groups:
            lines += [f"  - id: {gid}", f"    title: {title}"]
    lines.append("steps:")
    for n, step in enumerate(steps, start=1):
        lines += [f"  - id: s-{n}", f"    title: {step.get('title', f'Do the work of step {n}')}",
                  f"    actor: {step.get('actor', 'technician')}"]
        if "group" in step:
            lines.append(f"    group: {step['group']}")
        if "back" in step:
            lines += ["    decision:", f"      question: Is step {n} right?", "      branches:",
                      "        - label: \"yes\"", f"          next: s-{n + 1}",
                      "        - label: \"no\"", f"          next: s-{step['back']}"]
    text = book.text("sop-it-001.yml")
    book.write("sop-it-001.yml", text[: text.index("steps:\n")] + "\n".join(lines) + "\n")


def _page(book: Book) -> str:
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert [p.format() for p in problems if p.severity == Severity.ERROR] == []
    return generate(handbook, today=TODAY).pages[PAGE]


def _section(page: str) -> str:
    """The page's flowchart section, up to the steps."""
    return page[page.index("\n## Flowchart"):page.index("\n## Steps\n")]


def test_a_flow_of_ten_steps_is_one_diagram_with_its_title_and_its_list(book: Book) -> None:
    _write(book, [{}] * 10)
    page = _page(book)
    [source] = diagrams(page)
    assert source.splitlines()[1:3] == [
        "  accTitle: SOP-IT-001: Reset a password",
        "  accDescr: A flowchart of 10 steps in swimlanes by role, the same steps are listed "
        "after the diagram."]
    assert "### " not in _section(page)
    listed = re.findall(r"^- \[(\d+)\. ", _section(page), re.M)
    assert listed == [str(n) for n in range(1, 11)]
    assert "- [10. Do the work of step 10](#step-s-10) ([Technician](../roles/technician.md)): " \
        "The procedure ends here." in page
    assert parse_errors([source]) == [None]


def test_a_long_flow_without_groups_is_cut_where_the_fewest_arrows_cross(book: Book) -> None:
    # Step 8 sends a rework back to step 4: every cut between 4 and 8 would cross that
    # loop as well as the list's own arrow, so the flow is cut after step 8.
    _write(book, [{}] * 7 + [{"back": "4"}] + [{}] * 5)
    page = _page(book)
    overview, first, second = diagrams(page)
    section = _section(page)
    assert re.findall(r"^### (.*)$", section, re.M) == [
        "Overview { #diagram-overview data-search-exclude }",
        "Steps 1\u20138 { #diagram-part-1 data-search-exclude }",
        "Steps 9\u201313 { #diagram-part-2 data-search-exclude }"]
    assert overview.splitlines() == [
        "flowchart TD",
        "  accTitle: SOP-IT-001: Reset a password - Overview",
        "  accDescr: The parts of the flow in order, each box opens that part's diagram below.",
        '  start(["Start"])',
        '  p1["Steps 1#8211;8"]',
        '  p2["Steps 9#8211;13"]',
        '  stop(["End"])',
        "  start --> p1",
        "  p1 --> p2",
        "  p2 --> stop",
        '  click p1 href "#diagram-part-1"',
        '  click p2 href "#diagram-part-2"']
    # the loop stays inside the first part; its only way out is step 8's "yes"
    assert '  s8 -->|"no"| s4' in first.splitlines()
    assert [line for line in first.splitlines() if "to2" in line and "click" not in line] == [
        '  s8 -->|"yes"| to2', '  to2>"Continues in Steps 9#8211;13"]']
    assert '  from1 --> s9' in second.splitlines()
    assert "start" not in second
    assert "stop" not in first
    assert parse_errors([overview, first, second]) == [None, None, None]
    # each step is listed once, under the diagram that draws it
    listed = re.findall(r"^- \[(\d+)\. ", section, re.M)
    assert listed == [str(n) for n in range(1, 14)]


def test_groups_give_the_parts_and_every_link_of_a_diagram_lands_on_the_page(
        book: Book) -> None:
    groups = [("prepare", "Prepare the account"), ("reset", "Reset it"),
              ("close", "Close the ticket")]
    steps = ([{"group": "prepare"}] * 4 + [{"group": "reset", "actor": "it-director"}] * 4
             + [{"group": "close"}] * 3)
    _write(book, steps, groups)
    page = _page(book)
    sources = diagrams(page)
    assert len(sources) == 4
    assert re.findall(r"^### (.*)$", _section(page), re.M) == [
        "Overview { #diagram-overview data-search-exclude }",
        "Prepare the account { #diagram-group-prepare data-search-exclude }",
        "Reset it { #diagram-group-reset data-search-exclude }",
        "Close the ticket { #diagram-group-close data-search-exclude }"]
    assert '  p2["Reset it (steps 5#8211;8)"]' in sources[0].splitlines()
    assert "- [Reset it](#diagram-group-reset): steps 5\u20138" in page
    anchors = set(re.findall(r"\{ ?#([a-z0-9-]+)", page))
    for source in sources:
        for target in re.findall(r'href "#([^"]+)"', source):
            assert target in anchors, target
    assert '  subgraph group1["Reset it"]' in sources[2].splitlines()
    assert parse_errors(sources) == [None] * 4


def test_a_group_longer_than_a_diagram_is_cut_into_pieces_of_its_own(book: Book) -> None:
    groups = [("work", "Work"), ("check", "Check")]
    _write(book, [{"group": "work"}] * 12 + [{"group": "check"}] * 2, groups)
    page = _page(book)
    headings = re.findall(r"^### (.*)$", _section(page), re.M)
    assert headings[1:] == [
        "Work (steps 1\u20136) { #diagram-group-work-1 data-search-exclude }",
        "Work (steps 7\u201312) { #diagram-group-work-2 data-search-exclude }",
        "Check { #diagram-group-check data-search-exclude }"]
    assert parse_errors(diagrams(page)) == [None] * 4


def test_hostile_titles_stay_text_in_headings_labels_and_accessible_lines(book: Book) -> None:
    hostile = "'<img src=x onerror=alert(1)> {{ 7*7 }} ; click s1 call alert(1) #'"
    groups = [("a", hostile), ("b", "Second")]
    _write(book, [{"group": "a"}] * 6 + [{"group": "b"}] * 6, groups)
    page = _page(book)
    sources = diagrams(page)
    assert parse_errors(sources) == [None] * 3
    for source in sources:
        assert not any(line.lstrip().startswith("click s1 call") for line in
                       source.splitlines())
    part = sources[1].splitlines()
    assert part[1] == ("  accTitle: SOP-IT-001: Reset a password - img src x onerror "
                       "alert(1) 7 7 , click s1 call alert(1)")
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in _section(page)
