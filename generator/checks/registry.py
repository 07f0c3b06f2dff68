"""The rule registry: codes, severities, one-line purposes and the check functions.

A rule sees the whole validated handbook and yields :class:`Finding` objects; the registry
stamps them with the rule's code and severity. Rules never raise and never stop each other:
an author sees every problem in one run. `sopsite rules` lists them from this registry,
together with the codes the loader and the model report, so the list cannot go stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from generator.load import EXPANSION_FACTOR, MIN_EXPANDED, Loc, SourceMap
from generator.model import MAX_NAME, MAX_TEXT
from generator.model.handbook import Handbook
from generator.model.incidents import DEFAULT_SEVERITIES, SeverityLevel
from generator.problems import Severity


@dataclass(frozen=True)
class Settings:
    """Handbook-wide policy that rules apply (set in mkdocs.yml or on the command line)."""

    min_coverage: float = 0.8
    """Share of a document's steps its quiz must cover before QUIZ006 stays quiet."""
    severities: tuple[SeverityLevel, ...] = DEFAULT_SEVERITIES
    """The handbook's incident severity scale, most severe first (INCIDENT003)."""


T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the handbook, the day the check runs, and the policy."""

    handbook: Handbook
    today: dt.date
    settings: Settings = Settings()
    _shared: dict[str, Any] = field(default_factory=dict, init=False, compare=False,
                                      repr=False)
    """What several rules of one run need alike (see `once`); it lives as long as the run."""

    def once(self, name: str, make: Callable[[Context], T]) -> T:
        """``make(self)``, worked out once per run however many rules ask: work that reads
        files (attachments) is not repeated by each rule that reports on it."""
        if name not in self._shared:
            self._shared[name] = make(self)
        return cast(T, self._shared[name])


@dataclass(frozen=True)
class Finding:
    """A rule's report, before the registry gives it a code and a severity."""

    source: SourceMap
    loc: Loc
    message: str
    key: bool = False


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule; ``check`` is None for codes the loader or the model report."""

    code: str
    severity: Severity
    summary: str
    check: Check | None = None
    local: bool = False
    """What it finds in an item depends on that item alone (and on the day and the
    settings), never on other files: it may run one item at a time, and a live server
    re-runs it only on the files that changed."""
    advisory: bool = False
    """A warning that is advice about how the site shows a document, not a fault in it:
    `--strict` does not make it an error and it never fails a build."""


RULES: dict[str, Rule] = {}


def advisory_codes() -> frozenset[str]:
    """The codes `--strict` leaves as warnings (see `Rule.advisory`)."""
    return frozenset(code for code, rule in RULES.items() if rule.advisory)


def rule(code: str, severity: Severity, summary: str, *, local: bool = False,
         advisory: bool = False) -> Callable[[Check], Check]:
    """Register a check function under a stable code (see `Rule.local`, `Rule.advisory`)."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(code, severity, summary, check, local, advisory)
        return check

    return register


def _builtin(code: str, severity: Severity, summary: str) -> None:
    RULES[code] = Rule(code, severity, summary)


_builtin("FILE001", Severity.ERROR, "file larger than the size limit (1 MiB)")
_builtin("FILE002", Severity.ERROR, "binary file (contains a NUL byte)")
_builtin("FILE003", Severity.ERROR, "file is not valid UTF-8")
_builtin("FILE004", Severity.ERROR, "file is empty")
_builtin("FILE005", Severity.ERROR, "file cannot be read")
_builtin("FILE006", Severity.ERROR, "a symbolic link (or the handbook folder) that leads out of "
         "the project; never read")
_builtin("FILE007", Severity.ERROR, "not a regular file (named pipe, device, socket) or a "
         "linked folder; never read")
_builtin("OUT001", Severity.ERROR, "export or the cache would overwrite a file sopsite did not "
         "write, or write through a link out of its folder")
_builtin("TEMPLATE001", Severity.ERROR, "a template override (the templates folder) that Jinja "
         "cannot parse or render")
_builtin("CONFIG001", Severity.ERROR, "the sopsite option brand_colour in mkdocs.yml is not a hex "
         "colour")
_builtin("CONFIG002", Severity.ERROR, "an SVG image in docs/ (the logo, the favicon or any "
         "other) that runs script or loads from elsewhere when opened")
_builtin("YAML001", Severity.ERROR, "invalid YAML syntax or an unsupported tag")
_builtin("YAML002", Severity.ERROR, "duplicate key in a mapping")
_builtin("YAML003", Severity.ERROR, "top level (or a list item) is not a mapping")
_builtin("YAML004", Severity.ERROR, "merge key ('<<') used")
_builtin("YAML005", Severity.ERROR, "aliases expand beyond the bound (billion laughs)")
_builtin("YAML006", Severity.ERROR,
         "a date that does not exist, or a date or time not in ISO 8601's form")
_builtin("YAML007", Severity.WARNING, "a ' #word' comment cuts a plain text value short")
_builtin("YAML008", Severity.ERROR, f"aliases expand the file's text beyond its budget "
         f"({EXPANSION_FACTOR} times the file, at least {MIN_EXPANDED:,} characters)")
_builtin("INTERNAL001", Severity.ERROR, "a bug in sopsite while loading or validating a file")
_builtin("INTERNAL002", Severity.ERROR, "a bug in sopsite while running a rule")
_builtin("MODEL001", Severity.ERROR, "missing or unknown 'kind'")
_builtin("MODEL002", Severity.ERROR, "unknown key (with the closest valid key)")
_builtin("MODEL003", Severity.ERROR, "missing required key")
_builtin("MODEL004", Severity.ERROR, "value of the wrong type or out of range")
_builtin("MODEL005", Severity.ERROR, "an SOP, process or retro in a list with other items")
_builtin("MODEL006", Severity.ERROR, f"a text longer than its budget ({MAX_TEXT:,} characters; "
         f"titles and names {MAX_NAME})")
_builtin("VERSION001", Severity.ERROR, "with --base: content changed without a version bump")
_builtin("VERSION002", Severity.ERROR, "with --base: the version went down")
_builtin("VERSION003", Severity.ERROR, "with --base: a major bump without roles to retrain")

_builtin("HIST001", Severity.WARNING, "history: a commit git cannot date (not a revision)")
_builtin("HIST002", Severity.WARNING, "history: an author name that is empty or holds control "
         "characters")
_builtin("HIST003", Severity.WARNING, "history: another file claimed the document's id "
         "(not a revision)")
_builtin("HIST004", Severity.WARNING, "history: a version the change history does not declare "
         "(not a revision, never in force)")
_builtin("HIST005", Severity.WARNING, "history: a commit that takes the version back down "
         "(not a revision)")
_builtin("HIST006", Severity.WARNING, "history: the declared change history disagrees with git "
         "(a date after the commit, a version git never had, dates out of version order)")
