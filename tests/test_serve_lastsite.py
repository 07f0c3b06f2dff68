"""A new `sopsite serve` shows the last good site at once, and its own when it is built.

Real `sopsite build` and `sopsite serve` processes on a copy of the example handbook. A hook
of the test's own holds the server's first build at its end until the test lets it go, so
what the server answers meanwhile is seen for certain, however fast or slow the machine:
the last site, every page under a banner and with the live-reload script, its styles and
images too; never a site that was changed after it was built; and once the build ends,
the new site, with a save made meanwhile built next.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import SOPSITE
from tests.support.browser import chromium, copy_handbook, session, tool_env
from tests.support.serving import Answer, Server, edit

pytestmark = pytest.mark.slow

SOP_FILE = Path("sops") / "sops" / "SOP-IT-CI.yml"
SOP_PAGE = "procedures/sop-it-ci/"
TITLE = "Analyse trends and draft proposals"
RECORDS = Path(".sopsite-build-cache") / "mkdocs" / "mkdocs"
HOOK = '''\
import time
from pathlib import Path


def on_post_build(config, **kwargs):
    """Hold the build at its end while the file `hold` exists (two minutes at most)."""
    hold = Path(config.config_file_path).parent / "hold"
    deadline = time.monotonic() + 120
    while hold.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
'''
LIMIT = 10.0
"""Seconds any answer may take while the first build is held."""
BUILD_TIMEOUT = 180.0


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    book = copy_handbook(tmp_path / "handbook")
    (book / "hold.py").write_text(HOOK, encoding="utf-8")
    config = book / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nhooks:\n  - hold.py\n", "utf-8")
    return book


def _build(book: Path) -> None:
    import subprocess

    done = subprocess.run([str(SOPSITE), "build", "-f", "mkdocs.yml"], cwd=book,
                          env=tool_env(), capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (book / RECORDS / "build-site.json").is_file()


@pytest.fixture
def built(handbook: Path) -> Path:
    _build(handbook)
    return handbook


@contextmanager
def _held(book: Path, tmp: Path) -> Iterator[tuple[Server, Path]]:
    """A server started with its first build held at the end, and the file that holds it."""
    hold = book / "hold"
    hold.touch()
    running = Server(book, tmp)
    try:
        yield running, hold
    finally:
        hold.unlink(missing_ok=True)
        running.stop()


@pytest.fixture
def held(built: Path, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    with _held(built, tmp_path / "tmp") as running:
        yield running


def _first_answer(server: Server, path: str) -> Answer:
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        answer = server.get(path, timeout=LIMIT)
        if answer is not None:
            return answer
        assert server.process.poll() is None, server.output
        time.sleep(0.05)
    pytest.fail(f"no answer to /{path}:\n{server.output}")


def _wait_for_new_site(server: Server, text: str) -> Answer:
    found: list[Answer] = []

    def current() -> bool:
        answer = server.get(SOP_PAGE, timeout=LIMIT)  # None: not listening yet
        if (answer is not None and answer.headers.get("X-Sopsite-Build") is None
                and text in answer.body):
            found.append(answer)
        return bool(found)

    server.wait_until(current, BUILD_TIMEOUT, f"the new site with {text!r}")
    return found[0]


def test_the_last_build_is_shown_until_the_first_build_ends(
        held: tuple[Server, Path], handbook: Path) -> None:
    server, hold = held
    answer = _first_answer(server, SOP_PAGE)
    assert answer.status == 200
    assert answer.headers["X-Sopsite-Build"] == "stale", server.output
    assert TITLE in answer.body
    assert "This is the site as built" in answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    assert "livereload(" in answer.body  # the page turns into the new site by itself
    # Its styles and pictures come from the same build, and so does a page's 404.
    style = re.search(r'href="([^"]+\.css)"', answer.body)
    assert style is not None
    css = server.get(SOP_PAGE + style[1], timeout=LIMIT)
    assert css is not None
    assert css.status == 200
    assert css.headers["Content-Type"] == "text/css"
    assert css.headers["X-Sopsite-Build"] == "stale"
    missing = server.get("no-such-page/", timeout=LIMIT)
    assert missing is not None
    assert missing.headers["X-Sopsite-Build"] == "stale"
    assert "404" in missing.text
    folder = server.get(SOP_PAGE.rstrip("/"), timeout=LIMIT)  # sent on to the slash
    assert folder is not None
    assert folder.status == 200
    assert 'content="0; url=./sop-it-ci/"' in folder.body  # on this server, whatever the name
    again = server.get(SOP_PAGE, timeout=LIMIT)
    assert again is not None
    assert again.headers["X-Sopsite-Build"] == "stale"

    hold.unlink()
    _wait_for_new_site(server, TITLE)
    assert server.stop() == 0
    assert (handbook / RECORDS / "serve-site.json").is_file()


def test_a_save_made_while_the_last_site_is_shown_is_built_next(
        held: tuple[Server, Path], handbook: Path) -> None:
    server, hold = held
    assert _first_answer(server, SOP_PAGE).headers["X-Sopsite-Build"] == "stale"
    time.sleep(1.0)  # the file watcher's first look at the folders
    edit(handbook / SOP_FILE, f"title: {TITLE}", "title: Analyse trends, saved meanwhile")
    hold.unlink()
    _wait_for_new_site(server, "Analyse trends, saved meanwhile")


def test_a_server_shows_its_own_last_site_next_time_and_then_deletes_it(
        handbook: Path, tmp_path: Path) -> None:
    first = Server(handbook, tmp_path / "tmp")
    try:
        _wait_for_new_site(first, TITLE)
    finally:
        assert first.stop() == 0
    assert not [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("sopsite-")]
    edit(handbook / SOP_FILE, f"title: {TITLE}", "title: Analyse trends, after a restart")
    (handbook / "hold").touch()
    second = Server(handbook, tmp_path / "tmp")
    try:
        answer = _first_answer(second, SOP_PAGE)
        assert answer.headers["X-Sopsite-Build"] == "stale", second.output
        assert TITLE in answer.body  # the site as the last server left it
        assert (handbook / RECORDS / "serve-shown").is_dir()
        (handbook / "hold").unlink()
        _wait_for_new_site(second, "Analyse trends, after a restart")
        second.wait_until(lambda: not (handbook / RECORDS / "serve-shown").exists(), 60,
                          "the shown site to be deleted")
    finally:
        second.stop()


def test_a_site_changed_after_its_build_is_never_shown(built: Path, tmp_path: Path) -> None:
    page = built / "site" / SOP_PAGE / "index.html"
    page.write_text(page.read_text("utf-8").replace("</body>", "<p>INJECTED</p></body>"),
                    "utf-8")
    with _held(built, tmp_path / "tmp") as (server, hold):
        answer = _first_answer(server, SOP_PAGE)
        assert answer.headers["X-Sopsite-Build"] == "building", server.output
        assert "INJECTED" not in answer.body
        assert "building the site for the first time" in answer.text
        hold.unlink()
        assert "INJECTED" not in _wait_for_new_site(server, TITLE).body


def test_without_the_build_cache_the_site_is_built_in_a_temporary_folder(
        handbook: Path, tmp_path: Path) -> None:
    config = handbook / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("  - sopsite:\n", "  - sopsite:\n      build_cache: ''\n", 1),
                      "utf-8")
    _build_without_record = handbook / RECORDS
    server = Server(handbook, tmp_path / "tmp")
    try:
        _wait_for_new_site(server, TITLE)
        made = [p.name for p in server.tmp.iterdir() if p.name.startswith("sopsite-serve-")]
        assert len(made) == 1, made
    finally:
        assert server.stop() == 0
    assert [p for p in server.tmp.iterdir() if p.name.startswith("sopsite-serve-")] == []
    assert not _build_without_record.exists()


@pytest.mark.browser
def test_the_browser_turns_the_last_site_into_the_new_one_by_itself(
        held: tuple[Server, Path], handbook: Path) -> None:
    server, hold = held
    assert _first_answer(server, SOP_PAGE).headers["X-Sopsite-Build"] == "stale"
    with chromium() as browser, session(browser) as state:
        page = state.new_page()
        page.goto(server.url + SOP_PAGE)
        assert page.locator("#sopsite-serve-banner").count() == 1
        hold.unlink()
        # No reload from the test: the live-reload script brings the new page.
        page.wait_for_function("() => !document.getElementById('sopsite-serve-banner')",
                               timeout=BUILD_TIMEOUT * 1000)
        assert TITLE in page.content()
        assert state.blocked == []
