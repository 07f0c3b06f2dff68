"""A handbook's own colour (`brand_colour` under the sopsite plugin) as CSS custom properties.

Material names its palette colours (`theme.palette.primary`); an organisation's colour is a
hex value. The option is read as a hex colour and nothing else (CONFIG001 otherwise), and
the stylesheet is written from the parsed numbers, never from the author's string, so no
text in mkdocs.yml reaches CSS. The variants are chosen for contrast: links darkened until
they read on white, lightened until they read on Material's dark (slate) background, and
the header's text black or white, whichever reads better on the colour.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from markupsafe import escape

from generator.boundary import display_path, read_bounded
from generator.load import MAX_FILE_BYTES
from generator.problems import Problem, Severity, quote

if TYPE_CHECKING:  # `sopsite check` reads the colour too, and need not load the sanitiser
    from generator.render.sanitise import Sanitiser

CODE = "CONFIG001"
OPTION = "brand_colour"
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
STYLE_URI = "assets/stylesheets/sopsite-brand.css"

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
SLATE_BG: RGB = (30, 32, 41)
"""Material's slate background at its default hue (hsl(232, 15%, 14%))."""
TEXT_CONTRAST = 4.5
"""WCAG AA for body text."""


def parse(value: object) -> RGB | None:
    """The colour ``value`` names, or None when it is not `#rrggbb` or `#rgb`."""
    if not isinstance(value, str) or not HEX.fullmatch(value):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def message(value: object) -> str:
    """What CONFIG001 says: the expected form, and what was found."""
    return (f"expected the sopsite option {OPTION} as a hex colour, '#' and 6 (or 3) hex "
            f"digits such as \"#0b6e6e\", found {quote(value)}")


def check(mkdocs_yml: Path, value: object) -> Problem | None:
    """CONFIG001 when the option is written but is not a colour, at its value in
    ``mkdocs_yml`` (1:1 when the file cannot be read again); None when it is fine or unset.

    An unquoted `brand_colour: #0b6e6e` is a YAML comment, read as no value at all: the
    key is there with nothing after it, and that is refused too, with the reason.
    """
    node = _node(mkdocs_yml)
    if value is None and not (isinstance(node, yaml.ScalarNode)
                              and node.tag == "tag:yaml.org,2002:null"):
        return None
    if value is not None and parse(value) is not None:
        return None
    line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
    text = message(value)
    if value is None:
        text = (f"expected the sopsite option {OPTION} as a hex colour in quotes, such as "
                f"\"#0b6e6e\", found no value: an unquoted '#' starts a YAML comment")
    return Problem(display_path(mkdocs_yml), line, column, CODE, Severity.ERROR, text)


def _node(mkdocs_yml: Path) -> yaml.Node | None:
    """The value node of `plugins: - sopsite: brand_colour:`; composed, never constructed,
    so the file's `!!python/name:` tags are not run."""
    try:
        raw, _ = read_bounded(mkdocs_yml, MAX_FILE_BYTES)
        root = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    for node in _entries(_get(root, "plugins")):
        found = _get(_get(node, "sopsite"), OPTION)
        if found is not None:
            return found
    return None


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for name, value in node.value:
        if isinstance(name, yaml.ScalarNode) and name.value == key:
            found: yaml.Node = value
            return found
    return None


def _entries(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [node] if isinstance(node, yaml.MappingNode) else []


def _luminance(colour: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: RGB, other: RGB) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _mix(colour: RGB, towards: RGB, share: float) -> RGB:
    return (round(colour[0] + (towards[0] - colour[0]) * share),
            round(colour[1] + (towards[1] - colour[1]) * share),
            round(colour[2] + (towards[2] - colour[2]) * share))


def _readable(colour: RGB, background: RGB, towards: RGB) -> RGB:
    """``colour`` moved towards ``towards`` in small steps until it reads on ``background``."""
    for step in range(21):
        mixed = _mix(colour, towards, step / 20)
        if contrast(mixed, background) >= TEXT_CONTRAST:
            return mixed
    return towards


def _hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def stylesheet(colour: RGB) -> str:
    """The CSS that makes ``colour`` Material's primary colour in both schemes.

    `:root > *` is the selector Material documents for a custom primary colour: it beats
    the palette's named colours by coming later at the same specificity.
    """
    on_colour = WHITE if contrast(colour, WHITE) >= contrast(colour, BLACK) else BLACK
    faded = "rgba(255, 255, 255, 0.7)" if on_colour == WHITE else "rgba(0, 0, 0, 0.7)"
    return (
        "/* sopsite: brand_colour from mkdocs.yml (generated; edit the option, not this) */\n"
        ":root > * {\n"
        f"  --md-primary-fg-color: {_hex(colour)};\n"
        f"  --md-primary-fg-color--light: {_hex(_mix(colour, WHITE, 0.3))};\n"
        f"  --md-primary-fg-color--dark: {_hex(_mix(colour, BLACK, 0.3))};\n"
        f"  --md-primary-bg-color: {_hex(on_colour)};\n"
        f"  --md-primary-bg-color--light: {faded};\n"
        f"  --md-typeset-a-color: {_hex(_readable(colour, WHITE, BLACK))};\n"
        "}\n"
        "[data-md-color-scheme=\"slate\"] {\n"
        f"  --md-typeset-a-color: {_hex(_readable(colour, SLATE_BG, WHITE))};\n"
        "}\n"
    )


def link(config: Any, colour: RGB | None) -> None:
    """List the brand stylesheet after sopsite's own, when the handbook has a colour."""
    if colour is not None and STYLE_URI not in config.extra_css:
        config.extra_css.append(STYLE_URI)


_URL_BREAKERS = re.compile(r"[\"'<>`\s]")


def guard(config: Any, sanitiser: Sanitiser) -> str | None:
    """The handbook's name, description and author as text and its footer through the HTML
    gate; a warning naming what the footer lost, if anything.

    MkDocs' templates do not escape: Material prints `site_name` into every page's header,
    title and sidebar as it stands, so `R&D <Ops>` would be markup. The name is text, so it
    is escaped (as Markup, which Material's own `| e` then leaves alone); `copyright` is HTML
    by Material's convention (`&copy;`, a link), so it keeps the markup the allow-list keeps.
    """
    config.site_name = escape(str(config.site_name or ""))
    # The description, the author and the repository's name are text too, printed into every
    # page (`<meta>` attributes, the header) as they stand: a quote would end an attribute,
    # a `<` start a tag.
    for key in ("site_description", "site_author", "repo_name"):
        value = getattr(config, key, None)
        if value:
            setattr(config, key, escape(str(value)))
    # The address goes into every page's `<link rel="canonical" href=...>` as it stands; the
    # characters that would end that attribute or start a tag are never part of a URL as
    # written, so they are percent-encoded, which is how a browser reads them anyway.
    site_url = getattr(config, "site_url", None)
    if site_url:
        config.site_url = _URL_BREAKERS.sub(lambda m: f"%{ord(m.group()):02X}", str(site_url))
    footer = config.copyright
    if not footer:
        return None
    cleaned = sanitiser.clean(str(footer))
    config.copyright = cleaned.html
    if not cleaned.removed:
        return None
    return (f"sopsite: mkdocs.yml: copyright had markup that is not allowed "
            f"({', '.join(repr(tag[:40]) for tag in cleaned.removed)}); it was removed")
