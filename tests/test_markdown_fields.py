"""One Markdown type for prose: rendered alike in every place (table cells included),
lists of Markdown with one level of sub-items, problems that give the path inside a
value, and the mark in the JSON Schema and the field reference."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import markdown as python_markdown

from generator.model.schema import schema_for
from generator.pipeline import check_handbook
from generator.render.reference import fields_page
from generator.render.text import markdown_cell
from tests.support import TODAY, Book

S = "hb/sop-it-001.yml"
R = "hb/retro-it-001.yml"

SUBSTEPS = """\
    duration: 5m
    substeps:
      - Ask for the employee number:
          - read it back
          - compare it with the directory
      - "Never ask for the password"
      - Note: a manager may call on someone's behalf
    checks:
      - The caller is who they say:
          - the number matches
"""


def pages(book: Book) -> dict[str, str]:
    from generator.render.pages import generate

    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    return generate(handbook, today=TODAY).pages


def test_sub_items_render_as_a_nested_list(book: Book) -> None:
    book.edit("sop-it-001.yml", "    duration: 5m\n", SUBSTEPS)
    page = pages(book)["procedures/sop-it-001.md"]
    assert ("1. Ask for the employee number\n    - read it back\n    - compare it with the "
            "directory\n2. Never ask for the password\n3. Note: a manager may call on "
            "someone's behalf\n") in page
    assert ("    - The caller is who they say\n        - the number matches\n") in page
    html = python_markdown.markdown(page[page.index("1. Ask"):page.index("3. Note")])
    assert html.startswith("<ol>\n<li>Ask for the employee number<ul>\n<li>read it back</li>")


def _sub(book: Book, lines: str) -> list[str]:
    book.edit("sop-it-001.yml", "    duration: 5m\n", "    duration: 5m\n    substeps:\n" + lines)
    return book.lines()


def test_a_sub_item_that_is_not_text_names_its_place_in_the_value(book: Book) -> None:
    assert _sub(book, "      - Ask for the number:\n          - read it back\n          - 7\n") == [
        f"{S}:34:9: error [MODEL004] sub-item 2 under 'Ask for the number': expected text, "
        "found number 7; one level of sub-items is allowed, each a text"
    ]


def test_sub_items_nest_one_level_only(book: Book) -> None:
    assert _sub(book, "      - Ask:\n          - read it back:\n              - slowly\n") == [
        f"{S}:34:9: error [MODEL004] sub-item 1 under 'Ask': expected text, found a mapping "
        "(sub-items nest one level only); one level of sub-items is allowed, each a text"
    ]


def test_an_item_with_nothing_under_it(book: Book) -> None:
    assert _sub(book, "      - Ask for the number:\n") == [
        f"{S}:34:9: error [MODEL004] expected sub-items indented under 'Ask for the number' "
        "(lines starting with '- '), found nothing"
    ]


def test_an_item_of_two_keys(book: Book) -> None:
    assert _sub(book, "      - Ask: [a]\n        Tell: [b]\n") == [
        f"{S}:34:9: error [MODEL004] expected a text, or one text with its sub-items indented "
        "under it ('- Open the valve:' and '- turn it left' under it), found a mapping of 2 "
        "keys ('Ask', 'Tell'); put the text in quotes if it holds ': '"
    ]


def test_a_number_in_a_list_of_markdown_keeps_its_hint(book: Book) -> None:
    assert _sub(book, "      - 42\n") == [
        f"{S}:34:9: error [MODEL004] expected text, found number 42; put it in quotes, e.g. "
        'value: "42"'
    ]


def test_markdown_in_table_cells_renders_like_everywhere_else(book: Book) -> None:
    book.edit("retro-it-001.yml", "    description: Remind technicians to verify identity.",
              "    description: Remind `technicians` to *verify* a | b.")
    book.edit("sop-it-001.yml", "    summary: Verify identity before resetting.",
              "    summary: Verify identity with `whoami` before resetting.")
    made = pages(book)
    row = "| **remind-checks**: Remind `technicians` to *verify* a \\| b. |"
    assert row in made["actions.md"]
    assert row in made["retrospectives/retro-it-001.md"]
    assert "| 1.1 | 2026-02-15 | Verify identity with `whoami` before resetting. |" in (
        made["procedures/sop-it-001.md"])


def test_a_cell_keeps_pipes_in_code_and_html_as_written() -> None:
    assert markdown_cell("a | b `x|y`\n\n- one\n- <b>two</b>") == (
        "a \\| b `x|y` - one - &lt;b>two&lt;/b>")


def test_the_schema_marks_markdown_and_allows_sub_items() -> None:
    sop = schema_for("sop")
    step = sop["$defs"]["Step"]["properties"]
    assert step["instructions"]["contentMediaType"] == "text/markdown"
    assert "contentMediaType" not in step["title"]
    item = step["substeps"]["items"]
    assert [option["type"] for option in item["anyOf"]] == ["string", "object"]
    assert item["anyOf"][1]["additionalProperties"]["items"]["contentMediaType"] == (
        "text/markdown")
    assert sop["properties"]["purpose"]["contentMediaType"] == "text/markdown"
    committed = json.loads((Path(__file__).parents[1] / "schemas" / "sop.schema.json")
                           .read_text("utf-8"))
    assert committed == sop


def test_the_field_reference_says_markdown_or_plain_text() -> None:
    page = fields_page()
    markdown_type = "[Markdown](#markdown-and-plain-text)"
    assert f"| `purpose` | {markdown_type} | yes |" in page
    assert f"| `substeps` | list of {markdown_type} | no |" in page
    assert f"| `description` | {markdown_type} | yes | What is to be done. |" in page
    assert "| `title` | plain text, at most 200 characters | yes |" in page
    assert "| `label` | plain text | yes |" in page
    assert "## Markdown and plain text {#markdown-and-plain-text}" in page


def test_immediate_actions_take_sub_items(book: Book) -> None:
    book.edit("sop-it-001.yml", "\nsteps:\n", "\nimmediate_actions:\n"
              "  - Call the service desk:\n      - from a desk phone, 1234\n"
              "      - from any other phone, +358 9 1234\n"
              "  - Keep the `door` shut\n\nsteps:\n")
    page = pages(book)["procedures/sop-it-001.md"]
    assert ("    1. Call the service desk\n        - from a desk phone, 1234\n"
            "        - from any other phone, +358 9 1234\n    2. Keep the `door` shut\n") in page
    html = python_markdown.markdown(
        textwrap.dedent(page[page.index("    1. Call"):page.index("shut") + 5]))
    assert html.startswith("<ol>\n<li>Call the service desk<ul>\n<li>from a desk phone")
