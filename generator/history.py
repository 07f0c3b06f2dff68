"""Revision history of every document, read from the git history of `sops/`.

A revision starts at the commit where a document's `version` changed. Documents are followed
by id, not by file name, so moving or renaming a file keeps its history. All blobs are read
through one `git cat-file --batch` process: the cost is one `git log` and one pipe, however
many documents and commits there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.gitrepo import GitError, RepoState, git, inspect, read_blobs
from generator.handbook import SUFFIXES, Handbook
from generator.load import load_text
from generator.model import AnyDocument, Change, Process, Retro, Sop
from generator.validate import validate_item


@dataclass(frozen=True)
class Revision:
    """One version of a document as git recorded it."""

    doc: AnyDocument
    """The document as it stood at the last commit that carried this version."""
    text: str
    """Its YAML source at that commit, for the raw diff."""
    commit: str
    """The commit that introduced the version."""
    author: str
    date: dt.date
    """The date of that commit."""

    @property
    def version(self) -> str:
        """The document's version in this revision."""
        return self.doc.version

    @property
    def change(self) -> Change | None:
        """The `changes` entry the author wrote for this version, if any."""
        return self.doc.change_entry


@dataclass(frozen=True)
class History:
    """Revisions per document id, oldest first; empty with a notice when git cannot tell."""

    state: RepoState
    revisions: dict[str, list[Revision]] = field(default_factory=dict)

    @property
    def notice(self) -> str | None:
        """Why there is no history, if there is none."""
        return self.state.notice


def _parse(text: str, where: str) -> list[AnyDocument]:
    loaded = load_text(text, where)
    documents: list[AnyDocument] = []
    for raw in loaded.items:
        item, problems = validate_item(raw, in_list=raw.source.in_list)
        if item is not None and not problems and isinstance(item, Sop | Process | Retro):
            documents.append(item)
    return documents


def documents_at(top: Path, ref: str, folder: str) -> dict[str, tuple[AnyDocument, str, str]]:
    """Every valid document under ``folder`` at ``ref``: id -> (document, YAML, path)."""
    listing = git(top, "ls-tree", "-r", "--name-only", ref, "--", folder).decode("utf-8")
    paths = [p for p in listing.splitlines() if p.endswith(SUFFIXES)]
    blobs = read_blobs(top, (f"{ref}:{p}" for p in paths))
    found: dict[str, tuple[AnyDocument, str, str]] = {}
    for path in paths:
        blob = blobs.get(f"{ref}:{path}")
        if blob is None:
            continue
        text = blob.decode("utf-8", "replace")
        for doc in _parse(text, path):
            found.setdefault(doc.id, (doc, text, path))
    return found


def _log(top: Path, folder: str) -> list[tuple[str, str, dt.date, list[str]]]:
    """(commit, author, date, changed YAML paths) for every commit touching ``folder``."""
    raw = git(top, "log", "--reverse", "--format=%x1e%H%x1f%an%x1f%cs", "--name-only",
              "--no-renames", "--", folder).decode("utf-8", "replace")
    commits = []
    for record in raw.split("\x1e")[1:]:
        header, _, names = record.partition("\n")
        commit, author, day = header.split("\x1f")
        paths = [n for n in names.splitlines() if n.endswith(SUFFIXES)]
        commits.append((commit, author, dt.date.fromisoformat(day), paths))
    return commits


_READ: dict[tuple[str, str], History] = {}
"""Per process, by (folder, HEAD): history only changes with a commit, so `sopsite serve`
reads it once rather than on every save."""


def forget_history() -> None:
    """Drop the per-process history cache."""
    _READ.clear()


def read_history(root: Path, current: Handbook | None = None) -> History:
    """The revisions of every document under ``root`` (the handbook folder).

    ``current``, the handbook as checked, lends its parsed documents to revisions whose
    YAML is byte for byte the file on disk: a document's latest revision usually is, and
    parsing it again would hold a second copy of the whole handbook (490 MB at 5000
    documents).
    """
    state = inspect(root)
    if state.notice or state.top is None or state.head is None:
        return History(state)
    key = (str(root.resolve()), state.head)
    if key not in _READ:
        parsed = {e.text: (e.item, e.text) for e in current.documents} if current else {}
        _READ[key] = _read(root, state, parsed)
    return _READ[key]


def _read(root: Path, state: RepoState,
          parsed: dict[str, tuple[AnyDocument, str]]) -> History:
    assert state.top is not None
    folder = root.resolve().relative_to(state.top.resolve()).as_posix()
    try:
        commits = _log(state.top, folder)
        blobs = read_blobs(state.top, (f"{c}:{p}" for c, _, _, paths in commits for p in paths))
    except GitError as error:
        return History(RepoState(state.top, state.head, f"History is unavailable: {error}"))
    revisions: dict[str, list[Revision]] = {}
    for commit, author, day, paths in commits:
        for path in paths:
            blob = blobs.get(f"{commit}:{path}")
            if blob is None:  # deleted in this commit
                continue
            text = blob.decode("utf-8", "replace")
            hit = parsed.get(text)
            if hit is not None:
                text = hit[1]  # the same text: one copy in memory, not two
            for doc in [hit[0]] if hit is not None else _parse(text, path):
                known = revisions.setdefault(doc.id, [])
                if known and known[-1].version == doc.version:
                    last = known[-1]
                    known[-1] = Revision(doc, text, last.commit, last.author, last.date)
                else:
                    known.append(Revision(doc, text, commit, author, day))
    return History(state, revisions)


IN_FORCE = frozenset({"effective", "superseded", "retired"})
"""Statuses of revisions that took effect; drafts and revisions in review never did."""


def in_force(revisions: Iterable[Revision], day: dt.date) -> Revision | None:
    """The revision in force on ``day``: the latest that took effect by then.

    None before the first one took effect, and from the day a retiring revision took effect.
    """
    candidates = [r for r in revisions if r.doc.status in IN_FORCE and r.doc.effective <= day]
    latest = max(candidates, key=lambda r: (r.doc.effective, r.date), default=None)
    return None if latest is None or latest.doc.status == "retired" else latest
