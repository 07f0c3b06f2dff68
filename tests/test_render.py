"""Generated Markdown: golden files per page kind, determinism, and text safety."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml

import generator.render.pages as render_module
from generator.model.handbook import Handbook
from generator.pipeline import check_handbook
from generator.render.cache import PageCache
from generator.render.flowchart import label
from generator.render.i18n import EN, FI
from generator.render.pages import generate
from generator.render.text import markdown, plain
from tests.support import TODAY
from tests.support.mermaid import diagrams, parse_errors

HERE = Path(__file__).parent

GOLDEN = HERE / "golden"
UPDATE = os.environ.get("SOPSITE_UPDATE_GOLDEN") == "1"


def _handbook(name: str) -> Handbook:
    handbook, problems = check_handbook(HERE / "fixtures" / name / "sops", today=TODAY)
    assert problems == []
    return handbook


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return generate(_handbook("site"), today=TODAY).pages


def test_every_page_matches_its_golden_file(pages: dict[str, str]) -> None:
    """Set SOPSITE_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change."""
    if UPDATE:
        for path, text in pages.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(GOLDEN.rglob("*.md"))}
    assert sorted(pages) == sorted(expected)
    for path, text in pages.items():
        assert text == expected[path], f"{path} differs from tests/golden/{path}"


def test_page_set_covers_every_kind(pages: dict[str, str]) -> None:
    assert sorted(pages) == [
        "actions.md", "as-of/2026.md", "as-of/index.md", "catalogue.md", "glossary.md",
        "procedures/index.md",
        "procedures/owner/lead/index.md", "procedures/sop-t-1.md", "procedures/sop-t-2.md",
        "processes/index.md", "processes/level/operational/index.md", "processes/proc-t-1.md",
        "reference/fields.md", "reference/rules.md",
        "retrospectives/index.md", "retrospectives/retro-t-1.md",
        "retrospectives/year/2026/index.md", "reviews.md", "roles/index.md",
        "roles/lead.md", "roles/tech.md", "tags.md",
        "training/checklists/proc-t-1.md", "training/checklists/sop-t-1.md",
        "training/index.md", "training/proc-t-1.md", "training/roles/lead.md",
        "training/roles/tech.md", "training/sop-t-1.md",
    ]


def test_generation_is_deterministic() -> None:
    first = generate(_handbook("site"), today=TODAY)
    second = generate(_handbook("site"), today=TODAY)
    assert first.pages == second.pages
    assert first.nav == second.nav
    assert first == second


def test_a_sink_receives_every_page_and_nothing_is_kept(pages: dict[str, str]) -> None:
    """A one-off build streams pages to disk: the same pages, none held, none cached."""
    received: dict[str, str] = {}

    def sink(path: str, text: str) -> None:
        assert path not in received, f"{path} sent twice"
        received[path] = text

    streamed = generate(_handbook("site"), today=TODAY, sink=sink)
    assert received == pages
    assert streamed.pages == dict.fromkeys(pages, "")


def test_sop_page_has_anchors_links_and_document_control(pages: dict[str, str]) -> None:
    page = pages["procedures/sop-t-1.md"]
    assert "### 1. Verify the caller {#step-verify}" in page
    assert "- *yes* → [3. Reset and hand over](#step-reset)" in page
    assert "**Next:** [1. Verify the caller](#step-verify)" in page
    assert "| Next review | 2026-12-01 |" in page
    assert "| [Technician](../roles/tech.md) | Responsible | Does the reset. |" in page
    assert "- [SOP](../glossary.md#term-sop)" in page
    assert 'click s1 href "#step-verify"' in page
    assert "render_macros: false" in page


def test_finnish_document_gets_finnish_labels(pages: dict[str, str]) -> None:
    page = pages["procedures/sop-t-2.md"]
    assert "## Asiakirjan hallinta" in page
    assert "## Vaiheet" in page
    assert "start([\"Alku\"])" in page
    assert "## Steps" not in page


def test_label_tables_have_the_same_keys() -> None:
    assert sorted(EN) == sorted(FI)


def test_retro_flags_overdue_open_actions_only(pages: dict[str, str]) -> None:
    page = pages["retrospectives/retro-t-1.md"]
    assert "| 2026-12-01 | open |" in page
    # The day after it was due, it is overdue (as ACTION001 says then): the site fixture
    # builds strictly, so it is not overdue on the day the tests run.
    later = generate(_handbook("site"), today=dt.date(2026, 12, 2)).pages
    assert "| 2026-12-01 **overdue** | open |" in later["retrospectives/retro-t-1.md"]
    assert ('| <span class="sopsite-date">2026-12-01</span> **overdue** | open |'
            in later["actions.md"])
    assert "| 2027-01-15 | in progress |" in page
    assert "| 2026-07-10 | done |" in page
    assert "| Escalations | 2 | 5 | per week | Missed |" in page
    assert "| Resets within 15 minutes | 95 | 97 | % | Met |" in page


def test_review_dashboard_and_actions(pages: dict[str, str]) -> None:
    reviews = pages["reviews.md"]
    assert re.search(r"## Due within 30 days\n\n\| Document .*\n.*\n\| \[SOP-T-1: Reset a "
                     r"password\]\(procedures/sop-t-1.md\) .* \| "
                     r'<span class="sopsite-date">2026-12-01</span> \|', reviews)
    actions = pages["actions.md"]
    assert actions.index("**weekend-rota**") < actions.index("**script**")
    assert "**old**" not in actions


def test_risk_matrix_places_each_risk(pages: dict[str, str]) -> None:
    page = pages["processes/proc-t-1.md"]
    grid = re.findall(r'<tr><th scope="row">(\d)</th>(.*?)</tr>', page)
    assert [likelihood for likelihood, _ in grid] == ["5", "4", "3", "2", "1"]
    cells = {(int(likelihood), impact + 1): cell for likelihood, row in grid
             for impact, cell in enumerate(re.findall(r"<td .*?</td>", row))}
    assert len(cells) == 25
    assert ('<span class="sopsite-heat__count">1</span> <span class="sopsite-heat__level">'
            'high</span><span class="sopsite-heat__ids">phishing</span>') in cells[4, 4]
    assert "sopsite-level--high" in cells[4, 4]
    assert "sopsite-heat__ids\">backlog<" in cells[2, 3]
    assert "sopsite-level--medium" in cells[2, 3]
    others = [cell for key, cell in cells.items() if key not in ((4, 4), (2, 3))]
    assert all('<span class="sopsite-heat__count">0</span>' in cell for cell in others)
    assert ("| **phishing**: A caller impersonates staff. | <span class=\"sopsite-risk-score\">"
            "4 \u00d7 4 = **16**</span> "
            "<span class=\"sopsite-level sopsite-level--high\">high</span> |") in page
    assert "  Align stakeholders :p1, 2026-05-01, 2026-05-10" in page
    assert "  Run :p2, 2026-06-01, 1d" in page


def test_every_generated_diagram_parses_with_mermaid(pages: dict[str, str]) -> None:
    sources = [d for text in pages.values() for d in diagrams(text)]
    assert len(sources) == 6  # three flowcharts, one gantt, two training flowcharts
    assert parse_errors(sources) == [None] * len(sources)


def test_mermaid_parser_does_reject_broken_diagrams() -> None:
    """The parser check above can fail: a raw `end` node id is a syntax error."""
    verdicts = parse_errors(["flowchart TD\n  end --> a", "flowchart TD\n  a --> b"])
    assert verdicts[0] is not None
    assert "Parse error" in verdicts[0]
    assert verdicts[1] is None


HOSTILE_TEXT = [
    'quote " and \' apostrophe', "[brackets] (parens) {braces}", "end", "a --> b",
    "%% comment", "#35; hash", "semi; colon:", "`back` ticks", "<b>html</b> &amp;",
    "emoji 🚀 and 日本語 and עברית", "click x call alert(1)", "|pipe|", "\\ backslash",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_labels_keep_hostile_text_inert(text: str) -> None:
    encoded = label(text)
    inner = re.sub(r"#\d+;", "", encoded[1:-1])
    assert encoded.startswith('"')
    assert encoded.endswith('"')
    assert not set(inner) & set('"<>`[]{}|;%\\')


def test_hostile_labels_parse_as_nodes_edges_and_lanes() -> None:
    sources = [
        f"flowchart TD\n  subgraph l[{label(t)}]\n  a[{label(t)}] -->|{label(t)}| "
        f"b{{{label(t)}}}\n  end" for t in HOSTILE_TEXT
    ]
    assert parse_errors(sources) == [None] * len(sources)


def test_hostile_handbook_diagrams_parse_and_pages_stay_inert() -> None:
    pages = generate(_handbook("hostile"), today=TODAY).pages
    for path, page in pages.items():
        meta = yaml.safe_load(page.split("---\n")[1])
        assert meta["render_macros"] is False, path
    assert yaml.safe_load(pages["roles/reviewer.md"].split("---\n")[1])["title"] == (
        "Ωμέγα 審査員 🧪 `tick` [link](x)")
    assert yaml.safe_load(pages["roles/attacker.md"].split("---\n")[1])["title"] == (
        "Mallory &lt;script&gt;alert(&#34;role&#34;)&lt;/script&gt; end --&gt; %% ; #")
    sources = [d for text in pages.values() for d in diagrams(text)]
    assert len(sources) == 3
    assert parse_errors(sources) == [None] * len(sources)
    text = re.sub(r"^```\n.*?^```$", "", "\n".join(pages.values()), flags=re.M | re.S)
    body = re.sub(r"^---\n.*?^---$", "", text, flags=re.M | re.S)  # front matter is data
    for literal in ("<script>", "<img", "<svg", "<iframe", "<b>", "<marquee"):
        assert literal not in body, literal
    for pattern in (r"(?<!\\)\{\{", r"(?<!\\)\{%", r"(?<!\\)\{: onclick"):
        assert not re.search(pattern, body), pattern
    assert "\\{\\{ 7\\*7 \\}\\}" not in body  # * is fine inside: Markdown shows it
    assert "\\{\\{ 7*7 \\}\\}" in body


def test_plain_escapes_markup_and_markdown() -> None:
    assert plain("<b>x</b> *y* [z](u) | {a} #1") == (
        "&lt;b&gt;x&lt;/b&gt; \\*y\\* \\[z\\](u) \\| \\{a\\} \\#1"
    )
    assert plain("1. not a list") == "1\\. not a list"
    assert plain("line\nbreak") == "line break"


def test_markdown_keeps_formatting_and_code_but_not_html() -> None:
    assert markdown("**bold** <i>x</i> `<i>code</i>`") == (
        "**bold** &lt;i>x&lt;/i> `<i>code</i>`"
    )
    # Links are Markdown: what their URLs may be is the sanitiser's job (test_sanitise.py).
    assert markdown("[a](javascript:alert(1)) [b](https://example.org)") == (
        "[a](javascript:alert(1)) [b](https://example.org)"
    )
    assert markdown("{{ config }} {: onclick=x }") == "\\{\\{ config \\}\\} \\{: onclick=x \\}"
    assert markdown("```\n<b>{{x}}</b>\n```") == "```\n<b>{{x}}</b>\n```"


def test_navigation_lists_at_most_the_limit_per_level() -> None:
    from generator.model import Sop
    from generator.render import site

    # One model per SOP would cost more than the plan; the plan reads ids, kinds and owners.
    template = Sop.model_construct(id="SOP-0", kind="sop", owner="r0")

    def plan(count: int) -> site.Plan:
        docs = [template.model_copy(update={"id": f"SOP-{i:05}", "owner": f"r{i % 3}"})
                for i in range(count)]
        docs += [template.model_copy(update={"id": "SOP-SMALL", "owner": "small"})]
        names = {"r0": "Role 0", "r1": "Role 1", "r2": "Role 2", "small": "Small"}
        return site.plan(docs, names)

    small = plan(site.SECTION_LIMIT - 1)
    assert small.nav[0]["Procedures"][4] == {
        "Small": ["procedures/owner/small/index.md", "procedures/sop-small.md"]}
    assert small.unlisted == frozenset()
    large = plan(5000)
    # Past the limit, no procedure is listed, not even one of a small group.
    assert large.nav[0]["Procedures"] == [
        "procedures/index.md",
        {"Role 0": ["procedures/owner/r0/index.md"]},
        {"Role 1": ["procedures/owner/r1/index.md"]},
        {"Role 2": ["procedures/owner/r2/index.md"]},
        {"Small": ["procedures/owner/small/index.md"]},
    ]
    assert len(large.unlisted) == 5001
    assert [len(g.documents) for g in large.groups] == [1667, 1667, 1666, 1]
    # Each opens the sidebar at its group, whose page is at home in the section.
    assert large.homes["procedures/sop-small.md"] == "procedures/owner/small/index.md"
    assert large.homes["procedures/owner/small/index.md"] == "procedures/index.md"


@pytest.mark.parametrize(("source", "target"), [
    ("procedures/sop-a.md", "roles/x.md"), ("a.md", "b.md"), ("glossary.md", "x/y/z.md"),
    ("training/roles/x.md", "training/sop.md"), ("procedures/x/v1.0.md", "procedures/x.md"),
    ("as-of/index.md", "procedures/x/v1.0.md"), ("x/y/z.md", "x/y/w.md"), ("a/b.md", "a.md"),
])
def test_relative_links_match_posixpath(source: str, target: str) -> None:
    import posixpath

    from generator.render.site import relative

    assert relative(source, target) == posixpath.relpath(target, posixpath.dirname(source) or ".")


def test_cached_document_pages_equal_a_fresh_generation(tmp_path: Path) -> None:
    """Under serve, unchanged documents reuse their pages (and the role, curriculum and
    month-end pages built from them); the result must not differ."""
    import shutil

    shutil.copytree(HERE / "fixtures" / "site" / "sops", tmp_path / "sops")
    kept = PageCache()
    generate(check_handbook(tmp_path / "sops", today=TODAY)[0], today=TODAY, cache=kept)
    sop = tmp_path / "sops" / "sop-en.yml"
    sop.write_text(sop.read_text("utf-8").replace("title: Print", "title: Print").replace(
        "    title: Reset and hand over", "    title: Reset, then hand over"), "utf-8")
    process = tmp_path / "sops" / "process.yml"
    process.write_text(process.read_text("utf-8").replace(
        "title: Account lifecycle", "title: Account life cycle"), "utf-8")
    changed = check_handbook(tmp_path / "sops", today=TODAY)[0]
    warm = generate(changed, today=TODAY, cache=kept).pages
    cold = generate(changed, today=TODAY).pages
    assert warm == cold
    assert "Reset, then hand over" in warm["procedures/sop-t-1.md"]
    assert "PROC-T-1: Account life cycle" in warm["procedures/sop-t-1.md"]  # a related link
    assert "Reset, then hand over" in warm["roles/tech.md"]


def test_a_changed_translation_alone_regenerates_the_finnish_pages(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(HERE / "fixtures" / "site" / "sops", tmp_path / "sops")
    kept = PageCache()
    before = generate(check_handbook(tmp_path / "sops", today=TODAY)[0], today=TODAY,
                      cache=kept).pages
    assert "[Teknikko]" in before["procedures/sop-t-2.md"]
    people = tmp_path / "sops" / "people.yml"
    people.write_text(people.read_text("utf-8").replace("{name: Teknikko}", "{name: Asentaja}"),
                      "utf-8")
    changed = check_handbook(tmp_path / "sops", today=TODAY)[0]
    warm = generate(changed, today=TODAY, cache=kept).pages
    assert warm == generate(changed, today=TODAY).pages
    assert "[Asentaja]" in warm["procedures/sop-t-2.md"]
    assert 'subgraph lane1["Asentaja"]' in warm["procedures/sop-t-2.md"]
    assert "*Finnish (suomi):* Asentaja" in warm["roles/tech.md"]


@pytest.mark.parametrize(("old", "new", "page", "shows"), [
    ("effective: 2026-06-01", "effective: 2026-06-02", "catalogue.md", "2026-06-02"),
    ("review_every: 6", "review_every: 3", "catalogue.md", "2026-09-01"),
    ("terms: [sop]", "terms: []", "glossary.md", None),
    ("  time: 30m", "  time: 45m", "training/index.md", "| 45m |"),
    ("  audience: [tech, lead]", "  audience: [lead]", "training/index.md", None),
    ("title: Reset a password", "title: Reset a passphrase", "glossary.md", "Reset a passphrase"),
], ids=["effective", "review-cycle", "terms", "training-time", "audience", "title"])
def test_index_pages_kept_between_builds_follow_what_they_list(
    tmp_path: Path, old: str, new: str, page: str, shows: str | None
) -> None:
    """The catalogue, glossary and training index are reused when what they list did not
    change; each edit here changes something one of them lists."""
    import shutil

    shutil.copytree(HERE / "fixtures" / "site" / "sops", tmp_path / "sops")
    kept = PageCache()
    before = generate(check_handbook(tmp_path / "sops", today=TODAY)[0], today=TODAY,
                      cache=kept).pages
    sop = tmp_path / "sops" / "sop-en.yml"
    text = sop.read_text("utf-8")
    assert text.count(old) == 1
    sop.write_text(text.replace(old, new), "utf-8")
    changed = check_handbook(tmp_path / "sops", today=TODAY)[0]
    warm = generate(changed, today=TODAY, cache=kept).pages
    cold = generate(changed, today=TODAY).pages
    assert warm == cold
    assert warm[page] != before[page]
    if shows is not None:
        assert shows in warm[page]


def test_a_finnish_document_names_roles_and_terms_in_finnish() -> None:
    """The example handbook's Finnish SOP: translated names where roles and terms have them,
    the English name where they do not; English documents keep English names."""
    handbook, problems = check_handbook(HERE.parent / "sops", today=TODAY)
    assert problems == []
    pages = generate(handbook, today=TODAY).pages
    finnish = next(e.item for e in handbook.documents if e.item.language == "fi")
    page = pages[render_module.site.doc_path(finnish)]
    assert "[Projektipäällikkö](../roles/project-manager.md)" in page
    assert "[Project Manager]" not in page
    assert 'subgraph lane1["Projektipäällikkö"]' in page
    module = pages[render_module.site.module_path(finnish)]
    assert "[Avainkäyttäjä](../glossary.md#term-key-user)" in module
    assert "Käyttäjätiimin kokenut jäsen" in module
    assert "An experienced member of a user team" not in module
    english = pages["procedures/sop-it-ci.md"]
    assert "[Level 1 Technician]" in english
    assert "Projektipäällikkö" not in english
    glossary = pages["glossary.md"]
    assert "*Finnish (suomi):* **Avainkäyttäjä**" in glossary
