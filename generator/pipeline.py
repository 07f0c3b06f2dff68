"""The whole validation pipeline in one call: load, model, rules, severity policy."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.checks import Settings, local_findings, run_checks
from generator.checks.registry import advisory_codes
from generator.gcpause import collector_paused
from generator.load.handbook import load_handbook
from generator.model import AnyItem
from generator.model.handbook import Entry, Handbook
from generator.problems import Problem, bounded, promote_warnings


def current_day() -> dt.date:
    """The day checks and pages are made for; SOPSITE_TODAY=YYYY-MM-DD pins it (audits, tests)."""
    pinned = os.environ.get("SOPSITE_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def check_handbook(
    root: Path, *, today: dt.date | None = None, strict: bool = False,
    settings: Settings | None = None, boundary: Path | None = None,
) -> tuple[Handbook, list[Problem]]:
    """Load ``root`` and run every rule; problems come back sorted, at most
    `generator.problems.MAX_PER_CODE` of one code per file (and a line for the rest).

    Rules run on whatever validated, even when some files failed: one broken file should
    not hide the problems of the others. Files outside ``boundary`` (by default the project
    ``root`` belongs to, `generator.boundary.project_root`) are refused unread.
    """
    day, settings = today or current_day(), settings or Settings()

    # The local rules run on each entry as soon as it is loaded: this process is then busy
    # while helpers parse, rather than after they finish, when it would work alone.
    def check_entry(entry: Entry[AnyItem]) -> None:
        local_findings(entry, root, day, settings)

    with collector_paused():
        handbook, problems = load_handbook(root, loaded=check_entry, boundary=boundary)
        problems += run_checks(handbook, day, settings)
    if strict:
        problems = promote_warnings(problems, advisory_codes())
    return handbook, bounded(problems)
