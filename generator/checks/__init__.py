"""Cross-document rules: each a small registered function with a stable code.

A rule sees the whole validated handbook and yields findings; the registry stamps them with
the rule's code and severity. Rules never raise and never stop each other: an author sees
every problem in one run. Importing this package registers every rule module.
"""

from __future__ import annotations

import datetime as dt

from generator.checks import flow, ids, quiz, refs, review
from generator.checks.registry import RULES, Context, Rule, Settings
from generator.handbook import Handbook
from generator.problems import Problem

__all__ = ["RULES", "Rule", "Settings", "run_checks"]
_RULE_MODULES = (flow, ids, quiz, refs, review)


def run_checks(
    handbook: Handbook, today: dt.date, settings: Settings | None = None
) -> list[Problem]:
    """Every rule's findings on ``handbook``, as problems."""
    context = Context(handbook, today, settings or Settings())
    problems = []
    for registered in RULES.values():
        if registered.check is None:
            continue
        for finding in registered.check(context):
            problems.append(
                finding.source.problem(
                    finding.loc, registered.code, finding.message, registered.severity,
                    key=finding.key,
                )
            )
    return problems
