"""Where generated pages go in MkDocs' navigation.

The generated sections follow the hand-written pages (or the configured nav). A large
handbook keeps its procedures out of the sidebar (their group pages list them), and frozen
revisions are never in it; MkDocs gives such a page no parent, so the sidebar would show no
open section at all. Its home page's section is the place a reader came from, and the page
size stays the same at any handbook size.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import Files

from generator.render.pages import Site

MAX_HOPS = 8
"""A checklist -> its module -> the training index: homes chain, but not far."""


def navigation(site: Site, files: Files, nav: list[Any] | None) -> list[Any]:
    """Hand-written pages first (or the configured nav), then the generated sections."""
    if nav is None:
        written = sorted((f.src_uri for f in files.documentation_pages()
                          if f.src_uri not in site.pages),
                         key=lambda uri: (uri != "index.md", uri))
        return [*written, *site.nav]
    return [*nav, *site.nav]


def open_at_home(site: Site, files: Files) -> None:
    """Give each page left out of the navigation its home page's section as parent."""
    by_uri = files.src_uris  # our uris are POSIX already: no need to normalise each
    for uri in site.unlisted:
        file = by_uri.get(uri)
        home = site.homes.get(uri)
        for _ in range(MAX_HOPS):
            if home is None or home not in site.unlisted:
                break
            home = site.homes.get(home)
        target = by_uri.get(home) if home is not None else None
        if file is None or file.page is None or target is None or target.page is None:
            continue
        if target.page.parent is not None:
            file.page.parent = target.page.parent
