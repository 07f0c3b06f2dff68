"""The output edge: write generated pages to a folder, touching only what changed.

Rewriting an unchanged file would bump its modification time, and `mkdocs serve --dirty`
would rebuild it; so each file is compared first. Files this generator wrote earlier but no
longer produces are removed, and only those: a manifest records what is ours, so nothing an
author put in the folder is ever deleted. Nor is it overwritten: a page whose file exists,
is not in the manifest and holds other bytes is refused with a problem (`OUT001`), as is a
page that a linked folder would send outside the output folder; the other pages are still
written, so every refusal shows in one run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.boundary import display_path, inside
from generator.problems import Problem, Severity

MANIFEST = ".sopsite-manifest.json"


@dataclass
class WriteReport:
    """What a write changed, for logs and tests."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    """Pages not written, because that would have replaced a file that is not ours."""


class Written:
    """What a live server wrote, by output folder: path -> (text, mtime). A save that finds
    the same text and an untouched file skips reading it back."""

    def __init__(self) -> None:
        self.folders: dict[str, dict[str, tuple[str, int]]] = {}

    def of(self, out: Path) -> dict[str, tuple[str, int]]:
        """What was written to ``out`` in this session."""
        return self.folders.setdefault(str(out), {})


class PageWriter:
    """Write pages one at a time as they are generated, then tidy up when done.

    A one-off build of a large handbook need not hold every page's Markdown at once: it is
    more text than the parsed handbook itself. Used as a
    context manager; if generation fails half-way, nothing is removed and the manifest keeps
    naming every file of ours, old and new, so a later run can still tidy them.
    """

    def __init__(self, out: Path, remembered: dict[str, tuple[str, int]] | None = None) -> None:
        self.out = out
        self.report = WriteReport()
        self._seen: set[str] = set()
        self._remembered = remembered
        """Path -> (text, mtime) of what this process wrote before: a live server that finds
        the same text and an untouched file skips reading it back."""
        out.mkdir(parents=True, exist_ok=True)
        self._root = out.resolve()
        self._ours = set(self._previous())

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self._record(self._seen | set(self._previous()))

    def __call__(self, relative: str, text: str) -> None:
        target = self.out / relative
        self._seen.add(relative)
        known = self._remembered.get(relative) if self._remembered is not None else None
        if known is not None and known[0] == text and _mtime(target) == known[1]:
            self.report.unchanged.append(relative)
            return
        self._write(relative, target, text.encode("utf-8"))
        if self._remembered is not None and relative in self._seen:
            self._remembered[relative] = (text, _mtime(target))

    def copy(self, relative: str, data: bytes) -> None:
        """Write the bytes of a file published as it is (an attachment), as a page is
        written: only when changed, never over a file that is not ours."""
        self._seen.add(relative)
        self._write(relative, self.out / relative, data)

    def _write(self, relative: str, target: Path, data: bytes) -> None:
        refused = self._refusal(relative, target, data)
        if refused is not None:
            self._seen.discard(relative)
            self.report.refused.append(Problem(display_path(target), 1, 1, "OUT001",
                                               Severity.ERROR, refused))
            return
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            self.report.unchanged.append(relative)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            # A name no author would pick, created afresh (never through a planted link),
            # with the permissions a plain write would give.
            temporary = target.with_name(f".{target.name}.sopsite-tmp")
            temporary.unlink(missing_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                 | getattr(os, "O_NOFOLLOW", 0), 0o666)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            temporary.replace(target)
            self.report.written.append(relative)

    def _refusal(self, relative: str, target: Path, data: bytes) -> str | None:
        """Why ``relative`` must not be written, or None.

        A file of ours may be replaced even when edited by hand (the manifest says it is
        generated); a file with exactly the bytes we would write is adopted, so a folder
        whose manifest was lost recovers without a conflict.
        """
        folder = next((p for p in (target.parent, *target.parent.parents)
                       if os.path.lexists(p)), self.out)
        if not inside(folder, self._root):
            return (f"expected a folder inside the output folder {display_path(self.out)}, "
                    f"found one that resolves to {os.path.realpath(folder)!r}; sopsite "
                    "writes nothing outside it: remove the link")
        if relative in self._ours or not os.path.lexists(target):
            return None
        if target.is_symlink() or not target.is_file():
            found = "a symbolic link" if target.is_symlink() else "a folder or special file"
        elif target.read_bytes() == data:
            return None
        else:
            found = "a file that sopsite did not write"
        return (f"expected no file here, or one sopsite wrote (listed in {MANIFEST}), found "
                f"{found}; sopsite never overwrites a file it did not write: move it away "
                "or choose another output folder")

    def close(self) -> WriteReport:
        """Remove what an earlier run wrote and this one did not, and record what is ours."""
        root = self.out.resolve()
        for relative in sorted(set(self._previous()) - self._seen):
            stale = (self.out / relative).resolve()
            if stale.is_relative_to(root) and stale.is_file():
                stale.unlink()
                self.report.removed.append(relative)
        self._record(self._seen)
        return self.report

    def _previous(self) -> list[str]:
        manifest = self.out / MANIFEST
        if not manifest.is_file():
            return []
        try:
            return [str(name) for name in json.loads(manifest.read_text(encoding="utf-8"))]
        except (ValueError, TypeError):
            return []

    def _record(self, ours: set[str]) -> None:
        (self.out / MANIFEST).write_text(json.dumps(sorted(ours), indent=0) + "\n",
                                         encoding="utf-8")


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def write_pages(pages: dict[str, str], out: Path,
                remembered: dict[str, tuple[str, int]] | None = None) -> WriteReport:
    """Write ``pages`` (relative path -> text) under ``out`` (see `PageWriter`)."""
    with PageWriter(out, remembered) as writer:
        for relative, text in pages.items():
            writer(relative, text)
    return writer.report


def write_files(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``out``, all or none: each goes to a partial name
    first, and only when every one is complete are they renamed into place (a rename
    replaces a link of that name rather than writing where it points)."""
    out.mkdir(parents=True, exist_ok=True)
    partial = {out / f".{name}.partial": out / name for name in files}
    try:
        for (temp, _), data in zip(partial.items(), files.values(), strict=True):
            temp.write_bytes(data)
        for temp, final in partial.items():
            temp.replace(final)
    finally:
        for temp in partial:
            temp.unlink(missing_ok=True)
    return list(partial.values())
