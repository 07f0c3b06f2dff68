"""Status that is never ambiguous: the banner on every page of a document not in force and
on every frozen revision, drafts out of search unless the handbook opts in, the catalogue
in force / not in force (generator.render.status and its templates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.git.history import read_history
from generator.pipeline import Options, check_handbook
from generator.render import revisions, status
from generator.render.pages import generate
from tests.support import TODAY
from tests.support.status_book import make

SEARCH_EXCLUDED = "search:\n  exclude: true\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("status") / "repo"
    return root, make(root)


def _pages(root: Path, *, drafts_in_search: bool = False) -> dict[str, str]:
    handbook, problems = check_handbook(root / "sops", today=TODAY)
    assert [p.format() for p in problems] == []
    return generate(handbook, today=TODAY, history=read_history(root / "sops", handbook),
                    drafts_in_search=drafts_in_search).pages


@pytest.fixture(scope="module")
def pages(book: tuple[Path, list[str]]) -> dict[str, str]:
    return _pages(book[0])


def _front(page: str) -> str:
    return page[:page.index("\n---\n", 4) + 5]


def test_a_draft_says_so_first_and_points_to_the_version_in_force(pages: dict[str, str]) -> None:
    page = pages["procedures/sop-h-1.md"]
    body = page[len(_front(page)):]
    assert body.startswith(
        "\n# SOP-H-1: Restart the print server\n\n"
        '!!! warning sopsite-status "Draft: not in force"\n\n'
        "    This document is a draft. It has not been approved and is not in force: do not "
        "follow it as a procedure. The version in force is [SOP-H-1 v2.0](sop-h-1/v2.0.md).\n")


def test_every_page_of_a_draft_carries_the_banner(pages: dict[str, str]) -> None:
    banner = '!!! warning sopsite-status "Draft: not in force"'
    for path in ("procedures/sop-h-1.md", "training/sop-h-1.md", "training/checklists/sop-h-1.md",
                 "procedures/sop-h-1/diff-v2.0-v2.1.md", "procedures/sop-h-1/diff-v1.0-v1.1.md",
                 "procedures/sop-d-1.md"):
        assert pages[path].count(banner) == 1, path
    assert "The version in force is" not in pages["procedures/sop-d-1.md"]  # none ever was


def test_frozen_revisions_say_what_replaced_them(pages: dict[str, str],
                                                 book: tuple[Path, list[str]]) -> None:
    _, commits = book
    assert (
        '!!! danger sopsite-status "Superseded revision"\n\n'
        f"    This is version **1.0** (commit `{commits[0][:12]}`), superseded on 2026-03-01 by "
        "version [1.1](v1.1.md). It was in force from 2026-01-10. The current version is "
        "[SOP-H-1: Restart the print server (v2.1)](../sop-h-1.md) (draft).\n"
    ) in pages["procedures/sop-h-1/v1.0.md"]
    assert (
        '!!! warning sopsite-status "Earlier version, still in force"\n\n'
        f"    This is version **2.0** (commit `{commits[2][:12]}`), in force from 2026-06-01 and "
        "still in force: the newer version [2.1](../sop-h-1.md) is not in force yet (draft).\n"
    ) in pages["procedures/sop-h-1/v2.0.md"]


def test_superseded_and_retired_documents_say_they_are_not_in_force(
        pages: dict[str, str]) -> None:
    assert (
        '!!! danger sopsite-status "Superseded: no longer in force"\n\n'
        "    This document has been superseded. It is no longer in force and is kept for the "
        "record. Superseded by: [SOP-NEW-1: Restart the scan server (v1.0)](sop-new-1.md).\n"
    ) in pages["procedures/sop-old-1.md"]
    assert (
        '!!! danger sopsite-status "Retired: no longer in force"\n\n'
        "    This document was retired on 2026-05-01. It is no longer in force and is kept for "
        "the record.\n") in pages["procedures/sop-ret-1.md"]
    assert "sopsite-status" not in pages["procedures/sop-new-1.md"]
    assert "sopsite-status" not in pages["procedures/sop-late-1.md"]


def test_a_finnish_draft_gets_a_finnish_banner(pages: dict[str, str]) -> None:
    assert (
        '!!! warning sopsite-status "Luonnos: ei voimassa"\n\n'
        "    Tämä asiakirja on luonnos. Sitä ei ole hyväksytty eikä se ole voimassa: älä noudata "
        "sitä menettelynä.\n") in pages["procedures/sop-fi-1.md"]


def test_search_leaves_out_drafts_and_keeps_the_version_in_force(pages: dict[str, str]) -> None:
    def excluded(path: str) -> bool:
        return SEARCH_EXCLUDED in _front(pages[path])

    assert excluded("procedures/sop-h-1.md")
    assert excluded("training/sop-h-1.md")
    assert excluded("procedures/sop-d-1.md")
    assert excluded("procedures/sop-fi-1.md")
    # While the live page is a draft, search must still find the version in force.
    assert not excluded("procedures/sop-h-1/v2.0.md")
    assert excluded("procedures/sop-h-1/v1.0.md")
    assert excluded("procedures/sop-h-1/v1.1.md")
    # Superseded and retired documents are the record: searchable, without the boost.
    for path in ("procedures/sop-old-1.md", "procedures/sop-ret-1.md"):
        assert "search:" not in _front(pages[path]), path
    assert "search:\n  boost: 2\n" in _front(pages["procedures/sop-new-1.md"])


def test_a_handbook_may_put_drafts_in_search(book: tuple[Path, list[str]]) -> None:
    pages = _pages(book[0], drafts_in_search=True)
    for path in ("procedures/sop-h-1.md", "training/sop-h-1.md", "procedures/sop-d-1.md"):
        assert SEARCH_EXCLUDED not in _front(pages[path]), path
    assert SEARCH_EXCLUDED in _front(pages["procedures/sop-h-1/v2.0.md"])
    assert "Draft: not in force" in pages["procedures/sop-d-1.md"]  # the banner stays


def test_the_option_is_read_from_mkdocs_yml_in_one_place(tmp_path: Path) -> None:
    assert Options.from_plugin({}, tmp_path).drafts_in_search is False
    assert Options.from_plugin({"drafts_in_search": True}, tmp_path).drafts_in_search is True


def test_the_catalogue_lists_in_force_first_and_each_id_once(pages: dict[str, str]) -> None:
    page = pages["catalogue.md"]
    assert _front(page) == "---\ntitle: Catalogue\nrender_macros: false\nhide:\n- toc\n---\n"
    in_force = page.split("## In force")[1].split("## Not in force")[0]
    others = page.split("## Not in force")[1]
    ids = ["SOP-H-1", "SOP-D-1", "SOP-OLD-1", "SOP-NEW-1", "SOP-RET-1", "SOP-FI-1",
           "SOP-LATE-1"]
    assert [i for i in ids if f"| {i} |" in in_force] == ["SOP-NEW-1", "SOP-LATE-1"]
    assert [i for i in ids if f"| {i} |" in others] == ["SOP-H-1", "SOP-D-1", "SOP-OLD-1",
                                                        "SOP-RET-1", "SOP-FI-1"]
    assert ("| SOP-OLD-1 | [Restart the fax server](procedures/sop-old-1.md) | SOP | "
            "[Team Lead](roles/lead.md) | superseded | 1.0 | "
            '<span class="sopsite-date">2026-01-10</span> | '
            '<span class="sopsite-date">2027-01-10</span> |') in others
    assert page.count("SOP-OLD-1") == 1  # the id cell; the title links without it
    assert ('<div class="sopsite-catalogue" data-filter="4 3" data-all="all" '
            'data-shown="{shown} of {total} documents shown" markdown="1">') in page


def test_the_review_dashboard_dates_do_not_wrap(pages: dict[str, str]) -> None:
    assert ("| [SOP-LATE-1: Clean the print heads](procedures/sop-late-1.md) | "
            '[Technician](roles/tech.md) | <span class="sopsite-date">2026-12-01</span> |'
            ) in pages["reviews.md"]


def _rows(book: tuple[Path, list[str]], doc_id: str) -> list[revisions.Row]:
    handbook, _ = check_handbook(book[0] / "sops", today=TODAY)
    doc = handbook.document_index[doc_id]
    return revisions.timeline(doc, None, read_history(book[0] / "sops").revisions[doc_id])


def test_a_frozen_banner_is_worked_out_from_the_timeline(book: tuple[Path, list[str]]) -> None:
    rows = _rows(book, "SOP-H-1")
    assert [r.version for r in rows] == ["1.0", "1.1", "2.0", "2.1"]
    found = [status.frozen_banner(rows, i, TODAY)[:2] for i in range(3)]
    assert found == [("superseded", dt.date(2026, 3, 1)), ("superseded", dt.date(2026, 6, 1)),
                     ("in-force", None)]
    # Once the draft's day has come and it were effective, 2.0 would be superseded: the
    # draft is never in force, so 2.0 stays the version in force after that day too.
    assert status.frozen_banner(rows, 2, dt.date(2027, 1, 1)).kind == "in-force"
    # Before 2.0 took effect, 1.1 was the one in force.
    assert status.frozen_banner(rows, 1, dt.date(2026, 5, 1)).kind == "in-force"


def test_the_live_banner_of_each_status(book: tuple[Path, list[str]]) -> None:
    rows = _rows(book, "SOP-H-1")
    banner = status.live_banner(rows[-1].doc, rows, [], TODAY)
    assert banner is not None
    assert banner.status == "draft"
    assert banner.in_force == status.Version("2.0", "procedures/sop-h-1/v2.0.md", "effective")
    effective = _rows(book, "SOP-NEW-1")
    assert status.live_banner(effective[-1].doc, effective, [], TODAY) is None
    old = _rows(book, "SOP-OLD-1")
    assert status.live_banner(old[-1].doc, old, ["SOP-NEW-1"], TODAY) == status.LiveBanner(
        "superseded", None, ("SOP-NEW-1",))


SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
         "Function(", "setTimeout(\"", "javascript:", "http://", "https://")


@pytest.mark.parametrize("script", ["sopsite-catalogue.js", "sopsite-asof.js"])
def test_the_scripts_never_parse_text_as_html_nor_reach_out(script: str) -> None:
    """The catalogue's and the as-of view's scripts build every node with createElement and
    textContent, load nothing and evaluate nothing: a cell's text stays text."""
    source = (Path(status.__file__).parents[1] / "assets" / script).read_text("utf-8")
    assert [sink for sink in SINKS if sink in source] == []
    assert "textContent" in source


def test_a_title_says_when_the_document_is_not_in_force(pages: dict[str, str]) -> None:
    """The navigation, the browser's tab and search results show the title, not the banner."""
    titles = {path: _front(pages[path]).split("\n")[1] for path in (
        "procedures/sop-d-1.md", "procedures/sop-old-1.md", "procedures/sop-ret-1.md",
        "procedures/sop-fi-1.md", "procedures/sop-new-1.md", "training/sop-h-1.md")}
    assert titles == {
        "procedures/sop-d-1.md": "title: 'SOP-D-1: Replace the toner (draft)'",
        "procedures/sop-old-1.md": "title: 'SOP-OLD-1: Restart the fax server (superseded)'",
        "procedures/sop-ret-1.md": "title: 'SOP-RET-1: Feed the plotter (retired)'",
        "procedures/sop-fi-1.md": "title: 'SOP-FI-1: Tulostimen uudelleenkäynnistys (luonnos)'",
        "procedures/sop-new-1.md": "title: 'SOP-NEW-1: Restart the scan server'",
        "training/sop-h-1.md": "title: 'Training: SOP-H-1: Restart the print server (draft)'",
    }
