"""Generate the site's Markdown pages from a validated handbook: a pure function, no MkDocs.

`generate` returns `{source path: Markdown}`. The MkDocs plugin writes these to its cache and
registers them; `sopsite export` writes them as plain files for other engines. Templates are
Jinja files in `generator/templates/`; a handbook may override any of them from a folder of
its own, which is searched first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.git import diff as semdiff
from generator.git.history import History
from generator.memo import ByIdentity
from generator.model import AnyDocument, Process, Retro, Sop, minutes
from generator.model.graph import forget_graphs
from generator.model.handbook import Handbook
from generator.render import reference, revisions, site, training
from generator.render.core import Links, Renderer, flow, gantt, step_views
from generator.render.i18n import LANGUAGE_NAMES, labels, status_label

DUE_SOON_DAYS = 30


_DOCUMENT_PAGES: dict[str, tuple[str, tuple[dict[str, str], set[str]]]] = {}
"""Per process, by document id: the pages generated from it and the inputs they came from.
Under `sopsite serve`, saving one file regenerates that document's pages only; pages built
from several documents are kept in `_INDEX_PAGES`."""


_INDEX_PAGES: dict[str, tuple[str, str]] = {}
"""Per process, by path: pages built from several documents (a role's tasks, a curriculum,
a year of month-ends, the catalogue, the glossary), with a digest of what they read. The
small dashboards (reviews, open actions) and the as-of index are rendered each time."""

_DIGESTS: ByIdentity[str] = ByIdentity()
"""Per process, by model: a digest of its JSON. Unchanged files keep their parsed models
under serve, so a rebuild need not serialise a thousand documents to see that they did not
change."""

_RENDERERS: dict[str, Renderer] = {}
"""Per process, by template folder: Jinja compiles each template once, not once per build."""


_TEXTS: ByIdentity[str] = ByIdentity()
"""Per process, by text: a digest of a revision's YAML. The texts of unchanged files are
the same objects from one build to the next, so a save need not hash the whole handbook
again."""


def release_caches() -> None:
    """Forget what was kept for the next build in this process (see `_DOCUMENT_PAGES`)."""
    from generator.checks import forget_findings
    from generator.git.history import forget_history
    from generator.load.handbook import forget_parsed

    _DOCUMENT_PAGES.clear()
    _INDEX_PAGES.clear()
    _DIGESTS.clear()
    _TEXTS.clear()
    _RENDERERS.clear()
    forget_graphs()
    forget_parsed()
    forget_history()
    forget_findings()


def _fingerprint(handbook: Handbook, today: dt.date, template_dir: Path | None,
                 history: History | None) -> str:
    """What every document page may read besides its own document: other documents' ids,
    titles and versions, role names, glossary entries, the day, the templates, the commit.

    A digest, not the text: the text grows with the handbook and each document's key
    holds it, which at 5000 documents was 4 GB of keys."""
    templates = sorted((str(p), p.stat().st_mtime_ns) for p in template_dir.rglob("*")
                       if p.is_file()) if template_dir else []
    return _digest([
        today.isoformat(), str(template_dir), templates,
        [history.state.head, history.notice] if history else None,
        [(e.item.id, e.item.kind, e.item.title, e.item.version, e.item.status, e.item.owner,
          bool(getattr(e.item, "training", None))) for e in handbook.documents],
        [(e.item.id, e.item.name, {language: role.name for language, role
                                    in e.item.translations.items()}) for e in handbook.roles],
        [e.item.model_dump(mode="json") for e in handbook.terms],
    ])


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _dumped(model: BaseModel) -> str:
    """A digest of the model's content, remembered for as long as the model is in use."""
    return _DIGESTS.get(model, lambda: _digest(model.model_dump(mode="json")))


def _text_digest(text: str | None) -> str:
    """A digest of a revision's YAML, remembered apart from the models' (see `_TEXTS`)."""
    if text is None:
        return ""
    return _TEXTS.get(text, lambda: hashlib.sha256(text.encode()).hexdigest())


def _document_key(doc: AnyDocument, rows: list[revisions.Row], retros: list[Retro],
                  superseded_by: list[str]) -> str:
    """Everything about one document its own pages show, as a digest."""
    return _digest([
        _dumped(doc),
        [(r.version, r.commit, r.author, r.committed, r.current, r.page,
          None if r.current else _dumped(r.doc), _text_digest(r.text)) for r in rows],
        [(r.id, r.title, r.date, r.subject.version) for r in retros],
        superseded_by,
    ])


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
    procedure's); see `generator.mkdocs.plugin`."""


def generate(
    handbook: Handbook, *, today: dt.date, template_dir: Path | None = None,
    history: History | None = None, sink: Callable[[str, str], None] | None = None,
) -> Site:
    """Every page of the site; the same input gives the same bytes.

    With ``history`` (read from git), documents get revision tables, frozen pages of past
    versions, diffs between versions and the as-of view; without it, a notice says why not.

    With ``sink``, each page goes to ``sink(path, text)`` as soon as it is made and is not
    kept (nor cached for a next build): a one-off build then never holds all the Markdown.
    """
    renderer = _RENDERERS.get(str(template_dir))
    if renderer is None:
        renderer = _RENDERERS[str(template_dir)] = Renderer(template_dir)
    role_names = {e.item.id: e.item.name for e in handbook.roles}
    pages: dict[str, str] = {}

    def emit(path: str, text: str) -> None:
        if sink is None:
            pages[path] = text
        else:
            sink(path, text)
            pages[path] = ""

    documents = sorted((e.item for e in handbook.documents), key=lambda d: d.id)
    roles = sorted((e.item for e in handbook.roles), key=lambda r: r.id)
    modules = [d for d in documents if isinstance(d, Sop | Process) and d.training]
    curricula = {role.id: training.curriculum(modules, role.id) for role in roles}
    curricula = {role_id: mods for role_id, mods in curricula.items() if mods}
    plan = site.plan(documents, role_names, curricula)
    terms = sorted((e.item for e in handbook.terms), key=lambda t: t.term.lower())
    retros_of: dict[str, list[Retro]] = {}
    for doc in documents:
        if isinstance(doc, Retro):
            retros_of.setdefault(doc.subject.document, []).append(doc)

    def common(page: str, doc: AnyDocument | None = None) -> dict[str, Any]:
        words = labels(doc.language if doc else "en")
        links = Links(page, handbook, language=doc.language if doc else "en")
        return {"links": links, "words": words, "today": today, "language_names": LANGUAGE_NAMES,
                "status_label": lambda status: status_label(words, status),
                "build_commit": history.state.short if history else "unknown"}

    def document_page(doc: AnyDocument, path: str, **extra: Any) -> str:
        context = common(path, doc)
        context.update(doc=doc, frozen=None, revisions=None, module=None,
                       superseded_by=superseded_by.get(doc.id, []),
                       history_notice=history.notice if history else None)
        if isinstance(doc, Sop | Process):
            context.update(flow(doc, handbook, context["words"]), steps=step_views(doc.steps))
        if isinstance(doc, Process):
            context.update(retros=retros_of.get(doc.id, []),
                           risks=sorted(doc.premortem,
                                        key=lambda r: (-r.likelihood * r.impact, r.id)),
                           gantt=gantt(doc, context["words"]))
        context.update(extra)
        return renderer.render(f"{doc.kind}.md.j2", **context)

    superseded_by: dict[str, list[str]] = {}
    for doc in documents:
        for ref in doc.supersedes:
            superseded_by.setdefault(ref, []).append(doc.id)
    texts = {e.item.id: e.text for e in handbook.documents}
    timelines = {
        doc.id: revisions.timeline(doc, texts.get(doc.id),
                                   history.revisions.get(doc.id, []) if history else [])
        for doc in documents
    }
    def pages_of(doc: AnyDocument) -> tuple[dict[str, str], set[str]]:
        """Everything generated from one document: its page, past revisions, diffs, training."""
        own: dict[str, str] = {}
        hidden: set[str] = set()
        rows = timelines[doc.id]
        path = site.doc_path(doc)
        module = site.module_path(doc) if getattr(doc, "training", None) else None
        own[path] = document_page(doc, path, module=module,
                                  revisions=rows if history is not None else None)
        for row, following in itertools.pairwise(rows):
            frozen = {"row": row, "until": following.doc.effective}
            own[row.page] = document_page(
                row.doc, row.page, frozen=frozen, current=doc,
                links=Links(row.page, handbook, steps_here=doc.id, language=row.doc.language))
            diff = revisions.diff_path(doc, row.version, following.version)
            own[diff] = renderer.render(
                "diff.md.j2", **common(diff, doc), doc=doc, old=row, new=following,
                sections=semdiff.semantic_diff(row.doc, following.doc),
                yaml=semdiff.yaml_diff(row.text or "", following.text or "",
                                       f"v{row.version}", f"v{following.version}"))
            hidden.update((row.page, diff))
        if module is not None and isinstance(doc, Sop | Process):
            context = common(module, doc)
            checklist = site.checklist_path(doc)
            context.update(flow(doc, handbook, context["words"]), doc=doc, checklist=checklist,
                           **training.module_context(doc, handbook.term_index))
            own[module] = renderer.render("module.md.j2", **context)
            own[checklist] = renderer.render("checklist.md.j2", **common(checklist, doc),
                                             doc=doc)
        return own, hidden

    shared = _fingerprint(handbook, today, template_dir, history)
    unlisted: set[str] = set()
    homes = dict(plan.homes)
    fresh: dict[str, tuple[str, tuple[dict[str, str], set[str]]]] = {}
    doc_keys: dict[str, str] = {}
    for doc in documents:
        key = shared + _document_key(doc, timelines[doc.id], retros_of.get(doc.id, []),
                                     superseded_by.get(doc.id, []))
        doc_keys[doc.id] = key
        hit = _DOCUMENT_PAGES.get(doc.id)
        result = hit[1] if hit is not None and hit[0] == key else pages_of(doc)
        if sink is None:
            fresh[doc.id] = (key, result)
        for path, text in result[0].items():
            emit(path, text)
        unlisted.update(result[1])
        homes.update(dict.fromkeys(result[1], site.doc_path(doc)))
    _DOCUMENT_PAGES.clear()
    _DOCUMENT_PAGES.update(fresh)
    fresh_index: dict[str, tuple[str, str]] = {}

    def reuse(path: str, reads: object, render: Callable[[], str]) -> None:
        """``render()``, unless the page's inputs (``reads``) are those of the last build."""
        key = _digest([shared, path, reads])
        hit = _INDEX_PAGES.get(path)
        text = hit[1] if hit is not None and hit[0] == key else render()
        if sink is None:
            fresh_index[path] = (key, text)
        emit(path, text)

    group_reads = {group.path: [group.title, [doc_keys[d.id] for d in group.documents]]
                   for group in plan.groups}
    for kind, title in site.SECTION_TITLES.items():
        path = site.index_path(kind)
        groups = [g for g in plan.groups if g.kind == kind]
        if groups:
            reuse(path, [group_reads[g.path] for g in groups], partial(
                renderer.render, "section.md.j2", **common(path), title=title, groups=groups))
    for group in plan.groups:
        reuse(group.path, group_reads[group.path], partial(
            renderer.render, "group.md.j2", **common(group.path),
            title=f"{site.SECTION_TITLES[group.kind]}: {group.title}",
            documents=group.documents))

    performs: dict[str, list[tuple[AnyDocument, Any]]] = {}
    owns: dict[str, list[AnyDocument]] = {}
    for doc in documents:
        owns.setdefault(doc.owner, []).append(doc)
        for step in getattr(doc, "steps", []):
            performs.setdefault(step.actor, []).append((doc, step))
    for role in roles:
        path = site.role_path(role.id)
        reads = sorted({doc_keys[doc.id] for doc, _ in performs.get(role.id, [])}
                       | {doc_keys[doc.id] for doc in owns.get(role.id, [])})
        reuse(path, [_dumped(role), reads], partial(
            renderer.render, "role.md.j2", **common(path), role=role,
            performs=performs.get(role.id, []), owns=owns.get(role.id, [])))
    emit(site.ROLES_INDEX, renderer.render("roles.md.j2", **common(site.ROLES_INDEX),
                                           roles=roles))

    # Pages that list every document read little of each, and the rest is in ``shared``:
    # a save that changes none of it (most do) reuses the page.
    used_by = {term.id: [d for d in documents if term.id in d.terms] for term in terms}
    reuse(site.GLOSSARY, {t: [d.id for d in docs] for t, docs in used_by.items()}, partial(
        renderer.render, "glossary.md.j2", **common(site.GLOSSARY), terms=terms,
        used_by=used_by))
    reuse(site.CATALOGUE, [(d.id, d.effective, d.next_review) for d in documents], partial(
        renderer.render, "catalogue.md.j2", **common(site.CATALOGUE), documents=documents))
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    active = [d for d in documents if d.status in ("effective", "in-review")]
    emit(site.REVIEWS, renderer.render(
        "reviews.md.j2", **common(site.REVIEWS), days=DUE_SOON_DAYS,
        overdue=sorted((d for d in active if d.next_review < today),
                       key=lambda d: (d.next_review, d.id)),
        due_soon=sorted((d for d in active if today <= d.next_review <= soon),
                        key=lambda d: (d.next_review, d.id)),
    ))
    open_actions = sorted(
        ((retro, action) for retro in documents if isinstance(retro, Retro)
         for action in retro.actions if action.status in ("open", "in-progress")),
        key=lambda pair: (pair[1].due, pair[0].id, pair[1].id),
    )
    emit(site.ACTIONS, renderer.render("actions.md.j2", **common(site.ACTIONS),
                                       actions=open_actions))
    emit(site.TAGS, renderer.render("tags.md.j2", **common(site.TAGS)))

    for role_id, mods in curricula.items():
        path = site.curriculum_path(role_id)
        role = handbook.role_index[role_id]
        reuse(path, [_dumped(role), [doc_keys[m.id] for m in mods]], partial(
            renderer.render,
            "curriculum.md.j2", **common(path), role=role,
            modules=mods, retrain={m.id: role_id in training.retrain_roles(m) for m in mods},
            total=training.human_minutes(sum(minutes(m.training.time) for m in mods
                                             if m.training)),
        ))
    if modules:
        reuse(site.TRAINING_INDEX, [
            [(r, len(mods)) for r, mods in curricula.items()],
            [(m.id, m.training.time, m.training.audience) for m in modules if m.training],
        ], partial(
            renderer.render,
            "training-index.md.j2", **common(site.TRAINING_INDEX), modules=modules,
            curricula=[(handbook.role_index[r], mods) for r, mods in curricula.items()],
        ))
    emit(reference.FIELDS, reference.fields_page())
    emit(reference.RULES_PAGE, reference.rules_page())
    all_rows = [row for rows in timelines.values() for row in rows]
    if all_rows:
        first = min(row.doc.effective for row in all_rows)
        ends = revisions.month_ends(min(first, today), today)
        years = sorted({day.year for day in ends})
        emit(revisions.ASOF_INDEX, renderer.render(
            "asof.md.j2", **common(revisions.ASOF_INDEX), timelines=timelines,
            data=revisions.asof_data(timelines), years=years,
            notice=history.notice if history else None,
            year_path=revisions.asof_year_path))
        for year in years:
            path = revisions.asof_year_path(year)
            tables = [(day, [(doc_id, revisions.in_force(rows, day))
                             for doc_id, rows in sorted(timelines.items())])
                      for day in ends if day.year == year]
            shown = [(day, [(doc_id, None if row is None else (
                row.version, row.page, row.doc.title, row.doc.effective))
                for doc_id, row in entries]) for day, entries in tables]
            reuse(path, shown, partial(renderer.render, "asof-year.md.j2", **common(path),
                                       year=year, tables=list(reversed(tables))))
            unlisted.add(path)
            homes[path] = revisions.ASOF_INDEX
    _INDEX_PAGES.clear()
    _INDEX_PAGES.update(fresh_index)
    return Site(dict(sorted(pages.items())), plan.nav, plan.unlisted | unlisted, homes)
