"""What MkDocs makes of each page, kept on disk between builds under a digest of its inputs.

Three things are kept for a page, each under the digest of everything that goes into it:

- its *conversion* (Markdown to HTML, the table of contents, the anchors it holds and links
  to, the title found in it): a function of the page's final Markdown, where it sits, every
  file's address (links are resolved against them), the configuration and the installed
  packages;
- its *search entries*: a function of the converted HTML, the table of contents, the page's
  address, title and metadata;
- its *output* (the page in the theme's template, before `on_post_page`): a function of the
  converted page, and of the whole navigation, every page's address, title and metadata,
  the configuration and the theme's own files, which any page's template may read.

A digest that differs misses, so a different sopsite, engine, template, configuration or
page never reuses what was made for another. Only what a build reads is kept, and a page
whose conversion logged a warning is not kept at all: a later build converts it again and
the warning (which a strict build counts) is not lost. The HTML gate, `on_page_content` and
`on_post_page` run on every page, kept or not.

The output is kept only when every plugin of the build is one whose influence on the
template is known (search, tags, sopsite, macros, offline) and the theme's own files never
read the build time: another plugin may put anything into a page's template context.

Entries are plain files named by their digest, written whole or not at all, so the folder
is safe to delete at any time and safe to restore from a CI cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.boundary import check_output
from generator.mkdocs.cachekeys import (
    digest,
    nav_tokens,
    plugin_config,
    stable,
    toc_tokens,
)
from generator.render.cache import forget_except, read_entry, tree_digest, write_entry

FORMAT = "sopsite-build-cache 1"
"""Part of every digest: a change in what an entry holds changes it."""

KNOWN_PLUGINS = frozenset({"search", "material/search", "tags", "material/tags", "sopsite",
                           "macros", "offline", "material/offline"})
"""Plugins whose part in a page's template context is covered by the output digest."""

KINDS = ("convert", "search", "output")
def config_folder(folder: Path, config_file: Path) -> Path:
    """The part of the build cache ``folder`` that is this engine's and configuration's."""
    return folder / sys.modules["mkdocs"].__name__ / config_file.stem


class BuildCache:
    """One build's view of the cache folder: what it read and wrote, and what it may keep.

    A new one is made for each build, so nothing of one build's configuration leaks into
    the next.
    """

    def __init__(self, folder: Path, software: str, *, serving: bool = False) -> None:
        self.folder = folder
        self.folders = {kind: folder / kind for kind in KINDS}
        if serving:  # a live server's pages have their own address (site_url) in them
            self.folders["output"] = folder / "output-serve"
        self.software = digest(FORMAT, software)
        self.used: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.hits: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.misses: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.base = self.site = self.converting = ""
        self.keep_output = False
        self.warnings = _WarningCount()
        self.pages: Path | None = None
        """Where the generated Markdown is kept (`generator.render.cache.PageCache`)."""

    @classmethod
    def open(cls, folder: Path, project: Path, config_file: Path, software: str, *,
             serving: bool = False) -> BuildCache:
        """The cache of this engine and configuration under ``folder``, which must be a
        real folder inside the project (or not exist yet); ``software`` is the digest of
        what makes the pages (`Session.software`).

        One folder per engine and configuration: each build forgets what it did not read,
        so two that took turns in one folder would undo each other's work. A live server
        (``serving``) shares the conversions and search entries of `sopsite build` and keeps
        its own output. The generated Markdown is kept beside them, in ``pages/``
        (`PageCache`), for every engine.
        """
        kept = config_folder(folder, config_file)
        cache = cls(kept, software, serving=serving)
        for path in (folder, kept, folder / "pages", *cache.folders.values()):
            unsafe = check_output(path, project, "build cache folder (build_cache)")
            if unsafe is not None:
                raise PluginError(f"sopsite: {unsafe}")
        cache.pages = folder / "pages"
        return cache

    # --- keys ----------------------------------------------------------------------------

    def begin(self, config: Any, files: Files) -> None:
        """Digest the configuration, the theme and every file's address, once the
        navigation is settled (`on_nav`)."""
        # Where the site is written, whether warnings fail the build and where a live
        # server listens change no page (the address it serves from, site_url, does).
        settings = {key: value for key, value in config.items()
                    if key not in ("plugins", "theme", "site_dir", "config_file_path",
                                   "strict", "dev_addr")}
        plugins = [(name, f"{type(p).__module__}.{type(p).__qualname__}", plugin_config(p))
                   for name, p in config.plugins.items()]
        theme = config.theme
        # The theme's own folders (custom_dir) by their files; packaged ones by the version
        # of their package, which the software digest holds.
        h = hashlib.blake2b(digest_size=20)
        packaged = [Path(p) for p in sys.path if "-packages" in p]
        reads_time = False
        for folder in map(Path, theme.dirs):
            if not any(folder.is_relative_to(p) for p in packaged) and folder.is_dir():
                reads_time = tree_digest(folder, h, b"build_date_utc") or reads_time
        themed = {key: theme[key] for key in theme}
        addresses = sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
        self.base = digest(self.software, settings, plugins, themed, list(theme.dirs),
                           h.hexdigest(), addresses)
        # What Markdown to HTML depends on (besides the page): the extensions and their
        # options, how links are checked and written, and where every file is.
        self.converting = digest(self.software, [config.get(key) for key in (
            "markdown_extensions", "mdx_configs", "validation", "use_directory_urls",
            "docs_dir")], theme.name, addresses)
        self.keep_output = set(config.plugins) <= KNOWN_PLUGINS and not reads_time
        self.warnings.attach()

    def settle(self, navigation: Navigation, files: Files) -> None:
        """Digest what any page's template may read of the others (`on_env`)."""
        pages = [(f.src_uri, f.page.url, f.page.title, f.page.meta, str(f.inclusion))
                 for f in files.documentation_pages() if f.page is not None]
        self.site = digest(self.base, nav_tokens(navigation), pages)

    def _convert_key(self, page: Page) -> str:
        return digest(self.converting, page.file.src_uri, page.markdown, page.meta)

    def _search_key(self, page: Page, settings: Any) -> str:
        return digest(self.converting, stable(settings), page.url, page.title, page.meta,
                      page.content, toc_tokens(page.toc))

    def _output_key(self, page: Page, template: str) -> str:
        return digest(self.site, template, page.file.src_uri, page.url, page.title,
                      page.meta, page.content, toc_tokens(page.toc), str(page.file.inclusion))

    # --- entries -------------------------------------------------------------------------

    def _path(self, kind: str, key: str) -> Path:
        return self.folders[kind] / key

    def _read(self, kind: str, key: str) -> str | None:
        self.used[kind].add(key)
        return read_entry(self._path(kind, key))

    def _count(self, kind: str, kept: object) -> None:
        if kept is None:
            self.misses[kind] += 1
        else:
            self.hits[kind] += 1

    def _write(self, kind: str, key: str, text: str) -> None:
        write_entry(self.folders[kind], key, text)

    # --- the three stages ----------------------------------------------------------------

    def convert(self, page: Page, files: Files) -> None:
        """Give `page` a `render` that reuses a kept conversion, or keeps the one it makes.

        Set before MkDocs reads the page (`on_pre_page`): the digest is taken when MkDocs
        renders, of the Markdown every plugin has had its say on.
        """
        render = type(page).render

        def restore(config: Any, files_: Files) -> None:
            del page.render
            key = self._convert_key(page)
            text = self._read("convert", key)
            data = _entry(text)
            self._count("convert", data)
            if data is not None:
                page.content = data["content"]
                page.toc = get_toc(data["toc"])
                page._title_from_render = data["title"]
                page.present_anchor_ids = set(data["anchors"])
                links = {}
                for src_uri, anchors in data["links"].items():
                    target = files.get_file_from_path(src_uri)
                    if target is None:  # cannot happen under the same digest: convert again
                        break
                    links[target] = anchors
                else:
                    page.links_to_anchors = links or None
                    return
            before = self.warnings.count
            render(page, config, files_)
            if self.warnings.count == before and self.warnings.heard():
                self._write("convert", key, json.dumps({
                    "content": page.content, "toc": toc_tokens(page.toc or []),
                    "title": page._title_from_render,
                    "anchors": sorted(page.present_anchor_ids or (), key=str),
                    "links": {f.src_uri: a for f, a in (page.links_to_anchors or {}).items()},
                }, ensure_ascii=False))

        page.render = restore  # type: ignore[method-assign,assignment]

    def wrap_search(self, plugins: Any) -> None:
        """Reuse each page's search entries (Material's search plugin, where it runs)."""
        for plugin in plugins.values():
            index: Any = getattr(plugin, "search_index", None)
            if not (hasattr(index, "add_entry_from_context")
                    and isinstance(getattr(index, "entries", None), list)):
                continue
            add = index.add_entry_from_context
            settings = getattr(index, "config", None)

            def add_entry(page: Page, add: Any = add, index: Any = index,
                          settings: Any = settings) -> None:
                key = self._search_key(page, settings)
                text = self._read("search", key)
                kept = _entries(text)
                self._count("search", kept)
                if kept is not None:
                    index.entries.extend(kept)
                    return
                start = len(index.entries)
                add(page)
                self._write("search", key, json.dumps(index.entries[start:],
                                                      ensure_ascii=False))

            index.add_entry_from_context = add_entry

    def template(self, page: Page | None, name: str, template: jinja2.Template) -> Any:
        """The page's template, or a stand-in that gives back its kept output."""
        if page is None or not self.keep_output or not self.site:
            return template
        key = self._output_key(page, name)
        text = self._read("output", key)
        self._count("output", text)
        return _Kept(text) if text is not None else _Keeping(template, self, key)

    def finish(self, *, forget: bool = True) -> None:
        """After a whole build: forget entries this build did not read (the folder keeps
        one site's worth), and stop counting warnings. A dirty build reads only the pages
        that changed, so it forgets nothing."""
        self.warnings.detach()
        for kind, used in self.used.items() if forget else ():
            forget_except(self.folders[kind], used)

    def summary(self) -> str:
        return ", ".join(f"{kind} {self.hits[kind]} kept / {self.misses[kind]} made"
                         for kind in KINDS)


def _entry(text: str | None) -> dict[str, Any] | None:
    """A kept conversion, or None for one that is not whole (a truncated or foreign file)."""
    if text is None:
        return None
    try:
        data = json.loads(text)
        if isinstance(data, dict) and {"content", "toc", "title", "anchors", "links"} <= set(data):
            return data
    except ValueError:
        pass
    return None


def _entries(text: str | None) -> list[Any] | None:
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, list) and all(isinstance(e, dict) for e in data) else None


class _Kept:
    """A template that gives back a kept page."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


class _Keeping:
    """A template that keeps what it renders."""

    def __init__(self, template: jinja2.Template, cache: BuildCache, key: str) -> None:
        self.template, self.cache, self.key = template, cache, key

    def render(self, *args: Any, **kwargs: Any) -> str:
        output = self.template.render(*args, **kwargs)
        self.cache._write("output", self.key, output)
        return output


class CachingEnvironment:
    """The theme's Jinja environment, handing out each page's template through the cache.

    MkDocs asks for a page's template while the page is current (`config._current_page`);
    everything else (404.html, sitemap.xml, other plugins) reaches the real environment.
    """

    def __init__(self, env: jinja2.Environment, cache: BuildCache, config: Any) -> None:
        self._env, self._cache, self._config = env, cache, config

    def get_template(self, name: Any, *args: Any, **kwargs: Any) -> Any:
        template = self._env.get_template(name, *args, **kwargs)
        page = getattr(self._config, "_current_page", None)
        return self._cache.template(page, str(name), template)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)


class _WarningCount(logging.Handler):
    """Counts the warnings MkDocs' loggers emit, so a page that warned is not kept."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def heard(self) -> bool:
        """Whether a warning would reach this handler: under `-q` MkDocs' logger drops them
        before any handler sees them, and a page converted then is not kept."""
        return logging.getLogger(sys.modules["mkdocs"].__name__).isEnabledFor(logging.WARNING)

    def attach(self) -> None:
        logging.getLogger(sys.modules["mkdocs"].__name__).addHandler(self)

    def detach(self) -> None:
        logging.getLogger(sys.modules["mkdocs"].__name__).removeHandler(self)
