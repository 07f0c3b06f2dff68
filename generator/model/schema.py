"""JSON Schemas generated from the models, for editors and independent validators.

Each kind has its schema (`sop.schema.json`, ...), which a file names on its first line,
and `handbook.schema.json` takes any file sopsite loads and reads it by its `kind`, as
sopsite does: editors map every `.yml` and `.yaml` under `sops/` to it. The constraints
the models check in Python (patterns, rules between keys) are in the models' schema
extras, next to the code that enforces them; what no schema can say (references between
documents, the step graph, dates against today) is listed in docs/authoring.md.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter
from pydantic.json_schema import models_json_schema

from generator.model.content import KINDS, LISTABLE_KINDS
from generator.model.fields import MAX_TEXT

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
HANDBOOK = "handbook"
"""The name of the schema of any file (`handbook.schema.json`)."""


def _bounded(node: Any) -> Any:
    """``node`` with `maxLength: MAX_TEXT` on every text without a tighter bound: the
    models' `str_max_length`, which pydantic checks but leaves out of the schema."""
    if isinstance(node, dict):
        bounded = {key: _bounded(value) for key, value in node.items()}
        if bounded.get("type") == "string" and "maxLength" not in bounded:
            bounded["maxLength"] = MAX_TEXT
        return bounded
    if isinstance(node, list):
        return [_bounded(value) for value in node]
    return node


def schema_for(kind: str) -> dict[str, Any]:
    """The schema of one kind's file; roles and terms may also come as a list."""
    model = KINDS[kind]
    listed = Annotated[list[model], Field(min_length=1)]  # type: ignore[valid-type]
    shape: Any = model | listed if kind in LISTABLE_KINDS else model
    schema = TypeAdapter(shape).json_schema()
    return {"$schema": SCHEMA_DIALECT, "title": f"sopsite {kind}", **_bounded(schema)}


def _by_kind(kinds: list[str], refs: dict[str, str]) -> dict[str, Any]:
    """An item whose `kind` is one of ``kinds``, read by the model of its kind."""
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": kinds, "description": "What the item is; it decides "
                                "the keys the rest of the item may have."}},
        "allOf": [{"if": {"required": ["kind"], "properties": {"kind": {"const": kind}}},
                   "then": {"$ref": refs[kind]}} for kind in kinds],
    }


def handbook_schema() -> dict[str, Any]:
    """The schema of any file under `sops/`: one item of any kind, or a list of roles and
    terms (which may be mixed), dispatched on `kind` as sopsite reads them."""
    keys, defs = models_json_schema([(model, "validation") for model in KINDS.values()],
                                    ref_template="#/$defs/{model}")
    refs = {kind: keys[(model, "validation")]["$ref"] for kind, model in KINDS.items()}
    listable = sorted(LISTABLE_KINDS)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "sopsite handbook file",
        "description": "One item (an SOP, process, retrospective, post-mortem, role or term), "
                       "or a list of roles and terms.",
        # An empty file or list is FILE004: there is nothing to read.
        "anyOf": [{"$ref": "#/$defs/item"},
                  {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/listed"}}],
        "$defs": {**_bounded(defs["$defs"]),
                  "item": _by_kind(list(KINDS), refs),
                  "listed": _by_kind(listable, refs)},
    }


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def schemas() -> dict[str, str]:
    """File name to JSON text, for every kind and the handbook; stable bytes so the committed
    copy can be diffed."""
    written = {f"{kind}.schema.json": _text(schema_for(kind)) for kind in KINDS}
    written[f"{HANDBOOK}.schema.json"] = _text(handbook_schema())
    return written
