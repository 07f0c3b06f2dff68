"""The handbook's data and links for hand-written pages, through mkdocs-macros when it is on
(`generator.render.macros`)."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from markupsafe import Markup

from generator.model.handbook import Handbook
from generator.render.macros import PageMacros

log = logging.getLogger("mkdocs.plugins.sopsite")


def register(config: Any, handbook: Handbook, pages: Collection[str] = ()) -> None:
    """Register the `handbook` and `roles` variables and the `doc_link` and `role_links`
    macros, if macros is on; ``pages`` are the generated pages."""
    macros = config.plugins.get("macros")
    if macros is None:
        return
    data = PageMacros(handbook, pages)

    def here() -> str:
        page = getattr(macros, "page", None)
        return page.file.src_uri if page is not None else ""

    def doc_link(doc_id: str) -> str:
        """`[ID: Title (vX.Y)](link)` from the calling page; an unknown id is an error."""
        link, problem = data.doc_link(doc_id, here())
        if problem is not None:
            # A warning, not an exception: macros would print a traceback and exit, while
            # a warning fails a strict build with this one clear line.
            where = f"docs/{here()}: " if here() else ""
            log.warning(f"{where}{problem}")
            return link
        return str(Markup(link))

    def role_links() -> str:
        """One link per role, from the calling page."""
        return str(Markup(data.role_links(here())))

    macros.register_variables(data.variables())
    macros.register_macros({"doc_link": doc_link, "role_links": role_links})
