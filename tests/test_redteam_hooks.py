"""Red-team attacks on the pre-commit hook (`sopsite check-changed`): can a warning in a file
a commit changes stop counting because the file's path is spelled differently? Through the
real git and pre-commit for a name git would quote (space, non-ASCII), and through the
command for the spellings a caller could pass."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support import MINIMAL, TODAY_ARG
from tests.support.build import sopsite
from tests.test_pre_commit import _edit, _run, _said, repo

__all__ = ["repo"]

pytestmark = pytest.mark.slow


def test_a_warning_in_a_changed_file_in_a_folder_git_quotes_still_fails_the_commit(
        repo: Path) -> None:
    folder = repo / "sops" / "Työ ryhmä"
    folder.mkdir()
    _run(repo, "git", "mv", "sops/sop-it-001.yml", "sops/Työ ryhmä/sop-it-001.yml")
    _run(repo, "git", "commit", "-q", "--no-verify", "-m", "Move into a team folder")
    _edit(folder / "sop-it-001.yml", "title: Reset a password",
          "title: Reset a forgotten password")
    done = _run(repo, "git", "commit", "-am", "Reword", check=False)
    assert done.returncode == 1, _said(done)
    assert "sops/Työ ryhmä/sop-it-001.yml:8:15: warning [REVIEW001]" in _said(done)
    assert "1 warning(s) in the files of this commit fail it" in _said(done)


@pytest.mark.parametrize("spelling", [
    "sops/sop-it-001.yml", "./sops/sop-it-001.yml", "sops//sop-it-001.yml",
    "sops/../sops/sop-it-001.yml", "sops/./sop-it-001.yml", "{absolute}",
])
def test_every_spelling_of_the_changed_file_counts_its_warning(
        tmp_path: Path, spelling: str) -> None:
    top = tmp_path / "hand book"
    (top / "sops").parent.mkdir()
    subprocess.run(["cp", "-r", str(MINIMAL), str(top / "sops")], check=True)
    sop = top / "sops" / "sop-it-001.yml"
    sop.write_text(sop.read_text("utf-8").replace("effective: 2026-03-01",
                                                  "effective: 2025-10-01"), encoding="utf-8")
    given = str(sop) if spelling == "{absolute}" else spelling
    done = sopsite("check-changed", given, cwd=top, today=TODAY_ARG)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 warning(s) in the files of this commit fail it" in done.stderr
    elsewhere = sopsite("check-changed", "sops/roles.yml", cwd=top, today=TODAY_ARG)
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr
