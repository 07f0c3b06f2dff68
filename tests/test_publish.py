"""`sopsite publish`: versions of the example handbook on a real gh-pages branch, through mike.

The handbook is copied into a fresh git repository with a bare repository as `origin`.
Version 1.0 is published from the first commit without --push; then a step title changes,
is committed, and 2.0 is published with the alias `latest` and --push. Everything is read
back from git, as a static host would serve it.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import TODAY_ARG
from tests.support.build import sopsite
from tests.test_bundle import git, handbook_repo

pytestmark = pytest.mark.slow

SITE_URL = "https://handbook.example.org/sops/"
OLD_TITLE = "Gather the deployment data of the period"
NEW_TITLE = "Gather the deployment data of the month"
SOP = Path("sops", "sops", "SOP-IT-CI.yml")
SOP_PAGE = "procedures/sop-it-ci/index.html"


def show(root: Path, spec: str) -> str:
    return git(root, "show", spec)


def config_json(page: str) -> dict[str, object]:
    found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', page,
                      re.DOTALL)
    assert found, "Material's __config is missing"
    config: dict[str, object] = json.loads(found.group(1))
    return config


@dataclass(frozen=True)
class Published:
    root: Path
    remote: Path
    commits: list[str]
    """The handbook's commits: the one 1.0 and the one 2.0 was published from."""
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    again: subprocess.CompletedProcess[str]
    """2.0 published a second time, unchanged, with --default again."""
    remote_after_first: str


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    tmp = tmp_path_factory.mktemp("publish")
    remote = tmp / "origin.git"
    git(tmp, "init", "--quiet", "--bare", str(remote))
    root = handbook_repo(tmp / "handbook")
    git(root, "remote", "add", "origin", str(remote))
    first = sopsite("publish", "1.0", cwd=root, today=TODAY_ARG)
    assert first.returncode == 0, first.stderr
    remote_after_first = git(remote, "branch", "--list")

    sop = root / SOP
    text = sop.read_text(encoding="utf-8")
    assert text.count(OLD_TITLE) == 1
    sop.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    git(root, "commit", "--quiet", "-am", "Reword the first step")
    second = sopsite("publish", "2.0", "--alias", "latest", "--site-url", SITE_URL, "--push",
                     "--default", cwd=root, today=TODAY_ARG)
    assert second.returncode == 0, second.stderr
    again = sopsite("publish", "2.0", "--alias", "latest", "--site-url", SITE_URL, "--default",
                    cwd=root, today=TODAY_ARG)
    assert again.returncode == 0, again.stderr
    commits = git(root, "rev-list", "--reverse", "HEAD").split()
    return Published(root, remote, commits, first, second, again, remote_after_first)


def test_versions_json_lists_both_versions_and_the_alias(published: Published) -> None:
    versions = json.loads(show(published.root, "gh-pages:versions.json"))
    assert versions == [
        {"version": "2.0", "title": "2.0", "aliases": ["latest"]},
        {"version": "1.0", "title": "1.0", "aliases": []},
    ]


def test_one_commit_per_publish_each_naming_its_source(published: Published) -> None:
    log = git(published.root, "log", "--format=%s", "gh-pages").splitlines()
    assert len(log) == 3, "1.0, 2.0 and the root moved by --default; the same 2.0 adds none"
    first, second = (commit[:7] for commit in published.commits)
    assert log[2].startswith(f"Deployed {first} to 1.0 with MkDocs ")
    assert log[1].startswith(f"Deployed {second} to 2.0 with MkDocs ")
    assert log[0].startswith("Set default version to latest with mike ")
    assert "nothing committed" in published.again.stdout
    assert "root now redirects" not in published.again.stdout
    assert "ProperDocs" not in "".join(log)
    # Publishing never touches the handbook's own branch.
    assert git(published.root, "rev-parse", "HEAD") == published.commits[-1]
    assert git(published.root, "status", "--porcelain") == ""


def test_each_version_holds_its_own_content(published: Published) -> None:
    old = show(published.root, f"gh-pages:1.0/{SOP_PAGE}")
    new = show(published.root, f"gh-pages:2.0/{SOP_PAGE}")
    assert OLD_TITLE in old
    assert NEW_TITLE not in old
    assert NEW_TITLE in new
    assert OLD_TITLE not in new


def test_latest_is_a_folder_of_redirects_not_a_symlink(published: Published) -> None:
    entries = git(published.root, "ls-tree", "gh-pages").splitlines()
    modes = {line.split("\t")[1]: line.split()[0] for line in entries}
    assert modes["latest"] == "040000"  # a tree; a symlink would be 120000
    front = show(published.root, "gh-pages:latest/index.html")
    assert '<meta http-equiv="refresh" content="1; url=../2.0/" />' in front
    assert 'window.location.replace(\n      "../2.0/"' in front
    deep = show(published.root, f"gh-pages:latest/{SOP_PAGE}")
    assert 'url=../../../2.0/procedures/sop-it-ci/"' in deep
    assert NEW_TITLE not in deep  # a redirect, not a copy


def test_the_root_redirects_to_latest_once_asked(published: Published) -> None:
    warning = "the site's root (http://127.0.0.1:8000/) has no page"
    assert warning in published.first.stderr
    assert "--default" in published.first.stderr
    assert "root" not in published.second.stderr
    assert "the site's root now redirects to latest/" in published.second.stdout
    root = show(published.root, "gh-pages:index.html")
    assert '<meta http-equiv="refresh" content="1; url=latest/" />' in root
    # The remote got it too: --push came after both commits.
    assert git(published.remote, "rev-parse", "gh-pages") == \
        git(published.root, "rev-parse", "gh-pages")


def test_pages_carry_materials_version_selector_config(published: Published) -> None:
    for version in ("1.0", "2.0"):
        page = show(published.root, f"gh-pages:{version}/{SOP_PAGE}")
        assert config_json(page)["version"] == {"provider": "mike"}, version
    page = show(published.root, f"gh-pages:2.0/{SOP_PAGE}")
    assert f'<link rel="canonical" href="{SITE_URL}2.0/procedures/sop-it-ci/">' in page


def test_push_only_when_asked(published: Published) -> None:
    assert published.remote_after_first == ""
    assert "not pushed" in published.first.stdout
    assert git(published.remote, "rev-parse", "gh-pages") == \
        git(published.root, "rev-parse", "gh-pages")


def test_a_local_site_url_is_warned_about(published: Published) -> None:
    assert "site_url is http://127.0.0.1:8000/" in published.first.stderr
    assert "--site-url" in published.first.stderr
    assert "site_url" not in published.second.stderr


def test_content_error_commits_nothing(published: Published) -> None:
    root = published.root
    before = git(root, "rev-parse", "gh-pages")
    sop = root / SOP
    text = sop.read_text(encoding="utf-8")
    sop.write_text(text.replace("actor: level-1-technician", "actor: level-9-technician"),
                   encoding="utf-8")
    try:
        result = sopsite("publish", "3.0", "--alias", "latest", "--site-url", SITE_URL,
                         cwd=root, today=TODAY_ARG)
    finally:
        sop.write_text(text, encoding="utf-8")
    assert result.returncode == 1
    assert re.search(r"sops/sops/SOP-IT-CI\.yml:\d+:\d+: error \[REF001\] unknown role "
                     r"'level-9-technician'", result.stderr), result.stderr
    assert "sopsite: build failed" in result.stderr
    assert git(root, "rev-parse", "gh-pages") == before
    assert '"3.0"' not in show(root, "gh-pages:versions.json")
