"""The loader: what it refuses, exactly where, and the positions it records for the rest."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import MAX_FILE_BYTES, MAX_NODES, LoadResult, compose, load_file, load_text
from generator.problems import quote


def lines(result: LoadResult) -> list[str]:
    return [problem.format() for problem in result.problems]


def load_bytes(tmp_path: Path, raw: bytes, name: str = "f.yml") -> LoadResult:
    path = tmp_path / name
    path.write_bytes(raw)
    return load_file(path, name)


# --- duplicate keys ----------------------------------------------------------------


def test_duplicate_key_names_the_first_place() -> None:
    result = load_text("kind: role\nid: a\nname: A\nid: b\n", "f.yml")
    assert lines(result) == [
        "f.yml:4:1: error [YAML002] duplicate key 'id': first defined at line 2, column 1; "
        "YAML keeps only the last one"
    ]
    # The first value is kept, so later stages see what the author wrote first.
    assert result.items[0].data == {"kind": "role", "id": "a", "name": "A"}


def test_duplicate_key_in_a_nested_mapping() -> None:
    text = "kind: sop\nsteps:\n  - id: a\n    title: T\n    title: U\n"
    assert lines(load_text(text, "f.yml")) == [
        "f.yml:5:5: error [YAML002] duplicate key 'title': first defined at line 4, column 5; "
        "YAML keeps only the last one"
    ]


def test_duplicate_key_written_quoted_and_plain() -> None:
    result = load_text('kind: role\n"id": a\nid: b\n', "f.yml")
    assert lines(result) == [
        "f.yml:3:1: error [YAML002] duplicate key 'id': first defined at line 2, column 1; "
        "YAML keeps only the last one"
    ]


def test_distinct_keys_are_not_duplicates() -> None:
    assert load_text("kind: role\nid: a\nname: A\n", "f.yml").problems == []


# --- encodings and bytes -------------------------------------------------------------


def test_non_utf8_byte_is_located(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"kind: role\nid: latin\nname: Jos\xe9\n")
    assert lines(result) == [
        "f.yml:3:10: error [FILE003] expected UTF-8 text, found byte 0xe9 that is not valid "
        "UTF-8; save the file as UTF-8"
    ]
    assert result.items == []


def test_non_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    # "name: éé " is 9 characters but 11 bytes; the bad byte is the 10th character.
    result = load_bytes(tmp_path, "name: éé ".encode() + b"\xff\n")
    assert lines(result) == [
        "f.yml:1:10: error [FILE003] expected UTF-8 text, found byte 0xff that is not valid "
        "UTF-8; save the file as UTF-8"
    ]


def test_non_utf8_after_crlf_lines(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"kind: role\r\nid: x\r\nname: \x93x\x94\r\n")
    assert lines(result) == [
        "f.yml:3:7: error [FILE003] expected UTF-8 text, found byte 0x93 that is not valid "
        "UTF-8; save the file as UTF-8"
    ]


def test_non_utf8_after_lone_cr_lines(tmp_path: Path) -> None:
    # YAML (and the loader's own positions) treat a lone CR as a line break; so must FILE003.
    result = load_bytes(tmp_path, b"kind: role\rid: x\rname: \xe9\r")
    assert lines(result) == [
        "f.yml:3:7: error [FILE003] expected UTF-8 text, found byte 0xe9 that is not valid "
        "UTF-8; save the file as UTF-8"
    ]


def test_non_utf8_after_a_bom_names_the_bad_byte(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"\xef\xbb\xbfkind: role\nid: bom\nname: Jos\xe9\n")
    assert lines(result) == [
        "f.yml:3:10: error [FILE003] expected UTF-8 text, found byte 0xe9 that is not valid "
        "UTF-8; save the file as UTF-8"
    ]


def test_encoded_surrogate_is_not_utf8(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"kind: role\nid: \xed\xa0\x80\n")
    assert lines(result) == [
        "f.yml:2:5: error [FILE003] expected UTF-8 text, found byte 0xed that is not valid "
        "UTF-8; save the file as UTF-8"
    ]


def test_binary_file_is_refused_at_the_nul_byte(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"kind: role\nid: a\x00b\n")
    assert lines(result) == [
        "f.yml:2:6: error [FILE002] expected a UTF-8 text file, found a binary file (NUL byte)"
    ]


def test_nul_byte_wins_over_bad_utf8(tmp_path: Path) -> None:
    assert [p.code for p in load_bytes(tmp_path, b"\xff\x00").problems] == ["FILE002"]


def test_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"\xef\xbb\xbfkind: role\nid: bom\nname: Bom\n")
    assert result.problems == []
    [item] = result.items
    assert item.data == {"kind": "role", "id": "bom", "name": "Bom"}
    assert item.source.keys[("kind",)] == (1, 1)
    assert item.source.values[("kind",)] == (1, 7)


def test_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    result = load_bytes(tmp_path, b"#" * (MAX_FILE_BYTES + 1))
    assert lines(result) == [
        "f.yml:1:1: error [FILE001] file is 1,048,577 bytes, more than the limit of 1,048,576; "
        "split the procedure into smaller documents"
    ]


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    raw = b"#" * (MAX_FILE_BYTES - 1) + b"\n"
    assert len(raw) == MAX_FILE_BYTES
    # Read and parsed: it is only comments, so it is empty rather than too large.
    assert [p.code for p in load_bytes(tmp_path, raw).problems] == ["FILE004"]


def test_unreadable_file(tmp_path: Path) -> None:
    link = tmp_path / "dangling.yml"
    link.symlink_to(tmp_path / "missing.yml")
    assert lines(load_file(link, "dangling.yml")) == [
        "dangling.yml:1:1: error [FILE005] cannot read file: No such file or directory"
    ]


# --- empty and wrongly shaped files ------------------------------------------------------

EMPTY = ("f.yml:1:1: error [FILE004] file is empty; expected a mapping with 'kind' (or a list "
         "of them)")


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "   \n", "# only a comment\n# and another\n", "---\n", "--- # nothing\n...\n"],
    ids=["empty", "newlines", "spaces", "comments", "document-start", "explicit-end"],
)
def test_empty_file(text: str) -> None:
    result = load_text(text, "f.yml")
    assert lines(result) == [EMPTY]
    assert result.items == []


def test_empty_list_is_an_empty_file() -> None:
    # An empty list holds no item at all: like an empty file, it must not pass silently.
    result = load_text("[]\n", "f.yml")
    assert [(p.line, p.column, p.code) for p in result.problems] == [(1, 1, "FILE004")]


def test_top_level_scalar() -> None:
    assert lines(load_text("\n\n  hello\n", "f.yml")) == [
        "f.yml:3:3: error [YAML003] expected a mapping with 'kind' (or a list of them) at the "
        "top level, found a scalar 'hello'"
    ]


def test_list_items_that_are_not_mappings() -> None:
    result = load_text("- kind: role\n  id: a\n  name: A\n- just text\n- [1, 2]\n-\n", "f.yml")
    assert lines(result) == [
        "f.yml:4:3: error [YAML003] expected each list item to be a mapping with 'kind', "
        "found text 'just text'",
        "f.yml:5:3: error [YAML003] expected each list item to be a mapping with 'kind', "
        "found a list of 2 item(s)",
        "f.yml:6:2: error [YAML003] expected each list item to be a mapping with 'kind', "
        "found nothing (null)",
    ]
    # The good item still loads, so its own problems are reported in the same run.
    assert [item.data["id"] for item in result.items] == ["a"]


# --- aliases, merges, tags -----------------------------------------------------------------

BOMB = (
    "kind: role\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
)


def test_billion_laughs_is_bounded() -> None:
    result = load_text(BOMB, "f.yml")
    # The bound trips while expanding `f`, inside a copy of the list anchored on line 2.
    assert lines(result) == [
        "f.yml:2:8: error [YAML005] aliases expand to more than 100,000 values (or refer to "
        "themselves); write the content out instead"
    ]
    assert result.items == []


def test_aliases_within_the_bound_are_expanded() -> None:
    result = load_text("kind: role\nid: &x shared\nname: *x\n", "f.yml")
    assert result.problems == []
    assert result.items[0].data == {"kind": "role", "id": "shared", "name": "shared"}


def test_self_referencing_sequence() -> None:
    assert lines(load_text("&a [*a]\n", "f.yml")) == [
        "f.yml:1:1: error [YAML005] aliases expand to more than 100,000 values (or refer to "
        "themselves); write the content out instead"
    ]


def test_self_referencing_mapping() -> None:
    result = load_text("kind: role\nid: loop\nname: &me\n  again: *me\n", "f.yml")
    assert lines(result) == [
        "f.yml:3:7: error [YAML005] aliases expand to more than 100,000 values (or refer to "
        "themselves); write the content out instead"
    ]


def test_many_values_without_aliases_are_not_blamed_on_aliases() -> None:
    text = "kind: role\npermissions: [" + "x, " * (MAX_NODES + 10) + "]\n"
    [problem] = load_text(text, "f.yml").problems
    assert (problem.line, problem.code) == (2, "YAML005")
    # The file has no alias at all: a message about aliases sends the author looking for one.
    assert "alias" not in problem.message
    assert "100,000" in problem.message


def test_merge_key_is_refused_and_not_applied() -> None:
    result = load_text("kind: role\nid: m\nname: M\n<<: {description: hidden}\n", "f.yml")
    assert lines(result) == [
        "f.yml:4:1: error [YAML004] merge keys ('<<') are not supported; write the keys out so "
        "reviewers see them in the diff"
    ]
    assert result.items[0].data == {"kind": "role", "id": "m", "name": "M"}


def test_merge_key_with_alias_is_refused() -> None:
    text = "defaults: &d {name: D}\nkind: role\nid: m\n<<: *d\n"
    assert [(p.line, p.column, p.code) for p in load_text(text, "f.yml").problems] == [
        (4, 1, "YAML004")
    ]


def test_python_tag_on_a_scalar_is_refused() -> None:
    result = load_text("kind: role\nid: !!python/object/apply:os.system 'echo pwned'\n", "f.yml")
    assert lines(result) == [
        "f.yml:2:5: error [YAML001] the tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not supported; remove it"
    ]
    # The tag is never applied: the value stays the text the author wrote.
    assert result.items[0].data["id"] == "echo pwned"


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object/apply:os.system ['echo pwned']",
         "tag:yaml.org,2002:python/object/apply:os.system"),
        ("!!python/object:os.system {cmd: x}", "tag:yaml.org,2002:python/object:os.system"),
        ("!include {file: other.yml}", "!include"),
    ],
    ids=["apply-on-list", "object-on-mapping", "custom-on-mapping"],
)
def test_tag_on_a_collection_is_refused(value: str, tag: str) -> None:
    # A tag SafeLoader cannot construct must be refused wherever it sits, not silently dropped.
    result = load_text(f"kind: role\nid: t\nname: T\npermissions: {value}\n", "f.yml")
    assert [(p.line, p.column, p.code) for p in result.problems] == [(4, 14, "YAML001")]
    assert tag in result.problems[0].message


def test_custom_tag_on_a_scalar_is_refused() -> None:
    assert lines(load_text("kind: role\nname: !include names.yml\n", "f.yml")) == [
        "f.yml:2:7: error [YAML001] the tag '!include' is not supported; remove it"
    ]


def test_undefined_alias() -> None:
    assert lines(load_text("kind: role\nname: *nowhere\n", "f.yml")) == [
        "f.yml:2:7: error [YAML001] invalid YAML: found undefined alias 'nowhere'"
    ]


def test_collection_as_a_key() -> None:
    result = load_text("kind: role\n? [a, b]\n: c\n", "f.yml")
    assert lines(result) == ["f.yml:2:3: error [YAML001] expected a plain text key, found a list"]
    assert result.items[0].data == {"kind": "role"}


# --- syntax ----------------------------------------------------------------------------


def test_unclosed_flow_sequence() -> None:
    assert lines(load_text("kind: sop\nid: [a, b\ntitle: x\n", "f.yml")) == [
        "f.yml:3:6: error [YAML001] invalid YAML: while parsing a flow sequence: did not find "
        "expected ',' or ']'"
    ]


def test_tab_indentation() -> None:
    assert lines(load_text("kind: role\nid: a\n\tname: b\n", "f.yml")) == [
        "f.yml:3:1: error [YAML001] invalid YAML: while scanning a plain scalar: found a tab "
        "character that violates indentation"
    ]


def test_two_documents_in_one_file() -> None:
    assert lines(load_text("kind: role\n---\nkind: term\n", "f.yml")) == [
        "f.yml:2:1: error [YAML001] invalid YAML: expected a single document in the stream: "
        "but found another document"
    ]


def test_mapping_value_in_the_wrong_place() -> None:
    assert lines(load_text("kind: role\nid: a\n  name: b\n", "f.yml")) == [
        "f.yml:3:7: error [YAML001] invalid YAML: mapping values are not allowed in this context"
    ]


def test_syntax_error_column_counts_characters() -> None:
    assert [(p.line, p.column) for p in load_text('id: "😀" x\n', "f.yml").problems] == [(1, 9)]


@pytest.mark.parametrize(
    ("char", "column"),
    [("\x07", 11), ("\x1b", 11), ("\x7f", 11), ("\ufffe", 11)],
    ids=["bell", "escape", "delete", "non-character"],
)
def test_control_character_is_located_on_one_line(char: str, column: int) -> None:
    result = load_text(f"kind: role\nid: ctrl\nname: ring{char}ring\n", "f.yml")
    [problem] = result.problems
    assert (problem.line, problem.column, problem.code) == (3, column, "YAML001")
    # One problem, one line: the format `path:line:col: ...` must not be split.
    assert "\n" not in problem.message
    assert "control characters are not allowed" in problem.message


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    depth = 1_000
    text = "kind: role\nid: " + "[" * depth + "]" * depth + "\n"
    result = load_text(text, "f.yml")
    assert [(p.line, p.code) for p in result.problems] == [(2, "YAML005")]
    assert result.items == []


def test_moderate_nesting_loads() -> None:
    depth = 100
    result = load_text("kind: role\nid: " + "[" * depth + "]" * depth + "\n", "f.yml")
    assert result.problems == []


@pytest.mark.parametrize(
    ("text", "position"),
    [
        # Closing brackets in quotes once made a bracket count say "shallow": libyaml's
        # composer then recursed 20,000 deep (and crashed the process at 100,000).
        ('[ "]", ' * 20_000, (1, 892)),
        # Lines broken by CR alone, which YAML accepts, once hid deep indentation.
        ("a:\r" + "".join(" " * depth + "a:\r" for depth in range(1, 1_300)), (128, 128)),
        ("a:\u2028" + "".join(" " * depth + "a:\u2028" for depth in range(1, 1_300)),
         (128, 128)),
    ],
    ids=["quoted-brackets", "cr-breaks", "unicode-breaks"],
)
def test_deep_nesting_the_cheap_scan_cannot_see(text: str, position: tuple[int, int]) -> None:
    assert not compose._shallow(text)
    [problem] = load_text(text, "f.yml").problems
    assert (problem.line, problem.column, problem.code) == (*position, "YAML005")


def test_many_flow_collections_that_nest_little_take_the_fast_composer() -> None:
    steps = "".join(f"  - id: s{i}\n    roles: [a, b]\n    tags: {{x: [1]}}\n"
                    for i in range(100))
    text = "kind: sop\nsteps:\n" + steps
    assert text.count("[") > compose.MAX_DEPTH
    assert compose._shallow(text)
    assert load_text(text, "f.yml").problems == []


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-02-30", "day is out of range for month"),
        ("2026-13-01", "month must be in 1..12"),
        ("2025-02-29", "day is out of range for month"),
    ],
)
def test_impossible_date(value: str, reason: str) -> None:
    result = load_text(f"kind: sop\neffective: {value}\n", "f.yml")
    assert lines(result) == [
        f"f.yml:2:12: error [YAML006] expected a valid date as YYYY-MM-DD, found '{value}' "
        f"({reason})"
    ]


def test_leap_day_is_a_date() -> None:
    result = load_text("kind: sop\neffective: 2028-02-29\n", "f.yml")
    assert result.problems == []
    assert result.items[0].data["effective"] == dt.date(2028, 2, 29)


def test_quoted_impossible_date_is_text_for_the_loader() -> None:
    result = load_text('kind: sop\neffective: "2026-02-30"\n', "f.yml")
    assert result.problems == []
    assert result.items[0].data["effective"] == "2026-02-30"


def test_impossible_date_as_a_key_is_a_problem_not_a_crash() -> None:
    result = load_text("kind: role\nid: k\n2026-02-30: x\n", "f.yml")
    assert [(p.line, p.column, p.code) for p in result.problems] == [(3, 1, "YAML006")]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("kind: role\nid: !!timestamp not-a-time\n", (2, 5)),
        ("kind: role\nid: !!bool maybe\n", (2, 5)),
        ("kind: role\nid: !!int abc\n", (2, 5)),
        ("kind: role\nid: !!float abc\n", (2, 5)),
        ("kind: role\n!!float id: x\n", (2, 1)),
        ("kind: role\n!!int id: x\n", (2, 1)),
    ],
    ids=["timestamp", "bool", "int", "float", "float-key", "int-key"],
)
def test_tagged_scalar_that_cannot_be_built(text: str, position: tuple[int, int]) -> None:
    # An explicit tag whose value does not fit is invalid YAML at the tag, not a bad date.
    [problem] = load_text(text, "f.yml").problems
    assert (problem.line, problem.column, problem.code) == (*position, "YAML001")
    assert "date" not in problem.message


# --- the source map -------------------------------------------------------------------------

NESTED = """\
kind: sop
id: SOP-X
steps:
  - id: first
    decision:
      question: Go?
      branches:
        - label: "yes"
          next: second
        - {label: "no", next: first}
  - id: second
    title: >-
      Folded
      title
"""


def test_positions_of_nested_values() -> None:
    [item] = load_text(NESTED, "f.yml").items
    values = item.source.values
    assert values[()] == (1, 1)
    assert values[("id",)] == (2, 5)
    assert values[("steps",)] == (4, 3)
    assert values[("steps", 0)] == (4, 5)
    assert values[("steps", 0, "id")] == (4, 9)
    assert values[("steps", 0, "decision")] == (6, 7)
    assert values[("steps", 0, "decision", "branches")] == (8, 9)
    assert values[("steps", 0, "decision", "branches", 0, "label")] == (8, 18)
    assert values[("steps", 0, "decision", "branches", 0, "next")] == (9, 17)
    assert values[("steps", 0, "decision", "branches", 1)] == (10, 11)
    assert values[("steps", 0, "decision", "branches", 1, "label")] == (10, 19)
    assert values[("steps", 0, "decision", "branches", 1, "next")] == (10, 31)
    assert values[("steps", 1, "title")] == (12, 12)
    assert item.data["steps"][1]["title"] == "Folded title"


def test_positions_of_nested_keys() -> None:
    [item] = load_text(NESTED, "f.yml").items
    keys = item.source.keys
    assert keys[("kind",)] == (1, 1)
    assert keys[("steps",)] == (3, 1)
    assert keys[("steps", 0, "id")] == (4, 5)
    assert keys[("steps", 0, "decision")] == (5, 5)
    assert keys[("steps", 0, "decision", "branches")] == (7, 7)
    assert keys[("steps", 0, "decision", "branches", 0, "next")] == (9, 11)
    assert keys[("steps", 0, "decision", "branches", 1, "next")] == (10, 25)
    assert keys[("steps", 1, "title")] == (12, 5)
    # Only mapping keys are recorded as keys; list indices are not keys.
    assert ("steps", 0) not in keys


def test_position_falls_back_to_the_nearest_ancestor() -> None:
    [item] = load_text(NESTED, "f.yml").items
    source = item.source
    assert source.position(("steps", 1, "actor")) == (11, 5)
    assert source.position(("steps", 0, "decision", "branches", 5, "label")) == (8, 9)
    assert source.position(("nowhere", "at", "all")) == (1, 1)
    assert source.position(("steps", 0, "id"), key=True) == (4, 5)
    # A key that is not recorded falls back to the nearest enclosing *value*.
    assert source.position(("steps", 0, "title"), key=True) == (4, 5)


def test_positions_of_list_items_are_per_item() -> None:
    text = "- kind: role\n  id: a\n  name: A\n- kind: term\n  id: b\n  term: B\n"
    first, second = load_text(text, "f.yml").items
    assert first.source.in_list
    assert second.source.in_list
    assert first.source.values[()] == (1, 3)
    assert second.source.values[()] == (4, 3)
    assert second.source.values[("id",)] == (5, 7)
    assert second.source.keys[("term",)] == (6, 3)
    assert ("id",) in first.source.values
    assert first.source.values[("id",)] == (2, 7)


def test_single_mapping_is_not_in_a_list() -> None:
    [item] = load_text("kind: role\nid: a\n", "f.yml").items
    assert not item.source.in_list


def test_positions_with_crlf_and_lone_cr() -> None:
    for text in ("kind: role\r\nid: a\r\nname: A\r\n", "kind: role\rid: a\rname: A\r"):
        [item] = load_text(text, "f.yml").items
        assert item.source.values[("name",)] == (3, 7)
        assert item.data == {"kind": "role", "id": "a", "name": "A"}


def test_positions_after_wide_characters() -> None:
    [item] = load_text("name: 😀😀\nid: x\nterm: é\n", "f.yml").items
    assert item.source.values[("id",)] == (2, 5)
    assert item.source.keys[("term",)] == (3, 1)


def test_problem_path_is_the_display_path(tmp_path: Path) -> None:
    (tmp_path / "real.yml").write_text("kind: role\nid: a\nid: b\n", encoding="utf-8")
    [problem] = load_file(tmp_path / "real.yml", "shown/as.yml").problems
    assert problem.path == "shown/as.yml"


# --- any bytes at all ------------------------------------------------------------------------

YAMLISH = st.lists(
    st.sampled_from(["kind: role\n", "id: x\n", "- ", "  ", "[", "]", "{", "}", ": ", ", ",
                     "&a ", "*a ", "!!str ", "<<: ", "? ", "'", '"', "#", "\t", "\r", "\n",
                     "é", "\x07", "2026-02-30", "yes", "---\n",
                     # typed values and keys: YAML 1.1 reads these as numbers, booleans, null
                     "1", "0x1F", "1_000", "1.5", ".inf", "-3", "~", "null", "No", "on",
                     "2026-01-02", "12:30", "1: ", "yes: ", "~: ", "! ", "!!int "]),
    max_size=40,
).map(lambda parts: "".join(parts).encode())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(st.binary(max_size=200), YAMLISH))
def test_any_bytes_give_items_or_located_one_line_problems(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.yml"
        path.write_bytes(raw)
        result = load_file(path, "f.yml")
    assert result.items or result.problems
    for problem in result.problems:
        assert problem.line >= 1
        assert problem.column >= 1
        assert "\n" not in problem.message


def test_positions_of_a_clean_file_are_worked_out_only_when_asked(tmp_path: Path) -> None:
    """A clean file keeps its text, not a position per value; a problem file keeps both."""
    clean = load_bytes(tmp_path, b"kind: role\nid: lead\nname: Lead\n")
    [item] = clean.items
    assert "_tables" not in item.source.__dict__
    assert item.source.position(("name",)) == (3, 7)
    assert item.source.keys[("id",)] == (2, 1)
    dated = load_bytes(tmp_path, b"kind: role\nid: lead\nname: Lead\nsince: 2024-13-45\n")
    [item] = dated.items
    assert "_tables" in item.source.__dict__  # the loader needed them for its own report
    assert item.source.reported == frozenset({("since",)})
    assert item.source.values[("since",)] == (4, 8)


# --- the same data as PyYAML -----------------------------------------------------------------
# sopsite composes with libyaml and resolves tags itself (`_CLoader`), or composes in Python
# for deeply indented files. Either way, a file it accepts must mean what PyYAML's own
# pure-Python SafeLoader says it means: YAML 1.1 types included (`yes`, `0x1F`, dates).
# (Times outside ISO 8601's extended form, which YAML 1.1 also reads, are refused:
# tests/test_dates.py.)

TYPED = """\
plain_bools: [yes, No, ON, off, true, FALSE, y, n]
quoted_bools: ['yes', "No", 'ON', "off", 'true']
nulls: [~, null, Null, NULL, '', "~", 'null']
empty:
ints: [0x1F, 0o17, 017, 1_000, 190:20:30, -12, +12, 0b101, '12', !!str 12, ! 12]
floats: [1.5, .inf, -.Inf, 6.8523015e+5, 685.230_15e+03, 1e3, '1.5']
dates: [2026-01-02, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10Z, "2026-01-02"]
tagged: [! 2026-01-02, !!str 2026-01-02, !!int "7", !!bool "yes", !!float '2']
blocks:
  literal: |-
    yes
  folded: >-
    2026-01-02
  kept: |
    1.5
flow: {a: yes, b: 'no', c: [1, '2', 3.0], d: {e: ~}}
text: [Ok, Yes please, 12 steps, -x, .hidden, <, "=", '<<', 2026-1-2, 1:2:3:4]
"""


def _reference(text: str) -> object:
    return yaml.load(text, Loader=yaml.SafeLoader)  # the pure-Python reference


def _loaded(text: str) -> object:
    result = load_text(text, "f.yml")
    assert result.problems == []
    data = [item.data for item in result.items]
    return data if result.items[0].source.in_list else data[0]


@pytest.fixture(params=["libyaml", "python"])
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs once per composer: libyaml's, and the bounded one in Python."""
    if request.param == "python":
        monkeypatch.setattr(compose, "_FastLoader", None)
    else:
        assert compose._FastLoader is not None, "PyYAML here was built without libyaml"
    return str(request.param)


def test_implicit_and_explicit_types_are_pyyamls(composer: str) -> None:
    assert _loaded(TYPED) == _reference(TYPED)
    data = _loaded(TYPED)
    assert isinstance(data, dict)
    assert data["plain_bools"] == [True, False, True, False, True, False, "y", "n"]
    assert data["ints"][-3:] == ["12", "12", 12]  # a lone `!` leaves the type implicit
    assert data["dates"][0] == dt.date(2026, 1, 2)
    assert data["tagged"] == [dt.date(2026, 1, 2), "2026-01-02", 7, True, 2.0]
    assert data["blocks"] == {"literal": "yes", "folded": "2026-01-02", "kept": "1.5\n"}


def test_typed_keys_are_read_as_written(composer: str) -> None:
    text = "1: a\nyes: b\n~: c\n0x1F: d\n2026-01-02: e\n'2': f\n! 3: g\n!!str 4: h\n"
    assert _loaded(text) == {"1": "a", "yes": "b", "~": "c", "0x1F": "d", "2026-01-02": "e",
                             "2": "f", "3": "g", "4": "h"}


def test_example_and_synthetic_handbooks_load_as_pyyaml_reads_them(composer: str) -> None:
    from benchmarks.synth import Synth

    repo = Path(__file__).resolve().parents[1]
    texts = [file.read_text("utf-8") for file in sorted((repo / "sops").rglob("*.yml"))]
    with tempfile.TemporaryDirectory() as folder:
        Synth(40, 7).write(Path(folder))
        texts += [file.read_text("utf-8") for file in sorted(Path(folder).rglob("*.y*ml"))]
    assert len(texts) > 40
    for text in texts:
        assert _loaded(text) == _reference(text)


def _plain_keys(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_keys(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_keys(v) for v in value)
    return value == value  # a NaN is never equal to itself


@settings(max_examples=300, deadline=None, derandomize=True)
@given(YAMLISH)
def test_whatever_loads_cleanly_is_what_pyyaml_reads(raw: bytes) -> None:
    text = raw.decode()
    result = load_text(text, "f.yml")
    try:
        expected = _reference(text)
    except (yaml.YAMLError, ValueError):  # ValueError: an impossible date
        assert result.problems, "sopsite accepted what PyYAML cannot read"
        return
    if result.problems or not _plain_keys(expected):
        return  # refused (merge keys, tags, duplicates), or keys sopsite reads as text
    data = [item.data for item in result.items]
    assert (data if isinstance(expected, list) else data[0]) == expected


# --- tags on the top-level value ----------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["!x {kind: role, id: a}\n", "!x [a]\n", "!x\nkind: role\n", "--- !x\nkind: role\n",
             "!!set {a}\n"],
    ids=["flow-mapping", "flow-list", "block-mapping", "after-document-start", "set"],
)
def test_tag_on_the_top_level_value_is_refused(text: str) -> None:
    result = load_text(text, "f.yml")
    [problem] = result.problems
    assert (problem.code, problem.message) == (
        "YAML001", f"the tag {'tag:yaml.org,2002:set' if 'set' in text else '!x'!r} is not "
        "supported; remove it")
    assert (problem.line, problem.column) == ((1, 5) if text.startswith("---") else (1, 1))
    assert result.items == []


def test_tagged_list_item_is_one_problem_and_the_others_load() -> None:
    result = load_text("- !x {kind: role}\n- kind: role\n  id: b\n", "f.yml")
    # Not also "expected each list item to be a mapping, found nothing": it was a mapping.
    assert lines(result) == ["f.yml:1:3: error [YAML001] the tag '!x' is not supported; "
                             "remove it"]
    assert [item.data["id"] for item in result.items] == ["b"]


# --- comments that cut a plain text value short ---------------------------------------------


def dropped(shown: str) -> str:
    return (f"warning [YAML007] text after ' #' is a YAML comment and is dropped: "
            f"{quote(shown)}; "
            "quote the value to keep it (a comment meant as one is set off by two spaces and '# ')")


@pytest.mark.parametrize(
    ("text", "found", "value"),
    [
        ("kind: role\nname: post in #ops-alerts\n", ["2:15 #ops-alerts"], "post in"),
        ("kind: role\nname: see issue #1234 and #99\n", ["2:17 #1234 and #99"], "see issue"),
        ("kind: role\nname: two  \t#spaces\n", ["2:13 #spaces"], "two"),
        ("kind: role\nname: a\tb\t#tab\n", ["2:11 #tab"], "a\tb"),
        # a multi-line value: the comment after its last line
        ("kind: role\nname: first\n  second #x\n", ["3:10 #x"], "first second"),
        # in a flow list: `[a #b` keeps `a`, the comment runs to the end of the line
        ("kind: role\nname: [a #b, c\n  , d]\n", ["2:10 #b, c"], ["a", "d"]),
        # an empty value loses all its text: it is null
        ("kind: role\nname: #ops\n", ["2:7 #ops"], None),
        ("- kind: role\n  name: x #y\n", ["2:11 #y"], "x"),
        ("kind: role\nname: &a x #y\nid: *a\n", ["2:12 #y"], "x"),  # once, not per alias
        ("kind: role\nname: é😀 #ü\n", ["2:10 #ü"], "é😀"),
        ("kind: role\r\nname: x #y\r\n", ["2:9 #y"], "x"),
        ("kind: role\rname: x #y\r", ["2:9 #y"], "x"),
        ("kind: role\x85name: x #y\x85", ["2:9 #y"], "x"),
        ("kind: role\nname: x #" + "y" * 60 + "\n", ["2:9 #" + "y" * 60], "x"),
        ("kind: role\nname: !!str x #y\n", ["2:15 #y"], "x"),
        ("name: x\nkind: role #ops\n", ["2:12 #ops"], "x"),
        # one space before `# `: a sentence, not a comment set off as one
        ("kind: role\nname: call the desk # then log it\n", ["2:21 # then log it"],
         "call the desk"),
        ("kind: role\nname: a\t# b\n", ["2:9 # b"], "a"),
    ],
    ids=["channel", "issue", "spaces-and-tab", "tab", "multi-line", "flow-list", "empty",
         "list-item", "alias", "wide-characters", "crlf", "cr", "nel", "long", "str-tag", "kind",
         "one-space-sentence", "one-tab-sentence"],
)
def test_hashtag_comment_after_plain_text_is_a_warning(text: str, found: list[str],
                                                       value: object) -> None:
    result = load_text(text, "f.yml")
    expected = []
    for entry in found:
        where, shown = entry.split(" ", 1)
        expected.append(f"f.yml:{where}: {dropped(shown)}")
    assert lines(result) == expected
    # Only a warning: the file loads, with the value YAML gives it.
    [item] = result.items
    assert item.data["name"] == value


@pytest.mark.parametrize(
    "text",
    [
        "kind: role\nname: draft  # a comment written as one\n",
        "kind: role\nname: x #\n",
        "kind: role\nname: 'post in #ops'\n",
        'kind: role\nname: "post in" #ops\n',
        "kind: role\nname: 'post in' #ops\n",
        "kind: role\nname: |\n  post in #ops\n",
        "kind: role\nname: >-\n  post in #ops\n",
        "kind: role\nname: >- #ops\n  folded\n",
        "kind: role\nname: Fix#1234 and C# code\n",
        "kind: role\nname: [a, b] #ops\n",
        "kind: role\nname: {a: b} #ops\n",
        "kind: role\nname: [a, 'b' #ops\n  ]\n",
        "kind: role\nname:\n  - a\n  #ops on a line of its own\n",
        "#ops\nkind: role\n",
        "kind: role\n? name #x\n: v\n",
        "kind: role\nreview_every: 12 #months\n",
        "kind: role\nflag: yes #really\n",
        "kind: role\nnothing: ~ #really\n",
        "kind: role\nwhen: 2026-01-02 #monday\n",
        "kind: role\nname:  # a comment\n  text below\n",
    ],
    ids=["spaced-comment", "bare-hash", "single-quoted", "double-quoted-then-comment",
         "single-quoted-then-comment", "literal-block", "folded-block", "block-header",
         "no-space-before-hash", "after-flow-list", "after-flow-mapping",
         "after-quoted-in-flow", "own-line", "first-line", "after-a-key",
         "number", "boolean", "null", "date", "comment-then-value"],
)
def test_no_warning_where_no_text_is_lost(text: str) -> None:
    assert load_text(text, "f.yml").problems == []


def test_hashtag_comment_after_a_key_with_text_on_its_line_is_not_blamed_on_the_key() -> None:
    # `kind #x: role` is the plain key-less scalar `kind`: a YAML003, not a YAML007.
    assert [p.code for p in load_text("kind #x: role\n", "f.yml").problems] == ["YAML003"]


def test_dropped_comment_warning_keeps_positions_lazy(tmp_path: Path) -> None:
    """A warning needs no position table: a file with one still loads on the fast path."""
    result = load_bytes(tmp_path, b"kind: role\nid: lead\nname: Lead #oncall\n")
    [item] = result.items
    assert "_tables" not in item.source.__dict__
    assert lines(result) == [f"f.yml:3:12: {dropped('#oncall')}"]


def test_dropped_comment_same_with_either_composer(composer: str) -> None:
    text = "kind: role\nname: post in #ops\nsteps:\n  - a #b\n  - {c: d #e\n  }\n"
    assert [(p.line, p.column, p.code) for p in load_text(text, "f.yml").problems] == [
        (2, 15, "YAML007"), (4, 7, "YAML007"), (5, 11, "YAML007")]
