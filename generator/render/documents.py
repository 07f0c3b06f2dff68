"""The pages made from one document: its page, its past revisions and the diffs between
them, and for a training module its module page and printable checklist.

`pages_of` takes exactly what those pages show (`generator.render.pages` keys them by a
digest of its arguments): the document, its timeline, the retrospectives about it and the
ids of the documents that supersede it, plus `Shared`, what every page may read.
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

from generator.attachments import Stored
from generator.git import diff as semdiff
from generator.model import AnyDocument, Postmortem, Process, Retro, Risk, Sop, due
from generator.render import incidents, revisions, site, status, training
from generator.render import risks as risk_map
from generator.render.flows import flow, gantt, step_views
from generator.render.indexes import Shared
from generator.render.links import Links


def pages_of(shared: Shared, doc: AnyDocument, rows: list[revisions.Row], retros: list[Retro],
             superseded_by: list[str], files: dict[str, Stored] | None = None,
             ) -> tuple[dict[str, str], set[str]]:
    """Every page generated from one document, and those left out of the navigation.

    ``files`` are the attachments its revisions show that may be published, by path.
    """
    own: dict[str, str] = {}
    hidden: set[str] = set()
    files = files or {}
    path = site.doc_path(doc)
    module = site.module_path(doc) if getattr(doc, "training", None) else None
    banner = status.live_banner(doc, rows, superseded_by, shared.today)
    in_search = status.searchable(doc, shared.drafts_in_search)
    # Only versions whose text git has get a frozen page; a declared one is a line of the
    # history, and a diff spans from one known text to the next.
    known = [row for row in rows if row.text is not None or row.current]
    by_version = {row.version: row for row in rows}
    diffs: dict[str, str] = {}
    for row, following in itertools.pairwise(known):
        told = status.frozen_banner(rows, rows.index(row), shared.today)
        frozen = {"row": row, "banner": told}
        links = Links(row.page, shared.directory, steps_here=doc.id, language=row.doc.language)
        # A frozen page is found through the live one, except while the live one is a
        # draft kept out of search: then the version in force is what search must find.
        found = told.kind == "in-force" and not in_search
        own[row.page] = _page(shared, row.doc, row.page, retros, superseded_by,
                              frozen=frozen, current=doc, links=links, files=files,
                              in_search=found, history_rows=by_version)
        diff = revisions.diff_path(doc, row.version, following.version)
        own[diff] = shared.renderer.render(
            "diff.md.j2", **shared.common(diff, doc), doc=doc, old=row, new=following,
            banner=banner,
            sections=semdiff.semantic_diff(row.doc, following.doc),
            yaml=semdiff.yaml_diff(row.text or "", following.text or "",
                                   f"v{row.version}", f"v{following.version}"))
        hidden.update((row.page, diff))
        diffs[following.version] = diff
    own[path] = _page(shared, doc, path, retros, superseded_by, module=module,
                      revisions=rows if shared.has_history else None, files=files,
                      diffs=diffs, history_rows=by_version, banner=banner,
                      in_search=in_search)
    if module is not None and isinstance(doc, Sop | Process):
        own.update(_training(shared, doc, module, files, banner=banner, in_search=in_search))
    return own, hidden


def _page(shared: Shared, doc: AnyDocument, path: str, retros: list[Retro],
          superseded_by: list[str], *, links: Links | None = None, **extra: Any) -> str:
    """A document's page (or a frozen past revision of it)."""
    context = shared.common(path, doc, links)
    today = shared.today
    context.update(doc=doc, frozen=None, revisions=None, module=None, diffs={}, history_rows={},
                   superseded_by=superseded_by, history_notice=shared.notice,
                   overdue=lambda action: due.action_overdue(action, today))
    if isinstance(doc, Postmortem):
        context.update(incident=incidents.incident_view(doc, shared.severities))
    if isinstance(doc, Sop | Process):
        context.update(flow(doc, shared.directory, context["words"]),
                       steps=step_views(doc.steps, doc.groups))
    if isinstance(doc, Process):
        ordered = sorted(doc.premortem, key=_risk_order)
        context.update(retros=retros, risks=ordered,
                       heat_map=risk_map.heat_map(ordered, context["words"]),
                       risk_level_word=partial(risk_map.level_word, words=context["words"]),
                       gantt=gantt(doc, context["words"]))
    context.update(extra)
    return shared.renderer.render(f"{doc.kind}.md.j2", **context)


def _risk_order(risk: Risk) -> tuple[int, int, str]:
    """Unscored risks first (they may be the highest), then by score, highest first."""
    return (0 if risk.score is None else 1, -(risk.score or 0), risk.id)


def _training(shared: Shared, doc: Sop | Process, module: str, files: dict[str, Stored], *,
              banner: status.LiveBanner | None, in_search: bool) -> dict[str, str]:
    """The training module of a document and its printable checklist, each with the
    document's status banner: a trainee must not learn a draft as the procedure."""
    context = shared.common(module, doc)
    checklist = site.checklist_path(doc)
    context.update(flow(doc, shared.directory, context["words"]), doc=doc, checklist=checklist,
                   files=files, banner=banner, in_search=in_search,
                   **training.module_context(doc, shared.directory.term_index))
    return {module: shared.renderer.render("module.md.j2", **context),
            checklist: shared.renderer.render("checklist.md.j2",
                                              **shared.common(checklist, doc), doc=doc,
                                              banner=banner)}
