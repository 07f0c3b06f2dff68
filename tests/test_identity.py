"""A handbook's own identity: the brand colour option and its refusal (CONFIG001), the name
and footer as text, `sopsite init --name --logo --colour --footer`, the navigation by reader
without the developers' pages, and the front page's start links per role."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from generator.commands.scaffold import Identity, ScaffoldError, init
from generator.mkdocs import brand
from generator.render.sanitise import Sanitiser
from tests.support import MINIMAL, REPO
from tests.support.browser import copy_handbook
from tests.support.build import MERMAID_JS, build, make_project, sopsite

HOSTILE_NAME = 'R&D <script>alert(1)</script> "Ops": #1 {{ x }} \'q\''
HOSTILE_FOOTER = '© 2026 <b onclick="x()">R&D</b> {{ y }} # not a comment'


class _Tolerant(yaml.SafeLoader):
    """Reads mkdocs.yml without constructing its `!!python/name:` tags."""


_Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _config(path: Path) -> dict[str, object]:
    loaded = yaml.load(path.read_text("utf-8"), Loader=_Tolerant)
    assert isinstance(loaded, dict)
    return loaded


# --- brand_colour: parsed, refused where it stands, written from numbers ---------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("#0b6e6e", (11, 110, 110)), ("#0B6E6E", (11, 110, 110)), ("#c05", (204, 0, 85)),
])
def test_a_hex_colour_is_read(value: str, expected: tuple[int, int, int]) -> None:
    assert brand.parse(value) == expected


@pytest.mark.parametrize("value", ["teal", "#0b6e6", "#0b6e6eff", "0b6e6e", " #0b6e6e",
                                   "#0b6e6e;}", "#0b6e6e\n", 7, None, ["#0b6e6e"]])
def test_anything_else_is_not_a_colour(value: object) -> None:
    assert brand.parse(value) is None


def _mkdocs_yml(tmp_path: Path, option: str) -> Path:
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: x\n"
                    "markdown_extensions:\n"
                    "  - pymdownx.superfences:\n"
                    "      custom_fences:\n"
                    "        - format: !!python/name:pymdownx.superfences.fence_code_format\n"
                    "plugins:\n"
                    "  - search\n"
                    "  - sopsite:\n"
                    "      sops: sops\n"
                    f"      {option}\n", encoding="utf-8")
    return path


def test_a_colour_that_is_css_is_refused_at_its_line_and_column(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _mkdocs_yml(tmp_path, 'brand_colour: "teal; } body { display: none"')
    problem = brand.check(path, "teal; } body { display: none")
    assert problem is not None
    assert problem.format() == (
        "mkdocs.yml:10:21: error [CONFIG001] expected the sopsite option brand_colour as a hex "
        "colour, '#' and 6 (or 3) hex digits such as \"#0b6e6e\", found "
        "'teal; } body { display: none'")


def test_an_unquoted_colour_is_a_comment_and_is_refused_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _mkdocs_yml(tmp_path, "brand_colour: #0b6e6e")
    problem = brand.check(path, None)
    assert problem is not None
    assert problem.format() == (
        "mkdocs.yml:10:20: error [CONFIG001] expected the sopsite option brand_colour as a hex "
        "colour in quotes, such as \"#0b6e6e\", found no value: an unquoted '#' starts a YAML "
        "comment")


def test_a_number_is_refused_and_a_missing_option_is_fine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    problem = brand.check(_mkdocs_yml(tmp_path, "brand_colour: 0x0b6e6e"), 0x0B6E6E)
    assert problem is not None
    assert problem.format().startswith("mkdocs.yml:10:21: error [CONFIG001] ")
    assert problem.message.endswith("found 749166")
    assert brand.check(_mkdocs_yml(tmp_path, "strict: false"), None) is None
    assert brand.check(_mkdocs_yml(tmp_path, 'brand_colour: "#0b6e6e"'), "#0b6e6e") is None


def test_check_reports_the_colour_before_a_build_does(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "sops")
    _mkdocs_yml(tmp_path, 'brand_colour: "blue"')
    result = sopsite("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "mkdocs.yml:10:21: error [CONFIG001] expected the sopsite option brand_colour as a hex "
        "colour, '#' and 6 (or 3) hex digits such as \"#0b6e6e\", found 'blue'\n")
    _mkdocs_yml(tmp_path, 'brand_colour: "#00f"')
    assert sopsite("check", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("colour", ["#0b6e6e", "#ffff00", "#000080", "#777777", "#ffffff",
                                    "#000000", "#c05"])
def test_the_stylesheet_reads_in_both_schemes(colour: str) -> None:
    rgb = brand.parse(colour)
    assert rgb is not None
    css = brand.stylesheet(rgb)
    values = dict(re.findall(r"(--md-[a-z-]+): (#[0-9a-f]{6})", css.split("[data-md")[0]))
    slate = dict(re.findall(r"(--md-[a-z-]+): (#[0-9a-f]{6})", css.split("[data-md")[1]))
    assert values["--md-primary-fg-color"] == brand._hex(rgb)
    header = brand.contrast(rgb, brand.parse(values["--md-primary-bg-color"]) or (0, 0, 0))
    assert header >= brand.TEXT_CONTRAST
    link = brand.parse(values["--md-typeset-a-color"])
    dark_link = brand.parse(slate["--md-typeset-a-color"])
    assert link is not None
    assert dark_link is not None
    assert brand.contrast(link, brand.WHITE) >= brand.TEXT_CONTRAST
    assert brand.contrast(dark_link, brand.SLATE_BG) >= brand.TEXT_CONTRAST
    # Only hex digits, property names and fixed text: nothing the author typed.
    assert set(re.sub(r"#[0-9a-f]{6}|--md-[a-z-]+|rgba\([\d., ]+\)", "", css)) <= set(
        "/*: sopsite-brand_colour from mkdocs.yml (generated; edit the option, not this)\n"
        "{}[]=\"" + "root>*-datamdcolorschemeslate ")


def test_the_name_is_text_and_the_footer_goes_through_the_gate() -> None:
    config = SimpleNamespace(site_name=HOSTILE_NAME, copyright=HOSTILE_FOOTER)
    warning = brand.guard(config, Sanitiser())
    assert config.site_name == ("R&amp;D &lt;script&gt;alert(1)&lt;/script&gt; &#34;Ops&#34;: "
                                "#1 {{ x }} &#39;q&#39;")
    assert config.copyright == "© 2026 <b>R&amp;D</b> {{ y }} # not a comment"
    assert warning is not None
    assert warning.startswith("sopsite: mkdocs.yml: copyright had markup that is not allowed")
    plain = SimpleNamespace(site_name="Kestrel Bay Handbook", copyright="&copy; 2026 Kestrel")
    assert brand.guard(plain, Sanitiser()) is None
    assert plain.copyright == "&copy; 2026 Kestrel"


@pytest.mark.slow
def test_a_build_with_a_wrong_colour_stops_at_the_option(tmp_path: Path) -> None:
    config = make_project(tmp_path, MINIMAL)
    text = config.read_text("utf-8").replace('brand_colour: "#0b6e6e"',
                                             'brand_colour: "red; } * { color: red"')
    config.write_text(text, "utf-8")
    line = text.splitlines().index('      brand_colour: "red; } * { color: red"') + 1
    result = sopsite("build", cwd=tmp_path)
    assert result.returncode == 1
    assert (f"sopsite: mkdocs.yml has errors:\nmkdocs.yml:{line}:21: error [CONFIG001] expected "
            "the sopsite option brand_colour as a hex colour, '#' and 6 (or 3) hex digits such "
            "as \"#0b6e6e\", found 'red; } * { color: red'\n") in result.stderr
    assert not (tmp_path / "site").exists()


# --- sopsite init --name --logo --colour --footer ----------------------------------------------


def _logo(tmp_path: Path) -> Path:
    logo = tmp_path / "mark.svg"
    shutil.copyfile(REPO / "docs" / "assets" / "logo.svg", logo)
    return logo


def test_init_writes_the_identity_into_mkdocs_yml(tmp_path: Path) -> None:
    target = tmp_path / "hb"
    written = init(target, Identity("Kestrel Bay Handbook", _logo(tmp_path), "#0b6e6e",
                                    "Kestrel Bay Water Cooperative"))
    config = _config(target / "mkdocs.yml")
    assert config["site_name"] == "Kestrel Bay Handbook"
    assert config["copyright"] == "Kestrel Bay Water Cooperative"
    assert config["extra"] == {"generator": False}
    theme = config["theme"]
    assert isinstance(theme, dict)
    assert (theme["logo"], theme["favicon"]) == ("assets/logo.svg", "assets/logo.svg")
    assert [(p["scheme"], p["primary"]) for p in theme["palette"]] == [
        ("default", "custom"), ("slate", "custom")]
    assert all("toggle" in p and "media" in p for p in theme["palette"])
    plugins = config["plugins"]
    assert isinstance(plugins, list)
    options = next(p["sopsite"] for p in plugins if isinstance(p, dict) and "sopsite" in p)
    assert options["brand_colour"] == "#0b6e6e"
    assert (target / "docs/assets/logo.svg").read_bytes() == _logo(tmp_path).read_bytes()
    assert target / "docs/assets/logo.svg" in written
    assert (target / "docs/index.md").read_text("utf-8").startswith("# Kestrel Bay Handbook\n")


def test_init_without_options_keeps_material_defaults(tmp_path: Path) -> None:
    init(tmp_path / "hb")
    config = _config(tmp_path / "hb" / "mkdocs.yml")
    assert config["site_name"] == "Handbook"
    assert "copyright" not in config
    assert "extra" not in config
    theme = config["theme"]
    assert isinstance(theme, dict)
    assert "logo" not in theme
    assert [p["primary"] for p in theme["palette"]] == ["indigo", "indigo"]
    assert "brand_colour:" not in (tmp_path / "hb" / "mkdocs.yml").read_text("utf-8")


def test_init_keeps_a_hostile_name_and_footer_as_text(tmp_path: Path) -> None:
    init(tmp_path / "hb", Identity(HOSTILE_NAME, None, "#c05", HOSTILE_FOOTER))
    init(tmp_path / "plain", Identity("Plain", None, "#c05", "Plain"))
    config = _config(tmp_path / "hb" / "mkdocs.yml")
    assert config.keys() == _config(tmp_path / "plain" / "mkdocs.yml").keys()
    assert config["site_name"] == HOSTILE_NAME
    assert config["copyright"] == ("© 2026 &lt;b onclick=&#34;x()&#34;&gt;R&amp;D&lt;/b&gt; "
                                   "{{ y }} # not a comment")
    heading = (tmp_path / "hb" / "docs/index.md").read_text("utf-8").splitlines()[0]
    assert heading == ("# R&amp;D &lt;script&gt;alert(1)&lt;/script&gt; \"Ops\": \\#1 "
                       "\\{\\{ x \\}\\} 'q'")


@pytest.mark.parametrize(("identity", "message"), [
    (Identity(colour="teal"), "expected --colour as a hex colour, '#' and 6 (or 3) hex digits "
                              "such as \"#0b6e6e\", found 'teal'"),
    (Identity(colour="#0b6e6e; }"), "expected --colour as a hex colour, '#' and 6 (or 3) hex "
                                    "digits such as \"#0b6e6e\", found '#0b6e6e; }'"),
    (Identity(name="  "), "expected --name as one line of text, found '  '"),
    (Identity(name="A\nsite_url: x"), "expected --name as one line of text, found "
                                      "'A\\nsite_url: x'"),
    (Identity(footer=""), "expected --footer with some text, found ''"),
    (Identity(logo=Path("mark.exe")), "expected --logo as an image file (.svg, .png, .jpg, "
                                      ".jpeg, .webp), found 'mark.exe'"),
    (Identity(logo=Path("missing.svg")), "expected --logo as an image file, found no file at "
                                         "missing.svg"),
])
def test_init_refuses_a_wrong_value_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, identity: Identity,
        message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScaffoldError) as refused:
        init(tmp_path / "hb", identity)
    assert str(refused.value) == message
    assert not (tmp_path / "hb").exists()


def test_init_refuses_a_logo_that_is_too_large(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"\0" * (1024 * 1024))
    with pytest.raises(ScaffoldError, match=r"^expected --logo of at most 1,048,576 bytes, "
                                            r"found 1,048,580$"):
        init(tmp_path / "hb", Identity(logo=big))


def test_the_command_takes_the_options_and_says_what_is_wrong(tmp_path: Path) -> None:
    result = sopsite("init", "hb", "--colour", "red", cwd=tmp_path)
    assert result.returncode == 2
    assert ("Error: expected --colour as a hex colour, '#' and 6 (or 3) hex digits such as "
            "\"#0b6e6e\", found 'red'") in result.stderr
    assert not (tmp_path / "hb").exists()
    result = sopsite("init", "hb", "--name", "Kestrel Bay", "--colour", "#0b6e6e",
                     "--footer", "Kestrel Bay Water", "--logo", _logo(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("23 files in hb;")
    assert _config(tmp_path / "hb" / "mkdocs.yml")["site_name"] == "Kestrel Bay"


@pytest.mark.slow
def test_a_hostile_identity_builds_and_shows_as_text(tmp_path: Path) -> None:
    root = tmp_path / "hb"
    init(root, Identity(HOSTILE_NAME, _logo(tmp_path), "#c05", HOSTILE_FOOTER))
    (root / "node_modules").symlink_to(MERMAID_JS.parents[2])
    site = build(root / "mkdocs.yml")
    html = (site / "index.html").read_text("utf-8")
    shown = "R&amp;D &lt;script&gt;alert(1)&lt;/script&gt; &#34;Ops&#34;: #1 {{ x }} &#39;q&#39;"
    assert f"<title>{shown}</title>" in html
    assert html.count(shown) >= 3  # the title, the header, the sidebar
    assert "<script>alert" not in html
    assert not re.search(r"<[^<>]*\sonclick=", html)
    assert "© 2026 &amp;lt;b" not in html
    footer = re.search(r'md-copyright__highlight">\s*(.*?)\s*</div>', html, re.S)
    assert footer is not None
    assert footer.group(1) == ("© 2026 &lt;b onclick=&#34;x()&#34;&gt;R&amp;D&lt;/b&gt; {{ y }} "
                               "# not a comment")
    assert "Made with" not in html
    assert (site / "assets/logo.svg").is_file()
    assert 'href="assets/stylesheets/sopsite-brand.css"' in html
    assert "--md-primary-fg-color: #cc0055;" in (
        site / "assets/stylesheets/sopsite-brand.css").read_text("utf-8")


# --- the example handbook: identity, navigation by reader, start links per role ----------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = copy_handbook(tmp_path_factory.mktemp("identity") / "book")
    return build(book / "mkdocs.yml", book / "site")


@pytest.mark.slow
def test_the_benchmarks_stay_in_the_repository_and_out_of_the_site(example: Path) -> None:
    assert (REPO / "docs" / "benchmarks.md").is_file()
    assert not (example / "benchmarks").exists()
    for page in example.rglob("*.html"):
        assert not re.search(r'href="[^"]*benchmarks[/.#"]', page.read_text("utf-8")), page
    index = json.loads((example / "search" / "search_index.json").read_text("utf-8"))
    assert not [d["location"] for d in index["docs"] if d["location"].startswith("benchmarks")]
    assert not [d["location"] for d in index["docs"] if "Hostile shapes" in d["title"]]


@pytest.mark.slow
def test_the_navigation_groups_the_guides_by_reader(example: Path) -> None:
    html = (example / "index.html").read_text("utf-8")
    sections = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>\s*'
                          r'<span class="md-nav__icon', html)
    assert "For authors" in sections
    assert sections[sections.index("For authors") + 1] == "For auditors"
    nav = html[html.index('data-md-level="0"'):]
    authors = nav[nav.index("For authors"):nav.index("For auditors")]
    assert 'href="authoring/"' in authors
    assert 'href="errors/"' in authors
    assert 'href="auditors/"' in nav[nav.index("For auditors"):]


@pytest.mark.slow
def test_the_example_shows_its_own_identity(example: Path) -> None:
    html = (example / "index.html").read_text("utf-8")
    assert "<title>Kestrel Bay Handbook</title>" in html
    assert '<img src="assets/logo.svg" alt="logo">' in html
    assert '<link rel="icon" href="assets/favicon.svg">' in html
    assert "Kestrel Bay Water Cooperative" in html
    assert "Made with" not in html
    assert "Example Handbook" not in html
    assert 'data-md-color-primary="custom"' in html
    assert (example / "assets/logo.svg").is_file()
    assert (example / "assets/favicon.svg").is_file()


def _roles() -> list[str]:
    data = yaml.safe_load((REPO / "sops" / "roles.yml").read_text("utf-8"))
    return sorted((r["name"] for r in data), key=str.casefold)


@pytest.mark.slow
def test_the_front_page_leads_each_role_to_its_curriculum(example: Path) -> None:
    html = (example / "index.html").read_text("utf-8")
    cards = html[html.index('<div class="grid cards">'):]
    cards = cards[:cards.index("</div>")]
    first = cards[:cards.index("I do the work")]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', first)
    assert [name for _, name in links] == _roles()
    for href, name in links:
        assert href.startswith(("training/roles/", "roles/")), (name, href)
        assert (example / href / "index.html").is_file(), href
    curricula = {p.parent.name for p in (example / "training" / "roles").glob("*/index.html")}
    assert {h.split("/")[-2] for h, _ in links if h.startswith("training/")} == curricula
    for wanted in ('href="authoring/"', 'href="catalogue/"', 'href="reviews/"',
                   'href="auditors/#the-evidence-register"', 'href="pdf/"'):
        assert wanted in cards, wanted
    for href in re.findall(r'href="([^"#]+)', cards):
        assert (example / href / "index.html").is_file(), href
