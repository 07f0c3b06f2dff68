"""A corpus of bad files, each dropped into a clean handbook and checked by the real CLI.

Each bad file must fail the run (exit 1) with exactly the expected problems, all in that file,
and never with a traceback or an internal error. Text files live in `tests/corpus/bad/`;
files whose bytes are awkward to commit (encodings, control characters, sizes) are generated
here. The tables below are the specification: a file in the folder without a row, or a row
without a file, fails the run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import MINIMAL, TESTS, TODAY_ARG, run_cli

BAD = TESTS / "corpus" / "bad"


@dataclass(frozen=True)
class Expect:
    """A problem the file must produce; ``column`` None where the column is not specified."""

    line: int
    column: int | None
    code: str


def E(line: int, column: int | None, code: str) -> Expect:  # noqa: N802 - table shorthand
    return Expect(line, column, code)


COMMITTED: dict[str, list[Expect]] = {
    # Malformed YAML
    "tab-indent.yml": [E(3, 1, "YAML001")],
    "unterminated-quote.yml": [E(5, 1, "YAML001")],
    "wrong-nesting.yml": [E(3, 7, "YAML001")],
    "two-documents.yml": [E(4, 1, "YAML001")],
    "undefined-alias.yml": [E(3, 7, "YAML001")],
    "complex-key.yml": [E(4, 3, "YAML001")],
    "duplicate-key.yml": [E(5, 1, "YAML002")],
    "merge-key.yml": [E(4, 1, "YAML004")],
    # Hostile YAML
    "alias-bomb.yml": [E(2, 8, "YAML005")],
    "self-alias.yml": [E(3, 7, "YAML005")],
    "python-tag.yml": [E(2, 5, "YAML001")],
    "python-tag-on-list.yml": [E(4, 14, "YAML001")],
    "include-tag.yml": [E(3, 7, "YAML001")],
    "timestamp-tag.yml": [E(2, 5, "YAML001")],
    "bool-tag.yml": [E(3, 7, "YAML001")],
    "int-tag.yml": [E(2, 5, "YAML001")],
    "float-tag-on-key.yml": [E(4, 1, "YAML001")],
    "date-as-key.yml": [E(4, 1, "YAML006")],
    # Wrong shape
    "empty.yml": [E(1, 1, "FILE004")],
    "comments-only.yml": [E(1, 1, "FILE004")],
    "empty-list.yml": [E(1, 1, "FILE004")],
    "scalar-top.yml": [E(1, 1, "YAML003")],
    "list-of-text.yml": [E(4, 3, "YAML003")],
    "sop-in-list.yml": [E(4, 9, "MODEL005")],
    "missing-kind.yml": [E(1, 1, "MODEL001")],
    "unknown-kind.yml": [E(1, 7, "MODEL001")],
    "kind-number.yml": [E(1, 7, "MODEL001")],
    "json-style.json.yml": [E(1, 48, "MODEL002")],
    # Subtly wrong content
    "branches-outside-decision.yml": [E(16, 5, "MODEL002"), E(17, 5, "MODEL002")],
    "one-branch.yml": [E(19, 9, "MODEL004")],
    "unquoted-yes.yml": [E(19, 18, "MODEL004")],
    "next-and-end.yml": [E(13, 5, "MODEL004")],
    "version-number.yml": [E(4, 10, "MODEL004")],
    "date-as-text.yml": [E(7, 12, "MODEL004")],
    "date-as-number.yml": [E(7, 12, "MODEL004")],
    "impossible-date.yml": [E(7, 12, "YAML006")],
    "boolean-review-cycle.yml": [E(8, 15, "MODEL004")],
    "self-loop.yml": [E(16, 11, "FLOW003")],
    # Ids
    "dotdot-id.yml": [E(2, 5, "ID002")],
    "dot-id.yaml": [E(2, 5, "ID002")],
    "emoji-id.yml": [E(2, 5, "ID003")],
    "duplicate-document-id.yml": [E(2, 5, "ID001")],
}


def _deep(depth: int) -> bytes:
    return b"kind: role\nid: " + b"[" * depth + b"]" * depth + b"\nname: Deep\n"


GENERATED: dict[str, tuple[Callable[[], bytes], list[Expect]]] = {
    # Line endings
    "cr-only.yml": (lambda: b"kind: role\rid: cr-only\rnmae: CR\r",
                    [E(3, 1, "MODEL002")]),
    "crlf.yml": (lambda: b"kind: role\r\nid: crlf\r\nname: CRLF\r\nresponsibilities: yes\r\n",
                 [E(4, 19, "MODEL004")]),
    # Invisible and confusable characters in ids
    "zero-width-id.yml": (lambda: "kind: role\nid: it\u200b-director\nname: Sneaky\n".encode(),
                          [E(2, 5, "ID003")]),
    "bidi-override-id.yml": (lambda: "kind: role\nid: admin\u202e\nname: Bidi\n".encode(),
                             [E(2, 5, "ID003")]),
    "nbsp-id.yml": (lambda: "kind: role\nid: it\u00a0director\nname: Nbsp\n".encode(),
                    [E(2, 5, "ID002")]),
    # Control characters
    "control-char.yml": (lambda: b"kind: role\nid: bell\nname: ring\x07ring\n",
                         [E(3, 11, "YAML001")]),
    "ansi-escape.yml": (lambda: b"kind: role\nid: ansi\nname: A\ndescription: \x1b[31mred\n",
                        [E(4, 14, "YAML001")]),
    # Encodings and bytes
    "latin1.yml": (lambda: b"kind: role\nid: latin\nname: Jos\xe9\n", [E(3, 10, "FILE003")]),
    "cp1252-quotes.yml": (lambda: b"kind: role\nid: smart\nname: \x93Smart\x94\n",
                          [E(3, 7, "FILE003")]),
    "overlong-utf8.yml": (lambda: b"kind: role\nid: x\xc0\xaf\n", [E(2, 6, "FILE003")]),
    "surrogate-utf8.yml": (lambda: b"kind: role\nid: \xed\xa0\x80\n", [E(2, 5, "FILE003")]),
    "bom-then-latin1.yml": (lambda: b"\xef\xbb\xbfkind: role\nid: bom\nname: Jos\xe9\n",
                            [E(3, 10, "FILE003")]),
    "utf16.yml": (lambda: "kind: role\nid: wide\nname: Wide\n".encode("utf-16"),
                  [E(1, 4, "FILE002")]),
    "nul-byte.yml": (lambda: b"kind: role\nid: nul\x00\nname: Nul\n", [E(2, 8, "FILE002")]),
    "random-binary.yml": (lambda: bytes(range(256)) * 4, [E(1, 1, "FILE002")]),
    # Sizes
    "two-megabytes.yml": (lambda: b"kind: role\nid: big\nname: Big\ndescription: "
                          + b"x" * (2 * 1024 * 1024) + b"\n", [E(1, 1, "FILE001")]),
    "deep-nesting.yml": (lambda: _deep(1_000), [E(2, None, "YAML005")]),
    "deeper-nesting.yml": (lambda: _deep(60_000), [E(2, None, "YAML005")]),
}


def test_every_committed_bad_file_has_a_row() -> None:
    assert sorted(path.name for path in BAD.iterdir()) == sorted(COMMITTED)


def test_corpus_is_large_enough() -> None:
    assert len(COMMITTED) + len(GENERATED) >= 30
    assert not set(COMMITTED) & set(GENERATED)


def _check_bad_file(tmp_path: Path, name: str, content: bytes, expected: list[Expect]) -> None:
    shutil.copytree(MINIMAL, tmp_path / "hb")
    # A subfolder is walked after the fixture's own files, so a clash is reported on the
    # bad file, never on the fixture.
    (tmp_path / "hb" / "bad").mkdir()
    (tmp_path / "hb" / "bad" / name).write_bytes(content)

    result = run_cli("check", "hb", "--today", TODAY_ARG, cwd=tmp_path)

    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert "internal error" not in stream
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    prefix = f"hb/bad/{name}:"
    lines = result.stdout.splitlines()
    # Every problem is about the bad file: one bad file must not make good files look bad.
    assert all(line.startswith(prefix) for line in lines), lines
    found = []
    for line in lines:
        position, rest = line[len(prefix):].split(": ", 1)
        row, column = (int(part) for part in position.split(":"))
        severity, code = rest.split(" ", 2)[:2]
        assert severity == "error"
        found.append(Expect(row, column, code.strip("[]")))
    assert len(found) == len(expected), lines
    for got, want in zip(found, expected, strict=True):
        assert (got.line, got.code) == (want.line, want.code), lines
        if want.column is not None:
            assert got.column == want.column, lines
    assert result.stderr.endswith(f"{len(expected)} error(s), 0 warning(s)\n")


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_bad_file(tmp_path: Path, name: str) -> None:
    _check_bad_file(tmp_path, name, (BAD / name).read_bytes(), COMMITTED[name])


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_file(tmp_path: Path, name: str) -> None:
    make, expected = GENERATED[name]
    _check_bad_file(tmp_path, name, make(), expected)
