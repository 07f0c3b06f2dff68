"""Author values that leave the page, made safe to print: web links, phone numbers, file
sizes. The rules (`generator.checks.outside`) refuse bad values first; these helpers do
not rely on that: an address they would not allow is shown as text, never as a link."""

from __future__ import annotations

import re
from urllib.parse import quote as percent

from markupsafe import Markup

from generator.attachments import human_size
from generator.model.outside import Link, url_problem
from generator.render.text import plain

_URL_SAFE = "/:?#=&;%+,@!$~.-_"
"""Characters an address keeps as written; every other one is percent-encoded, so no
address can end a Markdown link or an HTML attribute early ('(', ')', quotes, '<', '>')."""

_PHONE = re.compile(r"\+?[0-9][0-9 ().-]{1,30}[0-9]")
"""What looks like a phone number: digits, with spaces, dots, dashes and brackets."""


def web_link(link: Link) -> Markup:
    """`[title](url)` for an allowed address; the title alone (as text) for any other."""
    if url_problem(link.url) is not None:
        return plain(link.title)
    return Markup(f"[{plain(link.title)}]({percent(link.url, safe=_URL_SAFE)})")


def address(url: str) -> Markup:
    """An allowed address as a link showing itself; any other as text."""
    if url_problem(url) is not None:
        return plain(url)
    return Markup(f"[{plain(url)}]({percent(url, safe=_URL_SAFE)})")


def phone(number: str) -> Markup:
    """A number as a `tel:` link when it looks like one (at least three digits), else as
    the text the author wrote: a `tel:` link to "ask the front desk" would dial nothing."""
    digits = re.sub(r"\D", "", number)
    if _PHONE.fullmatch(number.strip()) is None or len(digits) < 3:
        return plain(number)
    dialled = ("+" if number.strip().startswith("+") else "") + digits
    return Markup(f"[{plain(number)}](tel:{dialled})")


def size(count: int) -> str:
    """A file size as a reader wants it."""
    return human_size(count)
