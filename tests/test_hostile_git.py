"""History that someone shaped to mislead or to break the build, in real git repositories.

Each case commits what a pull request could carry (throwaway commits, files that claim
another document's id, versions nobody declared, handmade commit objects) and checks what
the history, the frozen pages and the as-of view make of it, and the exact warnings.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.git.compare import base_problems
from generator.git.history import History, read_history
from generator.pipeline import check_handbook
from generator.render import revisions
from generator.render.pages import generate
from tests.support import TODAY
from tests.support.build import make_project, sopsite
from tests.test_history import PEOPLE, SOP_V1, SOP_V1_1, SOP_V2

OWN = "sops/sop.yml"


class Repo:
    """A handbook repository whose every commit has a chosen author and date."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "sops").mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.write("sops/people.yml", PEOPLE)

    def git(self, *args: str, day: str = "2026-01-05T10:00:00Z", author: str = "Ada Lead",
            stdin: str | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.org",
               "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "a@example.org",
               "GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day}
        done = subprocess.run(["git", "-C", str(self.root), *args], env=env, input=stdin,
                              capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")

    def commit(self, message: str, day: str, text: str | None = None, *,
               author: str = "Ada Lead", name: str = "sops/sop.yml") -> str:
        """Write ``text`` to ``name`` (if given), stage everything, commit."""
        if text is not None:
            self.write(name, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message,
                 day=f"{day}T10:00:00Z", author=author)
        return self.git("rev-parse", "HEAD")

    def remove(self, name: str, message: str, day: str) -> str:
        self.git("rm", "-q", name)
        self.git("commit", "-q", "-m", message, day=f"{day}T10:00:00Z", author="Mallory")
        return self.git("rev-parse", "HEAD")

    def handmade(self, author_line: str, committer_line: str) -> str:
        """A commit of the staged tree, written as an object by hand, on top of HEAD."""
        self.git("add", "-A")
        tree, parent = self.git("write-tree"), self.git("rev-parse", "HEAD")
        body = (f"tree {tree}\nparent {parent}\n{author_line}\n{committer_line}\n\n"
                "handmade\n")
        made = self.git("hash-object", "-t", "commit", "-w", "--stdin", stdin=body)
        self.git("update-ref", "HEAD", made)
        return made

    def history(self) -> History:
        handbook, problems = check_handbook(self.root / "sops", today=TODAY)
        assert [p for p in problems if p.severity.value == "error"] == []
        return read_history(self.root / "sops", handbook)

    def pages(self) -> dict[str, str]:
        handbook, _ = check_handbook(self.root / "sops", today=TODAY)
        return generate(handbook, today=TODAY,
                        history=read_history(self.root / "sops", handbook)).pages

    def in_force(self, day: str) -> str | None:
        handbook, _ = check_handbook(self.root / "sops", today=TODAY)
        doc = handbook.document_index["SOP-H-1"]
        rows = revisions.timeline(doc, None, self.history().revisions.get("SOP-H-1", []))
        row = revisions.in_force(rows, dt.date.fromisoformat(day))
        return row.version if row else None


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A repository with the roles only, the working directory at its top."""
    made = Repo(tmp_path / "repo")
    monkeypatch.chdir(made.root)
    return made


@pytest.fixture
def repo(bare: Repo) -> Repo:
    """Three reviewed versions of SOP-H-1 (1.0, 1.1, 2.0) in sops/sop.yml."""
    made = bare
    made.commit("First issue", "2026-01-05", SOP_V1)
    made.commit("Reword", "2026-02-20", author="Ben Tech", text=SOP_V1_1)
    made.commit("Lead logs restarts", "2026-05-20", SOP_V2)
    return made


def versions(history: History) -> list[tuple[str, str]]:
    """(version, author) of each of SOP-H-1's revisions."""
    return [(r.version, r.author) for r in history.revisions["SOP-H-1"]]


def lines(history: History) -> list[str]:
    return [p.format() for p in history.problems]


FORGED = SOP_V1_1.replace('\nversion: "1.1"', '\nversion: "9.0"').replace(
    "effective: 2026-03-01", "effective: 2026-01-01").replace(
    "title: Restart the spooler service", "title: Wire the backup money to account 666")
"""A document that claims SOP-H-1 in force since New Year, with one step rewritten."""


def test_a_throwaway_commit_without_a_version_bump_is_not_a_revision(bare: Repo) -> None:
    """Edits within a version are that version; its text is its last commit's."""
    made = bare
    first = made.commit("First issue", "2026-01-05", SOP_V1)
    made.commit("Reword", "2026-02-20", SOP_V1_1)
    made.commit("Sneak", "2026-02-21", author="Mallory", text=SOP_V1_1.replace(
        "title: Print a test page", "title: Skip the test page"))
    revert = made.git("revert", "--no-edit", "HEAD", day="2026-02-21T10:01:00Z")
    made.commit("Lead logs restarts", "2026-05-20", SOP_V2)
    history = made.history()
    found = history.revisions["SOP-H-1"]
    assert [(r.version, r.commit == first) for r in found] == [
        ("1.0", True), ("1.1", False), ("2.0", False)]
    assert found[1].author == "Ada Lead"
    assert found[1].last == made.git("rev-parse", "HEAD~1") != found[1].commit
    assert revert
    assert history.problems == []
    pages = made.pages()
    assert sorted(p for p in pages if p.startswith("procedures/sop-h-1/v")) == [
        "procedures/sop-h-1/v1.0.md", "procedures/sop-h-1/v1.1.md"]
    frozen = pages["procedures/sop-h-1/v1.1.md"]
    assert "Print a test page" in frozen
    assert "Skip the test page" not in frozen


def test_an_undeclared_version_reverted_the_next_minute_is_never_in_force(repo: Repo) -> None:
    sneak = repo.commit("Tidy", "2026-06-02", author="Mallory", text=FORGED.replace(
        '"9.0"', '"2.1"'))
    repo.git("revert", "--no-edit", "HEAD", day="2026-06-02T10:01:00Z")
    history = repo.history()
    assert versions(history) == [("1.0", "Ada Lead"), ("1.1", "Ben Tech"), ("2.0", "Ada Lead")]
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST004] commit {sneak[:12]}: sops/sop.yml sets SOP-H-1 to "
        "version 2.1, which its change history does not declare (declared: 1.0, 1.1, 2.0); "
        "this version is not counted as a revision and was never in force"]
    assert repo.in_force("2026-01-02") is None
    assert repo.in_force("2026-06-03") == "2.0"
    pages = repo.pages()
    assert "procedures/sop-h-1/v2.1.md" not in pages
    assert '"version": "2.1"' not in pages["as-of/index.md"]


def _forge_on_a_branch(repo: Repo) -> tuple[str, str]:
    """A branch whose net diff is one comma: a forged SOP-H-1 in another file, added, deleted."""
    repo.git("checkout", "-q", "-b", "typo")
    added = repo.commit("Add notes", "2026-06-10", author="Mallory", text=FORGED,
                        name="sops/notes.yml")
    repo.remove("sops/notes.yml", "Drop notes", "2026-06-10")
    repo.commit("Fix a comma", "2026-06-10", author="Mallory", text=PEOPLE.replace(
        "name: Team Lead}", "name: Team Lead, }"), name="sops/people.yml")
    repo.git("checkout", "-q", "main")
    return added, repo.git("rev-parse", "typo")


def _untouched(repo: Repo, history: History) -> None:
    assert versions(history) == [("1.0", "Ada Lead"), ("1.1", "Ben Tech"), ("2.0", "Ada Lead")]
    assert repo.in_force("2026-01-05") is None
    assert repo.in_force("2026-02-01") == "1.0"
    pages = repo.pages()
    assert "procedures/sop-h-1/v9.0.md" not in pages
    assert "Wire the backup money" not in "".join(pages.values())
    assert '"version": "9.0"' not in pages["as-of/index.md"]


def test_a_forged_file_merged_by_fast_forward_does_not_write_the_history(repo: Repo) -> None:
    added, tip = _forge_on_a_branch(repo)
    repo.git("merge", "-q", "--ff-only", "typo")
    assert repo.git("rev-parse", "HEAD") == tip
    history = repo.history()
    _untouched(repo, history)
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST003] commit {added[:12]}: sops/notes.yml claims to be "
        "SOP-H-1 (version 9.0), but SOP-H-1's own file is sops/sop.yml; it is not counted as "
        "a revision of SOP-H-1"]


def test_a_forged_file_merged_by_a_merge_commit_does_not_write_the_history(
    repo: Repo
) -> None:
    """The main line received one comma; the branch's own commits are not its history."""
    _forge_on_a_branch(repo)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge typo", "typo", day="2026-06-11T10:00:00Z")
    history = repo.history()
    _untouched(repo, history)
    assert lines(history) == []


def test_an_undeclared_version_in_the_line_is_a_warning_and_never_in_force(bare: Repo) -> None:
    """Version 1.5 was committed (effective in April) but the change history skips it."""
    made = bare
    made.commit("First issue", "2026-01-05", SOP_V1)
    made.commit("Reword", "2026-02-20", SOP_V1_1)
    skipped = made.commit("Half step", "2026-03-20", SOP_V1_1.replace(
        '\nversion: "1.1"', '\nversion: "1.5"').replace(
        "effective: 2026-03-01", "effective: 2026-04-01"))
    made.commit("Lead logs restarts", "2026-05-20", SOP_V2)
    history = made.history()
    assert [r.version for r in history.revisions["SOP-H-1"]] == ["1.0", "1.1", "2.0"]
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST004] commit {skipped[:12]}: sops/sop.yml sets SOP-H-1 to "
        "version 1.5, which its change history does not declare (declared: 1.0, 1.1, 2.0); "
        "this version is not counted as a revision and was never in force"]
    assert made.in_force("2026-04-15") == "1.1"
    assert "procedures/sop-h-1/v1.5.md" not in made.pages()


def test_a_version_claimed_early_and_taken_back_counts_from_its_real_commit(bare: Repo) -> None:
    """Someone commits "2.0" with their own text while 1.1 is in force, then reverts."""
    made = bare
    made.commit("First issue", "2026-01-05", SOP_V1)
    made.commit("Reword", "2026-02-20", author="Ben Tech", text=SOP_V1_1)
    early = made.commit("Early", "2026-03-05", author="Mallory", text=SOP_V2.replace(
        "title: Log the restart", "title: Log nothing"))
    back = made.git("revert", "--no-edit", "HEAD", day="2026-03-05T10:01:00Z")
    back = made.git("rev-parse", "HEAD")
    real = made.commit("Lead logs restarts", "2026-05-20", SOP_V2)
    history = made.history()
    found = history.revisions["SOP-H-1"]
    assert [(r.version, r.author) for r in found] == [
        ("1.0", "Ada Lead"), ("1.1", "Ben Tech"), ("2.0", "Ada Lead")]
    assert found[2].commit == real
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST005] commit {back[:12]}: sops/sop.yml takes SOP-H-1 back "
        "from version 2.0 to 1.1; versions only go up, so this commit is not counted as a "
        f"revision; version 2.0 (from commit {early[:12]}) is taken back"]
    assert "Log nothing" not in "".join(made.pages().values())


def test_separator_characters_in_an_author_name_are_a_warning(repo: Repo) -> None:
    signed = SOP_V2.replace('"2.0"', '"2.1"', 1).replace(
        "author: Ada Lead, retrain: [tech]}\n",
        "author: Ada Lead, retrain: [tech]}\n  - {version: \"2.1\", date: 2026-07-01, "
        "summary: Signed., author: Eve}\n")
    odd = repo.commit("Sign", "2026-07-01", author="Eve\x1fRS\x1eDel", text=signed)
    history = repo.history()
    assert versions(history)[-1] == ("2.1", "Eve\N{REPLACEMENT CHARACTER}RS"
                                     "\N{REPLACEMENT CHARACTER}Del")
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST002] commit {odd[:12]}: the author name 'Eve\\x1fRS\\x1eDel' "
        "holds control characters; it is shown as 'Eve\N{REPLACEMENT CHARACTER}RS"
        "\N{REPLACEMENT CHARACTER}Del'"]
    page = repo.pages()["procedures/sop-h-1.md"]
    assert (f"| **2.1** | 2026-06-01 | effective | from git `{odd[:12]}` | Eve (declared), "
            "Eve\N{REPLACEMENT CHARACTER}RS\N{REPLACEMENT CHARACTER}Del (from git) | Signed. | "
            "[what changed](sop-h-1/diff-v2.0-v2.1.md) |") in page


def test_a_newline_in_a_handmade_author_line_is_a_warning(repo: Repo) -> None:
    """git itself refuses a newline in a name; a handmade object splits the line in two."""
    repo.write(OWN, SOP_V2.replace("title: Log the restart", "title: Log each restart"))
    made = repo.handmade("author Eve\nDel <e@example.org> 1782900000 +0000",
                         "committer Eve <e@example.org> 1782900000 +0000")
    history = repo.history()
    assert versions(history) == [("1.0", "Ada Lead"), ("1.1", "Ben Tech"), ("2.0", "Ada Lead")]
    assert history.revisions["SOP-H-1"][-1].last == made
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST002] commit {made[:12]}: git cannot read an author name "
        "(found ''); it is shown as '\N{EN DASH}'"]


def test_a_committer_date_in_the_year_10000_is_a_warning(repo: Repo) -> None:
    repo.write(OWN, SOP_V2.replace("title: Log the restart", "title: Log each restart"))
    future = repo.handmade("author Eve <e@example.org> 253402300800 +0000",
                           "committer Eve <e@example.org> 253402300800 +0000")
    repo.write(OWN, SOP_V2.replace("title: Log the restart", "title: Log every restart"))
    broken = repo.handmade("author Eve <e@example.org> 1782900000 +0000",
                           "committer Eve <e@example.org>")
    history = repo.history()
    assert versions(history) == [("1.0", "Ada Lead"), ("1.1", "Ben Tech"), ("2.0", "Ada Lead")]
    # Problems sort by their text, which starts with the commit's hash: compare as sorted.
    assert lines(history) == sorted([
        f"{OWN}:1:1: warning [HIST001] commit {broken[:12]}: git gives the committer date "
        "as nothing (it cannot read the committer line); expected a date YYYY-MM-DD in the "
        "years 1 to 9999, so this commit is not counted as a revision of SOP-H-1",
        f"{OWN}:1:1: warning [HIST001] commit {future[:12]}: git gives the committer date as "
        "'10000-01-01'; expected a date YYYY-MM-DD in the years 1 to 9999, so this commit is "
        "not counted as a revision of SOP-H-1"])
    assert repo.in_force("2026-11-21") == "2.0"


@pytest.mark.parametrize("own", ["sops/käsikirja/tulostin ä.yml", "sops/odd\x1fname\x1e.yml",
                                 "sops/new\nline.yml", 'sops/"quoted"\\tab\t.yml'])
def test_an_odd_file_name_keeps_its_history(bare: Repo, own: str) -> None:
    """git quotes such names unless told not to; they are read as the bytes they are."""
    made = bare
    for text, day in ((SOP_V1, "2026-01-05"), (SOP_V1_1, "2026-02-20"), (SOP_V2, "2026-05-20")):
        made.write(own, text)
        made.commit("Version", day)
    history = made.history()
    assert [r.version for r in history.revisions["SOP-H-1"]] == ["1.0", "1.1", "2.0"]
    assert history.problems == []
    assert "procedures/sop-h-1/v1.1.md" in made.pages()
    made.write(own, SOP_V2.replace("title: Log the restart", "title: Log each restart"))
    handbook, _ = check_handbook(made.root / "sops", today=TODAY)
    assert [p.code for p in base_problems(handbook, made.root / "sops", "HEAD")] == [
        "VERSION001"]


def test_a_rename_keeps_the_lineage_and_a_deleted_namesake_does_not_join_it(
    repo: Repo
) -> None:
    """Moved with an edit in one commit; then a forged file takes the old name, and goes."""
    repo.git("mv", OWN, "sops/print-server.yml")
    repo.write("sops/print-server.yml", SOP_V2.replace("Log the restart", "Log each restart"))
    repo.commit("Move and reword", "2026-07-01")
    planted = repo.commit("Plant", "2026-07-02", author="Mallory", text=FORGED)
    repo.remove(OWN, "Unplant", "2026-07-02")
    history = repo.history()
    found = history.revisions["SOP-H-1"]
    assert [r.version for r in found] == ["1.0", "1.1", "2.0"]
    assert "Log each restart" in found[-1].text
    assert lines(history) == [
        f"sops/print-server.yml:1:1: warning [HIST003] commit {planted[:12]}: sops/sop.yml "
        "claims to be SOP-H-1 (version 9.0), but SOP-H-1's own file is sops/print-server.yml; "
        "it is not counted as a revision of SOP-H-1"]


@pytest.mark.slow
def test_hostile_history_builds_with_warnings_and_no_traceback(repo: Repo) -> None:
    """A strict `sopsite build` goes on: commits cannot be taken back, so they never fail it."""
    _forge_on_a_branch(repo)
    repo.git("merge", "-q", "--ff-only", "typo")
    repo.write(OWN, SOP_V2.replace("title: Log the restart", "title: Log each restart"))
    future = repo.handmade("author Eve\x1fX <e@example.org> 253402300800 +0000",
                           "committer Eve <e@example.org> 253402300800 +0000")
    config = make_project(repo.root.parent / "config", repo.root / "sops")
    shutil.copy(config, repo.root / "mkdocs.yml")
    shutil.copytree(config.parent / "docs", repo.root / "docs")
    result = sopsite("build", cwd=repo.root)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr
    assert (f"WARNING -  {OWN}:1:1: warning [HIST001] commit {future[:12]}: git gives the "
            "committer date as '10000-01-01'") in result.stderr
    assert "warning [HIST003]" in result.stderr
    site = repo.root / "site" / "procedures" / "sop-h-1"
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("v")) == ["v1.0", "v1.1"]


def test_a_deleted_file_of_the_same_name_is_not_the_lineage(bare: Repo) -> None:
    """Version 9.0 was planted at sops/sop.yml and deleted before the real file was added."""
    planted = bare.commit("Plant", "2025-12-01", author="Mallory", text=FORGED)
    bare.remove(OWN, "Unplant", "2025-12-01")
    bare.commit("First issue", "2026-01-05", text=SOP_V1)
    history = bare.history()
    assert [r.version for r in history.revisions["SOP-H-1"]] == ["1.0"]
    assert lines(history) == [
        f"{OWN}:1:1: warning [HIST003] commit {planted[:12]}: sops/sop.yml (an earlier file of "
        "that name, deleted before this one was added) claims to be SOP-H-1 (version 9.0), but "
        "SOP-H-1's own file is sops/sop.yml; it is not counted as a revision of SOP-H-1"]
    assert bare.in_force("2026-01-05") is None
