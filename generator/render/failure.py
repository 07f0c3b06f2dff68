"""The page `sopsite serve` shows in place of the site while the handbook does not build.

Everything on it may come from an author: file names, and messages that quote values. So it
is rendered by its own Jinja environment with autoescaping on, from a packaged template that
no `templates:` override can shadow, and never passes through Markdown or mkdocs-macros: a
value like ``<script>`` or ``{{ 7*7 }}`` stays text. The server adds a Content-Security-Policy
that lets only its own live-reload script run, in case escaping were ever missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator.problems import Problem

TEMPLATE = "serve-failure.html.j2"

MAX_SHOWN = 1_000
"""Problems listed on the page; a handbook broken by one pasted mistake can have far more,
and the terminal and `sopsite check` still print every one."""


@dataclass(frozen=True)
class ErrorsPage:
    """Where the handbook's errors reference is served, and the codes it has anchors for."""

    url: str
    anchors: frozenset[str]

    def link(self, code: str) -> str:
        return f"{self.url}#{code}" if code in self.anchors else self.url


def _environment() -> Environment:
    # Made for each page: a failed build renders it a few times, and a cached one would be
    # state kept outside the server that uses it.
    return Environment(loader=PackageLoader("generator", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def failure_page(problems: Sequence[Problem], messages: Sequence[str], *,
                 when: dt.datetime | None, building: bool,
                 errors: ErrorsPage | None, summaries: Mapping[str, str],
                 first: bool = False) -> str:
    """The HTML of the page: each problem as `sopsite check` prints it, with a link to its
    entry in the errors reference (when the site has one) and the rule's one-line purpose.

    ``when`` is the moment the failed build ended (None: no build has failed, one is under
    way; ``first``: the server's first build); ``messages`` are what MkDocs or a plugin said
    without a location.
    """
    shown = list(problems[:MAX_SHOWN])
    rows = [{"location": f"{p.path}:{p.line}:{p.column}", "severity": p.severity.value,
             "code": p.code, "message": p.message, "summary": summaries.get(p.code, ""),
             "href": errors.link(p.code) if errors else None} for p in shown]
    return _environment().get_template(TEMPLATE).render(
        rows=rows, hidden=len(problems) - len(shown), messages=list(messages),
        when=when.strftime("%H:%M:%S") if when else None, building=building, first=first,
        errors_url=errors.url if errors else None)
