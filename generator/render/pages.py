"""Generate the site's Markdown pages from a validated handbook: a pure function, no MkDocs.

`generate` returns the pages (source path -> Markdown) and their place in the navigation.
The MkDocs plugin writes them to its cache and registers them; `sopsite export` writes them
as plain files for other engines. Templates are Jinja files in `generator/templates/`; a
handbook may override any of them from a folder of its own, which is searched first.

A page is made by a function of the values it shows, and of nothing else: its key in a
`PageCache` is a digest of exactly those values, so under `sopsite serve` a page is made
again when, and only when, something it shows changed. What every page may show of items
it is not made from is the `Directory` (through `Links`); its digest is in every key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from generator import attachments
from generator.git.history import History
from generator.model import AnyDocument, Postmortem, Process, Retro, Sop
from generator.model.handbook import Handbook
from generator.model.incidents import DEFAULT_SEVERITIES, SeverityLevel
from generator.model.outside import attachments_of
from generator.render import documents, indexes, revisions, site, training
from generator.render.cache import PageCache, _Uncached
from generator.render.core import Renderer
from generator.render.indexes import Shared
from generator.render.links import Directory

T = TypeVar("T")
Sink = Callable[[str, str], None]


@dataclass(frozen=True)
class Site:
    """The generated pages (source path -> Markdown) and where they go in the navigation."""

    pages: dict[str, str]
    """Empty texts when the pages went to a `generate(sink=...)` as they were made."""
    nav: list[site.NavItem]
    unlisted: frozenset[str]
    homes: dict[str, str] = field(default_factory=dict)
    """Each page left out of the nav -> the page it belongs beside, so that the sidebar
    opens at that page's section (a procedure at its owner's group, a revision at its
    procedure's); see `generator.mkdocs.nav`."""
    files: dict[str, Path] = field(default_factory=dict)
    """Attachments to publish as they are: address in the site -> the file under the
    handbook folder (`generator.attachments`)."""


class _Out:
    """Where pages go: kept in a dict, or handed to a sink as they are made."""

    def __init__(self, sink: Sink | None) -> None:
        self.sink = sink
        self.pages: dict[str, str] = {}
        self.unlisted: set[str] = set()
        self.homes: dict[str, str] = {}
        self.files: dict[str, Path] = {}

    def __call__(self, path: str, text: str) -> None:
        if self.sink is None:
            self.pages[path] = text
        else:
            self.sink(path, text)
            self.pages[path] = ""

    def hidden(self, paths: set[str], home: str) -> None:
        """Pages left out of the navigation, each shown beside ``home``."""
        self.unlisted.update(paths)
        self.homes.update(dict.fromkeys(paths, home))


def generate(
    handbook: Handbook, *, today: dt.date, template_dir: Path | None = None,
    history: History | None = None, sink: Sink | None = None,
    cache: PageCache | None = None, renderer: Renderer | None = None,
    severities: tuple[SeverityLevel, ...] = DEFAULT_SEVERITIES, drafts_in_search: bool = False,
) -> Site:
    """Every page of the site; the same input gives the same bytes.

    With ``history`` (read from git), documents get revision tables, frozen pages of past
    versions, diffs between versions and the as-of view; without it, a notice says why not.
    With ``sink``, each page goes to ``sink(path, text)`` as soon as it is made and is not
    kept: a one-off build then never holds all the Markdown. With ``cache``, pages whose
    inputs did not change since the cache's last build are not made again. Drafts and
    documents in review stay out of search unless ``drafts_in_search``.
    """
    renderer = renderer or Renderer(template_dir)
    pages: PageCache | _Uncached = cache if cache is not None else _Uncached()
    pages.start()
    directory = Directory.of(handbook)
    shared = Shared(renderer, today, directory, history.state.short if history else "unknown",
                    history.notice if history else None, history is not None,
                    renderer.templates_digest(), severities, drafts_in_search)
    docs = sorted((e.item for e in handbook.documents), key=lambda d: d.id)
    roles = sorted((e.item for e in handbook.roles), key=lambda r: r.id)
    modules = [d for d in docs if isinstance(d, Sop | Process) and d.training]
    curricula = {role.id: training.curriculum(modules, role.id) for role in roles}
    curricula = {role_id: mods for role_id, mods in curricula.items() if mods}
    plan = site.plan(docs, {role.id: role.name for role in roles}, curricula)
    out = _Out(sink)
    out.homes.update(plan.homes)
    texts = {e.item.id: e.text for e in handbook.documents}
    timelines = {doc.id: revisions.timeline(doc, texts.get(doc.id),
                                            history.revisions.get(doc.id, []) if history else [])
                 for doc in docs}
    _document_pages(pages, shared, docs, timelines, out, handbook.root)
    learning = {role_id: (site.curriculum_path(role_id), indexes.curriculum_total(mods))
                for role_id, mods in curricula.items()}
    _index_pages(pages, shared, plan, docs, roles, handbook, learning, out)
    _training_pages(pages, shared, modules, curricula, out)
    _asof_pages(pages, shared, timelines, out)
    pages.finish()
    return Site(dict(sorted(out.pages.items())), plan.nav, plan.unlisted | out.unlisted,
                out.homes, dict(sorted(out.files.items())))


def _document_pages(pages: PageCache | _Uncached, shared: Shared, docs: list[AnyDocument],
                    timelines: dict[str, list[revisions.Row]], out: _Out, root: Path) -> None:
    """Each document's own pages: its page, past revisions, diffs and training, and the
    attachments they show (read again each build: a changed file makes its pages again)."""
    retros_of: dict[str, list[Retro]] = {}
    superseded_by: dict[str, list[str]] = {}
    for doc in docs:
        if isinstance(doc, Retro):
            retros_of.setdefault(doc.subject.document, []).append(doc)
        for ref in doc.supersedes:
            superseded_by.setdefault(ref, []).append(doc.id)
    for doc in docs:
        shown = [a.path for row in timelines[doc.id] if row.source != "declared"
                 for _, a in attachments_of(row.doc)]
        files = attachments.published(root, shown) if shown else {}
        out.files.update((stored.uri, stored.source) for stored in files.values())
        made, hidden = pages.made(doc.id, documents.pages_of, shared, doc, timelines[doc.id],
                                  retros_of.get(doc.id, []), superseded_by.get(doc.id, []),
                                  files)
        for path, text in made.items():
            out(path, text)
        out.hidden(hidden, site.doc_path(doc))


def _index_pages(pages: PageCache | _Uncached, shared: Shared, plan: site.Plan,
                 docs: list[AnyDocument], roles: list[Any], handbook: Handbook,
                 curricula: dict[str, tuple[str, str]], out: _Out) -> None:
    """Pages that list documents: sections, groups, roles (``curricula``: each role's
    curriculum page and time), the glossary and dashboards."""
    for kind, title in site.SECTION_TITLES.items():
        path = site.index_path(kind)
        groups = [g for g in plan.groups if g.kind == kind]
        if groups:
            out(path, pages.made(path, indexes.section, shared, path, title, groups))
    for group in plan.groups:
        out(group.path, pages.made(group.path, indexes.group, shared, group))
    owns: dict[str, list[AnyDocument]] = {}
    for doc in docs:
        owns.setdefault(doc.owner, []).append(doc)
    involved, signed = indexes.role_parts(docs)
    for role in roles:
        path = site.role_path(role.id)
        out(path, pages.made(path, indexes.role, shared, role, involved.get(role.id, []),
                             owns.get(role.id, []), signed.get(role.id, []),
                             curricula.get(role.id)))
    out(site.ROLES_INDEX, pages.made(site.ROLES_INDEX, indexes.roles, shared, roles))
    terms = sorted((e.item for e in handbook.terms), key=lambda t: t.term.lower())
    used_by = {term.id: [d for d in docs if term.id in d.terms] for term in terms}
    out(site.GLOSSARY, pages.made(site.GLOSSARY, indexes.glossary, shared, terms, used_by))
    out(site.CATALOGUE, pages.made(site.CATALOGUE, indexes.catalogue, shared, docs))
    out(site.REVIEWS, pages.made(site.REVIEWS, indexes.reviews, shared, docs))
    records = [doc for doc in docs if isinstance(doc, Retro | Postmortem)]
    out(site.ACTIONS, pages.made(site.ACTIONS, indexes.actions, shared, records))
    out(site.TAGS, pages.made(site.TAGS, indexes.tags, shared))
    out(indexes.FIELDS, pages.made(indexes.FIELDS, indexes.fields))
    out(indexes.RULES_PAGE, pages.made(indexes.RULES_PAGE, indexes.rules))


def _training_pages(pages: PageCache | _Uncached, shared: Shared,
                    modules: list[Sop | Process], curricula: dict[str, list[Sop | Process]],
                    out: _Out) -> None:
    """Each role's curriculum and the training index."""
    roles = shared.directory.role_index
    for role_id, mods in curricula.items():
        path = site.curriculum_path(role_id)
        out(path, pages.made(path, indexes.curriculum, shared, roles[role_id], mods))
    if modules:
        chosen = [(roles[r], mods) for r, mods in curricula.items()]
        out(site.TRAINING_INDEX, pages.made(site.TRAINING_INDEX, indexes.training_index,
                                            shared, modules, chosen))


def _asof_pages(pages: PageCache | _Uncached, shared: Shared,
                timelines: dict[str, list[revisions.Row]], out: _Out) -> None:
    """What was in force on each month-end: the index (with the data the as-of view reads)
    and one page of tables per year, for readers without JavaScript."""
    all_rows = [row for rows in timelines.values() for row in rows]
    if not all_rows:
        return
    first = min(row.effective for row in all_rows)
    ends = revisions.month_ends(min(first, shared.today), shared.today)
    years = sorted({day.year for day in ends})
    # The index holds the data of every revision, which changes with any document: it is
    # made each time, and is small.
    out(revisions.ASOF_INDEX, indexes.asof(shared, timelines, years))
    for year in years:
        path = revisions.asof_year_path(year)
        tables = [(day, [(doc_id, indexes.in_force(revisions.in_force(rows, day)))
                         for doc_id, rows in sorted(timelines.items())])
                  for day in ends if day.year == year]
        out(path, pages.made(path, indexes.asof_year, shared, year, tables))
        out.hidden({path}, revisions.ASOF_INDEX)
