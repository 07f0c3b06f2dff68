"""What of an item that failed validation can still be checked.

A model error in one step must not hide the flow, reference and review problems of the
rest of the file until it is fixed: every run shows all problems. So an item that fails
is validated again without the values that failed (an optional key is left out, or the
list element holding the value, or the entry of a mapping the author keys), and the rules
run on that partial model. It is never rendered, and never what another item's reference
finds (`generator.model.handbook.Handbook.partial`).

Leaving a value out changes what some rules see: without a step, references to it would
look broken and steps after it unreachable; without an approval, the document would look
unapproved. Those rules are not run on the partial model (`Partial.unchecked`), so every
finding it gives is one the author would see with the value fixed, at the same place.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.load import Loc, Position, RawItem, SourceMap
from generator.model.content import AnyItem

MAX_ROUNDS = 4
"""Validations of an item without its failing values: leaving a value out can make its
list too short, which the next round deals with; a few rounds settle any real file."""

GRAPH_KEYS = frozenset({"id", "next", "decision", "end", "fork", "group"})
"""The keys of a step the step graph (and its groups) are made of."""

GRAPH_RULES = frozenset({"FLOW001", "FLOW002", "FLOW003", "FLOW004", "FLOW005", "QUIZ004",
                         "QUIZ005", "QUIZ006", "FORK001", "FORK002", "FORK003", "FORK004",
                         "FORK005", "GROUP001", "GROUP002", "GROUP003", "TROUBLE001"})
"""Rules that read the whole step graph: with a step, or its way out, left out, they would
report references to it as broken, the steps after it as unreachable, its group empty."""

UNCHECKED = {
    "training": frozenset({"TRAIN001", "QUIZ001", "QUIZ002", "QUIZ003", "QUIZ004", "QUIZ005",
                           "QUIZ006"}),
    "roles": frozenset({"RACI001"}),
    "approvals": frozenset({"APPROVAL001", "APPROVAL004"}),
    "premortem": frozenset({"RISK001"}),
    "groups": frozenset({"GROUP001", "GROUP002", "GROUP003"}),
}
"""Rules that read a whole top-level list or section, by its key: with a part of it left
out, they would report what is only missing from the partial model."""


@dataclass(frozen=True)
class RemappedSource(SourceMap):
    """The positions of a partial model's values, in the file the item came from.

    With list elements left out, a partial model's ``("steps", 2)`` may be the file's
    ``("steps", 3)``: each location is taken back to the file's before it is looked up.
    """

    remap: tuple[tuple[Loc, tuple[int, ...]], ...] = field(default=(), compare=False)
    """For each list (by its location in the file), the file's index of each element kept."""

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """The position of the partial model's ``loc`` in the file (see `SourceMap`)."""
        return super().position(original(loc, dict(self.remap)), key=key)


def original(loc: Loc, remap: dict[Loc, tuple[int, ...]]) -> Loc:
    """``loc`` of a partial model as the location of the same value in the file."""
    out: list[str | int] = []
    for part in loc:
        kept = remap.get(tuple(out))
        if isinstance(part, int) and kept is not None and part < len(kept):
            part = kept[part]
        out.append(part)
    return tuple(out)


@dataclass(frozen=True)
class Partial:
    """An item as far as it validates, where its values are, and what not to check."""

    item: AnyItem
    source: SourceMap
    unchecked: frozenset[str]
    """Codes of the rules whose findings on this item could be wrong (see the module)."""


def partial_item(raw: RawItem, model: type[BaseModel],
                 failed: Iterable[Loc]) -> Partial | None:
    """``raw`` validated without the values at ``failed`` (the locations of its model
    errors, and of values the loader refused), or None when nothing useful is left."""
    dropped: set[Loc] = set()
    for loc in failed:
        spot = _droppable(raw.data, model, loc)
        if spot is None:
            return None
        dropped.add(spot)
    for _ in range(MAX_ROUNDS):
        data, remap = _without(raw.data, dropped)
        try:
            item = model.model_validate(data)
        except ValidationError as error:
            more = set()
            for detail in error.errors():
                spot = _droppable(raw.data, model, original(tuple(detail["loc"]), remap))
                if spot is None or spot in dropped:
                    return None
                more.add(spot)
            dropped |= more
            continue
        source = RemappedSource(raw.source.path, raw.source.text, raw.source.prefix,
                                raw.source.in_list, raw.source.reported,
                                tuple(sorted(remap.items(), key=repr)))
        known = raw.source.__dict__.get("_tables")
        if known is not None:  # positions the loader had at hand (see `SourceMap.known`)
            source.__dict__["_tables"] = known
        return Partial(typing.cast(AnyItem, item), source, _unchecked(dropped))
    return None


def _droppable(data: Any, model: type[BaseModel], loc: Loc) -> Loc | None:
    """The value to leave out for an error at ``loc`` (in the file's locations): the
    deepest optional key, list element or entry of an author-keyed mapping that holds it."""
    from generator.model.validate import mapping_types, resolve

    reached: list[str | int] = []
    value = data
    for part in loc:  # as far as the data goes: pydantic adds tags and missing keys
        inside = (isinstance(value, dict) and isinstance(part, str) and part in value) or (
            isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value))
        if not inside:
            break
        value = value[part]
        reached.append(part)
    for size in range(len(reached), 0, -1):
        spot = tuple(reached[:size])
        last = spot[-1]
        if isinstance(last, int):
            return spot  # a list element
        parent, info = resolve(model, spot)
        keyed = resolve(model, spot[:-1])[1] if len(spot) > 1 else None
        if keyed is not None and mapping_types(keyed) is not None:
            return spot  # an entry of a mapping the author keys (a quiz's options)
        if info is None and parent is None:
            return spot  # a key the model does not know
        if info is not None and not info.is_required():
            return spot
    return None


def _without(data: Any, dropped: set[Loc]) -> tuple[Any, dict[Loc, tuple[int, ...]]]:
    """A copy of ``data`` without the values at ``dropped``, and for each list that lost
    elements the file's index of each element kept."""
    pruned = copy.deepcopy(data)
    remap: dict[Loc, tuple[int, ...]] = {}
    # Deepest first, so that a location inside a list is read before the list shrinks.
    for loc in sorted(dropped, key=len, reverse=True):
        parent = pruned
        for part in loc[:-1]:
            parent = parent[part]
        if isinstance(parent, list):
            indexes = list(remap.get(loc[:-1], range(len(parent))))
            at = indexes.index(typing.cast(int, loc[-1]))
            del parent[at], indexes[at]
            remap[loc[:-1]] = tuple(indexes)
        else:
            parent.pop(loc[-1], None)
    return pruned, remap


def _unchecked(dropped: set[Loc]) -> frozenset[str]:
    codes: set[str] = set()
    for loc in dropped:
        if loc[0] == "steps" and (len(loc) <= 2 or loc[2] in GRAPH_KEYS):
            codes |= GRAPH_RULES
        codes |= UNCHECKED.get(str(loc[0]), frozenset())
    return frozenset(codes)
