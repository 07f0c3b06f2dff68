"""What is due, overdue and open: one definition, read by the rules and by the dashboards.

`sopsite check` and the site must never disagree about which review is late or which action
is still open, so neither works it out for itself: both ask these functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.model.content import AnyDocument
    from generator.model.documents import ActionItem, Document

DUE_SOON_DAYS = 30
"""How far ahead the review dashboard looks for reviews coming due."""

REVIEWED_STATUSES = frozenset({"effective", "imported"})
"""Statuses whose review clock runs: a draft or an in-review revision is not in force yet,
and a superseded or retired one is no longer in force. An imported document is the
procedure in use, signed or not: its clock runs from the day it was imported."""


def review_start(doc: Document) -> dt.date:
    """The day the review clock starts: `effective`, or for an `imported` document the day
    its `source` says it was imported. An original last reviewed years ago is not overdue
    the day it arrives: the handbook's own review cycle begins with the import."""
    if doc.status == "imported" and doc.source is not None and doc.source.imported:
        return doc.source.imported
    return doc.effective


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, at the month's last day when shorter.

    Past the calendar's last year it is the calendar's last day: never due, and never a
    crash for a document that takes effect in 9999.
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


OPEN_ACTION_STATUSES = frozenset({"open", "in-progress"})
"""Action statuses that still ask something of someone. `archived` is not among them: a
historical item nobody will close stays on its document's page and leaves the open-items
page (and is never overdue)."""

RECORD_KINDS = frozenset({"retro", "postmortem"})
"""Kinds that are records of something that happened, not procedures: never due for review."""


def review_date(doc: AnyDocument) -> dt.date | None:
    """The day ``doc`` is due for review, or None when it is never due.

    Retrospectives and post-mortems are records, not procedures: never due.
    """
    if doc.kind in RECORD_KINDS or doc.status not in REVIEWED_STATUSES:
        return None
    return doc.next_review


def review_overdue(doc: AnyDocument, today: dt.date) -> bool:
    """Whether the review of ``doc`` was due before ``today``."""
    due = review_date(doc)
    return due is not None and due < today


def review_due_soon(doc: AnyDocument, today: dt.date, days: int = DUE_SOON_DAYS) -> bool:
    """Whether the review of ``doc`` falls due from ``today`` to ``days`` days ahead."""
    due = review_date(doc)
    return due is not None and today <= due <= today + dt.timedelta(days=days)


def action_open(action: ActionItem) -> bool:
    """Whether ``action`` still asks something of someone."""
    return action.status in OPEN_ACTION_STATUSES


def action_overdue(action: ActionItem, today: dt.date) -> bool:
    """Whether ``action`` is open and its due day is before ``today``; an action with no
    due day is never overdue (unknown is not late)."""
    return action_open(action) and action.due is not None and action.due < today
