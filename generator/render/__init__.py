"""Generate the site's Markdown pages from a validated handbook: a pure function, no MkDocs.

`generate` returns `{source path: Markdown}`. The MkDocs plugin writes these to its cache and
registers them; `sopsite export` writes them as plain files for other engines. Templates are
Jinja files in `generator/templates/`; a handbook may override any of them from a folder of
its own, which is searched first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.graph import is_end
from generator.handbook import Handbook
from generator.model import AnyDocument, Process, Retro, Sop, Step, minutes
from generator.render import site, training
from generator.render.i18n import labels, status_label
from generator.render.mermaid import flowchart
from generator.render.text import markdown, plain, raw

DUE_SOON_DAYS = 30


def _finalize(value: Any) -> Any:
    """Every `{{ }}` output is literal text unless a filter marked it safe."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return plain(value)


def _number(value: float) -> str:
    return f"{value:g}"


class Renderer:
    """One Jinja environment for all pages; user templates shadow the packaged ones."""

    def __init__(self, template_dir: Path | None = None) -> None:
        loaders: list[Any] = [FileSystemLoader(str(template_dir))] if template_dir else []
        loaders.append(PackageLoader("generator", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            finalize=_finalize,
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(md=markdown, plain=plain, raw=raw, number=_number)
        self.env.filters["attr"] = escape  # HTML attribute values: quotes escaped too
        self.env.globals.update(front_matter=front_matter, module_path=site.module_path,
                                curriculum_path=site.curriculum_path)

    def render(self, template: str, **context: Any) -> str:
        """One page's Markdown; blank-line runs are collapsed so output is tidy and stable."""
        text = self.env.get_template(template).render(**context)
        lines: list[str] = []
        for line in text.splitlines():
            line = line.rstrip()
            if line or (lines and lines[-1]):
                lines.append(line)
        return "\n".join(lines).strip() + "\n"


@dataclass(frozen=True)
class Links:
    """Link helpers for one page: every target is relative to that page's path."""

    page: str
    handbook: Handbook

    def to(self, path: str, anchor: str = "") -> Markup:
        """A relative link target."""
        return Markup(site.relative(self.page, path, anchor))

    def doc(self, doc_id: str, *, with_version: bool = False) -> Markup:
        """`[Title](link)` for a document id, or the bare id if unknown."""
        doc = self.handbook.document_index.get(doc_id)
        if doc is None:
            return plain(doc_id)
        text = f"{doc.id}: {doc.title}" + (f" (v{doc.version})" if with_version else "")
        return Markup(f"[{plain(text)}]({self.to(site.doc_path(doc))})")

    def role(self, role_id: str) -> Markup:
        """`[Role name](link)` for a role id."""
        role = self.handbook.role_index.get(role_id)
        name = role.name if role else role_id
        return Markup(f"[{plain(name)}]({self.to(site.role_path(role_id))})")

    def term(self, term_id: str) -> Markup:
        """`[term](glossary#id)` for a term id."""
        term = self.handbook.term_index.get(term_id)
        name = term.term if term else term_id
        return Markup(f"[{plain(name)}]({self.to(site.GLOSSARY, 'term-' + term_id)})")

    def step(self, doc: AnyDocument, step_id: str) -> Markup:
        """`[n. Title](link#step-id)` for a step of ``doc``."""
        steps = getattr(doc, "steps", [])
        for number, step in enumerate(steps, start=1):
            if step.id == step_id:
                anchor = f"step-{step_id}"
                target = (f"#{anchor}" if site.doc_path(doc) == self.page
                          else self.to(site.doc_path(doc), anchor))
                return Markup(f"[{number}. {plain(step.title)}]({target})")
        return plain(step_id)


def front_matter(
    title: str | None = None, tags: list[str] | None = None, boost: float | None = None
) -> Markup:
    """Page meta; macros never render generated pages, so YAML text stays text.

    Dumped with PyYAML, which is also what MkDocs parses it with: any title survives.
    """
    meta: dict[str, Any] = {}
    if title is not None:
        # MkDocs and Material put page titles into the navigation as HTML, unescaped.
        meta["title"] = str(escape(title))
    meta["render_macros"] = False
    if tags:
        meta["tags"] = sorted({str(escape(tag)) for tag in tags})
    if boost:
        meta["search"] = {"boost": boost}
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return Markup(f"---\n{dumped}---")


def _flow(doc: Sop | Process, handbook: Handbook, words: dict[str, str]) -> Markup:
    def role_name(role_id: str) -> str:
        role = handbook.role_index.get(role_id)
        return role.name if role else role_id

    return Markup(flowchart(doc.steps, role_name, words))


def _step_views(steps: list[Step]) -> list[dict[str, Any]]:
    return [
        {"step": step, "number": i + 1, "ends": is_end(steps, i),
         "follows": (steps[i + 1].id if step.next is None and step.decision is None
                     and not step.end and i + 1 < len(steps) else step.next)}
        for i, step in enumerate(steps)
    ]


@dataclass(frozen=True)
class Site:
    """The generated pages (source path -> Markdown) and where they go in the navigation."""

    pages: dict[str, str]
    nav: list[site.NavItem]
    unlisted: frozenset[str]


def generate(
    handbook: Handbook, *, today: dt.date, template_dir: Path | None = None
) -> Site:
    """Every page of the site; the same input gives the same bytes."""
    renderer = Renderer(template_dir)
    role_names = {e.item.id: e.item.name for e in handbook.roles}
    pages: dict[str, str] = {}
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
        return {"links": Links(page, handbook), "words": words, "today": today,
                "status_label": lambda status: status_label(words, status)}

    for doc in documents:
        path = site.doc_path(doc)
        context = common(path, doc)
        context.update(doc=doc)
        if isinstance(doc, Sop | Process):
            context.update(diagram=_flow(doc, handbook, context["words"]),
                           steps=_step_views(doc.steps),
                           module=site.module_path(doc) if doc.training else None)
        if isinstance(doc, Process):
            context.update(retros=retros_of.get(doc.id, []),
                           risks=sorted(doc.premortem,
                                        key=lambda r: (-r.likelihood * r.impact, r.id)),
                           gantt=_gantt(doc, context["words"]))
        pages[path] = renderer.render(f"{doc.kind}.md.j2", **context)

    for kind, title in site.SECTION_TITLES.items():
        path = site.index_path(kind)
        groups = [g for g in plan.groups if g.kind == kind]
        if groups:
            pages[path] = renderer.render("section.md.j2", **common(path), title=title,
                                          groups=groups)
    for group in plan.groups:
        pages[group.path] = renderer.render("group.md.j2", **common(group.path),
                                            title=f"{site.SECTION_TITLES[group.kind]}: "
                                            f"{group.title}", documents=group.documents)

    for role in roles:
        path = site.role_path(role.id)
        performs = [
            (doc, step) for doc in documents if isinstance(doc, Sop | Process)
            for step in doc.steps if step.actor == role.id
        ]
        owns = [doc for doc in documents if doc.owner == role.id]
        pages[path] = renderer.render("role.md.j2", **common(path), role=role,
                                      performs=performs, owns=owns)
    pages[site.ROLES_INDEX] = renderer.render("roles.md.j2", **common(site.ROLES_INDEX),
                                              roles=roles)

    used_by = {term.id: [d for d in documents if term.id in d.terms] for term in terms}
    pages[site.GLOSSARY] = renderer.render("glossary.md.j2", **common(site.GLOSSARY),
                                           terms=terms, used_by=used_by)
    pages[site.CATALOGUE] = renderer.render("catalogue.md.j2", **common(site.CATALOGUE),
                                            documents=documents)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    active = [d for d in documents if d.status in ("effective", "in-review")]
    pages[site.REVIEWS] = renderer.render(
        "reviews.md.j2", **common(site.REVIEWS), days=DUE_SOON_DAYS,
        overdue=sorted((d for d in active if d.next_review < today),
                       key=lambda d: (d.next_review, d.id)),
        due_soon=sorted((d for d in active if today <= d.next_review <= soon),
                        key=lambda d: (d.next_review, d.id)),
    )
    open_actions = sorted(
        ((retro, action) for retro in documents if isinstance(retro, Retro)
         for action in retro.actions if action.status in ("open", "in-progress")),
        key=lambda pair: (pair[1].due, pair[0].id, pair[1].id),
    )
    pages[site.ACTIONS] = renderer.render("actions.md.j2", **common(site.ACTIONS),
                                          actions=open_actions)
    pages[site.TAGS] = renderer.render("tags.md.j2", **common(site.TAGS))

    for doc in modules:
        path = site.module_path(doc)
        context = common(path, doc)
        checklist = site.checklist_path(doc)
        context.update(doc=doc, diagram=_flow(doc, handbook, context["words"]),
                       checklist=checklist, **training.module_context(doc, handbook.term_index))
        pages[path] = renderer.render("module.md.j2", **context)
        pages[checklist] = renderer.render("checklist.md.j2", **common(checklist, doc), doc=doc)
    for role_id, mods in curricula.items():
        path = site.curriculum_path(role_id)
        pages[path] = renderer.render(
            "curriculum.md.j2", **common(path), role=handbook.role_index[role_id],
            modules=mods, retrain={m.id: role_id in training.retrain_roles(m) for m in mods},
            total=training.human_minutes(sum(minutes(m.training.time) for m in mods
                                             if m.training)),
        )
    if modules:
        pages[site.TRAINING_INDEX] = renderer.render(
            "training-index.md.j2", **common(site.TRAINING_INDEX), modules=modules,
            curricula=[(handbook.role_index[r], mods) for r, mods in curricula.items()],
        )
    return Site(dict(sorted(pages.items())), plan.nav, plan.unlisted)


def _gantt(doc: Process, words: dict[str, str]) -> Markup | None:
    """A Mermaid gantt of the dated rollout phases; task names are our own labels."""
    dated = [phase for phase in doc.rollout if phase.start]
    if not dated:
        return None
    lines = ["gantt", "  dateFormat YYYY-MM-DD", "  axisFormat %Y-%m-%d"]
    for i, phase in enumerate(dated, start=1):
        assert phase.start is not None
        name = words[phase.phase]
        until = phase.end.isoformat() if phase.end else "1d"
        lines.append(f"  {name} :p{i}, {phase.start.isoformat()}, {until}")
    return Markup("\n".join(lines))
