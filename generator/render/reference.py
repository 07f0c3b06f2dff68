"""Reference pages generated from the code: every field of the content model, every rule.

Written by hand, a field reference drifts from the model on the first change; generated, it
cannot. The same descriptions feed the JSON Schema that editors use.
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.checks import RULES
from generator.load import MIN_EXPANDED
from generator.model import KINDS, LISTABLE_KINDS, MAX_TEXT
from generator.model.fields import PROSE
from generator.render.text import markdown, plain

FIELDS = "reference/fields.md"
RULES_PAGE = "reference/rules.md"


def _anchor(model: type[BaseModel]) -> str:
    return f"model-{model.__name__.lower()}"


REFERENCES = {"it-director": "role id", "continuous-improvement": "term id",
              "SOP-IT-004": "document id", "collect-feedback": "step id", "1.0": '"MAJOR.MINOR"',
              "15m": "duration (`15m`, `2h`, `1d`, `1w`)", "2026-05-01": "date (YYYY-MM-DD)"}
"""What a reference type is called, recognised by the example the model gives for it."""


MARKDOWN_TYPE = "[Markdown](#markdown-and-plain-text)"
"""What the Type column calls a Markdown field; plain text is "plain text"."""


def _named(examples: Any) -> str | None:
    return REFERENCES.get(str(examples[0])) if examples else None


def _type(annotation: Any, nested: list[type[BaseModel]]) -> str:
    """A reader's name for a field's type; nested models are collected for their own tables."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        if PROSE in typing.get_args(annotation)[1:]:
            return MARKDOWN_TYPE
        for meta in typing.get_args(annotation)[1:]:
            name = _named(getattr(meta, "examples", None))
            if name:
                return name
        return _type(typing.get_args(annotation)[0], nested)
    if origin in (typing.Union, types.UnionType):
        parts = [_type(a, nested) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(parts)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{value}`" for value in typing.get_args(annotation))
    if origin is list:
        return f"list of {_type(typing.get_args(annotation)[0], nested)}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"mapping of {_type(key, nested)} to {_type(value, nested)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in nested:
            nested.append(annotation)
        return f"[{annotation.__name__}](#{_anchor(annotation)})"
    names = {str: "plain text", int: "whole number", float: "number", bool: "true or false",
             dt.date: "date (YYYY-MM-DD)",
             dt.datetime: "date and time with its offset from UTC (ISO 8601)"}
    if annotation is typing.Any:
        return "see description"
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _required(info: FieldInfo) -> str:
    return "yes" if info.is_required() else "no"


def _table(model: type[BaseModel], nested: list[type[BaseModel]]) -> list[str]:
    rows = ["| Key | Type | Required | Meaning |", "| --- | --- | --- | --- |"]
    for name, info in model.model_fields.items():
        meaning = markdown(info.description or "").replace("|", "\\|")
        kind = (MARKDOWN_TYPE if PROSE in info.metadata else None) or _named(info.examples) \
            or _type(info.annotation, nested)
        limit = next((meta.max_length for meta in info.metadata
                      if isinstance(getattr(meta, "max_length", None), int)), None)
        if limit is not None:
            kind += f", at most {limit:,} characters"
        rows.append(f"| `{name}` | {kind} | {_required(info)} | "
                    f"{meaning} |")
    return rows


@cache  # the content model and the rules are fixed for the life of the process
def fields_page() -> str:
    """Every kind's keys, then every nested structure, each with type and meaning."""
    out = ["---", "title: Field reference", "render_macros: false", "---", "",
           "# Field reference", "",
           "Generated from the content model (`generator/model/`); the JSON Schemas in "
           "`schemas/` come from the same source.", "",
           f"Every text value is at most {MAX_TEXT:,} characters, and the fields below that "
           "say so fewer (titles and names): longer text is refused "
           "([MODEL006](rules.md#MODEL006)), since every page, search and flowchart "
           "made from it would be slow; split it into steps, substeps or an SOP of its own. "
           "Aliases may repeat text up to four times the size of their file, at least "
           f"{MIN_EXPANDED:,} characters ([YAML008](rules.md#YAML008)).", "",
           "## Markdown and plain text {#markdown-and-plain-text}", "",
           "A field of type **Markdown** is prose: it is rendered as Markdown wherever it "
           "appears (emphasis, `code`, links, lists; in a table cell, on one line), and raw "
           "HTML is shown as written. In a list of Markdown, an item may have one level of "
           "sub-items, written as the item's text, a colon, and the sub-items indented under "
           "it (`- Open the valve:` then `    - turn it left`). A field of type **plain "
           "text** (names, ids, labels, units) is shown exactly as written, never as "
           "markup.", ""]
    nested: list[type[BaseModel]] = []
    for kind, top in KINDS.items():
        listable = " A file may hold one or a list of them." if kind in LISTABLE_KINDS else ""
        out += [f"## `kind: {kind}` {{#{_anchor(top)}}}", "",
                f"{markdown(inspect.getdoc(top) or '')}{listable}", ""]
        out += _table(top, nested)
        out.append("")
    done: set[type[BaseModel]] = set(KINDS.values())
    while nested:
        part = nested.pop(0)
        if part in done:
            continue
        done.add(part)
        out += [f"## {part.__name__} {{#{_anchor(part)}}}", "",
                markdown(inspect.getdoc(part) or ""), ""]
        out += _table(part, nested)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


@cache
def rules_page() -> str:
    """Every code sopsite reports, with its severity, purpose and example."""
    out = ["---", "title: Rules", "render_macros: false", "---", "", "# Rules", "",
           "Every problem `sopsite check` reports carries one of these codes. Warnings fail "
           "only with `--strict`.", "", "| Code | Severity | Purpose |", "| --- | --- | --- |"]
    out += [f"| [{code}](#{code}) | {rule.severity.value} | {plain(rule.summary)} |"
            for code, rule in RULES.items()]
    out.append("")
    for code, rule in RULES.items():
        out += [f"## {code} {{#{code}}}", "", f"**{rule.severity.value}**: "
                f"{plain(rule.summary)}.", ""]
        doc = inspect.getdoc(rule.check) if rule.check else None
        if doc:
            out += [markdown(doc), ""]
    return "\n".join(out).rstrip() + "\n"
