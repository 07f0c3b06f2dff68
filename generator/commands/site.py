"""`sopsite build`, `serve`, `export`, `publish` and `bundle`: the commands that make the site,
with the engine each may build with (`--engine`).

`cli` makes each one of its commands (so that it reports errors as they all do); the
machinery of each is imported only when it runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator import pipeline
from generator.boundary import project_root
from generator.commands.base import DEFAULT_ROOT
from generator.engines import ENGINES
from generator.mkdocs.config import configured
from generator.problems import has_errors, render, summary


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
