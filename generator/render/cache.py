"""Pages kept from one build to the next, each under a digest of what it was made from.

In memory for a live server's next build, and on disk (the build cache's `pages/` folder)
for the next run: a page is made again only when what it is made from changed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import generator
from generator.render.digest import digest_of

T = TypeVar("T")
_MISSING: Any = object()


def tree_digest(folder: Path, into: Any, marker: bytes = b"") -> bool:
    """Feed every file's path and bytes under ``folder`` into the hash ``into``; whether
    any file holds ``marker`` (read in the same pass)."""
    found = False
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            data = path.read_bytes()
            found = found or (bool(marker) and marker in data)
            into.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            into.update(hashlib.blake2b(data, digest_size=20).digest())
    return found


def software_digest() -> str:
    """Every installed package at its version, the Python that runs them and sopsite's own
    files (an editable install keeps its version string while its code changes)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{sys.version}\0".encode())
    for name, version in sorted({(d.metadata["Name"] or "", d.version)
                                 for d in importlib.metadata.distributions()}):
        h.update(f"{name}=={version}\0".encode())
    tree_digest(Path(generator.__file__).parent, h)
    return h.hexdigest()


def read_entry(path: Path) -> str | None:
    """A cache entry's text; None for one that is missing, not a regular file (a link is
    never followed: the cache is inside the project and reads nothing outside it) or not
    text."""
    try:
        # Nor is a pipe put there waited on.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None
        data = stream.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_entry(folder: Path, key: str, text: str) -> None:
    """Write a cache entry whole or not at all (a temporary name, then a rename); a cache
    that cannot be written costs time, not the build."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, prefix=".",
                                         delete=False) as out:
            out.write(text)
        Path(out.name).replace(folder / key)
    except OSError as error:
        logging.getLogger("sopsite.cache").info("cache entry not written: %s", error)


def forget_except(folder: Path, used: set[str]) -> None:
    """Remove the entries of ``folder`` a build did not read: it keeps one site's worth."""
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in used:
                path.unlink(missing_ok=True)


class PageCache:
    """The pages of the last build, each with the digest of what it was made from.

    Only the last build's pages are kept: a page that is not made again (its document
    was removed) is forgotten with that build. With a ``store`` folder each page is also
    kept on disk under its digest (salted with ``salt``, the software that made it), for
    the next process; ``keep=False`` (a one-off build) holds none in memory.
    """

    def __init__(self, store: Path | None = None, salt: str = "", *, keep: bool = True) -> None:
        self._kept: dict[str, tuple[str, Any]] = {}
        self._fresh: dict[str, tuple[str, Any]] = {}
        self.store, self.salt, self.keep = store, salt, keep
        self._used: set[str] = set()

    def start(self) -> None:
        """A build begins: forget what a build that failed half-way made."""
        self._fresh = {}
        self._used = set()

    def made(self, name: str, make: Callable[..., T], *inputs: object) -> T:
        """``make(*inputs)``, or what it returned last time for the same inputs."""
        key = digest_of([self.salt, make.__module__, make.__qualname__, list(inputs)])
        self._used.add(key)
        hit = self._kept.get(name)
        value: T = hit[1] if hit is not None and hit[0] == key else self._stored(key)
        if value is _MISSING:
            value = make(*inputs)
            self._save(key, value)
        if self.keep:
            self._fresh[name] = (key, value)
        return value

    def _stored(self, key: str) -> Any:
        if self.store is None:
            return _MISSING
        text = read_entry(self.store / key)
        return _MISSING if text is None else _decode(text)

    def _save(self, key: str, value: object) -> None:
        text = _encode(value) if self.store is not None else None
        if self.store is not None and text is not None:
            write_entry(self.store, key, text)

    def finish(self) -> None:
        """The build is done: what it made is what the next one may reuse; the store
        forgets the pages no longer made."""
        self._kept, self._fresh = (self._fresh, {}) if self.keep else ({}, {})
        if self.store is not None:
            forget_except(self.store, self._used)


def _encode(value: object) -> str | None:
    """A page (its text) or a document's pages (texts by path, and those left out of the
    navigation) as JSON; anything else is not kept on disk."""
    if isinstance(value, str):
        return json.dumps({"text": value}, ensure_ascii=False)
    if (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict)
            and isinstance(value[1], set | frozenset)):
        return json.dumps({"pages": value[0], "hidden": sorted(value[1])}, ensure_ascii=False)
    return None


def _decode(text: str) -> Any:
    """What `_encode` wrote, or `_MISSING` for a file that is not whole or not of this kind."""
    try:
        data = json.loads(text)
    except ValueError:
        return _MISSING
    if isinstance(data, dict) and isinstance(data.get("text"), str) and len(data) == 1:
        return data["text"]
    if (isinstance(data, dict) and set(data) == {"pages", "hidden"}
            and isinstance(data["pages"], dict) and isinstance(data["hidden"], list)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in data["pages"].items())
            and all(isinstance(h, str) for h in data["hidden"])):
        return data["pages"], set(data["hidden"])
    return _MISSING


class _Uncached:
    """A `PageCache` for a one-off build: it makes every page and keeps none."""

    def start(self) -> None:
        pass

    def made(self, name: str, make: Callable[..., T], *inputs: object) -> T:
        return make(*inputs)

    def finish(self) -> None:
        pass
