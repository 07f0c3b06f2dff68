"""Where each generated page lives, and how the navigation groups them.

Addresses derive from ids only (lower-cased), so a page keeps its address when its title,
owner or status changes. Navigation groups pages into sections of bounded size: every
page carries its section's navigation, so one flat section of N pages costs O(N^2) in
build time and bytes (see FINDINGS.md).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from generator.model import AnyDocument, Process, Retro, Sop

SECTION_LIMIT = 40
"""Most pages in one navigation section; bigger groups are split by id range."""

FOLDERS = {"sop": "procedures", "process": "processes", "retro": "retrospectives"}
SECTION_TITLES = {"sop": "Procedures", "process": "Processes", "retro": "Retrospectives"}
CATALOGUE = "catalogue.md"
REVIEWS = "reviews.md"
ACTIONS = "actions.md"
GLOSSARY = "glossary.md"
TAGS = "tags.md"
ROLES_INDEX = "roles/index.md"

NavItem = str | dict[str, Any]


def doc_path(doc: AnyDocument) -> str:
    """The source path of a document's page, e.g. `procedures/sop-it-ci.md`."""
    return f"{FOLDERS[doc.kind]}/{doc.id.lower()}.md"


def role_path(role_id: str) -> str:
    """The source path of a role's page."""
    return f"roles/{role_id}.md"


def index_path(kind: str) -> str:
    """The section index page of a kind of document."""
    return f"{FOLDERS[kind]}/index.md"


def relative(from_page: str, to_page: str, anchor: str = "") -> str:
    """A Markdown link target from one generated page to another; MkDocs checks it."""
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return target + (f"#{anchor}" if anchor else "")


def _chunks(items: list[tuple[str, str]], title: str) -> list[NavItem]:
    """``items`` (id, path) as one section, or split into id ranges of SECTION_LIMIT."""
    if len(items) <= SECTION_LIMIT:
        return [{title: [path for _, path in items]}]
    result: list[NavItem] = []
    for start in range(0, len(items), SECTION_LIMIT):
        part = items[start : start + SECTION_LIMIT]
        result.append({f"{title} ({part[0][0]} \u2013 {part[-1][0]})": [p for _, p in part]})
    return result


def navigation(
    documents: Iterable[AnyDocument], role_names: dict[str, str]
) -> list[NavItem]:
    """Generated sections: procedures by owner role, processes by level, retros by year."""
    groups: dict[str, dict[str, list[tuple[str, str]]]] = {k: {} for k in FOLDERS}
    for doc in sorted(documents, key=lambda d: d.id):
        if isinstance(doc, Sop):
            group = role_names.get(doc.owner, doc.owner)
        elif isinstance(doc, Process):
            group = doc.level.capitalize()
        else:
            assert isinstance(doc, Retro)
            group = str(doc.date.year)
        groups[doc.kind].setdefault(group, []).append((doc.id, doc_path(doc)))
    nav: list[NavItem] = []
    for kind, by_group in groups.items():
        if not by_group:
            continue
        section: list[NavItem] = [index_path(kind)]
        for group in sorted(by_group):
            section.extend(_chunks(by_group[group], group))
        nav.append({SECTION_TITLES[kind]: section})
    roles = sorted(role_names.items(), key=lambda item: item[1].lower())
    role_items = [(name, role_path(role_id)) for role_id, name in roles]
    role_section: list[NavItem] = [ROLES_INDEX]
    if len(role_items) <= SECTION_LIMIT:
        role_section.extend(path for _, path in role_items)
    else:
        role_section.extend(_chunks(role_items, "Roles"))
    nav.append({"Roles": role_section})
    nav.append({"Reference": [CATALOGUE, REVIEWS, ACTIONS, GLOSSARY, TAGS]})
    return nav
