"""The few git facts sopsite needs, read with the `git` command.

Everything here degrades to "unknown" rather than failing: a site built from a tarball, a
shallow CI clone or a folder outside git must still build, with a notice instead of history.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.errors import SopsiteError

_GIT_ENV = MappingProxyType({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
"""Laid over the environment of every git call: never prompt, and speak plain C."""


class GitError(SopsiteError):
    """A git command failed; the message is git's own.

    The environment's error, not sopsite's (no git, not a repository, a revision git does
    not know): most callers turn it into a message of their own or a problem.
    """

    failed = "git"


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``root`` and return its standard output."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True,
            env={**os.environ, **_GIT_ENV}, check=False,
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror}") from error
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


SHORT = 12
"""Characters of a commit id in messages and on the site's revision tables."""


@dataclass(frozen=True)
class RepoState:
    """Where a handbook sits in git, or why its history cannot be read."""

    top: Path | None
    head: str | None
    notice: str | None
    """Set when history is unavailable: shown on the site instead of revision pages."""

    @property
    def short(self) -> str:
        """The abbreviated commit, or 'unknown' outside git."""
        return self.head[:SHORT] if self.head else "unknown"


def inspect(path: Path) -> RepoState:
    """The repository containing ``path``: its top folder and HEAD, if history is usable."""
    try:
        top = Path(path_text(git(path, "rev-parse", "--show-toplevel").rstrip(b"\n")))
    except GitError:
        return RepoState(None, None, "History is unavailable: this site was not built from a "
                         "git repository.")
    try:
        head = git(top, "rev-parse", "HEAD").decode().strip()
    except GitError:
        return RepoState(top, None, "History is unavailable: the repository has no commits yet.")
    shallow = git(top, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    if shallow:
        return RepoState(top, head, "History is unavailable: the site was built from a shallow "
                         "clone; fetch the full history (git fetch --unshallow) to see "
                         "past revisions.")
    return RepoState(top, head, None)


_READ_AS_IS = ("-c", "core.quotePath=false", "-c", "log.showSignature=false")
"""Options for every command whose output is parsed: paths as bytes, nothing added to a log
entry whatever the user's git configuration says."""

_HASH = re.compile(rb"^[0-9a-f]{40}([0-9a-f]{24})?$")


def path_text(raw: bytes) -> str:
    """A path from git as the file system names it: bytes that are not UTF-8 survive the trip
    (as surrogates), so the name still matches the file on disk."""
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed, compared with its first parent."""

    status: str
    """git's status letter: A(dded), M(odified), D(eleted), R(enamed), C(opied), T(ype)."""
    path: str
    """The path after the change (the new name of a renamed file)."""
    source: str | None
    """The old name of a renamed or copied file."""
    blob: str
    """The file's content after the change (a blob id; zeros when deleted)."""
    regular: bool
    """A regular file after the change, not a symbolic link or a submodule."""


@dataclass(frozen=True)
class LogEntry:
    """One commit of the first-parent history, as git recorded it, unchecked."""

    commit: str
    author: str
    """The author's name as written in the commit (it may hold any character but NUL)."""
    day: str
    """The committer date as git formats it (`%cs`); in a handmade commit it may be anything."""
    changes: tuple[FileChange, ...]


class _Tokens:
    """The NUL-separated fields of `git log -z`, read in order."""

    def __init__(self, raw: bytes) -> None:
        self.items = raw.split(b"\0")
        self.position = 0

    def more(self) -> bool:
        while self.position < len(self.items) and self.items[self.position] in (b"", b"\n"):
            self.position += 1
        return self.position < len(self.items)

    def next(self) -> bytes:
        if self.position >= len(self.items):
            raise GitError("git log ended in the middle of an entry")
        item = self.items[self.position]
        self.position += 1
        return item

    def peek(self) -> bytes:
        return self.items[self.position].lstrip(b"\n")


def log_changes(top: Path, folder: str) -> list[LogEntry]:
    """The first-parent history of ``folder``, newest first, with renames detected.

    The first parent only: a merged branch counts as its merge commit, what the main line
    received, and a file that a branch added and deleted again never appears. Fields are
    NUL-separated and paths unquoted (``-z``), so no name, author or date can be mistaken
    for a separator; each commit's fields are read by count, never by looking for a marker.
    """
    raw = git(top, *_READ_AS_IS, "log", "-z", "--first-parent", "--diff-merges=first-parent",
              "--raw", "--no-abbrev", "-M", "--no-color", "--no-relative",
              "--format=%H%x00%cs%x00%an", "--", folder)
    tokens = _Tokens(raw)
    entries: list[LogEntry] = []
    while tokens.more():
        commit = tokens.next()
        if not _HASH.match(commit):
            raise GitError(f"git log gave {commit[:40]!r} where a commit id was expected")
        day, author = tokens.next(), tokens.next()
        changes: list[FileChange] = []
        while tokens.more() and tokens.peek().startswith(b":"):
            fields = tokens.next().lstrip(b"\n")[1:].split(b" ")
            if len(fields) != 5 or not fields[4]:
                raise GitError(f"git log gave {b' '.join(fields)!r} where a file change "
                               "was expected")
            status = fields[4][:1].decode("ascii", "replace")
            first = path_text(tokens.next())
            second = path_text(tokens.next()) if status in ("R", "C") else None
            changes.append(FileChange(
                status, second if second is not None else first,
                first if second is not None else None, fields[3].decode("ascii", "replace"),
                fields[1].startswith(b"100")))
        entries.append(LogEntry(commit.decode("ascii"), author.decode("utf-8", "replace"),
                                day.decode("utf-8", "replace"), tuple(changes)))
    return entries


def list_tree(top: Path, ref: str, folder: str) -> list[tuple[str, str]]:
    """(path, blob id) of every regular file under ``folder`` at ``ref``, paths unquoted."""
    raw = git(top, *_READ_AS_IS, "ls-tree", "-r", "-z", ref, "--", folder)
    found = []
    for item in raw.split(b"\0"):
        head, tab, path = item.partition(b"\t")
        mode, _, rest = head.partition(b" ")
        kind, _, blob = rest.partition(b" ")
        if tab and kind == b"blob" and mode.startswith(b"100"):
            found.append((path_text(path), blob.decode("ascii", "replace")))
    return found


def read_blobs(top: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of objects, named by id, in one `git cat-file --batch` process.

    By id, not by ``<commit>:<path>``: a path may hold a newline, which would end the
    request early.
    """
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    output = git(top, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted).encode())
    result: dict[str, bytes | None] = {}
    position = 0
    for spec in wanted:
        end = output.find(b"\n", position)
        header = output[position:end].decode("utf-8", "replace")
        fields = header.split(" ")
        sized = len(fields) == 3 and fields[2].isdigit()
        if end < 0 or not (sized or len(fields) == 2):
            raise GitError(f"git cat-file gave {header[:80]!r} for {spec!r}; expected "
                           "'<id> <type> <size>' or '<name> missing'")
        position = end + 1
        if not sized:  # "<name> missing", "<name> ambiguous"
            result[spec] = None
            continue
        size = int(fields[2])
        result[spec] = output[position : position + size]
        position += size + 1
    return result
