"""Markdown shapes whose cost grows faster than their size: refused by a check, or made
harmless by the pre-pass in one pass over the text.

Hostile values are built here at the size that once took seconds to minutes; each test is
bounded by the output it expects, not by a clock.
"""

from __future__ import annotations

import markdown as python_markdown
import pytest

from generator.checks.markdown import MAX_NESTING, MAX_SHOWN_AS_WRITTEN
from generator.render.mdscan import MAX_BRACKET_DEPTH, nesting, shown_as_written
from generator.render.sanitise import Sanitiser
from generator.render.text import markdown, plain
from tests.support import Book

S = "hb/sop-it-001.yml"
EXTENSIONS = [  # as in mkdocs.yml, with superfences' Mermaid fence left out
    "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc",
    "pymdownx.details", "pymdownx.tasklist", "pymdownx.superfences",
]


def convert(text: str) -> str:
    return python_markdown.Markdown(extensions=EXTENSIONS).convert(text)


# --- fences and code spans ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "kept"), [
    ("```\n<b>\n```", "```\n<b>\n```"),
    ("~~~~ sh\n<b>\n~~~~~", "~~~~ sh\n<b>\n~~~~~"),  # a longer closer closes too
    ("````\n<b>\n```\n````", "````\n<b>\n```\n````"),  # a shorter one does not
    ("```\n<b>\n~~~\n```", "```\n<b>\n~~~\n```"),  # nor one of the other character
    ("```\n<b>", "```\n&lt;b>"),  # an opener that nothing closes is text
    ("a `<b>` c <", "a `<b>` c &lt;"),
    ("a ``x ` <b>`` <", "a ``x ` <b>`` &lt;"),  # a span ends at an equal backtick run
    ("a `` <b>` <", "a `` &lt;b>` &lt;"),  # and without one there is no span
])
def test_fences_and_code_spans_keep_their_text(text: str, kept: str) -> None:
    assert markdown(text) == kept


def test_fence_openers_without_a_closer_are_read_once() -> None:
    # Every opener once searched the rest of the text for its closer: 8,000 lines took 7 s.
    text = "```sh\n" * 48_000 + "<"
    assert markdown(text) == "```sh\n" * 48_000 + "&lt;"


def test_a_closer_far_below_many_openers_closes_the_first() -> None:
    text = "~~~\n" + "~~~ x\n" * 20_000 + "~~~\n<"
    assert markdown(text) == text[:-1] + "&lt;"


# --- link brackets -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "See [the form](https://example.org/form) and [![logo](logo.png)](https://example.org).",
    "- [ ] a task\n- [x] done",
    "Ask the [service desk] (see [glossary][desk]).",
    "`[` alone in code, and (a [b] c) in brackets.",
    "Escaped \\[ stays escaped.",
])
def test_ordinary_brackets_are_kept(text: str) -> None:
    assert markdown(text) == text


@pytest.mark.parametrize(("text", "shown"), [
    ("a [b", "a \\[b"),
    ("[a\nb]", "\\[a\nb]"),  # a link's text ends on its own line
    ("| [a | b] |", "| \\[a | b] |"),  # and in its own table cell
    ("[a](b", "[a]\\(b"),
    ("[a `]` b", "\\[a `]` b"),
    ("[[[[[a]]]]]", "[[[[\\[a\\]]]]]"),
])
def test_brackets_that_cannot_make_a_link_are_escaped(text: str, shown: str) -> None:
    assert MAX_BRACKET_DEPTH == 4
    assert markdown(text) == shown


@pytest.mark.parametrize("hostile", [
    "a " + "[" * 20_000,  # 16 KB of these took 86 s to build
    "[a " * 20_000,
    "[" * 10_000 + "]" * 10_000,
    "[\n" * 10_000,
    "[a](" * 5_000,
    "| a |\n| - |\n| " + "[" * 10_000 + " | " + "]" * 10_000 + " |",
])
def test_hostile_brackets_reach_python_markdown_escaped(hostile: str) -> None:
    prepared = str(markdown(hostile))
    # What is left as link syntax pairs up on one line, at most MAX_BRACKET_DEPTH deep.
    for line in prepared.split("\n"):
        depth = deepest = 0
        for at, char in enumerate(line):
            if at and line[at - 1] == "\\":
                continue
            if char == "[":
                depth += 1
                deepest = max(deepest, depth)
            elif char == "]" and depth:
                depth -= 1
        assert depth == 0
        assert deepest <= MAX_BRACKET_DEPTH
    html = convert(prepared)
    assert html.count("[") == hostile.count("[")
    assert "<a" not in html


# --- nesting --------------------------------------------------------------------------------


def nested_list(depth: int) -> str:
    return "".join("    " * level + "- item\n" for level in range(depth))


@pytest.mark.parametrize(("text", "found"), [
    (nested_list(3), (3, 3)),
    ("> > > quote", (3, 1)),
    ("- > 1. x", (3, 1)),
    ("- - - -", (0, 0)),  # a thematic break
    ("```\n" + "- " * 20 + "x\n```", (0, 0)),  # code
    ("        indented text", (0, 0)),
])
def test_nesting_counts_lists_and_quotes(text: str, found: tuple[int, int]) -> None:
    assert nesting(text) == found


def indented(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def test_nesting_at_the_budget_passes_and_converts(book: Book) -> None:
    text = nested_list(MAX_NESTING)
    book.edit("sop-it-001.yml", "purpose: Let users back in safely.\n",
              "purpose: |\n" + indented(text))
    assert book.lines() == []
    assert convert(str(markdown(text))).count("<ul>") == MAX_NESTING


@pytest.mark.parametrize(("text", "depth", "line"), [
    (nested_list(MAX_NESTING + 1), 9, 9),
    ("Intro\n\n" + "> " * 9 + "deep quote", 9, 3),
    ("- " * 520 + "x", 520, 1),  # Python-Markdown passes the recursion limit on this
    (nested_list(40), 40, 40),  # longer texts meet MODEL006's 20,000 characters first
])
def test_nesting_past_the_budget_is_refused(
    book: Book, text: str, depth: int, line: int
) -> None:
    book.edit("sop-it-001.yml", "purpose: Let users back in safely.\n",
              "purpose: |\n" + indented(text))
    assert book.lines() == [
        f"{S}:21:10: error [MARKDOWN001] expected lists and block quotes nested at most 8 "
        f"levels deep, found {depth} on line {line} of this text: Python-Markdown reads each "
        "level by calling itself again, and nesting this deep can stop the build; flatten it "
        "into fewer levels"
    ]


def test_nesting_is_checked_in_lists_of_text_too(book: Book) -> None:
    book.edit("sop-it-001.yml", "    actor: technician\n    duration: 5m\n",
              "    actor: technician\n    duration: 5m\n    checks:\n      - fine\n"
              '      - "' + "> " * 12 + 'x"\n')
    assert book.lines() == [
        f"{S}:35:9: error [MARKDOWN001] expected lists and block quotes nested at most 8 "
        "levels deep, found 12 on line 1 of this text: Python-Markdown reads each level by "
        "calling itself again, and nesting this deep can stop the build; flatten it into "
        "fewer levels"
    ]


# --- characters shown as written ------------------------------------------------------------


@pytest.mark.parametrize(("text", "count"), [
    ("Check [the form](https://example.org) & the log <daily>.", 2),
    ("a [b `[<&` {c}", 3),  # [ { } outside code; the span is as written
    ("```\n<&{}[\n```\n[", 1),
    ("[[[[[a]]]]] (", 2),  # the pair nested 5 deep; a ( after no ] is only text
])
def test_shown_as_written_counts_what_the_pre_pass_escapes(text: str, count: int) -> None:
    assert shown_as_written(text) == count


def message(found: int) -> str:
    return (f"{S}:21:10: error [MARKDOWN002] expected at most 1000 characters that Markdown "
            "must show as written (&, <, {, }, brackets that make no link) in one text, found "
            f"{found}: Python-Markdown rereads the rest of the paragraph for each one; put "
            "literal text in a fenced code block")


@pytest.mark.parametrize(("text", "found"), [
    # Under MODEL006's 20,000 characters of one text, which longer ones meet first.
    ("a " + "[" * 19_000, 19_000),
    ("[a](" * 4_900, 4_900),
    ("&" * 19_990, 19_990),
    ("x < y " * 1_001, 1_001),
])
def test_too_many_characters_shown_as_written_are_refused(
    book: Book, text: str, found: int
) -> None:
    book.edit("sop-it-001.yml", "purpose: Let users back in safely.\n",
              "purpose: |\n" + indented(text))
    assert book.lines() == [message(found)]


def test_the_budget_of_characters_shown_as_written_passes_and_converts(book: Book) -> None:
    # The budget counts outside code only: a fence may hold any number.
    text = "a < b & " * (MAX_SHOWN_AS_WRITTEN // 2) + "\n\n```\n" + "<&[" * 5_000 + "\n```"
    book.edit("sop-it-001.yml", "purpose: Let users back in safely.\n",
              "purpose: |\n" + indented(text))
    assert book.lines() == []
    html = convert(str(markdown(text)))
    assert html.count("&lt;") == MAX_SHOWN_AS_WRITTEN // 2 + 5_000


# --- sopsite's own patterns -------------------------------------------------------------------


def test_a_lone_angle_bracket_before_many_blank_lines_is_read_once() -> None:
    # A pattern that searched on from every `<` once made this shape quadratic.
    text = "<" + "\n" * 100_000 + "x"
    assert markdown(text) == "&lt;" + "\n" * 100_000 + "x"
    assert plain(text) == "&lt; x"
    cleaned = Sanitiser().clean(f"<p>{text}</p>")
    assert cleaned.html == "<p>&lt;" + "\n" * 100_000 + "x</p>"
