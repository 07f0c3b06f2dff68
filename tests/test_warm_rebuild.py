"""Under `sopsite serve`, a page reused from the last build must be the page a cold build makes.

Pages are kept between rebuilds (`generator.render.cache`), each under a digest of the
values its page function is given; a template that could read a field outside its key
would serve a stale page. These tests
edit one field at a time of a handbook that has every field of every kind
(`tests/fixtures/warm/sops`), rebuild warm (caches kept, as `sopsite serve` does after a save)
and cold (a new `Session`), and compare the two sites page by page. Each edit is then
undone and rebuilt warm again, which must give the untouched handbook's pages (a block put
back, a value restored).

By default each top-level field of each kind is edited where it first occurs (with the
templates that show everything, those of SOPs and roles); the `slow`
variants edit every value of every file (a list's elements, nested blocks and their
fields). Three set-ups: the packaged templates; a git
repository where the edited SOP has a past revision (revision tables, frozen pages, diffs);
and templates of the handbook's own that show everything they are given, which is what a
key derived from the data a page renders must survive. Cases found stale are strict xfails,
listed with their pages in `tests/fixtures/warm/stale-today.json`
(`python -m tests.support.warm` writes it again); there are none.

This module holds the packaged templates' cases; those of templates that show everything
and of the git repository are in `test_warm_rebuild_shown.py` and `test_warm_rebuild_git.py`,
each workspace in a module of its own so that the three run side by side on different
workers (the cases and the workspaces are in `tests/support/warm*.py`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from generator.model.content import KINDS
from generator.pipeline import check_handbook
from generator.render import cache as render_cache
from tests.support import TODAY
from tests.support.warm import (
    ACTIVE,
    DEFAULT,
    EVERY,
    Workspace,
    cases,
    check_outcome,
    done,
    exercise,
    outcome,
    plain_workspace,
)
from tests.support.warm_edits import FIXTURE, Leaf, base_hint, leaves, model_hints

MIN_VALID = 0.9
"""Share of fields that must get an edit the checks accept: skipping cannot pass the test."""
MIN_SHOWN = 0.8
"""Share of valid edits that must change some page (the rest are fields no page shows)."""


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield plain_workspace(tmp_path_factory.mktemp("warm"))
    done()


@pytest.mark.parametrize("leaf", cases(DEFAULT, "test_warm_rebuild_after_an_edit"))
def test_warm_rebuild_after_an_edit(plain: Workspace, leaf: Leaf) -> None:
    check_outcome(outcome(plain, leaf))


@pytest.mark.slow
@pytest.mark.parametrize("leaf", cases(EVERY, "test_every_occurrence_of_every_field",
                                       every=True))
def test_every_occurrence_of_every_field(plain: Workspace, leaf: Leaf) -> None:
    check_outcome(outcome(plain, leaf))


def test_the_comparison_catches_a_page_key_that_misses_a_field(
    plain: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every page's key the same whatever it shows, a role renamed leaves the pages
    that name it stale: the cases above would see it."""
    monkeypatch.setattr(render_cache, "digest_of", lambda *_, **__: "the same each time")
    ACTIVE[0] = None
    name = next(leaf for leaf in leaves() if leaf.kind == "role" and leaf.general == "name")
    try:
        result = exercise(plain, name)
    finally:
        ACTIVE[0] = None
    assert result.edit == "suffix added"
    assert result.stale
    assert result.detail is not None
    assert result.detail.startswith("after the edit, ")
    assert "Team Lead (edited)" in result.detail


def test_the_fixture_has_every_field_of_every_kind() -> None:
    """A field missing from the fixture is a field no case edits."""

    def paths(model: type[BaseModel], prefix: str) -> set[str]:
        out: set[str] = set()
        for name, hint in model_hints(model).items():
            if name not in model.model_fields:
                continue
            general, base = f"{prefix}.{name}" if prefix else name, base_hint(hint)
            while typing.get_origin(base) in (list, dict):
                general += "[]" if typing.get_origin(base) is list else "{}"
                base = base_hint(typing.get_args(base)[-1])
            if isinstance(base, type) and issubclass(base, BaseModel):
                out |= paths(base, general)
            else:
                out.add(general)
        return out

    wanted = {f"{kind}:{p}" for kind, model in KINDS.items() for p in paths(model, "")}
    have = {f"{leaf.kind}:{leaf.general}" for leaf in leaves() if leaf.shape == "scalar"}
    have |= {f"{leaf.kind}:{leaf.general}" for leaf in leaves() if leaf.shape == "list"
             and leaf.general.endswith("answer")}
    assert sorted(wanted - have) == []
    # Warnings only: an overdue action, and the `retrain` of a post-mortem and of a
    # retrospective, there so that some case edits them (neither has a training module).
    assert [(p.path.rsplit("/", 1)[1], p.line, p.code)
            for p in check_handbook(FIXTURE, today=TODAY)[1]] == [
        ("postmortem.yml", 70, "TRAIN001"), ("retro.yml", 38, "ACTION001"),
        ("retro.yml", 63, "TRAIN001")]


@pytest.mark.parametrize("found", [
    pytest.param(DEFAULT, id="top-level"),
    pytest.param(EVERY, id="every", marks=pytest.mark.slow),
])
def test_most_fields_get_a_valid_edit_that_shows(plain: Workspace,
                                                 found: tuple[Leaf, ...]) -> None:
    """The cases cannot pass by skipping: most fields get an edit the checks accept, and
    most accepted edits change a page."""
    # A `kind` has no other value: that is no edit refused.
    results = [r for r in (outcome(plain, leaf) for leaf in found) if r.edit or r.refused]
    valid = [r for r in results if r.edit is not None]
    refused = [r.leaf.where for r in results if r.edit is None]
    unseen = [f"{r.leaf.where} ({r.edit})" for r in valid if not r.changed]
    scalars = [r for r in results if r.leaf.shape == "scalar"]
    print(f"{len(valid)} of {len(results)} edits valid; refused: {refused}; "
          f"no page shows: {unseen}")
    assert len(valid) >= MIN_VALID * len(results), f"edits refused: {refused}"
    assert sum(r.edit is not None for r in scalars) >= MIN_VALID * len(scalars), refused
    assert len(valid) - len(unseen) >= MIN_SHOWN * len(valid), f"no page shows: {unseen}"


if __name__ == "__main__":
    from tests.support.warm import record

    record()
