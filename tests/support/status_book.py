"""A handbook with every status a reader must not mistake for a procedure in force, on a
real git history: SOP-H-1 has three committed versions (tests/test_history.py) and a fourth,
a draft, in the working tree; SOP-D-1 is a draft that never took effect; SOP-OLD-1 is
superseded by SOP-NEW-1; SOP-RET-1 is retired, and owned by a role whose name is markup
(`HOSTILE_ROLE`: the catalogue's filters must show it as text); SOP-FI-1 is a Finnish
draft; SOP-LATE-1 is due for review (the review dashboard then has a table)."""

from __future__ import annotations

from pathlib import Path

from tests.test_history import PEOPLE, SOP_V1, SOP_V1_1, SOP_V2, commit, run

SOP_V2_1_DRAFT = SOP_V2.replace('\nversion: "2.0"', '\nversion: "2.1"').replace(
    "status: effective", "status: draft").replace(
    "effective: 2026-06-01", "effective: 2026-12-15").replace(
    "    title: Log the restart\n", "    title: Log the restart in the ticket\n").replace(
    "retrain: [tech]}\n", "retrain: [tech]}\n  - {version: \"2.1\", date: 2026-11-10, "
    "summary: Log in the ticket., author: Ben Tech}\n")


HOSTILE_ROLE = '<img src=x onerror="window.pwned=1"> {shown} Mallory'
"""A role name that is HTML and a placeholder of the filters' count line."""
ROLES = f"- {{kind: role, id: mallory, name: '{HOSTILE_ROLE}'}}\n"


def _sop(doc_id: str, title: str, status: str, *, extra: str = "",
         effective: str = "2026-01-10", owner: str = "lead", review_every: int = 12) -> str:
    """A small SOP of ``status``, approved (as every status but draft may need)."""
    text = (SOP_V1.replace("id: SOP-H-1", f"id: {doc_id}")
            .replace("title: Restart the print server", f"title: {title}")
            .replace("status: effective", f"status: {status}")
            .replace("owner: lead", f"owner: {owner}")
            .replace("effective: 2026-01-10", f"effective: {effective}")
            .replace("review_every: 12", f"review_every: {review_every}"))
    return text + extra


DOCUMENTS = {
    "draft.yml": _sop("SOP-D-1", "Replace the toner", "draft", effective="2026-12-01"),
    "old.yml": _sop("SOP-OLD-1", "Restart the fax server", "superseded"),
    "new.yml": _sop("SOP-NEW-1", "Restart the scan server", "effective",
                    extra="supersedes: [SOP-OLD-1]\n", effective="2026-04-01"),
    "retired.yml": _sop("SOP-RET-1", "Feed the plotter", "retired", effective="2026-05-01",
                        owner="mallory"),
    "finnish.yml": _sop("SOP-FI-1", "Tulostimen uudelleenkäynnistys", "draft",
                        extra="language: fi\n", effective="2026-12-01"),
    "late.yml": _sop("SOP-LATE-1", "Clean the print heads", "effective", owner="tech",
                     review_every=6, effective="2026-06-01"),
}


def make(root: Path) -> list[str]:
    """The handbook at ``root`` (a new git repository); returns its three commits."""
    (root / "sops").mkdir(parents=True)
    run(root, "init", "-q", "-b", "main")
    (root / "sops" / "people.yml").write_text(PEOPLE, "utf-8")
    (root / "sops" / "more-people.yml").write_text(ROLES, "utf-8")
    for name, text in DOCUMENTS.items():
        (root / "sops" / name).write_text(text, "utf-8")
    commits = [
        commit(root, SOP_V1, "First issue", "2026-01-05", "Ada Lead"),
        commit(root, SOP_V1_1, "Reword", "2026-02-20", "Ben Tech"),
        commit(root, SOP_V2, "Lead logs restarts", "2026-05-20", "Ada Lead"),
    ]
    (root / "sops" / "sop.yml").write_text(SOP_V2_1_DRAFT, "utf-8")
    return commits
