"""A real `sopsite serve` process on 127.0.0.1, driven over HTTP with time limits.

The server runs in a session (and process group) of its own, so a test can tell whether
anything it started is still alive once it stopped, and with TMPDIR pointed at a folder of
the test, so that the temporary site folder can be seen to go.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.browser import SOPSITE, free_port, tool_env

START_TIMEOUT = 180.0
"""A cold build of the example handbook, on a machine other test runs share."""


def _default_sigint() -> None:
    # A suite started in the background by a shell without job control inherits an ignored
    # SIGINT, and an ignored signal stays ignored across exec: the server would never see
    # the Ctrl-C that stop() sends. Give it the terminal's default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer and how long it took."""

    status: int
    body: str
    headers: Message
    seconds: float

    @property
    def text(self) -> str:
        """The page's text as a reader sees it (tags gone, entities decoded)."""
        return page_text(self.body)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


class Server:
    """A running `sopsite serve` whose combined output is collected by a thread."""

    def __init__(self, workdir: Path, tmp: Path, *extra: str) -> None:
        self.workdir, self.tmp = workdir, tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [str(SOPSITE), "serve", "-f", str(workdir / "mkdocs.yml"),
             "-a", f"127.0.0.1:{self.port}", *extra],
            cwd=workdir, env={**tool_env(), "TMPDIR": str(tmp)}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
            errors="replace", preexec_fn=_default_sigint, start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True, name="serve-output")
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        with self._lock:
            return "\n".join(self._lines)

    def get(self, path: str, timeout: float = 10.0) -> Answer | None:
        """The answer to GET ``path``, or None when none came within ``timeout`` seconds
        (or the server does not listen yet)."""
        start = time.monotonic()
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                body = response.read().decode("utf-8")
                return Answer(response.status, body, response.headers,
                              time.monotonic() - start)
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode("utf-8", "replace"), error.headers,
                          time.monotonic() - start)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def fetch(self, path: str) -> str | None:
        """The page's HTML, or None while the server does not answer it."""
        answer = self.get(path)
        return answer.body if answer is not None and answer.status == 200 else None

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"sopsite serve exited ({self.process.returncode}) while waiting "
                            f"for {what}:\n{self.output}")
            time.sleep(0.25)
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; server output:\n"
                    f"{self.output}")

    def wait_started(self) -> None:
        """Until the first build ended: the server answers at once, but with the last good
        site ("stale") or a "building" page until then."""
        def built() -> bool:
            answer = self.get("", timeout=5)
            return (answer is not None
                    and answer.headers.get("X-Sopsite-Build") not in ("stale", "building"))
        self.wait_until(built, START_TIMEOUT, "the first build to end")

    def page_contains(self, path: str, text: str) -> bool:
        html = self.fetch(path)
        return html is not None and text in html

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Ctrl-C (or another signal), as in a terminal; kill the whole group only if it
        does not stop within 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def group_alive(self) -> bool:
        """Whether any process of the server's process group (its children) still runs."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
