"""The `sopsite` command: a thin adapter that parses options and prints what the core returns.

Exit codes: 0 clean, 1 problems found, 2 usage error (click's own convention), 3 an internal
error (a bug in sopsite, reported without a traceback unless SOPSITE_DEBUG is set). An error
of the user's input or environment is a `generator.errors.SopsiteError`, shown in one place
(`_Command`) with exit 1 or 2; only what is not one exits 3.
"""

from __future__ import annotations

import os
import sys

import click

from generator.commands import authoring, checking, site
from generator.commands.base import Command
from generator.commands.pdf import pdf as pdf_command
from generator.commands.register import register
from generator.session import Session


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


# The commands, each in the module of its group; click lists them by name.
cli.command()(checking.check)
cli.command(name="check-changed")(checking.check_changed)
cli.command()(checking.schema)
cli.command()(checking.rules)
cli.command()(site.build)
cli.command()(site.serve)
cli.command()(site.export)
cli.command()(site.publish)
cli.command()(site.bundle)
cli.command(name="new")(authoring.new)
cli.command()(authoring.init)
cli.command()(authoring.diff)
cli.command()(register)
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
