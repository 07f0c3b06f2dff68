"""Handbook data for hand-written pages, through mkdocs-macros when it is on.

`docs/` pages may print `{{ handbook["SOP-IT-CI"].title }}` or `{{ doc_link("SOP-IT-CI") }}`,
and a start page `{{ role_links() }}`: one link per role, to what a newcomer in it learns.
What a page gets to print is escaped (`generator.render.text.quoted`), so a title cannot
become markup on a hand-written page either; `doc_link` reads the raw values.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Collection
from typing import Any

from markupsafe import Markup

from generator.model.handbook import Handbook
from generator.model.validate import did_you_mean
from generator.render import site
from generator.render.text import plain, quoted

log = logging.getLogger("mkdocs.plugins.sopsite")


def register(config: Any, handbook: Handbook, pages: Collection[str] = ()) -> None:
    """Register the `handbook` and `roles` variables and the `doc_link` and `role_links`
    macros, if macros is on; ``pages`` are the generated pages, so a role links to its
    curriculum only where it has one."""
    macros = config.plugins.get("macros")
    if macros is None:
        return
    documents = {
        doc.id: {"id": doc.id, "title": doc.title, "version": doc.version,
                 "status": doc.status, "kind": doc.kind, "owner": doc.owner,
                 "effective": doc.effective.isoformat(), "path": site.doc_path(doc)}
        for doc in (e.item for e in handbook.documents)
    }
    variables = {doc_id: {key: quoted(value) for key, value in doc.items()}
                 for doc_id, doc in documents.items()}

    def doc_link(doc_id: str) -> str:
        """`[ID: Title (vX.Y)](link)` from the calling page; an unknown id is an error."""
        doc = documents.get(doc_id)
        page = getattr(macros, "page", None)
        if doc is None:
            # A warning, not an exception: macros would print a traceback and exit, while
            # a warning fails a strict build with this one clear line.
            where = f"docs/{page.file.src_uri}: " if page is not None else ""
            log.warning(f"{where}doc_link({doc_id!r}): no such document; "
                        f"{did_you_mean(doc_id, documents, 'documents')}")
            return str(plain(doc_id))
        here = posixpath.dirname(page.file.src_uri) if page is not None else ""
        target = posixpath.relpath(doc["path"], here or ".")
        text = plain(f"{doc['id']}: {doc['title']} (v{doc['version']})")
        return str(Markup(f"[{text}]({target})"))

    roles = [{"id": role.id, "name": role.name,
              "path": (site.curriculum_path(role.id)
                       if site.curriculum_path(role.id) in pages else site.role_path(role.id))}
             for role in sorted(handbook.role_index.values(), key=lambda r: r.name.casefold())]

    def role_links() -> str:
        """A Markdown list, one link per role (by name), from the calling page to the
        role's curriculum, or to the role's page when no training names it yet."""
        page = getattr(macros, "page", None)
        here = posixpath.dirname(page.file.src_uri) if page is not None else ""
        return str(Markup("\n".join(
            f"- [{plain(role['name'])}]({posixpath.relpath(role['path'], here or '.')})"
            for role in roles)))

    macros.register_variables({"handbook": variables,
                               "roles": [{key: quoted(value) for key, value in role.items()}
                                         for role in roles]})
    macros.register_macros({"doc_link": doc_link, "role_links": role_links})
