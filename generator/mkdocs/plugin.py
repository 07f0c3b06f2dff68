"""The `sopsite` MkDocs plugin: MkDocs' events, each handing over to the core.

on_config checks the handbook (errors abort with the same `file:line:col` lines as `sopsite
check`) and generates the pages (`generator.pipeline`); on_files registers them; on_nav
opens the sidebar at a page's home; on_page_content passes each generated page through the
HTML gate. The pages go to a cache folder outside `docs/`, only files whose bytes changed,
so `serve --dirty` rebuilds only those: a one-off build writes each page as it is made, a
live server writes them in on_files. Under `serve`, one `Session` lives from on_startup to
on_shutdown and keeps what the next build can reuse.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation

from generator.mkdocs import assets, brand, nav, pages
from generator.mkdocs import files as files_module
from generator.mkdocs.buildcache import BuildCache, CachingEnvironment
from generator.mkdocs.options import SopsiteConfig
from generator.mkdocs.prepare import configure, refuse, resolve
from generator.render.pages import Site
from generator.render.sanitise import Sanitiser
from generator.session import Session
from generator.write import write_pages

log = logging.getLogger("mkdocs.plugins.sopsite")


class SopsitePlugin(BasePlugin[SopsiteConfig]):
    """Generate the handbook's pages inside an MkDocs build."""

    def __init__(self) -> None:
        self.session = Session()
        self.site: Site | None = None
        self.sanitiser = Sanitiser()
        self.base = self.project = self.cache = self.mermaid = self.panzoom = Path()
        self.colour: brand.RGB | None = None
        self.build_cache: BuildCache | None = None
        self.use_build_cache = True
        """False for builds whose every page must be made from the sources alone (a
        controlled snapshot, a published version)."""
        self.navigation: Navigation | None = None
        self.dirty = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Only a live server gains from keeping parsed files and pages between builds. A
        # plugin with on_startup is kept by MkDocs for the whole session.
        self.session = Session(serving=command == "serve")
        self.dirty = dirty

    def on_shutdown(self) -> None:
        self.session.close()
        self.session, self.site = Session(), None

    def on_config(self, config: Any) -> Any:
        try:
            return configure(self, config)
        except BaseException:
            if not self.session.serving:  # a one-off build that failed keeps nothing
                self.session.release()
            raise

    def _path(self, value: str) -> Path:
        return resolve(self.base, value)

    def on_files(self, files: Files, *, config: Any) -> Files:
        assert self.site is not None
        refuse("docs/ holds files that may not be read",
               files_module.refused_docs(files, config.docs_dir, self.project))
        if self.session.serving:
            refuse("the cache folder holds files sopsite did not write",
                   write_pages(self.site.pages, self.cache,
                               self.session.written.of(self.cache)).refused)
        clashes = files_module.register(self.site, files, config, self.cache)
        if clashes:
            raise PluginError(f"sopsite: docs/{clashes[0]} would be replaced by a generated "
                              "page; rename or remove the hand-written file")
        assets.add(files, config, self.mermaid, self.panzoom)
        if self.colour is not None:
            # A hand-written file of that name would silently win over brand_colour.
            if files.get_file_from_path(brand.STYLE_URI) is not None:
                raise PluginError(f"sopsite: docs/{brand.STYLE_URI} would be replaced by the "
                                  "stylesheet brand_colour generates; rename or remove the "
                                  "hand-written file")
            files.append(File.generated(config, brand.STYLE_URI,
                                        content=brand.stylesheet(self.colour)))
        config.nav = nav.navigation(self.site, files, config.nav)
        if not self.session.serving:
            # A one-off build need not hold every parsed file while MkDocs renders the HTML.
            self.session.release()
        return files

    def on_nav(self, navigation: Navigation, *, config: Any, files: Files) -> Navigation:
        assert self.site is not None
        nav.open_at_home(self.site, files)
        self.navigation = navigation
        if self.build_cache is not None:
            self.build_cache.begin(config, files)
        return navigation

    def on_pre_page(self, page: Any, *, config: Any, files: Files) -> Any:
        if self.build_cache is not None:
            self.build_cache.convert(page, files)
        return page

    @event_priority(-100)  # last: the other plugins' environment and search index are set
    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        if self.build_cache is None or self.navigation is None:
            return env
        self.build_cache.settle(self.navigation, files)
        self.build_cache.wrap_search(config.plugins)
        return CachingEnvironment(env, self.build_cache, config)

    def on_post_build(self, *, config: Any) -> None:
        if self.build_cache is not None:
            self.build_cache.finish(forget=not self.dirty)
            log.info("sopsite: build cache: %s", self.build_cache.summary())
            self.build_cache = None

    def on_build_error(self, *, error: Exception) -> None:
        if self.build_cache is not None:
            self.build_cache.warnings.detach()
            self.build_cache = None

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        # Before the first build when the server shows the last good site meanwhile:
        # nothing of on_config's may be needed here.
        base = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        server.watch(str(resolve(base, self.config.sops)))
        if self.config.templates:
            server.watch(str(resolve(base, self.config.templates)))
        return server

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if not page.is_homepage:
            return markdown
        return pages.snapshot_note(markdown, self.config.snapshot)

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """Clean a generated page's HTML, the one path author text takes to a reader.

        It runs before the search plugin and the theme read the content, so the index and
        the page hold the same cleaned text. A one-off build then forgets the page's
        Markdown: MkDocs keeps every page's Markdown and HTML until the build ends, and
        nothing after this event reads it (the title is in the page's front matter).
        Every page's task-list checkboxes get the item's words as their name.
        """
        if not self._generated(page):
            return pages.name_task_checkboxes(html)
        if not self.session.serving:
            page.markdown = ""
        cleaned, warning = pages.clean(self.sanitiser, html, page.file.src_uri)
        if warning:
            log.warning(warning)
        return pages.name_task_checkboxes(cleaned)

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Likewise the HTML body, once the page is written into its template."""
        if not self.session.serving and self._generated(page):
            page.content = ""
        return output

    def _generated(self, page: Any) -> bool:
        return self.site is not None and page.file.src_uri in self.site.pages
