"""Cross-document rules: each registered rule fails where it should, and passes otherwise.

Every test starts from the minimal handbook (which is clean, even with --strict), changes one
thing and compares the complete list of problems, so a rule that fires too often, too
rarely or at the wrong place fails the test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.checks import RULES
from generator.pipeline import check_handbook, fails
from generator.problems import Severity
from generator.session import Session
from tests.support import MINIMAL, TODAY, Book

S = "hb/sop-it-001.yml"
P = "hb/proc-it-rollout.yml"
R = "hb/retro-it-001.yml"

COVERED = {
    "ID001", "ID002", "ID003", "REF001", "REF002", "REF003", "REF004", "REF005", "FLOW001",
    "FLOW002", "FLOW003", "RISK001", "REVIEW001", "APPROVAL001", "APPROVAL002", "APPROVAL003",
    "APPROVAL004", "APPROVAL005", "PLAN001",
}


COVERED_ELSEWHERE = {
    "ACTION001": "test_agreement.py",
    "RACI001": "test_agreement.py",
    "TRAIN001": "test_agreement.py",
    **{f"QUIZ00{n}": "test_training.py" for n in range(1, 7)},
    "CHANGE001": "test_history.py",
    "FLOW004": "test_diagram_budget.py",
    "FLOW005": "test_diagram_budget.py",
    "ID004": "test_hostile_fs.py",
    "ID005": "test_hostile_fs.py",
    "MARKDOWN001": "test_markdown_budgets.py",
    "MARKDOWN002": "test_markdown_budgets.py",
    **dict.fromkeys(("FORK001", "FORK002", "FORK003", "FORK004", "FORK005", "GROUP001",
                     "GROUP002", "GROUP003", "TROUBLE001"), "test_structure_rules.py"),
    **{f"INCIDENT00{n}": "test_incidents.py" for n in range(1, 5)},
    **dict.fromkeys(("LINK001", "SOURCE001", "SOURCE002", "ATTACH001", "ATTACH002", "ATTACH003",
                     "ATTACH004", "ATTACH005", "CONTACT001", "CONTACT002"), "test_outside.py"),
}
"""Rules whose exact messages and positions are pinned in another module."""


def test_every_registered_rule_is_covered() -> None:
    registered = {code for code, rule in RULES.items() if rule.check is not None}
    assert registered == COVERED | set(COVERED_ELSEWHERE)
    for code, module in COVERED_ELSEWHERE.items():
        assert f"[{code}]" in (Path(__file__).parent / module).read_text("utf-8"), code


def test_minimal_fixture_is_clean_even_when_strict() -> None:
    _, problems = check_handbook(MINIMAL, today=dt.date(2026, 11, 21))
    assert problems == []


def test_minimal_fixture_loads_every_item(book: Book) -> None:
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    assert sorted(handbook.document_index) == ["PROC-IT-ROLLOUT", "RETRO-IT-001", "SOP-IT-001"]
    assert sorted(handbook.role_index) == ["it-director", "technician"]
    assert sorted(handbook.term_index) == ["pre-mortem", "retrospective"]


# --- ID001 -------------------------------------------------------------------------------


def test_duplicate_document_id_names_both_places(book: Book) -> None:
    book.write("zz-copy.yml", book.text("retro-it-001.yml"))
    assert book.lines() == [
        "hb/zz-copy.yml:2:5: error [ID001] duplicate document id 'RETRO-IT-001': first defined "
        "at hb/retro-it-001.yml:2:5",
        # Step, risk and action ids are unique per document id, so the copy's action clashes.
        "hb/zz-copy.yml:16:9: error [ID001] duplicate action id 'remind-checks': first defined "
        "at hb/retro-it-001.yml:16:9",
    ]


def test_duplicate_role_id_across_files(book: Book) -> None:
    book.write("zz-roles.yml", "kind: role\nid: technician\nname: Another technician\n")
    assert book.lines() == [
        "hb/zz-roles.yml:2:5: error [ID001] duplicate role id 'technician': first defined at "
        "hb/roles.yml:7:7"
    ]


def test_duplicate_term_id_in_one_list(book: Book) -> None:
    book.write("glossary.yml", book.text("glossary.yml") + (
        "- kind: term\n  id: pre-mortem\n  term: premortem\n  definition: Again.\n"))
    assert book.lines() == [
        "hb/glossary.yml:11:7: error [ID001] duplicate term id 'pre-mortem': first defined at "
        "hb/glossary.yml:2:7"
    ]


def test_duplicate_step_id(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "  - id: launch", "  - id: pilot")
    assert book.lines() == [
        f"{P}:21:9: error [ID001] duplicate step id 'pilot': first defined at {P}:17:9"
    ]


def test_duplicate_risk_id(book: Book) -> None:
    book.write("proc-it-rollout.yml", book.text("proc-it-rollout.yml").replace(
        "rollout:", "  - id: low-adoption\n    description: Again.\n    likelihood: 1\n"
        "    impact: 1\nrollout:"))
    assert book.lines() == [
        f"{P}:31:9: error [ID001] duplicate risk id 'low-adoption': first defined at {P}:25:9"
    ]


def test_duplicate_action_id(book: Book) -> None:
    book.write("retro-it-001.yml", book.text("retro-it-001.yml") + (
        "  - id: remind-checks\n    description: Again.\n    owner: technician\n"
        "    due: 2026-08-01\n    status: done\n"))
    assert book.lines() == [
        f"{R}:22:9: error [ID001] duplicate action id 'remind-checks': first defined at {R}:16:9"
    ]


def test_same_id_in_different_namespaces_is_fine(book: Book) -> None:
    # A role may share its id with a term, and two documents may both have a step `pilot`.
    book.write("roles.yml", book.text("roles.yml") + (
        "- kind: role\n  id: pre-mortem\n  name: Pre-mortem facilitator\n"))
    book.edit("sop-it-001.yml", "  - id: reset\n", "  - id: pilot\n")
    book.edit("sop-it-001.yml", "          next: reset", "          next: pilot")
    assert book.lines() == []


# --- ID002 -------------------------------------------------------------------------------

UNSAFE = "could escape the site: ids must not contain '/', '\\', '..', spaces or control characters"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("../x", "'../x'"),
        ("../../etc/passwd", "'../../etc/passwd'"),
        ('"SOP IT"', "'SOP IT'"),
        ('"RETRO\\\\IT"', "'RETRO\\\\IT'"),
        (".RETRO", "'.RETRO'"),
        ('"RETRO\\tIT"', "'RETRO\\tIT'"),
        ('"RETRO\\u00a0IT"', "'RETRO\\xa0IT'"),
        ("RETRO..IT", "'RETRO..IT'"),
    ],
    ids=["dotdot", "traversal", "space", "backslash", "leading-dot", "tab", "nbsp", "inner-dots"],
)
def test_unsafe_document_id(book: Book, written: str, shown: str) -> None:
    book.edit("retro-it-001.yml", "id: RETRO-IT-001", f"id: {written}")
    assert book.lines() == [f"{R}:2:5: error [ID002] document id {shown} {UNSAFE}"]


def test_unsafe_step_id(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "  - id: launch", "  - id: launch/now")
    assert book.lines() == [f"{P}:21:9: error [ID002] step id 'launch/now' {UNSAFE}"]


def test_unsafe_role_id(book: Book) -> None:
    book.write("roles.yml", book.text("roles.yml") + "- kind: role\n  id: ../admin\n  name: A\n")
    assert book.lines() == [f"hb/roles.yml:12:7: error [ID002] role id '../admin' {UNSAFE}"]


def test_unsafe_action_id(book: Book) -> None:
    book.edit("retro-it-001.yml", "  - id: remind-checks", '  - id: "remind checks"')
    assert book.lines() == [f"{R}:16:9: error [ID002] action id 'remind checks' {UNSAFE}"]


def test_safe_ids_pass(book: Book) -> None:
    book.edit("retro-it-001.yml", "id: RETRO-IT-001", "id: RETRO-IT-2026-Q1")
    book.edit("proc-it-rollout.yml", "  - id: launch", "  - id: launch-2")
    assert book.lines() == []


# --- ID003 -------------------------------------------------------------------------------


def test_document_id_in_lower_case(book: Book) -> None:
    book.edit("retro-it-001.yml", "id: RETRO-IT-001", "id: retro-it-001")
    assert book.lines() == [
        f"{R}:2:5: error [ID003] expected a document id of upper-case letters, digits and "
        "hyphens such as 'SOP-IT-004', found 'retro-it-001'"
    ]


@pytest.mark.parametrize("written", ["RETRO_IT_001", "RETRO--IT", "RETRO-", "1RETRO", "RETRO-ÄÖ"])
def test_document_id_shapes(book: Book, written: str) -> None:
    book.edit("retro-it-001.yml", "id: RETRO-IT-001", f"id: {written}")
    assert book.lines() == [
        f"{R}:2:5: error [ID003] expected a document id of upper-case letters, digits and "
        f"hyphens such as 'SOP-IT-004', found {written!r}"
    ]


def test_document_id_with_zero_width_space(book: Book) -> None:
    book.edit("retro-it-001.yml", "id: RETRO-IT-001", "id: RETRO-IT\u200b-001")
    assert book.lines() == [
        f"{R}:2:5: error [ID003] expected a document id of upper-case letters, digits and "
        "hyphens such as 'SOP-IT-004', found 'RETRO-IT\\u200b-001'"
    ]


def test_role_id_with_suggestion(book: Book) -> None:
    book.write("roles.yml", book.text("roles.yml") + "- kind: role\n  id: Level_1\n  name: L1\n")
    assert book.lines() == [
        "hb/roles.yml:12:7: error [ID003] expected a role id of lower-case letters, digits and "
        "hyphens, found 'Level_1'; e.g. 'level-1'"
    ]


def test_term_id_with_emoji(book: Book) -> None:
    book.write("glossary.yml", book.text("glossary.yml") + (
        "- kind: term\n  id: on-call-🚨\n  term: on call\n  definition: Reachable.\n"))
    assert book.lines() == [
        "hb/glossary.yml:11:7: error [ID003] expected a term id of lower-case letters, digits "
        "and hyphens, found 'on-call-🚨'; e.g. 'on-call'"
    ]


def test_risk_id_shape(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "  - id: low-adoption", "  - id: LowAdoption")
    assert book.lines() == [
        f"{P}:25:9: error [ID003] expected a risk id of lower-case letters, digits and hyphens, "
        "found 'LowAdoption'; e.g. 'lowadoption'"
    ]


def test_unsafe_id_is_not_also_reported_as_misshapen(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "  - id: launch", '  - id: "Launch Now"')
    assert [p.code for p in book.problems()] == ["ID002"]


# --- REF001 ------------------------------------------------------------------------------


def test_unknown_role_with_did_you_mean(book: Book) -> None:
    book.edit("sop-it-001.yml", "    actor: technician\n    duration",
              "    actor: technicain\n    duration")
    assert book.lines() == [
        f"{S}:31:12: error [REF001] unknown role 'technicain'; did you mean 'technician'?"
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "position"),
    [
        ("sop-it-001.yml", "owner: it-director", "owner: ceo", f"{S}:6:8"),
        ("sop-it-001.yml", "    role: it-director\n    version", "    role: ceo\n    version",
         f"{S}:12:11"),
        ("sop-it-001.yml", "  - role: it-director", "  - role: ceo", f"{S}:26:11"),
        ("proc-it-rollout.yml", "  - role: technician", "  - role: ceo", f"{P}:14:11"),
        ("proc-it-rollout.yml", "    owner: it-director\nrollout", "    owner: ceo\nrollout",
         f"{P}:30:12"),
        ("proc-it-rollout.yml", "    owner: technician", "    owner: ceo", f"{P}:34:12"),
        ("retro-it-001.yml", "    owner: it-director", "    owner: ceo", f"{R}:18:12"),
        ("sop-it-001.yml", "    author: Ada Lovelace", "    author: Ada Lovelace\n"
         "    retrain: [technician, ceo]", f"{S}:21:27"),
    ],
    ids=["owner", "approval", "raci", "stakeholder", "risk-owner", "phase-owner",
         "action-owner", "retrain"],
)
def test_unknown_role_everywhere_a_role_is_named(
    book: Book, file: str, old: str, new: str, position: str
) -> None:
    book.edit(file, old, new)
    # SOP-IT-001 has no training module: TRAIN001 says so, a concern of its own.
    no_module = [f"{S}:21:5: warning [TRAIN001] version 1.1 asks 'technician', 'ceo' to "
                 "retrain, but SOP-IT-001 has no training module for them to retrain on; add "
                 "a 'training' section, or remove 'retrain'"] if "retrain" in new else []
    assert book.lines() == [*no_module,
        f"{position}: error [REF001] unknown role 'ceo'; valid roles: it-director, technician"
    ]


def test_metric_owner_must_be_a_role(book: Book) -> None:
    book.write("sop-it-001.yml", book.text("sop-it-001.yml") + (
        "metrics:\n  - name: Resets\n    target: 95\n    unit: '%'\n    frequency: monthly\n"
        "    owner: it-directr\n"))
    assert book.lines() == [
        f"{S}:52:12: error [REF001] unknown role 'it-directr'; did you mean 'it-director'?"
    ]


def test_reference_to_a_term_that_failed_is_not_a_reference_to_a_role(book: Book) -> None:
    # The glossary term `retrospective` is broken, which explains the SOP's `terms` entry;
    # it must not silence a step whose actor names a role that was never defined.
    book.edit("glossary.yml", "  definition: A look back at a revision to learn from it.\n", "")
    book.edit("sop-it-001.yml", "    actor: technician\n    duration",
              "    actor: retrospective\n    duration")
    assert book.lines() == [
        "hb/glossary.yml:6:3: error [MODEL003] missing required key 'definition' in the term "
        "(what it means here)",
        f"{S}:31:12: error [REF001] unknown role 'retrospective'; valid roles: it-director, "
        "technician",
    ]


# --- REF002 ------------------------------------------------------------------------------


def test_unknown_term_lists_terms(book: Book) -> None:
    book.edit("sop-it-001.yml", "terms: [retrospective]", "terms: [retro]")
    assert book.lines() == [
        f"{S}:9:9: error [REF002] unknown term 'retro'; valid terms: pre-mortem, retrospective"
    ]


def test_unknown_see_also(book: Book) -> None:
    book.edit("glossary.yml", "see_also: [retrospective]", "see_also: [premortem]")
    assert book.lines() == [
        "hb/glossary.yml:5:14: error [REF002] unknown term 'premortem'; did you mean "
        "'pre-mortem'?"
    ]


# --- REF003 ------------------------------------------------------------------------------


def test_unknown_document_with_did_you_mean(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "sops: [SOP-IT-001]", "sops: [SOP-IT-01]")
    assert book.lines() == [
        f"{P}:37:8: error [REF003] unknown document 'SOP-IT-01'; did you mean 'SOP-IT-001'?"
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "position"),
    [
        ("sop-it-001.yml", "terms: [retrospective]", "terms: [retrospective]\nrelated: [NOPE]",
         f"{S}:10:11"),
        ("sop-it-001.yml", "terms: [retrospective]",
         "terms: [retrospective]\nsupersedes: [NOPE]", f"{S}:10:14"),
        ("proc-it-rollout.yml", "    sop: SOP-IT-001", "    sop: NOPE", f"{P}:20:10"),
        ("retro-it-001.yml", "  document: SOP-IT-001", "  document: NOPE", f"{R}:11:13"),
        ("retro-it-001.yml", "    changes: SOP-IT-001", "    changes: NOPE", f"{R}:21:14"),
    ],
    ids=["related", "supersedes", "step-sop", "retro-subject", "action-changes"],
)
def test_unknown_document_everywhere_a_document_is_named(
    book: Book, file: str, old: str, new: str, position: str
) -> None:
    book.edit(file, old, new)
    assert book.lines() == [
        f"{position}: error [REF003] unknown document 'NOPE'; valid documents: PROC-IT-ROLLOUT, "
        "RETRO-IT-001, SOP-IT-001"
    ]


def test_reference_to_a_document_that_failed_validation_is_not_unknown(book: Book) -> None:
    book.edit("sop-it-001.yml", "scope: All staff accounts.\n", "")
    assert book.lines() == [
        f"{S}:1:1: error [MODEL003] missing required key 'scope' in the sop (where it applies "
        "and where it does not)"
    ]


# --- REF004 ------------------------------------------------------------------------------


def test_step_sop_must_be_an_sop(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    sop: SOP-IT-001", "    sop: RETRO-IT-001")
    assert book.lines() == [
        f"{P}:20:10: error [REF004] expected sop, found 'RETRO-IT-001' which is a retro"
    ]


def test_process_sops_must_be_sops(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "sops: [SOP-IT-001]", "sops: [SOP-IT-001, PROC-IT-ROLLOUT]")
    assert book.lines() == [
        f"{P}:37:20: error [REF004] expected sop, found 'PROC-IT-ROLLOUT' which is a process"
    ]


def test_retro_subject_must_be_an_sop_or_process(book: Book) -> None:
    book.edit("retro-it-001.yml", "  document: SOP-IT-001", "  document: RETRO-IT-001")
    assert book.lines() == [
        f"{R}:11:13: error [REF004] expected sop or process, found 'RETRO-IT-001' which is a retro"
    ]


def test_retro_of_a_process_passes(book: Book) -> None:
    book.edit("retro-it-001.yml", "  document: SOP-IT-001", "  document: PROC-IT-ROLLOUT")
    assert book.lines() == []


# --- REF005 ------------------------------------------------------------------------------


def test_retro_of_a_later_version(book: Book) -> None:
    book.edit("retro-it-001.yml", '  version: "1.0"', '  version: "1.2"')
    assert book.lines() == [
        f"{R}:12:12: error [REF005] SOP-IT-001 is at version 1.1; a retrospective cannot review "
        "the later version 1.2"
    ]


def test_retro_of_the_current_version_passes(book: Book) -> None:
    book.edit("retro-it-001.yml", '  version: "1.0"', '  version: "1.1"')
    assert book.lines() == []


def test_versions_compare_as_numbers(book: Book) -> None:
    book.edit("sop-it-001.yml", 'version: "1.1"\nstatus', 'version: "1.10"\nstatus')
    book.edit("sop-it-001.yml", '    version: "1.1"\n    date', '    version: "1.10"\n    date')
    book.edit("retro-it-001.yml", '  version: "1.0"', '  version: "1.9"')
    assert book.lines() == []
    book.edit("retro-it-001.yml", '  version: "1.9"', '  version: "1.11"')
    assert book.lines() == [
        f"{R}:12:12: error [REF005] SOP-IT-001 is at version 1.10; a retrospective cannot "
        "review the later version 1.11"
    ]


# --- FLOW001 -----------------------------------------------------------------------------


def test_branch_to_an_unknown_step(book: Book) -> None:
    book.edit("sop-it-001.yml", "          next: reset", "          next: rest")
    assert book.lines() == [
        f"{S}:40:17: error [FLOW001] branch 'yes' of step 'verified' leads to unknown step "
        "'rest'; did you mean 'reset'?",
        f"{S}:43:9: error [FLOW002] step 'reset' is not reachable from the first step 'verify'; "
        "point a 'next' or a decision branch at it, or remove it",
    ]


def test_next_to_an_unknown_step(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    sop: SOP-IT-001", "    sop: SOP-IT-001\n    next: lunch")
    assert book.lines() == [
        f"{P}:21:11: error [FLOW001] next step of step 'pilot' leads to unknown step 'lunch'; "
        "did you mean 'launch'?",
        f"{P}:22:9: error [FLOW002] step 'launch' is not reachable from the first step 'pilot'; "
        "point a 'next' or a decision branch at it, or remove it",
    ]


def test_unknown_step_lists_each_step_once(book: Book) -> None:
    book.edit("sop-it-001.yml", "  - id: reset", "  - id: verify")
    assert book.lines() == [
        f"{S}:40:17: error [FLOW001] branch 'yes' of step 'verified' leads to unknown step "
        "'reset'; valid steps: verified, verify",
        f"{S}:43:9: error [ID001] duplicate step id 'verify': first defined at {S}:29:9",
    ]


def test_unknown_next_of_the_first_of_two_same_named_steps(book: Book) -> None:
    # The bad `next` is on the first `verify` step (line 33); that is where to point.
    book.edit("sop-it-001.yml", "    duration: 5m", "    duration: 5m\n    next: nowhere")
    book.edit("sop-it-001.yml", "  - id: reset", "  - id: verify")
    flow001 = [p for p in book.problems() if p.code == "FLOW001" and "nowhere" in p.message]
    assert [(p.line, p.column) for p in flow001] == [(33, 11)]


# --- FLOW002 -----------------------------------------------------------------------------


def test_step_after_an_end_is_unreachable(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    sop: SOP-IT-001", "    sop: SOP-IT-001\n    end: true")
    assert book.lines() == [
        f"{P}:22:9: error [FLOW002] step 'launch' is not reachable from the first step 'pilot'; "
        "point a 'next' or a decision branch at it, or remove it"
    ]


def test_step_reached_by_a_jump_back_is_reachable(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    sop: SOP-IT-001", "    sop: SOP-IT-001\n    next: launch")
    assert book.lines() == []


# --- FLOW003 -----------------------------------------------------------------------------


def test_loop_with_no_way_out(book: Book) -> None:
    book.edit("sop-it-001.yml", '- label: "yes"\n          next: reset',
              '- label: "yes"\n          next: verify')
    assert book.lines() == [
        f"{S}:40:17: error [FLOW003] branch 'yes' of step 'verified' goes back to step "
        "'verify', closing the loop 'verify' → 'verified' → 'verify', which no path leaves to "
        "reach an end; give the loop a way out with a decision, or mark a step 'end: true'",
        f"{S}:43:9: error [FLOW002] step 'reset' is not reachable from the first step 'verify'; "
        "point a 'next' or a decision branch at it, or remove it",
    ]


def test_self_loop_with_no_end_anywhere(book: Book) -> None:
    # launch -> launch, and no step ends: the flow is trapped from its very first step.
    book.edit("proc-it-rollout.yml", "    actor: it-director", "    actor: it-director\n"
              "    next: launch")
    assert book.lines() == [
        f"{P}:24:11: error [FLOW003] next step of step 'launch' goes back to step 'launch', "
        "closing the loop 'launch' → 'launch', which no path leaves to reach an end; give the "
        "loop a way out with a decision, or mark a step 'end: true'"
    ]


STEPS_WITH_A_TRAP = """\
steps:
  - id: pilot
    title: Pilot the portal
    actor: technician
    decision:
      question: Launch?
      branches:
        - {label: "go", next: launch}
        - {label: "stop", next: stop}
  - id: stop
    title: Stop
    actor: technician
    end: true
  - id: launch
    title: Launch
    actor: it-director
  - id: check
    title: Check
    actor: technician
    next: launch
"""


def test_loop_entered_midway_is_reported_where_it_closes(book: Book) -> None:
    text = book.text("proc-it-rollout.yml")
    start, end = text.index("steps:\n"), text.index("premortem:")
    book.write("proc-it-rollout.yml", text[:start] + STEPS_WITH_A_TRAP + text[end:])
    assert book.lines() == [
        f"{P}:35:11: error [FLOW003] next step of step 'check' goes back to step 'launch', "
        "closing the loop 'launch' → 'check' → 'launch', which no path leaves to reach an "
        "end; give the loop a way out with a decision, or mark a step 'end: true'"
    ]


def test_loop_with_a_way_out_passes(book: Book) -> None:
    # The fixture's own decision loops back on "no" and ends on "yes".
    assert "next: verify" in book.text("sop-it-001.yml")
    assert book.lines() == []


def test_broken_graph_is_not_also_called_endless(book: Book) -> None:
    book.edit("sop-it-001.yml", '- label: "yes"\n          next: reset',
              '- label: "yes"\n          next: nowhere')
    assert [p.code for p in book.problems()] == ["FLOW001", "FLOW002"]


# --- RISK001 -----------------------------------------------------------------------------


def test_high_risk_without_owner(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    owner: it-director\nrollout", "rollout")
    assert book.lines() == [
        f"{P}:25:9: error [RISK001] risk 'low-adoption' scores 16 (likelihood 4 x impact 4, "
        "high from 15) but has no owner"
    ]


def test_high_risk_without_mitigation_or_owner(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    mitigation: Announce it in every reset call.\n"
              "    owner: it-director\n", "")
    assert book.lines() == [
        f"{P}:25:9: error [RISK001] risk 'low-adoption' scores 16 (likelihood 4 x impact 4, "
        "high from 15) but has no mitigation and no owner"
    ]


def test_high_risk_with_empty_mitigation(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    mitigation: Announce it in every reset call.",
              '    mitigation: ""')
    # An empty Markdown text is refused; RISK001 does not also say the mitigation is missing.
    assert book.lines() == [
        f"{P}:29:17: error [MODEL004] 'mitigation': expected non-empty text, found an empty "
        "string"
    ]


@pytest.mark.parametrize(
    ("likelihood", "impact", "fires"), [(3, 5, True), (5, 3, True), (4, 3, False), (2, 5, False)]
)
def test_high_risk_threshold(book: Book, likelihood: int, impact: int, fires: bool) -> None:
    book.edit("proc-it-rollout.yml", "    likelihood: 4\n    impact: 4\n"
              "    mitigation: Announce it in every reset call.\n    owner: it-director\n",
              f"    likelihood: {likelihood}\n    impact: {impact}\n")
    expected = [
        f"{P}:25:9: error [RISK001] risk 'low-adoption' scores {likelihood * impact} "
        f"(likelihood {likelihood} x impact {impact}, high from 15) but has no mitigation and "
        "no owner"
    ]
    assert book.lines() == (expected if fires else [])


# --- REVIEW001 ---------------------------------------------------------------------------

OVERDUE = (f"{S}:8:15: {{severity}} [REVIEW001] review was due on 2026-10-01 (12 months after "
           "2025-10-01); review it and bump the version or the effective date")


def test_overdue_review_is_a_warning(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    assert book.lines() == [OVERDUE.format(severity="warning")]
    assert book.problems()[0].severity is Severity.WARNING


def test_strict_fails_on_the_overdue_review_and_keeps_it_a_warning(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    assert fails(book.problems(), strict=False) == []
    assert [p.format() for p in fails(book.problems(), strict=True)] == [
        OVERDUE.format(severity="warning")]


@pytest.mark.parametrize(
    ("effective", "overdue"), [("2025-11-21", False), ("2025-11-20", True)],
    ids=["due-today", "due-yesterday"],
)
def test_review_due_date_boundary(book: Book, effective: str, overdue: bool) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", f"effective: {effective}")
    expected = [
        f"{S}:8:15: warning [REVIEW001] review was due on 2026-11-20 (12 months after "
        "2025-11-20); review it and bump the version or the effective date"
    ]
    assert book.lines() == (expected if overdue else [])


def test_review_due_date_at_the_end_of_a_short_month(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-08-31")
    book.edit("sop-it-001.yml", "review_every: 12", "review_every: 6")
    assert book.lines() == [
        f"{S}:8:15: warning [REVIEW001] review was due on 2026-02-28 (6 months after "
        "2025-08-31); review it and bump the version or the effective date"
    ]


def test_draft_is_never_overdue(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2020-01-01")
    book.edit("sop-it-001.yml", "status: effective", "status: draft")
    assert book.lines() == []


def test_retro_is_never_overdue(book: Book) -> None:
    book.edit("retro-it-001.yml", "status: draft", "status: effective")
    book.edit("retro-it-001.yml", "effective: 2026-06-15", "effective: 2020-06-15")
    book.write("retro-it-001.yml", book.text("retro-it-001.yml").replace(
        "date: 2026-06-10", "date: 2026-06-10\napprovals:\n  - name: Ada Lovelace\n"
        "    role: it-director\n    version: \"1.0\"\n    date: 2020-06-12\n"
        "    meaning: approval"))
    assert book.lines() == []


# --- APPROVAL001 -------------------------------------------------------------------------


def test_effective_document_without_approval(book: Book) -> None:
    book.edit("sop-it-001.yml", "    meaning: approval", "    meaning: review")
    expected = (f"{S}:5:9: {{}} [APPROVAL001] SOP-IT-001 is effective at version 1.1 but has "
                "no approval; add an entry with 'meaning: approval' and 'version: \"1.1\"' "
                "under 'approvals'")
    assert book.lines() == [expected.format("warning")]
    assert [p.format() for p in fails(book.problems(), strict=True)] == [
        expected.format("warning")]


def test_draft_needs_no_approval(book: Book) -> None:
    assert "approvals" not in book.text("proc-it-rollout.yml")
    assert "status: draft" in book.text("proc-it-rollout.yml")
    assert book.lines() == []


def test_effective_process_without_any_approvals(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "status: draft", "status: effective")
    assert book.lines() == [
        f"{P}:5:9: warning [APPROVAL001] PROC-IT-ROLLOUT is effective at version 1.0 but has "
        "no approval; add an entry with 'meaning: approval' and 'version: \"1.0\"' under "
        "'approvals'"
    ]


def _major_bump(book: Book) -> None:
    """SOP-IT-001 goes from 1.1 to 2.0, properly recorded, but nobody signs 2.0."""
    book.edit("sop-it-001.yml", 'version: "1.1"\nstatus', 'version: "2.0"\nstatus')
    book.edit("sop-it-001.yml", "changes:\n", "changes:\n  - version: \"2.0\"\n"
              "    date: 2026-02-25\n    summary: Reset only after a call back.\n"
              "    author: Ada Lovelace\n    retrain: [technician]\n")


def test_signatures_of_the_previous_version_do_not_sign_a_major_bump(book: Book) -> None:
    _major_bump(book)
    assert [line for line in book.lines() if "[TRAIN001]" not in line] == [
        f"{S}:5:9: warning [APPROVAL001] SOP-IT-001 is effective at version 2.0 but has "
        "approvals of version 1.1 only; add an entry with 'meaning: approval' and "
        "'version: \"2.0\"' under 'approvals'"
    ]
    book.edit("sop-it-001.yml", "approvals:\n", "approvals:\n  - name: Ada Lovelace\n"
              "    role: it-director\n    version: \"2.0\"\n    date: 2026-02-26\n"
              "    meaning: approval\n")
    assert [line for line in book.lines() if "[TRAIN001]" not in line] == []


def test_a_minor_bump_is_signed_again_too(book: Book) -> None:
    book.edit("sop-it-001.yml", 'version: "1.1"\nstatus', 'version: "1.2"\nstatus')
    assert [line.split(" [")[1][:11] for line in book.lines()] == ["APPROVAL001"]


def test_a_review_of_the_current_version_is_not_an_approval(book: Book) -> None:
    book.edit("sop-it-001.yml", '    version: "1.1"\n    date: 2025-08-20\n    meaning: approval',
              '    version: "1.0"\n    date: 2025-08-20\n    meaning: approval\n'
              '  - name: Ada Lovelace\n    role: technician\n    version: "1.1"\n'
              '    date: 2026-02-21\n    meaning: review')
    assert book.lines() == [
        f"{S}:5:9: warning [APPROVAL001] SOP-IT-001 is effective at version 1.1 but has "
        "approvals of version 1.0 only; add an entry with 'meaning: approval' and "
        "'version: \"1.1\"' under 'approvals'"
    ]


# --- APPROVAL002 -------------------------------------------------------------------------


def test_approval_in_a_role_that_may_not_approve(book: Book) -> None:
    book.edit("sop-it-001.yml", "    role: it-director\n", "    role: technician\n")
    assert book.lines() == [
        f"{S}:12:11: error [APPROVAL002] 'Ada Lovelace' approved in role 'technician', which "
        "may not approve; expected a role with 'can_approve: true' (roles that may approve: "
        "it-director)"
    ]


def test_no_role_may_approve(book: Book) -> None:
    book.edit("roles.yml", "  can_approve: true\n", "")
    assert book.lines() == [
        f"{S}:12:11: error [APPROVAL002] 'Ada Lovelace' approved in role 'it-director', which "
        "may not approve; expected a role with 'can_approve: true' (no role has "
        "'can_approve: true')"
    ]


def test_any_role_may_review(book: Book) -> None:
    book.edit("sop-it-001.yml", "approvals:\n", "approvals:\n  - name: Tom Tech\n"
              "    role: technician\n    version: \"1.1\"\n    date: 2026-02-18\n"
              "    meaning: review\n")
    assert book.lines() == []


def test_approval_in_an_unknown_role_is_a_reference_error_only(book: Book) -> None:
    book.edit("sop-it-001.yml", "    role: it-director\n", "    role: it-directr\n")
    assert book.lines() == [
        f"{S}:12:11: error [REF001] unknown role 'it-directr'; did you mean 'it-director'?"
    ]


# --- APPROVAL003 -------------------------------------------------------------------------


def test_signature_dated_in_the_future(book: Book) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    assert tomorrow.isoformat() == "2026-11-22"
    book.edit("sop-it-001.yml", "    date: 2025-08-20\n", f"    date: {tomorrow}\n")
    assert book.lines() == [
        f"{S}:14:11: error [APPROVAL003] 'Ada Lovelace' signed on 2026-11-22, which is in the "
        "future; expected a date on or before today (2026-11-21)"
    ]


def test_signature_dated_today_is_fine(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2026-11-21")
    book.edit("sop-it-001.yml", "    date: 2025-08-20\n", "    date: 2026-11-21\n")
    assert book.lines() == []


def test_future_review_in_a_draft(book: Book) -> None:
    book.edit("sop-it-001.yml", "status: effective", "status: draft")
    book.edit("sop-it-001.yml", "    date: 2025-08-20\n    meaning: approval",
              "    date: 2027-01-04\n    meaning: review")
    assert book.lines() == [
        f"{S}:14:11: error [APPROVAL003] 'Ada Lovelace' signed on 2027-01-04, which is in the "
        "future; expected a date on or before today (2026-11-21)"
    ]


# --- APPROVAL004 -------------------------------------------------------------------------


def test_approval_after_the_version_took_effect(book: Book) -> None:
    book.edit("sop-it-001.yml", "    date: 2025-08-20\n", "    date: 2026-03-02\n")
    assert book.lines() == [
        f"{S}:14:11: error [APPROVAL004] 'Ada Lovelace' approved version 1.1 on 2026-03-02, "
        "after it took effect on 2026-03-01; expected a date on or before 'effective' (or move "
        "'effective' to the day of the approval or later)"
    ]


def test_approval_on_the_effective_day_and_late_signatures_of_old_versions(book: Book) -> None:
    book.edit("sop-it-001.yml", "    date: 2025-08-20\n", "    date: 2026-03-01\n")
    # A review after the fact, and an approval of an earlier version, are records only.
    book.edit("sop-it-001.yml", "approvals:\n", "approvals:\n  - name: Tom Tech\n"
              "    role: technician\n    version: \"1.1\"\n    date: 2026-03-05\n"
              "    meaning: review\n  - name: Ada Lovelace\n    role: it-director\n"
              "    version: \"1.0\"\n    date: 2026-04-01\n    meaning: approval\n")
    assert book.lines() == []


# --- APPROVAL005 -------------------------------------------------------------------------


def test_signature_of_a_version_not_reached_yet(book: Book) -> None:
    book.edit("sop-it-001.yml", "approvals:\n", "approvals:\n  - name: Tom Tech\n"
              "    role: technician\n    version: \"1.10\"\n    date: 2026-02-18\n"
              "    meaning: review\n")
    assert book.lines() == [
        f"{S}:13:14: error [APPROVAL005] 'Tom Tech' signed version 1.10, but SOP-IT-001 is at "
        "version 1.1; a signature cannot be ahead of the document"
    ]


# --- PLAN001 -----------------------------------------------------------------------------

ORDER = ("align-stakeholders, instructions-and-permissions, run, track-and-control, "
         "post-mortem, iterate, each phase once")


def _phases(book: Book, *names: str) -> None:
    phases = "".join(
        f"  - phase: {name}\n    activities: [Do {name}.]\n    owner: technician\n"
        for name in names
    )
    text = book.text("proc-it-rollout.yml")
    start, end = text.index("rollout:\n"), text.index("sops:")
    book.write("proc-it-rollout.yml", text[:start] + "rollout:\n" + phases + text[end:])


def test_phase_out_of_order(book: Book) -> None:
    _phases(book, "run", "align-stakeholders")
    assert book.lines() == [
        f"{P}:35:12: warning [PLAN001] phase 'align-stakeholders' comes after 'run'; expected "
        f"the order {ORDER}"
    ]


def test_phase_repeated(book: Book) -> None:
    _phases(book, "align-stakeholders", "run", "run")
    assert book.lines() == [
        f"{P}:38:12: warning [PLAN001] phase 'run' comes after 'run'; expected the order {ORDER}"
    ]


def test_phases_in_order_with_gaps_pass(book: Book) -> None:
    _phases(book, "align-stakeholders", "run", "post-mortem", "iterate")
    assert book.lines() == []


# --- findings kept per file ----------------------------------------------------------------

def test_findings_kept_per_file_follow_the_day_and_the_edits(book: Book) -> None:
    """Local rules' findings are kept per parsed file (a live server re-checks one file);
    the same file on another day, or edited, must be judged again."""
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    session = Session(serving=True)

    def check(day: dt.date) -> tuple[list[str], object]:
        handbook, problems = check_handbook(Path("hb"), today=day, session=session)
        sop = next(e for e in handbook.entries if e.item.id == "SOP-IT-001")
        return [p.format() for p in problems], sop

    before, sop = check(dt.date(2026, 9, 30))
    assert before == []
    after, same = check(TODAY)
    assert same is sop  # the parsed file was reused, so the kept findings were consulted
    assert after == [OVERDUE.format(severity="warning")]
    assert check(dt.date(2026, 9, 30))[0] == []
    book.edit("sop-it-001.yml", "review_every: 12", "review_every: 18")
    edited, other = check(TODAY)
    assert other is not sop
    assert edited == []
