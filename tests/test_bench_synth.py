"""The benchmark handbook generator: deterministic, and its output passes the strict checks."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synth import Mix, Synth
from generator.model import Process, Retro, Sop
from generator.pipeline import check_handbook
from tests.support import TODAY


def test_same_seed_same_bytes() -> None:
    first, again = Synth(20, seed=7).files(), Synth(20, seed=7).files()
    assert first == again
    assert Synth(20, seed=8).files() != first


def test_a_document_does_not_depend_on_the_handbook_size() -> None:
    """SOP-B-00001 is the same at every N, so its page size can be compared across N."""
    assert Synth(100).text("sop", 1) == Synth(5000).text("sop", 1)


def test_mix() -> None:
    assert Mix.of(100) == Mix(80, 15, 5)
    assert Mix.of(5000) == Mix(4000, 750, 250)


def test_a_small_handbook_checks_clean_in_strict_mode(tmp_path: Path) -> None:
    Synth(100).write(tmp_path / "sops")
    handbook, problems = check_handbook(tmp_path / "sops", today=TODAY)
    assert [p.format() for p in problems] == []
    documents = [entry.item for entry in handbook.documents]
    assert [sum(isinstance(d, kind) for d in documents) for kind in (Sop, Process, Retro)] \
        == [80, 15, 5]
    flows = [d for d in documents if isinstance(d, Sop | Process)]
    assert all(8 <= len(d.steps) <= 25 for d in flows)
    assert any(step.decision for d in flows for step in d.steps)
    assert any(step.next for d in flows for step in d.steps)
    assert all(d.training and d.training.quiz for d in flows)
