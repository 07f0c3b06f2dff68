"""Files kept beside the YAML that a page shows or links: what they are, and whether they
may be published.

An attachment is copied into the site as it is, so it is judged as a YAML source is (the
repository is the boundary, `generator.boundary`) and more: only a few types, told by the
name AND by the first bytes (an HTML page renamed `.png` is still HTML, and a browser that
sniffs it would run its script), and a bounded size. SVG and HTML are never allowed: both
can carry script. The file is read once, to judge it and to digest it; a page that shows
it is made again when the digest changes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.boundary import admit, display_path, inside, read_bounded
from generator.model.outside import IMAGES, path_problem

MAX_BYTES = 5 * 1024 * 1024
"""Largest attachment: a scanned manual or a screenshot fits; a video does not belong in
a handbook's repository, and every copy of the site carries each byte."""


TYPES = {"pdf": "PDF", "png": "PNG image", "jpg": "JPEG image", "jpeg": "JPEG image",
         "gif": "GIF image", "webp": "WebP image", "txt": "text", "csv": "CSV"}
"""The allowed types by extension (lower case), as the page names them."""

SITE_FOLDER = "attachments"
"""Where attachments go in the site: `attachments/<path under the handbook folder>`."""


def _magic(extension: str, data: bytes) -> bool:
    """Whether ``data`` begins as a file of ``extension`` does."""
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return _plain_text(data)


def _plain_text(data: bytes) -> bool:
    """UTF-8 text without NUL that does not open as markup (a page renamed `.txt`)."""
    if b"\0" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not text.lstrip().startswith("<")


@dataclass(frozen=True)
class Stored:
    """An attachment that may be published: where it is, what it is, and its digest."""

    path: str
    """As the author wrote it, relative to the handbook folder."""
    source: Path
    extension: str
    size: int
    sha256: str

    @property
    def uri(self) -> str:
        """Its address in the site, relative to the site's top."""
        return f"{SITE_FOLDER}/{self.path}"

    @property
    def image(self) -> bool:
        return self.extension in IMAGES

    @property
    def type_name(self) -> str:
        return TYPES[self.extension]

    @property
    def fingerprint(self) -> str:
        """What a page's cache key holds of it: a changed file makes its pages again."""
        return f"{self.path}:{self.size}:{self.sha256}"


def extension_of(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


Refusal = tuple[str, str]
"""Why an attachment may not be published: the rule's code and the message."""

MISSING, TYPE, SIZE = "ATTACH002", "ATTACH003", "ATTACH004"


def inspect(root: Path, path: str) -> Stored | Refusal:
    """The attachment ``path`` under the handbook folder ``root`` if it may be published,
    else the code and message of why not (`path_problem` is the caller's to ask first).

    The file must resolve inside ``root`` itself (a link to elsewhere in the repository
    is refused too: what is published is what sits in the handbook folder), be a regular
    file, of an allowed type by name and by content, and at most `MAX_BYTES`.
    """
    file = root / path
    shown = display_path(file)
    if not os.path.lexists(file):
        return MISSING, f"expected a file at {shown}, found none"
    boundary = root.resolve()
    if not inside(file, boundary):
        where = str(file.readlink()) if file.is_symlink() else os.path.realpath(file)
        return MISSING, (f"expected a file inside the handbook folder {display_path(root)}, "
                      f"found a link to {where!r} outside it; copy the file in instead")
    linked = next((folder for folder in file.parents if folder != root
                   and folder.is_relative_to(root) and folder.is_symlink()), None)
    if linked is not None:
        return MISSING, (f"expected a file in a real folder of {display_path(root)}, found "
                         f"it through the linked folder {display_path(linked)}; sopsite does "
                         "not follow linked folders: link the file instead")
    refused = admit(file, shown, boundary)
    if refused is not None:
        return MISSING, refused.message
    extension = extension_of(path)
    if extension not in TYPES:
        return TYPE, (f"expected one of the types {', '.join(sorted(TYPES))}, found "
                      f"{('.' + extension) if extension else 'no extension'!r} in {path!r}; "
                      "SVG and HTML are refused because they can carry script")
    data, status = read_bounded(file, MAX_BYTES)
    if len(data) > MAX_BYTES:
        return SIZE, (f"expected a file of at most {MAX_BYTES // (1024 * 1024)} MiB, found "
                      f"{status.st_size:,} bytes in {path!r}")
    if not _magic(extension, data):
        return TYPE, (f"expected the content of a {TYPES[extension]} file, found bytes that "
                      f"are not one in {path!r}; a file's name must say what it holds")
    return Stored(path, file.absolute(), extension, len(data), hashlib.sha256(data).hexdigest())


def published(root: Path, paths: Iterable[str]) -> dict[str, Stored]:
    """The attachments among ``paths`` that may be published, by path, in path order.

    One refused is left out (its rule has stopped the build already, or the caller shows
    its title without a link).
    """
    found: dict[str, Stored] = {}
    for path in sorted(set(paths)):
        if path_problem(path) is None:
            stored = inspect(root, path)
            if isinstance(stored, Stored):
                found[path] = stored
    return found


def human_size(size: int) -> str:
    """A size as a reader wants it: bytes, KB or MB, one decimal at most."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB".replace(".0 ", " ")
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 ", " ")
