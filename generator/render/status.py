"""Whether a page shows a document in force, and what its banner says when it does not.

A reader who lands on a page from search, a bookmark or a printout must not have to find
the status cell of the control table to learn that what they read is not the procedure in
use: every page of a document that is not in force opens with a banner, and so does every
frozen page of a past version. The banner's facts are worked out here, from the timeline,
so that the templates only word them.

Search follows the same line. A draft or a document in review was never approved: readers
searching for how to do something must land on what is in force, so neither is indexed
unless the handbook opts in (the plugin option `drafts_in_search`). A superseded or retired
document was approved and was once followed: it is part of the record an auditor or an
investigator searches ("which procedure applied in March?"), so it stays searchable, without
the boost in-force pages get, and its banner says at once that it is no longer in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, NamedTuple

from generator.git.history import IN_FORCE
from generator.model import AnyDocument
from generator.render import revisions

IN_USE = frozenset({"effective", "imported"})
"""Statuses of a document in force now: its live page needs no banner (an imported one
gets the notice that nobody signed it here)."""
UNAPPROVED = frozenset({"draft", "in-review"})
"""Statuses of a document that was never approved: out of search unless opted in."""

FrozenKind = Literal["superseded", "retired", "in-force", "never", "retiring", "pending"]


class Version(NamedTuple):
    """A version a banner points to: its number and the page that shows it."""

    version: str
    page: str
    status: str


class LiveBanner(NamedTuple):
    """What the banner of a document's current page (and its module, checklist and diffs)
    says; ``None`` is returned instead for a document in force with nothing to say."""

    status: str
    in_force: Version | None
    """An earlier version in force today, while this one is a draft or in review."""
    successors: tuple[str, ...]
    """Ids of documents that supersede this one."""


class FrozenBanner(NamedTuple):
    """What the banner of a frozen page of a past version says."""

    kind: FrozenKind
    """superseded / retired: a later version took over (or retired the document) on ``on``;
    in-force: this version is still the one in force (the newer one is not yet);
    never: a draft or in-review version that never took effect;
    retiring: this version retired the document; pending: it takes effect after today."""
    on: dt.date | None
    by: Version | None


def searchable(doc: AnyDocument, drafts_in_search: bool) -> bool:
    """Whether the current page of ``doc`` (and its training module) is indexed."""
    return drafts_in_search or doc.status not in UNAPPROVED


def live_banner(doc: AnyDocument, rows: Sequence[revisions.Row], successors: Sequence[str],
                today: dt.date) -> LiveBanner | None:
    """The banner of the current page of ``doc``; none when it is effective."""
    if doc.status == "effective":
        return None
    earlier = None
    if doc.status in UNAPPROVED:
        row = revisions.in_force(list(rows[:-1]), today)
        earlier = Version(row.version, row.page, row.status) if row else None
    return LiveBanner(doc.status, earlier, tuple(successors))


def frozen_banner(rows: Sequence[revisions.Row], index: int, today: dt.date) -> FrozenBanner:
    """The banner of the frozen page of ``rows[index]`` (rows oldest first)."""
    row = rows[index]
    if row.status not in IN_FORCE:
        return FrozenBanner("never", None, None)
    if row.status == "retired":
        return FrozenBanner("retiring", row.effective, None)
    if revisions.in_force(list(rows), today) is row:
        later = rows[-1]
        return FrozenBanner("in-force", None, Version(later.version, later.page,
                                                      later.status))
    for later in rows[index + 1:]:
        if later.status in IN_FORCE:
            kind: FrozenKind = "retired" if later.status == "retired" else "superseded"
            return FrozenBanner(kind, later.effective,
                                Version(later.version, later.page, later.status))
    return FrozenBanner("pending", row.effective, None)
