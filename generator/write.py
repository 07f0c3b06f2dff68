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


def write_pages(pages: dict[str, str], out: Path) -> WriteReport:
    """Write ``pages`` (relative path -> text) under ``out``."""
    report = WriteReport()
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    previous: list[str] = []
    if manifest.is_file():
        try:
            previous = list(json.loads(manifest.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            previous = []
    for relative, text in pages.items():
        target = out / relative
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            report.unchanged.append(relative)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
        report.written.append(relative)
    for relative in sorted(set(previous) - set(pages)):
        stale = (out / relative).resolve()
        if stale.is_relative_to(out.resolve()) and stale.is_file():
            stale.unlink()
            report.removed.append(relative)
    manifest.write_text(json.dumps(sorted(pages), indent=0) + "\n", encoding="utf-8")
    return report
