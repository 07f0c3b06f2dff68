"""`sopsite serve` while the handbook does not build: every page answers, with the problems.

A real `sopsite serve` process serves a copy of the example handbook on 127.0.0.1, and each
request has a time limit. MkDocs' own server held every page request after a failed build
until a later build succeeded; here a broken file must be answered, within 5 s of the save,
with the page of problems (`file:line:col: severity [CODE] message`, escaped, with links into
the errors reference), and the pages must come back once the file is fixed. Stopping the
server (Ctrl-C, SIGTERM) must leave no process and no temporary folder behind.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import chromium, copy_handbook, session
from tests.support.serving import Answer, Server, edit

pytestmark = pytest.mark.slow

SOP_FILE = Path("sops") / "sops" / "SOP-IT-CI.yml"
SOP_PAGE = "procedures/sop-it-ci/"
TITLE = "title: Analyse trends and draft proposals"
BROKEN = "title: Analyse trends: and draft proposals"
"""A colon and a space inside a plain value: invalid YAML (YAML001) at the second colon."""
ANSWER_LIMIT = 5.0
"""Seconds from a save that breaks the handbook to a page that shows why."""
RECOVER_TIMEOUT = 90.0
"""A full rebuild of the example site, on a machine other test runs share."""
HOSTILE = "<script>alert(1)</script>{{ 7*7 }}"


def _location(handbook: Path, relative: Path, marker: str, column_after: str) -> str:
    """``relative:line:col`` of ``column_after``'s end in the line holding ``marker``."""
    lines = (handbook / relative).read_text("utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if marker in line)
    column = lines[row].index(column_after) + len(column_after) + 1
    return f"{relative.as_posix()}:{row + 1}:{column}"


def _failure(answer: Answer | None) -> bool:
    return answer is not None and answer.headers.get("X-Sopsite-Build") == "failed"


def _wait_for_failure(server: Server, path: str, limit: float) -> Answer:
    """Request ``path`` until the failure page answers; every request, and the whole wait,
    within ``limit`` seconds."""
    start = time.monotonic()
    while True:
        answer = server.get(path, timeout=limit)
        assert answer is not None, f"no answer to /{path} within {limit}s:\n{server.output}"
        assert answer.seconds < limit
        if _failure(answer):
            return answer
        if time.monotonic() - start > limit:
            pytest.fail(f"/{path} did not show the failure within {limit}s of the save "
                        f"(last: {answer.status}, {answer.text[:200]!r}):\n{server.output}")
        time.sleep(0.1)


def _wait_for_page(server: Server, path: str, text: str) -> None:
    """Every answer comes within 5 s (a "rebuilding" page during the build), until the real
    page with ``text`` is back."""
    def back() -> bool:
        answer = server.get(path, timeout=ANSWER_LIMIT)
        assert answer is not None, f"no answer within {ANSWER_LIMIT}s:\n{server.output}"
        return answer.headers.get("X-Sopsite-Build") is None and text in answer.body
    server.wait_until(back, RECOVER_TIMEOUT, f"/{path} to come back with {text!r}")


def _assert_stops_cleanly(server: Server, signum: int, *, good: bool) -> None:
    """The signal stops the server with exit 0, leaving no process of its group and no
    temporary folder; the site stays in the build cache, with the record that shows it at
    the next start only if the last build was ``good`` (test_serve_lastsite.py)."""
    records = server.workdir / ".sopsite-build-cache" / "mkdocs" / "mkdocs"
    assert (records / "serve-site").is_dir()
    assert server.stop(signum) == 0, server.output
    assert not server.group_alive(), "a process of the server outlived it"
    left = [p.name for p in server.tmp.iterdir() if p.name.startswith("sopsite-")]
    assert left == [], f"temporary folder left behind: {left}"
    assert (records / "serve-site.json").is_file() is good


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return copy_handbook(tmp_path / "handbook")


@pytest.fixture
def server(handbook: Path, tmp_path: Path) -> Iterator[Server]:
    running = Server(handbook, tmp_path / "tmp")
    try:
        running.wait_started()
        yield running
    finally:
        running.stop()


def test_a_yaml_error_is_shown_on_every_page_and_the_site_comes_back(
    server: Server, handbook: Path,
) -> None:
    assert server.page_contains(SOP_PAGE, "Analyse trends and draft proposals")
    edit(handbook / SOP_FILE, TITLE, BROKEN)
    location = _location(handbook, SOP_FILE, BROKEN, "Analyse trends")
    answer = _wait_for_failure(server, SOP_PAGE, ANSWER_LIMIT)

    line = next((item for item in re.findall(r"<li><div class=\"line\">.*?</div>", answer.body)
                 if location in item), None)
    assert line is not None, f"{location} not on the page:\n{answer.text}"
    assert (f"{location}: error [YAML001] invalid YAML: mapping values are not allowed in "
            "this context") in answer.text
    assert '<a href="/errors/#YAML001">YAML001</a>' in line
    assert "YAML001: invalid YAML syntax or an unsupported tag" in answer.text
    assert "The handbook does not build" in answer.text
    # MkDocs' live-reload script, and a policy that lets it and nothing else run.
    assert "livereload(" in answer.body
    policy = answer.headers["Content-Security-Policy"]
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/]+=*';", policy), policy

    # Every page, even one that does not exist, answers with the problems; assets do not.
    for path in ("", "roles/", "no/such/page/", "procedures/sop-it-ci/index.html"):
        other = server.get(path, timeout=ANSWER_LIMIT)
        assert other is not None, path
        assert _failure(other), path
        assert location in other.text, path
    # The errors reference the page links to: the last good build's, saying so.
    reference = server.get("errors/", timeout=ANSWER_LIMIT)
    assert reference is not None
    assert _failure(reference)
    assert 'id="YAML001"' in reference.body
    assert "The handbook does not build now (1 problem" in reference.text
    assert "This errors reference is from the last good build" in reference.text
    # Assets are served as they are: the reference's own stylesheet.
    css = re.findall(r'href="((?:\.\./)*)(assets/[^"]+\.css)"', reference.body)[0][1]
    asset = server.get(css, timeout=ANSWER_LIMIT)
    assert asset is not None, css
    assert asset.status == 200, css
    assert asset.headers.get_content_type() == "text/css"
    assert asset.headers.get("X-Sopsite-Build") is None

    assert "every page shows the problems until they are fixed" in server.output
    assert "appear stuck" not in server.output

    edit(handbook / SOP_FILE, BROKEN, "title: Analyse trends, fixed while serving")
    _wait_for_page(server, SOP_PAGE, "Analyse trends, fixed while serving")
    again = server.get("errors/", timeout=ANSWER_LIMIT)
    assert again is not None
    assert again.headers.get("X-Sopsite-Build") is None
    _assert_stops_cleanly(server, signal.SIGINT, good=True)


def test_errors_in_two_files_are_both_shown(server: Server, handbook: Path) -> None:
    edit(handbook / SOP_FILE, TITLE, BROKEN)
    roles = Path("sops") / "roles.yml"
    edit(handbook / roles, "  name: IT Director\n", "  name: IT Director\n  name: Twice\n")
    first = _location(handbook, SOP_FILE, BROKEN, "Analyse trends")
    second = _location(handbook, roles, "name: Twice", "  ")

    def both() -> bool:
        answer = server.get(SOP_PAGE, timeout=ANSWER_LIMIT)
        return answer is not None and first in answer.text and second in answer.text
    server.wait_until(both, 30, f"{first} and {second} on the page")
    answer = server.get(SOP_PAGE, timeout=ANSWER_LIMIT)
    assert answer is not None
    text = answer.text
    assert f"{second}: error [YAML002] duplicate key 'name'" in text, text
    assert "stopped on 2 problems" in text
    assert text.index(first) > text.index(second), "sorted by file, as sopsite check does"


def test_author_text_on_the_failure_page_stays_text(server: Server, handbook: Path) -> None:
    edit(handbook / SOP_FILE, "\nowner: it-director", f"\nowner: '{HOSTILE}'")
    hostile_name = Path("sops") / "sops" / "<img src=x onerror=alert(2)>.yml"
    (handbook / hostile_name).write_text("kind: sop\nid: [\n", "utf-8")
    answer = _wait_for_failure(server, SOP_PAGE, 30)

    assert "<script>alert(1)" not in answer.body
    assert "<img src=x" not in answer.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in answer.body
    assert f"'{HOSTILE}'" in answer.text, answer.text  # {{ 7*7 }} as written, never 49
    assert f"{hostile_name.as_posix()}:" in answer.text, answer.text
    scripts = re.findall(r"<script\b", answer.body)
    assert len(scripts) == 1, "only MkDocs' live-reload script"


def test_a_failure_mkdocs_reports_without_a_location_is_shown_too(server: Server,
                                                                  handbook: Path) -> None:
    """A broken link in docs/ is a warning of MkDocs, and `strict: true` aborts on it."""
    page = handbook / "docs" / "pdf.md"
    page.write_text(page.read_text("utf-8") + "\n[gone](<no-such-page.md>)\n", "utf-8")
    answer = _wait_for_failure(server, SOP_PAGE, 60)
    messages = answer.body[answer.body.index('<ul id="messages">'):]
    text = answer.text
    assert "stopped on an error" in text
    assert ("Doc file 'pdf.md' contains a link 'no-such-page.md', but the target is not "
            "found among documentation files.") in text, text
    assert "Aborted with 1 warnings in strict mode!" in messages
    assert '<ol id="problems">' not in answer.body


def test_a_handbook_broken_at_start_is_served_and_comes_back(handbook: Path,
                                                             tmp_path: Path) -> None:
    edit(handbook / SOP_FILE, TITLE, BROKEN)
    location = _location(handbook, SOP_FILE, BROKEN, "Analyse trends")
    running = Server(handbook, tmp_path / "tmp")
    try:
        running.wait_started()
        answer = running.get(SOP_PAGE, timeout=ANSWER_LIMIT)
        assert answer is not None, running.output
        assert _failure(answer), running.output
        assert f"{location}: error [YAML001]" in answer.text
        # No good build yet, so no errors reference to link to: the page says where to look.
        assert 'href="/errors/' not in answer.body
        assert "sopsite rules lists every code" in answer.text
        edit(handbook / SOP_FILE, BROKEN, TITLE)
        _wait_for_page(running, SOP_PAGE, "Analyse trends and draft proposals")
        edit(handbook / SOP_FILE, TITLE, BROKEN)
        _wait_for_failure(running, SOP_PAGE, 30)
        _assert_stops_cleanly(running, signal.SIGTERM, good=False)  # as systemd stops it
    finally:
        running.stop()


@pytest.mark.browser
def test_the_browser_shows_the_problem_and_comes_back_by_itself(server: Server,
                                                                handbook: Path) -> None:
    with chromium() as browser, session(browser) as state:
        page = state.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(server.url + SOP_PAGE)
        page.wait_for_function("() => document.title.includes('Continuous improvement')")

        edit(handbook / SOP_FILE, "\nowner: it-director", f"\nowner: '{HOSTILE}'")
        # No reload from the test: MkDocs' live reload brings the failure page.
        page.wait_for_function("() => document.title.startsWith('The handbook does not build')",
                               timeout=30_000)
        problems = page.locator("#problems").inner_text()
        assert HOSTILE in problems, problems
        assert "error [REF001]" in problems
        link = page.locator("#problems a").first
        assert link.get_attribute("href", timeout=5_000) == "/errors/#REF001"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "REF001"

        edit(handbook / SOP_FILE, f"\nowner: '{HOSTILE}'", "\nowner: it-director")
        page.wait_for_function("() => document.title.includes('Continuous improvement')",
                               timeout=RECOVER_TIMEOUT * 1000)
        assert dialogs == [], f"author text ran: {dialogs}"
        assert not [e for e in state.console_errors if "Content Security Policy" in e], \
            state.console_errors
        assert state.blocked == []
