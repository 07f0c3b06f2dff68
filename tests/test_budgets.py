"""Bounded cost: no file, however written, makes a check or its output grow without limit.

Each hostile shape is generated here, at test time, so the repository stays small. The
tests count work (values expanded, suggestions computed, lines printed), never time.
"""

from __future__ import annotations

import pytest

from generator.load import load_text, parse
from generator.model import MAX_NAME, MAX_TEXT, validate
from generator.model.validate import MAX_SUGGESTED, validate_item
from generator.problems import MAX_PER_CODE, Problem, Severity, bounded, quote
from tests.support import Book

S = "hb/sop-it-001.yml"
ANCHOR = "x" * 10_000


def lines(problems: list[Problem]) -> list[str]:
    return [problem.format() for problem in problems]


# --- the expanded size of a file -----------------------------------------------------------


def aliased_role(uses: int) -> str:
    """A 10 KB description aliased ``uses`` times: a small file, a large page."""
    return ("kind: role\nid: r\nname: n\ndescription: &big " + ANCHOR + "\npermissions:\n"
            + "  - *big\n" * uses)


def test_aliases_that_multiply_a_text_are_refused_at_the_alias_that_crosses_the_budget() -> None:
    text = aliased_role(20_000)
    result = load_text(text, "f.yml")
    # Keys and values before the aliases: 10,038 characters; each alias adds 10,000, so the
    # 104th (line 5 + 104) is the first to take the text over 1,048,576.
    total = 10_038 + 20_000 * 10_000
    assert lines(result.problems) == [
        f"f.yml:109:5: error [YAML008] aliases expand the file's text to {total:,} "
        f"characters, more than the limit of 1,048,576 (the larger of 1,048,576 and 4 times "
        f"the file's {len(text):,} characters); this alias crosses it: repeat less text "
        "through aliases, or split the document"
    ]
    assert result.items == []


def test_aliases_within_the_budget_load() -> None:
    result = load_text(aliased_role(100), "f.yml")  # 1,010,038 characters expanded
    assert result.problems == []
    assert len(result.items[0].data["permissions"]) == 100


def test_an_aliased_list_counts_every_text_in_it_each_time() -> None:
    text = ("kind: role\nid: r\nname: n\nx: &list [" + ", ".join([ANCHOR[:1_000]] * 10)
            + "]\nlists:\n" + "  - *list\n" * 120)
    [problem] = load_text(text, "f.yml").problems
    # 10,000 characters a use: the 104th alias crosses, as above, on line 5 + 104.
    assert (problem.line, problem.column, problem.code) == (109, 5, "YAML008")
    assert f"to {10_022 + 120 * 10_000:,} characters" in problem.message


def test_a_big_file_may_expand_to_four_times_its_size() -> None:
    filler = "".join(f"f{i}: {'y' * 990}\n" for i in range(400))  # about 400 KB
    text = "kind: role\nid: r\nname: n\n" + filler + "d: &big " + ANCHOR + "\nl:\n"
    assert load_text(text + "  - *big\n" * 100, "f.yml").problems == []
    assert [p.code for p in load_text(text + "  - *big\n" * 130, "f.yml").problems] == [
        "YAML008"]


def test_only_a_file_that_may_reach_the_budget_is_parsed_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[str] = []
    measure = parse.expansion_overrun

    def counting(text: str, path: str) -> Problem | None:
        measured.append(path)
        return measure(text, path)

    monkeypatch.setattr(parse, "expansion_overrun", counting)
    assert load_text("kind: role\nid: r\nname: R&D *lead* & more\n", "prose.yml").problems == []
    assert load_text(aliased_role(3), "few.yml").problems == []  # anchors, little text
    many = "kind: role\nid: r\nname: n\npermissions: [" + "x, " * 30_000 + "]\n"
    assert load_text(many, "no-anchor.yml").problems == []  # many values, no anchor
    # 1,012,038 characters, within the budget; but 2,100 values of up to 40 characters
    # each might have taken it over: this file is measured exactly, and passes.
    assert load_text(aliased_role(100) + "  - x\n" * 2_000, "near.yml").problems == []
    assert measured == ["near.yml"]


# --- the length of one text value ----------------------------------------------------------


def model_problems(text: str) -> list[str]:
    result = load_text(text, "f.yml")
    assert result.problems == []
    _, problems = validate_item(result.items[0], in_list=False)
    return lines(problems)


def test_one_huge_text_value() -> None:
    assert model_problems(f"kind: role\nid: r\nname: n\ndescription: {'d' * 25_000}\n") == [
        f"f.yml:4:14: error [MODEL006] 'description': expected text of at most {MAX_TEXT:,} "
        "characters, found 25,000; split it: into several steps, substeps or items, or a "
        "document of its own that this one links to"
    ]
    assert model_problems(f"kind: role\nid: r\nname: n\ndescription: {'d' * MAX_TEXT}\n") == []


def test_one_huge_title(book: Book) -> None:
    book.edit("sop-it-001.yml", "title: Reset a password", f"title: {'t' * 250}")
    assert book.lines() == [
        f"{S}:3:8: error [MODEL006] 'title': expected text of at most {MAX_NAME} characters, "
        "found 250; shorten it, and say the rest in the text it heads"
    ]


def test_a_long_item_of_a_list_is_located_at_the_item() -> None:
    text = f"kind: role\nid: r\nname: n\npermissions:\n  - ok\n  - {'p' * 20_001}\n"
    assert model_problems(text) == [
        f"f.yml:6:5: error [MODEL006] expected text of at most {MAX_TEXT:,} characters, found "
        "20,001; split it: into several steps, substeps or items, or a document of its own "
        "that this one links to"
    ]


# --- what messages quote --------------------------------------------------------------------


def test_quote_keeps_a_short_prefix_and_says_how_long_the_value_is() -> None:
    assert quote("short") == "'short'"
    assert quote("y" * 60) == repr("y" * 60)
    assert quote("y" * 10_000) == f"'{'y' * 60}…' (10,000 characters)"


def test_an_unknown_10_kb_value_aliased_a_hundred_times_prints_short_lines(book: Book) -> None:
    book.edit("sop-it-001.yml", "terms: [retrospective]",
              f"terms: [&t {'t' * 10_000}, " + ", ".join(["*t"] * 102) + "]")
    problems = book.problems()
    unknown = [p for p in problems if p.code == "REF002"]
    assert len(unknown) == MAX_PER_CODE + 1  # 100, and a line for the other 3
    # Every alias's value is placed where its anchor is, so all share one position.
    assert {p.message for p in unknown} == {
        f"unknown term '{'t' * 60}…' (10,000 characters); valid terms: pre-mortem, retrospective",
        "and 3 more REF002 problem(s) in this file from here on, after the first 100; fix those "
        "and check again"}
    assert max(len(line) for line in lines(problems)) < 300
    assert sum(len(line) for line in lines(problems)) < 40_000


# --- did you mean, in bounded time -----------------------------------------------------------


def broken_flow(count: int) -> str:
    """An SOP of ``count`` steps, each leading to a step that does not exist."""
    steps = "".join(f"  - id: s{i}\n    title: Step {i}\n    actor: technician\n"
                    f"    next: gone-{i}\n" for i in range(count))
    return ("kind: sop\nid: SOP-IT-002\ntitle: Broken\nversion: \"1.0\"\nstatus: draft\n"
            "owner: it-director\neffective: 2026-03-01\nreview_every: 12\n"
            "purpose: p\nscope: s\nroles:\n  - role: technician\n    raci: responsible\n"
            "steps:\n" + steps)


def test_3000_unknown_step_ids_compute_a_bounded_number_of_suggestions(
        book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[str] = []
    compare = validate._close_match

    def counting(word: str, choices: list[str]) -> str | None:
        computed.append(word)
        return compare(word, choices)

    monkeypatch.setattr(validate, "_close_match", counting)
    book.write("broken.yml", broken_flow(3_000))
    problems = book.problems()
    assert len(computed) == MAX_SUGGESTED
    flow = [p.format() for p in problems if p.code == "FLOW001"]
    assert len(flow) == MAX_PER_CODE + 1
    valid = ", ".join(sorted(f"s{i}" for i in range(3_000))[:12])
    assert flow[0] == ("hb/broken.yml:18:11: error [FLOW001] next step of step 's0' leads to "
                       f"unknown step 'gone-0'; valid steps: {valid}, ...")
    assert flow[MAX_SUGGESTED] == (
        f"hb/broken.yml:{18 + 4 * MAX_SUGGESTED}:11: error [FLOW001] next step of step "
        f"'s{MAX_SUGGESTED}' leads to unknown step 'gone-{MAX_SUGGESTED}'; no suggestion: "
        f"more than {MAX_SUGGESTED} unknown steps in this file were compared already")
    assert flow[-1] == (
        f"hb/broken.yml:{18 + 4 * MAX_PER_CODE}:11: error [FLOW001] and 2,900 more FLOW001 "
        "problem(s) in this file from here on, after the first 100; fix those and check again")


def test_suggestions_for_a_word_asked_again_are_not_computed_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[str] = []
    monkeypatch.setattr(validate, "_close_match",
                        lambda word, choices: computed.append(word) or None)
    hints = validate.Suggestions(["approve", "review"], "steps", limit=2)
    assert hints.hint("aprove", "a.yml") == "valid steps: approve, review"
    assert hints.hint("aprove", "a.yml") == "valid steps: approve, review"
    hints.hint("x", "a.yml")
    assert hints.hint("y", "a.yml") == ("no suggestion: more than 2 unknown steps in this "
                                        "file were compared already")
    assert hints.hint("y", "b.yml") == "valid steps: approve, review"  # another file
    assert computed == ["aprove", "x", "y"]


# --- how many problems a file may print -------------------------------------------------------


def test_many_problems_of_one_code_end_in_one_line_for_the_rest() -> None:
    many = [Problem("a.yml", line, 3, "REF001", Severity.ERROR, f"unknown role 'r{line}'")
            for line in range(1, 251)]
    other = Problem("a.yml", 7, 1, "REF002", Severity.ERROR, "unknown term 't'")
    elsewhere = Problem("b.yml", 1, 1, "REF001", Severity.ERROR, "unknown role 'x'")
    kept = bounded([*reversed(many), other, elsewhere], limit=100)
    assert kept[:100] == sorted([*many[:99], other])[:100]
    assert [p.format() for p in kept if p.path == "a.yml"][-2:] == [
        "a.yml:100:3: error [REF001] unknown role 'r100'",
        "a.yml:101:3: error [REF001] and 150 more REF001 problem(s) in this file from here on, "
        "after the first 100; fix those and check again",
    ]
    assert len(kept) == 100 + 1 + 1 + 1
    assert kept[-1] == elsewhere
