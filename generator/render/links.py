"""What a page may look up about items it is not made from (`Directory`), and the links a
template makes to them (`Links`): the one way a page reaches other items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup

from generator.model import AnyDocument, Language, Role, Term
from generator.model.handbook import Handbook
from generator.render import site
from generator.render.digest import digest_of
from generator.render.text import plain


class Named(NamedTuple):
    """What a page may show of a document it links to but is not made from."""

    id: str
    kind: str
    title: str
    version: str


@dataclass(frozen=True)
class Directory:
    """What any page may look up about items it is not made from: documents' names,
    roles and glossary terms, with one digest of all of it.

    Every page's cache key holds that digest (`generator.render.pages`), and `Links`, the
    only way a template reaches other items, reads nothing else: a page cannot show a
    title, a version or a role's name that its key does not cover.
    """

    document_index: dict[str, Named]
    role_index: dict[str, Role]
    term_index: dict[str, Term]
    digest: str

    @classmethod
    def of(cls, handbook: Handbook) -> Directory:
        """The directory of ``handbook``; with duplicate ids, the first item wins (a rule
        reports the rest)."""
        documents = {doc_id: Named(doc.id, doc.kind, doc.title, doc.version)
                     for doc_id, doc in handbook.document_index.items()}
        roles, terms = handbook.role_index, handbook.term_index
        digest = digest_of([list(documents.values()),
                            [role.fingerprint for role in roles.values()],
                            [term.fingerprint for term in terms.values()]])
        return cls(documents, roles, terms, digest)


@dataclass(frozen=True)
class Links:
    """Link helpers for one page: every target is relative to that page's path."""

    page: str
    directory: Directory
    steps_here: str | None = None
    """The id of the document whose step anchors this page holds (a frozen revision)."""
    language: Language = "en"
    """The page's language: role names and terms are shown in it where they have it."""

    def to(self, path: str, anchor: str = "") -> Markup:
        """A relative link target."""
        return Markup(site.relative(self.page, path, anchor))

    def doc(self, doc_id: str, *, with_version: bool = False, title_only: bool = False,
            ) -> Markup:
        """`[ID: Title](link)` for a document id, or the bare id if unknown; `[Title](link)`
        where the id stands beside it already (a table's id column)."""
        doc = self.directory.document_index.get(doc_id)
        if doc is None:
            return plain(doc_id)
        text = doc.title if title_only else f"{doc.id}: {doc.title}"
        text += f" (v{doc.version})" if with_version else ""
        return Markup(f"[{plain(text)}]({self.to(site.page_of(doc.kind, doc.id))})")

    def role(self, role_id: str) -> Markup:
        """`[Role name](link)` for a role id."""
        role = self.directory.role_index.get(role_id)
        if role is None:  # a past revision may name a role that no longer exists
            return plain(role_id)
        name = role.name_in(self.language)
        return Markup(f"[{plain(name)}]({self.to(site.role_path(role_id))})")

    def term(self, term_id: str) -> Markup:
        """`[term](glossary#id)` for a term id."""
        term = self.directory.term_index.get(term_id)
        if term is None:
            return plain(term_id)
        text = term.text_in(self.language).term
        return Markup(f"[{plain(text)}]({self.to(site.GLOSSARY, 'term-' + term_id)})")

    def step(self, doc: AnyDocument, step_id: str) -> Markup:
        """`[n. Title](link#step-id)` for a step of ``doc``."""
        steps = getattr(doc, "steps", [])
        for number, step in enumerate(steps, start=1):
            if step.id == step_id:
                anchor = f"step-{step_id}"
                here = site.doc_path(doc) == self.page or self.steps_here == doc.id
                target = f"#{anchor}" if here else self.to(site.doc_path(doc), anchor)
                return Markup(f"[{number}. {plain(step.title)}]({target})")
        return plain(step_id)

