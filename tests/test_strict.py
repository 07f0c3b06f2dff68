"""`--strict` (and the plugin's `strict` option) makes warnings fail the run, and nothing
else: every finding keeps its own severity, in every output format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import TODAY_ARG, Book, run_cli
from tests.support.build import make_project, sopsite

S = "hb/sop-it-001.yml"
P = "hb/proc-it-rollout.yml"
REVIEW = ("review was due on 2026-10-01 (12 months after 2025-10-01); review it and bump the "
          "version or the effective date")
STATUS = ("'status': expected one of draft, in-review, effective, superseded, retired, "
          "imported; found "
          "text 'drafty'; did you mean 'draft'?")


def _overdue(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")


def _check(book: Book, *args: str) -> tuple[int, str, str]:
    result = run_cli("check", "hb", "--today", TODAY_ARG, *args, cwd=book.root.parent)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("strict", [False, True], ids=["plain", "strict"])
def test_text_keeps_the_warning_and_only_the_exit_code_changes(book: Book,
                                                               strict: bool) -> None:
    _overdue(book)
    code, out, err = _check(book, *(["--strict"] if strict else []))
    assert out == f"{S}:8:15: warning [REVIEW001] {REVIEW}\n"
    assert code == (1 if strict else 0)
    assert err == ("0 error(s), 1 warning(s); with --strict, warnings fail the run\n" if strict
                   else "0 error(s), 1 warning(s)\n")


def test_github_keeps_the_warning_under_strict(book: Book) -> None:
    _overdue(book)
    book.edit("proc-it-rollout.yml", "status: draft", "status: drafty")
    code, out, err = _check(book, "--strict", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        f"::error file={P},line=5,col=9,title=MODEL004::{STATUS}",
        f"::warning file={S},line=8,col=15,title=REVIEW001::{REVIEW}",
    ]
    assert err == ""


def test_json_keeps_the_warning_under_strict(book: Book) -> None:
    _overdue(book)
    code, out, _ = _check(book, "--strict", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert (report["strict"], report["passed"], report["counts"]) == (
        True, False, {"errors": 0, "warnings": 1, "failing": 1})
    assert report["problems"] == [{"path": S, "line": 8, "column": 15, "code": "REVIEW001",
                                   "severity": "warning", "message": REVIEW, "fails": True}]


def test_advice_does_not_fail_a_strict_run_and_the_summary_says_which_do(book: Book) -> None:
    _overdue(book)
    steps = "".join(f"  - id: s{i}\n    title: Step {i}\n    actor: technician\n"
                    for i in range(260))
    text = book.text("sop-it-001.yml")
    book.write("sop-it-001.yml", text[:text.index("steps:\n")] + "steps:\n" + steps)
    code, out, err = _check(book, "--strict")
    assert code == 1
    assert re.findall(r": (error|warning) \[(\w+)\]", out) == [
        ("warning", "REVIEW001"), ("warning", "FLOW004")]
    assert err == ("0 error(s), 2 warning(s); with --strict, 1 of the warnings fail the run "
                   "(the others are advice)\n")


def test_an_error_fails_with_or_without_strict(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "status: draft", "status: drafty")
    for args in ((), ("--strict",)):
        code, out, err = _check(book, *args)
        assert (code, out, err) == (1, f"{P}:5:9: error [MODEL004] {STATUS}\n",
                                    "1 error(s), 0 warning(s)\n")


@pytest.mark.slow
def test_the_plugins_strict_option_fails_the_build_naming_the_warning(
        book: Book, tmp_path: Path) -> None:
    _overdue(book)
    project = tmp_path / "project"
    config = make_project(project, book.root)
    text = config.read_text(encoding="utf-8").replace("      sops: sops\n",
                                                      "      sops: sops\n      strict: true\n")
    config.write_text(text, encoding="utf-8")
    result = sopsite("build", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "ERROR   -  sopsite: the handbook has warnings, and the sopsite plugin's option strict "
        "fails on them:", f"sops/sop-it-001.yml:8:15: warning [REVIEW001] {REVIEW}",
        "sopsite: build failed: Aborted with a BuildError!"]
    assert not (project / "site").exists()
