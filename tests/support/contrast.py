"""Text contrast as a reader sees it, worked out from Chromium's computed styles.

The browser reports each element's `color` and the `background-color` of it and of every
ancestor (`getComputedStyle`), often with alpha (Material's text colours are translucent).
The background a text sits on is those layers composited from the page's canvas up, and the
text colour is composited over that; the ratio is WCAG's. Nothing is read from the
stylesheets, so a rule that never applies cannot pass a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

AA_TEXT = 4.5
"""WCAG 2 AA for normal text."""

RGBA = tuple[float, float, float, float]

_COLOUR = re.compile(
    r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")

LAYERS_JS = """(element) => {
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    layers.push(getComputedStyle(node).backgroundColor);
  }
  const canvas = getComputedStyle(document.documentElement).colorScheme === 'dark'
    ? 'rgb(0, 0, 0)' : 'rgb(255, 255, 255)';
  return {color: getComputedStyle(element).color, layers, canvas,
          text: (element.innerText || element.textContent || '').trim().slice(0, 60)};
}"""
"""What the browser knows: the text colour, the background of the element and of each
ancestor (innermost first), and the canvas below them all."""


def parse(value: str) -> RGBA:
    """`rgb(...)`/`rgba(...)` as Chromium's computed style writes it; `transparent` is 0 alpha."""
    if value.strip() == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    found = _COLOUR.search(value)
    if found is None:
        raise ValueError(f"expected an rgb() or rgba() colour, found {value!r}")
    alpha = found.group(4)
    a = 1.0 if alpha is None else (float(alpha[:-1]) / 100 if alpha.endswith("%")
                                   else float(alpha))
    return (float(found.group(1)), float(found.group(2)), float(found.group(3)), a)


def over(top: RGBA, below: RGBA) -> RGBA:
    """``top`` composited over an opaque ``below``."""
    a = top[3]
    return (top[0] * a + below[0] * (1 - a), top[1] * a + below[1] * (1 - a),
            top[2] * a + below[2] * (1 - a), 1.0)


def luminance(colour: RGBA) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour[0]) + 0.7152 * channel(colour[1])
            + 0.0722 * channel(colour[2]))


def ratio(one: RGBA, other: RGBA) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class Measured:
    """One element's text against what it is drawn on."""

    selector: str
    text: str
    foreground: RGBA
    background: RGBA
    ratio: float

    def __str__(self) -> str:
        fg = ", ".join(f"{v:.0f}" for v in self.foreground[:3])
        bg = ", ".join(f"{v:.0f}" for v in self.background[:3])
        return f"{self.selector} {self.text!r}: rgb({fg}) on rgb({bg}) = {self.ratio:.2f}:1"


def measure(locator: Any, selector: str) -> Measured:
    """The contrast of the first element ``locator`` matches, as composited in the page."""
    seen = locator.first.evaluate(LAYERS_JS)
    background = parse(seen["canvas"])
    for layer in reversed(seen["layers"]):
        background = over(parse(layer), background)
    foreground = over(parse(seen["color"]), background)
    return Measured(selector, seen["text"], foreground, background,
                    ratio(foreground, background))
