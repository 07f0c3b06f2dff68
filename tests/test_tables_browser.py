"""Tables that fit their content (issue #19) in headless Chromium, on the example handbook:
at a desktop width text columns have room for a sentence and the table fits; on a phone the
table scrolls sideways instead of crushing its text; no word is broken or sticks out of its
column; the heat map's counts and colours match the risks, with readable text in the light
and the dark scheme."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from generator.model.documents import risk_level
from tests.support import REPO
from tests.support.browser import Session, StaticServer, build, copy_handbook

pytestmark = [pytest.mark.slow, pytest.mark.clean_browser]

TEXT_FLOOR = 200
"""The least width, in CSS pixels, of a column of sentences (risk, mitigation, action,
summary) at either width; the floor the stylesheet gives them is 11rem and more."""

PAGES = {
    "processes/proc-sw-rollout/": {"risks": [1, 3], "revisions": [6]},
    "retrospectives/retro-sw-rollout-2026-09/": {"actions": [1], "revisions": [6],
                                                  "metrics": []},
    "postmortems/pm-home-borscht-2026-11/": {"actions": [1], "revisions": [6]},
    "actions/": {"actions": [1]},
}
"""Each page with text-heavy tables: kind of table, its text columns (1-based)."""

MEASURE = """() => [...document.querySelectorAll('article .sopsite-table')].map(box => {
  const table = box.querySelector('table'), wrap = table.closest('.md-typeset__scrollwrap');
  return {kind: [...box.classList].find(c => c.startsWith('sopsite-table--')).slice(15),
          widths: [...table.querySelectorAll('thead th')].map(
            th => th.getBoundingClientRect().width),
          scroll: [wrap.scrollWidth, wrap.clientWidth]}; })"""

BROKEN_WORDS = """() => {
  // Each unbreakable run: a word, or the part of a hyphenated word up to its hyphen (a
  // line may end after a hyphen). Found when it spans two lines or is wider than its cell.
  const found = [];
  for (const cell of document.querySelectorAll(
         'article .sopsite-table th, article .sopsite-table td')) {
    const box = cell.getBoundingClientRect(), style = getComputedStyle(cell);
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        if (rects.length > 1 || width > inner + 1)
          found.push(match[0] + ' (' + Math.round(width) + ' in ' + Math.round(inner) + ')');
      }
    }
  }
  return found; }"""

CELLS = """() => [...document.querySelectorAll('.sopsite-heatmap__grid tbody tr')].map(row => [
  row.querySelector('th').textContent.trim(),
  [...row.querySelectorAll('td')].map(td => {
    const s = getComputedStyle(td);
    return {count: td.querySelector('.sopsite-heat__count').textContent,
            word: td.querySelector('.sopsite-heat__level').textContent,
            level: [...td.classList].find(c => c.startsWith('sopsite-level--')).slice(15),
            color: s.color, background: s.backgroundColor}; })])"""

LEVEL_WORDS = """() => [...document.querySelectorAll(
    'article span.sopsite-level, .sopsite-heatmap__legend span')].map(e => {
  const s = getComputedStyle(e);
  return [e.textContent, s.color, s.backgroundColor]; })"""


def _rgb(css: str) -> tuple[float, float, float]:
    parts = css[css.index("(") + 1:css.index(")")].replace(",", " ").split()
    assert len(parts) == 3 or parts[3] in ("1", "/"), css  # opaque colours only
    red, green, blue = (float(p) for p in parts[:3])
    return red, green, blue


def contrast(one: str, two: str) -> float:
    """WCAG 2 contrast ratio of two computed `rgb()` colours."""
    def luminance(css: str) -> float:
        channels = [c / 255 for c in _rgb(css)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _risk_grid() -> dict[tuple[int, int], int]:
    """(likelihood, impact): how many of PROC-SW-ROLLOUT's risks are scored so."""
    doc = yaml.safe_load((REPO / "sops" / "processes" / "PROC-SW-ROLLOUT.yml").read_text("utf-8"))
    grid: dict[tuple[int, int], int] = {}
    for risk in doc["premortem"]:
        if "likelihood" in risk:
            key = (risk["likelihood"], risk["impact"])
            grid[key] = grid.get(key, 0) + 1
    return grid


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("tables-browser")
    with StaticServer(base / "site") as server:
        build(copy_handbook(base / "book", site_url=server.url) / "mkdocs.yml", base / "site")
        yield server.url


@pytest.mark.browser
def test_text_columns_have_room_and_the_tables_fit_at_1400(served: str, web: Session) -> None:
    page = web.new_page()
    page.set_viewport_size({"width": 1400, "height": 900})
    for path, kinds in PAGES.items():
        page.goto(served + path, wait_until="load")
        tables = page.evaluate(MEASURE)
        assert {t["kind"] for t in tables} == set(kinds), path
        for table in tables:
            text = [table["widths"][n - 1] for n in kinds[table["kind"]]]
            assert all(width >= TEXT_FLOOR for width in text), (path, table)
            scroll, client = table["scroll"]
            assert scroll <= client, (path, table)  # the whole table, no scrolling
        assert page.evaluate(BROKEN_WORDS) == [], path


@pytest.mark.browser
def test_on_a_phone_the_tables_scroll_instead_of_crushing(served: str, web: Session) -> None:
    page = web.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    for path, kinds in PAGES.items():
        page.goto(served + path, wait_until="load")
        tables = page.evaluate(MEASURE)
        for table in tables:
            text = [table["widths"][n - 1] for n in kinds[table["kind"]]]
            assert all(width >= TEXT_FLOOR for width in text), (path, table)
        wide = [t for t in tables if t["kind"] in ("risks", "revisions")]
        assert all(s > c for s, c in (t["scroll"] for t in wide)), path  # they scroll
        # The page itself never scrolls sideways: only the table's own wrapper does.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.evaluate(BROKEN_WORDS) == [], path


@pytest.mark.browser
def test_the_heat_map_counts_and_colours_the_risks(served: str, web: Session) -> None:
    page = web.new_page()
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(served + "processes/proc-sw-rollout/", wait_until="load")
    grid = _risk_grid()
    assert sum(grid.values()) >= 5
    light = page.evaluate(CELLS)
    assert [likelihood for likelihood, _ in light] == ["5", "4", "3", "2", "1"]
    backgrounds: dict[str, set[str]] = {}
    for likelihood, cells in light:
        assert len(cells) == 5
        for impact, cell in enumerate(cells, start=1):
            key = (int(likelihood), impact)
            assert cell["count"] == str(grid.get(key, 0)), key
            assert cell["level"] == risk_level(*key), key
            assert cell["word"] == cell["level"], key  # the level in words, not colour only
            backgrounds.setdefault(cell["level"], set()).add(cell["background"])
            assert contrast(cell["color"], cell["background"]) >= 4.5, (key, cell)
    # One colour per level, four different colours.
    assert all(len(colours) == 1 for colours in backgrounds.values())
    assert len({next(iter(c)) for c in backgrounds.values()}) == 4
    page.screenshot(path="/tmp/tables-heatmap-light.png", full_page=False)

    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    dark = page.evaluate(CELLS)
    for (_, cells), (_, before) in zip(dark, light, strict=True):
        for cell, was in zip(cells, before, strict=True):
            assert cell["background"] != was["background"]  # the dark scheme has its own
            assert contrast(cell["color"], cell["background"]) >= 4.5, cell


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_level_words_are_readable_in_both_schemes(served: str, web: Session,
                                                  scheme: str) -> None:
    page = web.new_page()
    page.goto(served + "processes/proc-sw-rollout/", wait_until="load")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    words = page.evaluate(LEVEL_WORDS)
    assert {word for word, _, _ in words} == {"low", "medium", "significant", "high"}
    low = [(word, round(contrast(fg, bg), 2)) for word, fg, bg in words
           if contrast(fg, bg) < 4.5]
    assert low == []


def test_contrast_is_the_wcag_ratio() -> None:
    """The helper the colour checks rely on: black on white is 21, grey on grey is 1."""
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert contrast("rgb(119, 119, 119)", "rgb(119, 119, 119)") == 1.0
    assert 4.4 < contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") < 4.6


def test_the_page_set_is_the_example_handbook() -> None:
    """Every page the width checks visit is a page of the example handbook."""
    for path in PAGES:
        if path != "actions/":
            name = path.strip("/").split("/")[-1].upper()
            assert list(Path(REPO, "sops").rglob(f"{name}.yml")), path
