"""`sopsite build --engine zensical`: sopsite makes the pages and the configuration, Zensical
builds the HTML.

Zensical reads a Material `mkdocs.yml` but runs no MkDocs plugin, so nothing of the sopsite
plugin's part of a build happens inside it. sopsite does that part here instead, as `sopsite
export` does: it checks the handbook (stopping on what would stop the MkDocs build), makes
every page into a work folder with the hand-written pages (their `doc_link`/`role_links`
macros rendered by sopsite, since Zensical does not run mkdocs-macros), the shipped scripts
and styles and the local Mermaid, writes a configuration that names the navigation sopsite
computed, then runs `zensical build` into a staging folder. The generated pages' HTML then
passes the same HTML gate as in a MkDocs build (`generator.render.sanitise`), and only then
is the site folder replaced.

What Zensical cannot do is refused, never silently dropped: any plugin but search and tags
(and sopsite's own and mkdocs-macros, which sopsite stands in for), mkdocs-macros options
beyond strictness, `INHERIT`, the version selector of mike, and the bundle's snapshot note.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import pathspec
import yaml

from generator import pipeline
from generator.attachments import MAX_BYTES
from generator.boundary import admit, check_output, display_path, project_root, read_bounded
from generator.engines import EngineRefusedError, require
from generator.engines.zensical_config import (
    ZensicalBuildError,
    plugins,
    read_config,
    refusals,
    write_config,
)
from generator.mkdocs import assets, brand
from generator.model.handbook import Handbook
from generator.problems import Problem, render
from generator.render.digest import digest_of
from generator.render.macros import PageMacros
from generator.render.sanitise import Sanitiser
from generator.session import Session
from generator.write import PageWriter

ARTICLE_OPEN = '<article class="md-content__inner md-typeset">'
SKIP_TARGET = re.compile(r'\A\s*<a id="__skip" tabindex="-1"></a>')
TAG_LIST = re.compile(r'<nav class="md-tags"[^>]*>(?:(?!</nav>).)*</nav>\s*\Z', re.S)
"""A built page's content: the theme's own skip target and tag list are not the page's."""


class _Macros:
    """The handbook's macros (`generator.render.macros`), for one page at a time."""

    def __init__(self, handbook: Handbook, pages: Mapping[str, str]) -> None:
        self.data = PageMacros(handbook, pages)
        self.here = ""
        self.problems: list[str] = []

    def doc_link(self, doc_id: str) -> str:
        link, problem = self.data.doc_link(doc_id, self.here)
        if problem is not None:
            self.problems.append(f"docs/{self.here}: {problem}")
        return link

    def role_links(self) -> str:
        return self.data.role_links(self.here)

    def render(self, uri: str, text: str) -> str:
        self.here = uri
        environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                                         keep_trailing_newline=True)
        variables = {**self.data.variables(),
                     "doc_link": self.doc_link, "role_links": self.role_links}
        try:
            return environment.from_string(text).render(variables)
        except jinja2.TemplateError as error:
            self.problems.append(f"docs/{uri}: {type(error).__name__}: {error}")
            return text


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _macros_off(text: str) -> bool:
    """Whether the page's front matter says `render_macros: false`, as mkdocs-macros reads."""
    front = _FRONT.match(text)
    if front is None:
        return False
    try:
        meta = yaml.safe_load(front[1])
    except yaml.YAMLError:
        return False
    return isinstance(meta, dict) and meta.get("render_macros") is False


def _hand_written(docs: Path, exclude: str | None, project: Path) -> tuple[dict[str, Path],
                                                                           list[Problem]]:
    spec = pathspec.PathSpec.from_lines("gitwildmatch", (exclude or "").splitlines())
    found: dict[str, Path] = {}
    refused: list[Problem] = []
    for path in sorted(docs.rglob("*")):
        uri = path.relative_to(docs).as_posix()
        if path.is_dir() or spec.match_file(uri) or any(
                part.startswith(".") for part in uri.split("/")):
            continue
        problem = admit(path, display_path(path), project)
        if problem is not None:
            refused.append(problem)
        else:
            found[uri] = path
    return found, refused


def _html_path(uri: str) -> str:
    stem = uri[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def _gate(staging: Path, pages: list[str], hand_written: list[str],
          sanitiser: Sanitiser) -> list[str]:
    """The generated pages' content through the HTML gate, in the built files; every page's
    task-list checkboxes named by their item's words, as the sopsite plugin names them."""
    from generator.mkdocs.pages import clean, name_task_checkboxes

    warnings = []
    generated = set(pages)
    for uri in [*pages, *hand_written]:
        target = staging / _html_path(uri)
        if not target.is_file():
            continue
        text = target.read_text(encoding="utf-8")
        # From the article's start to the last </article>: a page's own text cannot end
        # the region early, whatever markup reached it.
        start, end = text.find(ARTICLE_OPEN), text.rfind("</article>")
        if start < 0 or end < start:
            raise ZensicalBuildError(f"{_html_path(uri)}: Zensical wrote no article for "
                                     f"{uri}; the HTML gate cannot find the page's content")
        start += len(ARTICLE_OPEN)
        region = text[start:end]
        skip, tags = SKIP_TARGET.match(region), TAG_LIST.search(region)
        head = skip.end() if skip else 0
        tail = tags.start() if tags else len(region)
        cleaned, warning = (clean(sanitiser, region[head:tail], uri) if uri in generated
                            else (region[head:tail], None))
        if warning:
            warnings.append(warning)
        target.unlink()  # a hard link to the work folder's copy: write a file of its own
        target.write_text(text[:start] + region[:head] + name_task_checkboxes(cleaned)
                          + region[tail:] + text[end:], encoding="utf-8")
    return warnings


def build_site(config_file: Path, site_dir: Path | None, *, verbose: bool = False,
               finish: Callable[[Path], None] | None = None) -> Path:
    """Make the pages and the configuration, build with Zensical, swap the site in."""
    zensical = require("zensical") / "bin" / "zensical"
    raw = read_config(config_file)
    refused = refusals(raw)
    if refused:
        raise EngineRefusedError("the Zensical engine cannot build this configuration:\n  "
                                 + "\n  ".join(refused))
    base = config_file.resolve().parent
    project = project_root(base)
    target = Path(site_dir) if site_dir else base / str(raw.get("site_dir") or "site")
    boundary = (project if site_dir is None
                else Path(os.path.normpath(target.absolute())).parent.resolve())
    unsafe = check_output(target, boundary, "site folder",
                          " (or name the folder with -d)" if site_dir is None else "")
    if unsafe is not None:
        raise ZensicalBuildError(unsafe)
    sopsite_options = plugins(raw).get("sopsite", {})
    options = pipeline.Options.from_plugin(sopsite_options, base, boundary=project)
    kept = _build_cache(sopsite_options, base, project, config_file)
    if kept is not None:
        options = replace(options, pages_store=kept / "pages")
    colour_problem = brand.check(config_file, sopsite_options.get(brand.OPTION))
    if colour_problem is not None:
        raise ZensicalBuildError("mkdocs.yml has errors", [colour_problem])
    session = Session()
    handbook, problems = pipeline.check(options, session)
    failed = pipeline.fails(problems, options.strict)
    failed += pipeline.refused_templates(options.templates, project)
    if failed:
        raise ZensicalBuildError("the handbook has errors", failed)
    if verbose and problems:
        print(render(problems, "text"), file=sys.stderr)
    target = target.resolve()
    staging = target.with_name(f".{target.name}.building")
    retired = target.with_name(f".{target.name}.previous")
    for leftover in (staging, retired):
        if leftover.is_symlink():
            leftover.unlink()
        shutil.rmtree(leftover, ignore_errors=True)
    work = _work_folder(kept, config_file, target)
    try:
        made, hand_written = _prepare(raw, base, project, options, handbook, session,
                                      work / "docs", work)
        _forget_if_other(work, zensical, session)
        # strict: true in mkdocs.yml stops Zensical on its warnings too, as it stops MkDocs.
        strict = ["--strict"] if raw.get("strict") is True else []
        result = subprocess.run([str(zensical), "build", "-f", str(work / "mkdocs.yml"),
                                 *strict],
                                cwd=work, capture_output=True, text=True, check=False)
        if verbose or result.returncode != 0:
            print(result.stdout + result.stderr, end="", file=sys.stderr)
        if result.returncode != 0:
            raise ZensicalBuildError(f"zensical build exited {result.returncode}")
        _link_tree(work / "site", staging)
        for warning in _gate(staging, made, hand_written, Sanitiser()):
            print(warning, file=sys.stderr)
        if finish is not None:
            finish(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if kept is None:
            shutil.rmtree(work, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return target


def _build_cache(sopsite_options: Mapping[str, Any], base: Path, project: Path,
                 config_file: Path) -> Path | None:
    """The plugin option `build_cache` (the MkDocs builds' default), checked as they check
    it; None when it is set empty."""
    value = sopsite_options.get("build_cache", ".sopsite-build-cache")
    if not isinstance(value, str) or not value:
        return None
    kept = base / value
    for folder in (kept, kept / "zensical" / config_file.stem, kept / "pages"):
        unsafe = check_output(folder, project, "build cache folder (build_cache)")
        if unsafe is not None:
            raise ZensicalBuildError(unsafe)
    return kept


def _work_folder(kept: Path | None, config_file: Path, target: Path) -> Path:
    """Where Zensical builds: it writes only inside the folder of its configuration. In
    the build cache that folder stays, with Zensical's own cache, and only changed pages
    are written again; without one it is a sibling of the site, made afresh (and removed
    after the build). Nothing is written, read or built through a link planted in it."""
    work = (kept / "zensical" / config_file.stem if kept is not None
            else target.with_name(f".{target.name}.zensical"))
    for link in (work, work / "mkdocs.yml", work / ".sopsite-key", work / "site",
                 work / ".cache"):
        if link.is_symlink():
            link.unlink()
    if kept is None:
        shutil.rmtree(work, ignore_errors=True)
    return work


def _forget_if_other(work: Path, zensical: Path, session: Session) -> None:
    """Remove Zensical's output and cache from the work folder when they were made by
    other software or from another configuration: Zensical then builds every page."""
    dists = sorted(p.name for p in zensical.parent.parent.glob("lib/*/site-packages/*.dist-info"))
    key = digest_of([session.software(), dists,
                     (work / "mkdocs.yml").read_text(encoding="utf-8")])
    stamp = work / ".sopsite-key"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != key:
        for made in (work / "site", work / ".cache"):
            shutil.rmtree(made, ignore_errors=True)
        stamp.write_text(key, encoding="utf-8")


def _link_tree(site: Path, staging: Path) -> None:
    """The built site into the staging folder, each file a hard link where the file system
    allows (the work folder keeps its copy for Zensical's next build); the HTML gate
    replaces a page it changes rather than writing through the link."""
    try:
        shutil.copytree(site, staging, copy_function=os.link)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(site, staging)


def _prepare(raw: Mapping[str, Any], base: Path, project: Path, options: pipeline.Options,
             handbook: Handbook, session: Session, docs: Path,
             work: Path) -> tuple[list[str], list[str]]:
    """Write the work folder: docs/ and mkdocs.yml for Zensical; the uris of the generated
    pages and of the hand-written ones."""
    docs_dir = base / str(raw.get("docs_dir") or "docs")
    written, refused = _hand_written(docs_dir, raw.get("exclude_docs"), project)
    if refused:
        raise ZensicalBuildError("docs/ holds files that may not be read", refused)
    # Every file of docs/ goes through one writer: only changed bytes are written (so
    # Zensical's cache sees the rest unchanged) and what a build no longer has is removed.
    with PageWriter(docs) as writer:
        made = pipeline.generate_site(
            options, handbook, session, sink=writer,
            warn=lambda problem: print(f"WARNING -  {problem.format()}", file=sys.stderr))
        clashes = sorted(set(written) & (set(made.pages) | set(made.files)))
        if clashes:
            raise ZensicalBuildError(f"docs/{clashes[0]} would be replaced by a generated "
                                     "page; rename or remove the hand-written file")
        for uri, source in made.files.items():
            writer.copy(uri, read_bounded(source, MAX_BYTES)[0][:MAX_BYTES])
        macros = _Macros(handbook, made.pages)
        for uri, source in written.items():
            if uri.endswith(".md"):
                text = source.read_text(encoding="utf-8")
                writer(uri, macros.render(uri, text) if "macros" in plugins(raw)
                       and not _macros_off(text) else text)
            else:
                writer.copy(uri, source.read_bytes())
        if macros.problems:
            raise ZensicalBuildError("a hand-written page's macros failed:\n  "
                                     + "\n  ".join(macros.problems))
        scripts, styles = _assets(raw, base, writer, written)
    if writer.report.refused:
        raise ZensicalBuildError("the pages could not be written", writer.report.refused)
    write_config(raw, base, work, _navigation(raw.get("nav"), written, made), scripts, styles)
    return list(made.pages), [uri for uri in written if uri.endswith(".md")]


def _assets(raw: Mapping[str, Any], base: Path, writer: PageWriter,
            written: Mapping[str, Path]) -> tuple[list[str], list[str]]:
    """Copy the shipped scripts, the local Mermaid and the stylesheets into docs/ (a
    hand-written file of the same name wins); the scripts and the styles the pages load."""
    sopsite_options = plugins(raw).get("sopsite", {})
    mermaid = base / str(sopsite_options.get("mermaid_js")
                         or "node_modules/mermaid/dist/mermaid.min.js")
    panzoom = (base / str(sopsite_options["panzoom_js"]) if sopsite_options.get("panzoom_js")
               else assets.panzoom_beside(mermaid))
    shipped = {assets.QUIZ_URI: assets.ASSETS / "sopsite-quiz.js",
               assets.ASOF_URI: assets.ASSETS / "sopsite-asof.js",
               assets.CATALOGUE_URI: assets.ASSETS / "sopsite-catalogue.js",
               assets.A11Y_URI: assets.ASSETS / "sopsite-a11y.js"}
    if panzoom.is_file():
        shipped[assets.PANZOOM_URI] = panzoom
    shipped[assets.DIAGRAM_URI] = assets.ASSETS / "sopsite-diagram.js"
    if mermaid.is_file():
        shipped[assets.MERMAID_URI] = mermaid
    scripts = [str(s) for s in raw.get("extra_javascript") or []]
    for uri, source in shipped.items():
        if uri not in written:
            writer.copy(uri, source.read_bytes())
        if uri not in scripts:
            scripts.append(uri)
    styles = [str(s) for s in raw.get("extra_css") or []]
    writer.copy(assets.STYLE_URI, (assets.ASSETS / "sopsite.css").read_bytes())
    styles.append(assets.STYLE_URI)
    colour = brand.parse(sopsite_options.get(brand.OPTION))
    if colour is not None:
        writer(brand.STYLE_URI, brand.stylesheet(colour))
        styles.append(brand.STYLE_URI)
    return scripts, styles


def _navigation(nav: Any, written: Mapping[str, Path], made: Any) -> list[Any]:
    """As `generator.mkdocs.nav.navigation`: the hand-written pages (or the configured
    nav), then the generated sections."""
    if nav is None:
        pages = sorted((uri for uri in written if uri.endswith(".md")),
                       key=lambda uri: (uri != "index.md", uri))
        return [*pages, *made.nav]
    return [*nav, *made.nav]
