"""The evidence register: every document and every revision, as CSV and JSON for auditors.

An auditor loads the CSV into a spreadsheet, so every cell is author text that a spreadsheet
might run: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as
a formula (or, for the last two, has its first character dropped and the rest read as one).
Such a cell gets a leading apostrophe, which spreadsheets show as text and never evaluate;
the JSON keeps the text as written. The bytes depend only on the handbook and its history:
rows sorted, no timestamps, UTF-8 with a byte-order mark on the CSV (spreadsheets otherwise
guess another encoding and garble names) and CRLF line ends (RFC 4180).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from generator.git.history import History
from generator.model.handbook import Handbook
from generator.render import revisions
from generator.render.i18n import status_label

DOCUMENTS_CSV = "register.csv"
REVISIONS_CSV = "revisions.csv"
REGISTER_JSON = "register.json"
FOLDER = "register"
"""Where `sopsite bundle` puts the three files in its zip."""

_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What a spreadsheet may read as the start of a formula: OWASP's and ASVS 1.2.10's list,
and the full-width forms of = + - @, which some spreadsheets take for the ASCII ones."""
DOCUMENT_COLUMNS = ("id", "title", "kind", "status", "status_label", "version", "effective",
                    "owner", "approvals", "next_review")
REVISION_COLUMNS = ("id", "version", "status", "status_label", "effective", "source", "commit",
                    "committed", "declared_author", "git_author", "summary")
"""`status` is the value the YAML holds (for filters and scripts), `status_label` the word
every page shows for it (`generator.render.i18n.status_label`)."""


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it (see the module docstring)."""
    return "'" + text if text.startswith(_FORMULA) else text


def _approvals(doc: Any) -> list[dict[str, str]]:
    return [{"name": a.name, "role": a.role, "version": a.version,
             "date": a.date.isoformat(), "meaning": a.meaning} for a in doc.approvals]


def documents(handbook: Handbook) -> list[dict[str, Any]]:
    """One record per document, by id."""
    found = []
    for doc in sorted((e.item for e in handbook.documents), key=lambda d: d.id):
        review = doc.next_review
        found.append({"id": doc.id, "title": doc.title, "kind": doc.kind,
                      "status": doc.status,
                      "status_label": status_label(doc.status, doc.language),
                      "version": doc.version,
                      "effective": doc.effective.isoformat(), "owner": doc.owner,
                      "approvals": _approvals(doc),
                      "next_review": review.isoformat() if review else ""})
    return found


def revision_rows(handbook: Handbook, history: History | None) -> list[dict[str, str]]:
    """One record per version of every document, oldest first within a document: the one
    timeline the site shows (`revisions.timeline`), declared versions marked as such."""
    found = []
    texts = {e.item.id: e.text for e in handbook.documents}
    for doc in sorted((e.item for e in handbook.documents), key=lambda d: d.id):
        known = history.revisions.get(doc.id, []) if history else []
        for row in revisions.timeline(doc, texts.get(doc.id), known):
            found.append({
                "id": doc.id, "version": row.version, "status": row.status,
                "status_label": status_label(row.status, doc.language),
                "effective": row.effective.isoformat(), "source": row.source,
                "commit": row.commit or "",
                "committed": row.committed.isoformat() if row.committed else "",
                "declared_author": row.change.author if row.change else "",
                "git_author": row.author or "",
                "summary": row.change.summary if row.change else ""})
    return found


def _csv(columns: tuple[str, ...], records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for record in records:
        writer.writerow([neutralised(_cell(record[column])) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    """A value as one CSV cell: approvals as `name (role, meaning of vX, date)`, `; ` apart."""
    if isinstance(value, list):
        return "; ".join(f"{a['name']} ({a['role']}, {a['meaning']} of v{a['version']}, "
                         f"{a['date']})" for a in value)
    return str(value)


def register_files(handbook: Handbook, history: History | None) -> dict[str, bytes]:
    """The register's files by name: the documents and the revisions as CSV, both in one
    JSON. Without ``history`` (no git) every version is the declared one or the working
    tree's, and the JSON says why there is no git history."""
    docs = documents(handbook)
    revs = revision_rows(handbook, history)
    notice = history.notice if history else "History was not read."
    data = {"documents": docs, "revisions": revs, "history_notice": notice or ""}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    return {DOCUMENTS_CSV: _csv(DOCUMENT_COLUMNS, docs),
            REVISIONS_CSV: _csv(REVISION_COLUMNS, revs),
            REGISTER_JSON: text.encode("utf-8")}
