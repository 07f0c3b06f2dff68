"""Make author text safe to place in generated Markdown.

Templates escape every value by default (see :mod:`generator.render.core`): a title is
literal text, never markup. Long fields opt in to Markdown through :func:`markdown`, which
shows raw HTML, attribute lists and macro syntax as the literal text the author wrote.

That is for the author's sake, not the reader's: this pass cannot know how Python-Markdown
reads every shape of Markdown, so it is not what keeps a page safe. The HTML of every
generated page passes :mod:`generator.sanitise`, which is.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_PLAIN_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    **{c: "\\" + c for c in "\\`*_{}[]|#!"},
}
_PLAIN = re.compile("|".join(re.escape(c) for c in _PLAIN_ESCAPES))
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)")
# Fenced blocks and inline code spans keep their text as written: Markdown shows it literally.
_CODE = re.compile(r"(^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\2[ \t]*$|`+[^`\n]*`+)", re.M | re.S)


_PLAIN_WORK = re.compile(r"[&<>\\`*_{}\[\]|#!\s]|^[-+\d]")
_MARKDOWN_WORK = re.compile(r"[&<{}]")


def plain(value: object) -> Markup:
    """One line of literal text: no markup, no Markdown syntax, no line breaks."""
    text = str(value)
    if not _PLAIN_WORK.search(text.replace(" ", "")):  # the common case: nothing to escape
        return Markup(text) if "  " not in text and text == text.strip() else _plain(text)
    return _plain(text)


def _plain(text: str) -> Markup:
    text = " ".join(text.split())
    text = _PLAIN.sub(lambda m: _PLAIN_ESCAPES[m.group(0)], text)
    text = _LIST_START.sub(lambda m: m.group(1) + m.group(2).replace(".", "\\.")
                           .replace(")", "\\)").replace("-", "\\-").replace("+", "\\+")
                           + m.group(3), text)
    return Markup(text)


def quoted(value: object) -> Markup:
    """Handbook data for a hand-written page: literal text wherever that page puts it.

    A page in `docs/` is trusted, the handbook values it quotes through macros are not, and
    the page may place them in Markdown, in HTML text or inside an HTML attribute.
    """
    return Markup(str(plain(value)).replace('"', "&quot;").replace("'", "&#39;"))


def markdown(value: object) -> Markup:
    """Author Markdown with raw HTML, attribute lists and macros shown as written."""
    text = str(value).strip()
    if not _MARKDOWN_WORK.search(text):  # the common case: nothing to neutralise
        return Markup(text)
    parts = _CODE.split(text)
    out: list[str] = []
    # re.split with two groups yields: text, code, fence-marker, text, code, fence-marker...
    for index, part in enumerate(parts):
        if part is None:
            continue
        kind = index % 3
        if kind == 0:
            out.append(_neutralise(part))
        elif kind == 1:
            out.append(part)
    return Markup("".join(out))


def _neutralise(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace("{", "\\{")
        .replace("}", "\\}")
    )


def raw(value: str) -> Markup:
    """Text the generator itself built (diagram source, URLs); already safe by construction."""
    return Markup(value)


def fenced(code: str, language: str = "") -> Markup:
    """A fenced code block that no backtick run inside ``code`` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}")
