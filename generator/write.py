"""The output edge: write generated pages to a folder, touching only what changed.

Rewriting an unchanged file would bump its modification time, and `mkdocs serve --dirty`
would rebuild it; so each file is compared first. Files this generator wrote earlier but no
longer produces are removed, and only those: a manifest records what is ours, so nothing an
author put in the folder is ever deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".sopsite-manifest.json"


@dataclass
class WriteReport:
    """What a write changed, for logs and tests."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class PageWriter:
    """Write pages one at a time as they are generated, then tidy up in `close`.

    A one-off build of a large handbook need not hold every page's Markdown at once: at
    5000 documents that is 570 MB of text, more than the parsed handbook itself.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.report = WriteReport()
        self._seen: set[str] = set()
        out.mkdir(parents=True, exist_ok=True)

    def __call__(self, relative: str, text: str) -> None:
        target = self.out / relative
        data = text.encode("utf-8")
        self._seen.add(relative)
        if target.is_file() and target.read_bytes() == data:
            self.report.unchanged.append(relative)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
        self.report.written.append(relative)

    def close(self) -> WriteReport:
        """Remove what an earlier run wrote and this one did not, and record what is ours."""
        manifest = self.out / MANIFEST
        previous: list[str] = []
        if manifest.is_file():
            try:
                previous = list(json.loads(manifest.read_text(encoding="utf-8")))
            except (ValueError, TypeError):
                previous = []
        root = self.out.resolve()
        for relative in sorted(set(previous) - self._seen):
            stale = (self.out / relative).resolve()
            if stale.is_relative_to(root) and stale.is_file():
                stale.unlink()
                self.report.removed.append(relative)
        manifest.write_text(json.dumps(sorted(self._seen), indent=0) + "\n", encoding="utf-8")
        return self.report


def write_pages(pages: dict[str, str], out: Path) -> WriteReport:
    """Write ``pages`` (relative path -> text) under ``out``."""
    writer = PageWriter(out)
    for relative, text in pages.items():
        writer(relative, text)
    return writer.close()
