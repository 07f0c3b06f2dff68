"""Make author text safe to place in generated Markdown.

Templates escape every value by default (see :mod:`generator.render.core`): a title is
literal text, never markup. Long fields opt in to Markdown through :func:`markdown`, which
shows raw HTML, attribute lists and macro syntax as the literal text the author wrote.

That is for the author's sake, not the reader's: this pass cannot know how Python-Markdown
reads every shape of Markdown, so it is not what keeps a page safe. The HTML of every
generated page passes :mod:`generator.render.sanitise`, which is.
"""

from __future__ import annotations

import functools
import re
from types import MappingProxyType

from markupsafe import Markup

from generator.render.mdscan import code_spans, loose_brackets, stretches

_PLAIN_ESCAPES = MappingProxyType({
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    **{c: "\\" + c for c in "\\`*_{}[]|#!"},
})
_PLAIN = re.compile("|".join(re.escape(c) for c in _PLAIN_ESCAPES))
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)")


_PLAIN_WORK = re.compile(r"[&<>\\`*_{}\[\]|#!\s]|^[-+\d]")
_MARKDOWN_WORK = re.compile(r"[&<{}\[]")


def plain(value: object) -> Markup:
    """One line of literal text: no markup, no Markdown syntax, no line breaks."""
    text = str(value)
    if not _PLAIN_WORK.search(text.replace(" ", "")):  # the common case: nothing to escape
        return Markup(text) if "  " not in text and text == text.strip() else _plain(text)
    return _plain(text)


@functools.lru_cache(maxsize=16384)
def _plain(text: str) -> Markup:
    """Kept by value (a pure function of one string): the same names and titles are
    escaped on every page that shows them, and again on each rebuild under `serve`."""
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
    """Author Markdown with raw HTML, attribute lists and macros shown as written.

    Fenced blocks and inline code spans keep their text as written: Markdown shows it
    literally. Brackets that cannot make a link (an unclosed `[`, a `(` after `]` that is
    never closed, brackets nested deeper than `mdscan.MAX_BRACKET_DEPTH`) are escaped:
    they look the same on the page, and Python-Markdown's link scanner, which searches
    from each one to the end of its paragraph, never sees them.

    One pass over the lines, each line read a fixed number of times: no shape of text makes
    this pass, or the link scanner after it, search the rest of the text again and again.
    How many escapes one text may need is the check's budget (MARKDOWN002).
    """
    text = str(value).strip()
    if not _MARKDOWN_WORK.search(text):  # the common case: nothing to neutralise
        return Markup(text)
    lines = text.split("\n")
    out: list[str] = []
    for start, end, fenced in stretches(lines):
        if fenced:
            out.extend(lines[start:end])
        else:
            out.extend(_inline(line) for line in lines[start:end])
    return Markup("\n".join(out))


def markdown_cell(value: object) -> Markup:
    """Author Markdown in a table cell: `markdown`, on one line, with each `|` outside code
    spans escaped so that it cannot end the cell (Python-Markdown's tables leave a `|` in
    a code span alone). A list or a second paragraph reads on in the same line."""
    joined = " ".join(line.strip() for line in str(markdown(value)).split("\n") if line.strip())
    if "|" not in joined:
        return Markup(joined)
    out: list[str] = []
    position = 0
    for start, end in [*code_spans(joined), (len(joined), len(joined))]:
        out.extend((joined[position:start].replace("|", "\\|"), joined[start:end]))
        position = end
    return Markup("".join(out))


def _inline(line: str) -> str:
    """One line outside fences: code spans as written, the text between them neutralised."""
    spans = code_spans(line)
    loose = loose_brackets(line, spans)
    out: list[str] = []
    position = next_loose = 0
    for start, end in [*spans, (len(line), len(line))]:
        while next_loose < len(loose) and loose[next_loose] < start:
            at = loose[next_loose]
            out.extend((_neutralise(line[position:at]), "\\"))
            position = at
            next_loose += 1
        out.extend((_neutralise(line[position:start]), line[start:end]))
        position = end
    return "".join(out)


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


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def fenced(code: str, language: str = "") -> Markup:
    """A fenced code block that no backtick run inside ``code`` can close early."""
    fence = "`" * max(3, _longest_backtick_run(code) + 1)
    return Markup(f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}")


# --- GitHub-flavoured Markdown, for the pull-request comment of `sopsite diff` ---------------

_GFM_ENTITIES = MappingProxyType({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Backslash-escaped, these are literal anywhere in a paragraph, heading or list item: code
# spans and fences (`), emphasis (* _), strikethrough (~), links and images ([ ]), table
# cells (|), math ($) and the escape itself.
_GFM_SPECIAL = re.compile(r"[&<>\\`*_~\[\]|$]")
_GFM_BLOCK_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))")
# A run of # that is not an issue reference (#123, #fix): a heading's marker or its closing
# sequence.
_GFM_HASHES = re.compile(r"^#|#(?![0-9A-Za-z])")
_GFM_MENTION = re.compile(r"(?<![0-9A-Za-z_@])@(?=[0-9A-Za-z])")
ZERO_WIDTH_JOINER = "\u200d"
"""Put after the `@` of `@name` so GitHub neither links nor notifies the person or team."""


def gfm(value: object) -> str:
    """One line of literal text for GitHub-flavoured Markdown: author text in a comment.

    No HTML (tags and comments), entities, code, emphasis, links, images, table cells or
    math; no heading, quote or list started at the front; no @mention that notifies anyone.
    Issue references such as #123 stay as written. Line breaks become spaces.
    """
    text = " ".join(str(value).split())
    text = _GFM_SPECIAL.sub(lambda m: _GFM_ENTITIES.get(m[0], "\\" + m[0]), text)
    text = _GFM_HASHES.sub(r"\\#", text)
    text = _GFM_BLOCK_START.sub(
        lambda m: "\\" + m[1] if m[1] else f"{m[2]}\\{m[3]}", text)
    return _GFM_MENTION.sub("@" + ZERO_WIDTH_JOINER, text)


def gfm_code(value: object) -> str:
    """``value`` as one inline code span that no backtick inside it can close early."""
    text = " ".join(str(value).split())
    ticks = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"
