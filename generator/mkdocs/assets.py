"""The scripts and stylesheet every sopsite site ships, and the local Mermaid build.

Mermaid is served from the site itself (`npm ci` puts it in node_modules), so diagrams
render offline; without it, Material loads Mermaid from a CDN and the site needs a network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ASSETS = Path(__file__).parent.parent / "assets"
MERMAID_URI = "assets/javascripts/mermaid.min.js"
QUIZ_URI = "assets/javascripts/sopsite-quiz.js"
ASOF_URI = "assets/javascripts/sopsite-asof.js"
CATALOGUE_URI = "assets/javascripts/sopsite-catalogue.js"
A11Y_URI = "assets/javascripts/sopsite-a11y.js"
STYLE_URI = "assets/stylesheets/sopsite.css"


def link(config: Any, mermaid: Path) -> str | None:
    """Add the scripts and stylesheet to the config; a warning when Mermaid is missing."""
    scripts = [str(js) for js in config.extra_javascript]
    for uri in (QUIZ_URI, ASOF_URI, CATALOGUE_URI, A11Y_URI):
        if uri not in scripts:
            config.extra_javascript.append(uri)
    if STYLE_URI not in config.extra_css:
        config.extra_css.append(STYLE_URI)
    if not mermaid.is_file():
        return (f"sopsite: no local Mermaid at {mermaid} (run 'npm ci'); diagrams will load "
                "Mermaid from a CDN and need a network")
    if MERMAID_URI not in scripts:
        config.extra_javascript.append(MERMAID_URI)
    return None


def add(files: Files, config: Any, mermaid: Path) -> None:
    """Add the shipped files the site does not already have one of."""
    shipped = {QUIZ_URI: ASSETS / "sopsite-quiz.js", ASOF_URI: ASSETS / "sopsite-asof.js",
               CATALOGUE_URI: ASSETS / "sopsite-catalogue.js",
               A11Y_URI: ASSETS / "sopsite-a11y.js", STYLE_URI: ASSETS / "sopsite.css"}
    if mermaid.is_file():
        shipped[MERMAID_URI] = mermaid
    for uri, source in shipped.items():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(source)))
