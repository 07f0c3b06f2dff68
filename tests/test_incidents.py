"""Incident post-mortems: the model (times with offsets, names, unknown values), the rules
(INCIDENT001-004, references), the durations across zones and daylight saving, the severity
scale option, `sopsite new postmortem`, and the rendered page against its golden file."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator.model import IncidentAction, Observation, Postmortem, due
from generator.model.incidents import DEFAULT_SEVERITIES, SeverityLevel, human_duration, local_time
from generator.pipeline import ConfigError, Options, check_handbook, severity_scale
from generator.render import incidents
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
    assert pm.lines(strict=True) == []


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
    assert pm.lines(strict=True) == []


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
    assert pm.lines(strict=True) == []
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
    assert pm.lines(strict=True) == []


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
    assert pm.lines(strict=True) == []


# --- unknown is a value: actions and observations -----------------------------------------------

def _action(**fields: object) -> IncidentAction:
    return IncidentAction.model_validate({"id": "a", "description": "d", "type": "detect",
                                          **fields})


def test_open_and_overdue_with_unknown_due_days_and_archived_items() -> None:
    late = _action(status="open", due=dt.date(2026, 11, 1))
    assert due.action_open(late)
    assert due.action_overdue(late, TODAY)
    undated = _action(status="in-progress")
    assert due.action_open(undated)
    assert not due.action_overdue(undated, TODAY)
    archived = _action(status="archived", due=dt.date(2017, 3, 1))
    assert not due.action_open(archived)
    assert not due.action_overdue(archived, TODAY)
    assert undated.owner is None
    assert undated.due is None


def test_an_observation_may_have_no_target() -> None:
    seen = Observation.model_validate({"name": "Calls", "observed": 12.0, "unit": "calls"})
    assert seen.target is None


# --- durations and times shown ------------------------------------------------------------------

def _pm(**times: str) -> Postmortem:
    data = {"kind": "postmortem", "id": "PM-1", "title": "t", "version": "1.0",
            "status": "draft", "owner": "o", "effective": "2026-01-01", "review_every": 12,
            "severity": "SEV1", "summary": "s", **times}
    return Postmortem.model_validate(data)


def test_durations_across_zones_are_exact() -> None:
    doc = _pm(started="2026-11-09T09:00:00+02:00", detected="2026-11-09T07:20:00Z",
              mitigated="2026-11-09T02:45:00-05:00", resolved="2026-11-10T10:30:00+02:00")
    assert [(n, str(d)) for n, d in doc.durations] == [
        ("time_to_detect", "0:20:00"), ("time_to_mitigate", "0:25:00"),
        ("time_to_resolve", "1 day, 1:10:00"), ("incident_duration", "1 day, 1:30:00")]
    view = incidents.incident_view(doc, DEFAULT_SEVERITIES)
    assert view["durations"] == [("time_to_detect", "20 min"), ("time_to_mitigate", "25 min"),
                                 ("time_to_resolve", "1 d 1 h 10 min"),
                                 ("incident_duration", "1 d 1 h 30 min")]
    assert view["zone"] == "UTC+02:00"
    assert view["moments"][2] == ("mitigated", "2026-11-09 09:45 +02:00")


def test_durations_over_a_daylight_saving_change_count_real_time() -> None:
    # Helsinki leaves summer time at 04:00 +03:00 on 25 October 2026 (03:00 +02:00).
    doc = _pm(started="2026-10-25T02:30:00+03:00", detected="2026-10-25T03:30:00+02:00",
              time_zone="Europe/Helsinki")
    assert doc.durations[0] == ("time_to_detect", dt.timedelta(hours=2))
    view = incidents.incident_view(doc, DEFAULT_SEVERITIES)
    assert view["moments"][:2] == [("started", "2026-10-25 02:30 +03:00"),
                                   ("detected", "2026-10-25 03:30 +02:00")]
    assert view["durations"][1:] == [("time_to_mitigate", None), ("time_to_resolve", None),
                                     ("incident_duration", None)]


def test_times_are_shown_in_the_documents_zone_with_the_offset() -> None:
    moment = dt.datetime(2026, 7, 6, 6, 5, tzinfo=dt.UTC)
    doc = _pm(started="2026-07-06T06:05:00Z", time_zone="Europe/Helsinki")
    assert local_time(moment, doc.zone) == "2026-07-06 09:05 +03:00"
    assert local_time(moment, dt.timezone(dt.timedelta(hours=-9, minutes=-30))) == \
        "2026-07-05 20:35 -09:30"


def test_human_durations() -> None:
    assert [human_duration(dt.timedelta(minutes=m)) for m in (0, 59, 60, 61, 1440, 1501)] == [
        "0 min", "59 min", "1 h", "1 h 1 min", "1 d", "1 d 1 h 1 min"]
    assert human_duration(dt.timedelta(minutes=-10)) == "-10 min"


def test_the_timeline_puts_the_moments_in_their_place_and_dates_where_they_change() -> None:
    doc = Postmortem.model_validate({**_pm(started="2026-11-09T23:50:00+02:00",
                                           detected="2026-11-10T00:10:00+02:00").model_dump(),
                                     "timeline": [
        {"at": "2026-11-09T23:40:00+02:00", "event": "Deploy."},
        {"at": "2026-11-09T22:10:00Z", "event": "Alert.", "role": "o"}]})
    rows = incidents.timeline(doc)
    assert [(r.time, r.moment, r.entry.event if r.entry else None) for r in rows] == [
        ("2026-11-09 23:40 +02:00", None, "Deploy."),
        ("23:50 +02:00", "started", None),
        ("2026-11-10 00:10 +02:00", "detected", None),
        ("00:10 +02:00", None, "Alert.")]


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
    assert book.lines(strict=True) == []


# --- the rendered page --------------------------------------------------------------------------

def _example_pages() -> dict[str, str]:
    handbook, problems = check_handbook(REPO / "sops", today=TODAY, strict=True)
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


def test_a_retrospective_shows_unknown_values_as_unknown(book: Book) -> None:
    book.edit("retro-it-001.yml", "    owner: it-director\n    due: 2026-07-01\n", "")
    book.write("retro-it-001.yml", book.text("retro-it-001.yml") + """\
  - id: from-2017
    description: An item from the paper records.
    due: 2017-03-01
    status: archived
metrics:
  - name: Resets in the quarter
    observed: 41
    unit: resets
""")
    handbook, problems = check_handbook(Path("hb"), today=TODAY, strict=True)
    assert problems == []
    pages = generate(handbook, today=TODAY).pages
    page = pages["retrospectives/retro-it-001.md"]
    assert "| Resets in the quarter | no target | 41 | resets | |" in page
    assert ("| **remind-checks**: Remind technicians to verify identity. | not assigned | "
            "no due day | open |") in page
    assert "| **from-2017**: An item from the paper records. | not assigned | 2017-03-01 | " \
           "archived |" in page
    actions = pages["actions.md"]
    assert "| **remind-checks**: Remind technicians to verify identity. | not assigned | " \
           "no due day | open |" in actions
    assert "from-2017" not in actions
