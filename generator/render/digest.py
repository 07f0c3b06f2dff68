"""Digests of what a page is made from: the keys under which pages are reused.

Models contribute their fingerprint (a digest of their content, kept on the model), so a
key costs a few bytes per model however large the handbook; anything else that is not
plain data must say how it is digested (a ``fingerprint`` of its own) or the digest fails,
rather than leave something a page shows out of its key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json


def digest_of(value: object) -> str:
    """A digest of plain data (models by their fingerprint, dates as ISO days)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=_plain)
                          .encode()).hexdigest()


def _plain(value: object) -> object:
    fingerprint = getattr(value, "fingerprint", None)
    if isinstance(fingerprint, str):
        return fingerprint
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"no digest for {type(value).__name__}")


def text_digest(text: str | None) -> str:
    """A digest of a YAML text (a revision's source), or "" for none."""
    return "" if text is None else hashlib.sha256(text.encode()).hexdigest()
