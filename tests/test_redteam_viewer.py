"""Red-team attack on the diagram viewer: a diagram whose title and node labels are hostile
author text (markup, an event handler, Finnish letters), opened in the full-screen dialog in
Chromium. The dialog's heading takes the diagram's title; it must be text, and nothing the
author wrote may run or become an element there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import session
from tests.test_hostile_xss import HARNESS, browser, hostile_site

__all__ = ["browser", "hostile_site"]

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DIALOG = """() => {
  const dialog = document.querySelector('dialog.sopsite-diagram-dialog');
  const heading = dialog.querySelector('.sopsite-diagram-dialog__title');
  return {open: dialog.open, heading: heading.textContent, children: heading.children.length,
          elements: [...dialog.querySelectorAll('img, script, iframe, [onerror], [onload]')]
            .map((el) => el.tagName)};
}"""


def test_a_hostile_diagram_title_reaches_the_full_screen_dialog_as_text(
        hostile_site: tuple[Path, str], browser: Any) -> None:
    _, url = hostile_site
    ran: list[str] = []
    with session(browser) as web:
        web.context.add_init_script(HARNESS)
        page = web.new_page()
        page.on("console", lambda message: ran.append(message.text)
                if message.text.startswith("sopsite-xss:") else None)
        page.goto(url + "procedures/sop-it-001/", wait_until="load")
        opener = page.locator(".sopsite-diagram__button[aria-label='Full screen']").first
        opener.click()
        page.wait_for_selector("dialog.sopsite-diagram-dialog[open]")
        page.wait_for_timeout(300)
        shown = page.evaluate(DIALOG)
        page.keyboard.press("Escape")
    assert shown["open"] is True
    # The document's title is `Reset <img src=x onerror="...">`: the diagram's accessible
    # title keeps its words and drops the marks, and the dialog shows that as text.
    assert shown["heading"] == "SOP-IT-001: Reset img src x onerror window.__xss 'document-title'"
    assert (shown["children"], shown["elements"], ran) == (0, [], [])
    assert web.blocked == []
