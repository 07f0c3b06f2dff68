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
    unchecked: frozenset[str] = frozenset()
    """For a partial entry (`Handbook.partial`), the codes of the rules not run on it,
    whose findings could be wrong with its failing values left out."""


@dataclass(frozen=True)
class Handbook:
    """Everything under `sops/` that validated, in file order."""

    root: Path
    entries: tuple[Entry[AnyItem], ...] = ()
    files: tuple[str, ...] = field(default=())
    invalid_ids: frozenset[tuple[str, str]] = frozenset()
    """Ids of items that exist but failed validation: references to them are not reported
    again as unknown, since the item's own error already explains the problem."""
    partial: tuple[Entry[AnyItem], ...] = ()
    """Items that failed validation, as far as they still validate without their failing
    values (`generator.model.partial`): the rules check them, so a model error does not
    hide the file's other problems, but they are never rendered, and never what another
    item's reference finds (their ids are in `invalid_ids`)."""

    @cached_property
    def checked(self) -> Handbook:
        """What the rules look at: the entries and the partial ones, with the indexes of
        the entries alone (a reference to a partial item is neither found nor unknown)."""
        if not self.partial:
            return self
        view = Handbook(self.root, self.entries + self.partial, self.files, self.invalid_ids)
        for index in ("document_index", "role_index", "term_index"):
            view.__dict__[index] = getattr(self, index)  # set as cached_property would
        return view

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
