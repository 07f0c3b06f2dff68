"""Warm rebuilds (see `test_warm_rebuild.py`) with templates of the handbook's own that show
everything they are given: a key derived from the data a page renders must survive them.
The top-level scalars of SOPs and roles by default (these builds cost more); every value of
every kind when slow.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.warm import (
    EVERY,
    SHOWN_DEFAULT,
    Workspace,
    cases,
    check_outcome,
    done,
    outcome,
    shown_workspace,
)
from tests.support.warm_edits import Leaf


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield shown_workspace(tmp_path_factory.mktemp("warm-templates"))
    done()


@pytest.mark.parametrize("leaf", cases(SHOWN_DEFAULT,
                                       "test_with_templates_that_show_every_field"))
def test_with_templates_that_show_every_field(shown: Workspace, leaf: Leaf) -> None:
    check_outcome(outcome(shown, leaf))


@pytest.mark.slow
@pytest.mark.parametrize("leaf", cases(
    EVERY, "test_every_occurrence_with_templates_that_show_every_field", every=True))
def test_every_occurrence_with_templates_that_show_every_field(shown: Workspace,
                                                              leaf: Leaf) -> None:
    check_outcome(outcome(shown, leaf))
