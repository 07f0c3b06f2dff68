"""The scripts a site ships: Panzoom and the diagram view beside Mermaid, a warning for each
library that is not installed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from generator.mkdocs import assets
from tests.support import MERMAID_JS


def _config() -> SimpleNamespace:
    return SimpleNamespace(extra_javascript=[], extra_css=[])


def test_panzoom_is_found_beside_mermaid_and_loads_before_the_diagram_script() -> None:
    panzoom = assets.panzoom_beside(MERMAID_JS)
    assert panzoom == MERMAID_JS.parents[2] / "@panzoom" / "panzoom" / "dist" / "panzoom.min.js"
    assert panzoom.is_file(), "run 'npm ci': package.json pins @panzoom/panzoom"
    config = _config()
    assert assets.link(config, MERMAID_JS, panzoom) == []
    scripts = config.extra_javascript
    assert scripts.index(assets.PANZOOM_URI) < scripts.index(assets.DIAGRAM_URI)
    assert assets.MERMAID_URI in scripts


def test_a_missing_panzoom_or_mermaid_is_a_warning_each(tmp_path: Path) -> None:
    config = _config()
    warnings = assets.link(config, tmp_path / "mermaid.min.js", tmp_path / "panzoom.min.js")
    assert warnings == [
        f"sopsite: no local Panzoom at {tmp_path / 'panzoom.min.js'} (run 'npm ci'); "
        "diagrams will have no zoom, pan or full-screen view",
        f"sopsite: no local Mermaid at {tmp_path / 'mermaid.min.js'} (run 'npm ci'); "
        "diagrams will load Mermaid from a CDN and need a network",
    ]
    assert assets.PANZOOM_URI not in config.extra_javascript
    assert assets.MERMAID_URI not in config.extra_javascript
    assert assets.DIAGRAM_URI in config.extra_javascript
