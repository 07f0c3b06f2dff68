"""Hostile files next to good ones: each is one located problem, and hides nothing else.

Every test adds its files to a copy of the minimal handbook whose SOP names a role with a
typo, so each can show that the good files' own problems are still reported beside the
hostile file's, and that nothing ends in a traceback or an "internal error".
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

import generator.load.compose as compose_module
import generator.load.handbook as handbook_module
from generator.checks import RULES
from generator.load import load_file
from generator.pipeline import check_handbook, fails
from tests.support import TODAY, Book, run_sopsite

TYPO = "hb/sop-it-001.yml:6:8: error [REF001] unknown role 'it-directr'; did you mean " \
    "'it-director'?"
"""The good files' own problem, which no hostile file may hide."""

REPORT = ("this is a bug in sopsite, not in the file: please report it at the sopsite issue "
          "tracker (SOPSITE_DEBUG=1 shows where it failed)")

HOSTILE = {
    "top-tag.yml": "!x {kind: role, id: tagged, name: T}\n",
    "nested-tag.yml": "kind: role\nid: nested\nname: !x {a: 1}\n",
    "channel.yml": "kind: role\nid: ops\nname: Ops\ndescription: post in #ops-alerts\n"
                   "responsibilities:\n  - see issue #1234\n  - Keep the pager  # meant\n",
    "nul.yml": "kind: role\nid: nul\x00\n",
    "deep.yml": "kind: role\nid: deep\nname: " + "[" * 5000 + "]" * 5000 + "\n",
}
FOUND = {
    "top-tag.yml": ["hb/top-tag.yml:1:1: error [YAML001] the tag '!x' is not supported; "
                    "remove it"],
    "nested-tag.yml": ["hb/nested-tag.yml:3:7: error [YAML001] the tag '!x' is not "
                       "supported; remove it"],
    "channel.yml": [
        "hb/channel.yml:4:22: warning [YAML007] text after ' #' is a YAML comment and is "
        "dropped: '#ops-alerts'; quote the value to keep it (a comment meant as one is set off "
        "by two spaces and '# ')",
        "hb/channel.yml:6:15: warning [YAML007] text after ' #' is a YAML comment and is "
        "dropped: '#1234'; quote the value to keep it (a comment meant as one is set off by "
        "two spaces and '# ')",
    ],
    "nul.yml": ["hb/nul.yml:2:8: error [FILE002] expected a UTF-8 text file, found a binary "
                "file (NUL byte)"],
    "deep.yml": ["hb/deep.yml:3:134: error [YAML005] values nest more than 128 levels deep; "
                 "flatten the structure"],
}


@pytest.fixture
def typo(book: Book) -> Book:
    book.edit("sop-it-001.yml", "owner: it-director", "owner: it-directr")
    assert book.lines() == [TYPO]
    return book


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_located_and_hides_nothing(typo: Book, name: str) -> None:
    typo.write(name, HOSTILE[name])
    assert typo.lines() == sorted([TYPO, *FOUND[name]])


def test_dropped_text_fails_a_strict_check(typo: Book) -> None:
    typo.write("channel.yml", HOSTILE["channel.yml"])
    assert [p.format().split(" [")[0] for p in fails(typo.problems(), strict=True)] == [
        "hb/channel.yml:4:22: warning", "hb/channel.yml:6:15: warning",
        "hb/sop-it-001.yml:6:8: error"]


@pytest.mark.parametrize("fast", [True, False], ids=["libyaml-composer", "python-composer"])
def test_tagged_top_level_is_an_error_in_either_composer(
    typo: Book, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    if not fast:
        monkeypatch.setattr(compose_module, "_FastLoader", None)
    typo.write("top-tag.yml", "--- !x\nkind: role\n")
    typo.write("list-tag.yml", "- !x {kind: role}\n- kind: role\n  id: fine\n  name: Fine\n")
    assert typo.lines() == [
        "hb/list-tag.yml:1:3: error [YAML001] the tag '!x' is not supported; remove it",
        TYPO,
        "hb/top-tag.yml:1:5: error [YAML001] the tag '!x' is not supported; remove it",
    ]


def _raising_for(name: str, log: Path | None = None) -> Any:
    """`load_file`, failing as a bug would on the file called ``name``."""

    def load(file: Path, display: str) -> Any:
        if file.name == name:
            if log is not None:
                log.write_text(str(os.getpid()))
            raise TypeError("'NoneType' object is not iterable")
        return load_file(file, display)

    return load


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["this-process", "helper-process"])
def test_a_bug_while_loading_one_file_is_that_files_problem(
    typo: Book, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    typo.write("aaa-boom.yml", "kind: role\nid: boom\nname: Boom\n")  # first: a helper's
    log = tmp_path / "pid"
    monkeypatch.setattr(handbook_module, "load_file", _raising_for("aaa-boom.yml", log))
    monkeypatch.setenv("SOPSITE_JOBS", jobs)
    assert typo.lines() == [
        "hb/aaa-boom.yml:1:1: error [INTERNAL001] internal error while loading this file "
        f"(TypeError: 'NoneType' object is not iterable); {REPORT}",
        TYPO,
    ]
    assert (log.read_text() == str(os.getpid())) is (jobs == "1")


def test_a_bug_while_validating_one_item_is_that_items_problem(
    typo: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate = handbook_module.validate_item

    def validate_item(raw: Any, *, in_list: bool) -> Any:
        if raw.data.get("id") == "technician":
            raise KeyError("x" * 200)  # a long message, which may quote the file
        return validate(raw, in_list=in_list)

    monkeypatch.setattr(handbook_module, "validate_item", validate_item)
    # The role is not defined now, but not reported as unknown: its own problem says why.
    line = typo.text("roles.yml").splitlines().index("  id: technician")  # its "- kind"
    assert typo.lines() == [
        f"hb/roles.yml:{line}:3: error [INTERNAL001] internal error while validating this item "
        f"(KeyError: '{'x' * 56}...); {REPORT}",
        TYPO,
    ]


def test_a_review_due_past_the_calendar_is_no_crash(typo: Book) -> None:
    # It once was: the review date of a document effective in 9999 is past year 9999.
    typo.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 9999-12-01")
    assert typo.lines() == [TYPO]


def test_a_bug_in_a_rule_is_raised_with_sopsite_debug(
    typo: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(context: Any) -> Any:
        raise RuntimeError("rule bug")

    monkeypatch.setitem(RULES, "REVIEW001", dataclasses.replace(RULES["REVIEW001"],
                                                                check=broken))
    found = typo.lines()
    # Every item the rule ran on says so; every other rule still ran.
    assert found[0] == ("hb/glossary.yml:1:3: error [INTERNAL002] internal error while running "
                        f"rule REVIEW001 on this item (RuntimeError: rule bug); {REPORT}")
    handbook, _ = check_handbook(Path("hb"), today=TODAY)
    assert len(found) == len(handbook.entries) + 1
    assert found == sorted([TYPO, *(line for line in found if "[INTERNAL002]" in line)])
    monkeypatch.setenv("SOPSITE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="rule bug"):
        typo.lines()


def test_every_hostile_file_at_once_through_the_command(
    typo: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in HOSTILE.items():
        typo.write(name, text)
    expected = sorted([TYPO, *(line for lines in FOUND.values() for line in lines)])
    for jobs in ("1", "2"):  # the helper-process path too
        monkeypatch.setenv("SOPSITE_JOBS", jobs)
        done = run_sopsite("check", "hb", "--today", "2026-11-21", cwd=typo.root.parent)
        assert (done.returncode, done.stdout.splitlines()) == (1, expected), done.stderr
        assert done.stderr == "5 error(s), 2 warning(s)\n"
