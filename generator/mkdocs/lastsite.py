"""The last site built here, shown by a new `sopsite serve` until its own first build ends.

At a thousand documents a first build takes minutes, and an author who starts the server
again wants to read at once. A live server builds into a folder of the build cache that
outlives it (``serve-site/``); when it stops after a good build, a record beside the folder
says when it was built and for which address. `sopsite build` leaves the same record for
the site folder it replaced. The next server moves its old folder aside (or takes the
newer build's site, read only) and answers from it, every page under a banner that gives
its age, until its own first build ends; then the moved folder is deleted.

The record is signed, with a key kept outside the project (in the user's cache folder),
over the site folder's listing: every entry's path, size and modification time. Files that
came with a checkout or a restored cache, or changed after the build, are not the site that
was built here and are never shown; nor is a folder that holds a link or anything but
folders and regular files. Answers come from regular files inside the folder only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import posixpath
import secrets
import shutil
import stat
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.boundary import check_output, inside, project_root, remove_path
from generator.render.cache import read_entry, write_entry

try:
    import fcntl
except ImportError:  # no advisory locks: every server builds in a temporary folder
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("mkdocs.sopsite.serve")

FORMAT = "sopsite-last-site 1"
SERVE_SITE, SHOWN = "serve-site", "serve-shown"
RECORD = {True: "serve-site.json", False: "build-site.json"}
"""The record of the site a live server (True) or `sopsite build` (False) left."""
KEY_BYTES = 32
MAX_RECORD = 4096
"""Characters of a record at most (one is a few hundred)."""
MAX_FILE = 256 * 1024 * 1024
"""Bytes of one file served from the last site at most (a site's files are far smaller)."""


def _key(project: Path) -> bytes | None:
    """This user's signing key, made on first use; None where none can be kept, or where
    the repository could have brought it: a relative XDG_CACHE_HOME (read from the
    working folder; the XDG rules say to ignore it) or a cache folder inside ``project``."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or "")
    if not base.is_absolute():
        base = Path.home() / ".cache"
    path = base / "sopsite" / "last-site.key"
    if not base.is_absolute() or inside(path, project):
        return None
    try:
        found: bytes | None = path.read_bytes()
    except FileNotFoundError:
        found = None
    except OSError:
        return None
    if found is not None and len(found) >= KEY_BYTES:
        return found
    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".key-",
                                         delete=False) as out:  # made readable by its owner
            out.write(key)
        try:
            if found is None:  # a new key, whole or not at all, unless another came first
                os.link(out.name, path)
            else:  # one cut short (a crash while it was written) signs nothing: replace it
                Path(out.name).replace(path)
        finally:
            Path(out.name).unlink(missing_ok=True)
    except FileExistsError:  # made by another server meanwhile
        data = path.read_bytes()
        return data if len(data) >= KEY_BYTES else None
    except OSError:  # no home to keep it in
        return None
    return key


Files = Mapping[str, tuple[int, int, int, int, int]]
"""Each regular file of a site by its path (with "/"): device, inode, size, modification
and change times, as the check found it."""


def listing(root: Path) -> str | None:
    """A digest of every entry under ``root`` (path, kind, size, modification and change
    times: the change time cannot be set back, as the other can); None when ``root`` is a
    link or holds anything but folders and regular files."""
    walked = _walk(root)
    return walked[0] if walked is not None else None


def _walk(root: Path) -> tuple[str, Files] | None:
    """`listing`, and what identifies each file for `Shown.read`."""
    h = hashlib.blake2b(digest_size=32)
    found: dict[str, tuple[int, int, int, int, int]] = {}
    try:
        if not stat.S_ISDIR(os.lstat(root).st_mode):
            return None
        for folder, folders, files in os.walk(root, onerror=_raise):
            folders.sort()
            for name in sorted([*folders, *files]):
                path = Path(folder, name)
                mode = os.lstat(path)
                kind = "d" if stat.S_ISDIR(mode.st_mode) else "f"
                if kind == "f" and not stat.S_ISREG(mode.st_mode):
                    return None
                size = mode.st_size if kind == "f" else 0
                relative = path.relative_to(root)
                h.update(os.fsencode(relative))
                times = mode.st_mtime_ns, mode.st_ctime_ns
                h.update(f"\0{kind}\0{size}\0{times[0]}\0{times[1]}\n".encode())
                if kind == "f":
                    found[relative.as_posix()] = (mode.st_dev, mode.st_ino, size, *times)
    except OSError:
        return None
    return h.hexdigest(), found


def _raise(error: OSError) -> None:
    raise error


def _signature(key: bytes, fields: dict[str, str]) -> str:
    return hmac.new(key, json.dumps(fields, sort_keys=True).encode(), "sha256").hexdigest()


def record(records: Path, serving: bool, site: Path, mount: str, project: Path) -> None:
    """Sign ``site`` as the whole site a build wrote for ``mount``, just now (a site out
    of ``project``, such as a temporary folder, is not kept track of)."""
    key = _key(project) if check_output(site, project, "site folder") is None else None
    tree = listing(site) if key is not None else None
    if key is None or tree is None:
        forget(records, serving)
        return
    fields = {"format": FORMAT, "site": str(site.absolute()), "mount": mount,
              "built": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "listing": tree}
    write_entry(records, RECORD[serving], json.dumps({**fields,
                                                      "signature": _signature(key, fields)}))


def forget(records: Path, serving: bool) -> None:
    """Drop the record: its site is about to change."""
    with contextlib.suppress(OSError):
        (records / RECORD[serving]).unlink(missing_ok=True)


@dataclass(frozen=True)
class Shown:
    """A last good site, when it was built, and its files as they were checked."""

    root: Path
    built: dt.datetime
    files: Files

    def read(self, path: str, mount: str) -> tuple[str, bytes]:
        """What answers a request for ``path``: ("file", bytes), ("folder", b"") for a
        folder asked without its closing slash, or ("missing", b"")."""
        relative = path[len(mount):] + ("index.html" if path.endswith("/") else "")
        relative = posixpath.normpath("/" + relative).lstrip("/")
        data = self._checked(relative)
        if data is not None:
            return "file", data
        if not path.endswith("/") and posixpath.join(relative, "index.html") in self.files:
            return "folder", b""
        return "missing", b""

    def _checked(self, relative: str) -> bytes | None:
        """The bytes of a file that was checked, if it is still the very file that was
        (the folder may have been written since, a link put anywhere along its path)."""
        checked = self.files.get(relative)
        if checked is None or checked[2] > MAX_FILE:
            return None
        try:
            # Never through a link; a pipe put there must not hold the request either.
            descriptor = os.open(self.root / relative, os.O_RDONLY
                                 | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            mode = os.fstat(descriptor)
            if (mode.st_dev, mode.st_ino, mode.st_size, mode.st_mtime_ns,
                    mode.st_ctime_ns) != checked:
                return None
            with os.fdopen(os.dup(descriptor), "rb") as stream:
                return stream.read()
        except OSError:
            return None
        finally:
            os.close(descriptor)


def last_good(records: Path, serving: bool, mount: str, project: Path) -> Shown | None:
    """The site a record names, when this user's key signed it for ``mount`` and the
    folder is still what was signed."""
    text = read_entry(records / RECORD[serving])
    key = _key(project) if text is not None and len(text) <= MAX_RECORD else None
    if text is None or key is None:
        return None
    try:
        fields = json.loads(text)
        signature = fields.pop("signature")
        if not (isinstance(fields, dict) and isinstance(signature, str)
                and all(isinstance(value, str) for value in fields.values())):
            return None
        if not hmac.compare_digest(signature, _signature(key, fields)):
            return None
        if fields["format"] != FORMAT or fields["mount"] != mount:
            return None
        site, built = Path(fields["site"]), dt.datetime.fromisoformat(fields["built"])
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    walked = _walk(site)
    if walked is None or walked[0] != fields["listing"]:
        return None
    return Shown(site, built, walked[1])


def records_of(config: Any) -> tuple[Path, Path] | None:
    """Where this configuration's build cache keeps the records, and the project it
    belongs to; None without the sopsite plugin or with the build cache off."""
    from generator.mkdocs.buildcache import config_folder
    from generator.mkdocs.plugin import SopsitePlugin
    from generator.mkdocs.prepare import resolve

    plugin = next((p for p in config.plugins.values() if isinstance(p, SopsitePlugin)), None)
    if plugin is None or not plugin.config.build_cache or not config.config_file_path:
        return None
    config_file = Path(config.config_file_path)
    base = config_file.resolve().parent
    project = project_root(base)
    folder = config_folder(resolve(base, plugin.config.build_cache), config_file)
    if any(check_output(path, project, "build cache folder") is not None
           for path in (folder.parent.parent, folder.parent, folder)):
        return None
    return folder, project


class ServeSite:
    """Where one live server builds, and the last good site it shows meanwhile."""

    def __init__(self, site: Path, *, records: tuple[Path, Path] | None = None,
                 lock: int | None = None, shown: Shown | None = None,
                 moved: bool = False) -> None:
        self.site, self.records, self.shown = site, records, shown
        self._lock, self._moved = lock, moved

    @classmethod
    def temporary(cls) -> ServeSite:
        return cls(Path(tempfile.mkdtemp(prefix="sopsite-serve-")))

    @classmethod
    def claim(cls, records: tuple[Path, Path] | None, mount: str) -> ServeSite:
        """The build cache's server folder, emptied, with the newer of the last good sites
        to show; a temporary folder without the build cache (``records``: `records_of`),
        or while another server of this configuration holds the folder."""
        lock = _lock(records[0]) if records is not None else None
        if records is None or lock is None:
            return cls.temporary()
        folder, project = records
        site, aside = folder / SERVE_SITE, folder / SHOWN
        served, built = last_good(folder, True, mount, project), last_good(folder, False,
                                                                            mount, project)
        if served is not None and served.root != site:
            served = None  # a record for another folder: this one is not what it signed
        if built is not None and (built.root.is_relative_to(folder)
                                  or folder.is_relative_to(built.root)):
            built = None  # a site_dir in this folder: emptied below, then built into
        forget(folder, True)
        remove_path(aside)
        if served is not None and (built is None or served.built >= built.built):
            try:
                site.rename(aside)  # the files keep their identity (`Shown.files`)
                return cls(site, records=records, lock=lock,
                           shown=Shown(aside, served.built, served.files), moved=True)
            except OSError:
                pass
        remove_path(site)
        site.mkdir(parents=True, exist_ok=True)
        return cls(site, records=records, lock=lock, shown=built)

    def retire(self) -> None:
        """The first build has ended: stop showing the last site, and delete it if it was
        this server's to delete (in the background: it may be a big folder)."""
        shown, self.shown = self.shown, None
        if shown is not None and self._moved:
            threading.Thread(target=remove_path, args=(shown.root,), daemon=True).start()

    def close(self, *, good: bool, mount: str) -> None:
        """The server stops: a temporary folder goes; the build cache's folder stays, with
        a record when the last build was good."""
        if self.records is None:
            shutil.rmtree(self.site, ignore_errors=True)
            return
        if good:
            record(self.records[0], True, self.site, mount, self.records[1])
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def _lock(records: Path) -> int | None:
    if fcntl is None:
        return None
    try:
        records.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(records / "serve.lock",
                             os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        log.info("Another server of this configuration is running: building in a "
                 "temporary folder, with no earlier site to show meanwhile")
        return None
    return descriptor


def mount_of(site_url: str | None) -> str:
    """The path a site is served under, from its address (as `mkdocs serve` does)."""
    from urllib.parse import urlsplit

    return ("/" + urlsplit(site_url or "/").path.lstrip("/")).rstrip("/") + "/"

