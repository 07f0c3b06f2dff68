"""The as-of page in headless Chromium, on a site built from a real git history."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import Session, StaticServer, build, chromium, session
from tests.support.build import make_project
from tests.test_declared_history import declared_repo as declared_repo
from tests.test_history import repo as repo

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _serve(root: Path, tmp_path: Path) -> Iterator[str]:
    site_dir = tmp_path / "site"
    with StaticServer(site_dir) as server:
        config = make_project(tmp_path / "config", root / "sops", site_url=server.url)
        shutil.copy(config, root / "mkdocs.yml")
        shutil.copytree(config.parent / "docs", root / "docs")
        build(root / "mkdocs.yml", site_dir)
        yield server.url


@pytest.fixture
def served(repo: tuple[Path, list[str]], tmp_path: Path) -> Iterator[str]:
    yield from _serve(repo[0], tmp_path)


@pytest.fixture
def served_declared(declared_repo: tuple[Path, list[str]], tmp_path: Path) -> Iterator[str]:
    yield from _serve(declared_repo[0], tmp_path)


@pytest.fixture
def web() -> Iterator[Session]:
    with chromium() as browser, session(browser) as state:
        yield state


def _in_force(page: Any, day: str, doc: str = "SOP-H-1") -> tuple[str, str]:
    page.fill("#sopsite-asof-date", day)
    row = page.locator(f".sopsite-asof-result tr[data-doc='{doc}']")
    cells = row.locator("td")
    return cells.nth(1).inner_text(), cells.nth(2).inner_text()


def test_as_of_page_answers_for_dates_and_links_the_frozen_page(
        served: str, web: Session, repo: tuple[Path, list[str]]) -> None:
    commits = [c[:12] for c in repo[1]]
    page = web.new_page()
    page.goto(served + "as-of/", wait_until="load")
    assert _in_force(page, "2025-12-31") == ("not in force", "\u2013")
    assert _in_force(page, "2026-02-01") == (f"v1.0 (from git {commits[0]})", "2026-01-10")
    assert _in_force(page, "2026-03-01") == (f"v1.1 (from git {commits[1]})", "2026-03-01")
    assert _in_force(page, "2026-11-21") == (f"v2.0 (from git {commits[2]})", "2026-06-01")
    _in_force(page, "2026-04-15")
    page.locator(".sopsite-asof-result tr[data-doc='SOP-H-1'] a").click()
    page.wait_for_url(served + "procedures/sop-h-1/v1.1/")
    banner = page.locator("article .admonition.danger")
    banner.wait_for()  # instant navigation swaps the content after the URL changes
    assert banner.inner_text().startswith("Superseded revision")
    assert "This is version 1.1" in banner.inner_text()
    assert web.blocked == []
    assert web.console_errors == []


def test_as_of_page_answers_with_declared_versions_before_the_first_commit(
        served_declared: str, web: Session, declared_repo: tuple[Path, list[str]]) -> None:
    """The acceptance in a browser: SOP-D-1 entered git in 2026 at version 2.0; on days
    before that, its declared versions answer, marked as declared."""
    first = declared_repo[1][0][:12]
    page = web.new_page()
    page.goto(served_declared + "as-of/", wait_until="load")
    assert _in_force(page, "2025-08-31", "SOP-D-1") == ("not in force", "\u2013")
    assert _in_force(page, "2025-10-15", "SOP-D-1") == ("v1.0 (declared)", "2025-09-01")
    assert _in_force(page, "2025-12-31", "SOP-D-1") == ("v1.1 (declared)", "2025-12-01")
    assert _in_force(page, "2026-02-15", "SOP-D-1") == (f"v2.0 (from git {first})",
                                                         "2026-02-01")
    _in_force(page, "2025-12-31", "SOP-D-1")
    row = page.locator(".sopsite-asof-result tr[data-doc='SOP-D-1']")
    assert row.get_attribute("data-source") == "declared"
    row.locator("a").click()  # a declared version links to the page whose history lists it
    page.wait_for_url(served_declared + "procedures/sop-d-1/")
    assert web.blocked == []
    assert web.console_errors == []
