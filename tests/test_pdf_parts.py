"""The parts of `sopsite pdf` that need no browser: which files the printing browser may
load, what the header, footer, watermark and cover say (escaped), and the `pdf` option."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.pdf.chromium import ORIGIN, ChromiumMissingError, Guard, chromium_binary
from generator.pdf.controls import Controlled, Stamp, cover, footer, header, watermark
from generator.pipeline import ConfigError, Options, PdfSettings

HOSTILE = '<img src=x onerror="alert(1)">'


def controlled(**given: object) -> Controlled:
    values: dict[str, object] = {
        "id": "SOP-X", "title": "A title", "kind": "sop", "version": "1.2",
        "status": "effective", "effective": dt.date(2026, 5, 4), "language": "en",
        "source": "procedures/sop-x.md"}
    values.update(given)
    return Controlled(**values)  # type: ignore[arg-type]


STAMP = Stamp("Handbook <b>", "abc123", dt.date(2026, 12, 2), {})


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "sub").mkdir(parents=True)
    (root / "index.html").write_text("home", encoding="utf-8")
    (root / "sub" / "index.html").write_text("sub", encoding="utf-8")
    (root / "search").mkdir()
    (root / "search" / "search_index.json").write_text("{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "linked.txt").symlink_to(tmp_path / "secret.txt")
    (root / "inside.txt").symlink_to(root / "index.html")
    return root


@pytest.mark.parametrize(("url", "expected"), [
    (ORIGIN, "index.html"),
    (ORIGIN + "sub/", "sub/index.html"),
    (ORIGIN + "sub", "sub/index.html"),
    (ORIGIN + "sub/index.html?x=1#top", "sub/index.html"),
    (ORIGIN + "inside.txt", "inside.txt"),
])
def test_the_guard_serves_the_sites_files(site: Path, url: str, expected: str) -> None:
    found = Guard(site.resolve()).file_for(url)
    assert found == site.resolve() / expected


@pytest.mark.parametrize("url", [
    "http://example.com/", "file:///etc/passwd", "http://127.0.0.1:8000/index.html",
    "data:text/html,hi", ORIGIN + "%2e%2e/secret.txt", ORIGIN + "sub/%2e%2e/%2e%2e/secret.txt",
    ORIGIN + "linked.txt", ORIGIN + "missing.html", ORIGIN + "sub%5C..%5C..%5Csecret.txt",
    ORIGIN + "index.html%00.png", ORIGIN + "search/search_index.json",
    "http://sopsite-print.invalid.example.com/index.html",
])
def test_the_guard_refuses_everything_else(site: Path, url: str) -> None:
    assert Guard(site.resolve()).file_for(url) is None


def test_header_and_footer_escape_author_text() -> None:
    made = header(controlled(title=HOSTILE, version="1.0"))
    assert "<img" not in made
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in made
    assert "<b>SOP-X</b> v1.0" in made
    assert "Status: effective · Effective: 2026-05-04" in made
    stamp = Stamp("H", "abc", dt.date(2026, 12, 2), {"en": "<script>x</script>"})
    assert "<script>" not in footer(stamp, "en")
    assert "&lt;script&gt;x&lt;/script&gt;" in footer(stamp, "en")


def test_the_footer_counts_pages_in_the_documents_language() -> None:
    assert ('Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
            in footer(STAMP, "en"))
    finnish = footer(STAMP, "fi")
    assert 'Sivu <span class="pageNumber"></span>/<span class="totalPages"></span>' in finnish
    assert "<b>Tulosteena ohjaamaton kopio</b>" in finnish
    assert "commit abc123 · koottu 2026-12-02" in finnish


def test_a_configured_notice_replaces_the_labels_per_language() -> None:
    stamp = Stamp("H", "abc", dt.date(2026, 12, 2), {"fi": "Oma teksti"})
    assert "<b>Oma teksti</b>" in footer(stamp, "fi")
    assert "<b>Uncontrolled when printed</b>" in footer(stamp, "en")


@pytest.mark.parametrize(("status", "language", "expected"), [
    ("effective", "en", None), ("draft", "en", "draft"), ("in-review", "en", "in review"),
    ("imported", "en", "imported (unsigned)"), ("superseded", "en", "superseded"),
    ("retired", "en", "retired"), ("draft", "fi", "luonnos"), ("effective", "fi", None),
])
def test_only_a_document_in_force_has_no_watermark(status: str, language: str,
                                                   expected: str | None) -> None:
    assert watermark(controlled(status=status, language=language)) == expected


def test_the_cover_escapes_and_links_each_chapter() -> None:
    docs = [controlled(title=HOSTILE), controlled(id="SOP-Y", status="draft")]
    made = cover(STAMP, docs, [3, 9])
    assert "<img" not in made
    assert "Handbook &lt;b&gt;" in made
    assert "<script" not in made
    assert 'href="http://sopsite-chapter.invalid/0"' in made
    assert 'href="http://sopsite-chapter.invalid/1"' in made
    assert "v1.2 · draft</span><span>9</span>" in made
    assert "2 documents" in made


def test_the_pdf_option_defaults() -> None:
    assert PdfSettings.read(None) == PdfSettings({}, "A4")
    assert Options.from_plugin({}, Path()).pdf == PdfSettings()


def test_the_pdf_option_as_written() -> None:
    assert PdfSettings.read({"notice": "Copy", "paper": "Letter"}) == PdfSettings(
        {"en": "Copy", "fi": "Copy"}, "Letter")
    read = Options.from_plugin({"pdf": {"notice": {"fi": "Kopio"}}}, Path())
    assert read.pdf == PdfSettings({"fi": "Kopio"}, "A4")


@pytest.mark.parametrize(("value", "message"), [
    ("A4", "mkdocs.yml: expected the sopsite option 'pdf' as a mapping of 'notice' and "
           "'paper', e.g. pdf: {notice: Uncontrolled when printed, paper: A4}; found 'A4'"),
    ({"notise": "x"}, "mkdocs.yml: expected the sopsite option 'pdf' as a mapping of "
                      "'notice' and 'paper', e.g. pdf: {notice: Uncontrolled when printed, "
                      "paper: A4}; found {'notise': 'x'}"),
    ({"paper": "A6"}, "mkdocs.yml: expected pdf.paper as one of A4, Letter, Legal, A3, A5; "
                      "found 'A6'"),
    ({"notice": {"sv": "Kopia"}}, "mkdocs.yml: expected pdf.notice as text, or a mapping of "
                                  "a language (en, fi) to text; found {'sv': 'Kopia'}"),
    ({"notice": {"fi": " "}}, "mkdocs.yml: expected pdf.notice as text, or a mapping of a "
                              "language (en, fi) to text; found {'fi': ' '}"),
])
def test_a_pdf_option_that_cannot_be_used(value: object, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        PdfSettings.read(value)
    assert raised.value.message == message


def test_chromium_from_the_environment_or_path(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    binary = tmp_path / "chromium"
    binary.write_text("#!/bin/sh\n", encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setenv("SOPSITE_CHROMIUM", str(binary))
    assert chromium_binary() == str(binary)
    monkeypatch.delenv("SOPSITE_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium_binary() == str(binary)


def test_no_chromium_says_how_to_get_one(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOPSITE_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumMissingError) as raised:
        chromium_binary()
    assert raised.value.message == (
        "PDFs are printed with Chromium and none was found: install it (Debian: apt-get "
        "install chromium, or 'make chromium') or set SOPSITE_CHROMIUM to a Chromium binary")
    assert raised.value.exit_code == 2
