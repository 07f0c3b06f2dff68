"""`sopsite check` as authors and CI run it: the installed script, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from generator.report import REPORT_SCHEMA_FILE, report_schema_text
from tests.support import REPO, SOPSITE, TODAY_ARG, Book, run_cli, run_sopsite

REPORT_SCHEMA = jsonschema.Draft202012Validator(json.loads(report_schema_text()))
S = "hb/sop-it-001.yml"
P = "hb/proc-it-rollout.yml"

REVIEW = ("review was due on 2026-10-01 (12 months after 2025-10-01); review it and bump the "
          "version or the effective date")
ROLE = "unknown role 'technicain'; did you mean 'technician'?"
STATUS = ("'status': expected one of draft, in-review, effective, superseded, retired, "
          "imported; found text 'drafty'; did you mean 'draft'?")


def test_script_is_installed() -> None:
    assert SOPSITE.is_file()


def make_errors(book: Book) -> None:
    """Three problems in two files, written out of order, plus one warning."""
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    book.edit("sop-it-001.yml", "    actor: technician\n    duration",
              "    actor: technicain\n    duration")
    book.edit("proc-it-rollout.yml", "status: draft", "status: drafty")


def test_clean_handbook_exits_0(book: Book) -> None:
    result = run_sopsite("check", "hb", "--today", TODAY_ARG, cwd=book.root.parent)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "no problems found\n")


def test_clean_handbook_is_clean_when_strict(book: Book) -> None:
    result = run_sopsite("check", "hb", "--strict", "--today", TODAY_ARG, cwd=book.root.parent)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "no problems found\n")


def test_errors_exit_1_sorted_with_a_summary(book: Book) -> None:
    make_errors(book)
    result = run_cli("check", "hb", "--today", TODAY_ARG, cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{P}:5:9: error [MODEL004] {STATUS}",
        f"{S}:8:15: warning [REVIEW001] {REVIEW}",
        f"{S}:31:12: error [REF001] {ROLE}",
    ]
    assert result.stderr == "2 error(s), 1 warning(s)\n"


def test_warning_alone_exits_0(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    result = run_cli("check", "hb", "--today", TODAY_ARG, cwd=book.root.parent)
    assert result.returncode == 0
    assert result.stdout == f"{S}:8:15: warning [REVIEW001] {REVIEW}\n"
    assert result.stderr == "0 error(s), 1 warning(s)\n"


def test_strict_fails_on_the_warning_and_keeps_its_severity(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    result = run_cli("check", "hb", "--strict", "--today", TODAY_ARG, cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stdout == f"{S}:8:15: warning [REVIEW001] {REVIEW}\n"
    assert result.stderr == "0 error(s), 1 warning(s); with --strict, warnings fail the run\n"


def test_today_decides_what_is_overdue(book: Book) -> None:
    # Effective 2026-03-01, reviewed every 12 months: due 2027-03-01.
    on_time = run_cli("check", "hb", "--today", "2027-03-01", cwd=book.root.parent)
    late = run_cli("check", "hb", "--today", "2027-03-02", cwd=book.root.parent)
    assert (on_time.returncode, on_time.stdout) == (0, "")
    assert late.returncode == 0
    assert late.stdout == (
        f"{S}:8:15: warning [REVIEW001] review was due on 2027-03-01 (12 months after "
        "2026-03-01); review it and bump the version or the effective date\n"
    )


def test_json_format(book: Book) -> None:
    make_errors(book)
    result = run_cli("check", "hb", "--format", "json", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "format": "sopsite-check", "version": 1, "strict": False, "passed": False,
        "counts": {"errors": 2, "warnings": 1, "failing": 2},
        "problems": [
            {"path": P, "line": 5, "column": 9, "code": "MODEL004", "severity": "error",
             "message": STATUS, "fails": True},
            {"path": S, "line": 8, "column": 15, "code": "REVIEW001", "severity": "warning",
             "message": REVIEW, "fails": False},
            {"path": S, "line": 31, "column": 12, "code": "REF001", "severity": "error",
             "message": ROLE, "fails": True},
        ]}
    REPORT_SCHEMA.validate(json.loads(result.stdout))


def test_json_format_when_clean_is_an_empty_list(book: Book) -> None:
    result = run_cli("check", "hb", "--format", "json", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "format": "sopsite-check", "version": 1, "strict": False, "passed": True,
        "counts": {"errors": 0, "warnings": 0, "failing": 0}, "problems": []}
    REPORT_SCHEMA.validate(json.loads(result.stdout))


def test_json_keeps_non_ascii_text(book: Book) -> None:
    book.write("zz.yml", "kind: role\nid: on-call-🚨\nname: On call\n")
    result = run_cli("check", "hb", "--format", "json", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.returncode == 1
    assert "on-call-🚨" in result.stdout
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["path"], problem["line"], problem["column"], problem["code"]) == (
        "hb/zz.yml", 2, 5, "ID003")


def test_github_format(book: Book) -> None:
    make_errors(book)
    result = run_cli("check", "hb", "--format", "github", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"::error file={P},line=5,col=9,title=MODEL004::{STATUS}",
        f"::warning file={S},line=8,col=15,title=REVIEW001::{REVIEW}",
        f"::error file={S},line=31,col=12,title=REF001::{ROLE}",
    ]


def test_github_format_escapes_the_message(book: Book) -> None:
    book.edit("sop-it-001.yml", "    actor: technician\n    duration",
              "    actor: 100%\n    duration")
    result = run_cli("check", "hb", "--format", "github", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.stdout == (
        f"::error file={S},line=31,col=12,title=REF001::unknown role '100%25'; valid roles: "
        "it-director, technician\n"
    )


def test_github_format_escapes_the_file_property(book: Book) -> None:
    # In a workflow command's properties ',' and ':' separate fields; they must be escaped.
    book.write("odd,name.yml", "kind: role\nid: odd\nid: again\nname: Odd\n")
    result = run_cli("check", "hb", "--format", "github", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stdout == (
        "::error file=hb/odd%2Cname.yml,line=3,col=1,title=YAML002::duplicate key 'id': first "
        "defined at line 2, column 1; YAML keeps only the last one\n"
    )


def test_github_format_strict(book: Book) -> None:
    book.edit("sop-it-001.yml", "effective: 2026-03-01", "effective: 2025-10-01")
    result = run_cli("check", "hb", "--format", "github", "--strict", "--today", TODAY_ARG,
                         cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stdout == f"::warning file={S},line=8,col=15,title=REVIEW001::{REVIEW}\n"


def test_paths_are_relative_to_the_working_directory(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "status: draft", "status: drafty")
    result = run_cli("check", ".", "--today", TODAY_ARG, cwd=book.root)
    assert result.returncode == 1
    assert result.stdout == f"proc-it-rollout.yml:5:9: error [MODEL004] {STATUS}\n"


def test_default_path_is_sops(book: Book) -> None:
    book.root.rename(book.root.parent / "sops")
    (book.root.parent / "sops" / "proc-it-rollout.yml").write_text(
        (book.root.parent / "sops" / "proc-it-rollout.yml").read_text(encoding="utf-8")
        .replace("status: draft", "status: drafty"), encoding="utf-8")
    result = run_cli("check", "--today", TODAY_ARG, cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stdout == f"sops/proc-it-rollout.yml:5:9: error [MODEL004] {STATUS}\n"


def test_hidden_files_and_other_suffixes_are_ignored(book: Book) -> None:
    book.write(".draft.yml", "not: [valid")
    book.write(".git/config.yml", "not: [valid")
    book.write("notes.txt", "not: [valid")
    book.write("nested/extra.yaml", "kind: role\nid: extra\nname: Extra\n")
    result = run_cli("check", "hb", "--strict", "--today", TODAY_ARG, cwd=book.root.parent)
    assert (result.returncode, result.stdout) == (0, "")


def test_nested_folders_are_checked(book: Book) -> None:
    book.write("deep/er/role.yaml", "kind: role\nid: x\nnmae: X\n")
    result = run_cli("check", "hb", "--today", TODAY_ARG, cwd=book.root.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "hb/deep/er/role.yaml:3:1: error [MODEL002] unknown key 'nmae' in the role; did you mean "
        "'name'?",
    ]


# --- usage errors ------------------------------------------------------------------------


def test_nonexistent_path_exits_2(tmp_path: Path) -> None:
    result = run_cli("check", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '[PATH]': Directory 'nope' does not exist." in result.stderr
    assert "Traceback" not in result.stderr


def test_default_path_missing_exits_2(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "Directory 'sops' does not exist." in result.stderr


def test_file_instead_of_folder_exits_2(book: Book) -> None:
    result = run_cli("check", "hb/roles.yml", cwd=book.root.parent)
    assert result.returncode == 2
    assert "Error: Invalid value for '[PATH]': Directory 'hb/roles.yml' is a file." in (
        result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Error: Invalid value for '--format': 'xml' is not one of 'text', "
                              "'github', 'json'."),
        (["--today", "2026-13-01"], "Error: Invalid value for '--today': '2026-13-01' does not "
                                    "match the format '%Y-%m-%d'."),
        (["--today", "21.11.2026"], "Error: Invalid value for '--today': '21.11.2026' does not "
                                    "match the format '%Y-%m-%d'."),
        (["--strictly"], "Error: No such option '--strictly'. Did you mean '--strict'?"),
    ],
    ids=["format", "impossible-today", "today-format", "unknown-option"],
)
def test_bad_options_exit_2(book: Book, args: list[str], message: str) -> None:
    result = run_cli("check", "hb", *args, cwd=book.root.parent)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_rules_lists_every_code(tmp_path: Path) -> None:
    result = run_cli("rules", cwd=tmp_path)
    assert result.returncode == 0
    codes = [line.split()[0] for line in result.stdout.splitlines()]
    for code in ("FILE001", "YAML005", "MODEL005", "ID001", "FLOW003", "REVIEW001", "RISK001"):
        assert code in codes
    assert "REVIEW001    warning  an effective document past its review date" in (
        result.stdout.splitlines())


def test_the_json_report_schema_is_valid_and_committed() -> None:
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA.schema)
    committed = (REPO / "schemas" / REPORT_SCHEMA_FILE).read_text("utf-8")
    assert committed == report_schema_text(), "run: sopsite schema --out schemas"


def test_the_json_report_schema_refuses_what_a_tool_must_not_see() -> None:
    good = {"format": "sopsite-check", "version": 1, "strict": False, "passed": True,
            "counts": {"errors": 0, "warnings": 0, "failing": 0}, "problems": []}
    REPORT_SCHEMA.validate(good)
    finding = {"path": "a.yml", "line": 1, "column": 1, "severity": "fatal", "code": "X001",
               "message": "m", "fails": True}
    for bad in ({**good, "version": 2}, {**good, "extra": 1}, {**good, "problems": [finding]},
                {**good, "problems": [{**finding, "severity": "error", "line": 0}]}):
        assert not REPORT_SCHEMA.is_valid(bad), bad
