"""JSON Schemas generated from the models, for editors and independent validators."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from generator.model.content import KINDS, LISTABLE_KINDS

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str) -> dict[str, Any]:
    """The schema of one kind's file; roles and terms may also come as a list."""
    model = KINDS[kind]
    shape: Any = model | list[model] if kind in LISTABLE_KINDS else model  # type: ignore[valid-type]
    schema = TypeAdapter(shape).json_schema()
    return {"$schema": SCHEMA_DIALECT, "title": f"sopsite {kind}", **schema}


def schemas() -> dict[str, str]:
    """File name to JSON text, for every kind; stable bytes so the committed copy can be diffed."""
    return {
        f"{kind}.schema.json": json.dumps(schema_for(kind), indent=2, sort_keys=True) + "\n"
        for kind in KINDS
    }
