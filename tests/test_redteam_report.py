"""Red-team check of `sopsite check --format json`: over a handbook holding every broken file
of the corpus at once, and with `--base` comparing with git, every problem the text output
prints appears in the JSON exactly once, and the counts agree with the list."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from tests.support import MINIMAL, TESTS
from tests.support.build import sopsite


def _findings(top: Path, *args: str) -> tuple[Counter[str], dict[str, int], Counter[str]]:
    text = sopsite("check", *args, "sops", cwd=top)
    lines = Counter(line for line in text.stdout.splitlines() if line.strip())
    report = json.loads(sopsite("check", "--format", "json", *args, "sops", cwd=top).stdout)
    shown = Counter(f"{p['path']}:{p['line']}:{p['column']}: {p['severity']} [{p['code']}] "
                    f"{p['message']}" for p in report["problems"])
    counts = dict(report["counts"])
    counts["listed_failing"] = sum(p["fails"] for p in report["problems"])
    counts["listed"] = len(report["problems"])
    return lines, counts, shown


def test_every_problem_is_in_the_json_exactly_once(tmp_path: Path) -> None:
    top = tmp_path / "hb"
    shutil.copytree(MINIMAL, top / "sops")
    for broken in sorted((TESTS / "corpus" / "bad").iterdir()):
        shutil.copyfile(broken, top / "sops" / broken.name)
    git = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run(["git", *command], cwd=top, env=git, check=True)
    process = top / "sops" / "proc-it-rollout.yml"
    text = process.read_text("utf-8")
    process.write_text(text.replace("title: ", "title: Changed and not bumped ", 1), "utf-8")
    for args in ((), ("--strict",), ("--base", "HEAD")):
        lines, counts, shown = _findings(top, *args)
        assert len(lines) > 40, args
        assert any("[VERSION001]" in line for line in lines) == (args == ("--base", "HEAD"))
        assert shown == lines, args
        assert max(shown.values()) == 1, args
        assert counts["errors"] + counts["warnings"] == counts["listed"], args
        assert counts["failing"] == counts["listed_failing"], args
