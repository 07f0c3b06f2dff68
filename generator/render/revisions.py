"""Views of a document's revisions: its timeline, frozen pages, diffs and the as-of data.

The timeline joins git's revisions with the working tree: the current version is always the
live page, past versions get frozen pages of their own, and consecutive versions get a diff.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property

from generator.git.history import IN_FORCE, Revision
from generator.model import AnyDocument, Change
from generator.render import site
from generator.render.digest import digest_of, text_digest

ASOF_INDEX = site.ASOF


def frozen_path(doc: AnyDocument, version: str) -> str:
    """The frozen page of a past revision: `…/<id>/v<version>/`."""
    return f"{site.FOLDERS[doc.kind]}/{doc.id.lower()}/v{version}.md"


def diff_path(doc: AnyDocument, old: str, new: str) -> str:
    """The page describing what changed from ``old`` to ``new``."""
    return f"{site.FOLDERS[doc.kind]}/{doc.id.lower()}/diff-v{old}-v{new}.md"


def asof_year_path(year: int) -> str:
    """The month-end tables of one year, for readers without JavaScript."""
    return f"as-of/{year}.md"


@dataclass(frozen=True)
class Row:
    """One version of a document in its timeline."""

    doc: AnyDocument
    text: str | None
    commit: str | None
    author: str | None
    committed: dt.date | None
    current: bool
    page: str
    """Where this version is shown: the live page, or its frozen page."""

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything the row shows, its YAML included (diffs show that)."""
        return digest_of([self.doc, text_digest(self.text), self.commit, self.author,
                          self.committed, self.current, self.page])

    @property
    def version(self) -> str:
        """The version of this row."""
        return self.doc.version

    @property
    def change(self) -> Change | None:
        """The `changes` entry the author wrote for this version, if any."""
        return self.doc.change_entry


def timeline(current: AnyDocument, current_text: str | None,
             revisions: list[Revision]) -> list[Row]:
    """Every version of a document, oldest first; the last row is the working tree's."""
    latest: dict[str, Revision] = {}
    for revision in revisions:  # a version committed twice keeps its latest content
        latest.pop(revision.version, None)
        latest[revision.version] = revision
    rows = [
        Row(r.doc, r.text, r.commit, r.author, r.date, False, frozen_path(current, r.version))
        for version, r in latest.items() if version != current.version
    ]
    committed = latest.get(current.version)
    rows.append(Row(
        current, current_text, committed.commit if committed else None,
        committed.author if committed else None, committed.date if committed else None,
        True, site.doc_path(current),
    ))
    return rows


def in_force(rows: list[Row], day: dt.date) -> Row | None:
    """The row in force on ``day`` (see :func:`generator.git.history.in_force`)."""
    candidates = [(r.doc.effective, i, r) for i, r in enumerate(rows)
                  if r.doc.status in IN_FORCE and r.doc.effective <= day]
    if not candidates:
        return None
    latest = max(candidates, key=lambda c: (c[0], c[1]))[2]  # ties: the later revision
    return None if latest.doc.status == "retired" else latest


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from ``first``'s month to ``last``'s, inclusive."""
    days = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        days.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def asof_data(timelines: dict[str, list[Row]]) -> str:
    """The JSON the as-of script reads from an attribute (the page keeps no `<script>`).

    It holds no URLs: the page's table of all revisions has a link per revision, marked
    `data-rev="<id>@<version>"`, which MkDocs resolves for either URL style; the script
    borrows those.
    """
    data = [
        {"id": doc_id, "title": rows[-1].doc.title, "kind": rows[-1].doc.kind,
         "revisions": [{"version": r.version, "effective": r.doc.effective.isoformat(),
                        "status": r.doc.status} for r in rows]}
        for doc_id, rows in sorted(timelines.items())
    ]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
