"""What the plugin does to single pages: the HTML gate, names for task-list checkboxes, and a
snapshot's front-page note."""

from __future__ import annotations

import html as html_text
import re
from typing import Any

from markupsafe import escape
from mkdocs.exceptions import PluginError

from generator.render.sanitise import Sanitiser


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean(sanitiser: Sanitiser, html: str, uri: str) -> tuple[str, str | None]:
    """A generated page's HTML through the gate (`generator.render.sanitise`), and the
    warning naming what it removed, if anything: text from the handbook reached the page
    as HTML."""
    cleaned = sanitiser.clean(html)
    if not cleaned.removed:
        return cleaned.html, None
    found = ", ".join(repr(_excerpt(tag)) for tag in cleaned.removed)
    return cleaned.html, (
        f"sopsite: {uri}: the page's HTML had markup that is not allowed ({found}); it was "
        "removed. Text from the handbook reached the page as HTML: show code in `backticks`, "
        "write links as [text](https://...)")


_TASK_ITEM = re.compile(
    r'(?P<box><label class="task-list-control"><input type="checkbox")'
    r'(?P<rest>[^>]*>\s*<span class="task-list-indicator"></span>\s*</label>)'
    r"(?P<text>.*?)(?=<ul|<ol|</li>|</p>)", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _named_checkbox(match: re.Match[str]) -> str:
    words = " ".join(html_text.unescape(_TAG.sub("", match["text"])).split())
    if not words:
        return match[0]
    name = html_text.escape(words, quote=True)
    return f'{match["box"]} aria-label="{name}"{match["rest"]}{match["text"]}'


def name_task_checkboxes(html: str) -> str:
    """Give each task-list checkbox the item's words as its accessible name.

    pymdownx.tasklist wraps the checkbox in a label of its own that holds no text (the words
    follow it), so a screen reader announces every item of a checklist as just "checkbox".
    The name is the item's visible text, tags removed and escaped again for the attribute.
    """
    if "task-list-control" not in html:
        return html
    return _TASK_ITEM.sub(_named_checkbox, html)


def snapshot_note(markdown: str, snapshot: Any) -> str:
    """The front page with the "Controlled snapshot" note (bundles only).

    Raw HTML with Material's admonition classes, so it needs no Markdown extension. It goes
    right after a leading `# Title`, which MkDocs reads the page title from only when the
    heading comes first.
    """
    values = {key: snapshot[key] for key in ("commit", "built", "as_of")}
    if not any(values.values()):
        return markdown
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise PluginError(f"sopsite: snapshot needs commit, built and as_of; missing "
                          f"{', '.join(missing)}")
    commit, built, as_of = (escape(value) for value in values.values())
    note = (
        '<div class="admonition info sopsite-snapshot">\n'
        '<p class="admonition-title">Controlled snapshot</p>\n'
        f"<p>This copy of the handbook was built from commit <code>{commit}</code> on "
        f"{built} (UTC). Review deadlines and overdue actions are as of {as_of}. Changes "
        "made after that commit are not in this copy.</p>\n"
        "</div>\n\n"
    )
    heading = re.match(r"\s*#[ \t][^\n]*\n", markdown)
    split = heading.end() if heading else 0
    return f"{markdown[:split]}\n{note}{markdown[split:]}"
