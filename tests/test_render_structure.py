"""The pages of a procedure with structure: groups, immediate actions, troubleshooting,
a fork and its join, a wait step, and a step that works and then decides.

The fixture `tests/fixtures/structure/sops` (a small spill procedure) has each part once.
Its pages are compared with golden files in `tests/golden_structure` (rewrite them with
SOPSITE_UPDATE_GOLDEN=1), every diagram is parsed by Mermaid's own parser, and hostile text
in group titles, wait conditions and symptoms stays inert.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from generator.pipeline import check_handbook
from generator.render.pages import generate
from tests.support import TODAY
from tests.support.build import build, make_project
from tests.support.mermaid import diagrams, parse_errors

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "structure" / "sops"
GOLDEN = HERE / "golden_structure"
UPDATE = os.environ.get("SOPSITE_UPDATE_GOLDEN") == "1"
PAGE, MODULE, CHECKLIST = ("procedures/sop-spill.md", "training/sop-spill.md",
                           "training/checklists/sop-spill.md")
slow = pytest.mark.slow


def _pages(sops: Path = FIXTURE) -> dict[str, str]:
    handbook, problems = check_handbook(sops, today=TODAY)
    assert [str(p) for p in problems] == []
    return generate(handbook, today=TODAY).pages


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return _pages()


@pytest.mark.parametrize("path", [PAGE, MODULE, CHECKLIST])
def test_pages_match_their_golden_files(pages: dict[str, str], path: str) -> None:
    target = GOLDEN / path
    if UPDATE:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(pages[path], encoding="utf-8")
    assert pages[path] == target.read_text(encoding="utf-8")


def test_every_diagram_parses_with_mermaid(pages: dict[str, str]) -> None:
    sources = [d for text in pages.values() for d in diagrams(text)]
    assert len(sources) == 2  # the page and the training module
    assert parse_errors(sources) == [None, None]


def test_immediate_actions_come_first_in_an_admonition(pages: dict[str, str]) -> None:
    page = pages[PAGE]
    box = page.index('!!! danger "Immediate actions"')
    assert box < page.index("## Document control") < page.index("## Purpose")
    assert page[box:].startswith(
        '!!! danger "Immediate actions"\n\n'
        "    1. Call the emergency number **112** if anyone is hurt.\n"
        "    2. Warn everyone in the room and keep them away from the spill.\n\n")


def test_the_checklist_starts_with_the_immediate_actions(pages: dict[str, str]) -> None:
    checklist = pages[CHECKLIST]
    assert ("**Immediate actions**\n\n"
            "- [ ] Call the emergency number **112** if anyone is hurt.\n"
            "- [ ] Warn everyone in the room and keep them away from the spill.\n\n"
            "- [ ] **1. Assess the spill**") in checklist


def test_groups_are_headings_and_their_steps_one_level_deeper(pages: dict[str, str]) -> None:
    headings = re.findall(r"^#{2,4} .*$", pages[PAGE], re.M)
    start = headings.index("## Steps")
    assert headings[start:start + 11] == [
        "## Steps",
        "### Secure the area {#group-secure}",
        "#### 1. Assess the spill {#step-assess}",
        "#### 2. Evacuate the lab {#step-evacuate}",
        "### Clean up {#group-clean}",
        "#### 3. Start the clean-up {#step-split}",
        "#### 4. Absorb the spill {#step-absorb}",
        "#### 5. Open the fume hood {#step-ventilate}",
        "#### 6. Dispose of the waste {#step-dispose}",
        "## Troubleshooting",
        "### The absorbent turns hot",
    ]


def test_fork_join_and_wait_are_said_on_the_page(pages: dict[str, str]) -> None:
    page = pages[PAGE]
    assert ("**At the same time:**\n\n- [4. Absorb the spill](#step-absorb)\n"
            "- [5. Open the fume hood](#step-ventilate)\n\n"
            "*then, when every path is done* → [6. Dispose of the waste](#step-dispose)"
            ) in page
    assert ("#### 6. Dispose of the waste {#step-dispose}\n\n*Starts when every path from "
            "[3. Start the clean-up](#step-split) is done.*") in page
    assert ('!!! info "Wait until"\n\n    the air monitor shows green (at most 30m)\n'
            ) in page


def test_the_flowchart_draws_groups_fork_join_wait_and_work_then_decide(
        pages: dict[str, str]) -> None:
    (source, *_) = diagrams(pages[PAGE])
    lines = source.splitlines()
    assert lines[:6] == ["flowchart TD", "  accTitle: SOP-SPILL: Clean up a chemical spill",
                         "  accDescr: A flowchart of 6 steps in swimlanes by role, the same "
                         "steps are listed after the diagram.",
                         '  start(["Start"])',
                         '  subgraph group1["Secure the area"]',
                         '    subgraph lane1["Technician"]']
    assert '      s1["Assess the spill"]' in lines  # the work ...
    assert '      s1q{"Less than one litre?"}' in lines  # ... then the question
    assert "  s1 --> s1q" in lines
    assert '  s1q -->|"yes"| s3' in lines
    assert '      s5{{"Open the fume hood #8211; Wait until: the air monitor shows green"}}' \
        in lines
    thick = [line for line in lines if "==>" in line]
    assert thick == ["  s3 ==> s4", "  s3 ==> s5", "  s4 ==> s6", "  s5 ==> s6"]
    assert '  click s1 href "#step-assess"' in lines
    assert '  click s1q href "#step-assess"' in lines


HOSTILE = ['quote " and \' apostrophe', "[brackets] (parens) {braces}", "end", "a --> b",
           "%% comment", "`back` ticks", "<b>html</b> &amp;", "click x call alert(1)",
           "|pipe|", "<script>alert(1)</script>", "{{ 7*7 }}"]


def _hostile_page(top: Path, text: str) -> str:
    """The procedure's page with ``text`` as a group's title, a wait's text, a symptom and
    a step's title."""
    shutil.copytree(FIXTURE, top / "sops")
    sop = top / "sops" / "sop-spill.yml"
    quoted = "'" + text.replace("'", "''") + "'"
    source = sop.read_text(encoding="utf-8")
    for old in ("title: Secure the area", "until: the air monitor shows green",
                "symptom: The monitor stays red", "title: Open the fume hood"):
        key = old.split(":")[0]
        source = source.replace(old, f"{key}: {quoted}")
    sop.write_text(source, encoding="utf-8")
    return _pages(top / "sops")[PAGE]


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory
                  ) -> dict[str, tuple[str, str, str | None]]:
    """By hostile text: the page, its diagram and Mermaid's verdict on it. Mermaid parses
    every case's diagram in one run (each start of Node and Mermaid costs more than a
    parse)."""
    pages = {text: _hostile_page(tmp_path_factory.mktemp("hostile"), text) for text in HOSTILE}
    found = {text: diagrams(page) for text, page in pages.items()}
    assert {text: len(found[text]) for text in HOSTILE} == dict.fromkeys(HOSTILE, 1)
    verdicts = parse_errors([found[text][0] for text in HOSTILE])
    return {text: (pages[text], found[text][0], verdict)
            for text, verdict in zip(HOSTILE, verdicts, strict=True)}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_group_titles_wait_text_and_symptoms_stay_inert(
        hostile_pages: dict[str, tuple[str, str, str | None]], text: str) -> None:
    page, diagram, verdict = hostile_pages[text]
    assert verdict is None
    for line in diagram.splitlines():
        if line.strip().startswith(("subgraph group1", "s5{{")):
            inner = re.sub(r"#\d+;", "", line.split("[", 1)[-1] if "subgraph" in line
                           else line.split("{{", 1)[1])
            assert not set(inner.strip('"]}')) - set(" .,:-_()?!'/+\"") - set(
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), line
    body = page.replace(diagram, "")
    for literal in ("<script>", "<b>"):
        assert literal not in body
    assert not re.search(r"(?<!\\)\{\{", body)


@slow
def test_the_structured_procedure_builds_with_groups_in_the_table_of_contents(
        tmp_path: Path) -> None:
    site = build(make_project(tmp_path, FIXTURE))
    html = (site / "procedures" / "sop-spill" / "index.html").read_text(encoding="utf-8")
    toc = html[html.index('data-md-component="toc"'):]
    for anchor, title in (("group-secure", "Secure the area"), ("group-clean", "Clean up"),
                          ("step-split", "3. Start the clean-up")):
        assert re.search(rf'href="#{anchor}"[^>]*>\s*<span class="md-ellipsis">\s*{title}',
                         toc), anchor
    assert 'class="admonition danger"' in html
    assert html.index('class="admonition danger"') < html.index('id="document-control"')


def test_the_diagram_budget_counts_every_arrow_drawn(pages: dict[str, str]) -> None:
    from generator.render.mermaid import measure

    handbook, _ = check_handbook(FIXTURE, today=TODAY)
    doc = handbook.document_index["SOP-SPILL"]
    (source, *_) = diagrams(pages[PAGE])
    arrows = [line for line in source.splitlines() if "-->" in line or "==>" in line]
    assert len(arrows) == 10
    assert measure(doc.graph).edges == len(arrows)  # type: ignore[union-attr]


def test_what_changed_names_groups_waits_forks_and_the_new_sections() -> None:
    import yaml

    from generator.git.diff import as_markdown, semantic_diff
    from generator.model import Sop

    new = yaml.safe_load((FIXTURE / "sop-spill.yml").read_text(encoding="utf-8"))
    old = {key: value for key, value in new.items()
           if key not in ("groups", "immediate_actions", "troubleshooting")}
    old["steps"] = [{key: value for key, value in step.items()
                     if key not in ("group", "wait", "fork")} for step in new["steps"]]
    old["steps"][2]["next"] = "absorb"
    text = as_markdown(semantic_diff(Sop.model_validate(old, strict=False),
                                     Sop.model_validate(new, strict=False)))
    assert "- Step 1 (assess): group none → secure.\n" in text
    assert "- Step 5 (ventilate) now waits until “the air monitor shows green”.\n" in text
    assert ("- Step 3 (split): next step absorb → at the same time absorb, ventilate, then "
            "dispose.\n") in text
    assert "- Groups changed.\n" in text
    assert "- Troubleshooting changed.\n" in text
    assert ("- Immediate actions added: “Call the emergency number **112** if anyone is "
            "hurt.”.\n") in text
