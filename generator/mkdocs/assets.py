"""The scripts and stylesheet every sopsite site ships, and the local Mermaid build.

Mermaid is served from the site itself (`npm ci` puts it in node_modules), so diagrams
render offline; without it, Material loads Mermaid from a CDN and the site needs a network.
Panzoom (the pan, zoom and full-screen view of every diagram) comes from the same
node_modules; without it the diagrams are drawn as they are, at the column's width.
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
DIAGRAM_URI = "assets/javascripts/sopsite-diagram.js"
PANZOOM_URI = "assets/javascripts/panzoom.min.js"
A11Y_URI = "assets/javascripts/sopsite-a11y.js"
STYLE_URI = "assets/stylesheets/sopsite.css"


def panzoom_beside(mermaid: Path) -> Path:
    """Panzoom in the node_modules that holds ``mermaid`` (…/mermaid/dist/mermaid.min.js):
    one `npm ci` installs both, so one option locates both."""
    return mermaid.parent.parent.parent / "@panzoom" / "panzoom" / "dist" / "panzoom.min.js"


def link(config: Any, mermaid: Path, panzoom: Path) -> list[str]:
    """Add the scripts and stylesheet to the config; a warning for each of Mermaid and
    Panzoom that is missing.

    Panzoom comes before sopsite-diagram.js, which uses it; both are plain scripts, so the
    diagram script runs before Material mounts any diagram (it must see the shadow roots
    Material attaches)."""
    scripts = [str(js) for js in config.extra_javascript]
    wanted = [QUIZ_URI, ASOF_URI, CATALOGUE_URI, A11Y_URI]
    warnings = []
    if panzoom.is_file():
        wanted.append(PANZOOM_URI)
    else:
        warnings.append(f"sopsite: no local Panzoom at {panzoom} (run 'npm ci'); diagrams "
                        "will have no zoom, pan or full-screen view")
    wanted.append(DIAGRAM_URI)
    if not mermaid.is_file():
        warnings.append(f"sopsite: no local Mermaid at {mermaid} (run 'npm ci'); diagrams "
                        "will load Mermaid from a CDN and need a network")
    else:
        wanted.append(MERMAID_URI)
    for uri in wanted:
        if uri not in scripts:
            config.extra_javascript.append(uri)
    if STYLE_URI not in config.extra_css:
        config.extra_css.append(STYLE_URI)
    return warnings


def add(files: Files, config: Any, mermaid: Path, panzoom: Path) -> None:
    """Add the shipped files the site does not already have one of."""
    shipped = {QUIZ_URI: ASSETS / "sopsite-quiz.js", ASOF_URI: ASSETS / "sopsite-asof.js",
               CATALOGUE_URI: ASSETS / "sopsite-catalogue.js",
               DIAGRAM_URI: ASSETS / "sopsite-diagram.js", A11Y_URI: ASSETS / "sopsite-a11y.js",
               STYLE_URI: ASSETS / "sopsite.css"}
    if mermaid.is_file():
        shipped[MERMAID_URI] = mermaid
    if panzoom.is_file():
        shipped[PANZOOM_URI] = panzoom
    for uri, source in shipped.items():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(source)))
