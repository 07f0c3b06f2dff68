"""The structured procedure (`tests/fixtures/structure`) in headless Chromium: its flowchart
with group boxes, a fork, a wait node and a step drawn as its box and its question renders,
and both nodes of that step link to it.

The helpers are those of `tests/test_browser.py` (closed shadow roots reached through the
DevTools protocol, the real mouse, no network beyond 127.0.0.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import StaticServer, build, chromium, session
from tests.support.build import make_project
from tests.test_browser import (
    _pierced_document,
    assert_clean,
    wait_for_diagrams,
    wait_until_quiet,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURE = Path(__file__).parent / "fixtures" / "structure" / "sops"
PAGE = "procedures/sop-spill/"
STEPS = ["assess", "evacuate", "split", "absorb", "ventilate", "dispose"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("structure-site")
    with StaticServer(tmp / "site") as server:
        build(make_project(tmp, FIXTURE, site_url=server.url), tmp / "site")
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _link_nodes(node: dict[str, Any], found: list[tuple[str, int]],
                in_shadow: bool = False) -> list[tuple[str, int]]:
    """(href, node id) of every link inside shadow roots, duplicates kept."""
    if in_shadow and node.get("localName") == "a":
        attributes = node.get("attributes", [])
        pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
        href = pairs.get("xlink:href") or pairs.get("href")
        if href:
            found.append((href, int(node["nodeId"])))
    for child in node.get("children", []):
        _link_nodes(child, found, in_shadow)
    for shadow in node.get("shadowRoots", []):
        _link_nodes(shadow, found, True)
    return found


def _click_node(page: Any, href: str, nth: int) -> None:
    """Click the ``nth`` diagram node that links to ``href`` with the real mouse."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = [n for h, n in _link_nodes(_pierced_document(cdp), []) if h == href]
        target = cdp.send("DOM.resolveNode", {"nodeId": nodes[nth]})["object"]
        cdp.send("Runtime.callFunctionOn", {
            "objectId": target["objectId"],
            "functionDeclaration": "function () { this.scrollIntoView({block: 'center'}); }",
        })
        quads = cdp.send("DOM.getContentQuads", {"nodeId": nodes[nth]})["quads"]
    finally:
        cdp.detach()
    x, y = sum(quads[0][0::2]) / 4, sum(quads[0][1::2]) / 4
    hit = page.evaluate("([x, y]) => !!document.elementFromPoint(x, y)?.closest('.mermaid')",
                        [x, y])
    assert hit, f"the node {nth} for {href} is covered"
    page.mouse.click(x, y)


def test_both_nodes_of_a_step_that_works_and_decides_link_to_it(site: str,
                                                                 browser: Any) -> None:
    with session(browser) as web:
        page = web.new_page()
        page.goto(site + PAGE, wait_until="load")
        heights = wait_for_diagrams(page, 1)
        assert heights[0] > 300
        cdp = page.context.new_cdp_session(page)
        try:
            links = [href for href, _ in _link_nodes(_pierced_document(cdp), [])]
        finally:
            cdp.detach()
        assert sorted(links) == sorted([f"#step-{s}" for s in STEPS] + ["#step-assess"])
        for nth in (0, 1):
            page.evaluate("() => history.replaceState(null, '', location.pathname)")
            _click_node(page, "#step-assess", nth)
            page.wait_for_function("h => location.hash === h", arg="#step-assess")
            wait_until_quiet(page)
            wait_for_diagrams(page, 1)
        assert_clean(web)
