"""The `sopsite` MkDocs plugin: a thin adapter that runs the core during build and serve.

on_config checks the handbook (errors abort with the same `file:line:col` lines as `sopsite
check`), generates the pages and registers handbook data with mkdocs-macros. The pages go to
a cache folder outside `docs/`, only files whose bytes changed, so `serve --dirty` rebuilds
only those: a one-off build writes each page as it is generated, a live server writes them
in on_files. on_files registers them; on_serve watches `sops/`.
"""

from __future__ import annotations

import logging
import posixpath
import re
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from generator.boundary import admit, check_output, display_path, project_root, walk
from generator.checks import Settings
from generator.checks.registry import advisory_codes
from generator.errors import TemplateError
from generator.gcpause import freeze_survivors
from generator.git.history import read_history
from generator.model.handbook import Handbook
from generator.model.validate import did_you_mean
from generator.pipeline import check_handbook, current_day
from generator.problems import Severity
from generator.render import site
from generator.render.pages import Site, generate, release_caches
from generator.render.sanitise import Sanitiser
from generator.render.text import plain, quoted
from generator.write import PageWriter, WriteReport, write_pages

log = logging.getLogger("mkdocs.plugins.sopsite")
advice_log = logging.getLogger("sopsite.advice")
"""Advisory warnings (`Rule.advisory`), outside MkDocs' loggers: a strict build does not
count them."""
history_log = logging.getLogger("sopsite.history")
"""History warnings (HIST001-005), outside MkDocs' loggers so that a strict build does not
count them: they name commits, which cannot be taken back, so one that failed the build
would fail every build after it."""

MERMAID_URI = "assets/javascripts/mermaid.min.js"
ASSETS = Path(__file__).parent.parent / "assets"
QUIZ_URI = "assets/javascripts/sopsite-quiz.js"
ASOF_URI = "assets/javascripts/sopsite-asof.js"
STYLE_URI = "assets/stylesheets/sopsite.css"


_WRITTEN: dict[str, dict[str, tuple[str, int]]] = {}
"""Per process, by cache folder: what a live server wrote there and when (see
`generator.write.PageWriter`)."""


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refuse_overwrites(report: WriteReport) -> None:
    """Stop the build when the cache held files sopsite did not write (they are kept)."""
    if report.refused:
        raise PluginError("sopsite: the cache folder holds files sopsite did not write:\n"
                          + "\n".join(p.format() for p in report.refused))


class SnapshotConfig(base.Config):
    """What a controlled snapshot (`sopsite bundle`) was made from, shown on its front page."""

    commit = c.Optional(c.Type(str))
    """The abbreviated commit the snapshot was built from."""
    built = c.Optional(c.Type(str))
    """The day (UTC) the snapshot was built, YYYY-MM-DD."""
    as_of = c.Optional(c.Type(str))
    """The day review deadlines and overdue actions were judged against, YYYY-MM-DD."""


class SopsiteConfig(base.Config):
    """Options under `plugins: - sopsite:` in mkdocs.yml; paths are relative to mkdocs.yml."""

    sops = c.Type(str, default="sops")
    """The handbook folder with the YAML sources."""
    cache_dir = c.Type(str, default=".sopsite-cache")
    """Where generated Markdown is written; outside docs/ so it never mixes with hand-written
    pages."""
    templates = c.Optional(c.Type(str))
    """A folder of Jinja templates that override the packaged ones by name."""
    mermaid_js = c.Type(str, default="node_modules/mermaid/dist/mermaid.min.js")
    """The local Mermaid build shipped with the site, so diagrams render offline."""
    strict = c.Type(bool, default=False)
    """Fail the build on content warnings too (overdue reviews, missing approvals)."""
    training_coverage = c.Type(float, default=Settings().min_coverage)
    """Share of a document's steps its quiz must cover; below it QUIZ006 warns."""
    snapshot = c.SubConfig(SnapshotConfig)
    """Set by `sopsite bundle` (all three keys): the front page then opens with a "Controlled
    snapshot" note."""


class SopsitePlugin(BasePlugin[SopsiteConfig]):
    """Generate the handbook's pages inside an MkDocs build."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self.serving = False
        self.frozen = False
        self.handbook: Handbook | None = None
        self.base = Path()
        self.sanitiser = Sanitiser()
        self.project = Path()
        """The folder nothing is read from or written to outside of (`generator.boundary`)."""

    def _path(self, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else self.base / path

    def on_config(self, config: Any) -> Any:
        self.base = Path(config.config_file_path or ".").resolve().parent
        root = self._path(self.config.sops)
        if not root.is_dir():
            raise PluginError(f"sopsite: handbook folder {root} does not exist; set "
                              "'sops:' under the sopsite plugin in mkdocs.yml")
        self.project = project = project_root(self.base)
        cache = self._path(self.config.cache_dir)
        unsafe = check_output(cache, project, "cache folder (cache_dir)")
        if unsafe is not None:
            raise PluginError(f"sopsite: {unsafe}")
        handbook, problems = check_handbook(
            root, today=current_day(), strict=self.config.strict,
            settings=Settings(min_coverage=self.config.training_coverage), boundary=project,
        )
        errors = [p for p in problems if p.severity is Severity.ERROR]
        advice = advisory_codes()
        for problem in problems:
            if problem.severity is Severity.WARNING:
                (advice_log if problem.code in advice else log).warning(problem.format())
        if errors:
            raise PluginError("sopsite: the handbook has errors:\n"
                              + "\n".join(p.format() for p in errors))
        self.handbook = handbook
        templates = self._path(self.config.templates) if self.config.templates else None
        if templates is not None:
            # A template is rendered into pages: a link out of the project would publish
            # what it points at, as a YAML source would.
            files, refused = walk(templates, project, ("",))
            refused += [p for f in files if (p := admit(f, display_path(f), project))]
            if refused:
                raise PluginError("sopsite: the templates folder holds files that may not be "
                                  "read:\n" + "\n".join(p.format() for p in refused))
        # A live server keeps the pages to reuse on the next save and writes them in
        # on_files; a one-off build writes each page as it is made and keeps none.
        writer = None if self.serving else PageWriter(cache)
        history = read_history(root, handbook)
        for problem in history.problems:
            history_log.warning(problem.format())
        with writer or nullcontext():
            try:
                self.site = generate(handbook, today=current_day(), template_dir=templates,
                                     history=history, sink=writer)
            except TemplateError as error:
                raise PluginError("sopsite: a template override has an error:\n"
                                  + "\n".join(p.format() for p in error.problems)) from error
        if writer is not None:
            _refuse_overwrites(writer.report)
        self._register_macros(config)
        if not self.serving:
            # Macros keep what they need; the models are a third of a large build's memory.
            self.handbook = None
        scripts = [str(js) for js in config.extra_javascript]
        for uri in (QUIZ_URI, ASOF_URI):
            if uri not in scripts:
                config.extra_javascript.append(uri)
        if STYLE_URI not in config.extra_css:
            config.extra_css.append(STYLE_URI)
        mermaid = self._path(self.config.mermaid_js)
        if mermaid.is_file():
            if MERMAID_URI not in scripts:
                config.extra_javascript.append(MERMAID_URI)
        else:
            log.warning(f"sopsite: no local Mermaid at {mermaid} (run 'npm ci'); diagrams "
                        "will load Mermaid from a CDN and need a network")
        if self.serving and not self.frozen:
            # What is alive now stays for the session; MkDocs has made no page yet.
            freeze_survivors()
            self.frozen = True
        return config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Only a live server gains from keeping parsed files and pages between builds. A
        # plugin with on_startup is kept by MkDocs for the whole session.
        self.serving = command == "serve"
        self.frozen = False

    def on_files(self, files: Files, *, config: Any) -> Files:
        assert self.site is not None
        self._refuse_outside_docs(files, config.docs_dir)
        cache = self._path(self.config.cache_dir)
        if self.serving:
            _refuse_overwrites(write_pages(self.site.pages, cache,
                                           _WRITTEN.setdefault(str(cache), {})))
        for uri in self.site.pages:
            if uri in files.src_uris:
                raise PluginError(f"sopsite: docs/{uri} would be replaced by a generated page; "
                                  "rename or remove the hand-written file")
            inclusion = (InclusionLevel.NOT_IN_NAV if uri in self.site.unlisted
                         else InclusionLevel.INCLUDED)
            files.append(File.generated(config, uri, abs_src_path=str(cache / uri),
                                        inclusion=inclusion))
        mermaid = self._path(self.config.mermaid_js)
        shipped = {QUIZ_URI: ASSETS / "sopsite-quiz.js", ASOF_URI: ASSETS / "sopsite-asof.js",
                   STYLE_URI: ASSETS / "sopsite.css"}
        if mermaid.is_file():
            shipped[MERMAID_URI] = mermaid
        for uri, source in shipped.items():
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(source)))
        config.nav = self._nav(files, config.nav)
        if not self.serving:
            # A one-off build need not hold every parsed file while MkDocs renders the HTML.
            release_caches()
        return files

    def _refuse_outside_docs(self, files: Files, docs_dir: str) -> None:
        """Stop the build when a hand-written page or asset is a link out of the project.

        MkDocs follows links in docs/ and publishes what they point at, as it would a
        YAML source: the same boundary holds (`generator.boundary`).
        """
        prefix = Path(docs_dir).as_posix().rstrip("/") + "/"
        project = self.project
        refused = [problem for file in files
                   if file.abs_src_path and Path(file.abs_src_path).as_posix().startswith(prefix)
                   and (problem := admit(Path(file.abs_src_path),
                                         display_path(Path(file.abs_src_path)), project))]
        if refused:
            raise PluginError("sopsite: docs/ holds files that may not be read:\n"
                              + "\n".join(p.format() for p in refused))

    def on_nav(self, nav: Navigation, *, config: Any, files: Files) -> Navigation:
        """Open the sidebar at the section a page left out of the navigation belongs to.

        A large handbook keeps its procedures out of the sidebar (their group pages list
        them), and frozen revisions are never in it. MkDocs gives such a page no parent, so
        the sidebar would show no open section at all; its home page's section is the place
        a reader came from, and the page size stays the same at any handbook size.
        """
        assert self.site is not None
        unlisted, homes = self.site.unlisted, self.site.homes
        by_uri = files.src_uris  # our uris are POSIX already: no need to normalise each
        for uri in unlisted:
            file = by_uri.get(uri)
            home = homes.get(uri)
            for _ in range(8):  # a checklist -> its module -> the training index
                if home is None or home not in unlisted:
                    break
                home = homes.get(home)
            target = by_uri.get(home) if home is not None else None
            if file is None or file.page is None or target is None or target.page is None:
                continue
            if target.page.parent is not None:
                file.page.parent = target.page.parent
        return nav

    def _nav(self, files: Files, nav: list[Any] | None) -> list[Any]:
        """Hand-written pages first (or the configured nav), then the generated sections."""
        assert self.site is not None
        if nav is None:
            written = sorted(
                (f.src_uri for f in files.documentation_pages()
                 if f.src_uri not in self.site.pages),
                key=lambda uri: (uri != "index.md", uri),
            )
            return [*written, *self.site.nav]
        return [*nav, *self.site.nav]

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        server.watch(str(self._path(self.config.sops)))
        if self.config.templates:
            server.watch(str(self._path(self.config.templates)))
        return server

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """Clean a generated page's HTML, the one path author text takes to a reader.

        It runs before the search plugin and the theme read the content, so the index and
        the page hold the same cleaned text (see `generator.render.sanitise`). A one-off build
        then forgets the page's Markdown: MkDocs keeps every page's Markdown and HTML until
        the build ends, on top of which the search index is serialised, and at 5000
        documents that is the build's peak. Nothing after this event reads the Markdown;
        the title is in the page's front matter.
        """
        if not self._generated(page):
            return html
        if not self.serving:
            page.markdown = ""
        cleaned = self.sanitiser.clean(html)
        if cleaned.removed:
            found = ", ".join(repr(_excerpt(tag)) for tag in cleaned.removed)
            log.warning(f"sopsite: {page.file.src_uri}: the page's HTML had markup that is not "
                        f"allowed ({found}); it was removed. Text from the handbook reached "
                        "the page as HTML: show code in `backticks`, write links as "
                        "[text](https://...)")
        return cleaned.html

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Likewise the HTML body, once the page is written into its template."""
        if not self.serving and self._generated(page):
            page.content = ""
        return output

    def _generated(self, page: Any) -> bool:
        return self.site is not None and page.file.src_uri in self.site.pages

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        """Open the front page with the snapshot note when `snapshot` is set (bundles only).

        Raw HTML with Material's admonition classes, so it needs no Markdown extension. It goes
        right after a leading `# Title`, which MkDocs reads the page title from only when the
        heading comes first.
        """
        values = {key: self.config.snapshot[key] for key in ("commit", "built", "as_of")}
        if not any(values.values()) or not page.is_homepage:
            return markdown
        missing = [key for key, value in values.items() if not value]
        if missing:
            raise PluginError(f"sopsite: snapshot needs commit, built and as_of; missing "
                              f"{', '.join(missing)}")
        commit, built, as_of = (escape(value) for value in values.values())
        note = (
            '<div class="admonition info sopsite-snapshot">\n'
            '<p class="admonition-title">Controlled snapshot</p>\n'
            f"<p>This copy of the handbook was built from commit <code>{commit}</code> on "
            f"{built} (UTC). Review deadlines and overdue actions are as of {as_of}. Changes "
            "made after that commit are not in this copy.</p>\n"
            "</div>\n\n"
        )
        heading = re.match(r"\s*#[ \t][^\n]*\n", markdown)
        split = heading.end() if heading else 0
        return f"{markdown[:split]}\n{note}{markdown[split:]}"

    def _register_macros(self, config: Any) -> None:
        """Give hand-written pages the handbook's data through mkdocs-macros, if it is on."""
        macros = config.plugins.get("macros")
        if macros is None or self.handbook is None:
            return
        handbook = self.handbook
        documents = {
            doc.id: {"id": doc.id, "title": doc.title, "version": doc.version,
                     "status": doc.status, "kind": doc.kind, "owner": doc.owner,
                     "effective": doc.effective.isoformat(), "path": site.doc_path(doc)}
            for doc in (e.item for e in handbook.documents)
        }
        # What a page gets to print is escaped; `doc_link` reads the raw values.
        variables = {doc_id: {key: quoted(value) for key, value in doc.items()}
                     for doc_id, doc in documents.items()}

        def doc_link(doc_id: str) -> str:
            """`[ID: Title (vX.Y)](link)` from the calling page; an unknown id is an error."""
            doc = documents.get(doc_id)
            if doc is None:
                # A warning, not an exception: macros would print a traceback and exit, while
                # a warning fails a strict build with this one clear line.
                page = getattr(macros, "page", None)
                where = f"docs/{page.file.src_uri}: " if page is not None else ""
                log.warning(f"{where}doc_link({doc_id!r}): no such document; "
                            f"{did_you_mean(doc_id, documents, 'documents')}")
                return str(plain(doc_id))
            page = getattr(macros, "page", None)
            here = posixpath.dirname(page.file.src_uri) if page is not None else ""
            target = posixpath.relpath(doc["path"], here or ".")
            text = plain(f"{doc['id']}: {doc['title']} (v{doc['version']})")
            return str(Markup(f"[{text}]({target})"))

        macros.register_variables({"handbook": variables})
        macros.register_macros({"doc_link": doc_link})
