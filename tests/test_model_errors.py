"""Model errors: pydantic's findings turned into MODEL00x problems an author can act on."""

from __future__ import annotations

import pytest

from generator.load import load_text
from generator.model.validate import validate_item
from tests.support import MINIMAL, Book

SOP = (MINIMAL / "sop-it-001.yml").read_text(encoding="utf-8")
PROCESS = (MINIMAL / "proc-it-rollout.yml").read_text(encoding="utf-8")
RETRO = (MINIMAL / "retro-it-001.yml").read_text(encoding="utf-8")
ROLES = (MINIMAL / "roles.yml").read_text(encoding="utf-8")


def changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def model_lines(text: str) -> list[str]:
    """Loader and model problems of one file, as `sopsite check` prints them."""
    result = load_text(text, "f.yml")
    found = [problem.format() for problem in result.problems]
    for raw in result.items:
        _, problems = validate_item(raw, in_list=raw.source.in_list)
        found += [problem.format() for problem in problems]
    return found


@pytest.mark.parametrize("text", [SOP, PROCESS, RETRO, ROLES], ids=["sop", "process", "retro",
                                                                     "roles"])
def test_fixture_files_validate(text: str) -> None:
    assert model_lines(text) == []


# --- kind ----------------------------------------------------------------------------


def test_unknown_kind_with_did_you_mean() -> None:
    assert model_lines(changed(SOP, "kind: sop", "kind: spo")) == [
        "f.yml:1:7: error [MODEL001] unknown kind 'spo'; did you mean 'sop'?"
    ]


def test_unknown_kind_lists_the_kinds_when_nothing_is_close() -> None:
    assert model_lines(changed(SOP, "kind: sop", "kind: banana")) == [
        "f.yml:1:7: error [MODEL001] unknown kind 'banana'; valid kinds: postmortem, process, "
        "retro, role, sop, term"
    ]


@pytest.mark.parametrize(
    ("value", "described"),
    [("7", "number 7"), ("yes", "boolean true"), ("[sop]", "a list of 1 item(s)")],
    ids=["number", "boolean", "list"],
)
def test_kind_that_is_not_text(value: str, described: str) -> None:
    [line] = model_lines(changed(SOP, "kind: sop", f"kind: {value}"))
    assert line.startswith("f.yml:1:7: error [MODEL001] ")
    assert line.endswith("; valid kinds: postmortem, process, retro, role, sop, term")
    # What the author wrote is described, never quoted as if it were their text.
    assert described in line
    assert f"'{described}'" not in line


def test_missing_kind() -> None:
    assert model_lines(changed(SOP, "kind: sop\n", "")) == [
        "f.yml:1:1: error [MODEL001] missing required key 'kind'; expected one of: sop, process, "
        "retro, postmortem, role, term"
    ]


def test_missing_kind_in_a_list_points_at_the_item() -> None:
    assert model_lines(changed(ROLES, "- kind: role\n  id: technician", "- id: technician")) == [
        "f.yml:6:3: error [MODEL001] missing required key 'kind'; expected one of: sop, process, "
        "retro, postmortem, role, term"
    ]


@pytest.mark.parametrize("kind", ["sop", "process", "retro"])
def test_document_inside_a_list(kind: str) -> None:
    text = f"- kind: role\n  id: r\n  name: R\n- kind: {kind}\n  id: X\n"
    assert model_lines(text) == [
        f"f.yml:4:9: error [MODEL005] a {kind} must be the only item in its file (its file's "
        "history is its revision history); only roles and terms may share a file"
    ]


def test_document_alone_in_a_list_is_still_in_a_list() -> None:
    text = "- " + SOP.replace("\n", "\n  ").rstrip() + "\n"
    assert model_lines(text) == [
        "f.yml:1:9: error [MODEL005] a sop must be the only item in its file (its file's "
        "history is its revision history); only roles and terms may share a file"
    ]


# --- unknown keys ------------------------------------------------------------------------


def test_unknown_key_points_at_the_key_with_the_closest_valid_key() -> None:
    assert model_lines(changed(SOP, "purpose:", "purpos:")) == [
        # One mistake, one line: no separate "missing required key 'purpose'".
        "f.yml:21:1: error [MODEL002] unknown key 'purpos' in the sop; did you mean 'purpose'?",
    ]


def test_unknown_key_in_a_step() -> None:
    assert model_lines(changed(SOP, "    duration: 5m", "    duraton: 5m")) == [
        "f.yml:32:5: error [MODEL002] unknown key 'duraton' in steps[0]; did you mean 'duration'?"
    ]


def test_unknown_key_in_a_decision_branch() -> None:
    assert model_lines(changed(SOP, "          next: reset", "          nxt: reset")) == [
        "f.yml:40:11: error [MODEL002] unknown key 'nxt' in steps[1].decision.branches[0]; "
        "did you mean 'next'?",
    ]


def test_unknown_key_in_a_list_item_of_a_process() -> None:
    assert model_lines(changed(PROCESS, "    mitigation:", "    mitigaton:")) == [
        "f.yml:29:5: error [MODEL002] unknown key 'mitigaton' in premortem[0]; did you mean "
        "'mitigation'?"
    ]


def test_unknown_key_lists_valid_keys_when_nothing_is_close() -> None:
    assert model_lines(SOP + "zzz: 1\n") == [
        "f.yml:47:1: error [MODEL002] unknown key 'zzz' in the sop; valid keys: approvals, "
        "changes, controls, effective, groups, id, immediate_actions, inputs, kind, language, "
        "metrics, outputs, ..."
    ]


def test_unknown_key_in_a_role_list_item() -> None:
    assert model_lines(changed(ROLES, "  name: Technician", "  title: Technician")) == [
        "f.yml:6:3: error [MODEL003] missing required key 'name' in the role (the role's name as "
        "people say it)",
        "f.yml:8:3: error [MODEL002] unknown key 'title' in the role; valid keys: can_approve, "
        "description, id, kind, name, permissions, responsibilities, translations",
    ]


def test_translations_are_keyed_by_a_known_language() -> None:
    text = changed(ROLES, "  name: Technician\n",
                   "  name: Technician\n  translations:\n    fin: {name: Teknikko}\n"
                   "    en: {name: Tekniker}\n")
    assert model_lines(text) == [
        "f.yml:10:5: error [MODEL002] unknown key 'fin' in translations; expected one of fi; "
        "did you mean 'fi'?",
        "f.yml:11:5: error [MODEL002] unknown key 'en' in translations; expected one of fi",
    ]


def test_a_translation_is_checked_like_the_role_itself() -> None:
    text = changed(ROLES, "  name: Technician\n",
                   "  name: Technician\n  translations:\n    fi: {nmae: Teknikko}\n")
    assert model_lines(text) == [
        "f.yml:10:10: error [MODEL002] unknown key 'nmae' in translations.fi; did you mean "
        "'name'?",
    ]


def test_decision_keys_written_on_the_step() -> None:
    # `question` and `branches` belong under `decision:`; written on the step they are unknown.
    text = changed(SOP, """\
    decision:
      question: Is the identity confirmed?
      branches:
        - label: "yes"
          next: reset
        - label: "no"
          next: verify
""", """\
    question: Is the identity confirmed?
    branches:
      - label: "yes"
        next: reset
      - label: "no"
        next: verify
""")
    assert model_lines(text) == [
        "f.yml:36:5: error [MODEL002] unknown key 'question' in steps[1]; did you mean "
        "'duration'?",
        "f.yml:37:5: error [MODEL002] unknown key 'branches' in steps[1]; valid keys: actor, "
        "checks, decision, duration, end, fork, group, id, instructions, next, sop, substeps, "
        "...",
    ]


# --- missing keys ----------------------------------------------------------------------


def test_missing_key_points_at_the_mapping_and_describes_the_field() -> None:
    assert model_lines(changed(SOP, "title: Reset a password\n", "")) == [
        "f.yml:1:1: error [MODEL003] missing required key 'title' in the sop (the document title)"
    ]


def test_missing_key_in_a_step() -> None:
    text = changed(SOP, "    title: Reset the password\n    actor: technician\n",
                   "    title: Reset the password\n")
    assert model_lines(text) == [
        "f.yml:43:5: error [MODEL003] missing required key 'actor' in steps[2] (the role that "
        "performs the step)"
    ]


def test_missing_key_in_an_approval() -> None:
    assert model_lines(changed(SOP, "    meaning: approval\n", "")) == [
        "f.yml:11:5: error [MODEL003] missing required key 'meaning' in approvals[0] (what the "
        "signature means: `review` (checked) or `approval` (authorised))"
    ]


def test_approval_without_the_version_it_signs() -> None:
    assert model_lines(changed(SOP, '    version: "1.1"\n    date: 2025-08-20\n',
                               "    date: 2025-08-20\n")) == [
        "f.yml:11:5: error [MODEL003] missing required key 'version' in approvals[0] (the "
        'version they signed, "MAJOR.MINOR" in quotes)'
    ]


@pytest.mark.parametrize(("written", "message"), [
    ("1.1", 'expected text, found number 1.1; put it in quotes, e.g. version: "1.0"'),
    ('"v1.1"', "expected \"MAJOR.MINOR\" such as \"2.1\", found 'v1.1'"),
])
def test_approval_version_in_the_wrong_shape(written: str, message: str) -> None:
    text = changed(SOP, '    version: "1.1"\n    date', f"    version: {written}\n    date")
    assert model_lines(text) == [f"f.yml:13:14: error [MODEL004] 'version': {message}"]


def test_can_approve_is_true_or_false() -> None:
    assert model_lines(changed(ROLES, "  can_approve: true\n", "  can_approve: sure\n")) == [
        "f.yml:5:16: error [MODEL004] 'can_approve': expected true or false, found text 'sure'"
    ]


def test_missing_key_in_a_nested_mapping() -> None:
    assert model_lines(changed(RETRO, '  version: "1.0"\n', "")) == [
        "f.yml:11:3: error [MODEL003] missing required key 'version' in subject (the version "
        "that was in force)"
    ]


def test_missing_key_of_a_role_in_a_list() -> None:
    assert model_lines(changed(ROLES, "  name: Technician\n", "")) == [
        "f.yml:6:3: error [MODEL003] missing required key 'name' in the role (the role's name "
        "as people say it)"
    ]


# --- values of the wrong type ------------------------------------------------------------


@pytest.mark.parametrize(("written", "found"), [("1.0", "number 1.0"), ("2", "number 2")])
def test_version_written_as_a_number(written: str, found: str) -> None:
    assert model_lines(changed(SOP, 'version: "1.1"\nstatus', f"version: {written}\nstatus")) == [
        f"f.yml:4:10: error [MODEL004] 'version': expected text, found {found}; put it in "
        'quotes, e.g. version: "1.0"'
    ]


def test_version_not_major_minor() -> None:
    assert model_lines(changed(SOP, 'version: "1.1"\nstatus', 'version: "v1"\nstatus')) == [
        "f.yml:4:10: error [MODEL004] 'version': expected \"MAJOR.MINOR\" such as \"2.1\", "
        "found 'v1'"
    ]


@pytest.mark.parametrize(
    ("old", "new", "position", "found"),
    [
        ('- label: "yes"', "- label: yes", "39:18", "boolean true"),
        ('- label: "no"', "- label: no", "41:18", "boolean false"),
        ('- label: "yes"', "- label: on", "39:18", "boolean true"),
        ('- label: "no"', "- label: Off", "41:18", "boolean false"),
    ],
    ids=["yes", "no", "on", "Off"],
)
def test_unquoted_boolean_label(old: str, new: str, position: str, found: str) -> None:
    assert model_lines(changed(SOP, old, new)) == [
        f"f.yml:{position}: error [MODEL004] 'label': expected text, found {found} (YAML reads "
        'yes, no, on and off as booleans); put it in quotes, e.g. label: "yes"'
    ]


def test_number_where_text_is_expected() -> None:
    assert model_lines(changed(SOP, "title: Reset a password", "title: 42")) == [
        "f.yml:3:8: error [MODEL004] 'title': expected text, found number 42; put it in quotes, "
        'e.g. title: "42"'
    ]


def test_duration_written_as_a_number_gets_a_valid_example() -> None:
    # Quoting "5" would only trade this error for another one; the hint must be a duration.
    assert model_lines(changed(SOP, "duration: 5m", "duration: 5")) == [
        "f.yml:32:15: error [MODEL004] 'duration': expected text, found number 5; put it in "
        'quotes, e.g. duration: "15m"'
    ]


@pytest.mark.parametrize("written", ["5 minutes", "5M", "0m", "1.5h", "m"])
def test_bad_duration(written: str) -> None:
    assert model_lines(changed(SOP, "duration: 5m", f'duration: "{written}"')) == [
        "f.yml:32:15: error [MODEL004] 'duration': expected a number and a unit (m, h, d or w) "
        f"such as '15m' or '2h', found {written!r}"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("status: effective", "status: efective",
         "f.yml:5:9: error [MODEL004] 'status': expected one of draft, in-review, effective, "
         "superseded, retired; found text 'efective'; did you mean 'effective'?"),
        ("status: effective", "status: xyz",
         "f.yml:5:9: error [MODEL004] 'status': expected one of draft, in-review, effective, "
         "superseded, retired; found text 'xyz'"),
        ("raci: responsible", "raci: responsable",
         "f.yml:25:11: error [MODEL004] 'raci': expected one of responsible, accountable, "
         "consulted, informed; found text 'responsable'; did you mean 'responsible'?"),
        ("    meaning: approval", "    meaning: approved",
         "f.yml:15:14: error [MODEL004] 'meaning': expected one of review, approval; found text "
         "'approved'; did you mean 'approval'?"),
        ("review_every: 12", "review_every: 12\nlanguage: english",
         "f.yml:9:11: error [MODEL004] 'language': expected one of en, fi; found text 'english'"),
        ("status: effective", "status: 1",
         "f.yml:5:9: error [MODEL004] 'status': expected one of draft, in-review, effective, "
         "superseded, retired; found number 1"),
    ],
    ids=["status-typo", "status-far", "raci", "meaning", "language", "status-number"],
)
def test_literal_choices(old: str, new: str, expected: str) -> None:
    assert model_lines(changed(SOP, old, new)) == [expected]


def test_phase_name_with_did_you_mean() -> None:
    assert model_lines(changed(PROCESS, "phase: run", "phase: postmortem")) == [
        "f.yml:32:12: error [MODEL004] 'phase': expected one of align-stakeholders, "
        "instructions-and-permissions, run, track-and-control, post-mortem, iterate; found text "
        "'postmortem'; did you mean 'post-mortem'?"
    ]


@pytest.mark.parametrize(
    ("field", "value"), [("likelihood", "6"), ("likelihood", "0"), ("impact", "9")]
)
def test_out_of_range_risk_score(field: str, value: str) -> None:
    line, column = {"likelihood": (27, 17), "impact": (28, 13)}[field]
    assert model_lines(changed(PROCESS, f"    {field}: 4", f"    {field}: {value}")) == [
        f"f.yml:{line}:{column}: error [MODEL004] '{field}': expected a whole number from 1 to "
        f"5, found number {value}"
    ]


def test_out_of_range_review_cycle() -> None:
    assert model_lines(changed(SOP, "review_every: 12", "review_every: 61")) == [
        "f.yml:8:15: error [MODEL004] 'review_every': expected a whole number from 1 to 60, "
        "found number 61"
    ]


def test_review_cycle_as_text() -> None:
    assert model_lines(changed(SOP, "review_every: 12", "review_every: yearly")) == [
        "f.yml:8:15: error [MODEL004] 'review_every': expected a whole number, found text "
        "'yearly'"
    ]


def test_review_cycle_as_a_boolean_is_not_one_month() -> None:
    # `yes` is a YAML boolean; it must not be read as a review every 1 month.
    assert model_lines(changed(SOP, "review_every: 12", "review_every: yes")) == [
        "f.yml:8:15: error [MODEL004] 'review_every': expected a whole number, found boolean "
        "true"
    ]


def test_review_cycle_with_a_fraction() -> None:
    assert model_lines(changed(SOP, "review_every: 12", "review_every: 1.5")) == [
        "f.yml:8:15: error [MODEL004] 'review_every': expected a whole number, found number 1.5"
    ]


def test_step_with_both_next_and_end() -> None:
    text = changed(SOP, "    actor: technician\n    end: true",
                   "    actor: technician\n    next: verify\n    end: true")
    assert model_lines(text) == [
        "f.yml:43:5: error [MODEL004] a step leaves in one way: give only one of next, decision, "
        "fork or end, found next and end"
    ]


def test_step_with_next_decision_and_end() -> None:
    text = changed(SOP, "    actor: technician\n    decision:",
                   "    actor: technician\n    next: reset\n    end: true\n    decision:")
    assert model_lines(text) == [
        "f.yml:33:5: error [MODEL004] a step leaves in one way: give only one of next, decision, "
        "fork or end, found next and decision and end"
    ]


def test_step_with_end_false_and_next_is_fine() -> None:
    text = changed(SOP, "    duration: 5m", "    duration: 5m\n    next: verified\n    end: false")
    assert model_lines(text) == []


def test_decision_with_one_branch() -> None:
    text = changed(SOP, '        - label: "no"\n          next: verify\n', "")
    assert model_lines(text) == [
        "f.yml:39:9: error [MODEL004] 'branches': expected at least 2 item(s), found 1"
    ]


def test_sop_without_roles() -> None:
    text = changed(SOP, "roles:\n  - role: technician\n    raci: responsible\n  - role: "
                   "it-director\n    raci: accountable\n", "roles: []\n")
    assert model_lines(text) == [
        "f.yml:23:8: error [MODEL004] 'roles': expected at least 1 item(s), found 0"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: Reset a password", "title: [Reset, a password]",
         "f.yml:3:8: error [MODEL004] 'title': expected text, found a list of 2 item(s)"),
        ("title: Reset a password", "title: {text: Reset}",
         "f.yml:3:8: error [MODEL004] 'title': expected text, found a mapping"),
        ("title: Reset a password", 'title: ""',
         "f.yml:3:8: error [MODEL004] 'title': expected non-empty text, found an empty string"),
        ("title: Reset a password", "title:",
         "f.yml:3:7: error [MODEL004] 'title': expected text, found nothing (null)"),
        ("terms: [retrospective]", "terms: retrospective",
         "f.yml:9:8: error [MODEL004] 'terms': expected a list (lines starting with '- '), found "
         "text 'retrospective'"),
        ("approvals:\n  - name", "approvals:\n    name",
         "f.yml:11:5: error [MODEL004] 'approvals': expected a list (lines starting with '- '), "
         "found a mapping"),
        ("    decision:\n      question: Is the identity confirmed?\n      branches:\n"
         '        - label: "yes"\n          next: reset\n        - label: "no"\n'
         "          next: verify\n",
         "    decision: Is the identity confirmed?\n",
         "f.yml:36:15: error [MODEL004] 'decision': expected a mapping of keys and values, found "
         "text 'Is the identity confirmed?'"),
        ("    end: true", "    end: maybe",
         "f.yml:46:10: error [MODEL004] 'end': expected true or false, found text 'maybe'"),
        ("effective: 2026-03-01", "effective: March 2026",
         "f.yml:7:12: error [MODEL004] 'effective': expected a date as YYYY-MM-DD, found text "
         "'March 2026'"),
        ("effective: 2026-03-01", "effective: 2026-03-01 10:00:00",
         "f.yml:7:12: error [MODEL004] 'effective': expected a date as YYYY-MM-DD without a "
         "time, found datetime 2026-03-01 10:00:00, e.g. effective: 2026-05-01"),
    ],
    ids=["list-for-text", "mapping-for-text", "empty-text", "null-text", "text-for-list",
         "mapping-for-list", "text-for-mapping", "text-for-bool", "text-for-date",
         "datetime-for-date"],
)
def test_wrong_type(old: str, new: str, expected: str) -> None:
    assert model_lines(changed(SOP, old, new)) == [expected]


def test_date_written_as_a_number_is_not_a_timestamp() -> None:
    # `0` is not a date; it must not become 1970-01-01 by way of a Unix timestamp.
    assert model_lines(changed(SOP, "effective: 2026-03-01", "effective: 0")) == [
        "f.yml:7:12: error [MODEL004] 'effective': expected a date as YYYY-MM-DD, found number 0, "
        "e.g. effective: 2026-05-01"
    ]


def test_metric_target_as_text() -> None:
    text = SOP + ("metrics:\n  - name: Resets on time\n    target: high\n    unit: '%'\n"
                  "    frequency: monthly\n    owner: it-director\n")
    assert model_lines(text) == [
        "f.yml:49:13: error [MODEL004] 'target': expected a number, found text 'high', e.g. "
        "target: 95"
    ]


def test_phase_that_ends_before_it_starts() -> None:
    assert model_lines(changed(PROCESS, "    end: 2026-06-30", "    end: 2026-05-30")) == [
        "f.yml:32:5: error [MODEL004] expected the end (2026-05-30) on or after the start "
        "(2026-06-01)"
    ]


def test_several_errors_in_one_file_are_all_reported() -> None:
    text = changed(changed(SOP, "status: effective", "status: live"), "duration: 5m",
                   "duration: soon")
    assert model_lines(text) == [
        "f.yml:5:9: error [MODEL004] 'status': expected one of draft, in-review, effective, "
        "superseded, retired; found text 'live'",
        "f.yml:32:15: error [MODEL004] 'duration': expected a number and a unit (m, h, d or w) "
        "such as '15m' or '2h', found 'soon'",
    ]


# --- through the whole handbook ---------------------------------------------------------


def test_model_error_in_one_file_does_not_hide_the_others(book: Book) -> None:
    book.edit("retro-it-001.yml", "facilitator:", "facilitatr:")
    book.edit("roles.yml", "  name: Technician", "  name: 5")
    # The technician role exists but did not validate: its own error explains the references
    # to it, so they are not reported again as unknown roles.
    assert book.lines() == [
        "hb/retro-it-001.yml:13:1: error [MODEL002] unknown key 'facilitatr' in the retro; did "
        "you mean 'facilitator'?",
        "hb/roles.yml:8:9: error [MODEL004] 'name': expected text, found number 5; put it in "
        'quotes, e.g. name: "5"',
    ]


def test_impossible_date_is_reported_once(book: Book) -> None:
    book.edit("retro-it-001.yml", "date: 2026-06-10", "date: 2026-06-31")
    assert book.lines() == [
        "hb/retro-it-001.yml:9:7: error [YAML006] expected a valid date as YYYY-MM-DD, found "
        "'2026-06-31' (day is out of range for month)"
    ]
