"""The official YAML test suite as a conformance corpus for the loader and for `check`.

Every case must give either the data PyYAML reads from it or located problems: never an
exception, never an internal error. sopsite deliberately refuses some valid YAML (several
documents in one file, tags, anchors expanded past the bound, duplicate keys, a top level
that is not a mapping with `kind`); those cases must come back as located problems.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.load import LoadResult, load_text
from generator.problems import Severity
from tests.support import run_sopsite

SUITE = Path(__file__).resolve().parent / "corpus" / "yaml-test-suite"
CASES = sorted(path.parent for path in SUITE.rglob("in.yaml"))


def _name(case: Path) -> str:
    """``2XXW``, or ``SM9W-01`` for a sub-case."""
    return "-".join(case.relative_to(SUITE).parts)


def test_the_corpus_is_there() -> None:
    # Without it every parametrised test below would vanish and this file would pass.
    assert len(CASES) == 402, f"expected the 402 cases of the YAML test suite in {SUITE}"


class _TextKeys:
    """sopsite's one documented difference from PyYAML: a mapping key is the text written
    (``1:``, ``yes:``, ``~:`` are the keys '1', 'yes' and '~'), never a number or null."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep)  # type: ignore[attr-defined]
            if isinstance(key_node, yaml.ScalarNode) and not isinstance(key, str):
                key = key_node.value
            mapping[key] = self.construct_object(value_node, deep)  # type: ignore[attr-defined]
        return mapping


class _Reference(_TextKeys, yaml.SafeLoader):
    """PyYAML's own safe loader, pure Python: `yaml.safe_load`."""


class _LibyamlReference(_TextKeys, yaml.CSafeLoader):
    """PyYAML's safe loader on libyaml, the parser sopsite uses."""


def _read(text: str, loader: type[Any]) -> Any:
    return yaml.load(text, Loader=loader)  # both are safe loaders


def _same(ours: Any, theirs: Any) -> bool:
    """Equal values of equal types: ``True == 1`` and ``1 == 1.0`` in Python, not in YAML;
    and a NaN is the same NaN."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(_same(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(map(_same, ours, theirs))
    if isinstance(ours, float) and math.isnan(ours):
        return math.isnan(theirs)
    return bool(ours == theirs)


def _data(result: LoadResult) -> Any:
    data = [item.data for item in result.items]
    return data if result.items[0].source.in_list else data[0]


def _errors(result: LoadResult) -> list[str]:
    return [p.format() for p in result.problems if p.severity is Severity.ERROR]


def _verdict(case: Path) -> str:
    """What sopsite made of one case: `same` data as PyYAML, `same-as-libyaml` where only
    PyYAML's pure-Python scanner refuses it, or `problems`."""
    text = (case / "in.yaml").read_text(encoding="utf-8")
    result = load_text(text, "in.yml")  # an exception fails the test, as it should
    lines = text.splitlines() or [""]
    for problem in result.problems:
        assert problem.code not in ("INTERNAL001", "INTERNAL002"), problem.format()
        assert 1 <= problem.line <= len(lines) + 1, problem.format()
        assert problem.column >= 1, problem.format()
        assert "\n" not in problem.message, problem.format()
    if _errors(result):
        return "problems"
    assert result.items, "no items and no error"
    try:
        expected = _read(text, _Reference)
    except yaml.YAMLError:
        # PyYAML's Python scanner refuses tabs that YAML 1.2 and libyaml allow (6HB6,
        # DC7X, ...): the reading must then be libyaml's own.
        assert _same(_data(result), _read(text, _LibyamlReference)), _data(result)
        return "same-as-libyaml"
    assert _same(_data(result), expected), (_data(result), expected)
    return "same"


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_case_gives_pyyamls_data_or_located_problems(case: Path) -> None:
    _verdict(case)


def test_the_tally_of_the_whole_suite() -> None:
    """The counts, pinned: a change in what sopsite accepts shows here, in the diff."""
    verdicts = {_name(case): _verdict(case) for case in CASES}
    assert Counter(verdicts.values()) == {"same": 106, "same-as-libyaml": 8, "problems": 288}
    assert sorted(name for name, verdict in verdicts.items()
                  if verdict == "same-as-libyaml") == [
        "6HB6", "DC7X", "DK95-05", "J3BT", "NB6Z", "UV7Q", "WZ62", "X4QW"]


def _documents(case: Path) -> int:
    """How many documents libyaml reads in a case (0 when it cannot read them all)."""
    try:
        return len(list(yaml.compose_all((case / "in.yaml").read_text("utf-8"),
                                         Loader=yaml.CSafeLoader)))
    except yaml.YAMLError:
        return 0


def test_several_documents_in_one_file_are_one_located_problem() -> None:
    """A `---` stream is refused at its second document, as `yaml.safe_load` refuses it:
    a file is one document (its history is one document's history)."""
    many = [case for case in CASES if _documents(case) > 1]
    assert len(many) == 18
    for case in many:
        result = load_text((case / "in.yaml").read_text("utf-8"), "in.yml")
        assert [p.code for p in result.problems] == ["YAML001"], _name(case)
        assert result.problems[0].message.endswith(
            "expected a single document in the stream: but found another document")
        assert result.items == []


def test_check_of_the_whole_suite_as_a_folder(tmp_path: Path) -> None:
    """One `sopsite check` of every case as a `.yml` file (enough to parse in helper
    processes): exit 1 with located problems for every file, no internal error, and the
    loader's own problems for each file among them."""
    folder = tmp_path / "suite"
    folder.mkdir()
    for case in CASES:
        shutil.copyfile(case / "in.yaml", folder / f"{_name(case)}.yml")
    done = run_sopsite("check", "suite", "--format", "json", "--today", "2026-11-21",
                       cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "internal error" not in done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert {p["code"] for p in problems}.isdisjoint({"INTERNAL001", "INTERNAL002"})
    by_file = Counter(Path(p["path"]).stem for p in problems)
    # No case is a valid handbook item: each file has at least one problem of its own.
    assert set(by_file) == {_name(case) for case in CASES}
    assert all(p["line"] >= 1 and p["column"] >= 1 for p in problems)
    found = {(Path(p["path"]).stem, p["line"], p["column"], p["code"]) for p in problems}
    for case in CASES:
        result = load_text((case / "in.yaml").read_text("utf-8"), "in.yml")
        for problem in result.problems:
            assert (_name(case), problem.line, problem.column, problem.code) in found


def test_same_tells_types_apart() -> None:
    # A guard on `_same`: a date read as text (or the reverse) must count as different.
    assert not _same(dt.date(2001, 12, 14), "2001-12-14")
    assert not _same(True, 1)
    assert not _same(1, 1.0)
    assert _same(float("nan"), float("nan"))
