"""The pre-commit hook, run by the real pre-commit from a real `git commit`: strict in the
files a commit changes, lenient elsewhere, and never lenient about errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import MINIMAL, REPO, TODAY_ARG

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
REVIEW = ("sops/sop-it-001.yml:8:15: warning [REVIEW001] review was due on 2026-10-01 "
          "(12 months after 2025-10-01); review it and bump the version or the effective date")


def _run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOPSITE_TODAY": TODAY_ARG, "NO_MKDOCS_2_WARNING": "1",
           "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    done = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A handbook repository whose commits go through the published hook.

    The hook is this repository's own definition, run as a `local` hook with the test's
    sopsite (`language: system`): pre-commit would otherwise clone and install the
    package from its git URL, which is `init`'s round trip to test, not the hook's.
    """
    top = tmp_path / "handbook"
    shutil.copytree(MINIMAL, top / "sops")
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    local = {**hook, "language": "system"}
    (top / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}), encoding="utf-8")
    (top / "notes.md").write_text("# Notes\n", encoding="utf-8")
    _run(top, "git", "init", "-q", "-b", "main")
    _run(top, str(BIN / "pre-commit"), "install")
    _run(top, "git", "add", "-A")
    _run(top, "git", "commit", "-q", "-m", "The handbook")
    # A review falls due in sop-it-001.yml, committed before the hook could see it.
    sop = top / "sops" / "sop-it-001.yml"
    sop.write_text(sop.read_text("utf-8").replace("effective: 2026-03-01",
                                                  "effective: 2025-10-01"), encoding="utf-8")
    _run(top, "git", "commit", "-q", "--no-verify", "-am", "Effective earlier")
    return top


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, encoding="utf-8")


def _said(done: subprocess.CompletedProcess[str]) -> str:
    """What the commit printed: git and pre-commit split it over both streams."""
    return done.stdout + done.stderr


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_review_due_elsewhere_does_not_block_a_commit(repo: Path) -> None:
    _append(repo / "sops" / "glossary.yml", "# A comment from the glossary's owner\n")
    done = _run(repo, "git", "commit", "-am", "Glossary comment", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert REVIEW in _said(done)  # shown, not fatal
    assert ("0 error(s), 1 warning(s); 1 warning(s) elsewhere, or advice, do not (sopsite "
            "check --strict shows them as CI would)") in _said(done)


def test_a_commit_that_changes_the_file_with_the_warning_must_fix_it(repo: Path) -> None:
    sop = repo / "sops" / "sop-it-001.yml"
    _edit(sop, "title: Reset a password", "title: Reset a forgotten password")
    done = _run(repo, "git", "commit", "-am", "Reword", check=False)
    assert done.returncode == 1, _said(done)
    assert REVIEW in _said(done)
    assert ("0 error(s), 1 warning(s); 1 warning(s) in the files of this commit fail it"
            in _said(done))
    assert _run(repo, "git", "rev-list", "--count", "HEAD").stdout.strip() == "2"
    _edit(sop, "effective: 2025-10-01", "effective: 2026-11-01")
    _run(repo, "git", "commit", "-q", "-am", "Reword and review")


def test_an_error_anywhere_blocks_the_commit(repo: Path) -> None:
    # The glossary is changed; the broken reference is in a file the commit does not touch.
    _append(repo / "sops" / "glossary.yml", "# reworded\n")
    roles = repo / "sops" / "roles.yml"
    _run(repo, "git", "stash", "-q")
    _edit(roles, "id: technician", "id: technicians")
    _run(repo, "git", "commit", "-q", "--no-verify", "-am", "Rename a role, unchecked")
    _run(repo, "git", "stash", "pop", "-q")
    done = _run(repo, "git", "commit", "-am", "Glossary", check=False)
    assert done.returncode == 1, _said(done)
    assert "error [REF001] unknown role 'technician'" in _said(done)


def test_a_commit_outside_the_handbook_does_not_run_the_hook(repo: Path) -> None:
    _edit(repo / "notes.md", "# Notes", "# Notes, reworded")
    done = _run(repo, "git", "commit", "-am", "Notes", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sopsite check" in _said(done)
    assert "(no files to check)Skipped" in _said(done)
