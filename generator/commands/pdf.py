"""`sopsite pdf`, and the `--pdf` of `build` and `bundle`: controlled copies of a built site.

The site is built as `sopsite build` builds it (strictly), then each controlled document's
page is printed (`generator.pdf`). What the copies state comes from here: the handbook's
name and address from mkdocs.yml, the documents and the notice's wording from the sopsite
plugin's options, the commit from git, and the time from SOURCE_DATE_EPOCH or else the
commit, so the same commit prints the same files.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from generator import pipeline
from generator.commands.base import Command
from generator.mkdocs.config import configured
from generator.problems import Severity, has_errors

PDF_FOLDER = "copies"
"""Where `build --pdf` and `bundle --pdf` put the copies inside the site."""


def _moment(base: Path) -> tuple[dt.datetime, dt.date]:
    """The time the files state, and the build day their pages state.

    SOURCE_DATE_EPOCH pins both (reproducible builds' convention); else the files carry the
    commit's time, so that two runs of a commit match, and the pages the day of the run.
    """
    from generator.git.repo import GitError, git

    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if pinned.isdigit():
        moment = dt.datetime.fromtimestamp(int(pinned), dt.UTC)
        return moment, moment.date()
    today = dt.datetime.now(dt.UTC)
    try:
        seconds = git(base, "log", "-1", "--format=%ct").decode().strip()
        moment = dt.datetime.fromtimestamp(int(seconds), dt.UTC) if seconds else today
    except (GitError, ValueError):
        moment = today
    return moment, today.date()


def print_site(config_file: Path, site: Path, out: Path, *, quiet: bool = False) -> str:
    """Print every controlled document of the built ``site`` into ``out``; a summary line."""
    from generator.commands.bundle import read_config, stamped_commit
    from generator.pdf.chromium import PrintError
    from generator.pdf.controls import Controlled, Stamp
    from generator.pdf.run import HANDBOOK, Job, print_all
    from generator.render.site import FOLDERS

    config_file = config_file.resolve()
    base = config_file.parent
    raw = read_config(config_file)
    options = configured(config_file, strict=False)
    handbook, problems = pipeline.check(options)
    if has_errors(problems):
        raise PrintError("the handbook has errors; no PDF was printed",
                         [p for p in problems if p.severity is Severity.ERROR])
    order = list(FOLDERS)
    documents = sorted((Controlled.of(entry.item) for entry in handbook.documents),
                       key=lambda doc: (order.index(doc.kind), doc.id))
    moment, built = _moment(base)
    stamp = Stamp(str(raw.get("site_name") or "Handbook"), stamped_commit(config_file, raw),
                  built, options.pdf.notice)
    site_url = raw.get("site_url")
    job = Job(site, documents, stamp, moment, site_url if isinstance(site_url, str) else None,
              options.pdf.paper)
    shown = not quiet and sys.stderr.isatty()

    def progress(number: int, total: int, doc_id: str) -> None:
        click.echo(f"\rpdf {number}/{total} {doc_id}\x1b[K", err=True, nl=number == total)

    printed = print_all(job, out, progress if shown else None)
    return (f"{len(printed.documents)} document PDFs and the handbook "
            f"({printed.sizes[HANDBOOK] // 1024} KiB) in {out}")


def into_site(config_file: Path) -> Callable[[Path], None]:
    """The last step of `build --pdf` and `bundle --pdf`: print into the built site's
    `PDF_FOLDER` before the site (or zip) replaces the previous one."""

    def finish(site: Path) -> None:
        click.echo(print_site(config_file, site, site / PDF_FOLDER), err=True)

    return finish


@click.command(name="pdf", cls=Command)
@click.option("-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The MkDocs configuration.")
@click.option("--out", "out", default="pdf", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for <ID>.pdf of each document and handbook.pdf; other files in it "
              "are left alone.")
@click.option("--site", "site", default=None,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Print this site, already built from the same handbook (sopsite build), "
              "instead of building one.")
@click.option("-q", "--quiet", is_flag=True, help="No progress line on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages too.")
def pdf(config_file: Path, out: Path, site: Path | None, quiet: bool, verbose: bool) -> None:
    """Build the site, then print a controlled copy of each document and of the handbook.

    Every page has a header and footer (id, title, version, status, effective date, page n
    of m, commit, build date, "Uncontrolled when printed"); a document not in force carries
    its status as a watermark. Needs Chromium (SOPSITE_CHROMIUM or chromium on PATH).
    """
    from generator.mkdocs.build import build_site

    if site is not None:
        click.echo(print_site(config_file, site, out.absolute(), quiet=quiet))
        return
    with tempfile.TemporaryDirectory(prefix="sopsite-pdf-") as tmp:
        built = build_site(config_file, Path(tmp, "site"), verbose=verbose)
        click.echo(print_site(config_file, built, out.absolute(), quiet=quiet))
