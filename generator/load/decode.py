"""Bytes to text: a file is a YAML source only if it is small, not binary, and UTF-8."""

from __future__ import annotations

from pathlib import Path

from generator.boundary import kind_of, read_bounded
from generator.load.positions import Position, text_position
from generator.problems import Problem, Severity

MAX_FILE_BYTES = 1024 * 1024
"""Larger files are refused: no procedure needs a megabyte, and a cap bounds the work."""

BOM = b"\xef\xbb\xbf"


def read_source(file: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The text of ``file``, or the problem that says why it has none; ``display`` is the path
    shown in problems.

    At most one byte more than the limit is read, whatever the file claims to hold, and
    only from a regular file (see `generator.boundary.read_bounded`).
    """
    try:
        raw, status = read_bounded(file, MAX_FILE_BYTES)
    except OSError as error:
        return None, [Problem(display, 1, 1, "FILE005", Severity.ERROR,
                              f"cannot read file: {error.strerror}")]
    kind = kind_of(status.st_mode)
    if kind is not None:
        return None, [Problem(
            display, 1, 1, "FILE007", Severity.ERROR,
            f"expected a regular file, found {kind}; sopsite reads only regular files")]
    if max(status.st_size, len(raw)) > MAX_FILE_BYTES:
        return None, [Problem(
            display, 1, 1, "FILE001", Severity.ERROR,
            f"file is {max(status.st_size, len(raw)):,} bytes, more than the limit of "
            f"{MAX_FILE_BYTES:,}; split the procedure into smaller documents")]
    return decode(raw, display)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text, or the problem that says why the bytes are not a YAML source."""

    def fail(line: int, column: int, code: str, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(path, line, column, code, Severity.ERROR, message)]

    if len(raw) > MAX_FILE_BYTES:
        return fail(1, 1, "FILE001", f"file is {len(raw):,} bytes, more than the limit of "
                    f"{MAX_FILE_BYTES:,}; split the procedure into smaller documents")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _line_col(raw, offset)
        return fail(line, column, "FILE002", "expected a UTF-8 text file, found a binary "
                    "file (NUL byte)")
    if raw.startswith(BOM):
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_col(raw, error.start)
        return fail(line, column, "FILE003", f"expected UTF-8 text, found byte "
                    f"0x{raw[error.start]:02x} that is not valid UTF-8; save the file as UTF-8")
    return text, []


def _line_col(raw: bytes, offset: int) -> Position:
    """1-based position of a byte offset; CR, LF and CRLF all end a line, as in YAML."""
    return text_position(raw[:offset].decode("utf-8", errors="replace"), None)
