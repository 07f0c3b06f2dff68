"""`sopsite register`: the evidence register (`generator.render.register`) written to a folder.

Its own module, so that the command line's module stays a table of commands; `cli` makes it
one of its commands (so that it reports errors as they all do), and like them it imports
the machinery it needs only when it runs.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.argument("path", default="sops",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", default=Path("register"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write register.csv, revisions.csv and register.json to.")
@click.option("--strict", is_flag=True, help="Refuse a handbook with failing warnings too.")
def register(path: Path, out: Path, strict: bool) -> None:
    """Write the register of every document (status, version, effective date, owner,
    approvals, next review) and of every revision with its commit, as CSV and JSON.

    CSV cells that a spreadsheet would run as a formula start with an apostrophe.
    """
    from generator.mkdocs.config import configured
    from generator.pipeline import evidence_register
    from generator.write import write_files

    options = configured(Path("mkdocs.yml"), root=path, strict=strict)
    files = evidence_register(options, click.get_current_context().obj)
    for written in write_files(files, out):
        click.echo(written)
