"""Under `sopsite serve`, a rebuild after a save gives exactly the pages a cold build gives.

The plugin keeps one `Session` from MkDocs' start-up to its shutdown: parsed files, findings,
git's log and the pages, each reused while what it was made from is the same. These tests
drive the real plugin through MkDocs' own config and events, as `mkdocs serve` does on each
save (MkDocs keeps a plugin that has `on_startup` for the whole server), and compare the
Markdown a warm rebuild writes with what a fresh plugin writes for the same files.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from tests.support.browser import copy_handbook

pytestmark = pytest.mark.slow

CACHE = ".sopsite-cache"


def _rebuild(project: Path, command: str = "serve", started: bool = False) -> Any:
    """One build's sopsite events (config, files); the plugin MkDocs keeps or a new one."""
    config = load_config(str(project / "mkdocs.yml"))
    if not started:
        config.plugins.on_startup(command=command, dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    assert files is not None
    return config


def _pages(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8")
            for p in sorted(folder.rglob("*.md"))}


def _cold(project: Path, tmp_path: Path) -> dict[str, str]:
    """What a new server (a new plugin, a new session) writes for the project as it is."""
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns(CACHE, "site"))
    _rebuild(cold)
    return _pages(cold / CACHE)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    later = time.time_ns() + 10_000_000  # a save a moment later: a new mtime, surely
    os.utime(path, ns=(later, later))


EDITS = {
    "role name": ("sops/roles.yml", "name: IT Director", "name: Head of IT"),
    "term definition": ("sops/glossary.yml", "A standing habit of looking",
                        "A lasting habit of looking"),
    "step title": ("sops/sops/SOP-IT-CI.yml", "title: Gather the deployment data of the period",
                   "title: Gather the deployment figures of the period"),
    "document title": ("sops/sops/SOP-IT-CI.yml",
                       "title: Continuous improvement of software deployment",
                       "title: Improving software deployment, continuously"),
    "retro action": ("sops/retros/RETRO-SW-ROLLOUT-2026-09.yml",
                     "description: Finish the telephony integration",
                     "description: Complete the telephony integration"),
    "risk mitigation": ("sops/processes/PROC-SW-ROLLOUT.yml", "    mitigation: >-\n",
                        "    mitigation: >-\n      Agreed with the vendor.\n"),
}


@pytest.fixture(autouse=True)
def shut_down() -> Any:
    """MkDocs keeps the plugin for the whole process: each test ends its server."""
    yield
    load_config(str(Path(__file__).parents[1] / "mkdocs.yml")).plugins.on_shutdown()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example handbook, built once as a server's first build would."""
    return copy_handbook(tmp_path_factory.mktemp("served") / "p")


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_warm_rebuild_after_a_save_equals_a_cold_build(
    served: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str, str],
) -> None:
    project = tmp_path / "p"
    shutil.copytree(served, project)
    monkeypatch.chdir(project)
    config = _rebuild(project)
    plugin = config.plugins["sopsite"]
    before = _pages(project / CACHE)
    _edit(project / edit[0], edit[1], edit[2])
    again = _rebuild(project, started=True)
    assert again.plugins["sopsite"] is plugin, "MkDocs keeps the plugin, and its session"
    warm = _pages(project / CACHE)
    assert warm != before, "the edit shows on some page"
    cold = _cold(project, tmp_path)
    differing = [path for path in sorted(set(warm) | set(cold)) if warm.get(path) != cold.get(path)]
    assert differing == [], f"stale under serve: {differing[:5]}"


def test_a_changed_template_override_is_seen_by_the_next_build(
    served: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "p"
    shutil.copytree(served, project)
    monkeypatch.chdir(project)
    overrides = project / "overrides"
    overrides.mkdir()
    source = (Path(__file__).parents[1] / "generator" / "templates" / "roles.md.j2")
    (overrides / "roles.md.j2").write_text(source.read_text("utf-8"), "utf-8")
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text("utf-8").replace(
        "  - sopsite:\n", "  - sopsite:\n      templates: overrides\n", 1), "utf-8")
    _rebuild(project)
    _edit(overrides / "roles.md.j2", "# ", "# Who is who: ")
    _rebuild(project, started=True)
    warm = _pages(project / CACHE)
    assert "# Who is who: " in warm["roles/index.md"]
    assert warm == _cold(project, tmp_path)


def test_a_one_off_build_keeps_nothing_for_a_next_one(
    served: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = tmp_path / "p"
    shutil.copytree(served, project)
    monkeypatch.chdir(project)
    config = _rebuild(project, command="build")
    session = config.plugins["sopsite"].session
    assert not session.serving
    assert session.parsed.files == {}, "released once the pages were written"
