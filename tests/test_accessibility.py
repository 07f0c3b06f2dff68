"""axe-core on every page of the example handbook, and its widgets used from the keyboard.

The handbook (mkdocs.yml, sops/, docs/) is committed to a new git repository in a temporary
folder, so the history pages (revision tables, as-of) are built too, and built once for the
module. One Chromium, one page object: each URL is loaded in turn, the pinned axe-core is
injected from node_modules and run. A serious or critical violation fails the test with its
page, rule, impact and element; moderate and minor ones are counted and reported.

The example handbook has Material's light/dark toggle, and a representative set of pages is
checked with the dark scheme (``slate``) chosen. A second, small handbook with three
committed versions of one SOP adds what one commit cannot: frozen revision pages and diffs.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.support import REPO
from tests.support.axe import (
    DARK_SCHEME,
    Violation,
    assert_focus_visible,
    blocking,
    by_impact,
    by_rule,
    run,
    set_scheme,
    tab_to,
)
from tests.support.browser import Session, StaticServer, build
from tests.support.build import make_project
from tests.test_bundle import handbook_repo
from tests.test_history import PEOPLE, SOP_V1, SOP_V1_1, SOP_V2, commit
from tests.test_history import run as run_git

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DARK_PAGES = [
    "", "procedures/sop-it-ci/", "procedures/sop-cs-users/", "training/sop-it-ci/",
    "authoring/", "errors/", "as-of/", "catalogue/", "training/checklists/sop-it-ci/",
    "processes/proc-sw-rollout/",
]
"""Pages checked in the dark scheme: the front page, a procedure with a flowchart in each
language, a training module with its quiz, the authoring guide and the error reference (code
blocks), the as-of picker, the catalogue, a checklist (task lists) and a process (the risk heat
map, diagrams in parts)."""

QUIZ_PAGE = "training/sop-it-ci/"
ASOF_PAGE = "as-of/"


@dataclass(frozen=True)
class Site:
    root: Path
    url: str

    def page(self, path: str) -> str:
        return urljoin(self.url, path)

    def pages(self) -> list[str]:
        """Every built page, as a site-relative URL (``""`` for the front page, and the
        not-found page)."""
        found = []
        for index in sorted(self.root.rglob("index.html")):
            rel = index.parent.relative_to(self.root).as_posix()
            found.append("" if rel == "." else f"{rel}/")
        return [*found, "404.html"]


def has_palette(config: Path) -> None:
    """The handbook's mkdocs.yml has Material's light/dark toggle, without which Material
    ships no dark colours at all: the dark scheme checked here is the one readers get."""
    text = config.read_text(encoding="utf-8")
    assert "scheme: slate" in text, "mkdocs.yml has no dark scheme"
    assert "toggle:" in text, "mkdocs.yml has no light/dark toggle"


def example_repo(root: Path) -> Path:
    """The example handbook, with its palette toggle, in a new git repository (one commit)."""
    handbook_repo(root)
    has_palette(root / "mkdocs.yml")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example handbook, committed to git, built and served from 127.0.0.1."""
    project = example_repo(tmp_path_factory.mktemp("a11y"))
    site_dir = project / "site"
    build(project / "mkdocs.yml", site_dir)
    with StaticServer(site_dir) as server:
        yield Site(site_dir, server.url)


@pytest.fixture(scope="module")
def revised_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A handbook with three committed versions of one SOP (tests/test_history.py): its
    frozen revision pages and semantic diffs, which the example handbook, committed once,
    does not have."""
    tmp = tmp_path_factory.mktemp("a11y-revised")
    root = tmp / "repo"
    (root / "sops").mkdir(parents=True)
    run_git(root, "init", "-q", "-b", "main")
    (root / "sops" / "people.yml").write_text(PEOPLE, "utf-8")
    commit(root, SOP_V1, "First issue", "2026-01-05", "Ada Lead")
    commit(root, SOP_V1_1, "Reword", "2026-02-20", "Ben Tech")
    commit(root, SOP_V2, "Lead logs restarts", "2026-05-20", "Ada Lead")
    config = make_project(tmp / "config", root / "sops")
    has_palette(config)
    shutil.copy(config, root / "mkdocs.yml")
    shutil.copytree(config.parent / "docs", root / "docs")
    site_dir = tmp / "site"
    build(root / "mkdocs.yml", site_dir)
    with StaticServer(site_dir) as server:
        yield Site(site_dir, server.url)


def scan(site: Site, web: Session, paths: list[str], scheme: str | None) -> list[Violation]:
    page = web.new_page()
    found: list[Violation] = []
    for path in paths:
        page.goto(site.page(path), wait_until="load")
        if scheme is not None:
            set_scheme(page, scheme)
        found.extend(run(page, path))
    return found


def report(name: str, pages: int, violations: list[Violation]) -> None:
    """The figures on stderr (shown by ``pytest -s`` or with a failure)."""
    print(f"axe, {name}: {pages} pages, by impact {by_impact(violations)}, by rule "
          f"{by_rule(violations)}", file=sys.stderr)


HELD_AT_ZERO = frozenset({"landmark-unique"})
"""Rules below serious that sopsite fixed and keeps fixed (sopsite-a11y.js names the
navigation's sections)."""


def assert_no_blocking(violations: list[Violation]) -> None:
    """No serious or critical violation, and none of the rules held at zero."""
    worst = [v for v in violations if v in blocking(violations) or v.rule in HELD_AT_ZERO]
    shown = "\n".join(v.format() for v in worst[:40])
    more = f"\n... and {len(worst) - 40} more" if len(worst) > 40 else ""
    assert worst == [], (f"{len(worst)} axe violations, serious or critical or of "
                         f"{sorted(HELD_AT_ZERO)}, by rule {by_rule(worst)}:\n{shown}{more}")


def test_the_example_site_has_history_and_every_kind_of_page(site: Site) -> None:
    pages = site.pages()
    for expected in DARK_PAGES:
        assert expected in pages, expected
    as_of = (site.root / "as-of" / "index.html").read_text("utf-8")
    assert "History is unavailable" not in as_of
    assert "data-rev=" in as_of


def test_no_serious_or_critical_violations_on_any_page_light(site: Site, web: Session) -> None:
    pages = site.pages()
    violations = scan(site, web, pages, None)
    report("light scheme", len(pages), violations)
    assert_no_blocking(violations)
    assert web.blocked == []


def test_no_serious_or_critical_violations_on_revision_pages(
        revised_site: Site, web: Session) -> None:
    pages = revised_site.pages()
    frozen = [p for p in pages if "/v1.0/" in p or "/v1.1/" in p]
    assert frozen, pages
    violations = scan(revised_site, web, pages, None)
    dark = scan(revised_site, web, frozen[:1], DARK_SCHEME)
    report("revisions, light scheme", len(pages), violations)
    report("a revision page, dark scheme", 1, dark)
    assert_no_blocking(violations + dark)


def test_no_serious_or_critical_violations_in_the_dark_scheme(site: Site, web: Session) -> None:
    violations = scan(site, web, DARK_PAGES, DARK_SCHEME)
    report("dark scheme", len(DARK_PAGES), violations)
    assert_no_blocking(violations)


def test_the_dark_scheme_is_really_applied(site: Site, web: Session) -> None:
    """The dark run must measure dark colours, or it passes for the wrong reason."""
    page = web.new_page()
    page.goto(site.page("authoring/"), wait_until="load")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    set_scheme(page, DARK_SCHEME)
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark, (light, dark)


# --- the keyboard ------------------------------------------------------------------------------


def test_quiz_answered_checked_and_retried_with_the_keyboard_alone(
        site: Site, web: Session) -> None:
    from generator.load.handbook import load_handbook

    handbook, _ = load_handbook(REPO / "sops")
    doc = handbook.document_index["SOP-IT-CI"]
    assert doc.training is not None
    single = next(q for q in doc.training.quiz if q.kind in ("single", "true-false"))
    keys = single.answer_keys()
    page = web.new_page()
    page.goto(site.page(QUIZ_PAGE), wait_until="load")
    block = f"#q-{single.id}"
    options = page.locator(f"{block} input.sq-input").evaluate_all(
        "inputs => inputs.map(i => i.value)")
    wrong = next(o for o in options if o not in keys)
    live = page.locator(f"{block} .sq-feedback")
    assert live.get_attribute("aria-live") == "polite" or live.get_attribute("role") == "status"
    score = page.locator(".sq-score")
    assert score.get_attribute("aria-live") == "polite" or score.get_attribute("role") == "status"

    # Tab into the group of radio buttons: the focus lands on the first option.
    tab_to(page, f"{block} input.sq-input")
    assert_focus_visible(page)
    # The arrow keys move through a radio group, and select as they go; Space selects.
    for _ in range(len(options)):
        if page.evaluate("() => document.activeElement.value") == wrong:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator(f"{block} input.sq-input[value='{wrong}']").is_checked()
    tab_to(page, f"{block} .sq-check")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert live.inner_text() == "Not quite."
    assert page.locator(block).get_attribute("data-result") == "wrong"
    # Retry: back to the options (Shift+Tab), pick the right one, check with Space.
    tab_to(page, f"{block} input.sq-input", backwards=True)
    for _ in range(len(options)):
        if page.evaluate("() => document.activeElement.value") == keys[0]:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(f"{block} input.sq-input[value='{keys[0]}']").is_checked()
    tab_to(page, f"{block} .sq-check")
    page.keyboard.press("Space")
    assert live.inner_text().startswith("Correct.")
    assert page.locator(block).get_attribute("data-result") == "correct"
    assert score.inner_text().startswith("Score: 0 / ")
    assert web.console_errors == []


def test_quiz_ordering_question_with_the_keyboard_alone(site: Site, web: Session) -> None:
    from generator.load.handbook import load_handbook

    handbook, _ = load_handbook(REPO / "sops")
    doc = handbook.document_index["SOP-IT-CI"]
    assert doc.training is not None
    ordering = next(q for q in doc.training.quiz if q.kind == "ordering")
    keys = ordering.answer_keys()
    page = web.new_page()
    page.goto(site.page(QUIZ_PAGE), wait_until="load")
    block = f"#q-{ordering.id}"
    shown = page.locator(f"{block} li[data-option]").evaluate_all(
        "items => items.map(li => li.dataset.option)")
    for index, key in enumerate(shown):
        tab_to(page, f"{block} li[data-option='{key}'] select")
        assert_focus_visible(page)
        # A closed select takes the typed digit as its choice (no mouse, no popup).
        page.keyboard.type(str(keys.index(key) + 1))
        assert page.locator(f"{block} select").nth(index).input_value() == str(
            keys.index(key) + 1)
    tab_to(page, f"{block} .sq-check")
    page.keyboard.press("Enter")
    assert page.locator(f"{block} .sq-feedback").inner_text() == "Correct."


def test_as_of_picker_with_the_keyboard_alone(site: Site, web: Session) -> None:
    page = web.new_page()
    page.goto(site.page(ASOF_PAGE), wait_until="load")
    picker = "#sopsite-asof-date"
    label = page.evaluate("""s => { const el = document.querySelector(s);
        return el.labels && el.labels.length ? el.labels[0].innerText : el.getAttribute(
        'aria-label'); }""", picker)
    assert label, "the date picker has no label"
    tab_to(page, picker)
    assert_focus_visible(page)
    before = page.locator(".sopsite-asof-result tbody").inner_text()
    # A date input takes typed digits field by field, in the locale's order (en-US here).
    page.keyboard.type("01012020")
    assert page.locator(picker).input_value() == "2020-01-01"
    rows = page.locator(".sopsite-asof-result tbody tr")
    assert rows.count() > 0
    assert all(text == "not in force" for text in rows.locator("td:nth-child(2)").all_inner_texts())
    assert page.locator(".sopsite-asof-result tbody").inner_text() != before
    # The answer is announced (a polite live region) without leaving the field.
    status = page.locator(".sopsite-asof-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"0 of {rows.count()} documents in force on 2020-01-01"
    # A later day: the picker still has the focus; Left arrows go back from the year to the
    # month; then Tab goes on to a revision's link.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.type("12312099")
    assert page.locator(picker).input_value() == "2099-12-31"
    in_force = rows.locator("td:nth-child(2) a").count()
    assert in_force > 0
    assert status.inner_text() == (
        f"{in_force} of {rows.count()} documents in force on 2099-12-31")
    tab_to(page, ".sopsite-asof-result tbody a")
    assert_focus_visible(page)
    href = page.evaluate("() => document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    assert web.console_errors == []


def test_a_table_wider_than_the_page_scrolls_from_the_keyboard(site: Site, web: Session) -> None:
    # On a phone the risks table is wider than the screen and scrolls in its own wrapper.
    page = web.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.page("processes/proc-sw-rollout/"), wait_until="load")
    wide = page.locator(".md-typeset__scrollwrap.sopsite-scrollable")
    assert wide.count() > 0, "expected a table wider than a phone's screen"
    tab_to(page, ".md-typeset__scrollwrap.sopsite-scrollable")
    assert_focus_visible(page)
    assert page.evaluate("() => document.activeElement.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: wait for the wrapper to move rather than read it at once.
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
