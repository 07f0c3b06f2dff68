"""Whether an SVG logo could run script or reach outside the site when a reader opens it.

A logo is shown through `<img>` (header) and `<link rel="icon">` (tab), where an SVG never
runs script; but the file is also served as it is, at `assets/logo.svg`, and a reader who
opens that address gets an SVG document in the site's origin, where `<script>`, `onload`
and `<foreignObject>` HTML all run. So an SVG logo is read before it is copied, and refused
when it holds anything that runs, or that loads from elsewhere: scripts and event handlers,
embedded HTML, links and references that are not to the file's own fragments, style that
imports or fetches, animations that rewrite links or handlers, and a DTD's entities (which
could hide any of these, or grow the file exponentially as it is read).

Logos made by drawing tools carry their own namespaces and metadata; those are kept. What is
refused is named, so the author can export the mark again without it ("plain SVG").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

RUNS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler",
                  "listener", "audio", "video"})
"""Elements that run code or host another document inside the SVG."""
ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform"})
"""Elements that can change another attribute after load (an `href` to `javascript:`)."""
_LOCAL_HREF = re.compile(r"#[^\s]*|data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
"""A reference the logo may make: to its own fragments, or to an inline raster image."""
_FETCH = re.compile(r"@import|url\(\s*(?![\"']?#)|image-set|\\", re.IGNORECASE)
"""Style (an attribute or a `<style>` element) that loads something from elsewhere: `url()`
not to a fragment, `@import`, `image-set()` (which takes a bare string), and any backslash,
since a CSS escape spells `url(` or `@import` without those letters (`u\\72l(`)."""
_XHTML = "{http://www.w3.org/1999/xhtml}"
"""HTML elements run as HTML in an SVG document (a `<meta>` refresh, a `<form>`), also
outside `<foreignObject>`."""
_ENCODING = re.compile(rb"""\s*<\?xml[^>]*encoding=["']([^"']*)["']""")
_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\[|<!ENTITY|<\?xml-stylesheet", re.IGNORECASE)


def _local(name: str) -> str:
    """``{namespace}name`` or ``prefix:name`` as the lower-case local name."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def unsafe_svg(data: bytes) -> str | None:
    """Why the SVG ``data`` may not be a logo, or None when nothing in it runs or fetches."""
    # Judged as UTF-8 text, which is what the checks below read: in another encoding (UTF-16
    # with a byte-order mark) a `<?xml-stylesheet?>` would not match them, yet load.
    declared = _ENCODING.match(data)
    if b"\0" in data or (declared and declared.group(1).lower() not in (b"utf-8", b"us-ascii")):
        return "it is not UTF-8 text"
    if _DTD.search(data):
        return "it declares entities or a style sheet (a DTD or <?xml-stylesheet?>)"
    try:
        data.decode("utf-8")
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))
        parser.feed(data)
        root = parser.close()
    except (ET.ParseError, UnicodeDecodeError) as error:
        return f"it is not well-formed XML ({error})"
    if _local(root.tag) != "svg":
        return f"its root element is <{_local(root.tag)}>, not <svg>"
    for element in root.iter():
        if element.tag is ET.ProcessingInstruction:  # type: ignore[comparison-overlap]
            return "it has a processing instruction (<?...?>)"
        if not isinstance(element.tag, str):
            continue
        tag = _local(element.tag)
        if element.tag.startswith(_XHTML):
            return f"it has an HTML element (<{tag}>)"
        if tag in RUNS:
            return f"it has a <{tag}> element"
        if tag == "style" and _FETCH.search("".join(element.itertext())):
            return "its <style> imports or loads a URL, or has a CSS escape"
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                return f"<{tag}> has an event handler ({attribute})"
            if attribute == "href" and not _LOCAL_HREF.fullmatch(value.strip()):
                return f"<{tag}> links or refers to {value[:60]!r}, outside the file"
            if _FETCH.search(value):
                return f"<{tag}> {attribute} loads a URL or has a CSS escape ({value[:60]!r})"
            if (tag in ANIMATIONS and attribute == "attributename"
                    and (_local(value) == "href" or _local(value).startswith("on"))):
                return f"<{tag}> changes {value!r} after load"
    return None
