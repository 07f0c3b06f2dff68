"""Incident post-mortems: times with offsets and what is refused, the rules
(INCIDENT001-004 and the references), the severity scale option, `sopsite new postmortem`,
and the rendered page against its golden file (durations: `test_incidents_times.py`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.model.incidents import SeverityLevel
from generator.pipeline import ConfigError, Options, check_handbook, severity_scale
from generator.render.pages import generate
from tests.support import REPO, TODAY, Book, run_cli

PM = "hb/pm-it-001.yml"
GOLDEN = Path(__file__).parent / "golden-incidents"
UPDATE = os.environ.get("SOPSITE_UPDATE_GOLDEN") == "1"

POSTMORTEM = """\
kind: postmortem
id: PM-IT-001
title: Password resets failed
version: "1.0"
status: draft
owner: it-director
effective: 2026-11-10
review_every: 12
severity: SEV2
started: 2026-11-09T09:00:00+02:00
detected: 2026-11-09T09:20:00+02:00
mitigated: 2026-11-09T09:45:00+02:00
resolved: 2026-11-09T10:30:00+02:00
time_zone: Europe/Helsinki
summary: Resets failed after a certificate expired.
subject: [SOP-IT-001]
timeline:
  - at: 2026-11-09T09:20:00+02:00
    role: technician
    event: First failed reset reported.
  - at: 2026-11-09T09:45:00+02:00
    role: it-director
    event: Certificate renewed.
actions:
  - id: expiry-alert
    type: detect
    description: Alert before a certificate expires.
    status: open
"""


@pytest.fixture
def pm(book: Book) -> Book:
    book.write("pm-it-001.yml", POSTMORTEM)
    return book


def test_a_postmortem_checks_clean_even_when_strict(pm: Book) -> None:
    assert pm.lines() == []


# --- times: offsets required ------------------------------------------------------------------

def test_a_naive_time_is_refused_with_the_offset_form(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "detected: 2026-11-09T09:20:00+02:00",
            "detected: 2026-11-09 09:20:00")
    assert pm.lines() == [
        f"{PM}:11:11: error [MODEL004] 'detected': expected a date and time with its offset "
        "from UTC, found '2026-11-09 09:20:00' without one; did you mean "
        "'2026-11-09 09:20:00+00:00' (UTC), or that time with the offset of the zone it was "
        "read in (e.g. +02:00)?"]


def test_a_naive_time_in_the_timeline_is_refused_at_its_place(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "  - at: 2026-11-09T09:45:00+02:00", "  - at: '2026-11-09T09:45'")
    assert pm.lines() == [
        f"{PM}:21:9: error [MODEL004] 'at': expected a date and time with its offset from UTC, "
        "found '2026-11-09 09:45:00' without one; did you mean '2026-11-09 09:45:00+00:00' "
        "(UTC), or that time with the offset of the zone it was read in (e.g. +02:00)?"]


def test_a_date_alone_and_text_that_is_no_time_are_refused(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "mitigated: 2026-11-09T09:45:00+02:00", "mitigated: 2026-11-09")
    pm.edit("pm-it-001.yml", "resolved: 2026-11-09T10:30:00+02:00", "resolved: soon")
    assert pm.lines() == [
        f"{PM}:12:12: error [MODEL004] 'mitigated': expected a date and time with its offset "
        "from UTC, such as '2026-11-14T18:05:00+02:00', found the date 2026-11-09 alone",
        f"{PM}:13:11: error [MODEL004] 'resolved': expected a date and time with its offset "
        "from UTC (ISO 8601), such as '2026-11-14T18:05:00+02:00', found 'soon'"]


def test_a_time_at_the_calendars_end_is_refused(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "resolved: 2026-11-09T10:30:00+02:00",
            "resolved: 9999-12-31T23:59:00-05:00")
    assert pm.lines() == [
        f"{PM}:13:11: error [MODEL004] 'resolved': expected a time from 0001-01-02 to "
        "9998-12-31, found '9999-12-31T23:59:00-05:00'"]


def test_an_unknown_time_zone_gets_a_did_you_mean(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "time_zone: Europe/Helsinki", "time_zone: Europe/Helsnki")
    assert pm.lines() == [
        f"{PM}:14:12: error [MODEL004] 'time_zone': expected a time zone name such as "
        "'Europe/Helsinki' or 'UTC', found 'Europe/Helsnki'; did you mean 'Europe/Helsinki'?"]


def test_z_and_other_offsets_are_times_too(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "detected: 2026-11-09T09:20:00+02:00",
            "detected: 2026-11-09T07:20:00Z")
    pm.edit("pm-it-001.yml", "mitigated: 2026-11-09T09:45:00+02:00",
            "mitigated: '2026-11-09T02:45:00-05:00'")
    assert pm.lines() == []


# --- the rules ---------------------------------------------------------------------------------

def test_moments_out_of_order(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "detected: 2026-11-09T09:20:00+02:00",
            "detected: 2026-11-09T08:50:00+02:00")
    pm.edit("pm-it-001.yml", "resolved: 2026-11-09T10:30:00+02:00",
            "resolved: 2026-11-09T07:40:00Z")
    assert pm.lines() == [
        f"{PM}:11:11: error [INCIDENT001] expected 'detected' on or after 'started' "
        "(2026-11-09T09:00:00+02:00), found 2026-11-09T08:50:00+02:00, 10 min earlier",
        f"{PM}:13:11: error [INCIDENT001] expected 'resolved' on or after 'mitigated' "
        "(2026-11-09T09:45:00+02:00), found 2026-11-09T07:40:00+00:00, 5 min earlier"]


def test_an_open_incident_may_leave_later_moments_out_and_is_compared_across_gaps(
        pm: Book) -> None:
    pm.edit("pm-it-001.yml", "mitigated: 2026-11-09T09:45:00+02:00\n", "")
    pm.edit("pm-it-001.yml", "resolved: 2026-11-09T10:30:00+02:00\n", "")
    assert pm.lines() == []
    pm.edit("pm-it-001.yml", "detected: 2026-11-09T09:20:00+02:00\n",
            "resolved: 2026-11-09T08:00:00+02:00\n")
    assert pm.lines() == [
        f"{PM}:11:11: error [INCIDENT001] expected 'resolved' on or after 'started' "
        "(2026-11-09T09:00:00+02:00), found 2026-11-09T08:00:00+02:00, 1 h earlier"]


def test_timeline_out_of_order(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "  - at: 2026-11-09T09:45:00+02:00",
            "  - at: 2026-11-09T07:15:00Z")
    assert pm.lines() == [
        f"{PM}:21:9: error [INCIDENT002] expected timeline entries in time order, found "
        "2026-11-09T07:15:00+00:00 after 2026-11-09T09:20:00+02:00 (entry 1); move the entry "
        "up, or correct its time"]


def test_a_severity_off_the_scale(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "severity: SEV2", "severity: SEV")
    assert pm.lines() == [
        f"{PM}:9:11: error [INCIDENT003] unknown severity 'SEV'; did you mean 'SEV4'?"]
    pm.edit("pm-it-001.yml", "severity: SEV", "severity: critical")
    assert pm.lines() == [
        f"{PM}:9:11: error [INCIDENT003] unknown severity 'critical'; valid severities: SEV1, "
        "SEV2, SEV3, SEV4"]


def test_a_person_in_a_timeline_of_roles(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "    role: technician\n",
            "    role: technician\n    person: Tom Tech\n")
    assert pm.lines() == [
        f"{PM}:20:13: error [INCIDENT004] expected a role in a timeline that names roles, "
        "found the person 'Tom Tech'; write the role in 'role', or set 'names: people' if this "
        "post-mortem names people on purpose"]
    pm.edit("pm-it-001.yml", "subject: [SOP-IT-001]\n", "subject: [SOP-IT-001]\nnames: people\n")
    assert pm.lines() == []


def test_timeline_roles_and_subjects_are_references(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "    role: technician", "    role: technican")
    pm.edit("pm-it-001.yml", "subject: [SOP-IT-001]", "subject: [SOP-IT-001, SOP-IT-01]")
    assert pm.lines() == [
        f"{PM}:16:23: error [REF003] unknown document 'SOP-IT-01'; did you mean 'SOP-IT-001'?",
        f"{PM}:19:11: error [REF001] unknown role 'technican'; did you mean 'technician'?"]


def test_an_action_owner_that_is_given_must_be_a_role(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "    status: open\n", "    status: open\n    owner: nobody\n")
    assert pm.lines() == [
        f"{PM}:29:12: error [REF001] unknown role 'nobody'; valid roles: it-director, "
        "technician"]


def test_an_action_needs_a_type(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "    type: detect\n", "")
    assert pm.lines() == [
        f"{PM}:25:5: error [MODEL003] missing required key 'type' in actions[0] (prevent (it "
        "happening again), mitigate (its impact), detect (it sooner) or process (how we "
        "respond))"]


def test_a_postmortem_is_never_due_for_review(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "status: draft", "status: effective")
    pm.edit("pm-it-001.yml", "effective: 2026-11-10", "effective: 2020-01-10")
    pm.edit("pm-it-001.yml", "review_every: 12\n", "review_every: 12\napprovals:\n"
            "  - {name: Ann, role: it-director, version: '1.0', date: 2020-01-09, "
            "meaning: approval}\n")
    assert pm.lines() == []


# --- the severity scale option ------------------------------------------------------------------

def test_the_scale_is_read_from_mkdocs_yml(pm: Book) -> None:
    scale = [{"id": "P1", "description": "Everything is down."},
             {"id": "P2", "description": "Something is down."}]
    options = Options.from_plugin({"severities": scale}, Path(), root=Path("hb"))
    assert options.settings.severities == (SeverityLevel("P1", "Everything is down."),
                                           SeverityLevel("P2", "Something is down."))
    _, problems = check_handbook(Path("hb"), today=TODAY, settings=options.settings)
    assert [p.format() for p in problems] == [
        f"{PM}:9:11: error [INCIDENT003] unknown severity 'SEV2'; valid severities: P1, P2"]
    pm.edit("pm-it-001.yml", "severity: SEV2", "severity: P2")
    _, problems = check_handbook(Path("hb"), today=TODAY, settings=options.settings)
    assert problems == []


def test_the_check_command_reads_the_scale_and_keeps_it_with_min_coverage(pm: Book) -> None:
    pm.write("../mkdocs.yml", "site_name: t\nplugins:\n  - sopsite:\n      severities:\n"
             "        - {id: P1, description: Down.}\n")
    result = run_cli("check", "hb", "--min-coverage", "0.5", cwd=pm.root.parent,
                     today=TODAY.isoformat())
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{PM}:9:11: error [INCIDENT003] unknown severity 'SEV2'; valid severities: P1"]


@pytest.mark.parametrize(("value", "message"), [
    ("high", "mkdocs.yml: expected the sopsite option 'severities' as a list of levels, e.g. "
             "severities: [{id: SEV1, description: Service down}]; found str"),
    ([{"id": "P1"}], "mkdocs.yml: expected severities[0] as a mapping of 'id' and "
                     "'description' (both text), e.g. severities: [{id: SEV1, description: "
                     "Service down}]; found {'id': 'P1'}"),
    ([{"id": "P1", "description": "a"}, {"id": "P1", "description": "b"}],
     "mkdocs.yml: expected each severity id once, found 'P1' more than once"),
])
def test_a_scale_that_cannot_be_read_stops_the_run(value: object, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        severity_scale(value)
    assert raised.value.message == message


# --- sopsite new postmortem --------------------------------------------------------------------

def test_new_postmortem_passes_check(book: Book) -> None:
    result = run_cli("new", "postmortem", "PM-IT-002", "--title", "Printer: on fire",
                     "--path", "hb", cwd=book.root.parent, today=TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hb/postmortems/PM-IT-002.yml"
    text = book.text("postmortems/PM-IT-002.yml")
    assert 'severity: "SEV4"' in text
    assert "started: 2026-11-21T09:00:00+00:00" in text
    assert book.lines() == []


# --- the rendered page --------------------------------------------------------------------------

def _example_pages() -> dict[str, str]:
    handbook, problems = check_handbook(REPO / "sops", today=TODAY)
    assert problems == []
    return generate(handbook, today=TODAY).pages


def test_the_example_postmortem_page_matches_its_golden_file() -> None:
    """Set SOPSITE_UPDATE_GOLDEN=1 to rewrite it after a deliberate change."""
    pages = _example_pages()
    path = "postmortems/pm-home-borscht-2026-11.md"
    golden = GOLDEN / "pm-home-borscht-2026-11.md"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(pages[path], encoding="utf-8")
    assert pages[path] == golden.read_text(encoding="utf-8")
    assert "postmortems/year/2026/index.md" in pages
    actions = pages["actions.md"]
    assert "**rescue-note**" in actions
    assert "not assigned" in actions
    assert "**tell-the-house**" not in actions  # done


def test_author_text_in_the_timeline_stays_inert(pm: Book) -> None:
    pm.edit("pm-it-001.yml", "    event: First failed reset reported.",
            "    event: '<script>alert(1)</script> {{ x }} "
            "<span class=\"sopsite-timeline-moment\">'")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    page = generate(handbook, today=TODAY).pages["postmortems/pm-it-001.md"]
    assert "&lt;script>alert(1)&lt;/script> \\{\\{ x \\}\\} &lt;span" in page
    assert "<script>" not in page
