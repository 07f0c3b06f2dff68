"""The rendering machinery shared by every page: the Jinja environment and the page meta.

Split from :mod:`generator.render` so that the page families (documents, revisions,
training) can share it without importing each other.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from markupsafe import Markup, escape

from generator.boundary import display_path
from generator.errors import TEMPLATE_CODE, TemplateError
from generator.problems import Problem, Severity
from generator.render import outside, site
from generator.render.digest import digest_of
from generator.render.text import fenced, markdown, markdown_cell, plain, raw


def _finalize(value: Any) -> Any:
    """Every `{{ }}` output is literal text unless a filter marked it safe."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return plain(value)


def _number(value: float) -> str:
    return f"{value:g}"


PACKAGED = Path(__file__).parent.parent / "templates"
"""The templates sopsite ships (what `PackageLoader("generator", "templates")` reads)."""


class Renderer:
    """One Jinja environment for all pages; user templates shadow the packaged ones."""

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir
        loaders: list[Any] = [FileSystemLoader(str(template_dir))] if template_dir else []
        loaders.append(PackageLoader("generator", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            finalize=_finalize,
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(md=markdown, md_cell=markdown_cell, plain=plain, raw=raw,
                                number=_number, fenced=fenced)
        self.env.filters["attr"] = escape  # HTML attribute values: quotes escaped too
        from generator.render.revisions import diff_path

        self.env.globals.update(front_matter=front_matter, date_cell=date_cell,
                                module_path=site.module_path,
                                curriculum_path=site.curriculum_path, diff_path=diff_path)
        self.env.globals.update(web_link=outside.web_link, address=outside.address,
                                phone=outside.phone, file_size=outside.size)

    def templates_digest(self) -> str:
        """A digest of the override folder's and the packaged templates' files and their
        modification times: a page made from a template that changed since is made again."""
        def stamps(folder: Path | None) -> list[tuple[str, int]]:
            return sorted((str(p), p.stat().st_mtime_ns) for p in folder.rglob("*")
                          if p.is_file()) if folder else []

        return digest_of([str(self.template_dir), stamps(self.template_dir), stamps(PACKAGED)])

    def render(self, template: str, **context: Any) -> str:
        """One page's Markdown; blank-line runs are collapsed so output is tidy and stable.

        A template of the user's folder that fails (Jinja syntax, an undefined name or
        attribute, a missing template it includes, an expression that raises) raises
        `TemplateError`, located at the file and line of that template: the user's error.
        The same failure in a packaged template is a bug in sopsite and goes on as it is.
        """
        try:
            text = self.env.get_template(template).render(**context)
        except Exception as error:
            problem = self._user_fault(error, template, context)
            if problem is None:
                raise
            raise TemplateError(problem) from error
        lines: list[str] = []
        for line in text.splitlines():
            line = line.rstrip()
            if line or (lines and lines[-1]):
                lines.append(line)
        return "\n".join(lines).strip() + "\n"

    def _user_fault(self, error: Exception, template: str,
                    context: dict[str, Any]) -> Problem | None:
        """``error`` as a problem of the user's template that failed, or None when the
        failing template is a packaged one (or none: the page's own name is not found).

        A syntax error carries its file and line. For anything raised while rendering,
        Jinja rewrites the traceback so that each frame of template code names the template
        file and its line: the innermost such frame is the template that failed, whatever
        Python code (a filter, a method of the model) it was calling when it did.
        """
        if self.template_dir is None:
            return None
        if isinstance(error, TemplateSyntaxError):
            where = (error.filename, error.lineno) if error.filename else None
        else:
            where = _innermost_template(error.__traceback__)
        if where is None or not _within(where[0], self.template_dir):
            return None
        filename, line = where
        return Problem(display_path(Path(filename)), max(line, 1), 1, TEMPLATE_CODE,
                       Severity.ERROR, self._message(error, template, context))

    def _message(self, error: Exception, template: str, context: dict[str, Any]) -> str:
        """What Jinja found, and what it expected instead."""
        if isinstance(error, TemplateSyntaxError):
            return ("expected Jinja template syntax, found an error: "
                    f"{_said(error.message or str(error))}")
        if isinstance(error, TemplateNotFound):
            assert self.template_dir is not None
            names = ", ".join(repr(name) for name in error.templates)
            return (f"expected a template {names} in {display_path(self.template_dir)} or "
                    "among sopsite's own templates, found none: check the name this line "
                    "includes, imports or extends")
        if isinstance(error, UndefinedError):
            return (f"expected a value the page is given, found an undefined one: "
                    f"{_said(str(error))}; {template} is rendered with "
                    f"{', '.join(sorted(context))}")
        return (f"expected an expression that works on the values it is given, found "
                f"{type(error).__name__}: {_said(str(error))}")


_SAID = 300
"""The most of Jinja's (or Python's) own message a TEMPLATE001 problem quotes."""


_OBJECT = re.compile(r"'(?:[A-Za-z_][\w]*\.)+([A-Za-z_]\w*) object'")
"""Jinja names a value by its class's full path ('generator.model.documents.Retro
object'); an author knows it as a Retro, and the path changes with sopsite's layout."""


def _said(text: str) -> str:
    """An error's own message on one line, cut short: it may quote a long value."""
    text = _OBJECT.sub(r"'\1'", " ".join(text.split()))
    return text if len(text) <= _SAID else text[:_SAID] + "…"


def _innermost_template(tb: TracebackType | None) -> tuple[str, int] | None:
    """The file and line of the innermost frame of template code in a traceback Jinja
    rewrote (its frames of template code hold ``__jinja_exception__``)."""
    found = None
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _within(filename: str, folder: Path) -> bool:
    """Whether a template's file lies in ``folder`` (paths as the loader wrote them)."""
    return _absolute(Path(filename)).is_relative_to(_absolute(folder))


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def date_cell(value: dt.date | None, empty: str = "\u2013") -> Markup:
    """A date in a table cell that never breaks at its hyphens (`.sopsite-date`): a date
    split over two lines is misread, and a narrow column is better wrapped elsewhere."""
    if value is None:
        return Markup(plain(empty))
    return Markup(f'<span class="sopsite-date">{value.isoformat()}</span>')


def front_matter(
    title: str | None = None, tags: list[str] | None = None, boost: float | None = None,
    exclude: bool = False, hide: tuple[str, ...] = (),
) -> Markup:
    """Page meta; macros never render generated pages, so YAML text stays text.

    Dumped with PyYAML, which is also what MkDocs parses it with: any title survives.
    """
    # MkDocs and Material put page titles into the navigation as HTML, unescaped.
    shown = None if title is None else str(escape(title))
    labels = tuple(sorted({str(escape(tag)) for tag in tags})) if tags else ()
    return Markup(_front_matter(shown, labels, boost or None, exclude, tuple(hide)))


@functools.lru_cache(maxsize=8192, typed=True)
def _front_matter(title: str | None, tags: tuple[str, ...], boost: float | None,
                  exclude: bool, hide: tuple[str, ...]) -> str:
    """The dumped meta, kept by value: PyYAML's dump is the costliest step of a small page,
    and a rebuild under `serve` asks for the same titles again and again. The arguments are
    plain strings, a tuple and numbers (escaped before the call), so equal arguments mean
    equal text; `typed` keeps ``2`` and ``2.0`` apart, which PyYAML writes differently."""
    meta: dict[str, Any] = {}
    if title is not None:
        meta["title"] = title
    meta["render_macros"] = False
    if tags:
        meta["tags"] = list(tags)
    if boost:
        meta["search"] = {"boost": boost}
    if exclude:  # revisions, diffs, print copies and drafts stay out of search: readers must
        # land on the page in force
        meta["search"] = {"exclude": True}
    if hide:  # Material's sidebars a wide page gives up for its table
        meta["hide"] = list(hide)
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---"

