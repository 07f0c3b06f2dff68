"""Cross-document rules: each a small registered function with a stable code.

A rule sees the whole validated handbook and yields findings; the registry stamps them with
the rule's code and severity. Rules never raise and never stop each other: an author sees
every problem in one run. Importing this package registers every rule module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from generator.boundary import display_path
from generator.checks import (
    agreement,
    flow,
    ids,
    incidents,
    markdown,
    outside,
    parallel,
    quiz,
    refs,
    review,
    structure,
)
from generator.checks.registry import RULES, Context, Rule, Settings
from generator.memo import ByIdentity
from generator.model import AnyItem
from generator.model.handbook import Entry, Handbook
from generator.problems import Problem, debugging, internal_problem

__all__ = ["RULES", "Findings", "Rule", "Settings", "local_findings", "run_checks"]
_RULE_MODULES = (agreement, flow, ids, incidents, markdown, outside, parallel, quiz, refs,
                 review, structure)


class Findings:
    """What the local rules found in each entry, per day and settings, for a session that
    checks more than once: under `sopsite serve` unchanged files keep their entries, so a
    save re-runs these rules on one file only."""

    def __init__(self) -> None:
        self._found: ByIdentity[dict[tuple[dt.date, Settings], list[Problem]]] = ByIdentity()

    def of(self, entry: Entry[AnyItem], key: tuple[dt.date, Settings],
           find: Callable[[], list[Problem]]) -> list[Problem]:
        """``find()``'s problems for ``entry`` under ``key``, worked out once."""
        found = self._found.get(entry, dict)
        if key not in found:
            found[key] = find()
        return found[key]


def run_checks(
    handbook: Handbook, today: dt.date, settings: Settings | None = None,
    findings: Findings | None = None,
) -> list[Problem]:
    """Every rule's findings on ``handbook``, as problems.

    Local rules run on one entry at a time (`local_findings`), so what they found can be
    kept per entry (in ``findings``); the others see the whole handbook.
    """
    settings, findings = settings or Settings(), findings or Findings()
    rules = [r for r in RULES.values() if r.check is not None and not r.local]
    quiet = {id(entry.source): entry.unchecked for entry in handbook.partial}
    problems = _findings(Context(handbook.checked, today, settings), rules, quiet)
    for entry in (*handbook.entries, *handbook.partial):
        problems.extend(local_findings(entry, handbook.root, today, settings, findings))
    return problems


def local_findings(
    entry: Entry[AnyItem], root: Path, today: dt.date, settings: Settings,
    findings: Findings,
) -> list[Problem]:
    """What the local rules find in one entry, through a handbook of that entry alone.

    Kept in ``findings`` per entry, day and settings: under `sopsite serve` a save re-runs
    these rules on the changed file only, and a check runs them on each entry as soon as
    it is loaded, while helper processes still parse the rest (`generator.pipeline`).
    """
    def find() -> list[Problem]:
        rules = [r for r in RULES.values() if r.check is not None and r.local
                 and r.code not in entry.unchecked]
        return _findings(Context(Handbook(root, (entry,)), today, settings), rules)

    return findings.of(entry, (today, settings), find)


def _findings(context: Context, rules: list[Rule],
              quiet: dict[int, frozenset[str]] | None = None) -> list[Problem]:
    """What ``rules`` find; ``quiet`` holds, by the identity of a partial entry's source,
    the codes whose findings there could be wrong (`Entry.unchecked`)."""
    problems: list[Problem] = []
    quiet = quiet or {}
    for registered in rules:
        assert registered.check is not None
        try:
            problems.extend(
                finding.source.problem(
                    finding.loc, registered.code, finding.message, registered.severity,
                    key=finding.key,
                )
                for finding in registered.check(context)
                if registered.code not in quiet.get(id(finding.source), ())
            )
        except Exception as error:
            if debugging():
                raise
            problems.append(_rule_failed(context, registered, error))
    return problems


def _rule_failed(context: Context, registered: Rule, error: Exception) -> Problem:
    """A rule that raised, as a problem: at the item when it ran on one (a local rule),
    else at the handbook's folder. The other rules and files are still checked."""
    doing = f"running rule {registered.code} on this item"
    entries = context.handbook.entries
    if len(entries) == 1:
        source = entries[0].source
        try:
            line, column = source.position(())
        except Exception:  # positions come from the same text: they may fail alike
            line, column = 1, 1
        return internal_problem(source.path, line, column, "INTERNAL002", doing, error)
    return internal_problem(display_path(context.handbook.root), 1, 1, "INTERNAL002",
                            f"running rule {registered.code}", error)
