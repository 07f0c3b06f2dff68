"""The author's workflow: scaffolding, editor schemas, pre-commit, the PR workflow, `rules`."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from generator.checks import RULES
from generator.model.schema import schemas
from generator.report import REPORT_SCHEMA_FILE, report_schema_text
from tests.support import MERMAID_JS, REPO, TODAY_ARG, run_cli
from tests.support.build import build, sopsite


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository made by `sopsite init`, with the repo's Mermaid standing in for npm."""
    root = tmp_path_factory.mktemp("init") / "hb"
    result = sopsite("init", str(root), cwd=root.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"22 files in {root}; next: cd {root} && make site && make test\n"
    (root / "node_modules").symlink_to(MERMAID_JS.parents[2])
    return root


@pytest.mark.slow
def test_init_builds_at_once(handbook: Path) -> None:
    assert sopsite("check", "--strict", cwd=handbook).returncode == 0
    assert build(handbook / "mkdocs.yml") == handbook / "site"
    html = (handbook / "site" / "index.html").read_text("utf-8")
    assert "PROC-HOME-BORSCHT: Weekly borscht at home" in html
    assert (handbook / "site/processes/proc-home-borscht/index.html").is_file()
    assert sorted(p.name for p in (handbook / "schemas").iterdir()) == sorted(schemas())
    assert json.loads((handbook / ".vscode/settings.json").read_text("utf-8"))["yaml.schemas"]


def test_init_refuses_a_folder_that_is_not_empty(handbook: Path) -> None:
    result = sopsite("init", str(handbook), cwd=handbook.parent)
    assert result.returncode == 2
    assert f"Error: {handbook} is not empty; sopsite init only fills a new folder" in (
        result.stderr)


@pytest.mark.parametrize(("kind", "item_id", "path"), [
    ("role", "team-lead", "sops/roles/team-lead.yml"),
    ("term", "widget", "sops/glossary/widget.yml"),
    ("sop", "SOP-IT-001", "sops/sops/SOP-IT-001.yml"),
    ("process", "PROC-IT-001", "sops/processes/PROC-IT-001.yml"),
    ("retro", "RETRO-IT-001", "sops/retros/RETRO-IT-001.yml"),
    ("postmortem", "PM-IT-001", "sops/postmortems/PM-IT-001.yml"),
])
def test_each_new_kind_checks_clean(handbook: Path, kind: str, item_id: str,
                                    path: str) -> None:
    result = run_cli("new", kind, item_id, "--title", 'A "quoted" title: yes', cwd=handbook,
                     today=TODAY_ARG)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{path}\n"
    text = (handbook / path).read_text("utf-8")
    depth = "../" * path.count("/")
    assert text.startswith(f"# yaml-language-server: $schema={depth}schemas/{kind}.schema.json")
    check = run_cli("check", "--strict", cwd=handbook, today=TODAY_ARG)
    assert check.returncode == 0, check.stdout
    again = run_cli("new", kind, item_id, "--title", "x", cwd=handbook, today=TODAY_ARG)
    assert again.returncode == 2
    assert f"Error: {item_id} already exists in sops; choose another id" in again.stderr


def test_new_explains_a_bad_id_and_an_unknown_owner(handbook: Path) -> None:
    result = run_cli("new", "sop", "sop it 9", "--title", "x", cwd=handbook, today=TODAY_ARG)
    assert result.returncode == 2
    assert ("Error: a document id is upper-case letters, digits and hyphens; found 'sop it 9', "
            "e.g. 'SOP-IT-9'") in result.stderr
    result = sopsite("new", "sop", "SOP-IT-9", "--title", "x", "--owner", "nobody",
                     cwd=handbook)
    assert result.returncode == 2
    assert "Error: unknown role 'nobody'; roles: " in result.stderr


def test_committed_schemas_are_current() -> None:
    """Regenerate with `sopsite schema --out schemas` after changing the model."""
    committed = {p.name: p.read_text("utf-8") for p in (REPO / "schemas").iterdir()}
    assert committed == {**schemas(), REPORT_SCHEMA_FILE: report_schema_text()}


def test_every_example_file_names_its_schema() -> None:
    for file in sorted((REPO / "sops").rglob("*.yml")):
        first = file.read_text("utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, file
        target = (file.parent / match.group(1)).resolve()
        data = yaml.safe_load(file.read_text("utf-8"))
        kind = data[0]["kind"] if isinstance(data, list) else data["kind"]
        assert target == REPO / "schemas" / f"{kind}.schema.json", file


@pytest.mark.parametrize("settings", [".vscode/settings.json",
                                      "generator/starter/vscode-settings.json"])
def test_editor_settings_map_every_file_sopsite_loads(settings: str) -> None:
    """sopsite reads every .yml and .yaml under sops/, in any folder, as YAML 1.1, and
    tells the kind by `kind:`: the editor reads them alike, with the one schema that does."""
    written = json.loads((REPO / settings).read_text("utf-8"))
    assert written["yaml.yamlVersion"] == "1.1"
    assert written["yaml.schemas"] == {
        "schemas/handbook.schema.json": ["sops/**/*.yml", "sops/**/*.yaml"]}
    assert "handbook.schema.json" in schemas()
    assert (REPO / "schemas" / "handbook.schema.json").is_file()


def test_pre_commit_hook_runs_the_check() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "sopsite-check"
    assert re.match(hook["files"], "sops/sops/SOP-IT-CI.yml")
    assert not re.match(hook["files"], "docs/index.md")
    command = shlex.split(hook["entry"])
    assert command[0] == "sopsite"
    result = sopsite(*command[1:], cwd=REPO)
    assert result.returncode == 0, result.stdout


def _workflow_commands() -> list[list[str]]:
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text("utf-8"))
    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").replace("\\\n", " ").splitlines():
                if ".venv/bin/sopsite" in line:
                    words = shlex.split(line.split(">")[0])
                    commands.append(words[words.index(".venv/bin/sopsite") + 1:])
    return commands


def test_workflow_calls_only_commands_and_options_that_exist() -> None:
    commands = _workflow_commands()
    assert [c[0] for c in commands] == ["check", "diff", "build", "publish"]
    for command in commands:
        helptext = sopsite(command[0], "--help", cwd=REPO).stdout
        for word in command[1:]:
            if word.startswith("--"):
                assert f"{word} " in helptext or f"{word}," in helptext, (command[0], word)


def test_workflow_keeps_the_full_diff_the_comment_names() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text("utf-8"))
    steps = workflow["jobs"]["diff"]["steps"]
    [diff] = [c for c in _workflow_commands() if c[0] == "diff"]
    full = diff[diff.index("--full-out") + 1]
    assert "--full-url" in diff
    [upload] = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert full.startswith(upload["with"]["path"])
    names = [s.get("name") for s in steps]
    assert names.index("Semantic diff") < names.index(upload["name"])


def test_workflow_check_step_gives_github_annotations(tmp_path: Path) -> None:
    """The PR job's check, run on a handbook with a problem, in GitHub's format."""
    root = tmp_path / "hb"
    (root / "sops").mkdir(parents=True)
    (root / "sops" / "bad.yml").write_text("kind: role\nid: r\nnmae: R\n", "utf-8")
    result = sopsite("check", "--strict", "--format", "github", "sops", cwd=root)
    assert result.returncode == 1
    assert result.stdout == (
        "::error file=sops/bad.yml,line=3,col=1,title=MODEL002::unknown key 'nmae' in the role; "
        "did you mean 'name'?\n")


def test_rules_lists_every_code_with_severity_and_purpose() -> None:
    result = sopsite("rules", cwd=REPO)
    lines = result.stdout.splitlines()
    assert len(lines) == len(RULES)
    assert "FLOW003      error    a loop that no path leaves to reach an end step" in lines
    assert "QUIZ006      warning  a quiz that covers too few of the document's steps" in lines
    assert "VERSION001   error    with --base: content changed without a version bump" in lines
