"""What a post-mortem's page shows of its times: each moment in the document's zone with
its offset, the durations between them, and the timeline with the incident's moments in
their place. Worked out here, not in the template, so the arithmetic is tested as Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.model import Postmortem, TimelineEntry
from generator.model.incidents import SeverityLevel, human_duration, local_time


@dataclass(frozen=True)
class Row:
    """One line of the drawn timeline: an entry of the author's, or one of the moments."""

    time: str
    entry: TimelineEntry | None = None
    moment: str | None = None


def zone_name(doc: Postmortem) -> str:
    """How the page names the zone its times are shown in."""
    if doc.time_zone is not None:
        return doc.time_zone
    return "UTC" + local_time(doc.started, doc.zone).rsplit(" ", 1)[1]


def timeline(doc: Postmortem) -> list[Row]:
    """The timeline entries and the known moments, in time order (a moment before the
    entries at the same minute; entries keep the author's order among themselves). The
    date is shown on the first row and wherever it changes."""
    zone = doc.zone
    marks: list[tuple[dt.datetime, int, int, Row]] = []
    for order, (name, when) in enumerate(doc.moments):
        marks.append((when, 0, order, Row("", moment=name)))
    for order, entry in enumerate(doc.timeline):
        marks.append((entry.at, 1, order, Row("", entry=entry)))
    if not doc.timeline:
        return []
    marks.sort(key=lambda mark: (mark[0], mark[1], mark[2]))
    rows: list[Row] = []
    last_day = None
    for when, _, _, row in marks:
        shown = local_time(when, zone)
        day, time = shown.split(" ", 1)
        rows.append(Row(shown if day != last_day else time, row.entry, row.moment))
        last_day = day
    return rows


def incident_view(doc: Postmortem, severities: tuple[SeverityLevel, ...]) -> dict[str, Any]:
    """The values the incident's table and timeline show."""
    zone = doc.zone
    descriptions = {level.id: level.description for level in severities}
    moments = [(name, local_time(when, zone) if when else None)
               for name, when in (("started", doc.started), ("detected", doc.detected),
                                  ("mitigated", doc.mitigated), ("resolved", doc.resolved))]
    return {
        "severity_description": descriptions.get(doc.severity) if doc.severity else None,
        "moments": moments,
        "durations": [(name, human_duration(span) if span is not None else None)
                      for name, span in doc.durations],
        "zone": zone_name(doc),
        "timeline": timeline(doc),
    }
