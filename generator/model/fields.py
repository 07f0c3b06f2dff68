"""The value types every model shares, and the base all models derive from.

The models are frozen (a loaded handbook is a value, safe to share between the CLI, the
plugin and the renderer) and forbid unknown keys (a typo must not silently drop a step's
warning). Every field has a description: the same models give the JSON Schema editors use
and the field reference in the docs. Cross-document rules (references, step graph, ids)
live in :mod:`generator.checks`, where they can point at the exact offending value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic.config import JsonDict

from generator.load.items import describe
from generator.problems import quote


def anchored(body: str) -> str:
    """``body`` as a JSON Schema `pattern` matching the whole text, in the editor's regular
    expressions (ECMA-262) and in Python's alike: Python's `$` also matches before a final
    line break, which the look-ahead refuses, so `"2.1\\n"` fails in both."""
    return f"^(?:{body})$(?!\\n)"


def pattern_schema(body: str, message: str) -> JsonDict:
    """The schema keywords of a text that must match ``body``; `patternErrorMessage` is what
    VS Code's YAML extension shows instead of the expression."""
    return {"pattern": anchored(body), "patternErrorMessage": message}


VERSION_TEXT = r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
"""A version as the guide writes it. `[0-9]`, not `\\d`: Python's `\\d` takes any script's
digits, the editor's only ASCII ones."""
VERSION_PATTERN = re.compile(VERSION_TEXT)
DURATION_TEXT = r"[1-9][0-9]*(m|h|d|w)"
DURATION_PATTERN = re.compile(DURATION_TEXT)

DOC_ID_TEXT = r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)*"
"""A document id: upper-case letters, digits and hyphens (rule ID003)."""
SLUG_ID_TEXT = r"[a-z0-9]+(-[a-z0-9]+)*"
"""Every other id (step, group, question, risk, action, role, term): lower-case (ID003)."""
MAX_ID_LENGTH = 64
"""Longest id, in characters (ids of the agreed shapes are ASCII, so also in bytes).

A file name may hold 255 bytes on every common file system, and an id appears in one with
at most a few more characters (`<id>.md`, `<id>.html`, the folder `<id>/` of its revisions).
The tighter limit is Windows' 260 characters for a whole path, which many tools still
enforce: the deepest page made from an id, `retrospectives/<id>/diff-v10.10-v11.0.html`,
is then under 110 characters, leaving 150 for the folder the site or its checkout is in.
Real ids are 10 to 20 characters long.
"""


def _windows(upper: bool) -> str:
    names = ("CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9]" if upper
             else "con|prn|aux|nul|com[0-9]|lpt[0-9]")
    return anchored(names)


def id_schema(document: bool) -> JsonDict:
    """The schema of an id (rules ID002 to ID005): its shape, its length, and for document
    ids (page files) not a Windows device name. Role ids name page files too, so
    `role_id_schema` adds the lower-case device names."""
    if document:
        return {**pattern_schema(DOC_ID_TEXT, "expected a document id of upper-case letters, "
                                 "digits and hyphens such as 'SOP-IT-004'"),
                "maxLength": MAX_ID_LENGTH, "not": {"pattern": _windows(upper=True)}}
    return {**pattern_schema(SLUG_ID_TEXT, "expected an id of lower-case letters, digits "
                             "and hyphens such as 'collect-feedback'"),
            "maxLength": MAX_ID_LENGTH}


def role_id_schema() -> JsonDict:
    """A role id: `id_schema` of a slug, and not a Windows device name (its page file)."""
    return {**id_schema(document=False), "not": {"pattern": _windows(upper=False)}}


def ref_schema(document: bool) -> JsonDict:
    """A reference has the shape of what it names: one of another shape can never name
    anything, so the editor refuses it at once (whether it names something is REF001)."""
    body, what = ((DOC_ID_TEXT, "a document id such as 'SOP-IT-004'") if document
                  else (SLUG_ID_TEXT, "an id of lower-case letters, digits and hyphens"))
    return pattern_schema(body, f"expected {what}")


def _version(value: str) -> str:
    if not VERSION_PATTERN.fullmatch(value):
        raise ValueError(f'expected "MAJOR.MINOR" such as "2.1", found {quote(value)}')
    return value


def _duration(value: str) -> str:
    if not DURATION_PATTERN.fullmatch(value):
        raise ValueError(
            "expected a number and a unit (m, h, d or w) such as '15m' or '2h', found "
            f"{quote(value)}"
        )
    return value


DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""The one way to write a date. Python's `fromisoformat` also reads ISO 8601's basic and
week forms (`20260701`, `2026-W27-3`), which the guide and the schema do not allow and a
reviewer would not read as a date."""
CALENDAR_DAY = (
    r"(?!0000)(?:[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)")
"""`DATE_TEXT` that is also a day of the calendar (what `fromisoformat` adds), as one
expression for the schema: February 29th only in leap years, no day 0000."""


def _padded(text: str) -> str:
    """"; did you mean '2026-07-01'?" for a day written `2026-7-1`, else nothing."""
    loose = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text.strip())
    if loose is None:
        return ""
    try:
        day = dt.date(*(int(part) for part in loose.groups()))
    except ValueError:
        return ""
    return f"; did you mean {quote(day.isoformat())}?"


def _iso_date(value: object) -> object:
    # YAML gives dates as date objects; a quoted "2026-05-01" is fine too, a number is not.
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, found text {quote(value)}"
                             f"{_padded(value)}") from None
        if not DATE_TEXT.fullmatch(value):
            raise ValueError(f"expected a date as YYYY-MM-DD, found text {quote(value)}; "
                             f"did you mean {quote(day.isoformat())}?")
        return day
    return value


def minutes(duration: str) -> int:
    """A `Duration` in minutes, counting a day as 8 working hours and a week as 5 days."""
    unit = duration[-1]
    return int(duration[:-1]) * {"m": 1, "h": 60, "d": 480, "w": 2400}[unit]


MAX_TEXT = 20_000
"""Longest text value, in characters: about ten printed pages, several times the longest
instructions of a real step. A page is rendered, searched and drawn from these values, and
one pasted log or manual would make each of those slow for every reader; a text that long
reads better split into steps, substeps or an SOP of its own anyway."""

MAX_NAME = 200
"""Longest title or name, in characters: these head pages, fill the navigation, label the
flowchart's boxes and the browser's tab, where two lines of text is already a lot."""

Text = Annotated[str, Field(min_length=1)]
"""Plain text: names, ids, labels, units. Shown exactly as written, never as markup."""


class _Prose:
    """The mark of a Markdown text in its type, for the field reference and the schema."""

    def __repr__(self) -> str:
        return "Markdown"


PROSE = _Prose()
MARKDOWN_SCHEMA = {"contentMediaType": "text/markdown"}
"""How the JSON Schema marks a Markdown text (a standard annotation, not a constraint)."""

Markdown = Annotated[str, PROSE, Field(min_length=1, json_schema_extra=MARKDOWN_SCHEMA)]
"""Prose: instructions, purposes, summaries, descriptions. Rendered as Markdown everywhere
it appears (in a table cell, on one line), with raw HTML shown as written."""

BlankMarkdown = Annotated[str, PROSE, Field(json_schema_extra=MARKDOWN_SCHEMA)]
"""`Markdown` that may be empty: the fields whose default is no text at all."""


def _list_item(value: object) -> object:
    """One item of a list of Markdown texts: a text, or a text with sub-items.

    The sub-items are written as authors write a nested list in YAML, the item's text
    followed by a colon and its sub-items indented under it::

        - Open the valve:
            - turn it left
            - wait for the hiss

    YAML reads that as a mapping of one key to a list; it becomes the item's Markdown with
    a nested list, so every page renders it as one. A one-key mapping to a text
    (``- Note: hot surface``, where YAML took the colon for a key) is the text as written.
    Anything else is refused with the path inside the value.
    """
    if not isinstance(value, dict):
        return value  # text, or the usual "expected text" problem
    if len(value) != 1:
        keys = ", ".join(quote(str(key)) for key in list(value)[:3])
        raise ValueError(f"expected a text, or one text with its sub-items indented under it "
                         f"('- Open the valve:' and '- turn it left' under it), found a "
                         f"mapping of {len(value)} keys ({keys}); put the text in quotes if it "
                         "holds ': '")
    [(head, subs)] = value.items()
    if isinstance(subs, str):
        return f"{head}: {subs}"
    if not isinstance(subs, list) or not subs:
        raise ValueError(f"expected sub-items indented under {quote(str(head))} (lines "
                         f"starting with '- '), found {_found(subs)}")
    lines = [str(head)]
    for number, sub in enumerate(subs, 1):
        if not isinstance(sub, str) or not sub.strip():
            raise ValueError(f"sub-item {number} under {quote(str(head))}: expected text, "
                             f"found {_found(sub)}; one level of sub-items is allowed, each "
                             "a text")
        lines.append("- " + sub.strip().replace("\n", "\n    "))
    return "\n".join(lines)


def _found(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict | list):
        return f"{describe(value)} (sub-items nest one level only)"
    if isinstance(value, str):
        return "an empty text"
    return describe(value)


MarkdownItem = Annotated[
    str, Field(min_length=1), PROSE, BeforeValidator(_list_item),
    WithJsonSchema({"anyOf": [
        {"type": "string", "minLength": 1, **MARKDOWN_SCHEMA},
        {"type": "object", "minProperties": 1, "maxProperties": 1,
         "description": "A text (the key) with its sub-items indented under it.",
         "additionalProperties": {"type": "array", "minItems": 1,
                                  "items": {"type": "string", "minLength": 1,
                                            **MARKDOWN_SCHEMA}}},
    ]}),
]
"""One item of a list of Markdown texts (`_list_item`): one level of sub-items allowed."""
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
DATE_SCHEMA = pattern_schema(CALENDAR_DAY, "expected a date as YYYY-MM-DD")
Date = Annotated[dt.date, BeforeValidator(_iso_date),
                 Field(examples=["2026-05-01"], json_schema_extra=DATE_SCHEMA)]
Version = Annotated[str, AfterValidator(_version), Field(
    examples=["1.0", "2.3"], json_schema_extra=pattern_schema(
        VERSION_TEXT, 'expected "MAJOR.MINOR" in quotes, such as "2.1"'))]
Duration = Annotated[str, AfterValidator(_duration), Field(
    examples=["15m", "2h", "1d"], json_schema_extra=pattern_schema(
        DURATION_TEXT, "expected a number and a unit (m, h, d or w) such as '15m' or '2h'"))]
RoleRef = Annotated[str, Field(description="A role id defined by a `kind: role` item.",
                               examples=["it-director"], json_schema_extra=ref_schema(False))]
TermRef = Annotated[str, Field(description="A term id defined by a `kind: term` item.",
                               examples=["continuous-improvement"],
                               json_schema_extra=ref_schema(False))]
DocRef = Annotated[str, Field(description="The id of an SOP, process or retrospective.",
                              examples=["SOP-IT-004"], json_schema_extra=ref_schema(True))]
StepRef = Annotated[str, Field(description="The id of a step in the same document.",
                               examples=["collect-feedback"], json_schema_extra=ref_schema(False))]
DocId = Annotated[str, Field(min_length=1, json_schema_extra=id_schema(True))]
"""A document's own id; its shape is checked by ID002 to ID005, which say what is wrong."""
SlugId = Annotated[str, Field(min_length=1, json_schema_extra=id_schema(False))]
"""The id of a step, group, question, risk, action or term (ID002 to ID004)."""
RoleId = Annotated[str, Field(min_length=1, json_schema_extra=role_id_schema())]
"""A role's id (ID002 to ID005: a role page is a file named after it)."""


def given(key: str) -> JsonDict:
    """A schema for "``key`` is written and not null": a model reads a null as left out."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}

Status = Literal["draft", "in-review", "effective", "superseded", "retired", "imported"]
Language = Literal["en", "fi"]
Translated = Literal["fi"]
"""The languages a role or term can be translated into: English is what `name`, `term` and
`definition` are written in."""


class Model(BaseModel):
    """Shared configuration: immutable, and no key the model does not know."""

    # Strict: `review_every: yes` must not become 1, nor `effective: 0` the 1st of January 1970.
    # Every text is bounded (MAX_TEXT; titles and names MAX_NAME): checked by pydantic's
    # core as it reads each value, which costs nothing a check would notice.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, str_max_length=MAX_TEXT)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the model's content, worked out once for as long as the model is in
        use: pages are reused while the fingerprints they were made from stay the same. Keys
        keep the order they were written in (a quiz's options are shown in that order)."""
        dumped = json.dumps(self.model_dump(mode="json"))
        return hashlib.sha256(dumped.encode()).hexdigest()
