"""The digests the build cache keys its entries by, and the parts of a page they are made of.

Apart from `generator.mkdocs.buildcache` (which reads and writes the entries): a key that
leaves out an input serves a stale page, so what goes into each is kept in one place.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mkdocs.structure.toc import AnchorLink

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stable(value: Any) -> Any:
    """A JSON fallback that names an object by what it is, never by where it is in memory;
    a set in an order that does not depend on the process's string hashing."""
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    if isinstance(value, Mapping):
        return [[repr(k), v] for k, v in value.items()]
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return _ADDRESS.sub("", repr(value))


def digest(*parts: Any) -> str:
    """The hex digest of parts in order: texts as they are (a page's Markdown and HTML are
    most of what is digested), anything else as JSON, or as `stable` names it; each part
    prefixed with its kind and length, so no two sequences of parts digest alike."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        kind, text = ("s", part) if isinstance(part, str) else (
            "j", json.dumps(part, default=stable, ensure_ascii=False))
        data = text.encode("utf-8", "surrogatepass")
        h.update(f"{kind}{len(data)}:".encode())
        h.update(data)
    return h.hexdigest()


def toc_tokens(toc: Iterable[AnchorLink]) -> list[dict[str, Any]]:
    """A table of contents as the tokens MkDocs makes one from (`get_toc`): what is kept
    with a conversion, and digested with a page."""
    return [{"name": a.title, "id": a.id, "level": a.level,
             "children": toc_tokens(a.children)} for a in toc]


def plugin_config(plugin: Any) -> Any:
    """A plugin's options, as far as they can be digested: a plugin's options change what
    it does to every page."""
    config: Any = getattr(plugin, "config", None)
    return dict(config) if hasattr(config, "items") else stable(config)


def nav_tokens(items: Iterable[Any]) -> list[Any]:
    """The navigation's shape, titles and addresses: every page's template shows them."""
    return [(type(item).__name__, item.title, getattr(item, "url", None),
             nav_tokens(getattr(item, "children", None) or ())) for item in items]
