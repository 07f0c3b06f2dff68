"""Tables that fit their content (issue #19), without a browser: risk levels, the one
status vocabulary, and the built example site, where every column is headed and no page
shows a status as the YAML spells it."""

from __future__ import annotations

import csv
import html.parser
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest

from generator.model.documents import RISK_LEVELS, ActionItem, Risk, risk_level
from generator.model.fields import Status
from generator.pipeline import check_handbook
from generator.render import i18n
from generator.render.i18n import STATUSES, status_key, status_label
from generator.render.register import register_files
from generator.render.risks import heat_map
from tests.support import REPO, TODAY
from tests.support.browser import build, copy_handbook

TEMPLATES = Path(__file__).parent.parent / "generator" / "templates"

AUTHOR_DOCS = ("authoring/", "reference/", "errors/")
"""Pages for authors that name a status as it is written in YAML (`status: in-progress`)."""


# --- risk levels ---------------------------------------------------------------------------


@pytest.mark.parametrize(("likelihood", "impact", "level"), [
    (1, 1, "low"), (1, 4, "low"), (2, 2, "low"), (4, 1, "low"),
    (1, 5, "medium"), (5, 1, "medium"), (2, 3, "medium"), (3, 3, "medium"),
    (2, 5, "significant"), (5, 2, "significant"), (3, 4, "significant"),
    (4, 3, "significant"),
    (3, 5, "high"), (5, 3, "high"), (4, 4, "high"), (4, 5, "high"), (5, 5, "high"),
])
def test_risk_level_bands(likelihood: int, impact: int, level: str) -> None:
    assert risk_level(likelihood, impact) == level


def test_risk_level_bands_cover_every_score_once() -> None:
    """Low 1-4, medium 5-9, significant 10-14, high 15-25, on the whole 5 x 5 grid."""
    assert [top for top, _ in RISK_LEVELS] == [4, 9, 14, 25]
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            expected = ("low" if score <= 4 else "medium" if score <= 9
                        else "significant" if score <= 14 else "high")
            assert risk_level(likelihood, impact) == expected, (likelihood, impact)


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (3, 0), (6, 1), (1, 6)])
def test_risk_level_refuses_values_off_the_scales(likelihood: int, impact: int) -> None:
    with pytest.raises(ValueError, match="Expected likelihood and impact from 1 to 5"):
        risk_level(likelihood, impact)


def test_an_unscored_risk_has_no_level() -> None:
    assert Risk(id="r", description="d").level is None
    assert Risk(id="r", description="d", likelihood=3, impact=5).level == "high"


# --- the status vocabulary -----------------------------------------------------------------


def test_the_vocabulary_is_every_status_the_model_allows() -> None:
    action_statuses = get_args(ActionItem.model_fields["status"].annotation)
    assert set(STATUSES) == set(get_args(Status)) | set(action_statuses)


@pytest.mark.parametrize("language", ["en", "fi"])
def test_every_status_has_one_label_without_the_yaml_spelling(language: str) -> None:
    words = [status_label(status, language) for status in STATUSES]
    assert len(set(words)) == len(STATUSES)
    assert all("-" not in word for word in words)
    assert status_label("in-progress", "en") == "in progress"
    assert status_label("in-review", "en") == "in review"
    assert status_label("in-progress", "fi") == "käynnissä"


def test_an_unknown_status_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError, match="Expected one of draft, in-review"):
        status_key("pending")


def test_no_status_is_printed_as_a_word_key_or_raw_value() -> None:
    """A template prints a status only through status_label: a raw `{{ x.status }}` or
    `words[x.status]` would show `in-progress` on one page and `in progress` on the next."""
    found = []
    for template in sorted(TEMPLATES.rglob("*.j2")):
        text = template.read_text("utf-8")
        found += [(template.name, m) for m in re.findall(
            r"words\[[^\]]*status[^\]]*\]|\{\{ *(?!words\.)[\w.]*\.status *\}\}", text)]
    assert found == []
    # The old keys named by the status are gone; two words stay as headings, not as
    # status labels: the `Effective` column and a frozen page's "superseded".
    assert [key for key in STATUSES if key in i18n.EN] == ["effective", "superseded"]
    assert i18n.EN["effective"] == "Effective"


# --- the built example site ----------------------------------------------------------------


class _Cells(html.parser.HTMLParser):
    """The text of every `<th>` of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "th":
            self._depth += 1
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "th" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.headings[-1] += data


class _Text(html.parser.HTMLParser):
    """The visible text of a page's article: no tags, scripts or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self._in_article += 1
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_article -= 1
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_article and not self._skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("tables-site")
    return build(copy_handbook(base / "book") / "mkdocs.yml", base / "site")


def _pages(site: Path) -> Iterator[tuple[str, str]]:
    for page in sorted(site.rglob("*.html")):
        yield page.relative_to(site).as_posix(), page.read_text("utf-8")


@pytest.mark.slow
def test_every_column_of_every_page_is_headed(site: Path) -> None:
    empty = []
    tables = 0
    for name, text in _pages(site):
        cells = _Cells()
        cells.feed(text)
        tables += text.count("<table")
        empty += [name for heading in cells.headings if not heading.strip()]
    assert tables > 50  # the scan read the site's tables
    assert empty == []


@pytest.mark.slow
def test_no_generated_page_shows_a_status_as_yaml_spells_it(site: Path) -> None:
    raw = re.compile(r"\bin-(?:progress|review)\b")
    seen: list[str] = []
    shown = 0
    for name, text in _pages(site):
        if name.startswith(AUTHOR_DOCS):
            continue
        reader = _Text()
        reader.feed(text)
        words = " ".join(reader.parts)
        seen += [f"{name}: {m}" for m in raw.findall(words)]
        shown += words.count("in progress") + words.count("in review")
    assert shown > 0  # the statuses are there, in the reader's words
    assert seen == []


@pytest.mark.slow
def test_the_same_word_for_a_status_on_every_page(site: Path) -> None:
    """The action list, the retrospective and the register say the same for one action
    and one document."""
    actions = (site / "actions" / "index.html").read_text("utf-8")
    retro = (site / "retrospectives" / "retro-sw-rollout-2026-09" / "index.html"
             ).read_text("utf-8")
    assert "<td>in progress</td>" in actions
    assert "<td>in progress</td>" in retro
    handbook, _ = check_handbook(REPO / "sops", today=TODAY)
    files = register_files(handbook, None)
    languages = {e.item.id: e.item.language for e in handbook.documents}
    assert "fi" in languages.values()  # a Finnish document's register row says it in Finnish
    for name in ("register.csv", "revisions.csv"):
        rows = list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))
        assert rows, name
        assert all(r["status_label"] == status_label(r["status"], languages[r["id"]])
                   for r in rows), name
    documents = csv.DictReader(io.StringIO(files["register.csv"].decode("utf-8-sig")))
    assert "imported (unsigned)" in {r["status_label"] for r in documents}


@pytest.mark.slow
def test_the_risks_table_says_each_level_in_words(site: Path) -> None:
    page = (site / "processes" / "proc-sw-rollout" / "index.html").read_text("utf-8")
    table = page[page.index("sopsite-table--risks"):]
    table = table[:table.index("</table>")]
    levels = re.findall(r'<span class="sopsite-level sopsite-level--(\w+)">(\w+)</span>', table)
    assert levels
    assert all(kind == word for kind, word in levels)
    scores = re.findall(r"(\d) \u00d7 (\d) = <strong>(\d+)</strong>", table)
    assert [risk_level(int(a), int(b)) for a, b, _ in scores] == [kind for kind, _ in levels]
    assert all(int(a) * int(b) == int(s) for a, b, s in scores)


# --- the heat map, rendered ----------------------------------------------------------------


def test_the_heat_map_counts_each_cell_and_escapes_the_ids() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    risks = [Risk(id=hostile, description="d", likelihood=5, impact=5),
             Risk(id="b", description="d", likelihood=5, impact=5),
             Risk(id="c", description="d", likelihood=1, impact=2),
             Risk(id="unscored", description="d")]
    page = str(heat_map(risks, i18n.labels("en")))
    assert "<img" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;, b" in page
    counts = re.findall(r'sopsite-level--(\w+) sopsite-heat[^"]*" title="[^"]*">'
                        r'<span class="sopsite-heat__count">(\d+)</span>', page)
    assert len(counts) == 25
    assert counts[4] == ("high", "2")  # likelihood 5, impact 5: the top right cell
    assert counts[21] == ("low", "1")  # likelihood 1, impact 2
    assert sum(int(n) for _, n in counts) == 3  # the unscored risk is in no cell
    assert "unscored" not in page


def test_the_heat_map_speaks_finnish_for_a_finnish_process() -> None:
    page = str(heat_map([Risk(id="r", description="d", likelihood=4, impact=4)],
                        i18n.labels("fi")))
    assert '<span class="sopsite-heat__level">korkea</span>' in page
    assert "Todennäköisyys ↓ / Vaikutus →" in page
    assert [w for w in ("matala", "kohtalainen", "merkittävä", "korkea") if w in page] == [
        "matala", "kohtalainen", "merkittävä", "korkea"]
