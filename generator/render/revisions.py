"""Views of a document's revisions: its timeline, frozen pages, diffs and the as-of data.

The timeline joins the versions the document declares in its `changes`, git's revisions and
the working tree: the current version is always the live page, past versions git has get
frozen pages of their own, and consecutive ones get a diff; a version known only from
`changes` is marked declared, and has neither (its text is not known).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from generator.checks.refs import version_key
from generator.git.history import IN_FORCE, Revision
from generator.git.repo import SHORT
from generator.model import AnyDocument, Change
from generator.render import site
from generator.render.digest import digest_of, text_digest
from generator.render.i18n import status_label

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


Source = Literal["declared", "git", "uncommitted"]
"""Where a version in the timeline is known from: only the document's `changes` (a version
from before the repository), a commit, or the working tree not yet committed."""


@dataclass(frozen=True)
class Row:
    """One version of a document in its timeline."""

    doc: AnyDocument
    """The document as it stood at this version; for a declared version, whose text is not
    known, the current document (for its title, kind and language only)."""
    text: str | None
    commit: str | None
    author: str | None
    """The author of the commit that brought the version (git's)."""
    committed: dt.date | None
    current: bool
    page: str
    """Where this version is shown: the live page, or its frozen page (a declared version
    has none: the live page, whose change history lists it)."""
    version: str
    effective: dt.date
    """The day it took effect: its own `effective`; a declared version's change date."""
    status: str
    source: Source
    change: Change | None
    """The current document's `changes` entry for this version: the declared history."""

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything the row shows, its YAML included (diffs show that)."""
        return digest_of([self.doc, text_digest(self.text), self.commit, self.author,
                          self.committed, self.current, self.page, self.version,
                          self.effective, self.status, self.source, self.change])

    @property
    def authors(self) -> list[tuple[str, str]]:
        """(name, where it is from) of each different author of this version: the declared
        one and git's, one entry when they agree."""
        found: list[tuple[str, str]] = []
        if self.change is not None:
            found.append((self.change.author, "declared"))
        if self.author and self.author.strip():
            same = self.change is not None and _same(self.change.author, self.author)
            if not same:
                found.append((self.author, "git"))
        return found


def _same(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def timeline(current: AnyDocument, current_text: str | None,
             revisions: list[Revision]) -> list[Row]:
    """Every version of a document, oldest first; the last row is the working tree's.

    Versions git has come from git; versions only the document's `changes` list (from
    before the repository, or never committed: HIST006) come in too, marked as declared,
    so that the as-of view, the revision table and the change history tell one story.
    Versions above the current one are left out (CHANGE001 reports them).
    """
    entries = {c.version: c for c in current.changes}
    latest: dict[str, Revision] = {}
    for revision in revisions:  # a version committed twice keeps its latest content
        latest.pop(revision.version, None)
        latest[revision.version] = revision
    rows = [
        Row(r.doc, r.text, r.commit, r.author, r.date, False, frozen_path(current, r.version),
            version, r.doc.effective, r.doc.status, "git", entries.get(version))
        for version, r in latest.items() if version != current.version
    ]
    top = version_key(current.version)
    rows += [
        Row(current, None, None, None, None, False, site.doc_path(current), c.version,
            c.date, "superseded", "declared", c)
        for version, c in entries.items()
        if version not in latest and version != current.version and version_key(version) < top
    ]
    rows.sort(key=lambda row: version_key(row.version))
    committed = latest.get(current.version)
    rows.append(Row(
        current, current_text, committed.commit if committed else None,
        committed.author if committed else None, committed.date if committed else None,
        True, site.doc_path(current), current.version, current.effective, current.status,
        "git" if committed else "uncommitted", entries.get(current.version),
    ))
    return rows


def in_force(rows: list[Row], day: dt.date) -> Row | None:
    """The row in force on ``day`` (see :func:`generator.git.history.in_force`)."""
    candidates = [(r.effective, i, r) for i, r in enumerate(rows)
                  if r.status in IN_FORCE and r.effective <= day]
    if not candidates:
        return None
    latest = max(candidates, key=lambda c: (c[0], c[1]))[2]  # ties: the later revision
    return None if latest.status == "retired" else latest


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
         "revisions": [{"version": r.version, "effective": r.effective.isoformat(),
                        "status": r.status, "label": status_label(r.status, r.doc.language),
                        "source": r.source,
                        "commit": (r.commit or "")[:SHORT]} for r in rows]}
        for doc_id, rows in sorted(timelines.items())
    ]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
