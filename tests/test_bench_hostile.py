"""benchmarks/hostile.py: each shape at a tiny size is valid YAML of the intended shape, its
ordinary counterpart has the same bytes, and the report formats rows (nothing is timed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks import hostile

TINY = 4


def load(files: dict[str, str]) -> Any:
    return yaml.safe_load(files[hostile.SOP_FILE])


def shape(name: str) -> hostile.Shape:
    return hostile.BY_NAME[name]


@pytest.mark.parametrize("name", list(hostile.BY_NAME))
def test_every_shape_is_an_sop_with_an_ordinary_twin_of_its_size(name: str) -> None:
    files = shape(name).make(TINY)
    doc = load(files)
    assert doc["kind"] == "sop"
    assert doc["id"] == "SOP-HOSTILE-001"
    twin = hostile.ordinary(shape(name), files)
    assert twin.keys() == files.keys()
    assert hostile.total_bytes(twin) == hostile.total_bytes(files)
    plain = load(twin)
    assert plain["kind"] == "sop"
    assert "[[" not in plain["purpose"]
    assert "```" not in plain["purpose"]


def test_markdown_shapes_put_their_text_in_purpose() -> None:
    assert load(hostile.brackets(TINY))["purpose"] == "[[[[\n"
    assert load(hostile.fences(TINY))["purpose"] == "```\n" * TINY
    assert load(hostile.blank_lines(TINY))["purpose"] == "<\n" + "\n" * TINY + "end\n"
    assert load(hostile.nested_quotes(TINY))["purpose"] == "> " * TINY + "deep\n"
    lines = load(hostile.nested_list(TINY))["purpose"].splitlines()
    assert lines == [f"{'    ' * i}- level {i + 1}" for i in range(TINY)]


def test_step_shapes() -> None:
    steps = load(hostile.missing_next(TINY))["steps"]
    assert [s["next"] for s in steps] == [f"missing-{i}" for i in range(TINY)]
    linear = load(hostile.linear_steps(TINY))["steps"]
    assert len(linear) == TINY
    assert linear[-1]["end"] is True
    files = hostile.lanes(TINY)
    roles = yaml.safe_load(files[hostile.ROLES_FILE])
    assert [r["id"] for r in roles] == [f"lane-{i}" for i in range(TINY)]
    doc = load(files)
    assert [s["actor"] for s in doc["steps"][:TINY]] == [f"lane-{i}" for i in range(TINY)]
    assert all("decision" in s for s in doc["steps"][:TINY])


def test_alias_shapes_are_aliases_of_one_anchor() -> None:
    text = hostile.alias_audits(TINY)[hostile.SOP_FILE]
    assert text.count("*big") == TINY
    audits = load({hostile.SOP_FILE: text})["controls"]["audits"]
    assert len(audits) == TINY + 1
    assert {len(a) for a in audits} == {10_000}
    text = hostile.alias_unknown_ref(TINY)[hostile.SOP_FILE]
    assert text.count("*ref") == TINY
    assert len(set(load({hostile.SOP_FILE: text})["terms"])) == 1


def test_prose_has_the_asked_length() -> None:
    for length in (1, 79, 80, 500, 10_001):
        text = hostile.prose(length)
        assert len(text) == length
        assert text.endswith("\n")


def figures(seconds: float | None, code: int | None, problem: str = "",
            status: str = "") -> dict[str, Any]:
    return {"seconds": seconds, "exit": code, "peak_mb": None if seconds is None else 40.0,
            "stdout_bytes": 120,
            "code": problem, "status": status or ("ok" if code == 0 else "failed")}


def size(n: int, check: dict[str, Any], build: dict[str, Any]) -> dict[str, Any]:
    plain = {"bytes": 100 * n, "check": figures(1.0, 0), "build": figures(2.0, 0)}
    return {"n": n, "hostile": {"bytes": 100 * n, "check": check, "build": build},
            "ordinary": plain}


def test_report_rows_and_verdicts() -> None:
    slow = hostile.Result("brackets", "`[`", "prose", {
        "n": size(5, figures(1.0, 0), figures(2.0, 0)),
        "4n": size(20, figures(1.5, 0), figures(None, None, status="timeout"))})
    refused = hostile.Result("missing-next", "steps", "prose", {
        "n": size(5, figures(1.0, 1, "FLOW001"), figures(1.2, 1)),
        "4n": size(20, figures(1.1, 1, "FLOW001"), figures(1.3, 1))})
    fine = hostile.Result("lanes", "lanes", "prose", {
        "n": size(5, figures(1.0, 0), figures(2.0, 0)),
        "4n": size(20, figures(1.1, 0), figures(2.4, 0))})
    broken = hostile.Result("nested-list", "list", "prose", {
        "n": size(5, figures(1.0, 0), figures(9.0, 3))})
    lines = hostile.render_rows([slow, refused, fine, broken])
    assert lines[0].startswith("| shape | size | bytes | check |")
    assert "| brackets | 4n = 20 | 2,000 | 1.50 s | 0 | 120 | timeout | — | 40 / — " in lines[3]
    assert lines[3].endswith(f"| 1.50{hostile.TIMES} / — |")
    assert "| 1 FLOW001 |" in lines[4]
    verdicts = {line.split(" | ")[0][2:]: line.split(" | ")[-1] for line in lines[-4:]}
    assert verdicts == {
        "brackets": "**no**: build times out at 4n |",
        "missing-next": "yes: refused (FLOW001) |",
        "lanes": "yes |",
        "nested-list": "**no**: build fails at n (exit 3) after check accepts the file |",
    }


def test_section_is_replaced_not_repeated(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nHand-written.\n", encoding="utf-8")
    first = f"{hostile.BEGIN}\n\n## Hostile shapes\n\nfirst\n\n{hostile.END}\n"
    hostile.write_section(page, first)
    hostile.write_section(page, first.replace("first", "second"))
    text = page.read_text(encoding="utf-8")
    assert text.count("## Hostile shapes") == 1
    assert "second" in text
    assert text.startswith("# Benchmarks\n\nHand-written.\n\n")
