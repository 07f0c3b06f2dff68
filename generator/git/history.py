"""Revision history of every document, read from the git history of `sops/`.

Revisions are versions, not commits. A document's revisions come from its own file only: the
file it is in now, followed back through renames on the first-parent line of history. Along
that line each version the document's change history declares is one revision, shown as it
stood in its last commit at that version: approvals, status and effective date change within
a version, so the last commit is the text that was in force, and a throwaway edit that is
reverted the next minute is overwritten by its own revert. Whatever git shows that does not
fit (another file claiming the id, a version the document never declared, a version going
down, a commit git cannot date) is not a revision, and is reported as a warning that names
the commit.

All blobs are read through one `git cat-file --batch` process: the cost is one `git log` and
one pipe, however many documents and commits there are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.checks.refs import version_key
from generator.git.declared import conflicts
from generator.git.repo import (
    SHORT,
    GitError,
    LogEntry,
    RepoState,
    inspect,
    list_tree,
    log_changes,
    read_blobs,
)
from generator.load import load_text
from generator.load.handbook import SUFFIXES, load_handbook
from generator.model import AnyDocument, Change, Document
from generator.model.handbook import Entry, Handbook
from generator.model.validate import validate_item
from generator.problems import Problem, Severity

UNDATED = "HIST001"
ODD_AUTHOR = "HIST002"
FOREIGN = "HIST003"
UNDECLARED = "HIST004"
BACKWARDS = "HIST005"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
NO_AUTHOR = "\N{EN DASH}"
"""What the revision table shows for an author git cannot read."""


@dataclass(frozen=True)
class Revision:
    """One version of a document, as it stood on its own file's line of history."""

    doc: AnyDocument
    """The document as it stood at the last commit that carried this version."""
    text: str
    """Its YAML source at that commit, for the raw diff."""
    commit: str
    """The commit that introduced the version."""
    author: str
    """The author of that commit, control characters replaced."""
    date: dt.date
    """The committer date of that commit."""
    last: str = ""
    """The commit whose text this is: the last one at this version."""

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
    problems: list[Problem] = field(default_factory=list)
    """What git showed that is not a revision (HIST001-005), and where the declared change
    history disagrees with git (HIST006), as warnings on the document."""

    @property
    def notice(self) -> str | None:
        """Why there is no history, if there is none."""
        return self.state.notice


def _parse(text: str, where: str) -> list[AnyDocument]:
    loaded = load_text(text, where)
    documents: list[AnyDocument] = []
    for raw in loaded.items:
        item, problems = validate_item(raw, in_list=raw.source.in_list)
        if item is not None and not problems and isinstance(item, Document):
            documents.append(item)
    return documents


def documents_at(top: Path, ref: str, folder: str) -> dict[str, tuple[AnyDocument, str, str]]:
    """Every valid document under ``folder`` at ``ref``: id -> (document, YAML, path)."""
    files = [(path, blob) for path, blob in list_tree(top, ref, folder)
             if path.endswith(SUFFIXES)]
    blobs = read_blobs(top, (blob for _, blob in files))
    found: dict[str, tuple[AnyDocument, str, str]] = {}
    for path, blob in files:
        content = blobs.get(blob)
        if content is None:
            continue
        text = content.decode("utf-8", "replace")
        for doc in _parse(text, path):
            found.setdefault(doc.id, (doc, text, path))
    return found


@dataclass(frozen=True)
class _State:
    """A YAML file as one commit left it."""

    index: int
    """The commit's place in the log, 0 the newest."""
    path: str
    blob: str


@dataclass
class _Log:
    """The first-parent history of the handbook folder and the documents in its blobs.

    Read once per HEAD; which of it counts as whose revision depends on the handbook as it
    is now, and is worked out on every read (see `_revisions`).
    """

    entries: list[LogEntry]
    changes: dict[str, list[tuple[int, str, str | None, str]]]
    """By path: (commit index, status, old name, blob) of each change, newest first."""
    parsed: dict[str, tuple[list[AnyDocument], str]]
    """By blob: its valid documents and its text."""


def _read_log(top: Path, folder: str, lent: dict[str, tuple[AnyDocument, str]]) -> _Log:
    entries = log_changes(top, folder)
    changes: dict[str, list[tuple[int, str, str | None, str]]] = {}
    wanted: dict[str, str] = {}
    for index, entry in enumerate(entries):
        for change in entry.changes:
            if not change.path.endswith(SUFFIXES):
                continue
            changes.setdefault(change.path, []).append(
                (index, change.status, change.source, change.blob))
            if change.status != "D" and change.regular:
                wanted.setdefault(change.blob, change.path)
    blobs = read_blobs(top, wanted)
    parsed: dict[str, tuple[list[AnyDocument], str]] = {}
    for blob, path in wanted.items():
        content = blobs.get(blob)
        if content is None:
            continue
        text = content.decode("utf-8", "replace")
        hit = lent.get(text)
        # The same text as a file on disk: its parsed document, and one copy in memory.
        parsed[blob] = ([hit[0]], hit[1]) if hit is not None else (_parse(text, path), text)
    return _Log(entries, changes, parsed)


def _lineage(log: _Log, path: str) -> list[_State]:
    """The states of the file at ``path`` (at HEAD) back to its creation, newest first.

    Back through renames; it ends where the file was added, so an earlier file of the same
    name that was deleted is not part of it.
    """
    states: list[_State] = []
    after = -1
    while True:
        for index, status, source, blob in log.changes.get(path, []):
            if index <= after:
                continue
            if status == "D":
                return states
            states.append(_State(index, path, blob))
            if status == "R" and source is not None:
                path, after = source, index
                break
            if status in ("A", "C"):
                return states
        else:
            return states


class Logs:
    """git's log of each handbook folder, with the HEAD it was read at, for a session that
    builds more than once: the history only changes with a commit, so `sopsite serve` reads
    it once per commit rather than on every save."""

    def __init__(self) -> None:
        self.read: dict[str, tuple[str, _Log]] = {}


def read_history(root: Path, current: Handbook | None = None,
                 logs: Logs | None = None) -> History:
    """The revisions of every document under ``root`` (the handbook folder).

    What counts is judged against ``current``, the handbook as checked (loaded from
    ``root`` when not given): each document's file and its declared change history. It
    also lends its parsed documents to revisions whose YAML is byte for byte the file on
    disk: a document's latest revision usually is, and parsing it again would hold a second
    copy of the whole handbook. A log ``logs`` holds for this HEAD is not read again.
    """
    state = inspect(root)
    if state.notice or state.top is None or state.head is None:
        return History(state)
    if current is None:
        current, _ = load_handbook(root)
    top = state.top.resolve()
    folder = root.resolve().relative_to(top).as_posix()
    known, where = (logs or Logs()).read, str(root.resolve())
    hit = known.get(where)
    if hit is not None and hit[0] == state.head:
        log = hit[1]
    else:
        lent = {e.text: (e.item, e.text) for e in current.documents}
        try:
            log = _read_log(state.top, folder, lent)
        except GitError as error:
            return History(RepoState(state.top, state.head, f"History is unavailable: {error}"))
        known[where] = (state.head, log)
    documents = list(current.documents)
    lineages: dict[str, tuple[str | None, list[_State]]] = {}
    for entry in documents:
        path = Path(entry.source.path).resolve()
        own = path.relative_to(top).as_posix() if path.is_relative_to(top) else None
        lineages[entry.item.id] = (own, _lineage(log, own) if own else [])
    history = History(state)
    for entry in documents:
        own, states = lineages[entry.item.id]
        found, problems = _revisions(log, entry, own, states)
        history.revisions[entry.item.id] = found
        history.problems.extend(problems)
        history.problems.extend(conflicts(entry, [(r.version, r.commit, r.date) for r in found]))
    history.problems.extend(_foreign(log, documents, lineages))
    history.problems.sort()
    return history


def _shown(text: str) -> str:
    """A path or name fit for a one-line message (undecodable bytes replaced)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _warning(entry: Entry[AnyDocument], code: str, message: str) -> Problem:
    return Problem(entry.source.path, 1, 1, code, Severity.WARNING, message)


def _day(log_entry: LogEntry) -> dt.date | None:
    if not _DAY.match(log_entry.day):
        return None
    try:
        return dt.date.fromisoformat(log_entry.day)
    except ValueError:
        return None


def _revisions(log: _Log, entry: Entry[AnyDocument], own: str | None,
               states: list[_State]) -> tuple[list[Revision], list[Problem]]:
    """The versions of one document along its file's line of history, oldest first.

    A version counts from the commit that set it; a commit that keeps the version updates
    its text. Versions only go up: a commit that goes back to a lower version is not
    counted, and the version it left is taken back (it counts again, from that commit on,
    only if a later commit sets it again). Otherwise a throwaway commit claiming version
    2.0 early, reverted the next minute, would be version 2.0's commit once 2.0 came.
    """
    doc_id = entry.item.id
    declared = {c.version for c in entry.item.changes} | {entry.item.version}
    choices = ", ".join(sorted(declared, key=version_key))
    name = _shown(own or "?")
    found: list[Revision] = []
    problems: list[Problem] = []
    high: tuple[int, int] | None = None
    for state in reversed(states):
        commit = log.entries[state.index]
        short = commit.commit[:SHORT]
        doc, text = _document(log, state, doc_id)
        if doc is None:
            continue  # a commit where the file did not validate, or was another document
        day = _day(commit)
        if day is None:
            shown = (f"as {commit.day!r}" if commit.day not in ("", "%cs")
                     else "as nothing (it cannot read the committer line)")
            problems.append(_warning(entry, UNDATED, (
                f"commit {short}: git gives the committer date {shown}; expected a date "
                f"YYYY-MM-DD in the years 1 to 9999, so this commit is not counted as a "
                f"revision of {doc_id}")))
            continue
        if doc.version not in declared:
            problems.append(_warning(entry, UNDECLARED, (
                f"commit {short}: {name} sets {doc_id} to version {doc.version}, which its "
                f"change history does not declare (declared: {choices}); this version is "
                "not counted as a revision and was never in force")))
            continue
        key = version_key(doc.version)
        if high is not None and key < high:
            left = found[-1] if found and version_key(found[-1].version) == high else None
            taken = (f"; version {left.version} (from commit {left.commit[:SHORT]}) is taken "
                     "back" if left is not None else "")
            problems.append(_warning(entry, BACKWARDS, (
                f"commit {short}: {name} takes {doc_id} back from version "
                f"{'.'.join(map(str, high))} to {doc.version}; versions only go up, so this "
                f"commit is not counted as a revision{taken}")))
            if left is not None:
                found.pop()
            continue
        author = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", commit.author)
        if not author.strip():
            problems.append(_warning(entry, ODD_AUTHOR, (
                f"commit {short}: git cannot read an author name (found "
                f"{commit.author!r}); it is shown as {NO_AUTHOR!r}")))
        elif author != commit.author:
            problems.append(_warning(entry, ODD_AUTHOR, (
                f"commit {short}: the author name {commit.author!r} holds control "
                f"characters; it is shown as {author!r}")))
        if found and found[-1].version == doc.version:
            last = found[-1]
            found[-1] = Revision(doc, text, last.commit, last.author, last.date, commit.commit)
        else:
            found.append(Revision(doc, text, commit.commit, author, day, commit.commit))
        high = key
    return found, problems


def _document(log: _Log, state: _State, doc_id: str) -> tuple[AnyDocument | None, str]:
    parsed = log.parsed.get(state.blob)
    if parsed is None:
        return None, ""
    documents, text = parsed
    return next((d for d in documents if d.id == doc_id), None), text


def _foreign(log: _Log, documents: list[Entry[AnyDocument]],
             lineages: dict[str, tuple[str | None, list[_State]]]) -> list[Problem]:
    """HIST003: files other than a document's own that claimed its id, once per file."""
    entries = {e.item.id: e for e in documents}
    own_states = {doc_id: {(s.index, s.path) for s in states}
                  for doc_id, (_, states) in lineages.items()}
    claims: dict[tuple[str, str], tuple[int, str]] = {}
    for path, changes in log.changes.items():
        for index, status, _, blob in changes:
            if status == "D":
                continue
            for doc in log.parsed.get(blob, ([], ""))[0]:
                if doc.id in entries and (index, path) not in own_states[doc.id]:
                    # newest first: the last one kept is the oldest claim
                    claims[doc.id, path] = (index, doc.version)
    problems = []
    for (doc_id, path), (index, version) in claims.items():
        own = lineages[doc_id][0]
        other = (f"{_shown(path)} (an earlier file of that name, deleted before this one was "
                 "added)" if path == own else _shown(path))
        problems.append(_warning(entries[doc_id], FOREIGN, (
            f"commit {log.entries[index].commit[:SHORT]}: {other} claims to be {doc_id} "
            f"(version {version}), but {doc_id}'s own file is {_shown(own or '?')}; it is not "
            f"counted as a revision of {doc_id}")))
    return problems


IN_FORCE = frozenset({"effective", "superseded", "retired", "imported"})
"""Statuses of revisions that took effect; drafts and revisions in review never did. An
imported document is the procedure in use from its `effective` day, though nobody signed
it here: it counts as in force, and every view that shows it says it is unsigned."""


def in_force(revisions: Iterable[Revision], day: dt.date) -> Revision | None:
    """The revision in force on ``day``: the latest that took effect by then.

    None before the first one took effect, and from the day a retiring revision took effect.
    """
    candidates = [r for r in revisions if r.doc.status in IN_FORCE and r.doc.effective <= day]
    latest = max(candidates, key=lambda r: (r.doc.effective, r.date), default=None)
    return None if latest is None or latest.doc.status == "retired" else latest
