"""Where a document's declared change history and git disagree (HIST006).

A document's `changes` are the author's word for every version, those from before the
repository included; git is the record of what was committed. The site shows one history
made of both (`generator.render.revisions.timeline`), so a reader must be told where they
do not agree: a version dated after git already had it, a version made since the first
commit that git never had, dates that go down as versions go up. Authors are not compared:
the person who commits is often not the one who wrote the change (a merge, a maintainer
applying a patch), so the site shows both names with where each comes from instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator.checks.refs import version_key
from generator.git.repo import SHORT
from generator.model import AnyDocument, Change
from generator.model.handbook import Entry
from generator.problems import Problem, Severity

CONFLICT = "HIST006"


def conflicts(entry: Entry[AnyDocument], found: list[tuple[str, str, dt.date]]
              ) -> list[Problem]:
    """The disagreements of ``entry``'s `changes` with ``found``: (version, commit, day) of
    each revision git has, oldest first. Each problem points at the change entry (its date,
    or its version) that disagrees."""
    doc = entry.item
    first = found[0] if found else None
    in_git = {version: (commit, day) for version, commit, day in found}
    problems: list[Problem] = []
    for i, change in enumerate(doc.changes):
        message, field = _against_git(doc, change, in_git, first)
        if message:
            problems.append(_problem(entry, i, field, message))
    for i, message in _out_of_order(doc):
        problems.append(_problem(entry, i, "date", message))
    return problems


def _against_git(doc: AnyDocument, change: Change, in_git: dict[str, tuple[str, dt.date]],
                 first: tuple[str, str, dt.date] | None) -> tuple[str, str]:
    """A message (and the field it points at) if git contradicts this one entry."""
    hit = in_git.get(change.version)
    if hit is not None:
        commit, day = hit
        if change.date > day:
            return (f"{doc.id} version {change.version} is declared as made on "
                    f"{change.date.isoformat()}, but git has it from commit {commit[:SHORT]} "
                    f"on {day.isoformat()}; expected a date on or before the day of the "
                    "commit that brought it"), "date"
        return "", ""
    if first is None or change.version == doc.version:
        return "", ""  # no git history, or the working tree's version, not yet committed
    version, commit, day = first
    after = change.date >= day
    if after or version_key(change.version) > version_key(version):
        return (f"{doc.id} version {change.version} (declared {change.date.isoformat()}) is "
                f"missing in git: its history in git starts at commit {commit[:SHORT]} on "
                f"{day.isoformat()} with version {version}, and no commit has version "
                f"{change.version}; expected every version made since the first commit to "
                "be committed (it is shown as declared)"), "version"
    return "", ""


def _out_of_order(doc: AnyDocument) -> Iterator[tuple[int, str]]:
    """Entries dated before a lower version's entry."""
    ranked = sorted(enumerate(doc.changes), key=lambda c: version_key(c[1].version))
    latest: tuple[int, Change] | None = None
    for i, change in ranked:
        if latest is not None and change.date < latest[1].date:
            earlier = latest[1]
            yield i, (f"{doc.id} version {change.version} is dated {change.date.isoformat()}, "
                      f"before version {earlier.version} ({earlier.date.isoformat()}); "
                      "expected dates that go up with the versions")
        if latest is None or change.date >= latest[1].date:
            latest = (i, change)


def _problem(entry: Entry[AnyDocument], index: int, field: str, message: str) -> Problem:
    line, column = entry.source.position(("changes", index, field))
    return Problem(entry.source.path, line, column, CONFLICT, Severity.WARNING, message)
