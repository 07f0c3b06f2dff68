"""The persistent build cache: a warm build gives the bytes a cold one gives, whatever changed.

Each test builds a small handbook in this process (what `sopsite build` runs), keeps the
cache, changes one input, builds again with the cache and once more without it, and
compares the two sites file by file.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.mkdocs.build import SiteBuildError
from generator.mkdocs.cachekeys import digest
from generator.render import cache
from tests.support import REPO
from tests.support.build import build, make_project

pytestmark = pytest.mark.slow
SMALL = REPO / "tests" / "fixtures" / "site" / "sops"
SUMMARY = re.compile(r"build cache: convert (\d+) kept / (\d+) made, search (\d+) kept / "
                     r"(\d+) made, output (\d+) kept / (\d+) made")


def _tree(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _differences(a: Path, b: Path) -> list[str]:
    left, right = _tree(a), _tree(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def _counts(caplog: pytest.LogCaptureFixture) -> tuple[int, ...]:
    """(convert kept, made, search kept, made, output kept, made) of the last build."""
    found = [SUMMARY.search(r.getMessage()) for r in caplog.records]
    matches = [m for m in found if m]
    assert matches, "no build cache summary was logged"
    caplog.clear()
    return tuple(int(x) for x in matches[-1].groups())


def _build(config: Path, site: Path, caplog: pytest.LogCaptureFixture) -> tuple[int, ...]:
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.sopsite"):
        build(config, site)
    return _counts(caplog)


def _cold(config: Path, site: Path) -> Path:
    """The same project built with no cache at all (the option emptied in a copy)."""
    text = config.read_text("utf-8").replace("      sops: sops\n",
                                             "      sops: sops\n      build_cache: ''\n", 1)
    uncached = config.with_name("mkdocs.nocache.yml")
    uncached.write_text(text, "utf-8")
    before = set((config.parent / ".sopsite-build-cache").rglob("*"))
    build(uncached, site)
    assert set((config.parent / ".sopsite-build-cache").rglob("*")) == before
    return site


def _kept(config: Path) -> Path:
    """The cache folder of this engine (MkDocs) and configuration (mkdocs.yml)."""
    return config.parent / ".sopsite-build-cache" / "mkdocs" / config.stem


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", SMALL)


def test_a_warm_build_reuses_every_page_and_gives_the_same_bytes(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = _build(project, tmp_path / "one", caplog)
    assert (first[0], first[2], first[4]) == (0, 0, 0)
    assert first[1] > 10
    assert first[5] == first[1]
    again = _build(project, tmp_path / "two", caplog)
    assert again == (first[1], 0, first[3], 0, first[5], 0)
    assert _differences(tmp_path / "one", tmp_path / "two") == []
    assert _differences(tmp_path / "one", _cold(project, tmp_path / "cold")) == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_one_changed_document_makes_only_its_own_pages_again(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _build(project, tmp_path / "one", caplog)
    _edit(project.parent / "sops" / "sop-en.yml", "title: Verify the caller",
          "title: Verify the caller's identity")
    counts = _build(project, tmp_path / "warm", caplog)
    converted, total = counts[1], counts[0] + counts[1]
    assert 0 < converted < total / 3, counts
    changed = _differences(tmp_path / "one", tmp_path / "warm")
    assert "procedures/sop-t-1/index.html" in changed
    assert _differences(tmp_path / "warm", _cold(project, tmp_path / "cold")) == []
    html = (tmp_path / "warm" / "procedures/sop-t-1/index.html").read_text("utf-8")
    assert "Verify the caller&rsquo;s identity" in html or "Verify the caller's identity" in html


def _site_name(project: Path) -> None:
    _edit(project, "site_name: Kestrel Bay Handbook", "site_name: Harbour Handbook")


def _template(project: Path) -> None:
    (project.parent / "overrides").mkdir()
    (project.parent / "overrides" / "retro.md.j2").write_text(
        "---\nrender_macros: false\n---\n\n# Custom {{ doc.title }}\n", "utf-8")
    _edit(project, "      sops: sops\n", "      sops: sops\n      templates: overrides\n")


def _theme_override(project: Path) -> None:
    (project.parent / "theme").mkdir()
    (project.parent / "theme" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}<p class="own">Own theme</p>'
        "{{ super() }}{% endblock %}\n", "utf-8")
    _edit(project, "  name: material\n", "  name: material\n  custom_dir: theme\n")


def _extension_option(project: Path) -> None:
    _edit(project, "      permalink: true\n", "      permalink: \"#\"\n")


def _hand_written(project: Path) -> None:
    (project.parent / "docs" / "index.md").write_text(
        "# Test handbook\n\nSee [the reset](procedures/sop-t-1.md).\n", "utf-8")


@pytest.mark.parametrize("change", [_site_name, _template, _theme_override, _extension_option,
                                    _hand_written], ids=lambda f: f.__name__.strip("_"))
def test_what_the_pages_are_made_with_changes_and_the_warm_build_equals_a_cold_one(
        change: object, project: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    _build(project, tmp_path / "one", caplog)
    change(project)  # type: ignore[operator]
    _build(project, tmp_path / "warm", caplog)
    assert _differences(tmp_path / "one", tmp_path / "warm") != []
    assert _differences(tmp_path / "warm", _cold(project, tmp_path / "cold")) == []


def test_a_new_version_of_the_software_reuses_nothing(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(project, tmp_path / "one", caplog)
    monkeypatch.setattr(cache, "software_digest", lambda: digest("another sopsite or engine"))
    again = _build(project, tmp_path / "two", caplog)
    assert again == first  # everything made again, nothing kept
    assert _differences(tmp_path / "one", tmp_path / "two") == []


def test_a_page_that_warned_warns_again(project: Path, tmp_path: Path) -> None:
    (project.parent / "docs" / "index.md").write_text(
        "# Test handbook\n\nSee [the missing page](nowhere.md).\n", "utf-8")
    for attempt in ("cold", "warm"):
        with pytest.raises(SiteBuildError, match="Aborted with 1 warnings in strict mode"):
            build(project, tmp_path / attempt)
    convert = _kept(project) / "convert"
    kept = [p.read_text("utf-8") for p in convert.iterdir()]
    assert kept
    assert not any("nowhere" in text for text in kept)


def test_damaged_entries_are_made_again(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = _build(project, tmp_path / "one", caplog)
    kept = _kept(project)
    for folder, garbage in ((kept / "convert", "{not json"), (kept / "search", '{"a": 1}'),
                            (kept.parent.parent / "pages", '{"text": 1}')):
        assert len(list(folder.iterdir())) > 10
        for path in folder.iterdir():
            path.write_text(garbage, "utf-8")
    again = _build(project, tmp_path / "two", caplog)
    assert (again[0], again[1], again[2]) == (0, first[1], 0)
    assert _differences(tmp_path / "one", tmp_path / "two") == []


def test_the_cache_folder_can_be_deleted_between_builds(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = _build(project, tmp_path / "one", caplog)
    shutil.rmtree(project.parent / ".sopsite-build-cache")
    assert _build(project, tmp_path / "two", caplog) == first
    assert _differences(tmp_path / "one", tmp_path / "two") == []


def test_a_controlled_snapshot_is_made_from_the_sources_alone(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`sopsite bundle` (and `publish`, through the same build) never reads a kept page:
    what an auditor receives was made from the reviewed files, whatever the cache holds."""
    from generator.commands.bundle import make_bundle
    from tests.test_bundle import handbook_repo

    project = handbook_repo(tmp_path / "repo") / "mkdocs.yml"
    _build(project, tmp_path / "one", caplog)
    for path in (_kept(project) / "output").iterdir():
        path.write_text("<html>POISONED</html>", "utf-8")
    poisoned = _build(project, tmp_path / "two", caplog)
    assert poisoned[4] > 0  # an ordinary build does read them: they are trusted files
    assert "POISONED" in (tmp_path / "two" / "index.html").read_text("utf-8")
    out = tmp_path / "snapshot.zip"
    with contextlib.chdir(project.parent):
        make_bundle(project, out)
    with zipfile.ZipFile(out) as archive:
        assert not any(b"POISONED" in archive.read(name) for name in archive.namelist())


def test_zensical_builds_again_from_its_kept_work_folder_to_the_cold_result(
        tmp_path: Path) -> None:
    """With Zensical the work folder (pages, configuration, Zensical's own cache) stays in
    the build cache; after one changed step only that document's pages are written again,
    and the site equals one built with no cache at all."""
    from tests.support.browser import copy_handbook
    from tests.support.build import sopsite

    project = tmp_path / "p"
    copy_handbook(project)
    config = project / "mkdocs.yml"
    done = sopsite("build", "--engine", "zensical", "-d", "one", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    work = project / ".sopsite-build-cache" / "zensical" / "mkdocs"
    page = work / "docs" / "procedures" / "sop-it-ci.md"
    other = work / "docs" / "procedures" / "sop-cs-users.md"
    before = (page.stat().st_mtime_ns, other.stat().st_mtime_ns)
    _edit(project / "sops" / "sops" / "SOP-IT-CI.yml",
          "title: Gather the deployment data of the period",
          "title: Gather the deployment data of the month")
    done = sopsite("build", "--engine", "zensical", "-d", "warm", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert page.stat().st_mtime_ns != before[0]
    assert other.stat().st_mtime_ns == before[1]
    assert "deployment data of the month" in (
        project / "warm" / "procedures" / "sop-it-ci" / "index.html").read_text("utf-8")
    uncached = config.with_name("mkdocs.nocache.yml")
    uncached.write_text(config.read_text("utf-8").replace(
        "      sops: sops\n", "      sops: sops\n      build_cache: ''\n", 1), "utf-8")
    done = sopsite("build", "--engine", "zensical", "-f", "mkdocs.nocache.yml", "-d", "cold",
                   cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _differences(project / "warm", project / "cold") == []


def test_a_link_planted_in_the_cache_is_never_followed(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An entry that is a symbolic link (to a file outside the project) is not read: the
    page is made again, and nothing of the linked file reaches the site."""
    first = _build(project, tmp_path / "one", caplog)
    outside = tmp_path / "outside.html"
    outside.write_text("<html>OUTSIDE-SECRET</html>", "utf-8")
    kept = _kept(project)
    for folder in (kept / "output", kept.parent.parent / "pages"):
        for path in folder.iterdir():
            path.unlink()
            path.symlink_to(outside)
    again = _build(project, tmp_path / "two", caplog)
    assert again[4:] == (0, first[5])
    assert not any(b"OUTSIDE-SECRET" in p.read_bytes()
                   for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert _differences(tmp_path / "one", tmp_path / "two") == []


def test_serve_reuses_the_builds_conversions_and_keeps_its_own_pages(tmp_path: Path) -> None:
    """`sopsite serve` after `sopsite build` converts no page again (the conversions and
    search entries do not depend on the address the site is served from) and keeps its
    pages, which name that address, apart: neither forgets the other's."""
    from tests.support.browser import copy_handbook
    from tests.support.build import sopsite
    from tests.support.serving import Server

    project = copy_handbook(tmp_path / "p")
    done = sopsite("build", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = project / ".sopsite-build-cache" / "mkdocs" / "mkdocs"
    converted = {p.name: p.stat().st_mtime_ns for p in (kept / "convert").iterdir()}
    built = sorted(p.name for p in (kept / "output").iterdir())
    server = Server(project, tmp_path / "tmp")
    try:
        server.wait_started()
        assert "Monthly deployment review" in (server.fetch("procedures/sop-it-ci/") or "")
    finally:
        assert server.stop() == 0, server.output
    assert {p.name: p.stat().st_mtime_ns for p in (kept / "convert").iterdir()} == converted
    assert sorted(p.name for p in (kept / "output").iterdir()) == built
    served = sorted(p.name for p in (kept / "output-serve").iterdir())
    assert len(served) == len(built)
    assert set(served).isdisjoint(built)


def test_what_changes_no_page_keeps_every_page(
        project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Whether warnings fail the build, and where a live server listens, change no page:
    a build after such a change reuses every part of every page."""
    first = _build(project, tmp_path / "one", caplog)
    _edit(project, "strict: true\n", "strict: false\ndev_addr: 127.0.0.1:8765\n")
    again = _build(project, tmp_path / "two", caplog)
    assert again == (first[1], 0, first[3], 0, first[5], 0)
    assert _differences(tmp_path / "one", tmp_path / "two") == []
