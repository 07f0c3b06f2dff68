"""A repository made by `sopsite init` works by its own README on a clean folder: the two
commands it gives (`make site`, `make test`) set it up from its own locks and pass, with no
network beyond the package indexes; and what it holds (lock, CI, pre-commit, editor
settings, name) is its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import REPO, TODAY_ARG
from tests.support.build import sopsite

pytestmark = pytest.mark.slow

NAME = "Harbour & Rail <Ops> Handbook"


def _run(cwd: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """A command as the README's reader types it: a plain environment, no venv active."""
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not p.startswith(str(REPO)))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=path, SOPSITE_TODAY=TODAY_ARG, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sopsite init` with a wheel of this checkout (its working tree, not only what is
    committed), then `git init`, as a new repository starts."""
    top = tmp_path_factory.mktemp("roundtrip")
    wheel_dir = top / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(wheel_dir), str(REPO)], capture_output=True,
                           text=True, timeout=600, check=False, cwd=top)
    assert built.returncode == 0, built.stderr
    [wheel] = wheel_dir.glob("sopsite-*.whl")
    made = sopsite("init", "hb", "--name", NAME, "--site-url", "https://ops.example.org/",
                   "--sopsite", str(wheel), cwd=top)
    assert made.returncode == 0, made.stderr
    root = top / "hb"
    assert made.stdout.endswith("files in hb; next: cd hb && make site && make test\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-q", "-m",
                  "New handbook"]):
        assert _run(root, "git", *args).returncode == 0
    return root


def _readme_commands(root: Path) -> list[str]:
    text = (root / "README.md").read_text("utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_gives_two_commands_and_they_work(made: Path) -> None:
    commands = _readme_commands(made)
    assert commands == ["make site", "make test"]
    for command in commands:
        done = _run(made, *command.split())
        assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    page = (made / "site" / "index.html").read_text("utf-8")
    assert "<title>Harbour &amp; Rail &lt;Ops&gt; Handbook</title>" in page
    assert (made / "site" / "processes" / "proc-home-borscht" / "index.html").is_file()
    assert (made / "site" / "assets" / "javascripts" / "mermaid.min.js").is_file()
    assert not (made / ".test-site").exists()
    # The sopsite in the new .venv is the wheel, not this checkout.
    shown = _run(made, ".venv/bin/python", "-c",
                 "import generator, sys; print(generator.__file__)").stdout
    assert str(made / ".venv") in shown


def test_the_lock_is_the_new_repositorys_own(made: Path) -> None:
    lock = (made / "requirements.lock").read_text("utf-8").splitlines()
    [wheel] = (made / "vendor").glob("sopsite-*.whl")
    assert f"./vendor/{wheel.name}" in lock
    ours = {line.lower().replace("_", "-") for line in
            (REPO / "requirements.lock").read_text("utf-8").splitlines()
            if line and not line.startswith("#")}
    pinned = {line.lower().replace("_", "-") for line in lock
              if re.match(r"^[A-Za-z]", line) and "==" in line}
    assert ours <= pinned, sorted(ours - pinned)
    theirs = json.loads((made / "package-lock.json").read_text("utf-8"))
    mine = json.loads((REPO / "package-lock.json").read_text("utf-8"))
    assert (theirs["packages"]["node_modules/mermaid"]["version"]
            == mine["packages"]["node_modules/mermaid"]["version"])


def test_it_holds_its_own_name_address_ci_hooks_and_editor_settings(made: Path) -> None:
    config = (made / "mkdocs.yml").read_text("utf-8")
    assert "Example Handbook" not in config
    assert "test" not in config.lower().split("plugins:")[0]
    assert "site_url: \"https://ops.example.org/\"" in config
    # Markdown-escaped, so GitHub shows the name as typed rather than reading a tag.
    assert (made / "README.md").read_text("utf-8").startswith(
        "# Harbour &amp; Rail &lt;Ops&gt; Handbook\n")
    for workflow in ("handbook.yml", "handbook-comment.yml"):
        assert ((made / ".github" / "workflows" / workflow).read_bytes()
                == (REPO / ".github" / "workflows" / workflow).read_bytes())
    hooks = yaml.safe_load((made / ".pre-commit-config.yaml").read_text("utf-8"))
    [hook] = hooks["repos"][0]["hooks"]
    assert hook["entry"] == ".venv/bin/sopsite check-changed"
    settings = json.loads((made / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings["yaml.schemas"]
    makefile = (made / "Makefile").read_text("utf-8")
    # The targets the CI workflow runs.
    for target in ("$(VENV)/.installed:", "node_modules/.installed:", "site:", "test:"):
        assert f"\n{target}" in makefile
    assert "\nVENV   := .venv\n" in makefile
