"""The repository is the boundary: sopsite reads and writes nothing outside the project.

A handbook is reviewed in pull requests, and what is published must be what reviewers saw.
A symbolic link in `sops/` to `/etc/passwd` or to `~/.aws/credentials` is one line in a
diff, yet it would put that file's text in error messages, annotations and the published
site; a link to `/dev/zero` or a named pipe would hang or exhaust the process. So every
source is admitted here first, with `lstat` and `stat` only, and a refused one is never
opened: its problem names the link and where it points, never what the target holds.

The project is the nearest folder at or above the handbook folder that holds `mkdocs.yml`
or `.git` (a file in a worktree or submodule), else the handbook folder itself: the unit a
reviewer sees. The nearest, not the outermost: a dotfiles repository in a home folder must
not make the whole home folder "inside".

Links to files that stay inside the project are followed: git stores the link, so a
reviewer sees where it points, and a glossary shared by two handbooks of one repository is
a real need. Links to folders are never followed: one can loop or bring a tree in twice,
and what a folder holds is not visible in the diff that adds the link.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from generator.problems import Problem, Severity

MARKERS = ("mkdocs.yml", ".git")
"""What marks a project's top folder."""

WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(10)]
)
"""Names Windows reserves for devices, in any case and with any extension (`nul.md`)."""

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""A name given on the command line that becomes a folder (a published version)."""
MAX_NAME = 64
RESERVED_NAMES = frozenset({"versions.json", "index.html"})
"""What mike writes at the top of the gh-pages branch: a version of that name would clash."""

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def project_root(path: Path) -> Path:
    """The resolved project folder that ``path`` belongs to (see the module docstring).

    The search starts from the path as written, not as resolved: a handbook folder that is
    itself a link out of the project must still be judged against the project it sits in.
    """
    start = _absolute(path)
    for folder in (start, *start.parents):
        if any(os.path.lexists(folder / marker) for marker in MARKERS):
            return folder.resolve()
    return start.resolve()


def _absolute(path: Path) -> Path:
    """``path`` made absolute with ``..`` removed as written, links left unresolved."""
    return Path(os.path.normpath(path.absolute()))


def inside(path: Path, boundary: Path) -> bool:
    """Whether ``path``, with every link resolved, is ``boundary`` or lies beneath it."""
    return Path(os.path.realpath(path)).is_relative_to(boundary)


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return None if stat.S_ISREG(mode) else "not a regular file"


def display_path(path: Path) -> str:
    """A path as an author's editor wants it: relative to the working folder when inside."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def windows_device(value: str) -> bool:
    """Whether Windows cannot create a file named ``value`` (plus an extension).

    Windows reads `NUL.txt` and `nul.md` as the device NUL, and drops a trailing dot or
    space from a name, so `SOP.` and `SOP` would be one file.
    """
    stem = value.split(".", 1)[0].rstrip(" ").upper()
    return stem in WINDOWS_DEVICES or value.endswith((".", " "))


def name_problem(value: str, noun: str) -> str | None:
    """Why ``value`` cannot name a folder of the published site, or None when it can.

    A version name becomes a folder on the gh-pages branch and text in Material's version
    selector; `.git`, `..` or markup there would write into git's own folder, out of the
    site, or run in readers' browsers. So the pattern is strict, and says so.
    """
    expected = (f"expected a {noun} of letters, digits, '.', '_' and '-' that starts with a "
                f"letter or digit, at most {MAX_NAME} characters, such as 1.2 or latest")
    if not NAME.fullmatch(value) or len(value) > MAX_NAME:
        if len(value) <= 40:
            return f"{expected}; found {value!r}"
        return f"{expected}; found {value[:37] + '...'!r} ({len(value)} characters)"
    if value.lower() in RESERVED_NAMES:
        return f"{expected}; found {value!r}, the name of a file mike keeps next to the versions"
    if windows_device(value):
        return (f"{expected}; found {value!r}, which Windows cannot use as a folder name (a "
                "device name such as CON or NUL, or a name ending in a dot)")
    return None


def segment_problem(value: str) -> str | None:
    """Why ``value`` cannot be one folder name inside a zip, or None.

    Looser than `name_problem` (a bundle may be called `Handbook 2026.zip`), but what every
    unzip tool reads as one plain folder: no separator of any system, no `..`, no control
    characters, nothing Windows refuses.
    """
    if value in ("", ".", "..") or any(c in value for c in '/\\:*?"<>|') \
            or any(ord(c) < 32 or ord(c) == 127 for c in value) or windows_device(value):
        return (f"expected a plain folder name, found {value!r}: no '/', '\\', ':', '..', "
                "control characters or Windows device names")
    return None


def _project(boundary: Path) -> str:
    """The project folder as messages name it: relative when below the working folder."""
    shown = display_path(boundary)
    return boundary.as_posix() if shown == "." else shown


def _refuse(display: str, code: str, message: str) -> Problem:
    return Problem(display, 1, 1, code, Severity.ERROR, message)


def _outside(display: str, what: str, path: Path, boundary: Path) -> Problem:
    target = str(path.readlink()) if path.is_symlink() else os.path.realpath(path)
    link = "a symbolic link to" if path.is_symlink() else "a path that resolves to"
    return _refuse(display, "FILE006", f"expected a {what} inside the project "
                   f"{_project(boundary)}, found {link} {target!r} outside it; sopsite reads "
                   f"nothing from outside the project: copy the {what} in instead")


def admit(path: Path, display: str, boundary: Path) -> Problem | None:
    """Why the handbook file ``path`` must not be read, or None when it may be.

    Only metadata is looked at; a refused file is never opened.
    """
    try:
        if not inside(path, boundary):
            return _outside(display, "file", path, boundary)
        mode = path.stat().st_mode
    except OSError as error:
        return _refuse(display, "FILE005", f"cannot read file: {error.strerror}")
    kind = kind_of(mode)
    if kind is not None:
        return _refuse(display, "FILE007", f"expected a regular file, found {kind}; sopsite "
                       "reads only regular files")
    return None


def walk(root: Path, boundary: Path, suffixes: tuple[str, ...]
         ) -> tuple[list[Path], list[Problem]]:
    """The files under ``root`` named with one of ``suffixes`` that may be read, in a stable
    order, and the problems of those that may not, of linked folders (never followed) and
    of ``root`` itself. Hidden files and folders are skipped.

    A plain file found this way is inside ``root``, and so inside the project, by
    construction: only links need `admit`, which keeps a large handbook's walk as cheap as
    listing it (the folder listing already says which entries are links or regular files).
    """
    if not inside(root, boundary):
        return [], [_outside(display_path(root), "folder", root, boundary)]
    found: list[Path] = []
    problems: list[Problem] = []
    for entry in _entries(root, problems):
        path = Path(entry.path)
        if entry.is_symlink() and entry.is_dir():
            if not inside(path, boundary):
                problems.append(_outside(display_path(path), "folder", path, boundary))
            else:
                problems.append(_refuse(
                    display_path(path), "FILE007", "expected a file or a folder, found a "
                    f"symbolic link to the folder {str(path.readlink())!r}; sopsite does not "
                    "follow linked folders: link the files instead"))
        elif entry.name.endswith(suffixes):
            refused = (None if entry.is_file(follow_symlinks=False)
                       else admit(path, display_path(path), boundary))
            if refused is None:
                found.append(path)
            else:
                problems.append(refused)
    return found, problems


def _entries(folder: Path, problems: list[Problem]) -> Iterator[os.DirEntry[str]]:
    """Every visible entry below ``folder`` that is not a real folder: a folder's own, sorted,
    then each subfolder's, as `os.walk` lists them (the first of two duplicate ids is the
    one found first, so the order is part of what authors see)."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted((e for e in scan if not e.name.startswith(".")),
                             key=lambda e: e.name)
    except OSError as error:
        problems.append(_refuse(display_path(folder), "FILE005",
                                f"cannot read folder: {error.strerror}"))
        return
    folders = [entry for entry in entries if entry.is_dir(follow_symlinks=False)]
    yield from (entry for entry in entries if not entry.is_dir(follow_symlinks=False))
    for entry in folders:
        yield from _entries(Path(entry.path), problems)


def read_bounded(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """At most ``limit + 1`` bytes of a regular file, and what `fstat` says it is.

    Opened without blocking, so a file replaced by a named pipe after `admit` looked at it
    cannot hang the run, and checked again on the open descriptor: anything but a regular
    file gives no bytes, and the caller looks at the mode. The caller compares the length
    with ``limit``.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return b"", status
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0 and (chunk := os.read(descriptor, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), status
    finally:
        os.close(descriptor)


def check_output(folder: Path, boundary: Path, what: str, hint: str = "") -> str | None:
    """Why sopsite must not write ``folder`` (its cache, its site), or None when it may.

    A folder that is a symbolic link, or resolves outside ``boundary``, would have the
    build write (and, for a site, replace) files elsewhere on the machine. ``hint`` ends
    the message (another way to say where).
    """
    lexical = _absolute(folder)
    if lexical.is_symlink():
        return (f"the {what} {display_path(lexical)} is a symbolic link to "
                f"{str(lexical.readlink())!r}; sopsite writes only to real folders inside the "
                f"project {_project(boundary)}: remove the link")
    if not inside(lexical, boundary):
        return (f"the {what} {display_path(lexical)} resolves to {os.path.realpath(lexical)!r}, "
                f"outside the project {_project(boundary)}; choose a folder inside it{hint}")
    return None


def remove_path(path: Path) -> None:
    """Delete ``path``, whatever is there: a folder with all it holds, anything else
    (a link, a file, a pipe) unlinked. rmtree refuses a link, fails on a file, and opens
    what it is given, so a pipe left there would hold it for ever."""
    try:
        folder = stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return
    if folder:
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
