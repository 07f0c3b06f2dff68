"""What `sopsite serve` shows besides the site: of a build that failed, the refusal's
located problems and the messages the build logged besides them; the banners on the pages
kept from an earlier build (the errors reference the failure page links to, and the last
good site while the first build runs)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import escape
from mkdocs.exceptions import Abort, BuildError, MkDocsException

from generator.mkdocs.prepare import RefusedError
from generator.problems import Problem

MAX_MESSAGES, MAX_MESSAGE_CHARS = 50, 2_000
"""What the failure page shows of the build's unlocated messages (all are in the terminal)."""


@dataclass(frozen=True)
class Failure:
    """Why the last build did not produce a site."""

    problems: tuple[Problem, ...]
    messages: tuple[str, ...]
    ended: dt.datetime


def _refused(error: BaseException) -> RefusedError | None:
    """The sopsite plugin's refusal behind ``error`` (MkDocs re-raises a plugin's error as
    an `Abort` while handling it, so the original is the abort's context)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, RefusedError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, Abort) and isinstance(error.__context__, BuildError):
        error = error.__context__  # the BuildError MkDocs logged, not its generic "Aborted"
    elif isinstance(error, SystemExit) and not isinstance(error, MkDocsException):
        return f"a plugin stopped the build (exit code {error.code})"
    return str(error) or type(error).__name__


def failure_of(error: BaseException, said: Iterable[str], ended: dt.datetime) -> Failure:
    """What the failure page shows of ``error``: the refusal's problems, and what the build
    logged besides them."""
    refused = _refused(error)
    texts = [text for text in said if refused is None or text != str(refused)]
    if refused is None:
        reason = _reason(error)
        if reason not in texts:
            texts.append(reason)
    shown = tuple(text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "…"
                  for text in texts[:MAX_MESSAGES])
    return Failure(refused.problems if refused else (), shown, ended)


class Said(logging.Handler):
    """The warnings and errors one build logged, from its own thread only (the server's
    request threads log through the same loggers meanwhile)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            try:
                self.texts.append(record.getMessage())
            except Exception:  # a plugin's malformed log call must not stop the build
                self.texts.append(str(record.msg))


_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_BAR = ("position:fixed;left:0;right:0;bottom:0;z-index:10000;padding:.6rem 1rem;"
        "color:#1a1a1a;font:15px/1.4 system-ui,sans-serif")


def _after_body(html: bytes, banner: str) -> bytes:
    match = _BODY.search(html)
    at = match.end() if match else 0
    return html[:at] + banner.encode() + html[at:]


def stale_banner(html: bytes, built: dt.datetime) -> bytes:
    """``html`` of the last good site, saying that it is old and the page will reload."""
    return _after_body(html, (
        f'<div role="status" id="sopsite-serve-banner" style="{_BAR};background:#fff4ce;'
        'border-top:.3rem solid #8a6d00">'
        f"This is the site as built {built.strftime('%Y-%m-%d %H:%M')}, shown while the "
        "handbook is built again; the page reloads by itself when the build ends.</div>"))


def with_banner(html: bytes, failure: Failure, home: str) -> bytes:
    """The errors reference of the last good build, saying that the handbook does not
    build now."""
    count = len(failure.problems) or len(failure.messages)
    noun = "problem" if count == 1 else "problems"
    return _after_body(html, (
        f'<div role="alert" id="sopsite-serve-banner" style="{_BAR};background:#fdecee;'
        'border-top:.3rem solid #b00020">'
        f"The handbook does not build now ({count} {noun}, last build "
        f"{failure.ended.strftime('%H:%M:%S')}). This errors reference is from the last good "
        f'build. <a href="{escape(home)}" style="color:#0b57d0">Show the problems</a></div>'))
