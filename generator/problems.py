"""One finding type for every stage, and the ways to print a list of them.

Every stage (loading, modelling, cross-document rules) reports through :class:`Problem`
so the CLI, the MkDocs plugin and CI annotations all show the same text. Problems are
collected and sorted, never raised one at a time: an author fixing a handbook wants to
see everything that is wrong in one run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters; `--strict` makes warnings fail a run too (`failing`)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """A finding at a 1-based line and column of a file.

    Field order is the sort order: by file, then position, then code.
    """

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str

    def format(self) -> str:
        """The `path:line:col: severity [CODE] message` line that editors can jump to."""
        return (
            f"{self.path}:{self.line}:{self.column}: "
            f"{self.severity.value} [{self.code}] {self.message}"
        )

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the pull request."""
        message = (
            self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        )
        path = (
            self.path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace(":", "%3A").replace(",", "%2C")
        )
        return (
            f"::{self.severity.value} file={path},line={self.line},"
            f"col={self.column},title={self.code}::{message}"
        )


QUOTE_CHARS = 60
"""The most of a value a message quotes: enough to recognise it, never a whole pasted page."""

MAX_PER_CODE = 100
"""Problems of one code shown per file; the rest are counted in one closing line."""


def shorten(text: str) -> str:
    """``text`` cut to its first `QUOTE_CHARS` characters and an ellipsis, when longer."""
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "…"


def quote(value: object) -> str:
    """A value as a message shows it: quoted, and cut to a prefix when long.

    Messages echo what the author wrote so they can find it, but a value can be a pasted
    page, aliased thousands of times: quoted in full, one broken reference would print
    megabytes. The length says how much was left out.
    """
    if not isinstance(value, str):
        return shorten(repr(value))
    if len(value) <= QUOTE_CHARS:
        return repr(value)
    return f"{shorten(value)!r} ({len(value):,} characters)"


def bounded(problems: Iterable[Problem], limit: int = MAX_PER_CODE) -> list[Problem]:
    """``problems`` sorted, with at most ``limit`` of one code per file and a line for the rest.

    One mistake copied through a generated file (thousands of steps leading to one missing
    step) would otherwise print thousands of lines that all say the same: the first ones
    show the pattern, the count says how far it goes, and the output stays bounded.
    """
    seen: dict[tuple[str, str], int] = {}
    dropped: dict[tuple[str, str], Problem] = {}
    kept: list[Problem] = []
    for problem in sorted(problems):
        key = (problem.path, problem.code)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            kept.append(problem)
        else:
            dropped.setdefault(key, problem)
    # At the first problem left out, so the line sorts after the ones shown.
    kept.extend(
        Problem(first.path, first.line, first.column, first.code, first.severity,
                f"and {seen[key] - limit:,} more {first.code} problem(s) in this file from "
                f"here on, after the first {limit:,}; fix those and check again")
        for key, first in dropped.items()
    )
    return sorted(kept)


REPORT_TO = "the sopsite issue tracker"
"""Where a bug in sopsite is reported (the package declares no project URL yet)."""


def internal_problem(path: str, line: int, column: int, code: str, doing: str,
                     error: Exception) -> Problem:
    """A bug in sopsite, met while handling one file, as a problem of that file.

    The run goes on with the other files, so one file that trips a bug cannot hide every
    other finding. The exception's own text is cut short: it may quote the file, and the
    author needs its type and where it happened, not the content.
    """
    detail = " ".join(str(error).split())
    detail = detail if len(detail) <= 60 else detail[:57] + "..."
    named = type(error).__name__ + (f": {detail}" if detail else "")
    return Problem(path, line, column, code, Severity.ERROR,
                   f"internal error while {doing} ({named}); this is a bug in sopsite, not in "
                   f"the file: please report it at {REPORT_TO} (SOPSITE_DEBUG=1 shows where "
                   "it failed)")


def debugging() -> bool:
    """Whether SOPSITE_DEBUG asks for internal errors to be raised with their traceback."""
    return bool(os.environ.get("SOPSITE_DEBUG"))


def failing(problems: Iterable[Problem], *, strict: bool,
            advice: frozenset[str] = frozenset()) -> list[Problem]:
    """The problems that fail a run: every error and, with `--strict`, every warning whose
    code is not in ``advice``. Each keeps its own severity: `--strict` decides whether a
    run fails, never what a finding is, so CI annotations and tools still tell an error
    from a warning."""
    return [p for p in problems if p.severity is Severity.ERROR
            or (strict and p.code not in advice)]


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether a run must fail."""
    return any(p.severity is Severity.ERROR for p in problems)


def render(problems: Iterable[Problem], fmt: str) -> str:
    """All problems, sorted, as lines (`text`) or workflow commands (`github`); the JSON
    shape is `generator.report`'s."""
    ordered = sorted(problems)
    if fmt == "github":
        return "\n".join(p.format_github() for p in ordered)
    return "\n".join(p.format() for p in ordered)


def summary(problems: Iterable[Problem], *, strict: bool = False,
            advice: frozenset[str] = frozenset()) -> str:
    """One closing line, so a clean run still says something; with `--strict`, it says
    that the warnings fail the run too (all of them, or those that are not advice)."""
    items = list(problems)
    errors = sum(p.severity is Severity.ERROR for p in items)
    warnings = len(items) - errors
    if not items:
        return "no problems found"
    line = f"{errors} error(s), {warnings} warning(s)"
    failing_warnings = len(failing(items, strict=strict, advice=advice)) - errors
    if failing_warnings == warnings and warnings:
        return f"{line}; with --strict, warnings fail the run"
    if failing_warnings:
        return (f"{line}; with --strict, {failing_warnings} of the warnings fail the run "
                "(the others are advice)")
    return line
