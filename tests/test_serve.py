"""`sopsite serve` as an author uses it: edit the YAML, see the page change.

A copy of the example handbook is served by a real `sopsite serve` process on 127.0.0.1. The
test edits a step title in the copy and polls the served page until the new title appears;
then it breaks the YAML, expects the `file:line:col` problem line in the server's output,
fixes it and expects the page to recover. The server is stopped with Ctrl-C (SIGINT), as in a
terminal.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.browser import SOPSITE, copy_handbook, free_port, tool_env

pytestmark = pytest.mark.slow

SOP_FILE = Path("sops") / "sops" / "SOP-IT-CI.yml"
SOP_PAGE = "procedures/sop-it-ci/"
OLD_TITLE = "Analyse trends and draft proposals"
START_TIMEOUT = 120.0
CHANGE_TIMEOUT = 60.0


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """A running `sopsite serve` whose combined output is collected by a thread."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [str(SOPSITE), "serve", "-f", str(workdir / "mkdocs.yml"),
             "-a", f"127.0.0.1:{self.port}"],
            cwd=workdir, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace",
            # A suite started in the background by a shell without job control inherits an
            # ignored SIGINT, and an ignored signal stays ignored across exec: the server
            # would never see the Ctrl-C that stop() sends. Give it the terminal's default.
            preexec_fn=_default_sigint,
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

    def fetch(self, path: str) -> str | None:
        """The page's HTML, or None while the server does not answer it."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                body: bytes = response.read()
                return body.decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

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

    def page_contains(self, path: str, text: str) -> bool:
        html = self.fetch(path)
        return html is not None and text in html

    def stop(self) -> int:
        """Ctrl-C, as in a terminal; kill only if it does not stop within 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return copy_handbook(tmp_path / "handbook")


@pytest.fixture
def server(handbook: Path) -> Iterator[Server]:
    running = Server(handbook)
    try:
        running.wait_until(lambda: running.fetch("") is not None, START_TIMEOUT,
                           "the server to answer")
        yield running
    finally:
        running.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serve_rebuilds_when_the_yaml_changes(server: Server, handbook: Path) -> None:
    source = handbook / SOP_FILE
    assert server.page_contains(SOP_PAGE, OLD_TITLE)

    new_title = "Analyse trends and draft proposals, edited while serving"
    edit(source, f"title: {OLD_TITLE}", f"title: {new_title}")
    server.wait_until(lambda: server.page_contains(SOP_PAGE, new_title), CHANGE_TIMEOUT,
                      f"the page to show {new_title!r}")
    assert not server.page_contains(SOP_PAGE, f">{OLD_TITLE}<")

    # A YAML error while serving: reported with file:line:col, the server stays up.
    broken = f"title: Analyse trends: {new_title}"
    edit(source, f"title: {new_title}", broken)
    lines = source.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if broken in line)
    column = lines[row].index("trends:") + len("trends") + 1
    location = f"{SOP_FILE.as_posix()}:{row + 1}:{column}:"
    server.wait_until(lambda: location in server.output, CHANGE_TIMEOUT,
                      f"the problem line {location} in the server output")
    problem = next(line for line in server.output.splitlines() if location in line)
    assert "error" in problem
    assert "YAML" in problem
    assert server.process.poll() is None, "the server died on a YAML error"

    fixed_title = "Analyse trends and draft proposals, fixed"
    edit(source, broken, f"title: {fixed_title}")
    server.wait_until(lambda: server.page_contains(SOP_PAGE, fixed_title), CHANGE_TIMEOUT,
                      f"the page to recover and show {fixed_title!r}")

    assert server.stop() == 0, f"sopsite serve did not stop cleanly:\n{server.output}"
