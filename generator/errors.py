"""One error hierarchy: :class:`SopsiteError` is the user's input or environment, never a bug.

A command stops in one of two ways. An error of what it was given (a template override that
does not parse, a revision that does not exist, a file that is already there, a build
MkDocs refused, git or mike refusing) is a `SopsiteError`: the command line shows its
message, or its located problems, and exits 1 (2 for a usage error), never with a
traceback. Anything else that escapes is a bug in sopsite and exits 3 (see
`generator.commands.cli.main`). Findings that do not stop a run are never raised: they are
:class:`~generator.problems.Problem` values, collected and sorted.

The subclasses live next to the code that raises them (`generator.mkdocs.build.SiteBuildError`
and so on), so each module keeps its own names; they only say here, in class attributes,
how the command line shows them. This module imports nothing heavy: `sopsite check`, timed
with its start-up, imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from generator.problems import Problem


class SopsiteError(Exception):
    """The run cannot go on because of the user's input or environment; never a bug.

    ``problems`` locate the cause in the user's files when it has a place there (a line of
    a template override); the message is one line saying what failed. The command line
    prints the problems, when there are any, else ``sopsite: <failed> failed: <message>``
    (or ``sopsite: <message>`` when `failed` is empty), and exits 1; with `usage` set it is
    shown as click shows a usage error instead, and exits 2.
    """

    failed: ClassVar[str] = ""
    """What failed, in the words of ``sopsite: build failed: ...``; empty: the message alone."""
    usage: ClassVar[bool] = False
    """Whether the command was asked for something it cannot do with what it was given (a
    revision that does not exist, an id that is taken): shown as a usage error, exit 2."""
    exit_code: ClassVar[int] = 1
    """The exit code of a run it stops (not a usage error): 2 where the machine lacks a tool
    the command needs (no Chromium for `sopsite pdf`), which no edit of the input fixes."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)


TEMPLATE_CODE = "TEMPLATE001"
"""The code of a problem in a template override (registered in `generator.checks.registry`)."""


class TemplateError(SopsiteError):
    """A template of the user's override folder (the sopsite plugin's ``templates:`` option,
    or ``sopsite export --templates``) cannot be parsed or rendered.

    The override is the user's file, so this is their error, located at its line as a
    ``TEMPLATE001`` problem; the same failure in one of sopsite's own templates is a bug and
    is never turned into this (see `generator.render.core.Renderer.render`).
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"the template override {problem.path} cannot be rendered", (problem,))
