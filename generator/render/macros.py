"""The handbook's data and links for hand-written pages, whichever engine runs their macros.

`docs/` pages may print `{{ handbook["SOP-IT-CI"].title }}` or `{{ doc_link("SOP-IT-CI") }}`,
and a start page `{{ role_links() }}`: one link per role, to what a newcomer in it learns.
Under MkDocs, mkdocs-macros runs them (`generator.mkdocs.macros`); Zensical runs no plugin,
so sopsite renders them itself (`generator.engines.zensical`). Both take the same data and
links from here. What a page gets to print is escaped (`generator.render.text.quoted`), so a
title cannot become markup on a hand-written page either; `doc_link` reads the raw values.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from typing import Any

from generator.model.handbook import Handbook
from generator.model.validate import did_you_mean
from generator.render import site
from generator.render.text import plain, quoted


class PageMacros:
    """The documents and roles a hand-written page may name, and the links to them."""

    def __init__(self, handbook: Handbook, pages: Collection[str] = ()) -> None:
        """``pages`` are the generated pages, so a role links to its curriculum only where
        it has one."""
        self.documents = {
            doc.id: {"id": doc.id, "title": doc.title, "version": doc.version,
                     "status": doc.status, "kind": doc.kind, "owner": doc.owner,
                     "effective": doc.effective.isoformat(), "path": site.doc_path(doc)}
            for doc in (e.item for e in handbook.documents)}
        self.roles = [
            {"id": role.id, "name": role.name,
             "path": (site.curriculum_path(role.id)
                      if site.curriculum_path(role.id) in pages else site.role_path(role.id))}
            for role in sorted(handbook.role_index.values(), key=lambda r: r.name.casefold())]

    def variables(self) -> dict[str, Any]:
        """The `handbook` and `roles` variables, every value escaped."""
        return {"handbook": {doc_id: {key: quoted(value) for key, value in doc.items()}
                             for doc_id, doc in self.documents.items()},
                "roles": [{key: quoted(value) for key, value in role.items()}
                          for role in self.roles]}

    def doc_link(self, doc_id: str, here: str) -> tuple[str, str | None]:
        """`[ID: Title (vX.Y)](link)` from the page ``here`` (its path in docs/), and what is
        wrong when no document has the id (the id alone is printed then)."""
        doc = self.documents.get(doc_id)
        if doc is None:
            return (str(plain(doc_id)), f"doc_link({doc_id!r}): no such document; "
                    f"{did_you_mean(doc_id, self.documents, 'documents')}")
        text = plain(f"{doc['id']}: {doc['title']} (v{doc['version']})")
        return f"[{text}]({_from(here, doc['path'])})", None

    def role_links(self, here: str) -> str:
        """A Markdown list, one link per role (by name), from the page ``here`` to the
        role's curriculum, or to the role's page when no training names it yet."""
        return "\n".join(f"- [{plain(role['name'])}]({_from(here, role['path'])})"
                         for role in self.roles)


def _from(here: str, path: str) -> str:
    return posixpath.relpath(path, posixpath.dirname(here) or ".")
