"""The evidence register: exact CSV and JSON for a handbook with declared and git versions,
spreadsheet formulas neutralised, the same bytes every time, and no register of a broken
handbook."""

from __future__ import annotations

import json
from pathlib import Path

from generator.git.history import read_history
from generator.pipeline import check_handbook
from generator.render.register import neutralised, register_files
from tests.support import TODAY, run_cli
from tests.test_declared_history import declared_repo as declared_repo
from tests.test_history import commit


def _files(root: Path) -> dict[str, bytes]:
    handbook, _ = check_handbook(root / "sops", today=TODAY)
    return register_files(handbook, read_history(root / "sops", handbook))


def test_register_csv_lists_every_document_and_every_revision(
        declared_repo: tuple[Path, list[str]]) -> None:
    root, commits = declared_repo
    files = _files(root)
    assert files["register.csv"] == (
        "\ufeffid,title,kind,status,status_label,version,effective,owner,approvals,next_review\r\n"
        "SOP-D-1,Rotate the backup disks,sop,effective,effective,2.1,2026-03-05,lead,"
        "\"Ada Lead (lead, approval of v2.1, 2026-03-02)\",2027-03-05\r\n").encode()
    assert files["revisions.csv"].decode("utf-8").splitlines() == [
        "\ufeffid,version,status,status_label,effective,source,commit,committed,declared_author,"
        "git_author,"
        "summary",
        "SOP-D-1,1.0,superseded,superseded,2025-09-01,declared,,,Marko Laine,,Made 1.0.",
        "SOP-D-1,1.1,superseded,superseded,2025-12-01,declared,,,Aino Korhonen,,Made 1.1.",
        f"SOP-D-1,2.0,effective,effective,2026-02-01,git,{commits[0]},2026-02-01,Ada Lead,Repo Bot,"
        "Made 2.0.",
        f"SOP-D-1,2.1,effective,effective,2026-03-05,git,{commits[1]},2026-03-01,Ben Tech,Ben Tech,"
        "Made 2.1.",
    ]


def test_register_json_holds_the_same_records(declared_repo: tuple[Path, list[str]]) -> None:
    root, commits = declared_repo
    data = json.loads(_files(root)["register.json"])
    assert data["history_notice"] == ""
    assert data["documents"] == [{
        "id": "SOP-D-1", "title": "Rotate the backup disks", "kind": "sop",
        "status": "effective", "status_label": "effective", "version": "2.1",
        "effective": "2026-03-05", "owner": "lead",
        "approvals": [{"name": "Ada Lead", "role": "lead", "version": "2.1",
                       "date": "2026-03-02", "meaning": "approval"}],
        "next_review": "2027-03-05"}]
    assert [(r["version"], r["source"], r["commit"]) for r in data["revisions"]] == [
        ("1.0", "declared", ""), ("1.1", "declared", ""), ("2.0", "git", commits[0]),
        ("2.1", "git", commits[1])]
    assert data["revisions"][2]["declared_author"] == "Ada Lead"
    assert data["revisions"][2]["git_author"] == "Repo Bot"


def test_formula_injection_is_neutralised_in_the_csv_and_kept_in_the_json(
        declared_repo: tuple[Path, list[str]]) -> None:
    root, _ = declared_repo
    path = root / "sops" / "sop.yml"
    text = path.read_text("utf-8").replace(
        "title: Rotate the backup disks", "title: '=HYPERLINK(\"http://evil.example\",\"x\")'"
    ).replace("author: Ben Tech}", "author: \"@SUM(1+1)\"}").replace(
        "summary: Made 1.0.", "summary: \"-2+3\"").replace(
        "summary: Made 1.1.", "summary: \"+cmd|' /C calc'!A0\"").replace(
        "name: Ada Lead, role: lead, version: \"2.1\"",
        "name: \"\\tTab\", role: lead, version: \"2.1\"")
    commit(root, text, "Hostile", "2026-03-01", "=cmd|' /C calc'!A0")
    files = _files(root)
    documents = files["register.csv"].decode("utf-8").splitlines()
    assert documents[1].startswith("SOP-D-1,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")"
                                   "\",sop,effective,effective,2.1,2026-03-05,lead,"
                                   "\"'\tTab (lead, ")
    revisions = files["revisions.csv"].decode("utf-8").splitlines()
    assert revisions[1] == ("SOP-D-1,1.0,superseded,superseded,2025-09-01,declared,,,"
                            "Marko Laine,,'-2+3")
    assert revisions[2] == ("SOP-D-1,1.1,superseded,superseded,2025-12-01,declared,,,"
                            "Aino Korhonen,,'+cmd|' /C calc'!A0")
    assert revisions[4].endswith(",'@SUM(1+1),Ben Tech,Made 2.1.")
    data = json.loads(files["register.json"])
    assert data["documents"][0]["title"] == '=HYPERLINK("http://evil.example","x")'
    assert [neutralised(t) for t in ("=1", "+1", "-1", "@1", "\t1", "\r1", "\x001", "\uff1d1",
                                     "\uff0b1", "\uff0d1", "\uff201", "a=1", " =1", "'=1")] == [
        "'=1", "'+1", "'-1", "'@1", "'\t1", "'\r1", "'\x001", "'\uff1d1", "'\uff0b1",
        "'\uff0d1", "'\uff201", "a=1", " =1", "'=1"]


def test_the_same_handbook_gives_the_same_bytes(declared_repo: tuple[Path, list[str]]) -> None:
    root, _ = declared_repo
    assert _files(root) == _files(root)


def test_sopsite_register_writes_the_folder_and_refuses_a_broken_handbook(
        declared_repo: tuple[Path, list[str]]) -> None:
    root, _ = declared_repo
    result = run_cli("register", "sops", "--out", "evidence", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["evidence/register.csv", "evidence/revisions.csv",
                                          "evidence/register.json"]
    assert (root / "evidence" / "register.csv").read_bytes() == _files(root)["register.csv"]
    (root / "sops" / "broken.yml").write_text("kind: sop\nid: SOP-D-2\n", "utf-8")
    result = run_cli("register", "sops", "--out", "second", cwd=root)
    assert result.returncode == 1
    assert "sops/broken.yml:1:1: error" in result.stdout
    assert not (root / "second").exists()
