"""`sopsite bundle`: a zipped snapshot of the example handbook, opened from file:// in Chromium.

The handbook is copied into a fresh git repository (so the snapshot has a commit to state),
bundled once per module with SOPSITE_TODAY=2026-11-21, and unzipped. The browser test opens
the unzipped ``index.html`` from disk with no server; any http(s) request fails the test.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support import REPO, TODAY_ARG
from tests.support.browser import TIMEOUT_MS, Session, chromium, session
from tests.support.build import make_project, sopsite

pytestmark = pytest.mark.slow

STEP_TITLE = "Prepare feedback and suggestions from the front line"
"""A step of sops/sops/SOP-IT-CI.yml whose words appear nowhere else in the handbook."""
SOP_PAGE = "procedures/sop-it-ci.html"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def handbook_repo(root: Path) -> Path:
    """The example handbook in a new git repository with one commit; returns its folder."""
    make_project(root, REPO / "sops", docs=REPO / "docs")
    (root / ".gitignore").write_text(".sopsite-cache/\nsite/\nout/\n", encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Test Author")
    git(root, "config", "user.email", "author@example.org")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "The example handbook")
    return root


@dataclass(frozen=True)
class Made:
    project: Path
    zip: Path
    site: Path
    """The unzipped folder holding index.html."""
    commit: str
    built: set[str]
    """The UTC dates during the bundle run (two when it straddled midnight)."""


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    project = handbook_repo(tmp_path_factory.mktemp("bundle"))
    out = project / "out" / "handbook.zip"
    before = dt.datetime.now(dt.UTC).date().isoformat()
    result = sopsite("bundle", "--out", out, cwd=project, today=TODAY_ARG)
    after = dt.datetime.now(dt.UTC).date().isoformat()
    assert result.returncode == 0, result.stderr
    unzipped = project / "unzipped"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(unzipped)
    return Made(project, out, unzipped / "handbook", git(project, "rev-parse", "HEAD")[:12],
                {before, after})


def page_text(path: Path) -> str:
    """The visible words of an HTML page, whitespace collapsed."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_front_page_states_commit_build_date_and_as_of_date(made: Made) -> None:
    text = page_text(made.site / "index.html")
    note = re.search(r"Controlled snapshot This copy of the handbook was built from commit "
                     r"(\S+) on (\S+) \(UTC\)\. Review deadlines and overdue actions are as of "
                     r"(\S+)\.", text)
    assert note, text[:600]
    assert note.group(1) == made.commit
    assert note.group(2) in made.built
    assert note.group(3) == TODAY_ARG
    assert text.index("Controlled snapshot") > text.index("Kestrel Bay Handbook")
    # Only the front page carries the note.
    assert "Controlled snapshot" not in page_text(made.site / SOP_PAGE)


def test_zip_is_one_folder_of_sorted_entries_with_the_offline_pieces(made: Made) -> None:
    with zipfile.ZipFile(made.zip) as archive:
        names = archive.namelist()
        stamps = {info.date_time for info in archive.infolist()}
    assert names == sorted(names)
    assert all(name.startswith("handbook/") for name in names)
    assert len(stamps) == 1
    for piece in ("index.html", SOP_PAGE, "search/search_index.js",
                  "assets/javascripts/mermaid.min.js",
                  "assets/javascripts/iframe-worker/shim.js"):
        assert f"handbook/{piece}" in names, piece
    assert not list(made.zip.parent.glob(".*partial"))


def test_same_commit_same_day_gives_the_same_bytes(made: Made, tmp_path: Path) -> None:
    again = tmp_path / made.zip.name
    result = sopsite("bundle", "--out", again, cwd=made.project, today=TODAY_ARG)
    assert result.returncode == 0, result.stderr
    if {dt.datetime.now(dt.UTC).date().isoformat()} == made.built:
        assert again.read_bytes() == made.zip.read_bytes()
    else:  # the UTC day changed in between: the note and the timestamps differ, nothing else
        with zipfile.ZipFile(again) as new, zipfile.ZipFile(made.zip) as old:
            assert new.namelist() == old.namelist()


def test_the_zip_holds_the_evidence_register_that_sopsite_register_writes(
        made: Made, tmp_path: Path) -> None:
    out = tmp_path / "register"
    result = sopsite("register", "--out", out, cwd=made.project, today=TODAY_ARG)
    assert result.returncode == 0, result.stderr
    for name in ("register.csv", "revisions.csv", "register.json"):
        assert (made.site / "register" / name).read_bytes() == (out / name).read_bytes(), name
    lines = (out / "revisions.csv").read_text("utf-8-sig").splitlines()
    assert ("SOP-IT-CI,1.0,superseded,superseded,2025-09-01,declared,,,Marko Laine,,\"First issue, "
            "based on the IT department's training manual for Level 1 Technicians.\"") in lines
    assert any(line.startswith(f"SOP-IT-CI,2.1,effective,effective,2026-11-16,git,{made.commit}")
               for line in lines)


def test_offline_configuration_replaced_the_sites_own(made: Made) -> None:
    page = (made.site / SOP_PAGE).read_text(encoding="utf-8")
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', page,
                       re.DOTALL)
    assert config
    assert '"version": null' in config.group(1)
    assert "navigation.instant" not in config.group(1)
    assert '<script src="../assets/javascripts/iframe-worker/shim.js"></script>' in page
    assert "unpkg.com" not in page
    assert "fonts.googleapis.com" not in page
    # The user's mkdocs.yml is untouched and still builds the served site.
    assert "navigation.instant" in (made.project / "mkdocs.yml").read_text(encoding="utf-8")


def test_every_link_and_asset_in_the_bundle_is_a_file(made: Made) -> None:
    """From file:// a link to a folder shows a listing, so every local URL must be a file."""
    broken = []
    # 404.html is the exception by design: a server shows it at any depth, so its URLs are
    # absolute; opened from disk, nothing ever leads to it.
    pages = sorted(p for p in made.site.rglob("*.html") if p.name != "404.html")
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"]*)"', text):
            parts = urlsplit(html.unescape(url))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = (page.parent / parts.path).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(made.site)}: {url}")
    assert broken == []


def test_failed_bundle_leaves_no_zip_and_keeps_the_previous_one(made: Made) -> None:
    sop = made.project / "sops" / "sops" / "SOP-IT-CI.yml"
    original = sop.read_text(encoding="utf-8")
    before = made.zip.read_bytes()
    fresh = made.zip.with_name("never.zip")
    sop.write_text(original.replace("actor: level-1-technician", "actor: level-9-technician"),
                   encoding="utf-8")
    try:
        replaced = sopsite("bundle", "--out", made.zip, cwd=made.project, today=TODAY_ARG)
        new = sopsite("bundle", "--out", fresh, cwd=made.project, today=TODAY_ARG)
    finally:
        sop.write_text(original, encoding="utf-8")
    for result in (replaced, new):
        assert result.returncode == 1
        assert re.search(r"sops/sops/SOP-IT-CI\.yml:\d+:\d+: error \[REF001\] unknown role "
                         r"'level-9-technician'", result.stderr), result.stderr
    assert made.zip.read_bytes() == before
    assert not fresh.exists()
    assert sorted(p.name for p in made.zip.parent.iterdir()) == ["handbook.zip"]


def test_uncommitted_changes_are_stated(made: Made, tmp_path: Path) -> None:
    docs = made.project / "docs" / "index.md"
    original = docs.read_text(encoding="utf-8")
    docs.write_text(original + "\nA line not yet committed.\n", encoding="utf-8")
    try:
        result = sopsite("bundle", "--out", tmp_path / "dirty.zip", cwd=made.project,
                         today=TODAY_ARG)
    finally:
        docs.write_text(original, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert f"commit {made.commit} plus uncommitted changes" in result.stdout


# --- in Chromium, from file:// ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def web(browser: Any) -> Iterator[tuple[Session, list[str]]]:
    """A browser context that records every request; any http(s) one is aborted."""
    with session(browser) as state:
        requests: list[str] = []
        state.context.on("request", lambda request: requests.append(request.url))
        yield state, requests


def assert_file_only(state: Session, requests: list[str]) -> None:
    remote = [url for url in requests if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert remote == [], f"requests that need a network: {remote}"
    assert state.blocked == []
    assert state.console_errors == [], f"console errors: {state.console_errors}"


@pytest.mark.browser
def test_bundle_works_from_file_urls(made: Made, web: tuple[Session, list[str]]) -> None:
    state, requests = web
    page = state.new_page()

    page.goto((made.site / "index.html").as_uri(), wait_until="load")
    note = page.locator(".sopsite-snapshot").inner_text()
    assert made.commit in note
    assert TODAY_ARG in note

    page.goto((made.site / SOP_PAGE).as_uri(), wait_until="load")
    page.wait_for_function(
        """() => document.querySelectorAll('div.mermaid').length > 0
                 && document.querySelectorAll('pre.mermaid').length === 0
                 && [...document.querySelectorAll('div.mermaid')]
                      .every(e => e.getBoundingClientRect().height > 0)""",
        timeout=TIMEOUT_MS)
    assert "Syntax error" not in page.inner_text("body")

    page.goto((made.site / "index.html").as_uri(), wait_until="load")
    page.click("input.md-search__input")
    page.locator("input.md-search__input").press_sequentially(STEP_TITLE.lower())
    page.wait_for_selector(".md-search-result__item", timeout=TIMEOUT_MS)
    found = page.eval_on_selector_all(".md-search-result__link",
                                      "links => links.map(a => a.href)")
    sop_url = (made.site / SOP_PAGE).as_uri()
    assert any(url.startswith(sop_url) and "#step-prepare-feedback" in url for url in found), \
        found

    assert_file_only(state, requests)
