"""Warm rebuilds (see `test_warm_rebuild.py`) in a git repository where the edited SOP has a
past revision: revision tables, frozen pages and diffs must follow each edit too. The SOP's
own scalar fields by default (a git build costs more); every field of it when slow.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.support.warm import (
    GIT_DEFAULT,
    GIT_FILE,
    Workspace,
    cases,
    check_outcome,
    done,
    git_workspace,
    outcome,
)
from tests.support.warm_edits import Leaf, firsts


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    top = tmp_path_factory.mktemp("warm-git")
    yield git_workspace(top)
    done()
    shutil.rmtree(top)


@pytest.mark.parametrize("leaf", cases(GIT_DEFAULT, "test_with_git_history_too"))
def test_with_git_history_too(repo: Workspace, leaf: Leaf) -> None:
    check_outcome(outcome(repo, leaf))


@pytest.mark.slow
@pytest.mark.parametrize("leaf", cases(firsts((GIT_FILE,)),
                                       "test_every_field_with_git_history"))
def test_every_field_with_git_history(repo: Workspace, leaf: Leaf) -> None:
    check_outcome(outcome(repo, leaf))
