"""A real build of the example handbook with its post-mortem, and a severity scale of its
own in mkdocs.yml: the plugin reads the option, the page shows the timeline as a list the
stylesheet draws, and the open-items page lists the post-mortem's actions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import REPO
from tests.support.build import build, make_project

SCALE = """      severities:
        - id: SEV1
          description: The house is on fire.
        - id: SEV2
          description: Dinner is off.
        - id: SEV3
          description: Dinner is late or spoiled.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("postmortem-build")
    config = make_project(top, REPO / "sops")
    text = config.read_text(encoding="utf-8")
    assert text.count("      sops: sops\n") == 1
    config.write_text(text.replace("      sops: sops\n", "      sops: sops\n" + SCALE),
                      encoding="utf-8")
    return build(config)


@pytest.mark.slow
def test_the_postmortem_page_is_built_with_the_handbooks_scale(site: Path) -> None:
    page = (site / "postmortems" / "pm-home-borscht-2026-11" / "index.html").read_text("utf-8")
    assert "<strong>SEV3</strong>: Dinner is late or spoiled." in page
    assert "Time to resolve (from detection)</td>\n<td>1 h 25 min</td>" in page
    timeline = page[page.index('<div class="sopsite-timeline">'):]
    timeline = timeline[:timeline.index("</div>")]
    items = re.findall(r"<li>(.*?)</li>", timeline, flags=re.S)
    assert len(items) == 10  # six entries and the four moments
    assert '<span class="sopsite-timeline-moment">17:40 +02:00 · Impact started</span>' in items[2]
    assert '<span class="sopsite-timeline-time">2026-11-16 17:30 +02:00</span>' in items[0]
    assert "<strong>high</strong>" in items[0]  # the event's own Markdown


@pytest.mark.slow
def test_the_section_the_stylesheet_and_the_open_items(site: Path) -> None:
    assert (site / "postmortems" / "year" / "2026" / "index.html").is_file()
    css = (site / "assets" / "stylesheets" / "sopsite.css").read_text("utf-8")
    assert ".sopsite-timeline > ul" in css
    assert "@media print" in css
    actions = (site / "actions" / "index.html").read_text("utf-8")
    assert "rescue-note" in actions
    assert "tell-the-house" not in actions
