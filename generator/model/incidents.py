"""Incident post-mortems: what happened, when, to whom, why, and what is done about it.

A post-mortem is its own kind, not a retrospective with more fields. A retrospective looks
back on a *document revision* (its `subject` is the SOP or process version that was in
force, and its metrics are read against that document's targets); a post-mortem looks at
an *incident*: something that happened at a time, in a time zone, with a severity, a
trigger and an impact, whether or not any document of the handbook was involved. Folding
the two together would make every incident field optional on every retrospective, and a
retrospective's required `subject` would have to be invented for an incident no procedure
covered. The parts both share (action items, observations, went-well lists) are the same
models, so "unknown is a value" and the one definition of an open action
(`generator.model.due`) hold for both.

The shape follows the common practice of published post-mortem templates (Google's SRE
book, PagerDuty's and Atlassian's incident handbooks): incident metadata with a severity
from the organisation's own scale, the four moments of an incident (impact started, it was
detected, the impact stopped, everything was back to normal), a timeline of timestamped
entries, impact as figures without targets, root cause and contributing factors (with an
optional five-whys chain), what went well, what went wrong, where we got lucky, lessons,
and action items typed by what they do (prevent, mitigate, detect, process).

Times carry their offset from UTC, always: "18:05" means nothing to a reader in another
zone, and a duration across a daylight-saving change is wrong by an hour without it. A
naive time is refused with the offset form to write instead (`Timestamp`). Durations are
measured between the moments as written, so they are exact whatever zones they were
written in; the page shows each moment in the document's `time_zone` (if set) with its
offset.

Timelines name roles, not people, unless the document says `names: people`: blameless
wording is the author's job, but the model makes the blameless form the default one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from typing import Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic.config import JsonDict

from generator.model.documents import IMPORTED_SOURCE, ActionItem, Document
from generator.model.fields import (
    CALENDAR_DAY,
    DocRef,
    Markdown,
    MarkdownItem,
    Model,
    Name,
    RoleRef,
    Text,
    pattern_schema,
)
from generator.problems import quote

EXAMPLE_TIME = "2026-11-14T18:05:00+02:00"
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)
"""The range a moment may fall in: any zone's view of it is still a day in the calendar."""


class SeverityLevel(NamedTuple):
    """One step of a handbook's severity scale."""

    id: str
    description: str


DEFAULT_SEVERITIES: tuple[SeverityLevel, ...] = (
    SeverityLevel("SEV1", "Critical: the service is down or data is lost for many; all hands."),
    SeverityLevel("SEV2", "Major: a core function is broken or badly degraded for many."),
    SeverityLevel("SEV3", "Minor: a part is degraded, with a workaround, for some."),
    SeverityLevel("SEV4", "Low: little or no impact on anyone; worth learning from."),
)
"""The scale when a handbook sets none (plugin option `severities`), most severe first."""


TIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?"
                       r"([Zz]|[+-][0-9]{2}:[0-5][0-9])?")
"""A moment as the guide writes it: ISO 8601's extended form. Python also reads the basic
and week forms (`20260701T0930+0200`), which a reviewer would not read as a time; a moment
without an offset matches too, to be refused below with the offset to add."""


def _aware(value: object) -> object:
    """A date and time with its offset; a naive one is refused with the form to write."""
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date and time with its offset from UTC (ISO 8601), "
                             f"such as {quote(EXAMPLE_TIME)}, found {quote(value)}") from None
        if not TIME_TEXT.fullmatch(value):
            raise ValueError(f"expected a date and time with its offset from UTC (ISO 8601), "
                             f"such as {quote(EXAMPLE_TIME)}, found {quote(value)}; did you "
                             f"mean {quote(moment.isoformat())}?")
        value = moment
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(f"expected a date and time with its offset from UTC, such as "
                         f"{quote(EXAMPLE_TIME)}, found the date {value.isoformat()} alone")
    if isinstance(value, dt.datetime) and value.utcoffset() is None:
        written = value.isoformat(sep=" ")
        raise ValueError(
            f"expected a date and time with its offset from UTC, found {quote(written)} "
            f"without one; did you mean {quote(written + '+00:00')} (UTC), or that time "
            "with the offset of the zone it was read in (e.g. +02:00)?")
    if isinstance(value, dt.datetime) and not EARLIEST <= value <= LATEST:
        # The page shows each moment in another zone: a day from the calendar's ends, that
        # would fall off it.
        raise ValueError(f"expected a time from {EARLIEST.date()} to {LATEST.date()}, found "
                         f"{quote(value.isoformat())}")
    return value


_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
TIME_SCHEMA = {"type": "string", **pattern_schema(
    f"(?:{CALENDAR_DAY})[Tt ]{_CLOCK}{_OFFSET}",
    f"expected a date and time with its offset from UTC, such as '{EXAMPLE_TIME}'")}
"""`TIME_TEXT` with its offset required and what `fromisoformat` adds (a day of the
calendar, hours to 23), as the schema's pattern. Not `format: date-time`: RFC 3339 wants
the seconds, which the guide may leave out."""

Timestamp = Annotated[dt.datetime, BeforeValidator(_aware), WithJsonSchema(TIME_SCHEMA),
                      Field(examples=[EXAMPLE_TIME])]
"""A moment: ISO 8601 date and time with its offset from UTC (`+02:00`, `Z`)."""


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone(value: str) -> str:
    # Looked up among the known names first: the name never becomes a path to read.
    if value not in _zones():
        from generator.model.validate import did_you_mean

        raise ValueError(f"expected a time zone name such as 'Europe/Helsinki' or 'UTC', "
                         f"found {quote(value)}; {did_you_mean(value, _zones(), 'zones')}")
    return value


ZoneName = Annotated[str, AfterValidator(_zone), Field(examples=["Europe/Helsinki"])]


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The time zone named ``name`` (a `ZoneName` that validated)."""
    return zoneinfo.ZoneInfo(name)


class TimelineEntry(Model):
    """One moment of the incident, as it was recorded."""

    at: Timestamp = Field(description="When it happened: date and time with the offset from "
                          "UTC, e.g. 2026-11-14T18:05:00+02:00.")
    event: Markdown = Field(description="What happened (Markdown).")
    role: RoleRef | None = Field(None, description="The role that acted or noticed, if any.")
    person: Name | None = Field(None, description="A person's name; only when the "
                                "post-mortem says `names: people`.")


class ImpactFigure(Model):
    """One measured consequence of the incident: a figure, with no target to meet."""

    what: Name = Field(description="What was counted or measured.")
    figure: float = Field(description="How much.")
    unit: Text = Field(description="The unit of the figure.")


class Impact(Model):
    """Who and what the incident affected, and how much."""

    summary: Markdown | None = Field(None, description="The impact in words (Markdown).")
    figures: list[ImpactFigure] = Field(default_factory=list, description="The impact in "
                                        "figures (users, orders, money, data), without targets.")


class Why(Model):
    """One link of a five-whys chain."""

    why: Markdown = Field(description="The question (Markdown).")
    because: Markdown = Field(description="The answer, which the next link asks about (Markdown).")


ActionType = Literal["prevent", "mitigate", "detect", "process"]


class IncidentAction(ActionItem):
    """An action item of a post-mortem, typed by what it does about incidents like this."""

    type: ActionType = Field(description="Prevent (it happening again), mitigate (its "
                             "impact), detect (it sooner) or process (how we respond).")


NAMES_ROLES: JsonDict = {
    "if": {"not": {"required": ["names"], "properties": {"names": {"const": "people"}}}},
    "then": {"properties": {"timeline": {"items": {"properties": {"person": {"type": "null"}}}}}},
}
"""Rule INCIDENT004 as a schema: a timeline names people only under `names: people`."""


class Postmortem(Document):
    """An incident post-mortem: the incident's times, timeline, impact, causes and actions."""

    model_config = ConfigDict(json_schema_extra={"allOf": [IMPORTED_SOURCE, NAMES_ROLES]})

    kind: Literal["postmortem"] = Field(description="Always `postmortem`.")
    severity: Text | None = Field(None, description="The incident's severity, an id of the "
                                  "handbook's scale (plugin option `severities`; by default "
                                  "SEV1 to SEV4); left out when it was never stated, and then "
                                  "shown as not stated.", examples=["SEV2"])
    review_every: int | None = Field(  # type: ignore[assignment]
        None, ge=1, le=60, description="A post-mortem is a record, never due for review: "
        "leave it out, or give a cycle in months (1-60) that is shown but not enforced.")
    started: Timestamp = Field(description="When the impact started (date, time and offset).")
    detected: Timestamp | None = Field(None, description="When someone or something noticed.")
    mitigated: Timestamp | None = Field(None, description="When the impact stopped.")
    resolved: Timestamp | None = Field(None, description="When everything was back to normal; "
                                       "none while the incident is open.")
    time_zone: ZoneName | None = Field(None, description="The zone the page shows times in "
                                       "(an IANA name); by default the offset of `started`.")
    summary: Markdown = Field(description="What happened, in a few sentences (Markdown).")
    trigger: Markdown | None = Field(None, description="What set the incident off (Markdown).")
    subject: list[DocRef] = Field(default_factory=list, description="Documents of the "
                                  "handbook the incident concerns (SOPs, processes), if any.")
    names: Literal["roles", "people"] = Field("roles", description="Whom the timeline names: "
                                              "`roles` (blameless, the default) or `people` "
                                              "(a `person` on an entry).")
    timeline: list[TimelineEntry] = Field(default_factory=list, description="What happened "
                                          "when, in time order.")
    impact: Impact | None = Field(None, description="Who and what was affected, and how much.")
    root_cause: Markdown | None = Field(None, description="The underlying cause (Markdown).")
    contributing_factors: list[MarkdownItem] = Field(
        default_factory=list, description="What made it "
                                             "possible or worse.")
    whys: list[Why] = Field(default_factory=list, description="A five-whys chain, optional.")
    went_well: list[MarkdownItem] = Field(default_factory=list, description="What went well.")
    went_wrong: list[MarkdownItem] = Field(default_factory=list, description="What went wrong.")
    lucky: list[MarkdownItem] = Field(default_factory=list, description="Where we got lucky.")
    lessons: list[MarkdownItem] = Field(default_factory=list, description="Lessons learned.")
    actions: list[IncidentAction] = Field(default_factory=list, description="Action items, "
                                          "each of a type.")
    detection: Markdown | None = Field(None, description="How the incident was noticed: an "
                                   "alert, a customer, by chance (Markdown).")
    resolution: Markdown | None = Field(None, description="How the impact was stopped and the "
                                    "service restored (Markdown).")
    authors: list[Name] = Field(default_factory=list, description="Who wrote the "
                                "post-mortem.")

    @property
    def moments(self) -> list[tuple[str, dt.datetime]]:
        """The incident's moments that are known, in the order they must come."""
        named = [("started", self.started), ("detected", self.detected),
                 ("mitigated", self.mitigated), ("resolved", self.resolved)]
        return [(name, when) for name, when in named if when is not None]

    @property
    def zone(self) -> dt.tzinfo:
        """The zone the page shows times in."""
        if self.time_zone is not None:
            return zone_of(self.time_zone)
        offset = self.started.utcoffset()
        assert offset is not None  # a Timestamp always has one
        return dt.timezone(offset)

    @property
    def durations(self) -> list[tuple[str, dt.timedelta | None]]:
        """Time to detect (from the start), to mitigate and to resolve (from detection),
        and the whole duration (start to resolution); None where a moment is unknown."""
        def between(first: dt.datetime | None, last: dt.datetime | None) -> dt.timedelta | None:
            return last - first if first is not None and last is not None else None

        return [("time_to_detect", between(self.started, self.detected)),
                ("time_to_mitigate", between(self.detected, self.mitigated)),
                ("time_to_resolve", between(self.detected, self.resolved)),
                ("incident_duration", between(self.started, self.resolved))]


def human_duration(span: dt.timedelta) -> str:
    """``span`` as days, hours and minutes (`1 d 2 h 5 min`); a negative one keeps its sign."""
    sign = "-" if span < dt.timedelta(0) else ""
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{mins} min" if mins or not (days or hours) else ""]
    return sign + " ".join(p for p in parts if p)


def local_time(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """``moment`` in ``zone``, to the minute, with its offset: `2026-11-14 18:05 +02:00`."""
    shown = moment.astimezone(zone)
    offset = shown.strftime("%z")
    return f"{shown:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"
