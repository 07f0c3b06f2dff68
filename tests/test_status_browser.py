"""Status banners, the catalogue and the dashboards in headless Chromium, on sites built
from a real git history (tests/support/status_book.py): what a reader sees of a document
not in force, whether the catalogue fits the screen, and whether it sorts and filters."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    Session,
    StaticServer,
    build,
    copy_handbook,
)
from tests.support.build import make_project
from tests.support.status_book import HOSTILE_ROLE, make

pytestmark = [pytest.mark.slow, pytest.mark.clean_browser]

IDS = ["SOP-D-1", "SOP-FI-1", "SOP-H-1", "SOP-LATE-1", "SOP-NEW-1", "SOP-OLD-1", "SOP-RET-1"]


def _project(root: Path, *, drafts_in_search: bool = False, site_url: str | None = None) -> Path:
    """The status handbook at ``root`` with the repository's mkdocs.yml; returns the config."""
    make(root)
    config = make_project(root.parent / f"{root.name}-config", root / "sops", site_url=site_url)
    text = config.read_text("utf-8")
    if drafts_in_search:
        text = text.replace("      sops: sops\n",
                            "      sops: sops\n      drafts_in_search: true\n")
    (root / "mkdocs.yml").write_text(text, "utf-8")
    shutil.copytree(config.parent / "docs", root / "docs")
    return root / "mkdocs.yml"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("status-site")
    with StaticServer(base / "site") as server:
        build(_project(base / "repo", site_url=server.url), base / "site")
        yield server.url


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example handbook, whose action list is long (the status book has none)."""
    base = tmp_path_factory.mktemp("status-example")
    with StaticServer(base / "site") as server:
        build(copy_handbook(base / "book", site_url=server.url) / "mkdocs.yml", base / "site")
        yield server.url


def _banner(page: Any, url: str) -> str:
    page.goto(url, wait_until="load")
    banners = page.locator("article .admonition.sopsite-status")
    assert banners.count() == 1
    text: str = banners.inner_text()
    return " ".join(text.split())


@pytest.mark.browser
def test_every_page_not_in_force_opens_with_its_banner(served: str, web: Session) -> None:
    page = web.new_page()
    assert _banner(page, served + "procedures/sop-h-1/") == (
        "Draft: not in force This document is a draft. It has not been approved and is not in "
        "force: do not follow it as a procedure. The version in force is SOP-H-1 v2.0.")
    assert _banner(page, served + "training/sop-h-1/").startswith("Draft: not in force ")
    assert _banner(page, served + "training/checklists/sop-h-1/").startswith(
        "Draft: not in force ")
    assert _banner(page, served + "procedures/sop-d-1/").startswith("Draft: not in force ")
    assert _banner(page, served + "procedures/sop-fi-1/").startswith("Luonnos: ei voimassa ")
    assert _banner(page, served + "procedures/sop-old-1/") == (
        "Superseded: no longer in force This document has been superseded. It is no longer in "
        "force and is kept for the record. Superseded by: SOP-NEW-1: Restart the scan server "
        "(v1.0).")
    assert _banner(page, served + "procedures/sop-ret-1/").startswith(
        "Retired: no longer in force This document was retired on 2026-05-01.")
    frozen = _banner(page, served + "procedures/sop-h-1/v1.0/")
    assert frozen.startswith("Superseded revision This is version 1.0 (commit ")
    assert frozen.endswith("), superseded on 2026-03-01 by version 1.1. It was in force from "
                           "2026-01-10. The current version is SOP-H-1: Restart the print "
                           "server (v2.1) (draft).")
    assert _banner(page, served + "procedures/sop-h-1/v2.0/").endswith(
        "in force from 2026-06-01 and still in force: the newer version 2.1 is not in force yet "
        "(draft).")
    page.emulate_media(media="print")  # on paper the banner is black on white
    colours = page.evaluate(
        """() => { const b = document.querySelector('article .admonition.sopsite-status');
                   const title = b.querySelector('.admonition-title');
                   return [getComputedStyle(b).borderLeftColor, getComputedStyle(b).color,
                           getComputedStyle(title).color,
                           getComputedStyle(title).backgroundColor]; }""")
    assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)", "rgb(0, 0, 0)", "rgba(0, 0, 0, 0)"]
    page.emulate_media(media="screen")
    page.goto(served + "procedures/sop-new-1/", wait_until="load")
    assert page.locator("article .admonition.sopsite-status").count() == 0
    nav = page.locator("nav.md-nav a.md-nav__link", has_text="SOP-OLD-1")
    assert " ".join(nav.first.inner_text().split()) == (
        "SOP-OLD-1: Restart the fax server (superseded)")
    # The draft's banner leads to the version in force.
    page.goto(served + "procedures/sop-h-1/", wait_until="load")
    page.locator("article .admonition.sopsite-status a").click()
    page.wait_for_url(served + "procedures/sop-h-1/v2.0/")


def _overflow(page: Any) -> list[tuple[int, int]]:
    """(scrollWidth, clientWidth) of each table's scroll container, and of the page."""
    found: list[tuple[int, int]] = page.evaluate(
        """() => [...document.querySelectorAll('article table')].map(t => {
             const box = t.closest('.md-typeset__scrollwrap');
             return [box.scrollWidth, box.clientWidth]; })
           .concat([[document.documentElement.scrollWidth,
                     document.documentElement.clientWidth]])""")
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 1920])
def test_the_catalogue_and_dashboards_fit_without_scrolling(served: str, example: str,
                                                            web: Session, width: int) -> None:
    page = web.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    for url, tables in ((served + "catalogue/", 2), (served + "reviews/", 1),
                        (example + "catalogue/", 1), (example + "actions/", 1),
                        (example + "as-of/", 2)):
        page.goto(url, wait_until="load")
        boxes = _overflow(page)
        assert len(boxes) == tables + 1, url
        assert [s <= c for s, c in boxes] == [True] * len(boxes), (url, boxes)
    page.goto(served + "catalogue/", wait_until="load")
    page.screenshot(path=f"/tmp/status-catalogue-{width}.png", full_page=True)
    page.goto(served + "procedures/sop-h-1/v1.0/", wait_until="load")
    page.screenshot(path=f"/tmp/status-frozen-{width}.png")


@pytest.mark.browser
def test_dates_in_the_tables_do_not_wrap(served: str, example: str, web: Session) -> None:
    page = web.new_page()
    for url in (served + "catalogue/", served + "reviews/", example + "actions/",
                example + "as-of/"):
        page.goto(url, wait_until="load")
        heights = page.evaluate(
            """() => [...document.querySelectorAll(
                 'article .sopsite-date, article .sopsite-asof-result td:last-child')]
               .map(e => e.getClientRects().length)""")
        assert heights, url
        assert set(heights) == {1}, url  # one line box each


@pytest.mark.browser
def test_the_as_of_table_is_styled_like_every_other_table(example: str, web: Session) -> None:
    page = web.new_page()
    page.goto(example + "as-of/", wait_until="load")
    looks = page.evaluate(
        """() => [...document.querySelectorAll('article table')].map(t => {
             const th = t.querySelector('th'), td = t.querySelector('tbody td'),
                   s = getComputedStyle(th), d = getComputedStyle(td);
             return [!!t.closest('.md-typeset__scrollwrap'), getComputedStyle(t).fontSize,
                     s.paddingLeft, s.fontWeight, d.paddingTop, d.borderTopStyle]; })""")
    result, revisions = looks
    assert result == revisions
    assert result[0] is True


def _ids(page: Any, table: int) -> list[str]:
    cells = page.locator(".sopsite-catalogue table").nth(table).locator(
        "tbody tr:not([hidden]) td:first-child")
    return [text.strip() for text in cells.all_inner_texts()]


@pytest.mark.browser
def test_the_catalogue_sorts_by_a_click_on_a_heading(served: str, web: Session) -> None:
    page = web.new_page()
    page.goto(served + "catalogue/", wait_until="load")
    others = page.locator(".sopsite-catalogue table").nth(1)
    assert _ids(page, 1) == ["SOP-D-1", "SOP-FI-1", "SOP-H-1", "SOP-OLD-1", "SOP-RET-1"]
    effective = others.locator("thead th").nth(6)
    effective.locator("button").click()
    assert effective.get_attribute("aria-sort") == "ascending"
    assert _ids(page, 1) == ["SOP-OLD-1", "SOP-RET-1", "SOP-D-1", "SOP-FI-1", "SOP-H-1"]
    effective.locator("button").click()
    assert effective.get_attribute("aria-sort") == "descending"
    assert _ids(page, 1) == ["SOP-H-1", "SOP-D-1", "SOP-FI-1", "SOP-RET-1", "SOP-OLD-1"]
    version = others.locator("thead th").nth(5)
    version.locator("button").click()
    assert effective.get_attribute("aria-sort") == "none"
    assert _ids(page, 1)[-1] == "SOP-H-1"  # 2.1 after 1.0, by value


@pytest.mark.browser
def test_the_catalogue_filters_by_status_and_owner(served: str, web: Session) -> None:
    page = web.new_page()
    page.goto(served + "catalogue/", wait_until="load")
    count = page.locator(".sopsite-filter-count")
    assert count.inner_text() == "7 of 7 documents shown"
    status, owner = page.get_by_label("Status"), page.get_by_label("Owner")
    assert status.locator("option").all_inner_texts() == [
        "all", "draft", "effective", "retired", "superseded"]
    status.select_option("draft")
    assert (_ids(page, 0), _ids(page, 1)) == ([], ["SOP-D-1", "SOP-FI-1", "SOP-H-1"])
    assert count.inner_text() == "3 of 7 documents shown"
    status.select_option("")
    owner.select_option("Technician")
    assert (_ids(page, 0), _ids(page, 1)) == (["SOP-LATE-1"], [])
    status.select_option("draft")
    assert count.inner_text() == "0 of 7 documents shown"


@pytest.mark.browser
def test_the_filters_show_author_text_as_text(served: str, web: Session) -> None:
    page = web.new_page()
    page.goto(served + "catalogue/", wait_until="load")
    owner = page.get_by_label("Owner")
    assert owner.locator("option").all_inner_texts() == [
        "all", HOSTILE_ROLE, "Team Lead", "Technician"]
    owner.select_option(HOSTILE_ROLE)
    assert _ids(page, 1) == ["SOP-RET-1"]
    assert page.locator(".sopsite-filter-count").inner_text() == "1 of 7 documents shown"
    assert page.locator("article img, .sopsite-filters img").count() == 0
    assert page.evaluate("() => window.pwned") is None


@pytest.mark.browser
def test_the_catalogue_is_whole_without_javascript(served: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280,
                                                                       "height": 900})
    try:
        page = context.new_page()
        page.goto(served + "catalogue/", wait_until="load")
        cells = page.locator(".sopsite-catalogue tbody td:first-child").all_inner_texts()
        assert sorted(cells) == IDS
        assert page.locator(".sopsite-catalogue thead th").count() == 16
        assert page.locator(".sopsite-filters, .sopsite-sort").count() == 0
    finally:
        context.close()


@pytest.mark.browser
def test_the_catalogue_is_usable_on_a_phone(served: str, web: Session) -> None:
    page = web.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served + "catalogue/", wait_until="load")
    *tables, whole = _overflow(page)
    assert whole[0] <= whole[1]  # the page itself never scrolls sideways: only the table
    assert page.get_by_label("Status").is_visible()
    assert page.get_by_label("Owner").is_visible()
    page.get_by_label("Status").select_option("superseded")
    assert _ids(page, 1) == ["SOP-OLD-1"]
    page.get_by_label("Status").select_option("")
    page.screenshot(path="/tmp/status-catalogue-390.png", full_page=True)
    page.goto(served + "procedures/sop-h-1/", wait_until="load")
    page.screenshot(path="/tmp/status-draft-390.png")
    assert tables


def _indexed(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_drafts_stay_out_of_the_search_index_unless_the_handbook_opts_in(
        tmp_path: Path) -> None:
    plain = _indexed(build(_project(tmp_path / "plain"), tmp_path / "plain-site"))
    opted = _indexed(build(_project(tmp_path / "opted", drafts_in_search=True),
                           tmp_path / "opted-site"))
    drafts = {"procedures/sop-h-1/", "procedures/sop-d-1/", "procedures/sop-fi-1/",
              "training/sop-h-1/"}
    record = {"procedures/sop-old-1/", "procedures/sop-ret-1/", "procedures/sop-new-1/"}
    assert drafts & plain == set()
    assert drafts <= opted
    assert record <= plain
    assert record <= opted
    # The version in force is found while the live page is a draft kept out of search.
    assert "procedures/sop-h-1/v2.0/" in plain
    assert "procedures/sop-h-1/v2.0/" not in opted
    assert "procedures/sop-h-1/v1.0/" not in plain | opted
