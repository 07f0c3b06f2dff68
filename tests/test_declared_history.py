"""One history: versions declared in `changes` before the repository, versions from git, and
HIST006 where the two disagree (a real git repository in a temp dir)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from generator.git.history import read_history
from generator.pipeline import check_handbook
from generator.render import revisions
from generator.render.pages import generate
from tests.support import TODAY
from tests.test_history import PEOPLE, commit, run

OWN = "sops/sop.yml"


def sop(version: str, effective: str, changes: list[tuple[str, str, str]],
        approved: str) -> str:
    """An SOP at ``version`` with the declared ``changes`` (version, date, author)."""
    lines = "".join(f"  - {{version: \"{v}\", date: {d}, summary: Made {v}., author: {a}}}\n"
                    for v, d, a in changes)
    return (
        "kind: sop\nid: SOP-D-1\ntitle: Rotate the backup disks\n"
        f"version: \"{version}\"\nstatus: effective\nowner: lead\neffective: {effective}\n"
        "review_every: 12\npurpose: Backups survive a fire.\nscope: The server room.\n"
        "roles:\n  - {role: tech, raci: responsible}\n"
        f"approvals:\n  - {{name: Ada Lead, role: lead, version: \"{version}\", date: "
        f"{approved}, meaning: approval}}\n"
        "steps:\n  - id: swap\n    title: Swap the disks\n    actor: tech\n"
        f"changes:\n{lines}"
    )


BEFORE = [("1.0", "2025-09-01", "Marko Laine"), ("1.1", "2025-12-01", "Aino Korhonen")]
"""Versions made before the repository existed: only the change history knows them."""


@pytest.fixture
def declared_repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """SOP-D-1 enters git at version 2.0 (2026-02-01), after two declared versions; 2.1
    follows in git. Commits are made by a bot, the changes name their people."""
    root = tmp_path / "repo"
    (root / "sops").mkdir(parents=True)
    run(root, "init", "-q", "-b", "main")
    (root / "sops" / "people.yml").write_text(PEOPLE, "utf-8")
    v2 = [*BEFORE, ("2.0", "2026-01-20", "Ada Lead")]
    commits = [
        commit(root, sop("2.0", "2026-02-01", v2, "2026-01-25"), "Import", "2026-02-01",
               "Repo Bot"),
        commit(root, sop("2.1", "2026-03-05", [*v2, ("2.1", "2026-03-01", "Ben Tech")],
                         "2026-03-02"), "Reword", "2026-03-01", "Ben Tech"),
    ]
    return root, commits


def _built(root: Path) -> tuple[list[revisions.Row], dict[str, str], list[str]]:
    handbook, problems = check_handbook(root / "sops", today=TODAY)
    assert [p for p in problems if p.severity.value == "error"] == []
    history = read_history(root / "sops", handbook)
    doc = handbook.document_index["SOP-D-1"]
    rows = revisions.timeline(doc, None, history.revisions["SOP-D-1"])
    pages = generate(handbook, today=TODAY, history=history).pages
    return rows, pages, [p.format().replace(f"{root}/", "") for p in history.problems]


def test_declared_versions_before_the_first_commit_join_git_in_one_timeline(
    declared_repo: tuple[Path, list[str]]
) -> None:
    root, commits = declared_repo
    rows, _, problems = _built(root)
    assert problems == []
    assert [(r.version, r.source, r.commit, r.effective.isoformat(), r.status)
            for r in rows] == [
        ("1.0", "declared", None, "2025-09-01", "superseded"),
        ("1.1", "declared", None, "2025-12-01", "superseded"),
        ("2.0", "git", commits[0], "2026-02-01", "effective"),
        ("2.1", "git", commits[1], "2026-03-05", "effective"),
    ]
    assert [r.authors for r in rows] == [
        [("Marko Laine", "declared")], [("Aino Korhonen", "declared")],
        [("Ada Lead", "declared"), ("Repo Bot", "git")], [("Ben Tech", "declared")]]


def test_a_declared_version_is_in_force_on_a_day_between_declared_versions(
    declared_repo: tuple[Path, list[str]]
) -> None:
    """The acceptance: before the repository begins, the declared versions answer."""
    root, commits = declared_repo
    rows, pages, _ = _built(root)
    answers = {day: (row.version, row.source) if row else None for day in
               ("2025-08-31", "2025-10-15", "2025-12-31", "2026-02-01", "2026-03-05")
               for row in [revisions.in_force(rows, dt.date.fromisoformat(day))]}
    assert answers == {"2025-08-31": None, "2025-10-15": ("1.0", "declared"),
                       "2025-12-31": ("1.1", "declared"), "2026-02-01": ("2.0", "git"),
                       "2026-03-05": ("2.1", "git")}
    index = pages["as-of/index.md"]
    data = json.loads(html.unescape(re.search(r'data-asof="([^"]*)"', index)[1]))
    assert data[0]["revisions"] == [
        {"version": "1.0", "effective": "2025-09-01", "status": "superseded",
         "label": "superseded", "source": "declared", "commit": ""},
        {"version": "1.1", "effective": "2025-12-01", "status": "superseded",
         "label": "superseded", "source": "declared", "commit": ""},
        {"version": "2.0", "effective": "2026-02-01", "status": "effective",
         "label": "effective", "source": "git", "commit": commits[0][:12]},
        {"version": "2.1", "effective": "2026-03-05", "status": "effective",
         "label": "effective", "source": "git", "commit": commits[1][:12]},
    ]
    assert ('| SOP-D-1: Rotate the backup disks | [v1.0](../procedures/sop-d-1.md)'
            '{ data-rev="SOP-D-1@1.0" } | superseded | '
            '<span class="sopsite-date">2025-09-01</span> | declared |') in index
    assert (f'| SOP-D-1: Rotate the backup disks | [v2.0](../procedures/sop-d-1/v2.0.md)'
            f'{{ data-rev="SOP-D-1@2.0" }} | effective | <span class="sopsite-date">2026-02-01'
            f'</span> | from git '
            f'`{commits[0][:12]}` |') in index
    year = pages["as-of/2025.md"]
    december = year[year.index("## 2025-12-31"):year.index("## 2025-11-30")]
    assert ("| SOP-D-1 | [v1.1](../procedures/sop-d-1.md) (Rotate the backup disks, "
            "2025-12-01), declared |") in december
    assert year.endswith("## 2025-09-30\n\n| Document | In force |\n| --- | --- |\n"
                         "| SOP-D-1 | [v1.0](../procedures/sop-d-1.md) (Rotate the backup disks, "
                         "2025-09-01), declared |\n")


def test_revision_table_and_change_history_name_the_same_authors(
    declared_repo: tuple[Path, list[str]]
) -> None:
    root, commits = declared_repo
    _, pages, _ = _built(root)
    page = pages["procedures/sop-d-1.md"]
    table = page[page.index("## Revision history"):]
    assert table.splitlines()[6:10] == [
        f"| **2.1** | 2026-03-05 | effective | from git `{commits[1][:12]}` | Ben Tech | Made "
        "2.1. | [what changed](sop-d-1/diff-v2.0-v2.1.md) |",
        f"| [2.0](sop-d-1/v2.0.md) | 2026-02-01 | effective | from git `{commits[0][:12]}` | "
        "Ada Lead (declared), Repo Bot (from git) | Made 2.0. | \N{EN DASH} |",
        "| 1.1 | 2025-12-01 | superseded | declared | Aino Korhonen | Made 1.1. | \N{EN DASH} |",
        "| 1.0 | 2025-09-01 | superseded | declared | Marko Laine | Made 1.0. | \N{EN DASH} |",
    ]
    changes = page[page.index("## Change history"):page.index("## Revision history")]
    assert ("| 2.0 | 2026-01-20 | Made 2.0. | Ada Lead (declared), Repo Bot (from git) |  |"
            in changes)
    assert "| 1.0 | 2025-09-01 | Made 1.0. | Marko Laine |  |" in changes
    # no frozen page or diff for a version whose text git never had
    assert sorted(p for p in pages if p.startswith("procedures/sop-d-1/")) == [
        "procedures/sop-d-1/diff-v2.0-v2.1.md", "procedures/sop-d-1/v2.0.md"]
    frozen = pages["procedures/sop-d-1/v2.0.md"]
    assert ("superseded on 2026-03-05 by version [2.1](../sop-d-1.md). It was in force from "
            "2026-02-01." in frozen)


def test_conflicts_between_declared_history_and_git_are_warnings_at_the_change(
    declared_repo: tuple[Path, list[str]]
) -> None:
    root, commits = declared_repo
    wrong = [("1.0", "2025-09-01", "Marko Laine"), ("1.1", "2025-08-01", "Aino Korhonen"),
             ("2.0", "2026-01-20", "Ada Lead"), ("2.1", "2026-03-09", "Ben Tech"),
             ("2.2", "2026-03-20", "Ben Tech"), ("3.0", "2026-04-01", "Ada Lead")]
    commit(root, sop("3.0", "2026-04-02", wrong, "2026-04-01"), "Jump", "2026-04-01",
           "Ada Lead")
    _, _, problems = _built(root)
    assert problems == [
        f"{OWN}:21:28: warning [HIST006] SOP-D-1 version 1.1 is dated 2025-08-01, before "
        "version 1.0 (2025-09-01); expected dates that go up with the versions",
        f"{OWN}:23:28: warning [HIST006] SOP-D-1 version 2.1 is declared as made on 2026-03-09, "
        f"but git has it from commit {commits[1][:12]} on 2026-03-01; expected a date on or "
        "before the day of the commit that brought it",
        f"{OWN}:24:15: warning [HIST006] SOP-D-1 version 2.2 (declared 2026-03-20) is missing "
        f"in git: its history in git starts at commit {commits[0][:12]} on 2026-02-01 with "
        "version 2.0, and no commit has version 2.2; expected every version made since the "
        "first commit to be committed (it is shown as declared)",
    ]


def test_a_declared_version_after_the_first_commit_is_still_shown_as_declared(
    declared_repo: tuple[Path, list[str]]
) -> None:
    root, _ = declared_repo
    changes = [*BEFORE, ("2.0", "2026-01-20", "Ada Lead"), ("2.1", "2026-03-01", "Ben Tech"),
               ("2.2", "2026-03-20", "Ben Tech"), ("3.0", "2026-04-01", "Ada Lead")]
    commit(root, sop("3.0", "2026-04-02", changes, "2026-04-01"), "Jump", "2026-04-01",
           "Ada Lead")
    rows, _, problems = _built(root)
    assert [(r.version, r.source) for r in rows] == [
        ("1.0", "declared"), ("1.1", "declared"), ("2.0", "git"), ("2.1", "git"),
        ("2.2", "declared"), ("3.0", "git")]
    assert [p.split(" [")[1][:7] for p in problems] == ["HIST006"]
    assert revisions.in_force(rows, dt.date(2026, 3, 25)).version == "2.2"


def test_without_git_the_declared_history_is_all_there_is(tmp_path: Path) -> None:
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "people.yml").write_text(PEOPLE, "utf-8")
    (tmp_path / "sops" / "sop.yml").write_text(
        sop("1.1", "2025-12-05", BEFORE, "2025-12-02"), "utf-8")
    handbook, _ = check_handbook(tmp_path / "sops", today=TODAY)
    rows = revisions.timeline(handbook.document_index["SOP-D-1"], None, [])
    assert [(r.version, r.source) for r in rows] == [("1.0", "declared"),
                                                      ("1.1", "uncommitted")]
    assert revisions.in_force(rows, dt.date(2025, 11, 1)).version == "1.0"
