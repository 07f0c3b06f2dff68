"""Building the example handbook, serving a built site, and driving Debian's Chromium.

Nothing here downloads anything: Playwright launches the system Chromium (``SOPSITE_CHROMIUM``
or ``chromium`` on PATH) with the flags that avoid hangs on a closed network (FINDINGS.md,
"Browser testing here"), and every request that leaves 127.0.0.1 is aborted and recorded so a
test can assert that none was attempted.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import pytest

import tests.support.build as in_process
from tests.support import MERMAID_JS, REPO, SOPSITE, TODAY_ARG

__all__ = ["MERMAID_JS", "REPO", "SOPSITE"]

LOCAL_HOST = "127.0.0.1"

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Launch flags that keep Chromium from hanging on network it does not have."""

TIMEOUT_MS = 30_000
"""Upper bound for any single wait in the browser (a diagram, search results, a load)."""


# --- processes and ports -----------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return int(sock.getsockname()[1])


def tool_env() -> dict[str, str]:
    """The environment for `sopsite`/`mkdocs` subprocesses: pinned day, no banners."""
    env = {key: value for key, value in os.environ.items() if key != "SOPSITE_DEBUG"}
    env.update(NO_MKDOCS_2_WARNING="1", SOPSITE_TODAY=TODAY_ARG, PYTHONIOENCODING="utf-8",
               PYTHONUNBUFFERED="1")
    return env


# --- the example handbook in a temporary folder -------------------------------------------


def require_mermaid() -> None:
    if not MERMAID_JS.is_file():
        pytest.fail(f"Mermaid is not installed at {MERMAID_JS}; run 'npm ci' (or 'make test') "
                    "in the repository first")


def _set_plugin_options(text: str, site_url: str | None) -> str:
    """Point `mermaid_js` at the repository's Mermaid and `site_url` at the test server.

    mkdocs.yml holds a ``!!python/name:`` tag, so it is edited as text, not through PyYAML.
    """
    sops_option = re.compile(r"^(?P<indent>[ \t]+)sops: sops[ \t]*$", re.MULTILINE)
    matches = sops_option.findall(text)
    assert len(matches) == 1, "expected one 'sops: sops' under the sopsite plugin"
    text = sops_option.sub(
        lambda m: f"{m.group(0)}\n{m.group('indent')}mermaid_js: {MERMAID_JS.as_posix()}",
        text,
    )
    if site_url is not None:
        if re.search(r"^site_url:", text, re.MULTILINE):
            text = re.sub(r"^site_url:.*$", f"site_url: {site_url}", text, flags=re.MULTILINE)
        else:
            text = f"site_url: {site_url}\n{text}"
    return text


def copy_handbook(dest: Path, *, site_url: str | None = None,
                  configs: tuple[str, ...] = ("mkdocs.yml",)) -> Path:
    """Copy mkdocs config(s), sops/ and docs/ to ``dest`` with local Mermaid; return dest."""
    require_mermaid()
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "sops", dest / "sops")
    shutil.copytree(REPO / "docs", dest / "docs")
    for name in configs:
        text = (REPO / name).read_text(encoding="utf-8")
        url = site_url if name == "mkdocs.yml" or not text.startswith("INHERIT") else None
        (dest / name).write_text(_set_plugin_options(text, url), encoding="utf-8")
    return dest


def build(config: Path, site_dir: Path) -> Path:
    """What `sopsite build -f config -d site_dir` does, in this process (support.build.build),
    failing the test with the build's message."""
    from generator.mkdocs.build import SiteBuildError

    try:
        return in_process.build(config, site_dir)
    except SiteBuildError as error:
        pytest.fail(f"sopsite build -f {config.name} failed: {error}")


def pages_with_diagrams(site_dir: Path) -> list[str]:
    """Site-relative URLs (``procedures/sop-it-ci/``) of every page with a Mermaid block."""
    urls = []
    for page in sorted(site_dir.rglob("index.html")):
        if 'class="mermaid"' in page.read_text(encoding="utf-8"):
            rel = page.parent.relative_to(site_dir).as_posix()
            urls.append("" if rel == "." else f"{rel}/")
    return urls


# --- a static server for a built site -------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticServer:
    """Serve ``root`` on 127.0.0.1:``port`` from a thread, like any static host would."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer((LOCAL_HOST, port or 0), handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.url = f"http://{LOCAL_HOST}:{self.port}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name=f"static-{self.port}")

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=10)


# --- Chromium ------------------------------------------------------------------------------


def chromium_path() -> str:
    """The Chromium binary to drive; fails (never skips) with how to install it."""
    configured = os.environ.get("SOPSITE_CHROMIUM")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"SOPSITE_CHROMIUM={configured} is not a file; point it to a "
                        "Chromium binary or unset it to use 'chromium' from PATH")
        return configured
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("The browser tests need Chromium and none was found: run 'make chromium' "
                    "(Debian: apt-get install chromium) or set SOPSITE_CHROMIUM to a Chromium "
                    "binary. Playwright's own browser downloads are not used.")
    return found


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium Browser (Playwright), closed afterwards."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("playwright is not installed: pip install -r requirements-test.lock")
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_FLAGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Session:
    """A browser context that only reaches 127.0.0.1, with its console errors recorded."""

    context: Any
    blocked: list[str] = field(default_factory=list)
    """Every request to another host, aborted before it left the machine."""
    console_errors: list[str] = field(default_factory=list)
    """``url: text`` of each console error and uncaught exception on any page."""

    def new_page(self) -> Any:
        page = self.context.new_page()
        page.set_default_timeout(TIMEOUT_MS)

        def on_console(message: Any) -> None:
            if message.type == "error":
                self.console_errors.append(f"{page.url}: {message.text}")

        def on_error(error: Any) -> None:
            self.console_errors.append(f"{page.url}: uncaught {error}")

        page.on("console", on_console)
        page.on("pageerror", on_error)
        return page


OFF_MACHINE = re.compile(r"^(?:https?|wss?)://(?!127\.0\.0\.1(?::\d+)?(?:[/?#]|$))",
                         re.IGNORECASE)
"""The URLs `is_local` refuses: http(s) and ws(s) to any host but 127.0.0.1."""


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == LOCAL_HOST


@contextmanager
def session(browser: Any) -> Iterator[Session]:
    """A fresh context (own storage) on ``browser`` whose off-machine requests are aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    state = Session(context)

    def guard(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            if url not in state.blocked:
                state.blocked.append(url)
            route.abort("blockedbyclient")

    def watch(request: Any) -> None:
        # Requests the router does not see (none expected) are still caught here.
        if not is_local(request.url) and request.url not in state.blocked:
            state.blocked.append(request.url)

    # Matched by Playwright's driver, so requests to 127.0.0.1 (every asset of every page)
    # never wait for this process; a host that merely starts with the address is not local.
    context.route(OFF_MACHINE, guard)
    context.on("request", watch)
    try:
        yield state
    finally:
        context.close()
