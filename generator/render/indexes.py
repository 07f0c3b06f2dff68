"""Pages made from many documents: sections, groups, roles, the glossary, the catalogue,
the dashboards, training indexes and the as-of view.

Each page function takes exactly what its page shows (`generator.render.pages` keys the
page by a digest of those arguments), plus `Shared`, what every page may read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, NamedTuple

from generator.checks.refs import version_key
from generator.model import (
    AnyDocument,
    Approval,
    Postmortem,
    Process,
    Retro,
    Role,
    RoleInvolvement,
    Sop,
    Step,
    Term,
    due,
    minutes,
)
from generator.model.incidents import DEFAULT_SEVERITIES, SeverityLevel
from generator.render import reference, revisions, site, status, training
from generator.render.core import Renderer
from generator.render.digest import digest_of
from generator.render.i18n import LANGUAGE_NAMES, labels, status_label
from generator.render.links import Directory, Links

FIELDS = reference.FIELDS
RULES_PAGE = reference.RULES_PAGE


@dataclass(frozen=True)
class Shared:
    """What every page may read besides its own inputs: the templates, the day, the
    directory of other items, and the commit and history notice of the build."""

    renderer: Renderer
    today: dt.date
    directory: Directory
    commit: str
    notice: str | None
    has_history: bool
    templates: str
    """`Renderer.templates_digest`, taken once per build."""
    severities: tuple[SeverityLevel, ...] = DEFAULT_SEVERITIES
    """The handbook's incident severity scale (the plugin option `severities`)."""
    drafts_in_search: bool = False
    """Whether drafts and documents in review are indexed (`generator.render.status`)."""

    @cached_property
    def fingerprint(self) -> str:
        """A digest of all of it, in every page's key."""
        return digest_of([self.today, self.templates, self.directory.digest, self.commit,
                          self.notice, self.has_history, list(self.severities),
                          self.drafts_in_search])

    def common(self, page: str, doc: AnyDocument | None = None,
               links: Links | None = None) -> dict[str, Any]:
        """The context every template gets."""
        language = doc.language if doc else "en"
        words = labels(language)
        return {"links": links or Links(page, self.directory, language=language),
                "words": words, "today": self.today, "language_names": LANGUAGE_NAMES,
                "status_label": partial(status_label, language=language),
                "build_commit": self.commit}

    def render(self, template: str, page: str, **context: Any) -> str:
        """``template`` for ``page`` with the common context and ``context``."""
        return self.renderer.render(template, **self.common(page), **context)


def section(shared: Shared, path: str, title: str, groups: list[site.Group]) -> str:
    """The index page of one kind of document: its groups."""
    return shared.render("section.md.j2", path, title=title, groups=groups)


def group(shared: Shared, group: site.Group) -> str:
    """One group's table of documents."""
    return shared.render("group.md.j2", group.path,
                         title=f"{site.SECTION_TITLES[group.kind]}: {group.title}",
                         documents=group.documents)


Involved = tuple[AnyDocument, list[RoleInvolvement], list[Step]]
"""A document a role takes part in: its RACI entries for the role and the steps it performs."""


def role_parts(docs: list[AnyDocument]) -> tuple[dict[str, list[Involved]],
                                                 dict[str, list[tuple[AnyDocument, Approval]]]]:
    """By role id: each document the role is named in (RACI table or step actor), in id
    order, and every signature given in the role, by document, version and day."""
    involved: dict[str, list[Involved]] = {}
    signed: dict[str, list[tuple[AnyDocument, Approval]]] = {}
    for doc in sorted(docs, key=lambda d: d.id):
        raci: dict[str, list[RoleInvolvement]] = {}
        for part in getattr(doc, "roles", []):
            raci.setdefault(part.role, []).append(part)
        steps: dict[str, list[Step]] = {}
        for step in getattr(doc, "steps", []):
            steps.setdefault(step.actor, []).append(step)
        for role_id in sorted(raci.keys() | steps.keys()):
            involved.setdefault(role_id, []).append(
                (doc, raci.get(role_id, []), steps.get(role_id, [])))
        for approval in sorted(doc.approvals, key=lambda a: (version_key(a.version), a.date,
                                                             a.name)):
            signed.setdefault(approval.role, []).append((doc, approval))
    return involved, signed


def role(shared: Shared, role: Role, involved: list[Involved], owns: list[AnyDocument],
         signed: list[tuple[AnyDocument, Approval]], curriculum: tuple[str, str] | None) -> str:
    """A role's page, for audits and training: its curriculum and the time it takes, every
    document it performs steps in, is accountable for, consulted on or informed of, the
    documents it owns and every signature given in it (``curriculum`` is the page and the
    total time, None when no module is meant for the role)."""
    return shared.render("role.md.j2", site.role_path(role.id), role=role, involved=involved,
                         owns=owns, signed=signed, curriculum=curriculum)


def roles(shared: Shared, roles: list[Role]) -> str:
    """The list of roles."""
    return shared.render("roles.md.j2", site.ROLES_INDEX, roles=roles)


def glossary(shared: Shared, terms: list[Term],
             used_by: dict[str, list[AnyDocument]]) -> str:
    """Every term, with the documents that use it."""
    return shared.render("glossary.md.j2", site.GLOSSARY, terms=terms, used_by=used_by)


def catalogue(shared: Shared, documents: list[AnyDocument]) -> str:
    """Every controlled document: those in force, then those not in force, so that a
    reader sees at a glance which may be followed (`generator.render.status`)."""
    in_force = [doc for doc in documents if doc.status in status.IN_USE]
    others = [doc for doc in documents if doc.status not in status.IN_USE]
    return shared.render("catalogue.md.j2", site.CATALOGUE, in_force=in_force, others=others)


def reviews(shared: Shared, documents: list[AnyDocument]) -> str:
    """Reviews overdue and due soon, as of the build's day (in ``shared``), by the same
    definition `check` warns with (`generator.model.due`)."""
    today = shared.today
    return shared.render(
        "reviews.md.j2", site.REVIEWS, days=due.DUE_SOON_DAYS,
        overdue=sorted((d for d in documents if due.review_overdue(d, today)),
                       key=lambda d: (d.next_review, d.id)),
        due_soon=sorted((d for d in documents if due.review_due_soon(d, today)),
                        key=lambda d: (d.next_review, d.id)))


def actions(shared: Shared, records: list[Retro | Postmortem]) -> str:
    """Actions of retrospectives and post-mortems still open
    (`generator.model.due.action_open`): soonest due first, those with no due day last."""
    open_actions = sorted(((record, action) for record in records for action in record.actions
                           if due.action_open(action)),
                          key=lambda pair: (pair[1].due is None, pair[1].due or dt.date.min,
                                            pair[0].id, pair[1].id))
    today = shared.today
    return shared.render("actions.md.j2", site.ACTIONS, actions=open_actions,
                         overdue=lambda action: due.action_overdue(action, today))


def tags(shared: Shared) -> str:
    """The tags index (the tags plugin fills it in)."""
    return shared.render("tags.md.j2", site.TAGS)


def fields() -> str:
    """The field reference, from the content model."""
    return reference.fields_page()


def rules() -> str:
    """The rules reference, from the rule registry."""
    return reference.rules_page()


def curriculum(shared: Shared, role: Role, modules: list[Sop | Process]) -> str:
    """The training modules of one role, in order, with the time they take."""
    return shared.render(
        "curriculum.md.j2", site.curriculum_path(role.id), role=role, modules=modules,
        retrain={m.id: role.id in training.retrain_roles(m) for m in modules},
        total=curriculum_total(modules))


def curriculum_total(modules: list[Sop | Process]) -> str:
    """The time a curriculum takes, as its page and the role's page show it."""
    return training.human_minutes(sum(minutes(m.training.time) for m in modules
                                      if m.training))


def training_index(shared: Shared, modules: list[Sop | Process],
                   curricula: list[tuple[Role, list[Sop | Process]]]) -> str:
    """Every module and every role's curriculum."""
    return shared.render("training-index.md.j2", site.TRAINING_INDEX, modules=modules,
                         curricula=curricula)


def asof(shared: Shared, timelines: dict[str, list[revisions.Row]], years: list[int]) -> str:
    """The as-of view: its data for the script, and the list for readers without it."""
    return shared.render("asof.md.j2", revisions.ASOF_INDEX, timelines=timelines,
                         data=revisions.asof_data(timelines), years=years,
                         notice=shared.notice, year_path=revisions.asof_year_path)


class Shown(NamedTuple):
    """What a month-end table shows of a document's title and day in force."""

    title: str
    effective: dt.date
    status: str = "effective"
    """An `imported` revision is in force but unsigned: the table says so."""


class InForce(NamedTuple):
    """What a month-end table shows of the revision in force."""

    version: str
    page: str
    doc: Shown
    source: str = "git"
    """A version known only from the document's `changes` is marked declared."""


def in_force(row: revisions.Row | None) -> InForce | None:
    """The part of ``row`` a month-end table shows."""
    if row is None:
        return None
    return InForce(row.version, row.page, Shown(row.doc.title, row.effective, row.status),
                   row.source)


def asof_year(shared: Shared, year: int,
              tables: list[tuple[dt.date, list[tuple[str, InForce | None]]]]) -> str:
    """One year's month-end tables, newest first."""
    return shared.render("asof-year.md.j2", revisions.asof_year_path(year), year=year,
                         tables=list(reversed(tables)))
