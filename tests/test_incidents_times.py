"""Unknown is a value, and the times of an incident: actions with no owner or due day,
archived items, observations without a target; durations across zones and daylight
saving, times shown in the document's zone, and the drawn timeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.model import IncidentAction, Observation, Postmortem, due
from generator.model.incidents import DEFAULT_SEVERITIES, human_duration, local_time
from generator.pipeline import check_handbook
from generator.render import incidents
from generator.render.pages import generate
from tests.support import TODAY, Book

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


def test_a_retrospective_shows_unknown_values_as_unknown(book: Book) -> None:
    book.edit("retro-it-001.yml", "    owner: it-director\n    due: 2027-07-01\n", "")
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
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    pages = generate(handbook, today=TODAY).pages
    page = pages["retrospectives/retro-it-001.md"]
    assert "| Resets in the quarter | no target | 41 | resets | \u2013 |" in page
    assert ("| **remind-checks**: Remind technicians to verify identity. | not assigned | "
            "no due day | open |") in page
    assert "| **from-2017**: An item from the paper records. | not assigned | 2017-03-01 | " \
           "archived |" in page
    actions = pages["actions.md"]
    assert "| **remind-checks**: Remind technicians to verify identity. | not assigned | " \
           "no due day | open |" in actions
    assert "from-2017" not in actions
