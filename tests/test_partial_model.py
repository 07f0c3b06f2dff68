"""A model error does not hide a file's other problems: the rules run on what of the item
still validates (`generator.model.partial`), through the real `sopsite check`; what a left
out value would make look wrong is not reported; such an item never becomes a page."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import check_handbook
from generator.render.pages import generate
from tests.support import TODAY, TODAY_ARG, Book, run_cli

S = "hb/sop-it-001.yml"
P = "hb/proc-it-rollout.yml"

DURATION = ("'duration': expected a number and a unit (m, h, d or w) such as '15m' or '2h', "
            "found '5 minutes'")
OVERDUE = ("review was due on 2026-10-01 (12 months after 2025-10-01); review it and bump "
           "the version or the effective date")


def check(book: Book) -> tuple[int, list[str], str]:
    result = run_cli("check", "hb", "--today", TODAY_ARG, cwd=book.root.parent)
    return result.returncode, result.stdout.splitlines(), result.stderr


def test_a_wrong_duration_does_not_hide_the_other_steps_problems(book: Book) -> None:
    book.edit("sop-it-001.yml", "    duration: 5m", "    duration: 5 minutes")
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: technicain\n    end: true")
    book.edit("sop-it-001.yml", "          next: reset", "          next: rest")
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    code, lines, summary = check(book)
    assert code == 1
    assert lines == [
        f"{S}:8:15: warning [REVIEW001] {OVERDUE}",
        f"{S}:32:15: error [MODEL004] {DURATION}",
        f"{S}:40:17: error [FLOW001] branch 'yes' of step 'verified' leads to unknown step "
        "'rest'; did you mean 'reset'?",
        f"{S}:43:9: error [FLOW002] step 'reset' is not reachable from the first step "
        "'verify'; point a 'next' or a decision branch at it, or remove it",
        f"{S}:45:12: error [REF001] unknown role 'technicain'; did you mean 'technician'?",
    ]
    assert summary == "4 error(s), 1 warning(s)\n"


def test_an_unknown_key_does_not_hide_the_reference_errors(book: Book) -> None:
    book.edit("sop-it-001.yml", "    duration: 5m\n", "    duration: 5m\n    colour: red\n")
    book.edit("proc-it-rollout.yml", "    actor: it-director", "    actor: it-directr")
    book.edit("sop-it-001.yml", "terms: [retrospective]", "terms: [retro]")
    code, lines, _ = check(book)
    assert code == 1
    assert lines == [
        f"{P}:23:12: error [REF001] unknown role 'it-directr'; did you mean 'it-director'?",
        f"{S}:9:9: error [REF002] unknown term 'retro'; valid terms: pre-mortem, retrospective",
        f"{S}:33:5: error [MODEL002] unknown key 'colour' in steps[0]; valid keys: actor, "
        "attachments, checks, contact, decision, duration, end, fork, group, id, instructions, "
        "links, ...",
    ]


def test_a_left_out_step_is_not_reported_as_unknown_or_its_followers_unreachable(
        book: Book) -> None:
    # The step `reset` has no title: left out, the branch to it would lead nowhere and
    # nothing would end the flow. Only the missing title, and the other step's typo, show.
    book.edit("sop-it-001.yml", "    title: Reset the password\n", "")
    book.edit("sop-it-001.yml", "    actor: technician\n    decision",
              "    actor: technicain\n    decision")
    book.write("sop-it-001.yml", book.text("sop-it-001.yml") + (
        "training:\n  objectives: [Reset safely.]\n  audience: [technician]\n  time: 15m\n"
        "  quiz:\n    - id: order\n      kind: ordering\n      prompt: In which order?\n"
        "      answer: [verify, reset]\n      explanation: Verify first.\n"
        "      covers: [verify, reset]\n"))
    code, lines, _ = check(book)
    assert code == 1
    assert lines == [
        f"{S}:35:12: error [REF001] unknown role 'technicain'; did you mean 'technician'?",
        f"{S}:43:5: error [MODEL003] missing required key 'title' in steps[2] (a short "
        "imperative title)",
    ]


def test_positions_after_a_left_out_element_are_the_files(book: Book) -> None:
    # Step 0 is left out (no title); the partial model's step 1 is the file's step 2.
    book.edit("sop-it-001.yml", "    title: Verify the caller's identity\n", "")
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: technicain\n    end: true")
    code, lines, _ = check(book)
    assert code == 1
    assert lines == [
        f"{S}:29:5: error [MODEL003] missing required key 'title' in steps[0] (a short "
        "imperative title)",
        f"{S}:44:12: error [REF001] unknown role 'technicain'; did you mean 'technician'?",
    ]


def test_a_left_out_approval_does_not_make_the_document_look_unapproved(book: Book) -> None:
    book.edit("sop-it-001.yml", "    meaning: approval", "    meaning: approved")
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: technicain\n    end: true")
    code, lines, _ = check(book)
    assert code == 1
    assert [line.split(" [")[1].split("]")[0] for line in lines] == ["MODEL004", "REF001"]


def test_a_role_with_a_model_error_is_neither_unknown_nor_unable_to_approve(
        book: Book) -> None:
    book.edit("roles.yml", "  can_approve: true", "  can_approve: maybe")
    code, lines, _ = check(book)
    assert code == 1
    assert lines == ["hb/roles.yml:5:16: error [MODEL004] 'can_approve': expected true or "
                     "false, found text 'maybe'"]


def test_a_refused_value_of_the_loader_does_not_hide_the_rest(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    start: 2026-06-01", "    start: 2026-02-30")
    book.edit("proc-it-rollout.yml", "    actor: it-director", "    actor: it-directr")
    code, lines, _ = check(book)
    assert code == 1
    assert lines == [
        f"{P}:23:12: error [REF001] unknown role 'it-directr'; did you mean 'it-director'?",
        f"{P}:35:12: error [YAML006] expected a valid date as YYYY-MM-DD, found '2026-02-30' "
        "(day is out of range for month)",
    ]


def test_an_item_with_a_model_error_never_becomes_a_page(book: Book) -> None:
    book.edit("sop-it-001.yml", "    duration: 5m", "    duration: 5 minutes")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert [p.code for p in problems] == ["MODEL004"]
    assert [e.item.id for e in handbook.partial] == ["SOP-IT-001"]
    assert "SOP-IT-001" not in handbook.document_index
    pages = generate(handbook, today=TODAY).pages
    assert not [path for path in pages if "sop-it-001" in path]
    assert "SOP-IT-001" not in pages["catalogue.md"]


def test_a_required_value_that_fails_leaves_nothing_to_check(book: Book) -> None:
    # Without a status there is no document to check: only the model error shows.
    book.edit("sop-it-001.yml", "status: effective", "status: in-force")
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: technicain\n    end: true")
    code, lines, _ = check(book)
    assert code == 1
    assert [line.split(" [")[1].split("]")[0] for line in lines] == ["MODEL004"]


def test_the_rules_left_out_on_a_partial_model_are_registered_rules() -> None:
    from generator.checks import RULES
    from generator.model.partial import GRAPH_RULES, UNCHECKED

    named = GRAPH_RULES.union(*UNCHECKED.values())
    assert named - {code for code, rule in RULES.items() if rule.check is not None} == set()
