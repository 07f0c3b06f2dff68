"""Real builds (MkDocs, Material, macros, the plugin) in temporary folders.

A test that only reads the built site builds in this process (support.build.build, what
`sopsite build` runs); the tests whose subject is the command's exit code and messages run the
installed `sopsite` script.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from generator.write import MANIFEST, PageWriter, write_pages
from tests.support import REPO
from tests.support.build import build, make_project, mkdocs_build_quiet, sopsite

slow = pytest.mark.slow
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "sops"
SMALL = REPO / "tests" / "fixtures" / "site" / "sops"


def _tree(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own handbook, built once."""
    tmp = tmp_path_factory.mktemp("example")
    assert build(make_project(tmp, REPO / "sops", docs=REPO / "docs")) == tmp / "site"
    return tmp


@slow
def test_example_handbook_builds_strictly(example: Path) -> None:
    site = example / "site"
    for page in ("procedures/sop-it-ci", "procedures/sop-cs-users", "procedures/sop-it-cert",
                 "processes/proc-sw-rollout",
                 "processes/proc-home-borscht", "retrospectives/retro-sw-rollout-2026-09",
                 "roles/level-1-technician", "glossary", "catalogue", "reviews", "actions",
                 "tags"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "assets/javascripts/mermaid.min.js").stat().st_size > 1_000_000
    # The example SOP's image, copied from sops/files/ to where its page links it.
    assert (site / "attachments/files/ci-cycle.png").read_bytes() == (
        REPO / "sops/files/ci-cycle.png").read_bytes()


@slow
def test_hand_written_pages_use_handbook_data_through_macros(example: Path) -> None:
    html = (example / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="processes/proc-sw-rollout/">PROC-SW-ROLLOUT: Software rollout '
                     r"\(v\d+\.\d+\)</a>", html)
    assert "The handbook currently holds 7 controlled documents." in html


@slow
def test_local_mermaid_is_loaded_and_no_cdn_is_referenced(example: Path) -> None:
    html = (example / "site" / "processes" / "proc-sw-rollout" / "index.html").read_text("utf-8")
    assert '<script src="../../assets/javascripts/mermaid.min.js"></script>' in html
    assert 'class="mermaid"' in html
    assert "unpkg.com" not in html
    assert "fonts.googleapis.com" not in html


@slow
def test_search_finds_each_step_once_and_no_diagram_source(example: Path) -> None:
    """A step is found on its procedure, not again in the training module that walks
    through it; Mermaid source is not searchable text."""
    index = json.loads((example / "site/search/search_index.json").read_text("utf-8"))
    entries = {e["location"]: e for e in index["docs"]}
    step = "#step-gather-deployment-data"
    assert entries[f"procedures/sop-it-ci/{step}"]["title"] == (
        "1. Gather the deployment data of the period")
    assert f"training/sop-it-ci/{step}" not in entries
    module = sorted(loc for loc in entries if loc.startswith("training/sop-it-ci/"))
    assert module == [f"training/sop-it-ci/{part}" for part in (
        "", "#checklist", "#objectives", "#role-tasks", "#self-assessment",
        "#tasks-on-the-job", "#terms-to-know")]
    assert not [loc for loc in entries if loc.endswith("#flowchart")]
    assert not [loc for loc, e in entries.items() if "flowchart TD" in e["text"]]
    html = (example / "site/training/sop-it-ci/index.html").read_text("utf-8")
    assert f'id="{step[1:]}"' in html  # still on the page, with its anchor


@slow
def test_two_builds_are_byte_identical(example: Path, tmp_path: Path) -> None:
    build(make_project(tmp_path, REPO / "sops", docs=REPO / "docs"))
    first, second = _tree(example / "site"), _tree(tmp_path / "site")
    for sitemap in ("sitemap.xml", "sitemap.xml.gz"):
        first.pop(sitemap)
        second.pop(sitemap)
    assert first == second


@slow
def test_failed_build_leaves_the_previous_site_intact(tmp_path: Path) -> None:
    build(make_project(tmp_path, SMALL))
    before = _tree(tmp_path / "site")
    sop = tmp_path / "sops" / "sop-en.yml"
    sop.write_text(sop.read_text("utf-8").replace("    actor: lead\n", "    actor: boss\n"),
                   encoding="utf-8")
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("sops/sop-en.yml:42:12: error [REF001] unknown role 'boss'; valid roles: lead, "
            "tech") in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree(tmp_path / "site") == before
    assert not list(tmp_path.glob(".site.*"))


@slow
def test_hostile_handbook_builds_without_injected_markup(tmp_path: Path) -> None:
    make_project(tmp_path, HOSTILE)
    strict = sopsite("build", cwd=tmp_path)
    assert strict.returncode == 1
    removed = [line for line in strict.stderr.splitlines() if "was removed" in line]
    assert [line.split(": the page")[0] for line in removed] == [
        "WARNING -  sopsite: glossary.md", "WARNING -  sopsite: procedures/sop-hostile-1.md"]
    assert not (tmp_path / "site").exists()
    # Without --strict the site is built, and the sanitiser has taken the script links out.
    assert mkdocs_build_quiet(tmp_path / "mkdocs.yml") == tmp_path / "site"
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 8
    forbidden = re.compile(
        # The theme's own logo (mkdocs.yml `theme.logo`) is the one image a page may hold.
        r"<(?:img(?! src=\"(?:\.\./)*/?assets/logo\.svg\" alt=\"logo\">)|iframe|marquee)\b"
        r"|<svg[/ ]onload|<(?:b|i)>(?:tag|hover|mitigate|metric)"
        r"|<script>(?:alert|x<|a<|risk|sign)"
        r"|<[a-zA-Z][^<>]*\son[a-z]+\s*=|<a\b[^<>]*href=\"\s*javascript:", re.I)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not forbidden.search(html), (page, forbidden.search(html))
    glossary = (tmp_path / "site" / "glossary" / "index.html").read_text("utf-8")
    assert "{{ 7*7 }}" in glossary  # shown as text, never evaluated by macros
    assert "49" not in glossary.split('id="term-xss"')[1][:400]


@slow
def test_mermaid2_alternative_builds_the_example(tmp_path: Path) -> None:
    build(make_project(tmp_path, REPO / "sops", docs=REPO / "docs",
                       config="mkdocs.mermaid2.yml"))
    html = (tmp_path / "site" / "procedures" / "sop-it-ci" / "index.html").read_text("utf-8")
    assert 'class="mermaid"' in html
    assert "assets/javascripts/mermaid.min.js" in html


@slow
def test_unknown_document_in_a_macro_fails_the_build(tmp_path: Path) -> None:
    make_project(tmp_path, SMALL)
    (tmp_path / "docs" / "index.md").write_text('{{ doc_link("SOP-NOPE") }}\n', "utf-8")
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("WARNING -  docs/index.md: doc_link('SOP-NOPE'): no such document; valid "
            "documents: PROC-T-1, RETRO-T-1, SOP-T-1, SOP-T-2") in result.stderr
    assert "Traceback" not in result.stderr


@slow
def test_hand_written_page_may_not_shadow_a_generated_one(tmp_path: Path) -> None:
    make_project(tmp_path, SMALL)
    (tmp_path / "docs" / "glossary.md").write_text("# Mine\n", "utf-8")
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1
    assert ("sopsite: docs/glossary.md would be replaced by a generated page; rename or remove "
            "the hand-written file") in result.stderr


@slow
def test_handbook_templates_override_packaged_ones(tmp_path: Path) -> None:
    make_project(tmp_path, SMALL)
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "retro.md.j2").write_text(
        "---\nrender_macros: false\n---\n\n# Custom {{ doc.title }}\n", "utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "      sops: sops\n", "      sops: sops\n      templates: overrides\n"), "utf-8")
    build(config)
    html = (tmp_path / "site/retrospectives/retro-t-1/index.html").read_text("utf-8")
    assert ">Custom First month of resets<" in html


def _synthetic(folder: Path, count: int) -> None:
    shutil.copy(SMALL / "people.yml", folder / "people.yml")
    template = (SMALL / "sop-fi.yml").read_text("utf-8").replace("language: fi\n", "")
    for i in range(count):
        (folder / f"sop-{i:04}.yml").write_text(
            template.replace("SOP-T-2", f"SOP-S-{i:04}"), "utf-8")


@slow
def test_page_size_does_not_grow_with_the_handbook(tmp_path: Path) -> None:
    """From 40 procedures to 400, a procedure's page stays the same size.

    Past 30 the owners' index pages list the procedures, and each page opens the sidebar
    at its owner's section without being listed there itself.
    """
    sizes = {}
    for count in (4, 40, 400):
        project = tmp_path / str(count)
        (project / "sops").mkdir(parents=True)
        _synthetic(project / "sops", count)
        build(make_project(project / "p", project / "sops"))
        html = (project / "p/site/procedures/sop-s-0003/index.html").read_text("utf-8")
        sizes[count] = len(html.encode("utf-8"))
        # The owner's section is open, and its index page is a link in it.
        owner = re.search(r'md-nav__item--active md-nav__item--nested">(.*?)</nav>', html,
                          re.S)
        assert owner is not None, count
        assert 'href="../owner/' in owner.group(1), count
        listed = 'href="../sop-s-0002/"' in html
        assert listed == (count == 4), count
    assert 0.99 <= sizes[400] / sizes[40] <= 1.01, sizes


def test_cache_rewrites_only_changed_pages(tmp_path: Path) -> None:
    first = write_pages({"a.md": "A\n", "b/c.md": "C\n"}, tmp_path)
    assert first.written == ["a.md", "b/c.md"]
    stamp = (tmp_path / "a.md").stat().st_mtime_ns
    (tmp_path / "mine.md").write_text("not generated\n", "utf-8")
    second = write_pages({"a.md": "A\n", "d.md": "D\n"}, tmp_path)
    assert second.unchanged == ["a.md"]
    assert second.written == ["d.md"]
    assert second.removed == ["b/c.md"]
    assert (tmp_path / "a.md").stat().st_mtime_ns == stamp
    assert (tmp_path / "mine.md").read_text("utf-8") == "not generated\n"


def test_a_live_server_trusts_what_it_wrote_only_while_the_file_is_untouched(
    tmp_path: Path
) -> None:
    remembered: dict[str, tuple[str, int]] = {}
    assert write_pages({"a.md": "A\n"}, tmp_path, remembered).written == ["a.md"]
    assert remembered["a.md"][0] == "A\n"
    assert write_pages({"a.md": "A\n"}, tmp_path, remembered).unchanged == ["a.md"]
    (tmp_path / "a.md").write_text("edited by hand\n", "utf-8")
    os.utime(tmp_path / "a.md", ns=(1, 1))  # a different time, however coarse the clock
    assert write_pages({"a.md": "A\n"}, tmp_path, remembered).written == ["a.md"]
    assert (tmp_path / "a.md").read_text("utf-8") == "A\n"
    assert write_pages({"a.md": "B\n"}, tmp_path, remembered).written == ["a.md"]


def test_a_write_cut_short_removes_nothing_and_forgets_nothing(tmp_path: Path) -> None:
    """Generation that fails half-way leaves the earlier pages and names all of ours."""
    write_pages({"a.md": "A\n", "b.md": "B\n"}, tmp_path)

    def cut_short() -> None:
        with PageWriter(tmp_path) as writer:
            writer("c.md", "C\n")
            raise RuntimeError("a template failed")

    with pytest.raises(RuntimeError, match="a template failed"):
        cut_short()
    assert sorted(p.name for p in tmp_path.glob("*.md")) == ["a.md", "b.md", "c.md"]
    assert json.loads((tmp_path / MANIFEST).read_text("utf-8")) == ["a.md", "b.md", "c.md"]
    assert write_pages({"a.md": "A\n"}, tmp_path).removed == ["b.md", "c.md"]


def test_export_writes_plain_markdown_and_refuses_bad_input(tmp_path: Path) -> None:
    shutil.copytree(SMALL, tmp_path / "sops")
    result = sopsite("export", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("29 pages in out: 29 written, 0 unchanged, 0 removed")
    assert (tmp_path / "out" / "procedures" / "sop-t-1.md").read_text("utf-8").startswith("---")
    (tmp_path / "sops" / "broken.yml").write_text("kind: sop\nid: [\n", "utf-8")
    result = sopsite("export", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "sops/broken.yml:3:1: error [YAML001]" in result.stdout
