"""`sopsite check`, `check-changed`, `schema` and `rules`: the commands that check a handbook
or describe what is checked.

Like every command of `generator.commands.cli`, each imports the machinery it needs only
when it runs: `check` runs on every save in editors and hooks, and is timed with its
start-up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import click

from generator import pipeline
from generator.checks import RULES
from generator.checks.registry import advisory_codes
from generator.commands.base import DEFAULT_ROOT
from generator.mkdocs.config import configured, plugin_options
from generator.problems import Problem, Severity, failing, render, summary


@click.argument("path", default=DEFAULT_ROOT,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True, help="text for people, github for workflow annotations, json "
              "for tools (a versioned shape: schemas/check-report.schema.json).")
@click.option("--strict", is_flag=True, help="Fail on warnings (such as an overdue review) "
              "too; each problem keeps its severity.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Check as of this day (YYYY-MM-DD) instead of the real date, for "
              "reproducible audits (SOPSITE_TODAY sets it for every command).")
@click.option("--min-coverage", type=click.FloatRange(0, 1), default=None,
              help="Share of steps each quiz must cover (default: the sopsite plugin's "
              "training_coverage in mkdocs.yml, else 0.8).")
@click.option("--base", "base", default=None, metavar="REF",
              help="Also compare with this git revision: content changed without a version "
              "bump, versions going down and major bumps without retraining are errors.")
def check(path: Path, fmt: str, strict: bool, today: dt.datetime | None,
          min_coverage: float | None, base: str | None) -> None:
    """Validate every YAML file under PATH (default: sops) and print all problems.

    Each problem reads `path:line:col: severity [CODE] message`. Exits 1 when an error is
    found, 0 otherwise; warnings alone do not fail the run unless --strict is given (they
    are still printed as warnings).
    """
    # Strict only with --strict: the plugin's strict option is the build's policy, and editors
    # and hooks run `check` to see warnings without failing on them.
    options = configured(Path("mkdocs.yml"), root=path, strict=strict,
                         today=today.date() if today else None)
    if min_coverage is not None:  # over mkdocs.yml's settings, keeping the rest of them
        options = dataclasses.replace(options, settings=dataclasses.replace(
            options.settings, min_coverage=min_coverage))
    handbook, problems = pipeline.check(options, click.get_current_context().obj)
    problems += _config_problems(Path("mkdocs.yml"))
    if base is not None:
        # Imported here, like every other command's machinery: `check` runs on every save
        # in editors and hooks, and is timed with its start-up.
        from generator.git.compare import base_problems

        problems = sorted(problems + base_problems(handbook, path, base))
    if fmt == "json":
        from generator.report import report_json

        output = report_json(problems, strict=strict, advice=advisory_codes())
    else:
        output = render(problems, fmt)
    if output:
        click.echo(output)
    if fmt == "text":
        click.echo(summary(problems, strict=strict, advice=advisory_codes()), err=True)
    sys.exit(1 if pipeline.fails(problems, strict) else 0)


@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--root", "path", default=DEFAULT_ROOT, show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The handbook folder.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Check as of this day (YYYY-MM-DD) instead of the real date.")
def check_changed(files: tuple[Path, ...], path: Path, today: dt.datetime | None) -> None:
    """Check the whole handbook, strictly only in FILES (the files a commit changes).

    For the pre-commit hook: an error anywhere fails, as the build would; a warning fails
    only in a file of this commit, so an overdue review elsewhere (a matter for the review
    dashboard) never blocks an unrelated commit, while a change to a document still has to
    leave it clean. Every problem is printed, each with its own severity.
    """
    options = configured(Path("mkdocs.yml"), root=path, strict=False,
                         today=today.date() if today else None)
    _, problems = pipeline.check(options, click.get_current_context().obj)
    problems = sorted(problems + _config_problems(Path("mkdocs.yml")))
    changed = {file.resolve() for file in files}
    errors = set(pipeline.fails(problems, False))
    warned = set(failing([p for p in problems if Path(p.path).resolve() in changed],
                         strict=True, advice=advisory_codes())) - errors
    failed = errors | warned
    output = render(problems, "text")
    if output:
        click.echo(output)
    line = summary(problems)
    if warned:
        line += f"; {len(warned)} warning(s) in the files of this commit fail it"
    if len(problems) > len(failed) and any(p.severity is Severity.WARNING for p in problems):
        line += (f"; {len(problems) - len(failed)} warning(s) elsewhere, or advice, do not "
                 "(sopsite check --strict shows them as CI would)")
    click.echo(line, err=True)
    sys.exit(1 if failed else 0)


def _config_problems(mkdocs_yml: Path) -> list[Problem]:
    """What mkdocs.yml's sopsite options would stop the build on (CONFIG001), so that
    `check` finds it before a build does."""
    if not mkdocs_yml.is_file():
        return []
    from generator.mkdocs import brand

    problem = brand.check(mkdocs_yml, plugin_options(mkdocs_yml).get(brand.OPTION))
    return [problem] if problem else []


@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the <kind>.schema.json files and "
                   "handbook.schema.json to.")
def schema(out: Path) -> None:
    """Write the JSON Schema of each kind, handbook.schema.json for any file (read by its
    kind), generated from the content model, and the schema of the report
    `check --format json` prints."""
    from generator.model.schema import schemas
    from generator.report import REPORT_SCHEMA_FILE, report_schema_text

    out.mkdir(parents=True, exist_ok=True)
    for name, text in {**schemas(), REPORT_SCHEMA_FILE: report_schema_text()}.items():
        (out / name).write_text(text, encoding="utf-8")
        click.echo(out / name)


def rules() -> None:
    """List every check with its code, severity and purpose."""
    for registered in RULES.values():
        click.echo(f"{registered.code:<12} {registered.severity.value:<8} {registered.summary}")
