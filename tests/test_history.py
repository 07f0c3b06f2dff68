"""Revisions from a real git repository: history, frozen pages, semantic diffs, as-of, rules."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.git.compare import base_problems
from generator.git.history import read_history
from generator.pipeline import check_handbook
from generator.render import revisions
from generator.render.pages import generate
from tests.support import TODAY
from tests.support.build import make_project, sopsite

PEOPLE = """\
- {kind: role, id: lead, name: Team Lead, can_approve: true}
- {kind: role, id: tech, name: Technician}
- {kind: role, id: auditor, name: Internal Auditor}
"""

SOP_V1 = """\
kind: sop
id: SOP-H-1
title: Restart the print server
version: "1.0"
status: effective
owner: lead
effective: 2026-01-10
review_every: 12
purpose: Printing works again.
scope: The office print server.
roles:
  - {role: tech, raci: responsible}
  - {role: auditor, raci: consulted}
approvals:
  - {name: Ada Lead, role: lead, version: "1.0", date: 2026-01-05, meaning: approval}
steps:
  - id: announce
    title: Announce the restart
    actor: tech
  - id: restart
    title: Restart the service
    actor: tech
  - id: verify
    title: Print a test page
    actor: tech
changes:
  - {version: "1.0", date: 2026-01-05, summary: First issue., author: Ada Lead}
"""

SOP_V1_1 = SOP_V1.replace('\nversion: "1.0"', '\nversion: "1.1"').replace(
    "effective: 2026-01-10", "effective: 2026-03-01").replace(
    "title: Restart the service", "title: Restart the spooler service").replace(
    "author: Ada Lead}\n",
    "author: Ada Lead}\n  - {version: \"1.1\", date: 2026-02-20, summary: Clearer wording., "
    "author: Ben Tech}\n").replace(
    "meaning: approval}\n", "meaning: approval}\n  - {name: Ada Lead, role: lead, version: "
    "\"1.1\", date: 2026-02-25, meaning: approval}\n")

SOP_V2 = SOP_V1_1.replace('\nversion: "1.1"', '\nversion: "2.0"').replace(
    "effective: 2026-03-01", "effective: 2026-06-01").replace(
    "  - {role: auditor, raci: consulted}\n", "  - {role: lead, raci: accountable}\n").replace(
    "    title: Print a test page\n    actor: tech\n",
    "    title: Print a test page\n    actor: tech\n  - id: log\n    title: Log the restart\n"
    "    actor: lead\n").replace(
    "author: Ben Tech}\n",
    "author: Ben Tech}\n  - {version: \"2.0\", date: 2026-05-20, summary: The lead logs every "
    "restart., author: Ada Lead, retrain: [tech]}\n").replace(
    "date: 2026-02-25, meaning: approval}\n", "date: 2026-02-25, meaning: approval}\n"
    "  - {name: Ada Lead, role: lead, version: \"2.0\", date: 2026-05-28, meaning: approval}\n"
) + (  # what the technicians retrain on (TRAIN001), after everything the tests point at
    "training:\n  objectives: [Restart the print server safely.]\n  audience: [tech]\n"
    "  time: 15m\n  quiz:\n    - id: order\n      kind: ordering\n"
    "      prompt: In which order?\n      answer: [announce, restart, verify, log]\n"
    "      explanation: Announce first, log last.\n"
    "      covers: [announce, restart, verify, log]\n")


def run(repo: Path, *args: str, day: str = "2026-01-05") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T10:00:00Z",
           "GIT_COMMITTER_DATE": f"{day}T10:00:00Z"}
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout


def commit(repo: Path, text: str, message: str, day: str, author: str) -> str:
    (repo / "sops" / "sop.yml").write_text(text, "utf-8")
    run(repo, "add", "-A", day=day)
    run(repo, "-c", f"user.name={author}", "-c", "user.email=a@example.org", "commit", "-q",
        "-m", message, day=day)
    return run(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A handbook with three committed versions of one SOP."""
    root = tmp_path / "repo"
    (root / "sops").mkdir(parents=True)
    run(root, "init", "-q", "-b", "main")
    (root / "sops" / "people.yml").write_text(PEOPLE, "utf-8")
    commits = [
        commit(root, SOP_V1, "First issue", "2026-01-05", "Ada Lead"),
        commit(root, SOP_V1_1, "Reword", "2026-02-20", "Ben Tech"),
        commit(root, SOP_V2, "Lead logs restarts", "2026-05-20", "Ada Lead"),
    ]
    return root, commits


def test_history_finds_each_version_with_commit_author_and_date(
    repo: tuple[Path, list[str]]
) -> None:
    root, commits = repo
    history = read_history(root / "sops")
    assert history.notice is None
    found = [(r.version, r.commit, r.author, r.date, r.change.summary if r.change else None)
             for r in history.revisions["SOP-H-1"]]
    assert found == [
        ("1.0", commits[0], "Ada Lead", dt.date(2026, 1, 5), "First issue."),
        ("1.1", commits[1], "Ben Tech", dt.date(2026, 2, 20), "Clearer wording."),
        ("2.0", commits[2], "Ada Lead", dt.date(2026, 5, 20), "The lead logs every restart."),
    ]


def test_the_checked_handbook_lends_its_parsed_documents_to_history(
    repo: tuple[Path, list[str]]
) -> None:
    """The latest revision is the file on disk: it is not parsed (nor held) a second time.

    Without a handbook, history loads one (what counts depends on the files as they are):
    the same revisions either way."""
    root, _ = repo
    alone = read_history(root / "sops").revisions["SOP-H-1"]
    handbook, _ = check_handbook(root / "sops", today=TODAY)
    current = next(e for e in handbook.documents if e.item.id == "SOP-H-1")
    lent = read_history(root / "sops", handbook).revisions["SOP-H-1"]
    assert lent == alone
    assert lent[-1].doc is current.item
    assert lent[-1].text is current.text
    assert [r.doc is current.item for r in lent[:-1]] == [False, False]


def test_a_renamed_file_keeps_its_history(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    run(root, "mv", "sops/sop.yml", "sops/print-server.yml", day="2026-07-01")
    run(root, "-c", "user.name=Ada Lead", "-c", "user.email=a@example.org", "commit", "-q",
        "-m", "Rename", day="2026-07-01")
    versions = [r.version for r in read_history(root / "sops").revisions["SOP-H-1"]]
    assert versions == ["1.0", "1.1", "2.0"]


def _site(root: Path) -> dict[str, str]:
    handbook, problems = check_handbook(root / "sops", today=TODAY)
    assert [p for p in problems if p.severity.value == "error"] == []
    return generate(handbook, today=TODAY, history=read_history(root / "sops")).pages


def test_frozen_pages_show_each_past_revision_as_it_was(repo: tuple[Path, list[str]]) -> None:
    root, commits = repo
    pages = _site(root)
    frozen = pages["procedures/sop-h-1/v1.0.md"]
    assert "title: 'SOP-H-1: Restart the print server (v1.0, superseded)'" in frozen
    assert "search:\n  exclude: true" in frozen
    assert '!!! danger sopsite-status "Superseded revision"' in frozen
    assert (f"    This is version **1.0** (commit `{commits[0][:12]}`), superseded on 2026-03-01 "
            "by version [1.1](v1.1.md). It was in force from 2026-01-10. The current version is "
            "[SOP-H-1: Restart the print server (v2.0)](../sop-h-1.md).") in frozen
    assert "### 2. Restart the service {#step-restart}" in frozen
    assert '    s2["Restart the service"]' in frozen  # the diagram as it was then
    assert "Internal Auditor" in frozen
    assert "Log the restart" not in frozen
    assert "**Next:** [3. Print a test page](#step-verify)" in frozen  # anchors stay local
    assert '    s2["Restart the spooler service"]' in pages["procedures/sop-h-1/v1.1.md"]
    assert "procedures/sop-h-1/v2.0.md" not in pages  # the current version is the live page


def test_history_table_on_the_current_page(repo: tuple[Path, list[str]]) -> None:
    root, commits = repo
    page = _site(root)["procedures/sop-h-1.md"]
    table = page[page.index("## Revision history"):]
    assert "| Version | Effective | Status | Source | Author | Summary | What changed |" in table
    assert (f"| **2.0** | 2026-06-01 | effective | from git `{commits[2][:12]}` | Ada Lead | The "
            "lead logs every restart. | [what changed](sop-h-1/diff-v1.1-v2.0.md) |") in table
    assert (f"| [1.0](sop-h-1/v1.0.md) | 2026-01-10 | effective | from git `{commits[0][:12]}` | "
            "Ada Lead | First issue. | \N{EN DASH} |") in table
    assert "[what changed](sop-h-1/diff-v1.0-v1.1.md)" in table
    assert "Printed copies are uncontrolled · SOP-H-1 v2.0 · commit " in page


def test_semantic_diff_in_words(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    pages = _site(root)
    minor = pages["procedures/sop-h-1/diff-v1.0-v1.1.md"]
    assert "## Steps\n\n- Step 2 (restart) reworded: “Restart the service” is now “Restart the " \
           "spooler service”." in minor
    assert "- Effective: “2026-01-10” → “2026-03-01”." in minor
    major = pages["procedures/sop-h-1/diff-v1.1-v2.0.md"]
    assert "- Added step 4 “Log the restart” (log), performed by lead." in major
    assert "- Role auditor removed (was consulted)." in major
    assert "## Decisions and paths\n\n- Step 3 (verify): the flow ends → next step log." in major
    assert "> **v2.0** — The lead logs every restart. (Ada Lead, 2026-05-20). **Must retrain:** " \
           "[Technician](../../roles/tech.md)" in major
    assert '??? note "YAML diff"' in major
    assert "    -  - {role: auditor, raci: consulted}" in major


def test_as_of_answers_before_between_and_after_revisions(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    handbook, _ = check_handbook(root / "sops", today=TODAY)
    doc = handbook.document_index["SOP-H-1"]
    rows = revisions.timeline(doc, None, read_history(root / "sops").revisions["SOP-H-1"])
    answers = {day: (row.version if row else None) for day in
               ("2025-12-31", "2026-01-10", "2026-02-28", "2026-03-01", "2026-05-31",
                "2026-06-01", "2026-11-21")
               for row in [revisions.in_force(rows, dt.date.fromisoformat(day))]}
    assert answers == {"2025-12-31": None, "2026-01-10": "1.0", "2026-02-28": "1.0",
                       "2026-03-01": "1.1", "2026-05-31": "1.1", "2026-06-01": "2.0",
                       "2026-11-21": "2.0"}
    pages = _site(root)
    year = pages["as-of/2026.md"]
    feb = year[year.index("## 2026-02-28"):year.index("## 2026-01-31")]
    assert "| SOP-H-1 | [v1.0](../procedures/sop-h-1/v1.0.md) (Restart the print server, " \
           "2026-01-10) |" in feb
    assert year.index("## 2026-11-30") < year.index("## 2026-01-31")
    index = pages["as-of/index.md"]
    assert ('[v1.1](../procedures/sop-h-1/v1.1.md){ data-rev="SOP-H-1@1.1" }') in index
    data = json.loads(html.unescape(re.search(r'data-asof="([^"]*)"', index)[1]))
    assert [r["version"] for r in data[0]["revisions"]] == ["1.0", "1.1", "2.0"]


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "sops" / "sop.yml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _base_lines(root: Path, ref: str = "HEAD") -> list[str]:
    handbook, _ = check_handbook(root / "sops", today=TODAY)
    return [p.format() for p in base_problems(handbook, root / "sops", ref)]


def test_change_without_a_version_bump_is_an_error(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    assert _base_lines(root) == []
    _edit(root, "title: Print a test page", "title: Print two test pages")
    assert _base_lines(root) == [
        f"{root}/sops/sop.yml:4:10: error [VERSION001] SOP-H-1 changed since HEAD but its "
        'version is still 2.0; bump it to "2.1" for an editorial change, or to "3.0" if people '
        "must retrain"
    ]


def test_version_going_down_is_an_error(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    _edit(root, '\nversion: "2.0"', '\nversion: "1.9"')
    assert _base_lines(root) == [
        f"{root}/sops/sop.yml:4:10: error [VERSION002] version 1.9 is lower than 2.0 at HEAD; "
        "versions only go up"
    ]


def test_major_bump_without_retraining_is_an_error(repo: tuple[Path, list[str]]) -> None:
    root, commits = repo
    assert _base_lines(root, commits[0]) == []  # 1.0 -> 2.0 names tech under retrain
    _edit(root, ", retrain: [tech]}", "}")
    assert _base_lines(root, commits[0]) == [
        f"{root}/sops/sop.yml:4:10: error [VERSION003] major version 2.0 (was 1.0 at "
        f"{commits[0]}) needs a `changes` entry for 2.0 that names the roles to retrain under "
        "`retrain`"
    ]


def test_change_entry_ahead_of_the_document_is_an_error(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    _edit(root, '{version: "2.0", date: 2026-05-20', '{version: "2.2", date: 2026-05-20')
    _, problems = check_handbook(root / "sops", today=TODAY)
    assert [p.format() for p in problems if p.code == "CHANGE001"] == [
        f"{root}/sops/sop.yml:34:15: error [CHANGE001] changes lists version 2.2, but SOP-H-1 "
        "is at version 2.0; a change entry cannot be ahead of the document"
    ]


def test_check_base_on_the_command_line(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    _edit(root, "title: Print a test page", "title: Print two test pages")
    result = sopsite("check", "--base", "HEAD", "sops", cwd=root)
    assert result.returncode == 1
    assert result.stdout.startswith("sops/sop.yml:4:10: error [VERSION001] SOP-H-1 changed")
    result = sopsite("check", "--base", "mian", "sops", cwd=root)
    assert result.returncode == 2
    assert "unknown revision 'mian'; did you mean 'main'?" in result.stderr


def test_diff_command_prints_a_pull_request_comment(repo: tuple[Path, list[str]]) -> None:
    root, commits = repo
    result = sopsite("diff", commits[0], commits[2], cwd=root)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"# Handbook changes: {commits[0]} → {commits[2]}\n")
    assert "## SOP-H-1: Restart the print server — v1.0 → v2.0\n" in out
    assert "> The lead logs every restart. (Ada Lead, 2026-05-20). Must retrain: tech.\n" in out
    assert "- Step 2 (restart) reworded: “Restart the service” is now “Restart the spooler " \
           "service”.\n" in out
    assert "<details><summary>YAML diff</summary>" in out
    _edit(root, "title: Print a test page", "title: Print two test pages")
    out = sopsite("diff", "HEAD", cwd=root).stdout
    assert "## SOP-H-1: Restart the print server — v2.0 → v2.0\n" in out
    assert "- Step 3 (verify) reworded: “Print a test page” is now “Print two test pages”." in out


@pytest.mark.slow
def test_shallow_clone_and_no_git_build_with_a_notice(
    repo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, _ = repo
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(shallow)],
                   check=True)
    assert read_history(shallow / "sops").notice == (
        "History is unavailable: the site was built from a shallow clone; fetch the full "
        "history (git fetch --unshallow) to see past revisions.")
    plain = tmp_path / "plain"
    shutil.copytree(root / "sops", plain / "sops")
    make_project(plain / "project", plain / "sops")
    result = sopsite("build", cwd=plain / "project")
    assert result.returncode == 0, result.stderr
    html = (plain / "project/site/procedures/sop-h-1/index.html").read_text("utf-8")
    assert "History is unavailable: this site was not built from a git repository." in html


@pytest.mark.slow
def test_real_build_publishes_frozen_and_diff_pages(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    config = make_project(root.parent / "config", root / "sops")
    shutil.copy(config, root / "mkdocs.yml")
    shutil.copytree(config.parent / "docs", root / "docs")
    result = sopsite("build", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site" / "procedures" / "sop-h-1"
    assert (site / "v1.0" / "index.html").is_file()
    assert (site / "diff-v1.1-v2.0" / "index.html").is_file()
    frozen = (site / "v1.0" / "index.html").read_text("utf-8")
    assert "Superseded revision" in frozen


def test_signing_and_making_effective_needs_no_new_version(
    repo: tuple[Path, list[str]]
) -> None:
    root, commits = repo
    diff = sopsite("diff", commits[1], commits[2], cwd=root).stdout
    assert "- Signature added: “approval of v2.0 by Ada Lead (lead) on 2026-05-28”.\n" in diff
    _edit(root, "approvals:\n", "approvals:\n  - {name: Cy Check, role: auditor, "
          "version: \"2.0\", date: 2026-05-30, meaning: review}\n")
    _edit(root, "effective: 2026-06-01", "effective: 2026-06-02")
    assert _base_lines(root) == []


def test_a_major_bump_is_not_signed_by_the_approvals_of_earlier_versions(
    repo: tuple[Path, list[str]]
) -> None:
    root, _ = repo
    clean = sopsite("check", "--strict", "--base", "HEAD", "sops", cwd=root)
    assert (clean.returncode, clean.stdout) == (0, "")
    _edit(root, '\nversion: "2.0"', '\nversion: "3.0"')
    _edit(root, "effective: 2026-06-01", "effective: 2026-09-01")
    _edit(root, "retrain: [tech]}\n", "retrain: [tech]}\n  - {version: \"3.0\", date: "
          "2026-08-20, summary: Two people restart., author: Ada Lead, retrain: [tech]}\n")
    result = sopsite("check", "--strict", "--base", "HEAD", "sops", cwd=root)
    assert (result.returncode, result.stdout) == (1, (
        "sops/sop.yml:5:9: warning [APPROVAL001] SOP-H-1 is effective at version 3.0 but has "
        "approvals of version 1.0, 1.1, 2.0 only; add an entry with 'meaning: approval' and "
        "'version: \"3.0\"' under 'approvals'\n"))


def test_the_page_shows_which_version_each_signature_signed(
    repo: tuple[Path, list[str]]
) -> None:
    root, _ = repo
    pages = _site(root)
    page = pages["procedures/sop-h-1.md"]
    table = page[page.index("### Approvals"):page.index("## Purpose")]
    assert table.splitlines()[4:] == [
        "| Ada Lead | [Team Lead](../roles/lead.md) | signed v1.0, not this version | "
        "2026-01-05 | approval |",
        "| Ada Lead | [Team Lead](../roles/lead.md) | signed v1.1, not this version | "
        "2026-02-25 | approval |",
        "| Ada Lead | [Team Lead](../roles/lead.md) | v2.0 (this version) | 2026-05-28 | "
        "approval |",
        "",
    ]
    frozen = pages["procedures/sop-h-1/v1.0.md"]
    assert ("| Ada Lead | [Team Lead](../../roles/lead.md) | v1.0 (this version) | 2026-01-05 "
            "| approval |") in frozen


def test_every_changed_field_is_described() -> None:
    import yaml

    from generator.git.diff import as_markdown, semantic_diff
    from generator.model import Sop

    old = Sop.model_validate(yaml.safe_load(SOP_V1))
    new = old.model_copy(update={"purpose": "Printing works again, and nobody waits.",
                                 "tags": ["printing"], "related": []})
    assert as_markdown(semantic_diff(old, new)) == (
        "### Other content\n\n"
        "- Tags added: “printing”.\n"
        "- Purpose: “Printing works again.” → “Printing works again, and nobody waits.”.\n")
