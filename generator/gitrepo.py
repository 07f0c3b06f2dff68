"""The few git facts sopsite needs, read with the `git` command.

Everything here degrades to "unknown" rather than failing: a site built from a tarball, a
shallow CI clone or a folder outside git must still build, with a notice instead of history.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


class GitError(Exception):
    """A git command failed; the message is git's own."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``root`` and return its standard output."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, env=_ENV,
            check=False,
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror}") from error
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


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
        return self.head[:12] if self.head else "unknown"


def inspect(path: Path) -> RepoState:
    """The repository containing ``path``: its top folder and HEAD, if history is usable."""
    try:
        top = Path(git(path, "rev-parse", "--show-toplevel").decode().strip())
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


def read_blobs(top: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of ``<commit>:<path>`` specs in one `git cat-file --batch` process."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    output = git(top, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted).encode())
    result: dict[str, bytes | None] = {}
    position = 0
    for spec in wanted:
        end = output.index(b"\n", position)
        header = output[position:end].decode()
        position = end + 1
        if header.endswith(" missing"):
            result[spec] = None
            continue
        size = int(header.rsplit(" ", 1)[1])
        result[spec] = output[position : position + size]
        position += size + 1
    return result
