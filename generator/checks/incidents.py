"""Rules of incident post-mortems: times in order, a severity of the handbook's scale, and
a blameless timeline unless the document says otherwise.

Durations on the page are worked out from the incident's moments; a moment out of order
would show a negative time to detect as if it were a fact, so the order is an error, not
a warning. Roles in the timeline and the documents in `subject` are references, checked
with the others (REF001, REF003).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from generator.checks.registry import Context, Finding, rule
from generator.model import Postmortem
from generator.model.handbook import Entry
from generator.model.incidents import human_duration
from generator.model.validate import did_you_mean
from generator.problems import Severity, quote


def _postmortems(context: Context) -> Iterator[Entry[Postmortem]]:
    for entry in context.handbook.documents:
        if isinstance(entry.item, Postmortem):
            yield entry  # type: ignore[misc]


def _written(moment: dt.datetime) -> str:
    return moment.isoformat()


@rule("INCIDENT001", Severity.ERROR, "an incident's moments out of order (started, detected, "
      "mitigated, resolved)", local=True)
def moments_in_order(context: Context) -> Iterator[Finding]:
    """`started` ≤ `detected` ≤ `mitigated` ≤ `resolved`, each compared with the latest
    known moment before it; a later moment may be missing while the incident is open.

    Passes: `started: 2026-11-14T18:05:00+02:00`, `detected: 2026-11-14T16:20:00Z` (18:20
    in Helsinki). Fails: `started: 2026-11-14T18:05:00+02:00`,
    `detected: 2026-11-14T17:50:00+02:00`.
    """
    for entry in _postmortems(context):
        moments = entry.item.moments
        for (before, first), (name, when) in itertools.pairwise(moments):
            if when < first:
                yield Finding(entry.source, (name,),
                              f"expected {quote(name)} on or after {quote(before)} "
                              f"({_written(first)}), found {_written(when)}, "
                              f"{human_duration(first - when)} earlier")


@rule("INCIDENT002", Severity.ERROR, "timeline entries out of time order", local=True)
def timeline_in_order(context: Context) -> Iterator[Finding]:
    """Each timeline entry is at or after the entry above it, so the timeline reads down.

    Passes: entries at 18:05, 18:20, 18:20. Fails: entries at 18:20, then 18:05.
    """
    for entry in _postmortems(context):
        timeline = entry.item.timeline
        for i in range(1, len(timeline)):
            here, above = timeline[i].at, timeline[i - 1].at
            if here < above:
                yield Finding(entry.source, ("timeline", i, "at"),
                              f"expected timeline entries in time order, found "
                              f"{_written(here)} after {_written(above)} (entry {i}); "
                              "move the entry up, or correct its time")


@rule("INCIDENT003", Severity.ERROR, "a severity that is not on the handbook's scale",
      local=True)
def severity_on_scale(context: Context) -> Iterator[Finding]:
    """`severity` is an id of the scale (plugin option `severities`, by default SEV1-SEV4).

    Passes: `severity: SEV2`. Fails: `severity: SEV5`, `severity: sev2`.
    """
    ids = [level.id for level in context.settings.severities]
    for entry in _postmortems(context):
        severity = entry.item.severity
        if severity is not None and severity not in ids:
            yield Finding(entry.source, ("severity",),
                          f"unknown severity {quote(severity)}; "
                          f"{did_you_mean(severity, ids, 'severities')}")


@rule("INCIDENT004", Severity.ERROR, "a person named in a timeline that names roles",
      local=True)
def blameless_timeline(context: Context) -> Iterator[Finding]:
    """A timeline names roles unless the post-mortem says `names: people`.

    Passes: `role: cook`, or `person: Ana` with `names: people`. Fails: `person: Ana`
    without it.
    """
    for entry in _postmortems(context):
        if entry.item.names == "people":
            continue
        for i, moment in enumerate(entry.item.timeline):
            if moment.person is not None:
                yield Finding(entry.source, ("timeline", i, "person"),
                              f"expected a role in a timeline that names roles, found the "
                              f"person {quote(moment.person)}; write the role in 'role', or "
                              "set 'names: people' if this post-mortem names people on purpose")
