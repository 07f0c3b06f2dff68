"""The `sopsite` command: a thin adapter that parses options and prints what the core returns.

Exit codes: 0 clean, 1 problems found, 2 usage error (click's own convention), 3 an internal
error (a bug in sopsite, reported without a traceback unless SOPSITE_DEBUG is set). An error
of the user's input or environment is a `generator.errors.SopsiteError`, shown in one place
(`_Command`) with exit 1 or 2; only what is not one exits 3.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator import pipeline
from generator.boundary import project_root
from generator.checks import RULES
from generator.checks.registry import advisory_codes
from generator.commands.base import Command
from generator.commands.pdf import pdf as pdf_command
from generator.commands.register import register
from generator.engines import ENGINES
from generator.mkdocs.config import configured, plugin_options
from generator.pipeline import check_handbook, current_day
from generator.problems import Problem, Severity, failing, has_errors, render, summary
from generator.session import Session

DEFAULT_ROOT = "sops"


class _Group(click.Group):
    command_class = Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sopsite")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Standard operating procedures as code: check the YAML in sops/ and build the site."""
    session = ctx.obj = Session()
    if ctx.invoked_subcommand in ("check", "check-changed"):
        # A check keeps all it loads until the process ends, so a cycle collection could
        # free nothing, yet would walk every object the load made: none runs until it exits.
        ctx.with_resource(session.working(kept=True))


@cli.command()
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


@cli.command(name="check-changed")
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


@cli.command()
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


@cli.command()
def rules() -> None:
    """List every check with its code, severity and purpose."""
    for registered in RULES.values():
        click.echo(f"{registered.code:<12} {registered.severity.value:<8} {registered.summary}")


@cli.command()
@click.option("-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The MkDocs configuration.")
@click.option("-d", "--site-dir", "site_dir", default=None,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the site goes (default: site_dir of the configuration).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages too.")
@click.option("--pdf", is_flag=True, help="Also print the PDF copies (see sopsite pdf) into "
              "the site's copies/ folder.")
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True,
              help="What builds the site: MkDocs; ProperDocs, its continuation (make "
              "properdocs); or Zensical (make zensical), which runs no MkDocs plugin, so "
              "sopsite makes the pages and the configuration for it.")
def build(config_file: Path, site_dir: Path | None, verbose: bool, pdf: bool,
          engine: str) -> None:
    """Check the handbook, then build the site strictly; replace SITE_DIR only on success.

    A failed build (or, with --pdf, a failed print) leaves the previous site as it was.
    """
    from generator.commands.pdf import into_site

    if engine == "properdocs":
        from generator.engines import properdocs

        if not properdocs.active():
            sys.exit(properdocs.run(
                ["build", "-f", str(config_file), *(["-d", str(site_dir)] if site_dir else []),
                 *(["-v"] if verbose else []), *(["--pdf"] if pdf else [])]))
    finish = into_site(config_file) if pdf else None
    if engine == "zensical":
        from generator.engines.zensical import build_site as zensical_build

        built = zensical_build(config_file, site_dir, verbose=verbose, finish=finish)
    else:
        from generator.mkdocs.build import build_site

        built = build_site(config_file, site_dir, verbose=verbose, finish=finish)
    click.echo(f"site built in {built}")


ZENSICAL_CANNOT = {
    "serve": "Zensical's live server runs none of sopsite's part of the build (checks, "
             "pages, the HTML gate); preview with --engine mkdocs or properdocs, or build with "
             "--engine zensical and serve the site folder",
    "publish": "versions are published with mike, which builds through MkDocs; Zensical "
               "has no version selector. Publish with --engine mkdocs or properdocs",
    "bundle": "the offline bundle needs Material's offline plugin and sopsite's snapshot "
              "note, both MkDocs plugins, and Zensical runs none; bundle with --engine mkdocs "
              "or properdocs",
}
"""Why each command cannot run with Zensical: refused, rather than done without it."""


def _engine_option(command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --engine option of a command that builds: MkDocs or ProperDocs; Zensical is
    refused with the reason, so that what it would drop is never dropped silently."""
    return click.option(
        "--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True,
        help="MkDocs, or ProperDocs, its continuation (make properdocs). Zensical is "
        f"refused here: {ZENSICAL_CANNOT[command].split(';')[0]}.")


def _elsewhere(engine: str, command: str, arguments: list[str]) -> None:
    """Run the command with ProperDocs when asked (exiting with its code), refuse Zensical;
    return, to run here, for MkDocs (or inside ProperDocs' run)."""
    from generator.engines import EngineRefusedError, properdocs

    if engine == "zensical":
        raise EngineRefusedError(f"sopsite {command} --engine zensical: "
                                 f"{ZENSICAL_CANNOT[command]}")
    if engine == "properdocs" and not properdocs.active():
        sys.exit(properdocs.run([command, *arguments]))


@cli.command()
@click.option("-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The MkDocs configuration.")
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@click.option("--dirty", is_flag=True,
              help="Rebuild only the pages whose Markdown changed (fast on big handbooks; "
              "other pages' navigation may lag until a full rebuild).")
@_engine_option("serve")
def serve(config_file: Path, dev_addr: str, dirty: bool, engine: str) -> None:
    """Live preview: rebuilds and reloads the browser when sops/ or docs/ change.

    Unchanged YAML files are not parsed again, and generated pages whose Markdown did not
    change keep their timestamps, so with --dirty a save rebuilds only what it affected.
    """
    _elsewhere(engine, "serve", ["-f", str(config_file), "-a", dev_addr,
                                 *(["--dirty"] if dirty else [])])
    from generator.mkdocs.serve import serve_site

    serve_site(config_file, dev_addr, dirty=dirty)


@cli.command()
@click.argument("path", default=DEFAULT_ROOT,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the Markdown files.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of templates that override the packaged ones.")
def export(path: Path, out: Path, templates: Path | None) -> None:
    """Write the generated Markdown as plain files, for MkDocs-free engines.

    Only files sopsite generated earlier are ever replaced or removed in OUT.
    """
    from generator.attachments import MAX_BYTES
    from generator.boundary import read_bounded
    from generator.write import PageWriter

    options = configured(Path("mkdocs.yml"), root=path, templates=templates, strict=False)
    session = click.get_current_context().obj
    handbook, problems = pipeline.check(options, session)
    refused = pipeline.refused_templates(options.templates, project_root(Path.cwd()))
    if has_errors(problems) or refused:
        click.echo(render(sorted(problems + refused), "text"))
        click.echo(summary(problems + refused), err=True)
        sys.exit(1)
    with PageWriter(out) as writer:
        made = pipeline.generate_site(
            options, handbook, session, sink=writer,
            warn=lambda problem: click.echo(problem.format(), err=True))
        for uri, source in made.files.items():
            writer.copy(uri, read_bounded(source, MAX_BYTES)[0][:MAX_BYTES])
    pages = made.pages
    report = writer.report
    if report.refused:
        click.echo(render(report.refused, "text"))
    click.echo(f"{len(pages)} pages in {out}: {len(report.written)} written, "
               f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
               + (f", {len(report.refused)} refused" if report.refused else ""))
    sys.exit(1 if report.refused else 0)


@cli.command(name="new")
@click.argument("kind", type=click.Choice(["sop", "process", "retro", "postmortem", "role",
                                          "term"]))
@click.argument("item_id", metavar="ID")
@click.option("--title", required=True, help="The title (or the role's name, the term).")
@click.option("--owner", default=None, help="Owner role id (default: the first role).")
@click.option("--author", default="Your Name", show_default=True,
              help="Who writes the first draft (for the change history).")
@click.option("--path", "path", default=DEFAULT_ROOT, show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The handbook folder.")
def new(kind: str, item_id: str, title: str, owner: str | None, author: str,
        path: Path) -> None:
    """Write a commented starting file for a new KIND with id ID; never overwrites.

    The file lands in the folder for its kind (sops/sops, sops/processes, sops/retros,
    sops/postmortems, sops/roles, sops/glossary), passes `sopsite check`, and names its
    JSON Schema so editors validate it as you type. A post-mortem's severity is the least
    severe level of the scale in mkdocs.yml (`severities`).
    """
    from generator.commands.scaffold import new_file

    scale = configured(Path("mkdocs.yml"), root=path).settings.severities
    written = new_file(path, kind, item_id, title, owner=owner, author=author,
                       today=current_day(), severities=scale)
    click.echo(written)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Handbook", show_default=True,
              help="The handbook's name, in the header and the browser tab (site_name).")
@click.option("--logo", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="An image (svg, png, jpg, webp) copied to docs/assets/ as the logo and "
              "the favicon.")
@click.option("--colour", default=None, metavar="HEX",
              help='The handbook\'s colour, e.g. "#0b6e6e" (brand_colour).')
@click.option("--footer", default=None,
              help="The footer's line (copyright), instead of \"Made with Material\".")
@click.option("--site-url", default="http://127.0.0.1:8000/", show_default=True,
              help="Where the site will be read (site_url); the default is `make serve`'s "
              "preview.")
@click.option("--sopsite", "source", default=None, metavar="SPEC",
              help="Where the new repository installs sopsite from: a wheel file (copied "
              "into vendor/) or a requirement such as 'sopsite @ git+https://…@v1.0'. "
              "Default: the git commit or version this sopsite was installed from.")
def init(directory: Path, name: str, logo: Path | None, colour: str | None,
         footer: str | None, site_url: str, source: str | None) -> None:
    """Create a new handbook repository in DIRECTORY that builds at once.

    It holds mkdocs.yml, sops/ with the borscht tutorial, roles and a glossary, docs/, the
    JSON Schemas with editor settings, a Makefile whose `make site` and `make test` set it
    up on a fresh machine, the lock of this sopsite and what it runs on, package.json and
    its lock (Mermaid), the CI workflows, a pre-commit config and a README for authors.
    The name, logo, colour, footer and address go into mkdocs.yml, where they can be changed
    later.
    """
    from generator.commands.lockfile import detect
    from generator.commands.scaffold import Identity
    from generator.commands.scaffold import init as init_repository

    locked = detect(source)
    written = init_repository(directory, Identity(name, logo, colour, footer, site_url),
                              locked)
    click.echo(f"{len(written)} files in {directory}; next: cd {directory} && make site "
               "&& make test")
    if locked.note:
        click.echo(f"sopsite: note: {locked.note}", err=True)


@cli.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--path", "path", default=DEFAULT_ROOT, show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The handbook folder.")
@click.option("--full-out", "full_out", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the whole diff to this file; a comment cut to GitHub's limit "
              "names it.")
@click.option("--full-url", "full_url", default=None, metavar="URL",
              help="Where readers find the --full-out file (e.g. the workflow run that keeps "
              "it as an artifact); a cut comment links to it.")
def diff(base: str, head: str | None, path: Path, full_out: Path | None,
         full_url: str | None) -> None:
    """Print what changed in each document from BASE to HEAD (default: the working tree).

    The output is Markdown, ready to post as a pull-request comment: steps added, removed,
    reworded or moved, decision paths, roles, risks, metrics and quiz changes in words, with
    the raw YAML diff folded below. Author text is escaped, so it cannot hide the rest of
    the comment; a diff longer than GitHub takes in one comment (65,536 characters) is cut,
    with a note saying how much is shown and where the full diff is (--full-out).
    """
    from generator.git.compare import report

    current = None
    if head is None:
        current, problems = check_handbook(path)
        if has_errors(problems):
            click.echo(render(problems, "text"), err=True)
            sys.exit(1)
    made = report(path, base, head, current)
    if full_out is not None:
        full_out.write_text(made.full(), encoding="utf-8")
    click.echo(made.comment(full_name=full_out.name if full_out else None, full_url=full_url),
               nl=False)


# --- evidence, versions and snapshots (commands/register.py, publish.py, bundle.py) ---------
cli.command()(register)
def _safe_names(noun: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that refuses a name that cannot be a folder of the published site."""

    def check(_: click.Context, parameter: click.Parameter, value: Any) -> Any:
        from generator.boundary import name_problem

        for name in (value,) if isinstance(value, str) else value:
            problem = name_problem(name, noun)
            if problem is not None:
                raise click.BadParameter(problem, param=parameter)
        return value

    return check


@cli.command()
@click.argument("version", callback=_safe_names("version name"))
@click.option("--alias", "aliases", multiple=True, metavar="ALIAS",
              callback=_safe_names("version alias"),
              help="Another name for this version, e.g. latest (repeatable); an alias that "
              "named another version moves here. Aliases are redirect pages.")
@click.option("-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The MkDocs configuration.")
@click.option("--branch", default=None,
              help="The branch to commit to (default: remote_branch of mkdocs.yml, gh-pages).")
@click.option("--site-url", default=None,
              help="The address the versions are published under (default: site_url of "
              "mkdocs.yml); each version lives at <site-url><VERSION>/.")
@click.option("--default", "default", is_flag=True,
              help="Also redirect the site's root to this publish: to its first alias "
              "(e.g. latest), else to VERSION. One more commit, only when the root moves.")
@click.option("--push", is_flag=True, help="Push the branch to remote_name (origin) after "
              "the commit.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages too.")
@_engine_option("publish")
def publish(version: str, aliases: tuple[str, ...], config_file: Path, branch: str | None,
            site_url: str | None, default: bool, push: bool, verbose: bool,
            engine: str) -> None:
    """Build strictly and commit the site as VERSION to the gh-pages branch (mike).

    One commit per publish (and one more when --default moves the site's root); a failed
    build commits nothing. Nothing is pushed unless --push.
    """
    _elsewhere(engine, "publish", [
        version, *(f"--alias={alias}" for alias in aliases), "-f", str(config_file),
        *([f"--branch={branch}"] if branch else []),
        *([f"--site-url={site_url}"] if site_url else []),
        *(["--default"] if default else []), *(["--push"] if push else []),
        *(["-v"] if verbose else [])])
    from generator.commands.publish import publish as publish_version

    done = publish_version(config_file, version, aliases, branch=branch, push=push,
                           site_url=site_url, default=default, verbose=verbose)
    for warning in done.warnings:
        click.echo(f"sopsite: warning: {warning}", err=True)
    names = ", ".join((done.version, *done.aliases))
    pushed = ", pushed" if done.pushed else "; not pushed (use --push)"
    if not done.committed:
        click.echo(f"{names}: {done.branch} already holds this site; nothing committed")
    else:
        click.echo(f"published {names} to {done.branch} ({done.site_url}){pushed}")
    if done.default is not None:
        click.echo(f"the site's root now redirects to {done.default}/ (committed to "
                   f"{done.branch}{pushed})")


@cli.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip file to write (replaced only when the whole bundle succeeded).")
@click.option("-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The MkDocs configuration.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages too.")
@click.option("--pdf", is_flag=True, help="Also hold the PDF copies (see sopsite pdf) in copies/.")
@_engine_option("bundle")
def bundle(out: Path, config_file: Path, verbose: bool, pdf: bool, engine: str) -> None:
    """Zip a controlled snapshot of the site that works offline from file://.

    The front page states the commit, the build date (UTC) and the as-of date of the checks.
    """
    _elsewhere(engine, "bundle", ["--out", str(out), "-f", str(config_file),
                                  *(["-v"] if verbose else []), *(["--pdf"] if pdf else [])])
    from generator.boundary import segment_problem
    from generator.commands.bundle import make_bundle
    from generator.commands.pdf import into_site

    unsafe = segment_problem(out.stem)
    if unsafe is not None:
        raise click.BadParameter(f"the zip's top folder is named after the file: {unsafe}",
                                 param_hint="'--out'")
    made = make_bundle(config_file, out, verbose=verbose,
                       finish=into_site(config_file) if pdf else None)
    snap = made.snapshot
    click.echo(f"{made.path}: {made.files} files; commit {snap.commit}, built "
               f"{snap.built.isoformat()}, as of {snap.as_of.isoformat()}")


cli.add_command(pdf_command)


def main() -> None:
    """Console entry point; keeps tracebacks away from authors."""
    try:
        cli.main(standalone_mode=True)
    except Exception as error:
        if os.environ.get("SOPSITE_DEBUG"):
            raise
        click.echo(f"sopsite: internal error: {type(error).__name__}: {error}\n"
                   "This is a bug in sopsite; run again with SOPSITE_DEBUG=1 for details.",
                   err=True)
        sys.exit(3)
    finally:
        Session.end_process()
