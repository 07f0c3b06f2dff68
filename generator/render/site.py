"""Where each generated page lives, and how the navigation groups them.

Addresses derive from ids only (lower-cased), so a page keeps its address when its title,
owner or status changes. Navigation groups pages into sections of bounded size: every
page carries its section's navigation, so one flat section of N pages costs O(N^2) in
build time and bytes (see FINDINGS.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from generator.model import AnyDocument, Postmortem, Process, Retro, Sop
from generator.render.digest import digest_of

SECTION_LIMIT = 30
"""Most pages one navigation level lists; beyond it, the level's index page lists them."""

FOLDERS = {"sop": "procedures", "process": "processes", "retro": "retrospectives",
           "postmortem": "postmortems"}
SECTION_TITLES = {"sop": "Procedures", "process": "Processes", "retro": "Retrospectives",
                  "postmortem": "Post-mortems"}
CATALOGUE = "catalogue.md"
REVIEWS = "reviews.md"
ACTIONS = "actions.md"
GLOSSARY = "glossary.md"
TAGS = "tags.md"
ASOF = "as-of/index.md"
ROLES_INDEX = "roles/index.md"

NavItem = str | dict[str, Any]


def doc_path(doc: AnyDocument) -> str:
    """The source path of a document's page, e.g. `procedures/sop-it-ci.md`."""
    return page_of(doc.kind, doc.id)


def page_of(kind: str, doc_id: str) -> str:
    """The source path of the page of the document of ``kind`` with id ``doc_id``."""
    return f"{FOLDERS[kind]}/{doc_id.lower()}.md"


TRAINING_INDEX = "training/index.md"


def module_path(doc: AnyDocument) -> str:
    """The training module of an SOP or process."""
    return f"training/{doc.id.lower()}.md"


def checklist_path(doc: AnyDocument) -> str:
    """The printable checklist of an SOP or process (ids hold no '/', so no clash)."""
    return f"training/checklists/{doc.id.lower()}.md"


def curriculum_path(role_id: str) -> str:
    """A role's curriculum."""
    return f"training/roles/{role_id}.md"


def _listed(pages: list[str], unlisted: set[str]) -> list[str]:
    """``pages`` while there are few enough for the sidebar; else none, and they are unlisted."""
    if len(pages) > SECTION_LIMIT:
        unlisted.update(pages)
        return []
    return pages


def role_path(role_id: str) -> str:
    """The source path of a role's page."""
    return f"roles/{role_id}.md"


def index_path(kind: str) -> str:
    """The section index page of a kind of document."""
    return f"{FOLDERS[kind]}/index.md"


def relative(from_page: str, to_page: str, anchor: str = "") -> str:
    """A Markdown link target from one generated page to another; MkDocs checks it.

    Pure string work on the docs-relative paths (posixpath.relpath would consult the
    current directory on every one of the hundreds of thousands of links of a big site).
    """
    here = from_page.split("/")[:-1]
    there = to_page.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    target = "/".join([".."] * (len(here) - common) + there[common:])
    return target + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Group:
    """Documents of one kind that share an owner role, a process level or a year."""

    kind: str
    key: str
    title: str
    path: str
    documents: tuple[AnyDocument, ...]

    @property
    def fingerprint(self) -> str:
        """A digest of the group: its place, its title and its documents' content."""
        return digest_of([self.kind, self.key, self.title, self.path, list(self.documents)])


@dataclass(frozen=True)
class Plan:
    """The generated part of the navigation, the group pages, and pages left out of the nav.

    A section lists its documents only while it has at most SECTION_LIMIT of them, and a
    level its groups while there are at most as many; past that, the index pages list them
    instead, they stay out of the sidebar, and each opens the sidebar at its group (`homes`).
    With `navigation.prune` a page carries only its own branch, so its size stays bounded
    however large the handbook grows (see FINDINGS.md: a flat section costs O(N^2)).
    """

    nav: list[NavItem]
    groups: list[Group]
    unlisted: frozenset[str]
    homes: dict[str, str]
    """For pages that may be left out of the nav: the page whose section they belong to."""


def _group_of(doc: AnyDocument, role_names: dict[str, str]) -> tuple[str, str, str]:
    """(key, title, path) of the group a document is listed under."""
    if isinstance(doc, Sop):
        name = role_names.get(doc.owner, doc.owner)
        return doc.owner, name, f"procedures/owner/{doc.owner}/index.md"
    if isinstance(doc, Process):
        return doc.level, doc.level.capitalize(), f"processes/level/{doc.level}/index.md"
    if isinstance(doc, Postmortem):  # by the year the incident started, where it started
        year = str(doc.started.year)
        return year, year, f"postmortems/year/{year}/index.md"
    assert isinstance(doc, Retro)
    year = str(doc.date.year)
    return year, year, f"retrospectives/year/{year}/index.md"


def plan(
    documents: Iterable[AnyDocument], role_names: dict[str, str],
    curricula: Iterable[str] = (),
) -> Plan:
    """Procedures by owner role, processes by level, retrospectives and post-mortems by
    year; training; roles.

    ``curricula`` are the role ids that have a training curriculum.
    """
    found: dict[tuple[str, str], tuple[str, str, list[AnyDocument]]] = {}
    documents = sorted(documents, key=lambda d: d.id)
    for doc in documents:
        key, title, path = _group_of(doc, role_names)
        found.setdefault((doc.kind, key), (title, path, []))[2].append(doc)
    groups = [Group(kind, key, title, path, tuple(docs))
              for (kind, key), (title, path, docs) in found.items()]
    groups.sort(key=lambda g: (list(FOLDERS).index(g.kind), g.title.lower(), g.key))
    nav: list[NavItem] = []
    unlisted: set[str] = set()
    homes: dict[str, str] = {}
    for group in groups:
        homes[group.path] = index_path(group.kind)
        homes.update((doc_path(doc), group.path) for doc in group.documents)
    for kind, section_title in SECTION_TITLES.items():
        members = [g for g in groups if g.kind == kind]
        if not members:
            continue
        entries: list[NavItem] = [index_path(kind)]
        # All of a section's documents or none: a sidebar that lists some procedures and
        # not others would look like it had lost some.
        listed = sum(len(group.documents) for group in members) <= SECTION_LIMIT
        for group in members:
            pages = [doc_path(d) for d in group.documents]
            if not listed:
                unlisted.update(pages)
                pages = []
            # Material renders section titles from the nav as HTML: escape the author's text.
            entries.append({str(escape(group.title)): [group.path, *pages]})
        if len(members) > SECTION_LIMIT:
            unlisted.update(p for e in entries[1:] if isinstance(e, dict)
                            for ps in e.values() for p in ps)
            entries = entries[:1]
        nav.append({section_title: entries})
    by_name = sorted(role_names.items(), key=lambda item: item[1].lower())
    modules = [d for d in documents if getattr(d, "training", None) is not None]
    homes.update((curriculum_path(role_id), TRAINING_INDEX) for role_id, _ in by_name)
    homes.update((role_path(role_id), ROLES_INDEX) for role_id, _ in by_name)
    for doc in modules:
        homes[module_path(doc)] = TRAINING_INDEX
        homes[checklist_path(doc)] = module_path(doc)
    if modules:
        unlisted.update(checklist_path(d) for d in modules)
        wanted = set(curricula)
        training: list[NavItem] = [TRAINING_INDEX]
        curriculum_pages = _listed(
            [curriculum_path(r) for r, _ in by_name if r in wanted], unlisted)
        if curriculum_pages:
            training.append({"Curricula": curriculum_pages})
        module_pages = _listed([module_path(d) for d in modules], unlisted)
        if module_pages:
            training.append({"Modules": module_pages})
        nav.append({"Training": training})
    role_pages = _listed([role_path(role_id) for role_id, _ in by_name], unlisted)
    nav.append({"Roles": [ROLES_INDEX, *role_pages]})
    nav.append({"Reference": [CATALOGUE, REVIEWS, ASOF, ACTIONS, GLOSSARY, TAGS,
                              "reference/fields.md", "reference/rules.md"]})
    return Plan(nav, groups, frozenset(unlisted), homes)
