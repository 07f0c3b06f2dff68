"""Role pages for audits and training: the curriculum and its time, every document the role
performs steps in, is consulted on or informed of, and every signature given in the role."""

from __future__ import annotations

from pathlib import Path

from generator.pipeline import check_handbook
from generator.render.pages import generate
from tests.support import TODAY
from tests.test_history import PEOPLE, SOP_V2

OBSERVER = "- {kind: role, id: observer, name: Observer}\n"
SOP = SOP_V2.replace(
    "  - {role: lead, raci: accountable}\n",
    "  - {role: lead, raci: accountable}\n  - {role: auditor, raci: consulted, duties: Checks "
    "the log.}\n  - {role: observer, raci: informed}\n").replace(
    "meaning: approval}\n", "meaning: approval}\n  - {name: Ida Audit, role: auditor, version: "
    "\"2.0\", date: 2026-05-27, meaning: review}\n", 1)


def _pages(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "people.yml").write_text(PEOPLE + OBSERVER, "utf-8")
    (tmp_path / "sops" / "sop.yml").write_text(SOP, "utf-8")
    handbook, problems = check_handbook(tmp_path / "sops", today=TODAY)
    assert [p.format() for p in problems if p.severity.value == "error"] == []
    return generate(handbook, today=TODAY).pages


def _section(page: str, title: str) -> str:
    start = page.index(f"## {title}\n")
    end = page.find("\n## ", start + 1)
    return page[start:end if end != -1 else len(page)]


def test_a_role_consulted_on_a_document_sees_it_with_its_duties_and_signatures(
        tmp_path: Path) -> None:
    page = _pages(tmp_path)["roles/auditor.md"]
    assert _section(page, "Curriculum") == (
        "## Curriculum\n\nNo training module names this role in its audience.\n")
    assert _section(page, "Involvement by document") == (
        "## Involvement by document\n\n"
        "| Document | Involvement | Duties | Steps performed |\n| --- | --- | --- | --- |\n"
        "| [SOP-H-1: Restart the print server (v2.0)](../procedures/sop-h-1.md) | Consulted | "
        "Checks the log. | \u2013 |\n")
    assert _section(page, "Approvals given in this role") == (
        "## Approvals given in this role\n\n"
        "| Document | Version | Name | Date | Meaning |\n| --- | --- | --- | --- | --- |\n"
        "| [SOP-H-1: Restart the print server](../procedures/sop-h-1.md) | 2.0 | Ida Audit | "
        "2026-05-27 | review |\n")


def test_an_informed_role_and_a_performing_role_with_its_curriculum(tmp_path: Path) -> None:
    pages = _pages(tmp_path)
    observer = pages["roles/observer.md"]
    assert ("| [SOP-H-1: Restart the print server (v2.0)](../procedures/sop-h-1.md) | Informed | "
            "\u2013 | \u2013 |\n") in observer
    assert _section(observer, "Approvals given in this role") == (
        "## Approvals given in this role\n\nNone.\n")
    tech = pages["roles/tech.md"]
    assert _section(tech, "Curriculum") == (
        "## Curriculum\n\n[Curriculum: Technician](../training/roles/tech.md) · "
        "**Total time:** 15 min\n")
    assert ("| [SOP-H-1: Restart the print server (v2.0)](../procedures/sop-h-1.md) | "
            "Responsible | \u2013 | "
            "[1. Announce the restart](../procedures/sop-h-1.md#step-announce), "
            "[2. Restart the spooler service](../procedures/sop-h-1.md#step-restart), "
            "[3. Print a test page](../procedures/sop-h-1.md#step-verify) |\n") in tech
    lead = pages["roles/lead.md"]
    signed = _section(lead, "Approvals given in this role").splitlines()[4:]
    assert signed == [
        f"| [SOP-H-1: Restart the print server](../procedures/sop-h-1.md) | {v} | Ada Lead | "
        f"{d} | approval |" for v, d in (("1.0", "2026-01-05"), ("1.1", "2026-02-25"),
                                         ("2.0", "2026-05-28"))]
    assert ("Accountable | \u2013 | [4. Log the restart](../procedures/sop-h-1.md#step-log) |"
            in lead)
