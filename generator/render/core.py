"""The rendering machinery shared by every page: Jinja environment, links, page meta.

Split from :mod:`generator.render` so that the page families (documents, revisions,
training) can share it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from generator.model import AnyDocument, Language, Process, Sop, Step
from generator.model.graph import is_end
from generator.model.handbook import Handbook
from generator.render import site
from generator.render.mermaid import flowchart, measure, over_budget
from generator.render.text import fenced, markdown, plain, raw


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
        self.env.filters.update(md=markdown, plain=plain, raw=raw, number=_number, fenced=fenced)
        self.env.filters["attr"] = escape  # HTML attribute values: quotes escaped too
        from generator.render.revisions import diff_path

        self.env.globals.update(front_matter=front_matter, module_path=site.module_path,
                                curriculum_path=site.curriculum_path, diff_path=diff_path)

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
    steps_here: str | None = None
    """The id of the document whose step anchors this page holds (a frozen revision)."""
    language: Language = "en"
    """The page's language: role names and terms are shown in it where they have it."""

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
        if role is None:  # a past revision may name a role that no longer exists
            return plain(role_id)
        name = role.name_in(self.language)
        return Markup(f"[{plain(name)}]({self.to(site.role_path(role_id))})")

    def term(self, term_id: str) -> Markup:
        """`[term](glossary#id)` for a term id."""
        term = self.handbook.term_index.get(term_id)
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


def front_matter(
    title: str | None = None, tags: list[str] | None = None, boost: float | None = None,
    exclude: bool = False,
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
    if exclude:  # revisions, diffs and print copies stay out of search: readers must land on
        # the page in force
        meta["search"] = {"exclude": True}
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return Markup(f"---\n{dumped}---")


def flow(doc: Sop | Process, handbook: Handbook, words: dict[str, str]) -> dict[str, Any]:
    """The page's ``diagram`` (Mermaid source), or, for a flow over the budget, none and the
    ``diagram_note`` that stands in for it: readers get the steps at once instead of a
    frozen tab or Mermaid's error box (FLOW004 tells the author)."""
    over = over_budget(measure(doc.steps))
    if over:
        return {"diagram": None, "diagram_note": flow_note(doc.steps, over, words)}

    def role_name(role_id: str) -> str:
        role = handbook.role_index.get(role_id)
        return role.name_in(doc.language) if role else role_id

    return {"diagram": Markup(flowchart(doc.steps, role_name, words)), "diagram_note": None}


def flow_note(steps: list[Step], over: tuple[tuple[str, int, int], ...],
              words: dict[str, str]) -> str:
    """What the page says where a diagram too large to show would be."""
    lanes = len({step.actor for step in steps})
    limits = ", ".join(f"{limit} {words['flowchart_' + name]}" for name, _, limit in over)
    return words["flowchart_too_big"].format(
        steps=len(steps), lanes=lanes, lane_word=words["lane" if lanes == 1 else "lanes"],
        limits=limits)


def step_views(steps: list[Step]) -> list[dict[str, Any]]:
    return [
        {"step": step, "number": i + 1, "ends": is_end(steps, i),
         "follows": (steps[i + 1].id if step.next is None and step.decision is None
                     and not step.end and i + 1 < len(steps) else step.next)}
        for i, step in enumerate(steps)
    ]


def gantt(doc: Process, words: dict[str, str]) -> Markup | None:
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
