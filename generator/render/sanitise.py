"""The one gate author text passes on its way into a reader's browser.

Generated pages carry text from YAML that anyone could have proposed in a pull request. A
pattern pass over that Markdown cannot know how Python-Markdown will read every shape of it
(backtick runs, unclosed fences, nested blocks), so the guarantee is taken after conversion
instead: every generated page's HTML is cleaned by ammonia (through `nh3`) against an
allow-list of what the handbook's Markdown and sopsite's own templates really produce. What is
not on the list cannot reach the page, whichever way the Markdown was parsed.

The allow-list, and why each part is there:

- structure and text: headings, paragraphs, lists, definition lists, tables, block quotes,
  code, emphasis, line breaks and rules: what Markdown and the table extension write;
- `details`/`summary`, `div`/`span`/`p` with classes: admonitions, collapsible blocks,
  Pygments' highlighting, task lists and the quiz;
- `input` only as a checkbox (task lists) or a date (the as-of view), `label` with `for`;
- the `data-` attributes that the quiz, the as-of view, the catalogue's filters, the
  diagram controls and Material's search read, by
  name: others could steer the theme's own scripts (Material finds its components by
  `data-md-*`);
- `id`, `title`, `aria-*`: anchors, tooltips and accessibility;
- `style` with `text-align` only: table column alignment;
- links to `http`, `https`, `mailto` and `tel` URLs and to relative and fragment URLs; images only
  from the site itself (a relative `src`), so a page never loads anything from elsewhere.

Everything else is dropped: scripts and styles with their content, event handler
attributes, forms, frames, objects, SVG, and URLs with any other scheme (`javascript:`,
`data:`, `vbscript:` …), also when a control character or an entity hides the scheme.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "input", "ins", "kbd", "label", "li", "mark", "nav", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
})
"""Elements a page may keep; the text inside any other element stays, the element goes."""

DROP_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object",
                               "svg", "math", "textarea", "title", "xmp", "noembed",
                               "noframes"})
"""Elements removed together with what is inside them: their text is code, not prose."""

ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "details": {"open"},
    "label": {"for"},
    "ol": {"start"},
    "input": {"disabled", "checked", "value"},
}
"""Attributes a kept element may carry; `aria-*` is allowed everywhere."""

DATA_ATTRIBUTES = frozenset({
    "data-all", "data-announce", "data-answer", "data-asof", "data-check", "data-correct",
    "data-declared", "data-empty", "data-filter", "data-from-git", "data-kind", "data-option",
    "data-position", "data-practice", "data-result", "data-retried", "data-rev", "data-score",
    "data-search-exclude", "data-shown", "data-wrong",
    # the diagram controls' words (sopsite-diagram.js)
    "data-close", "data-controls", "data-diagram", "data-fit", "data-full-screen",
    "data-keys", "data-zoom-in", "data-zoom-out",
})
"""The `data-` attributes sopsite's templates and scripts use; Material reads the last."""
ATTRIBUTES["*"] |= DATA_ATTRIBUTES

ATTRIBUTE_VALUES = {"input": {"type": {"checkbox", "date"}}}
"""Attributes allowed with these values only."""

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Schemes a link may use; relative and fragment URLs need none. `tel:` links are only
ever made by sopsite, from a contact's phone number reduced to digits."""

def _filter(tag: str, attribute: str, value: str) -> str | None:
    """Attribute values the allow-list of names cannot judge, judged as the fast path
    judges them (`_judged_value`)."""
    if (tag == "img" and attribute == "src") or attribute == "id":
        return value if _judged_value(attribute, value) else None
    return value


def _ammonia() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={tag: {a: set(v) for a, v in values.items()}
                              for tag, values in ATTRIBUTE_VALUES.items()},
        generic_attribute_prefixes={"aria-"},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        attribute_filter=_filter,
        link_rel=None,
        strip_comments=True,
    )


_TAG = re.compile(r"<[^<>]*>?")
"""From every `<` to the next `>` (or up to the next `<`): each match is one candidate tag,
and every `<` of the page starts one."""
_CANONICAL = re.compile(
    r"<(?:/(?P<close>[a-z][a-z0-9]*)\s*"
    r"|(?P<open>[a-z][a-z0-9]*)(?P<attrs>(?:\s+[a-z][a-z0-9-]*(?:=\"[^\"<]*\")?)*)\s*/?)>"
)
"""A tag as Python-Markdown writes it: lower-case names, double-quoted values."""
_ATTRIBUTE = re.compile(r"([a-z][a-z0-9-]*)(?:=\"([^\"]*)\")?")
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_ALIGN = re.compile(r"\s*text-align:\s*(?:left|right|center|justify)\s*(?:;\s*)?")
"""One alignment declaration. No two neighbouring runs of spaces may share the spaces
between them: a value whose spaces end in a character the pattern refuses would otherwise
be tried once for every way of splitting them, which grows with the square of the run."""


def _safe_url(value: str, *, local: bool) -> bool:
    """Read the URL as a browser does (entities decoded, tabs and line breaks removed,
    leading controls and spaces stripped), then judge its scheme, or its host if it has
    one: a link may go to the allowed schemes, an image only to this site."""
    url = _URL_NOISE.sub("", html.unescape(value)).lstrip(_CONTROLS_AND_SPACE)
    scheme = _SCHEME.match(url)
    if scheme is not None:
        return not local and scheme.group(1).lower() in URL_SCHEMES
    # `//host/x` (and `\\host`, which browsers read the same) leaves the site.
    return not (local and url[:2].replace("\\", "/") == "//")


_CONTROLS_AND_SPACE = "".join(map(chr, range(33)))


def _allowed_attribute(tag: str, name: str, value: str | None) -> bool:
    if name.startswith("aria-"):
        return True
    if name in ATTRIBUTE_VALUES.get(tag, {}):
        return value in ATTRIBUTE_VALUES[tag][name]
    if name not in ATTRIBUTES["*"] and name not in ATTRIBUTES.get(tag, ()):
        return False
    if value is None:
        return True
    if name == "href":
        return _safe_url(value, local=False)
    if name == "style":
        return _ALIGN.fullmatch(value) is not None
    return _judged_value(name, value)


def _judged_value(name: str, value: str) -> bool:
    """The values ammonia's own rules cannot judge, for both the fast path and ammonia.

    An image from elsewhere would tell another server who reads which procedure. An `id`
    starting with `__` is the theme's: Material finds its configuration, search and drawer
    by such ids, and an element of the page's text holding one would be found first.
    """
    if name == "src":
        return _safe_url(value, local=True)
    if name == "id":
        return not value.startswith("__")
    return True


def _canonical(tag: str) -> bool:
    """Whether ammonia would keep this tag exactly as it is."""
    match = _CANONICAL.fullmatch(tag)
    if match is None:
        return False
    name = match.group("close") or match.group("open")
    if name not in TAGS:
        return False
    return all(_allowed_attribute(name, attr.group(1), attr.group(2))
               for attr in _ATTRIBUTE.finditer(match.group("attrs") or ""))


@dataclass(frozen=True)
class Cleaned:
    """A page's HTML after the gate, and the first tags it had to change (empty: none)."""

    html: str
    removed: tuple[str, ...]


@dataclass
class Sanitiser:
    """Cleans page HTML; one per build, because ammonia compiles its rules up front and
    the tags already seen in canonical form need not be looked at again.

    Pages whose every tag is already on the allow-list in the canonical form Python-Markdown
    writes are returned as they are, byte for byte; any other page is cleaned by ammonia,
    which is the guarantee (the check only decides whether ammonia has anything to do).
    """

    _cleaner: nh3.Cleaner = field(default_factory=_ammonia)
    _seen: set[str] = field(default_factory=set)

    def clean(self, page: str) -> Cleaned:
        """`page` with everything off the allow-list removed."""
        tags = set(_TAG.findall(page)) - self._seen
        odd = sorted(tag for tag in tags if not _canonical(tag))
        if not odd:
            if len(self._seen) < _SEEN_LIMIT:
                self._seen |= tags
            return Cleaned(page, ())
        return Cleaned(self.clean_fully(page), tuple(odd[:_REPORTED]))

    def clean_fully(self, page: str) -> str:
        """Ammonia's cleaning of `page`, whether or not it needs any."""
        return self._cleaner.clean(page)


_SEEN_LIMIT = 200_000
"""Distinct tags remembered; links differ from page to page, so the memory is bounded."""
_REPORTED = 3
