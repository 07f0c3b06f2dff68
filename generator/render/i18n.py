"""Page labels by language. A document with `language: fi` gets Finnish labels.

The tables are data files (`labels/<language>.yml`) so that a translator edits text, not
Python. Both must have the same keys (a test enforces it), so a missing translation is a
failing test rather than a blank heading.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType

import yaml


def _table(language: str) -> dict[str, str]:
    """The labels of ``language``, read once at import: every page of a build uses them."""
    text = (files("generator.render") / "labels" / f"{language}.yml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    if not isinstance(table, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in table.items()):
        raise TypeError(f"labels/{language}.yml: expected a mapping of text keys to text labels")
    return table


EN: Mapping[str, str] = MappingProxyType(_table("en"))
FI: Mapping[str, str] = MappingProxyType(_table("fi"))

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType({"en": EN, "fi": FI})
"""Read-only: templates get these tables, and one must not change the words of the next."""

LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType({"en": "English",
                                                      "fi": "Finnish (suomi)"})
"""How the English pages (roles, glossary) name a language a translation is in."""


def labels(language: str) -> Mapping[str, str]:
    """The label table for ``language``; English when the language has none."""
    return LABELS.get(language, EN)


DOCUMENT_STATUSES: tuple[str, ...] = ("draft", "in-review", "effective", "superseded",
                                      "retired", "imported")
"""A document's statuses, as the YAML spells them (`generator.model.fields.Status`)."""
ACTION_STATUSES: tuple[str, ...] = ("open", "in-progress", "done", "dropped", "archived")
"""An action item's statuses, as the YAML spells them (`generator.model.documents.Action`)."""
STATUSES: tuple[str, ...] = DOCUMENT_STATUSES + ACTION_STATUSES
"""Every status a reader may see: each has exactly one label per language."""


def status_key(status: str) -> str:
    """The label key of ``status``: `in-progress` is `status_in_progress`.

    The key is not the status itself, so that a status never doubles as a heading word
    (`effective` is both) and a template cannot print one without this vocabulary.
    """
    if status not in STATUSES:
        raise KeyError(f"Expected one of {', '.join(STATUSES)} but received {status!r}")
    return "status_" + status.replace("-", "_")


def status_label(status: str, language: str = "en") -> str:
    """The one word a reader sees for ``status`` in ``language``, on every page, table,
    banner, catalogue and in the register: one vocabulary, so `in progress` on one page is
    never `in-progress` on the next."""
    return labels(language)[status_key(status)]
