"""The loaded handbook as a value: validated items with the positions of their values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Generic, TypeVar

from generator.load import SourceMap
from generator.model.content import AnyDocument, AnyItem
from generator.model.documents import Document
from generator.model.roles_terms import Role, Term

T = TypeVar("T", bound=AnyItem)


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A validated item and the file positions of its values."""

    item: T
    source: SourceMap
    text: str = ""
    """The YAML source of the item's file."""


@dataclass(frozen=True)
class Handbook:
    """Everything under `sops/` that validated, in file order."""

    root: Path
    entries: tuple[Entry[AnyItem], ...] = ()
    files: tuple[str, ...] = field(default=())
    invalid_ids: frozenset[tuple[str, str]] = frozenset()
    """Ids of items that exist but failed validation: references to them are not reported
    again as unknown, since the item's own error already explains the problem."""

    @property
    def documents(self) -> Iterator[Entry[AnyDocument]]:
        """SOPs, processes, retrospectives and post-mortems."""
        for entry in self.entries:
            if isinstance(entry.item, Document):
                yield entry  # type: ignore[misc]

    @property
    def roles(self) -> Iterator[Entry[Role]]:
        """Role definitions."""
        for entry in self.entries:
            if isinstance(entry.item, Role):
                yield entry  # type: ignore[misc]

    @property
    def terms(self) -> Iterator[Entry[Term]]:
        """Glossary terms."""
        for entry in self.entries:
            if isinstance(entry.item, Term):
                yield entry  # type: ignore[misc]

    @cached_property
    def document_index(self) -> dict[str, AnyDocument]:
        """Documents by id; with duplicates, the first one wins (the rule reports the rest)."""
        index: dict[str, AnyDocument] = {}
        for entry in self.documents:
            index.setdefault(entry.item.id, entry.item)
        return index

    @cached_property
    def role_index(self) -> dict[str, Role]:
        """Roles by id."""
        index: dict[str, Role] = {}
        for entry in self.roles:
            index.setdefault(entry.item.id, entry.item)
        return index

    @cached_property
    def term_index(self) -> dict[str, Term]:
        """Terms by id."""
        index: dict[str, Term] = {}
        for entry in self.terms:
            index.setdefault(entry.item.id, entry.item)
        return index
