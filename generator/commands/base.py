"""What every `sopsite` command shares: how an error of the user's input ends it."""

from __future__ import annotations

import sys
from typing import Any

import click

from generator.errors import SopsiteError
from generator.problems import render, summary

DEFAULT_ROOT = "sops"
"""The handbook folder a command reads when none is named."""


class Command(click.Command):
    """A sopsite command: a `SopsiteError` that escapes it ends the run here, in one place.

    Such an error is the user's input or environment, never a bug: it is shown as its class
    says (`SopsiteError.usage`, `SopsiteError.failed`), its located problems first, and the
    command exits 1 (2 for a usage error) without a traceback. Anything else goes on to
    `main`, which reports it as the bug it is (exit 3).
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SopsiteError as error:
            if error.usage:
                raise click.UsageError(error.message, ctx) from error
            if error.problems:
                click.echo(render(error.problems, "text"))
                click.echo(summary(error.problems), err=True)
            else:
                failed = f"{error.failed} failed: " if error.failed else ""
                click.echo(f"sopsite: {failed}{error}", err=True)
            sys.exit(error.exit_code)
