"""What the sopsite plugin's on_config does: check the handbook, generate its pages, link the
assets and the brand into MkDocs' configuration.

Apart from `generator.mkdocs.plugin`, so that the plugin's module holds MkDocs' events only;
the plugin keeps the state (`SopsitePlugin`'s attributes) and this fills it in.
"""

from __future__ import annotations

import logging
import typing
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from generator import pipeline
from generator.boundary import check_output, project_root
from generator.checks.registry import advisory_codes
from generator.errors import TemplateError
from generator.mkdocs import assets, brand, macros
from generator.mkdocs.buildcache import BuildCache
from generator.problems import Problem, Severity, has_errors
from generator.write import PageWriter

if typing.TYPE_CHECKING:
    from generator.mkdocs.plugin import SopsitePlugin

log = logging.getLogger("mkdocs.plugins.sopsite")
advice_log = logging.getLogger("sopsite.advice")
"""Advisory warnings (`Rule.advisory`), outside MkDocs' loggers: a strict build does not
count them."""
history_log = logging.getLogger("sopsite.history")
"""History warnings (HIST001-005), outside MkDocs' loggers so that a strict build does not
count them: they name commits, which cannot be taken back, so one that failed the build
would fail every build after it."""


class RefusedError(PluginError):
    """The build stops on located problems; they stay attached, so `sopsite serve` can show
    them in the browser as well as in the terminal (MkDocs keeps only the text)."""

    def __init__(self, what: str, problems: list[Problem]) -> None:
        super().__init__(f"sopsite: {what}:\n" + "\n".join(p.format() for p in problems))
        self.problems = tuple(problems)


def refuse(what: str, problems: list[Problem]) -> None:
    """Stop the build on ``problems``, if there are any."""
    if problems:
        raise RefusedError(what, problems)


def resolve(base: Path, value: str) -> Path:
    """A path of the plugin's options: relative ones are relative to mkdocs.yml's folder."""
    path = Path(value)
    return path if path.is_absolute() else base / path


def configure(plugin: SopsitePlugin, config: Any) -> Any:
    """on_config's work for ``plugin``: its paths, colour and site set as it goes."""
    config_file = Path(config.config_file_path or "mkdocs.yml")
    plugin.base = config_file.resolve().parent
    wrong_colour = brand.check(config_file, plugin.config.brand_colour)
    refuse("mkdocs.yml has errors", [wrong_colour] if wrong_colour else [])
    plugin.colour = brand.parse(plugin.config.brand_colour)
    options = pipeline.Options.from_plugin(plugin.config, plugin.base)
    if not options.root.is_dir():
        raise PluginError(f"sopsite: handbook folder {options.root} does not exist; set "
                          "'sops:' under the sopsite plugin in mkdocs.yml")
    plugin.project = project_root(plugin.base)
    plugin.cache, plugin.mermaid = (resolve(plugin.base, plugin.config.cache_dir),
                                    resolve(plugin.base, plugin.config.mermaid_js))
    plugin.panzoom = (resolve(plugin.base, plugin.config.panzoom_js)
                      if plugin.config.panzoom_js else assets.panzoom_beside(plugin.mermaid))
    unsafe = check_output(plugin.cache, plugin.project, "cache folder (cache_dir)")
    if unsafe is not None:
        raise PluginError(f"sopsite: {unsafe}")
    plugin.build_cache = (BuildCache.open(resolve(plugin.base, plugin.config.build_cache),
                                          plugin.project, config_file, plugin.session.software(),
                                          serving=plugin.session.serving)
                          if plugin.use_build_cache and plugin.config.build_cache else None)
    options = replace(options, boundary=plugin.project,
                      pages_store=plugin.build_cache.pages if plugin.build_cache else None)
    session = plugin.session
    handbook, problems = pipeline.check(options, session)
    advice, failed = advisory_codes(), pipeline.fails(problems, options.strict)
    refused = set(failed)
    for problem in problems:
        if problem.severity is Severity.WARNING and problem not in refused:
            (advice_log if problem.code in advice else log).warning(problem.format())
    refuse("the handbook has errors" if has_errors(failed) else
           "the handbook has warnings, and the sopsite plugin's option strict fails on them",
           failed)
    refuse("the templates folder holds files that may not be read",
           pipeline.refused_templates(options.templates, plugin.project))
    # A live server keeps the pages to reuse on the next save and writes them in
    # on_files; a one-off build writes each page as it is made and keeps none.
    writer = None if session.serving else PageWriter(plugin.cache)
    try:
        with writer or nullcontext():
            plugin.site = pipeline.generate_site(
                options, handbook, session, sink=writer,
                warn=lambda problem: history_log.warning(problem.format()))
    except TemplateError as error:
        raise RefusedError("a template override has an error", list(error.problems)) from error
    if writer is not None:
        refuse("the cache folder holds files sopsite did not write", writer.report.refused)
    macros.register(config, handbook, plugin.site.pages)
    for warning in assets.link(config, plugin.mermaid, plugin.panzoom):
        log.warning(warning)
    brand.link(config, plugin.colour)
    guarded = brand.guard(config, plugin.sanitiser)
    if guarded:
        log.warning(guarded)
    # What is alive now stays for the session; MkDocs has made no page yet.
    session.settle()
    return config
