"""`sopsite serve`: MkDocs' live-reloading server that shows a failed build in the browser.

MkDocs' `LiveReloadServer` marks a version of the site as wanted before each build and as
visible once the build returns, and it holds every page request, with no time limit, until
the two agree (so that a half-built site is never served). A build that raises never makes
its version visible: after a YAML error every page request waits until a later build
succeeds, and the browser shows nothing but a spinner.

Here the builder never raises (but for Ctrl-C): a failed build is a result like a good one.
The server's version moves on either way, so requests are answered and the browsers waiting
on live reload reload at once. While the last build failed, every HTML page is answered
with the failure page (`generator.render.failure`): the located problems, links into the
errors reference, and MkDocs' live-reload script, so the page comes back by itself when the
files are fixed. The old pages are not served instead: a build that fails after MkDocs
cleaned the site folder leaves it half written, and a page that looks current while the
handbook does not build hides the error from its author. The one exception is the errors
reference itself, served from the last good build with a banner that says so, since the
failure page links to it. Assets (CSS, scripts, images) are served as they are.

A request that arrives while a build is under way waits for it a few seconds at most, then
is answered with a "rebuilding" page that reloads when the build ends.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError, MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File

from generator.checks import RULES
from generator.mkdocs.build import SiteBuildError, _log_to_stderr
from generator.mkdocs.prepare import RefusedError
from generator.problems import Problem
from generator.render.failure import ErrorsPage, failure_page

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.sopsite.serve")

ERRORS_DOC = "errors.md"
"""The page of docs/ that explains each problem code (anchors named after the codes)."""

BUILD_WAIT = 3.0
"""Seconds a page request waits for a build under way before the "rebuilding" page answers."""

MAX_MESSAGES, MAX_MESSAGE_CHARS = 50, 2_000
"""What the failure page shows of the build's unlocated messages (all are in the terminal)."""

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Failure:
    """Why the last build did not produce a site."""

    problems: tuple[Problem, ...]
    messages: tuple[str, ...]
    ended: dt.datetime


@dataclass(frozen=True)
class Reference:
    """The errors reference of the last good build, kept to be linked from the failure page."""

    urls: frozenset[str]
    html: bytes
    page: ErrorsPage


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


class _Said(logging.Handler):
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


def _is_page(path: str, mount: str) -> bool:
    """Whether a request path asks for an HTML page of the site (not an asset, not the
    live-reload poll)."""
    if path.startswith("/livereload/") or not (path + "/").startswith(mount):
        return False
    last = path[len(mount):].rpartition("/")[2]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


def _live(server: LiveReloadServer, page: bytes) -> tuple[bytes, str]:
    """``page`` with MkDocs' live-reload script, and the CSP source that lets only it run.

    MkDocs injects the script before ``</body>``; its hash is taken from what it injected,
    so the policy allows exactly that script and nothing an author could smuggle in.
    """
    if b"</body>" not in page:
        return page, "'none'"
    epoch = server._visible_epoch  # the version the browser waits to see replaced
    injected: bytes = server._inject_js_into_html(page, epoch)
    end = page.rindex(b"</body>")
    opening, closing = b"<script>", b"</script>"
    stop = len(injected) - (len(page) - end) - len(closing)
    if (injected[end:end + len(opening)] != opening
            or injected[stop:stop + len(closing)] != closing):
        return page, "'none'"  # MkDocs changed how it injects: no script, errors still shown
    digest = hashlib.sha256(injected[end + len(opening):stop]).digest()
    return injected, f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def _with_banner(html: bytes, failure: Failure, home: str) -> bytes:
    count = len(failure.problems) or len(failure.messages)
    noun = "problem" if count == 1 else "problems"
    banner = (
        '<div role="alert" id="sopsite-serve-banner" style="position:fixed;left:0;right:0;'
        "bottom:0;z-index:10000;padding:.6rem 1rem;background:#fdecee;color:#1a1a1a;"
        'border-top:.3rem solid #b00020;font:15px/1.4 system-ui,sans-serif">'
        f"The handbook does not build now ({count} {noun}, last build "
        f"{failure.ended.strftime('%H:%M:%S')}). This errors reference is from the last good "
        f'build. <a href="{escape(home)}" style="color:#0b57d0">Show the problems</a></div>'
    ).encode()
    match = _BODY.search(html)
    at = match.end() if match else 0
    return html[:at] + banner + html[at:]


class Preview:
    """The builds of one server and what the browser is shown: the site or why not."""

    def __init__(self, load: Callable[[], MkDocsConfig], *, serve_url: str, mount: str,
                 dirty: bool) -> None:
        self._load = load
        self.serve_url, self.mount, self.dirty = serve_url, mount, dirty
        self._state = threading.Condition()
        self._building = False
        self._failure: Failure | None = None
        self._reference: Reference | None = None
        self.server: LiveReloadServer | None = None

    @property
    def failure(self) -> Failure | None:
        with self._state:
            return self._failure

    def attach(self, server: LiveReloadServer) -> None:
        self.server = server
        server.set_app(self.app)

    def build(self, config: MkDocsConfig | None = None) -> None:
        """One build (MkDocs' builder): its failure is recorded, never raised."""
        log.info("Building documentation...")
        with self._state:
            self._building = True
        said = _Said()
        logging.getLogger("mkdocs").addHandler(said)
        failure: Failure | None = None
        reference = None
        try:
            try:
                if config is None:
                    config = self._load()
                config.site_url = self.serve_url
                mkdocs_build(config, serve_url=self.serve_url, dirty=self.dirty)
                reference = self._reference_of(config)
            except (Exception, SystemExit) as error:  # Ctrl-C still stops the server
                failure = failure_of(error, said.texts, dt.datetime.now())
                if failure.messages and failure.messages[-1] not in said.texts:
                    log.error(failure.messages[-1])
        finally:
            logging.getLogger("mkdocs").removeHandler(said)
            with self._state:
                self._failure = failure
                if failure is None:
                    self._reference = reference
                self._building = False
                self._state.notify_all()
        if failure is not None:
            log.error("The build failed: every page shows the problems until they are fixed, "
                      "then reloads by itself.")

    def _reference_of(self, config: MkDocsConfig) -> Reference | None:
        docs = Path(config.docs_dir)
        if not (docs / ERRORS_DOC).is_file():
            return None
        file = File(ERRORS_DOC, str(docs), str(config.site_dir), config.use_directory_urls)
        try:
            html = Path(file.abs_dest_path).read_bytes()
        except OSError:
            return None
        url = self.mount + file.url
        urls = {url, url + "index.html"} if url.endswith("/") else {url}
        anchors = frozenset(m.decode("utf-8", "replace")
                            for m in re.findall(rb'\bid="([^"<>]+)"', html))
        return Reference(frozenset(urls), html, ErrorsPage(url, anchors))

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI application: MkDocs' own, but for pages while the site is not built."""
        assert self.server is not None
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        if not _is_page(path, self.mount):
            return self.server.serve_request(environ, start_response)
        server = self.server
        deadline = time.monotonic() + BUILD_WAIT
        with self._state:
            # MkDocs marks a new version as wanted before it calls the builder (after the
            # saves settle): from then on it would hold the request for the whole build.
            while ((pending := self._building
                    or server._wanted_epoch != server._visible_epoch)
                   and time.monotonic() < deadline):
                self._state.wait(timeout=0.1)
            failure, building, reference = self._failure, pending, self._reference
        if failure is None and not building:
            return self.server.serve_request(environ, start_response)
        if failure is not None and reference is not None and path in reference.urls:
            body, _ = _live(self.server, _with_banner(reference.html, failure, self.mount))
            return self._respond(start_response, "200 OK", body,
                                 [("X-Sopsite-Build", "failed")])
        page = failure_page(
            failure.problems if failure else (), failure.messages if failure else (),
            when=failure.ended if failure else None, building=building,
            errors=reference.page if reference else None,
            summaries={code: rule.summary for code, rule in RULES.items()},
        ).encode("utf-8")
        body, script = _live(self.server, page)
        policy = (f"default-src 'none'; script-src {script}; connect-src 'self'; "
                  "style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
                  "form-action 'none'; frame-ancestors 'none'")
        # 200, not 503: MkDocs logs every other status as a warning, and a warning logged
        # while a build runs counts against that build under `strict: true`.
        return self._respond(start_response, "200 OK", body,
                             [("Content-Security-Policy", policy),
                              ("X-Sopsite-Build", "failed" if failure else "building")])

    @staticmethod
    def _respond(start_response: StartResponse, status: str, body: bytes,
                 headers: list[tuple[str, str]]) -> list[bytes]:
        start_response(status, [("Content-Type", "text/html; charset=utf-8"),
                                ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store"),
                                ("X-Content-Type-Options", "nosniff"), *headers])
        return [body]


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (and a closed terminal's SIGHUP) stop the server as Ctrl-C does, so that the
    plugins shut down and the temporary site folder is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, interrupt)
                for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def serve_site(config_file: Path, dev_addr: str, *, dirty: bool = False) -> None:
    """Serve the site with live reload until Ctrl-C (or SIGTERM), as `mkdocs serve` does,
    but answering every request while the handbook does not build."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _log_to_stderr(verbose=True)
    site_dir = tempfile.mkdtemp(prefix="sopsite-serve-")
    # MkDocs warns on every dirty build that navigation may be stale; under mkdocs.yml's
    # `strict: true` that warning alone would refuse every rebuild.
    overrides: dict[str, Any] = {"strict": False} if dirty else {}

    def load() -> MkDocsConfig:
        return load_config(config_file=str(config_file), site_dir=site_dir,
                           dev_addr=dev_addr, **overrides)

    try:
        with _terminate_as_interrupt():
            try:
                config = load()
            except MkDocsException as error:
                raise SiteBuildError(str(error)) from error
            config.plugins.on_startup(command="serve", dirty=dirty)
            try:
                _run(config, load, site_dir, dirty)
            finally:
                config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _run(config: MkDocsConfig, load: Callable[[], MkDocsConfig], site_dir: str,
         dirty: bool) -> None:
    host, port = config.dev_addr
    mount = ("/" + urlsplit(config.site_url or "/").path.lstrip("/")).rstrip("/") + "/"
    preview = Preview(load, serve_url=f"http://{host}:{port}{mount}", mount=mount,
                      dirty=dirty)
    server = LiveReloadServer(builder=preview.build, host=host, port=port, root=site_dir,
                              mount_path=mount)
    preview.attach(server)

    def not_found(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = not_found
    preview.build(config)
    server.watch(config.docs_dir)
    if config.config_file_path:
        server.watch(config.config_file_path)
    server = config.plugins.on_serve(server, config=config, builder=preview.build)
    for item in config.watch:
        server.watch(item)
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
