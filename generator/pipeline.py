"""The one orchestration: load and check, read the history, generate, write.

Every command and the MkDocs plugin call these, with a `generator.session.Session` that
holds what may be reused and `Options` that say how: what the sopsite plugin's options in
mkdocs.yml set, read in one place (`Options.from_plugin`), with a command's own flags
laid over them. The stages themselves are functions of their inputs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from generator.boundary import admit, display_path, walk
from generator.checks import Settings, local_findings, run_checks
from generator.checks.registry import advisory_codes
from generator.errors import SopsiteError
from generator.load.handbook import load_handbook
from generator.model import AnyItem, Language
from generator.model.handbook import Entry, Handbook
from generator.model.incidents import SeverityLevel
from generator.problems import Problem, bounded, failing
from generator.session import Session

if TYPE_CHECKING:
    from generator.render.pages import Site


def current_day() -> dt.date:
    """The day checks and pages are made for; SOPSITE_TODAY=YYYY-MM-DD pins it (audits, tests)."""
    pinned = os.environ.get("SOPSITE_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


class ConfigError(SopsiteError):
    """The sopsite plugin's options in mkdocs.yml cannot be used as written."""

    usage = True


def severity_scale(value: object) -> tuple[SeverityLevel, ...]:
    """The plugin option `severities`: a list of `{id, description}`, most severe first.

    A scale that cannot be read stops the run (MkDocs' own validation would stop the
    build): checking incidents against a scale other than the one written would be silent.
    """
    example = "severities: [{id: SEV1, description: Service down}]"
    if not isinstance(value, list) or not value:
        raise ConfigError(f"mkdocs.yml: expected the sopsite option 'severities' as a list of "
                          f"levels, e.g. {example}; found {type(value).__name__}")
    levels: list[SeverityLevel] = []
    for i, level in enumerate(value):
        ok = (isinstance(level, Mapping) and set(level) == {"id", "description"}
              and all(isinstance(level[k], str) and level[k].strip() for k in level))
        if not ok:
            raise ConfigError(f"mkdocs.yml: expected severities[{i}] as a mapping of 'id' and "
                              f"'description' (both text), e.g. {example}; found {level!r}"[:300])
        levels.append(SeverityLevel(level["id"], level["description"]))
    ids = [level.id for level in levels]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ConfigError(f"mkdocs.yml: expected each severity id once, found {twice[0]!r} "
                          "more than once")
    return tuple(levels)


PAPERS = ("A4", "Letter", "Legal", "A3", "A5")


@dataclass(frozen=True)
class PdfSettings:
    """How the PDF copies are worded and laid out (the sopsite plugin's option `pdf`)."""

    notice: Mapping[str, str] = field(default_factory=dict)
    """The footer's notice by language; a language not here gets its labels' wording."""
    paper: str = "A4"

    @classmethod
    def read(cls, value: object) -> PdfSettings:
        """The option as written; one that cannot be used stops the run, as MkDocs would."""
        example = "pdf: {notice: Uncontrolled when printed, paper: A4}"
        if value is None:
            return cls()
        if not isinstance(value, Mapping) or set(value) - {"notice", "paper"}:
            raise ConfigError(f"mkdocs.yml: expected the sopsite option 'pdf' as a mapping of "
                              f"'notice' and 'paper', e.g. {example}; found {value!r}"[:300])
        notice = value.get("notice")
        languages = get_args(Language)
        if isinstance(notice, str):
            notice = dict.fromkeys(languages, notice)
        if notice is not None and not (isinstance(notice, Mapping) and all(
                k in languages and isinstance(v, str) and v.strip() for k, v in notice.items())):
            raise ConfigError("mkdocs.yml: expected pdf.notice as text, or a mapping of a "
                              f"language ({', '.join(languages)}) to text; found {notice!r}"[:300])
        paper = value.get("paper", "A4")
        if paper not in PAPERS:
            raise ConfigError(f"mkdocs.yml: expected pdf.paper as one of {', '.join(PAPERS)}; "
                              f"found {paper!r}"[:300])
        return cls(dict(notice or {}), str(paper))


@dataclass(frozen=True)
class Options:
    """How a handbook is checked and built."""

    root: Path
    """The handbook folder with the YAML sources."""
    templates: Path | None = None
    """A folder of Jinja templates that override the packaged ones by name."""
    strict: bool = False
    """Content warnings (overdue reviews, missing approvals) fail the run, as errors do;
    each keeps its own severity (`fails`)."""
    settings: Settings = field(default_factory=Settings)
    today: dt.date | None = None
    """The day to check and build for; by default `current_day()`."""
    boundary: Path | None = None
    """The folder nothing is read from outside of; by default the project of ``root``."""
    drafts_in_search: bool = False
    """Index drafts and documents in review for search (the plugin option of that name);
    by default readers searching find only approved documents."""
    pdf: PdfSettings = field(default_factory=PdfSettings)
    """How `sopsite pdf` words and lays out its copies."""
    pages_store: Path | None = None
    """Where generated pages are kept on disk between runs (the build cache's `pages/`);
    None: each run makes every page."""

    @classmethod
    def from_plugin(cls, options: Mapping[str, Any], base: Path, **given: Any) -> Options:
        """The options the sopsite plugin has in mkdocs.yml (``options``, paths relative to
        ``base``), with ``given`` (a command's flags that were set) laid over them."""
        def path(value: object) -> Path | None:
            if not isinstance(value, str) or not value:
                return None
            return Path(value) if Path(value).is_absolute() else base / value

        coverage = options.get("training_coverage")
        settings = Settings(float(coverage)) if isinstance(coverage, int | float) else Settings()
        if options.get("severities") is not None:
            settings = replace(settings, severities=severity_scale(options["severities"]))
        read: dict[str, Any] = {
            "root": path(options.get("sops")) or base / "sops",
            "templates": path(options.get("templates")),
            "strict": options.get("strict") is True,
            "drafts_in_search": options.get("drafts_in_search") is True,
            "settings": settings,
            "pdf": PdfSettings.read(options.get("pdf")),
        }
        read.update({key: value for key, value in given.items() if value is not None})
        return cls(**read)

    @property
    def day(self) -> dt.date:
        """The day to check and build for."""
        return self.today or current_day()


def check(options: Options, session: Session | None = None) -> tuple[Handbook, list[Problem]]:
    """Load the handbook and run every rule (see `check_handbook`)."""
    return check_handbook(options.root, today=options.day, settings=options.settings,
                          boundary=options.boundary, session=session)


def fails(problems: list[Problem], strict: bool) -> list[Problem]:
    """The problems that fail a run: the errors and, when ``strict``, the warnings that are
    not advice (`generator.checks.registry.Rule.advisory`); severities stay as found."""
    return failing(problems, strict=strict, advice=advisory_codes())


def check_handbook(
    root: Path, *, today: dt.date | None = None, settings: Settings | None = None,
    boundary: Path | None = None, session: Session | None = None,
) -> tuple[Handbook, list[Problem]]:
    """Load ``root`` and run every rule; problems come back sorted, at most
    `generator.problems.MAX_PER_CODE` of one code per file (and a line for the rest).

    Rules run on whatever validated, even when some files failed: one broken file should
    not hide the problems of the others. Files outside ``boundary`` (by default the project
    ``root`` belongs to, `generator.boundary.project_root`) are refused unread. Each
    problem has the severity its rule gives it; whether they fail a run is `fails`.
    """
    day, settings = today or current_day(), settings or Settings()
    session = session or Session()

    # The local rules run on each entry as soon as it is loaded, into the session's
    # findings: this process is then busy while helpers parse, rather than after they
    # finish, when it would work alone. `run_checks` then takes them from there.
    def check_entry(entry: Entry[AnyItem]) -> None:
        local_findings(entry, root, day, settings, session.findings)

    with session.working():
        handbook, problems = load_handbook(root, loaded=check_entry, boundary=boundary,
                                           cache=session.parsed)
        problems += run_checks(handbook, day, settings, session.findings)
    return handbook, bounded(problems)


def refused_templates(templates: Path | None, project: Path) -> list[Problem]:
    """Files in the template override folder that may not be read.

    A template is rendered into pages: a link out of the project would publish what it
    points at, as a YAML source would (`generator.boundary`).
    """
    if templates is None:
        return []
    files, refused = walk(templates, project, ("",))
    return refused + [p for f in files if (p := admit(f, display_path(f), project))]


def generate_site(options: Options, handbook: Handbook, session: Session | None = None, *,
                  sink: Callable[[str, str], None] | None = None,
                  warn: Callable[[Problem], None] | None = None) -> Site:
    """Read the history, then make every page; with ``sink`` each page goes there as it is
    made (see `generator.render.pages.generate`). ``warn`` hears of each problem the history
    has before any page is made, so that a failed page does not hide them.

    A live session (``session.serving``) keeps the pages for its next build.
    """
    # Imported here: `sopsite check` starts without Jinja and git's machinery.
    from generator.git.history import read_history
    from generator.render.pages import generate

    session = session or Session()
    history = read_history(options.root, handbook, session.logs)
    if warn is not None:
        for problem in history.problems:
            warn(problem)
    return generate(handbook, today=options.day, template_dir=options.templates,
                    history=history, sink=sink,
                    cache=session.page_cache(options.pages_store),
                    renderer=session.renderer(options.templates),
                    severities=options.settings.severities,
                    drafts_in_search=options.drafts_in_search)


class RegisterError(SopsiteError):
    """The handbook has errors: a register of it would list what reviewers never passed."""

    failed = "register"


def evidence_register(options: Options, session: Session | None = None) -> dict[str, bytes]:
    """Check, read the history, and make the register's files (`generator.render.register`);
    a handbook with errors (or, when ``options.strict``, failing warnings) gets none."""
    from generator.git.history import read_history
    from generator.render.register import register_files

    session = session or Session()
    handbook, problems = check(options, session)
    failed = fails(problems, options.strict)
    if failed:
        raise RegisterError(f"{len(failed)} problem(s) in the handbook", failed)
    return register_files(handbook, read_history(options.root, handbook, session.logs))
