"""Every kind of item an author may write in `sops/`, and the model that reads it."""

from __future__ import annotations

from pydantic import BaseModel

from generator.model.documents import Process, Retro, Sop
from generator.model.incidents import Postmortem
from generator.model.roles_terms import Role, Term

AnyDocument = Sop | Process | Retro | Postmortem
AnyItem = AnyDocument | Role | Term

KINDS: dict[str, type[AnyItem]] = {
    "sop": Sop,
    "process": Process,
    "retro": Retro,
    "postmortem": Postmortem,
    "role": Role,
    "term": Term,
}
"""Every `kind` an item may have, and its model."""

LISTABLE_KINDS = frozenset({"role", "term"})
"""Kinds that may share a file; documents stand alone because a file's history is theirs."""


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys an author may write for ``model``."""
    return list(model.model_fields)
