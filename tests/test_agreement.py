"""Rules that make a document agree with itself and the dashboards agree with `check`:
RACI001 (the RACI table lists every actor), TRAIN001 (retraining needs a module) and
ACTION001 (an open action past its due day, exactly as the open-items page marks it)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.pipeline import check_handbook
from generator.render.pages import generate
from tests.support import TODAY, Book

S = "hb/sop-it-001.yml"
R = "hb/retro-it-001.yml"

AUDITOR = "- kind: role\n  id: auditor\n  name: Auditor\n"


# --- RACI001 ---------------------------------------------------------------------------


def test_a_step_by_a_role_missing_from_the_raci_table(book: Book) -> None:
    book.write("roles.yml", book.text("roles.yml") + AUDITOR)
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: auditor\n    end: true")
    assert book.lines() == [
        f"{S}:45:12: error [RACI001] step 'reset' is performed by 'auditor', which the RACI "
        "table ('roles') does not list; expected one of 'technician', 'it-director', or add "
        "'auditor' under 'roles'"
    ]


def test_adding_the_actor_to_the_raci_table_passes(book: Book) -> None:
    book.write("roles.yml", book.text("roles.yml") + AUDITOR)
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: auditor\n    end: true")
    book.edit("sop-it-001.yml", "    raci: accountable\n",
              "    raci: accountable\n  - role: auditor\n    raci: consulted\n")
    assert book.lines() == []


def test_an_unknown_actor_is_ref001_alone(book: Book) -> None:
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: technicain\n    end: true")
    assert book.lines() == [
        f"{S}:45:12: error [REF001] unknown role 'technicain'; did you mean 'technician'?"
    ]


def test_an_unknown_role_in_the_table_is_ref001_alone(book: Book) -> None:
    # The table's typo would otherwise make every step by a technician a RACI001 too.
    book.edit("sop-it-001.yml", "  - role: technician\n    raci: responsible",
              "  - role: technicain\n    raci: responsible")
    assert book.lines() == [
        f"{S}:24:11: error [REF001] unknown role 'technicain'; did you mean 'technician'?"
    ]


def test_an_actor_whose_role_failed_validation_is_still_checked(book: Book) -> None:
    book.write("roles.yml", book.text("roles.yml") + AUDITOR + "  can_approve: maybe\n")
    book.edit("sop-it-001.yml", "    actor: technician\n    end: true",
              "    actor: auditor\n    end: true")
    assert [line.split(" [")[1].split("]")[0] for line in book.lines()] == [
        "MODEL004", "RACI001"]


# --- TRAIN001 --------------------------------------------------------------------------

RETRAIN = "    author: Ada Lovelace\n    retrain: [technician]\n"


def test_retrain_without_a_training_module_warns(book: Book) -> None:
    book.edit("sop-it-001.yml", "    author: Ada Lovelace\n", RETRAIN)
    assert book.lines() == [
        f"{S}:21:5: warning [TRAIN001] version 1.1 asks 'technician' to retrain, but "
        "SOP-IT-001 has no training module for them to retrain on; add a 'training' section, "
        "or remove 'retrain'"
    ]


def test_retrain_with_a_training_module_passes(book: Book) -> None:
    book.edit("sop-it-001.yml", "    author: Ada Lovelace\n", RETRAIN)
    book.write("sop-it-001.yml", book.text("sop-it-001.yml") + (
        "training:\n  objectives: [Reset a password safely.]\n  audience: [technician]\n"
        "  time: 15m\n"))
    # The module has no quiz yet, which QUIZ006 is about; nothing is said about retraining.
    assert [line.split(" [")[1].split("]")[0] for line in book.lines()] == ["QUIZ006"]


def test_retrain_in_a_retrospective_warns(book: Book) -> None:
    book.write("retro-it-001.yml", book.text("retro-it-001.yml") + (
        "changes:\n  - version: \"1.0\"\n    date: 2026-06-12\n    summary: First.\n"
        "    author: Ada Lovelace\n    retrain: [it-director]\n"))
    assert book.lines() == [
        f"{R}:27:5: warning [TRAIN001] version 1.0 asks 'it-director' to retrain, but "
        "RETRO-IT-001 has no training module for them to retrain on; a retrospective has no "
        "training module"
    ]


def test_an_empty_retrain_list_is_silent(book: Book) -> None:
    book.edit("sop-it-001.yml", "    author: Ada Lovelace\n",
              "    author: Ada Lovelace\n    retrain: []\n")
    assert book.lines() == []


# --- ACTION001 -------------------------------------------------------------------------


def _due(book: Book, day: str, status: str = "open") -> None:
    book.edit("retro-it-001.yml", "    due: 2027-07-01\n    status: open",
              f"    due: {day}\n    status: {status}")


def test_an_open_action_past_its_due_day_warns(book: Book) -> None:
    _due(book, "2026-11-20", "in-progress")
    assert book.lines() == [
        f"{R}:19:10: warning [ACTION001] action 'remind-checks' is in-progress and was due on "
        "2026-11-20; finish it and set 'status: done' (or 'dropped'), or agree a new due date"
    ]


def test_an_action_due_today_is_not_overdue(book: Book) -> None:
    _due(book, TODAY.isoformat())
    assert book.lines() == []


def test_a_closed_action_is_never_overdue(book: Book) -> None:
    for status in ("done", "dropped"):
        _due(book, "2020-01-01", status)
        assert book.lines() == []
        book.edit("retro-it-001.yml", f"    due: 2020-01-01\n    status: {status}",
                  "    due: 2027-07-01\n    status: open")


# --- the dashboards and `check` agree --------------------------------------------------

ACTIONS = [  # (id, due, status)
    ("late-open", "2026-11-01", "open"),
    ("late-going", "2026-11-20", "in-progress"),
    ("due-today", "2026-11-21", "open"),
    ("later", "2027-01-10", "in-progress"),
    ("late-done", "2026-01-01", "done"),
    ("late-dropped", "2026-02-01", "dropped"),
]


def _retro(doc_id: str, actions: list[tuple[str, str, str]]) -> str:
    items = "".join(f"  - id: {a}\n    description: Do `{a}`.\n    owner: technician\n"
                    f"    due: {day}\n    status: {status}\n" for a, day, status in actions)
    return (f"kind: retro\nid: {doc_id}\ntitle: Look back\nversion: \"1.0\"\nstatus: draft\n"
            "owner: it-director\neffective: 2026-06-15\nreview_every: 12\ndate: 2026-06-10\n"
            "subject:\n  document: SOP-IT-001\n  version: \"1.0\"\nfacilitator: Ada\n"
            f"summary: Fine.\nactions:\n{items}")


PM_ACTIONS = [  # (id, due, status): a post-mortem's actions, one without a due day
    ("pm-late", "2026-11-10", "open"),
    ("pm-archived", "2017-03-01", "archived"),
]


def _postmortem(actions: list[tuple[str, str, str]]) -> str:
    items = "".join(f"  - id: {a}\n    type: prevent\n    description: Do `{a}`.\n"
                    f"    due: {day}\n    status: {status}\n" for a, day, status in actions)
    return ("kind: postmortem\nid: PM-IT-001\ntitle: Resets failed\nversion: \"1.0\"\n"
            "status: draft\nowner: it-director\neffective: 2026-11-10\nreview_every: 12\n"
            "severity: SEV2\nstarted: 2026-11-09T09:00:00+02:00\n"
            "resolved: 2026-11-09T10:30:00+02:00\ntime_zone: Europe/Helsinki\n"
            "summary: Resets failed.\nactions:\n" + items +
            "  - id: pm-undated\n    type: detect\n    description: Watch.\n"
            "    status: open\n")


def test_the_overdue_actions_of_check_and_of_the_dashboards_are_the_same(book: Book) -> None:
    book.write("retro-it-002.yml", _retro("RETRO-IT-002", ACTIONS[:3]))
    book.write("retro-it-003.yml", _retro("RETRO-IT-003", ACTIONS[3:]))
    book.write("pm-it-001.yml", _postmortem(PM_ACTIONS))
    # An effective SOP overdue for review, so the warnings are not all about actions.
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    for day in (TODAY, dt.date(2026, 11, 2), dt.date(2027, 8, 1)):
        handbook, problems = check_handbook(Path("hb"), today=day)
        warned = {(p.path, p.line) for p in problems if p.code == "ACTION001"}
        pages = generate(handbook, today=day).pages
        listed = re.findall(r"^\| \*\*([a-z-]+)\*\*: .*\|$", pages["actions.md"], re.M)
        marked = re.findall(r"^\| \*\*([a-z-]+)\*\*: .* \*\*overdue\*\* \|", pages["actions.md"],
                            re.M)
        on_retros = {match for path, page in pages.items()
                     if path.startswith(("retro", "postmortem", "incident"))
                     for match in re.findall(r"^\| \*\*([a-z-]+)\*\*: .* \*\*overdue\*\* \|",
                                             page, re.M)}
        by_line = {(f"hb/{name}.yml", line): action
                   for name in ("retro-it-001", "retro-it-002", "retro-it-003", "pm-it-001")
                   for line, action in _due_lines(book.text(f"{name}.yml"))}
        assert {by_line[w] for w in warned} == set(marked) == on_retros, day
        assert sorted(listed) == sorted(a for a, _, status in [*ACTIONS, *PM_ACTIONS, (
            "remind-checks", "2027-07-01", "open"), ("pm-undated", "", "open")]
            if status in ("open", "in-progress"))
    assert set(marked) == {"late-open", "late-going", "due-today", "later", "remind-checks",
                           "pm-late"}


def _due_lines(text: str) -> list[tuple[int, str]]:
    """(line of `due:`, action id) for each action of a retrospective's text."""
    found, current = [], ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("  - id: "):
            current = line.removeprefix("  - id: ")
        elif line.startswith("    due: "):
            found.append((number, current))
    return found
