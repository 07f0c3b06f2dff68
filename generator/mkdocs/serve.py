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
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File

from generator.checks import RULES
from generator.mkdocs.build import SiteBuildError, _log_to_stderr
from generator.mkdocs.lastsite import ServeSite, Shown, mount_of, records_of
from generator.mkdocs.servepages import Failure, Said, failure_of, stale_banner, with_banner
from generator.render.failure import ErrorsPage, failure_page

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.sopsite.serve")

ERRORS_DOC = "errors.md"
"""The page of docs/ that explains each problem code (anchors named after the codes)."""

BUILD_WAIT = 3.0
"""Seconds a page request waits for a build under way before the "rebuilding" page answers."""

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Reference:
    """The errors reference of the last good build, kept to be linked from the failure page."""

    urls: frozenset[str]
    html: bytes
    page: ErrorsPage


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


def _moved(path: str) -> bytes:
    """A page that sends the browser on to ``path`` and a slash (a folder asked without
    it), by an address relative to ``path``: ``//name`` would be another host's."""
    url = "./" + quote(path.rpartition("/")[2]) + "/"
    return (f'<!doctype html><meta http-equiv="refresh" content="0; url={escape(url)}">'
            "<title>Moved</title><body></body>").encode()


class Preview:
    """The builds of one server and what the browser is shown: the site or why not."""

    def __init__(self, load: Callable[[], MkDocsConfig], *, serve_url: str, mount: str,
                 dirty: bool, folder: ServeSite | None = None) -> None:
        self._load = load
        self.serve_url, self.mount, self.dirty = serve_url, mount, dirty
        self.folder = folder
        """Where the site is built, and the last good site shown until the first build ends."""
        self._state = threading.Condition()
        self._building = True  # from the start: no page is served before the first build
        self._built = False
        self.good = False
        """Whether the last build made the whole site."""
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
        said = Said()
        logging.getLogger("mkdocs").addHandler(said)
        failure: Failure | None = None
        reference = None
        ended = False  # not when Ctrl-C stops it (MkDocs builds in the main thread)
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
            ended = True
        finally:
            logging.getLogger("mkdocs").removeHandler(said)
            with self._state:
                self._failure, self.good = failure, ended and failure is None
                if failure is None:
                    self._reference = reference
                self._building, self._built = False, True
                if self.folder is not None:
                    self.folder.retire()
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
        with self._state:
            shown = self.folder.shown if self.folder is not None else None
        if (shown is not None and not path.startswith("/livereload/")
                and (path + "/").startswith(self.mount)):
            return self._last_site(shown, path, start_response)
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
            body, _ = _live(self.server, with_banner(reference.html, failure, self.mount))
            return self._respond(start_response, "200 OK", body,
                                 [("X-Sopsite-Build", "failed")])
        page = failure_page(
            failure.problems if failure else (), failure.messages if failure else (),
            when=failure.ended if failure else None, building=building,
            errors=reference.page if reference else None,
            summaries={code: rule.summary for code, rule in RULES.items()},
            first=not self._built,
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

    def _last_site(self, shown: Shown, path: str,
                   start_response: StartResponse) -> Iterable[bytes]:
        """A file of the last good site, while the first build runs; its pages with a
        banner and the live-reload script, so they turn into the new site by themselves.

        Every answer is 200 (see `app`), a missing file's too.
        """
        assert self.server is not None
        kind, body = shown.read(path, self.mount)
        name = path + "index.html" if path.endswith("/") else path
        if kind == "folder":
            name, body = "index.html", _moved(path)
        elif kind == "missing":
            kind, body = shown.read(self.mount + "404.html", self.mount)
            name, body = "404.html", body if kind == "file" else b"Not found"
        kind = self.server._guess_type(name)
        if kind == "text/html":
            body, _ = _live(self.server, stale_banner(body, shown.built))
        return self._respond(start_response, "200 OK", body, [("X-Sopsite-Build", "stale")],
                             kind=kind)

    @staticmethod
    def _respond(start_response: StartResponse, status: str, body: bytes,
                 headers: list[tuple[str, str]], *,
                 kind: str = "text/html; charset=utf-8") -> list[bytes]:
        start_response(status, [("Content-Type", kind),
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
    but answering every request while the handbook does not build, and showing the last
    good site while the first build runs (`generator.mkdocs.lastsite`)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _log_to_stderr(verbose=True)
    # MkDocs warns on every dirty build that navigation may be stale; under mkdocs.yml's
    # `strict: true` that warning alone would refuse every rebuild.
    overrides: dict[str, Any] = {"strict": False} if dirty else {}
    folder: ServeSite | None = None

    def load() -> MkDocsConfig:
        site = {"site_dir": str(folder.site)} if folder is not None else {}
        return load_config(config_file=str(config_file), dev_addr=dev_addr, **site,
                           **overrides)

    with _terminate_as_interrupt():
        try:
            config = load()
        except MkDocsException as error:
            raise SiteBuildError(str(error)) from error
        folder = ServeSite.claim(records_of(config), mount_of(config.site_url))
        config.site_dir = str(folder.site)
        preview = Preview(load, serve_url="", mount=mount_of(config.site_url), dirty=dirty,
                          folder=folder)
        try:
            config.plugins.on_startup(command="serve", dirty=dirty)
            try:
                _run(config, preview)
            finally:
                config.plugins.on_shutdown()
        finally:
            folder.close(good=preview.good, mount=preview.mount)


def _run(config: MkDocsConfig, preview: Preview) -> None:
    host, port = config.dev_addr
    preview.serve_url = f"http://{host}:{port}{preview.mount}"
    assert preview.folder is not None
    site_dir = str(preview.folder.site)
    server = LiveReloadServer(builder=preview.build, host=host, port=port, root=site_dir,
                              mount_path=preview.mount)
    preview.attach(server)

    def not_found(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = not_found
    server.watch(config.docs_dir)
    if config.config_file_path:
        server.watch(config.config_file_path)
    # The plugins' watches are set before the first build, so that a save made during it is
    # not missed: the first build runs in MkDocs' build loop, as a save's would, and the
    # server answers meanwhile (from the last good site, or with the "rebuilding" page).
    server = config.plugins.on_serve(server, config=config, builder=preview.build)
    for item in config.watch:
        server.watch(item)
    shown = preview.folder.shown
    if shown is not None:
        log.info("Showing the site built %s until the first build ends",
                 shown.built.strftime("%Y-%m-%d %H:%M"))
    first = [config]
    server.builder = lambda: preview.build(first.pop() if first else None)
    with server._rebuild_cond:
        server._want_rebuild = True
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
