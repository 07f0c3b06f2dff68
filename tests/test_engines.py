"""The example handbook built by each engine of `sopsite build --engine`, compared.

MkDocs, ProperDocs (in .venv-properdocs) and Zensical (in .venv-zensical, sopsite making the
pages and the configuration) each build a copy of the handbook with the real `sopsite`
command, once per module. The sites must hold the same pages, diagrams Mermaid's own parser
accepts and Chromium draws, a search index that finds a step's words, and the quiz.
"""

from __future__ import annotations

import html
import html.parser
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import REPO, SOPSITE
from tests.support.browser import StaticServer, chromium, copy_handbook, session, tool_env
from tests.support.build import sopsite
from tests.support.mermaid import parse_errors
from tests.support.serving import Server

pytestmark = [pytest.mark.slow]

ENGINES = ("mkdocs", "properdocs", "zensical")
SOP_PAGE = "procedures/sop-it-ci/"
CATALOGUE = "catalogue/index.html"
TRAINING_PAGE = "training/sop-it-ci/index.html"
SEARCH_INDEX = {"mkdocs": "search/search_index.json", "properdocs": "search/search_index.json",
                "zensical": "search.json"}
"""Where each engine writes its search index; Zensical's lists `items`, MkDocs' `docs`."""
DIAGRAM = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)


class Built:
    """A site one engine built, and the address it is served from."""

    def __init__(self, engine: str, root: Path, url: str, stderr: str) -> None:
        self.engine, self.root, self.url, self.stderr = engine, root, url, stderr

    def text(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    def pages(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("index.html")}

    def search_entries(self) -> list[dict[str, Any]]:
        index = json.loads(self.text(SEARCH_INDEX[self.engine]))
        entries: list[dict[str, Any]] = index["items" if self.engine == "zensical" else "docs"]
        return entries


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """The handbook built by every engine, each served on its own port."""
    built: dict[str, Built] = {}
    servers = []
    try:
        for engine in ENGINES:
            tmp = tmp_path_factory.mktemp(engine)
            server = StaticServer(tmp / "site").__enter__()
            servers.append(server)
            copy_handbook(tmp, site_url=server.url)
            done = sopsite("build", "--engine", engine, "-d", "site", cwd=tmp)
            assert done.returncode == 0, f"{engine}: {done.stdout}{done.stderr}"
            built[engine] = Built(engine, tmp / "site", server.url, done.stderr)
        yield built
    finally:
        for server in servers:
            server.__exit__(None, None, None)


def test_every_engine_builds_the_same_pages(sites: dict[str, Built]) -> None:
    reference = sites["mkdocs"].pages()
    assert {f"{SOP_PAGE}index.html", CATALOGUE, TRAINING_PAGE} <= reference
    for engine in ENGINES[1:]:
        assert sites[engine].pages() == reference, engine


def test_properdocs_is_the_engine_that_built_it(sites: dict[str, Built]) -> None:
    generator = re.compile(r'<meta name="generator" content="([^"]*)"')
    assert "mkdocs-1.6.1" in generator.findall(sites["mkdocs"].text("index.html"))[0]
    assert "ProperDocs 1.6.7" in generator.findall(sites["properdocs"].text("index.html"))[0]
    # Zensical's own theme, in Material's look (`theme.variant: classic`).
    assert "zensical" in sites["zensical"].text("index.html").lower()


@pytest.mark.parametrize("engine", ENGINES)
def test_diagrams_parse_with_mermaids_own_parser(sites: dict[str, Built], engine: str) -> None:
    sources = [html.unescape(s) for s in DIAGRAM.findall(sites[engine].text(
        f"{SOP_PAGE}index.html"))]
    assert sources, f"{engine}: no Mermaid block on {SOP_PAGE}"
    assert sources[0].lstrip().startswith("flowchart")
    assert parse_errors(sources) == [None] * len(sources)


@pytest.mark.parametrize("engine", ENGINES)
def test_search_finds_a_steps_words(sites: dict[str, Built], engine: str) -> None:
    step = yaml.safe_load((REPO / "sops/sops/SOP-IT-CI.yml").read_text("utf-8"))["steps"][0]
    words = "Monthly deployment review"
    assert words in step["instructions"]
    found = [e["location"] for e in sites[engine].search_entries()
             if words in e["text"] and e["location"].startswith(SOP_PAGE)]
    assert found, f"{engine}: the search index has no entry of {SOP_PAGE} with {words!r}"


def test_search_indexes_the_same_pages_in_every_engine(sites: dict[str, Built]) -> None:
    """Pages sopsite keeps out of search (`search: exclude`) stay out of every index."""
    def pages(engine: str) -> set[str]:
        return {e["location"].split("#")[0] for e in sites[engine].search_entries()}

    reference = pages("mkdocs")
    assert {SOP_PAGE, "catalogue/"} <= reference
    for engine in ENGINES[1:]:
        assert pages(engine) == reference, engine


@pytest.mark.parametrize("engine", ENGINES)
def test_quiz_markup_and_script_are_there(sites: dict[str, Built], engine: str) -> None:
    page = sites[engine].text(TRAINING_PAGE)
    assert page.count('class="sopsite-quiz"') == 1
    assert 'class="sq-question"' in page
    assert "sopsite-quiz.js" in page
    assert (sites[engine].root / "assets/javascripts/sopsite-quiz.js").is_file()


@pytest.mark.browser
@pytest.mark.parametrize("engine", ENGINES)
def test_chromium_draws_the_flowchart(sites: dict[str, Built], engine: str) -> None:
    with chromium() as browser, session(browser) as web:
        page = web.new_page()
        page.goto(sites[engine].url + SOP_PAGE)
        page.wait_for_function(
            """() => document.querySelectorAll('div.mermaid').length > 0
                     && [...document.querySelectorAll('div.mermaid')]
                          .every(e => e.getBoundingClientRect().height > 0)""")
        header = page.evaluate(
            "getComputedStyle(document.querySelector('.md-header')).backgroundColor")
        assert header == "rgb(11, 110, 110)", f"{engine}: not the brand colour #0b6e6e"
        box = page.locator("div.mermaid").first.bounding_box()
        assert box is not None
        assert box["width"] > 0
        assert box["height"] > 0
        assert web.blocked == [], f"{engine}: requests left the machine: {web.blocked}"
        assert web.console_errors == [], f"{engine}: {web.console_errors}"


def test_a_missing_engine_names_its_make_target(tmp_path: Path) -> None:
    copy_handbook(tmp_path)
    for engine in ("properdocs", "zensical"):
        env = {**tool_env(), f"SOPSITE_{engine.upper()}_VENV": str(tmp_path / "nowhere")}
        done = subprocess.run([str(SOPSITE), "build", "--engine", engine], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 2, done.stderr
        assert f"make {engine}" in done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "site").exists()


def test_zensical_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    copy_handbook(tmp_path, configs=("mkdocs.yml", "mkdocs.mermaid2.yml"))
    done = sopsite("build", "--engine", "zensical", "-f", "mkdocs.mermaid2.yml", cwd=tmp_path)
    assert done.returncode == 2
    assert "plugin 'mermaid2': Zensical runs no MkDocs plugin" in done.stderr
    assert "INHERIT" in done.stderr
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "extra:\n  generator: false", "extra:\n  generator: false\n  version:\n"
        "    provider: mike"), encoding="utf-8")
    done = sopsite("build", "--engine", "zensical", cwd=tmp_path)
    assert done.returncode == 2
    assert "mike" in done.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_a_failed_build_leaves_the_previous_site(tmp_path: Path, engine: str) -> None:
    copy_handbook(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "previous.html").write_text("the site before", encoding="utf-8")
    page = tmp_path / "docs" / "index.md"
    page.write_text(page.read_text("utf-8") + '\n{{ doc_link("SOP-NOPE") }}\n', "utf-8")
    done = sopsite("build", "--engine", engine, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "SOP-NOPE" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in site.iterdir()) == ["previous.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]
    shutil.rmtree(site)


@pytest.mark.parametrize(("command", "reason"), [
    (["serve"], "Zensical's live server runs none of sopsite's part of the build"),
    (["publish", "1.0"], "versions are published with mike"),
    (["bundle", "--out", "handbook.zip"], "Material's offline plugin"),
])
def test_commands_zensical_cannot_run_are_refused(tmp_path: Path, command: list[str],
                                                  reason: str) -> None:
    copy_handbook(tmp_path)
    done = sopsite(*command, "--engine", "zensical", cwd=tmp_path)
    assert done.returncode == 2
    assert reason in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "sops"]


def test_zensical_uses_the_themes_custom_dir(tmp_path: Path) -> None:
    copy_handbook(tmp_path)
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}From custom_dir{% endblock %}\n',
        encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n", 1), "utf-8")
    done = sopsite("build", "--engine", "zensical", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "From custom_dir" in (tmp_path / "site" / "index.html").read_text("utf-8")


def test_checklist_checkboxes_are_named_in_every_engine(sites: dict[str, Built]) -> None:
    named = re.compile(r'<input type="checkbox" aria-label="([^"]+)"')
    reference = named.findall(sites["mkdocs"].text("training/checklists/sop-it-ci/index.html"))
    assert reference
    assert reference[0].startswith("1. Gather the deployment data of the period")
    for engine in ENGINES[1:]:
        page = sites[engine].text("training/checklists/sop-it-ci/index.html")
        assert named.findall(page) == reference, engine


def test_serve_with_properdocs(tmp_path: Path) -> None:
    handbook = copy_handbook(tmp_path / "handbook")
    server = Server(handbook, tmp_path / "tmp", "--engine", "properdocs")
    try:
        server.wait_started()
        page = server.fetch(SOP_PAGE) or ""
        assert "ProperDocs 1.6.7" in page
        assert "Monthly deployment review" in page
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert "Traceback" not in server.output
    assert not server.group_alive(), "ProperDocs' server outlived sopsite serve"


def test_bundle_with_properdocs(tmp_path: Path) -> None:
    from tests.test_bundle import handbook_repo

    project = handbook_repo(tmp_path / "project")
    out = project / "out" / "handbook.zip"
    done = sopsite("bundle", "--engine", "properdocs", "--out", out, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        front = archive.read("handbook/index.html").decode("utf-8")
    assert "handbook/procedures/sop-it-ci.html" in names
    assert "handbook/register/register.csv" in names
    assert "ProperDocs 1.6.7" in front
    # Material's offline plugin ran: the search index is a script, not a fetched file.
    assert "handbook/search/search_index.js" in names


class _Attributes(html.parser.HTMLParser):
    """Every attribute name of every element of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.update(name for name, _ in attrs)


def test_zensical_keeps_a_hostile_site_name_inside_its_attributes(tmp_path: Path) -> None:
    """Zensical writes site_name into the logo's alt and aria-label unescaped: sopsite
    escapes it, quotes too, so the name cannot close the attribute and add a handler."""
    copy_handbook(tmp_path)
    config = tmp_path / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(re.sub(r"^site_name: .*$", 'site_name: \'R&D x" onmouseover="alert(1)\'',
                             text, count=1, flags=re.M), "utf-8")
    done = sopsite("build", "--engine", "zensical", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        parser = _Attributes()
        parser.feed(page.read_text("utf-8"))
        handlers = sorted(name for name in parser.names if name.startswith("on"))
        assert handlers == [], page.relative_to(tmp_path)
    front = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'alt="R&amp;D x&quot; onmouseover=&quot;alert(1)"' in front
