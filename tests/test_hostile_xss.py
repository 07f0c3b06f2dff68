"""Hostile author text, built into a real site and opened in a real headless Chromium.

Every case puts one payload into one field of a small handbook. A payload that runs sets
``window.__xss`` to its case's name. The site is built once, served on 127.0.0.1, and every
generated page is opened; then each link in the page's content is clicked (links
that would leave the page are held, `javascript:` ones are not) and every element gets
mouse-over and focus events. After that the global must still be unset. The control page,
hand-written in `docs/` and therefore trusted and left alone, carries the same kind of
payload: it must set the global, which proves the harness would see a payload run.

Beyond the global, each page's DOM is checked for what must never be there: event-handler
attributes, `javascript:` URLs, scripts, frames and forms inside the content, and any
request that tried to leave the machine.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Error as PlaywrightError

from tests.support import MINIMAL
from tests.support.browser import (
    StaticServer,
    chromium,
    session,
)
from tests.support.build import make_project, mkdocs_build_quiet, sopsite


def run(name: str) -> str:
    """JavaScript that records that case ``name`` ran."""
    return f"window.__xss='{name}'"


def url(name: str) -> str:
    """Script for a URL: no quotes or spaces, which Markdown would read as a link title."""
    return f"void(window.__xss=/{name}/.source)"


def img(name: str) -> str:
    return f'<img src=x onerror="{run(name)}">'


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    path: tuple[str | int, ...]
    """Where the payload goes inside the file's YAML (keys and list indexes)."""
    payload: str


CASES = [
    # Markdown shapes that a pattern pre-pass and Python-Markdown read differently.
    Case("backticks-1-2", "sop-it-001.yml", ("purpose",),
         f"Let users in `{img('backticks-1-2')}`` safely."),
    Case("backticks-2-3", "sop-it-001.yml", ("scope",),
         f"All staff ``{img('backticks-2-3')}``` accounts."),
    Case("fence-4-closed-by-3", "sop-it-001.yml", ("steps", 0, "instructions"),
         f"Call back.\n\n````\n{img('fence-4-closed-by-3')}\n```\n"),
    Case("fence-unclosed", "sop-it-001.yml", ("steps", 1, "instructions"),
         f"Ask.\n\n```\n{img('fence-unclosed')}\n"),
    Case("fence-in-list-item", "sop-it-001.yml", ("steps", 2, "instructions"),
         f"- first\n\n    ```\n{img('fence-in-list-item')}\n    ```\n- second"),
    Case("fence-tilde-vs-backtick", "proc-it-rollout.yml", ("steps", 0, "instructions"),
         f"~~~\n{img('fence-tilde-vs-backtick')}\n```\n"),
    Case("reference-in-blockquote", "proc-it-rollout.yml", ("steps", 1, "instructions"),
         f"> [go]: javascript:{url('reference-in-blockquote')}\n\nThen [go] there."),
    Case("scheme-with-tab", "sop-it-001.yml", ("steps", 0, "substeps"),
         [f"[here](java\tscript:{url('scheme-with-tab')})"]),
    Case("scheme-leading-control", "sop-it-001.yml", ("steps", 1, "substeps"),
         [f"[here](\x0ejavascript:{url('scheme-leading-control')})"]),
    Case("scheme-upper-case", "sop-it-001.yml", ("steps", 2, "substeps"),
         [f"[here](JaVaScRiPt:{url('scheme-upper-case')})"]),
    Case("scheme-entity", "sop-it-001.yml", ("steps", 0, "checks"),
         [f"[here](javascript&#58;{url('scheme-entity')})"]),
    Case("reference-link-script", "sop-it-001.yml", ("steps", 1, "checks"),
         [f"See [the form][f].\n\n[f]: javascript:{url('reference-link-script')}"]),
    Case("autolink-script", "sop-it-001.yml", ("steps", 2, "checks"),
         [f"<javascript:{url('autolink-script')}>"]),
    Case("link-title-breakout", "sop-it-001.yml", ("steps", 0, "warnings"),
         [f'[x](https://example.org "t\\" onmouseover=\\"{run("link-title-breakout")}")']),
    Case("data-url-link", "sop-it-001.yml", ("steps", 1, "warnings"),
         [f"[x](data:text/html,<script>{run('data-url-link')}</script>)"]),
    Case("attribute-list", "sop-it-001.yml", ("steps", 2, "warnings"),
         [f"Click me\n{{: onclick=\"{run('attribute-list')}\" }}"]),
    # Raw HTML in every Markdown field family, each behind a backtick run the pre-pass took
    # for a code span and Python-Markdown does not (one backtick opens, two close).
    Case("script-tag", "proc-it-rollout.yml", ("objective",),
         f"`<script>{run('script-tag')}</script>``"),
    Case("svg-onload", "proc-it-rollout.yml", ("strategy",),
         f"`<svg onload=\"{run('svg-onload')}\"></svg>``"),
    Case("details-ontoggle", "retro-it-001.yml", ("summary",),
         f"`<details open ontoggle=\"{run('details-ontoggle')}\"><summary>x</summary></details>``"),
    Case("iframe-srcdoc", "roles.yml", (0, "description"),
         f"`<iframe srcdoc=\"<script>parent.{run('iframe-srcdoc')}</script>\"></iframe>``"),
    Case("input-autofocus", "roles.yml", (1, "responsibilities", 0),
         f"`<input autofocus onfocus=\"{run('input-autofocus')}\">``"),
    Case("raw-script-link", "glossary.yml", (0, "definition"),
         f"`<a href=\"javascript:{run('raw-script-link')}\">click</a>``"),
    Case("upper-case-tag", "glossary.yml", (1, "definition"),
         f"`<IMG SRC=x ONERROR=\"{run('upper-case-tag')}\">``"),
    Case("entity-in-handler", "proc-it-rollout.yml", ("premortem", 0, "mitigation"),
         "`<img src=x onerror=\"&#119;indow.__xss='entity-in-handler'\">``"),
    Case("object-data", "proc-it-rollout.yml", ("premortem", 0, "description"),
         f"`<object data=\"javascript:{run('object-data')}\"></object>``"),
    Case("form-action", "proc-it-rollout.yml", ("stakeholders", 0, "interest"),
         f"`<form action=\"javascript:{run('form-action')}\"><button>go</button></form>``"),
    Case("style-import", "retro-it-001.yml", ("actions", 0, "description"),
         "`<style>@import url(https://evil.example/style-import.css);</style>``"),
    Case("external-image", "roles.yml", (0, "responsibilities"),
         ["Watch ![external-image](https://evil.example/pixel.png) this."]),
    Case("protocol-relative-image", "roles.yml", (1, "description"),
         "And ![protocol-relative-image](//evil.example/pixel.png) this."),
    # Fields that are plain text: escaped, never Markdown.
    Case("document-title", "sop-it-001.yml", ("title",), f"Reset {img('document-title')}"),
    Case("step-title-and-diagram", "sop-it-001.yml", ("steps", 0, "title"),
         f"Verify {img('step-title-and-diagram')}"),
    Case("role-name", "roles.yml", (0, "name"), f"Director {img('role-name')}"),
    Case("term-name", "glossary.yml", (0, "term"), f"pre {img('term-name')}"),
    Case("tag", "sop-it-001.yml", ("tags",), [f"t {img('tag')}"]),
    Case("title-breakout", "retro-it-001.yml", ("title",),
         f"Quarter </title>{img('title-breakout')}<title>"),
    Case("approver-name", "sop-it-001.yml", ("approvals", 0, "name"),
         f"Ada {img('approver-name')}"),
]
"""Each case's name appears in its payload only; a case that ran names itself."""

CONTROL = "control"
"""Set by the trusted hand-written control page: proof that a payload that runs is seen."""

QUIZ_CASES = ("quiz-prompt", "quiz-option", "quiz-explanation")


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _hostile_handbook(root: Path) -> Path:
    sops = root / "hostile-sops"
    sops.mkdir()
    files: dict[str, Any] = {}
    for source in sorted(MINIMAL.glob("*.yml")):
        files[source.name] = yaml.safe_load(source.read_text("utf-8"))
    for case in CASES:
        _set(files[case.file], case.path, copy.deepcopy(case.payload))
    files["sop-it-001.yml"]["training"] = {
        "objectives": ["Reset safely."], "audience": ["technician"], "time": "10m",
        "quiz": [{
            "id": "q1", "kind": "single",
            "prompt": f"`{img('quiz-prompt')}``",
            "options": {"a": f"`{img('quiz-option')}``", "b": "No"},
            "answer": "a",
            "explanation": f"`{img('quiz-explanation')}``",
        }],
    }
    for name, data in files.items():
        (sops / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                 encoding="utf-8")
    return sops


def _project(root: Path, *, strict: bool) -> Path:
    make_project(root, _hostile_handbook(root))
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    if not strict:
        text = text.replace("strict: true", "strict: false")
    config.write_text(text, encoding="utf-8")
    (root / "docs" / "control.md").write_text(
        f"# Control\n\nThis trusted page runs its script: {img(CONTROL)}\n", encoding="utf-8")
    (root / "docs" / "quoting.md").write_text(
        "# Quoting\n\nThe procedure is {{ handbook['SOP-IT-001'].title }}.\n\n"
        '<p title="{{ handbook[\'SOP-IT-001\'].title }}">In an attribute.</p>\n',
        encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("hostile")
    _project(root, strict=False)
    # MkDocs itself: `sopsite build` is always strict, and the removals are warnings.
    assert mkdocs_build_quiet(root / "mkdocs.yml") == root / "site"
    with StaticServer(root / "site") as server:
        yield root / "site", server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module; each test has a context (own storage) of its own."""
    with chromium() as launched:
        yield launched


HARNESS = """
(() => {
  let value;
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get() { return value; },
    set(v) { value = v; console.info('sopsite-xss:' + v); },
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href]');
    if (link && ['http:', 'https:', 'file:', 'mailto:'].includes(link.protocol)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
"""
"""In every document before its own scripts: the global reports each write to the console
(so a payload that navigates the page away is still seen), and clicks on links that would
load another page are held while any other link is followed."""

PROVOKE = """
() => {
  for (const el of document.querySelectorAll('article *')) {
    for (const type of ['mouseover', 'mouseenter', 'focus', 'focusin', 'animationstart']) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  for (const details of document.querySelectorAll('article details')) details.open = true;
}
"""

SETTLED = """
() => [...document.images].every(image => image.complete)
      && document.querySelectorAll('pre.mermaid, pre > code.mermaid').length === 0
"""
"""The page has done what it does by itself: every image loaded or failed (its `onerror`
ran) and Material drew every diagram."""

CLICK_AND_PROVOKE = """
async () => {
  const HELD = ['http:', 'https:', 'file:', 'mailto:'];
  const provoke = PROVOKE;
  const turn = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  for (const link of document.querySelectorAll('article a[href]')) {
    link.scrollIntoView({block: 'center'});
    for (const type of ['pointerover', 'mouseover', 'pointerdown', 'mousedown', 'pointerup',
                        'mouseup']) {
      link.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));
    }
    link.click();
    if (!HELD.includes(link.protocol)) await turn();
  }
  provoke();
  await turn();
  await turn();
}
""".replace("PROVOKE", PROVOKE.strip())
"""Every link of the content followed, one at a time, with a turn of the event loop after
each one the harness does not hold (a `javascript:` URL runs in a task of its own); then
every element provoked: one round trip for the page. `click()` runs a link's activation as
a pointer click does, the hidden links' too."""

FORBIDDEN_DOM = """
() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action', 'data', 'formaction'].includes(attr.name)
          && /^\\s*(javascript|data|vbscript):/i.test(attr.value.replace(/[\\t\\n\\r]/g, '')))
        found.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const el of document.querySelectorAll(
      'article script, article iframe, article object, article embed, article form, '
      + 'article style, article svg, article base, article meta')) found.push(el.tagName);
  return found;
}
"""


def _generated_pages(site: Path) -> list[str]:
    urls = []
    for page in sorted(site.rglob("index.html")):
        rel = page.parent.relative_to(site).as_posix()
        urls.append("" if rel == "." else f"{rel}/")
    return urls


def _visit(page: Any, url: str) -> list[str]:
    """Open, click and provoke one page; what its DOM holds that it must not."""
    page.goto(url, wait_until="load")
    # A diagram Mermaid could not draw leaves the page unsettled: the rest is still checked.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(SETTLED, timeout=5_000)
    forbidden: list[str] = page.evaluate(FORBIDDEN_DOM)
    # A payload that navigated away or moved the links was seen (the console keeps it).
    with contextlib.suppress(PlaywrightError):
        page.evaluate(CLICK_AND_PROVOKE)
    return forbidden


@pytest.mark.slow
@pytest.mark.browser
def test_no_payload_runs_and_the_control_does(hostile_site: tuple[Path, str],
                                              browser: Any) -> None:
    site, url = hostile_site
    urls = _generated_pages(site)
    assert "procedures/sop-it-001/" in urls
    assert "glossary/" in urls
    ran: dict[str, set[str]] = {}
    forbidden: dict[str, list[str]] = {}
    with session(browser) as web:
        web.context.add_init_script(HARNESS)
        page = web.new_page()
        current = [""]

        def on_console(message: Any) -> None:
            if message.text.startswith("sopsite-xss:"):
                ran.setdefault(current[0], set()).add(message.text.split(":", 1)[1])

        page.on("console", on_console)
        for path in urls:
            current[0] = path
            found = _visit(page, url + path)
            if found:
                forbidden[path] = found
        blocked = web.blocked  # no image, style or script from elsewhere was requested
    assert (ran, forbidden, blocked) == (
        {"control/": {CONTROL}}, {"control/": ["IMG onerror"]}, [])


@pytest.mark.slow
def test_every_payload_reached_the_site_as_text(hostile_site: tuple[Path, str]) -> None:
    """The cases are not vacuous: each payload reached a generated page's Markdown."""
    site, _ = hostile_site
    text = "\n".join(page.read_text("utf-8")
                     for page in (site.parent / ".sopsite-cache").rglob("*.md"))
    missing = [case.name for case in CASES if case.name not in text]
    missing += [name for name in QUIZ_CASES if name not in text]
    assert missing == []
    quoting = (site / "quoting" / "index.html").read_text("utf-8")
    assert "Reset &lt;img src=x onerror=&quot;window.__xss=&#39;document-title&#39;&quot;&gt;" \
        in quoting


@pytest.mark.slow
def test_a_strict_build_fails_and_names_the_page_with_removed_markup(tmp_path: Path) -> None:
    _project(tmp_path, strict=True)
    (tmp_path / "docs" / "control.md").unlink()
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("WARNING -  sopsite: procedures/sop-it-001.md: the page's HTML had markup that is "
            "not allowed (") in result.stderr
    assert not (tmp_path / "site").exists()


def test_check_reports_no_false_errors_for_hostile_text(tmp_path: Path) -> None:
    """Hostile text is valid YAML and a valid handbook: it is the page that must stay safe."""
    sops = _hostile_handbook(tmp_path)
    result = sopsite("check", sops, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr


@pytest.mark.slow
@pytest.mark.browser
def test_search_results_show_payloads_as_text(hostile_site: tuple[Path, str],
                                               browser: Any) -> None:
    """Material's search draws result snippets as HTML from the index the gate fed."""
    _, url = hostile_site
    ran: list[str] = []
    with session(browser) as web:
        web.context.add_init_script(HARNESS)
        page = web.new_page()
        page.on("console", lambda m: ran.append(m.text) if "sopsite-xss" in m.text else None)
        page.goto(url, wait_until="load")
        matched = []
        for query in ("onerror", "javascript", "script", "window", "Director"):
            box = page.locator("input.md-search__input")
            box.click()
            box.fill("")
            box.press_sequentially(query, delay=10)
            page.wait_for_function(
                """() => { const m = document.querySelector('.md-search-result__meta');
                           return m && /matching document|No matching/.test(m.textContent); }""")
            page.evaluate(PROVOKE.replace("article *", ".md-search-result *"))
            if page.locator(".md-search-result__item").count():
                matched.append(query)
        blocked = web.blocked
    assert (ran, blocked) == ([], [])
    assert "onerror" in matched  # the payloads' text is in the index and was listed

