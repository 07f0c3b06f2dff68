"""`sopsite new`, `init` and `diff`: the commands that start a file or a handbook, and the
one that says what changed in words.

`cli` makes each one of its commands (so that it reports errors as they all do); the
machinery of each is imported only when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.base import DEFAULT_ROOT
from generator.mkdocs.config import configured
from generator.pipeline import check_handbook, current_day
from generator.problems import has_errors, render


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
