"""What is due, overdue and open: one definition, read by the rules and by the dashboards.

`sopsite check` and the site must never disagree about which review is late or which action
is still open, so neither works it out for itself: both ask these functions.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.model.content import AnyDocument
    from generator.model.documents import ActionItem

DUE_SOON_DAYS = 30
"""How far ahead the review dashboard looks for reviews coming due."""

REVIEWED_STATUSES = frozenset({"effective"})
"""Statuses whose review clock runs: a draft or an in-review revision is not in force yet,
and a superseded or retired one is no longer in force."""

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
