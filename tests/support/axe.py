"""axe-core in a Playwright page: inject the pinned build, run it, collect what it found.

The script is the npm package pinned in package-lock.json (``node_modules/axe-core``), added
to each page with Playwright's ``add_script_tag`` from the file on disk: no CDN, no network.
Results come back as plain `Violation` records, one per rule and element, so a failing test
can name the page, the rule, its impact and the element's selector.

The keyboard helpers at the end (`tab_to`, `focus_indicator`) drive ``page.keyboard`` only and
read the computed focus style, so any widget (the quiz, the as-of picker, diagram controls) can
be tested as a keyboard user meets it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support import REPO

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
"""The axe-core build pinned in package-lock.json."""

IMPACTS = ("critical", "serious", "moderate", "minor")
"""axe's impact levels, worst first."""

BLOCKING = frozenset({"critical", "serious"})
"""Impacts that fail the accessibility tests."""

DARK_SCHEME = "slate"
"""Material's dark palette (``data-md-color-scheme``)."""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken by one element of one page."""

    page: str
    rule: str
    impact: str
    target: str
    """axe's CSS selector for the element (frames and shadow roots joined by ``>>``)."""
    summary: str
    """axe's one-line failure summary for the element (e.g. the contrast ratio found)."""
    help_url: str

    def format(self) -> str:
        return (f"{self.page or '/'}: {self.rule} ({self.impact}) at {self.target}: "
                f"{self.summary} [{self.help_url}]")


def require_axe() -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is not installed at {AXE_JS}; run 'npm ci' (or 'make test') in "
                    "the repository first")


def inject(page: Any) -> None:
    """Add the pinned axe-core to the current document (once; a reload needs it again)."""
    require_axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))


def set_scheme(page: Any, scheme: str) -> None:
    """Switch Material's palette in the page, as its toggle does, and remember it.

    The body's ``data-md-color-scheme`` is what the CSS reads; the palette saved where
    Material keeps it (``<scope>.__palette`` in localStorage) makes later pages load in it.
    Material fades colours over a short transition: those are finished here, or axe would
    measure colours half-way.
    """
    page.evaluate("""scheme => {
        document.body.setAttribute('data-md-color-scheme', scheme);
        const scope = window.__md_scope || new URL('.', location);
        localStorage.setItem(scope.pathname + '.__palette',
                             JSON.stringify({index: 0, color: {scheme}}));
        document.getAnimations().forEach(animation => animation.finish());
    }""", scheme)


def _target(node: dict[str, Any]) -> str:
    parts = node.get("target") or []
    return " >> ".join(part if isinstance(part, str) else " ".join(part) for part in parts)


def run(page: Any, label: str) -> list[Violation]:
    """Run axe on the page as it is now; every violation, one per rule and element."""
    inject(page)
    results = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({
            id: v.id, impact: v.impact, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target, impact: n.impact,
                                      summary: n.failureSummary || ''})),
        }));
    }""")
    found = []
    for rule in results:
        for node in rule["nodes"]:
            summary = " ".join(str(node["summary"]).split())
            found.append(Violation(label, rule["id"], node["impact"] or rule["impact"] or "minor",
                                   _target(node), summary, rule["helpUrl"]))
    return found


def by_impact(violations: Iterable[Violation]) -> dict[str, int]:
    """How many violations of each impact, every level present (zero included)."""
    counted = Counter(v.impact for v in violations)
    return {impact: counted.get(impact, 0) for impact in IMPACTS}


def by_rule(violations: Iterable[Violation]) -> dict[str, int]:
    """How many elements break each ``rule (impact)``."""
    return dict(sorted(Counter(f"{v.rule} ({v.impact})" for v in violations).items()))


def blocking(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in BLOCKING]


# --- the keyboard -----------------------------------------------------------------------------

FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const id = el.id ? '#' + el.id : '';
    return {
        element: el.tagName.toLowerCase() + id + (el.className && typeof el.className ===
                 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
        visible: el.matches(':focus-visible'),
    };
}"""


def focused(page: Any, selector: str) -> bool:
    """Whether the element with the keyboard focus matches ``selector``."""
    return bool(page.evaluate("s => !!document.activeElement && document.activeElement"
                              ".matches(s)", selector))


def tab_to(page: Any, selector: str, *, limit: int = 200, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focus is on ``selector``; fails after ``limit``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector):
            return
    pytest.fail(f"{limit} presses of {key} never reached {selector!r}; the focus ended on "
                f"{page.evaluate(FOCUS_STATE)}")


def focus_indicator(page: Any) -> dict[str, Any]:
    """The focused element and whether it shows a focus ring (outline or box-shadow)."""
    state: dict[str, Any] | None = page.evaluate(FOCUS_STATE)
    assert state is not None, "nothing has the keyboard focus"
    return state


def assert_focus_visible(page: Any) -> None:
    """The focused element draws an outline or a box-shadow (WCAG 2.4.7)."""
    state = focus_indicator(page)
    assert state["outline"] or state["shadow"], f"no visible focus indicator on {state}"
