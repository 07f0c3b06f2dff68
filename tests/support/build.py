"""Real MkDocs builds of a handbook in a temporary folder.

`build` runs what `sopsite build` runs (generator.mkdocs.build.build_site: the strict MkDocs
build, Material, macros and the plugin), in this process: a test that only reads the built
site pays for the build, not for starting Python and importing MkDocs again. `sopsite` runs
the installed console script, for the tests whose subject is the command itself (its exit
code, its messages on stderr).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.support import MERMAID_JS, REPO, SOPSITE, TODAY_ARG

__all__ = ["MERMAID_JS", "REPO", "SOPSITE", "build", "env", "make_project", "mkdocs_build_quiet",
           "sopsite", "without_nav"]


def make_project(tmp: Path, sops: Path, *, docs: Path | None = None,
                 config: str = "mkdocs.yml", site_url: str | None = None) -> Path:
    """Copy a handbook and the repo's MkDocs configuration into ``tmp``; return the config.

    The copy points `mermaid_js` at the repo's pinned Mermaid, so the build is offline.
    With docs other than the repository's, the repository's `nav:` (which names its own
    pages) is left out, and its logo and favicon are copied so that no page asks for a file
    that is not there.
    """
    shutil.copytree(sops, tmp / "sops")
    if docs is None:
        (tmp / "docs").mkdir()
        (tmp / "docs" / "index.md").write_text("# Test handbook\n", encoding="utf-8")
    else:
        shutil.copytree(docs, tmp / "docs")
    own_docs = docs is not None and docs.resolve() == (REPO / "docs").resolve()
    if not (tmp / "docs" / "assets").exists():
        shutil.copytree(REPO / "docs" / "assets", tmp / "docs" / "assets")
    for name in ("mkdocs.yml", "mkdocs.mermaid2.yml"):
        text = (REPO / name).read_text(encoding="utf-8")
        if not own_docs:
            text = without_nav(text)
        text = text.replace("      sops: sops\n",
                            f"      sops: sops\n      mermaid_js: {MERMAID_JS}\n")
        if site_url:
            text = text.replace("site_url: http://127.0.0.1:8000/", f"site_url: {site_url}")
        (tmp / name).write_text(text, encoding="utf-8")
    return tmp / config


def without_nav(config: str) -> str:
    """mkdocs.yml text without its top-level `nav:` block (and the comment just above it)."""
    return re.sub(r"(?:^#[^\n]*\n)*^nav:\n(?:^[ \t]+[^\n]*\n|^\n)*", "", config,
                  flags=re.MULTILINE)


def env(today: str = TODAY_ARG) -> dict[str, str]:
    """The environment builds run in: pinned day, no MkDocs 2 banner."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOPSITE_TODAY": today}


@contextlib.contextmanager
def _as_the_command_runs(cwd: Path, today: str) -> Iterator[None]:
    """The working directory and environment `sopsite build` would have, restored after."""
    saved = {name: os.environ.get(name) for name in ("SOPSITE_TODAY", "NO_MKDOCS_2_WARNING")}
    os.environ.update(SOPSITE_TODAY=today, NO_MKDOCS_2_WARNING="1")
    try:
        with contextlib.chdir(cwd):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build(config: Path, site_dir: Path | None = None, *, today: str = TODAY_ARG) -> Path:
    """`sopsite build -f config [-d site_dir]` run from the config's folder, in this process.

    Returns the site folder; a failed build raises generator.mkdocs.build.SiteBuildError with
    the message the command prints after ``sopsite: build failed:``.
    """
    from generator.mkdocs.build import build_site

    config = config.absolute()
    with _as_the_command_runs(config.parent, today):
        return build_site(config, site_dir.absolute() if site_dir else None)


def mkdocs_build_quiet(config: Path, *, today: str = TODAY_ARG) -> Path:
    """`mkdocs build -q -f config` (MkDocs' own command, not sopsite's) in this process.

    Like ``-q`` this sets the `mkdocs` logger to ERROR for the build, so its warnings (the
    sanitiser's removals among them) are neither shown nor counted by `strict: true`: the site
    is built. Returns the site folder; a failed build raises what MkDocs raised.
    """
    from mkdocs.commands.build import build as run_build
    from mkdocs.config import load_config

    config = config.absolute()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    with _as_the_command_runs(config.parent, today):
        logger.setLevel(logging.ERROR)
        try:
            loaded = load_config(str(config))
            loaded.plugins.on_startup(command="build", dirty=False)
            try:
                run_build(loaded)
            finally:
                loaded.plugins.on_shutdown()
        finally:
            logger.setLevel(level)
    return Path(loaded.site_dir)


def sopsite(*args: str | Path, cwd: Path, today: str = TODAY_ARG,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `sopsite` console script."""
    return subprocess.run(
        [str(SOPSITE), *map(str, args)], cwd=cwd, env=env(today), capture_output=True,
        text=True, timeout=timeout, check=False,
    )
