"""`sopsite pdf`: controlled copies of the example handbook, read back with pypdf and pdftotext.

The handbook is copied into a fresh git repository (so the copies have a commit to state and
a commit time to carry), with PROC-HOME-BORSCHT turned into a draft and the Finnish notice
worded in mkdocs.yml; the site is built once, then printed twice from that one build with
the real command (`sopsite pdf --site`), so the second print shows what is reproducible.
"""

from __future__ import annotations

import datetime as dt
import http.server
import io
import os
import re
import subprocess
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pypdf import PdfReader

from tests.support import REPO, TODAY_ARG
from tests.support.build import build, make_project, sopsite

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FI_NOTICE = "Tulostettu kopio ei ole ohjattu"
"""The Finnish notice as the fixture's mkdocs.yml words it (English keeps the labels')."""
DOCUMENTS = ("SOP-CS-USERS", "SOP-IT-CERT", "SOP-IT-CI", "PROC-HOME-BORSCHT", "PROC-SW-ROLLOUT",
             "RETRO-SW-ROLLOUT-2026-09", "PM-HOME-BORSCHT-2026-11")
"""The example handbook's documents in the handbook's order: SOPs, processes, retros,
post-mortems, each by id."""
SITE_URL = "http://127.0.0.1:8000/"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


@dataclass(frozen=True)
class Printed:
    project: Path
    out: Path
    again: Path
    commit: str
    built: str
    """The build day stated on every page (the day of the run, UTC)."""
    stderr: str


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    project = tmp_path_factory.mktemp("pdf")
    config = make_project(project, REPO / "sops", docs=REPO / "docs")
    borscht = project / "sops" / "processes" / "PROC-HOME-BORSCHT.yml"
    borscht.write_text(borscht.read_text(encoding="utf-8").replace(
        "\nstatus: effective\n", "\nstatus: draft\n", 1), encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("      sops: sops\n", "      sops: sops\n      pdf:\n"
                                   f"        notice: {{fi: {FI_NOTICE}}}\n", 1),
                      encoding="utf-8")
    (project / ".gitignore").write_text(".sopsite-cache/\nsite/\nout*/\n", encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "config", "user.name", "Test Author")
    git(project, "config", "user.email", "author@example.org")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "The example handbook")
    site = build(config, project / "site")
    runs = [sopsite("pdf", "--site", site, "--out", out, cwd=project, today=TODAY_ARG)
            for out in ("out", "out-again")]
    for run in runs:
        assert run.returncode == 0, run.stderr
    return Printed(project, project / "out", project / "out-again",
                   git(project, "rev-parse", "HEAD")[:12],
                   dt.datetime.now(dt.UTC).date().isoformat(), runs[0].stderr)


def pages_text(path: Path) -> list[str]:
    """Each page's text, whitespace collapsed and ligatures (ﬀ) as letters."""
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text()))
            for page in PdfReader(path).pages]


def pdftotext(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def test_every_document_and_the_handbook_are_printed(printed: Printed) -> None:
    names = sorted(path.name for path in printed.out.iterdir())
    assert names == sorted([f"{doc}.pdf" for doc in DOCUMENTS] + ["handbook.pdf"])
    assert "pdf 1/7" not in printed.stderr  # no progress line when stderr is not a TTY


def test_the_sops_header_and_footer_are_on_every_page(printed: Printed) -> None:
    pages = pages_text(printed.out / "SOP-IT-CI.pdf")
    assert len(pages) >= 5
    for number, text in enumerate(pages, 1):
        assert "SOP-IT-CI v2.1 · Continuous improvement" in text, number
        assert "Status: effective · Effective: 2026-11-16" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
        assert f"commit {printed.commit} · built {printed.built}" in text, number
        assert "Uncontrolled when printed" in text, number
        assert "DRAFT" not in text, number
        assert "IMPORTED" not in text, number


def test_the_page_count_agrees_with_poppler(printed: Printed) -> None:
    path = printed.out / "SOP-IT-CI.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert pages == len(PdfReader(path).pages)
    assert "Creator:         sopsite (Chromium, pypdf)" in info.stdout


def test_bookmarks_are_the_documents_headings_where_they_are(printed: Printed) -> None:
    reader = PdfReader(printed.out / "SOP-IT-CI.pdf")
    marks = outline(reader)
    assert marks[0] == (0, "SOP-IT-CI: Continuous improvement of software deployment", 0)
    titles = [title for depth, title, _ in marks if depth == 1]
    for heading in ("Document control", "Purpose", "Scope", "Roles", "Flowchart", "Steps",
                    "Change history"):
        assert heading in titles
    texts = pages_text(printed.out / "SOP-IT-CI.pdf")
    for depth, title, page in marks:
        assert title in texts[page], (title, page)
        assert depth in (0, 1, 2)


def test_the_flowchart_is_drawn_as_vector_graphics(printed: Printed) -> None:
    reader = PdfReader(printed.out / "SOP-IT-CI.pdf")
    marks = {title: page for _, title, page in outline(reader)}
    drawn = range(marks["Flowchart"], marks["Steps"] + 1)
    curves: dict[int, int] = {}
    for index in drawn:
        page = reader.pages[index]
        content = page.get_contents()
        assert content is not None
        curves[index] = len(re.findall(rb" c\n", content.get_data()))
        images = [name for name, x in (page["/Resources"].get("/XObject") or {}).items()
                  if x.get_object().get("/Subtype") == "/Image"]
        assert images == [], index
    diagram = max(curves, key=lambda index: curves[index])
    assert curves[diagram] > 500  # Mermaid's arrows and rounded boxes, as paths
    # The boxes' labels are text (it can be found and copied), not pixels.
    assert "Prepare feedback and suggestions" in pages_text(
        printed.out / "SOP-IT-CI.pdf")[diagram]


def test_links_go_to_the_site_or_inside_the_file(printed: Printed) -> None:
    reader = PdfReader(printed.out / "SOP-IT-CI.pdf")
    uris, internal = [], 0
    for page in reader.pages:
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            if "/Dest" in annotation:
                target = annotation["/Dest"]
                assert reader.get_page_number(target[0].get_object()) >= 0
                internal += 1
            else:
                uris.append(str(annotation["/A"]["/URI"]))
    assert internal >= 5  # steps' "next" links and the flow's jumps stay in the document
    assert f"{SITE_URL}roles/it-director/" in uris
    assert "tel:+358942421000" in uris
    assert not [uri for uri in uris if "invalid" in uri]


def test_the_handbook_holds_every_document(printed: Printed) -> None:
    path = printed.out / "handbook.pdf"
    text = pdftotext(path)
    for doc in DOCUMENTS:
        assert doc in text
    reader = PdfReader(path)
    first = pages_text(path)[0]
    assert "Kestrel Bay Handbook" in first
    assert f"commit {printed.commit}" in first
    assert f"built {printed.built}" in first
    assert "7 documents" in first
    top = [(title, page) for depth, title, page in outline(reader) if depth == 0]
    assert top[0] == ("Contents", 0)
    assert [title.split(":")[0] for title, _ in top[1:]] == list(DOCUMENTS)
    for title, page in top[1:]:
        assert f"{title.split(':')[0]} v" in reader.pages[page].extract_text()
        assert re.search(r"Page 1 of|Sivu 1/", reader.pages[page].extract_text())


def test_the_handbooks_contents_jump_to_each_chapter(printed: Printed) -> None:
    reader = PdfReader(printed.out / "handbook.pdf")
    starts = {title.split(":")[0]: page for depth, title, page in outline(reader)
              if depth == 0 and title != "Contents"}
    jumps = []
    for page in reader.pages[:min(starts.values())]:
        for reference in page.get("/Annots") or []:
            action = reference.get_object()["/A"]
            assert action["/S"] == "/GoTo"
            jumps.append(reader.get_page_number(action["/D"][0].get_object()))
    assert jumps == list(starts.values())
    contents = pdftotext(printed.out / "handbook.pdf").split("\f")[1]
    for doc, start in starts.items():
        assert re.search(rf"{doc}\b.*\b{start + 1}\s*$", contents, re.MULTILINE), doc


def test_a_draft_carries_its_watermark_on_every_page(printed: Printed) -> None:
    pages = pages_text(printed.out / "PROC-HOME-BORSCHT.pdf")
    assert len(pages) > 3
    for number, text in enumerate(pages, 1):
        assert "DRAFT" in text, number
        assert "Status: draft" in text, number


def test_an_imported_document_is_marked_unsigned_on_every_page(printed: Printed) -> None:
    for number, text in enumerate(pages_text(printed.out / "SOP-IT-CERT.pdf"), 1):
        assert "IMPORTED (UNSIGNED)" in text, number


def test_a_finnish_document_has_finnish_labels(printed: Printed) -> None:
    pages = pages_text(printed.out / "SOP-CS-USERS.pdf")
    for number, text in enumerate(pages, 1):
        assert f"Sivu {number}/{len(pages)}" in text, number
        assert "Tila: voimassa · Voimassa alkaen:" in text, number
        assert FI_NOTICE in text, number
        assert f"commit {printed.commit} · koottu {printed.built}" in text, number
        assert "Uncontrolled" not in text, number
        assert "Page " not in text, number


def test_two_prints_of_one_commit_are_byte_identical(printed: Printed) -> None:
    for path in sorted(printed.out.iterdir()):
        assert path.read_bytes() == (printed.again / path.name).read_bytes(), path.name
    commit_time = git(printed.project, "log", "-1", "--format=%cd",
                      "--date=format-local:%Y%m%d%H%M%S")
    info = PdfReader(printed.out / "SOP-IT-CI.pdf").metadata
    assert info is not None
    assert info["/CreationDate"] == info["/ModDate"] == f"D:{commit_time}+00'00'"


def test_source_date_epoch_fixes_the_time_and_build_day(printed: Printed,
                                                        tmp_path: Path) -> None:
    run = subprocess.run(
        [str(REPO / ".venv" / "bin" / "sopsite"), "pdf", "--site", str(printed.project / "site"),
         "--out", str(tmp_path)], cwd=printed.project, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600",
             "SOPSITE_TODAY": TODAY_ARG}, check=False)
    assert run.returncode == 0, run.stderr
    info = PdfReader(tmp_path / "RETRO-SW-ROLLOUT-2026-09.pdf").metadata
    assert info is not None
    assert info["/CreationDate"] == "D:20260101000000+00'00'"
    assert "built 2026-01-01" in pages_text(tmp_path / "RETRO-SW-ROLLOUT-2026-09.pdf")[0]


def test_no_chromium_is_a_clear_error(printed: Printed, tmp_path: Path) -> None:
    run = subprocess.run(
        [str(REPO / ".venv" / "bin" / "sopsite"), "pdf", "--site", str(printed.project / "site"),
         "--out", str(tmp_path / "none")], cwd=printed.project, capture_output=True, text=True,
        env={**os.environ, "SOPSITE_CHROMIUM": str(tmp_path / "no-chromium"),
             "SOPSITE_TODAY": TODAY_ARG}, check=False)
    assert run.returncode == 2
    assert run.stderr == (f"sopsite: pdf failed: SOPSITE_CHROMIUM={tmp_path / 'no-chromium'} "
                          "is not a file; point it to a Chromium binary, or unset it to use "
                          "'chromium' from PATH\n")
    assert not (tmp_path / "none").exists()


# --- a hostile page ---------------------------------------------------------------------


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"leaked")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that records every request that reaches it."""
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Counting.hits
    finally:
        server.shutdown()
        server.server_close()


def test_a_hostile_page_reaches_nothing_outside_the_site(
        tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    from generator.pdf.chromium import Sheet, printer

    address, hits = listener
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP-SECRET-OUTSIDE", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "linked.txt").symlink_to(outside)
    (site / "ok.css").write_text("body { color: #222 }", encoding="utf-8")
    (site / "index.html").write_text(f"""<!doctype html><html><head>
<link rel="stylesheet" href="ok.css"><link rel="stylesheet" href="{address}/style.css">
<script src="{address}/script.js"></script>
<script>fetch("{address}/fetch").catch(() => {{}});
  fetch("http://example.com/x").catch(() => {{}});
  new Image().src = "{address}/image";
  fetch("linked.txt").then(r => r.text()).then(t => document.body.append(t));
  fetch("/%2e%2e/secret.txt").then(r => r.text()).then(t => document.body.append(t));
</script></head><body><h1 id="t">Hostile</h1>
<img src="http://example.com/pixel.png"><iframe src="file:///etc/passwd"></iframe>
<iframe src="{address}/frame"></iframe><iframe src="linked.txt"></iframe>
</body></html>""", encoding="utf-8")
    with printer(site) as browser:
        made = browser.print_page("index.html", Sheet("A4", "<span></span>", "<span></span>"))
        browser.page.wait_for_timeout(500)
        refused = list(browser.guard.refused)
    assert hits == []
    assert f"{address}/fetch" in refused
    assert "http://example.com/x" in refused
    assert "http://example.com/pixel.png" in refused
    assert any(url.endswith("/linked.txt") for url in refused)
    text = "".join(page.extract_text() for page in PdfReader(
        io.BytesIO(made.pdf)).pages)
    assert "Hostile" in text
    assert "TOP-SECRET-OUTSIDE" not in text
    assert "root:" not in text


# --- build --pdf and bundle --pdf ----------------------------------------------------------


def test_build_with_pdf_puts_the_copies_in_the_site(printed: Printed) -> None:
    site = printed.project / "site-with-pdf"
    done = sopsite("build", "--pdf", "-d", site, cwd=printed.project)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (site / "copies").iterdir()) == sorted(
        p.name for p in printed.out.iterdir())
    assert (site / "copies" / "SOP-IT-CI.pdf").read_bytes() == (
        printed.out / "SOP-IT-CI.pdf").read_bytes()
    assert (site / "index.html").is_file()
    # A print that fails leaves the previous site as it was, copies and all.
    failed = subprocess.run(
        [str(REPO / ".venv" / "bin" / "sopsite"), "build", "--pdf", "-d", str(site)],
        cwd=printed.project, capture_output=True, text=True, check=False,
        env={**os.environ, "SOPSITE_CHROMIUM": str(printed.project / "none"),
             "SOPSITE_TODAY": TODAY_ARG, "NO_MKDOCS_2_WARNING": "1"})
    assert failed.returncode == 2
    assert "sopsite: pdf failed: SOPSITE_CHROMIUM=" in failed.stderr
    assert (site / "copies" / "handbook.pdf").read_bytes() == (
        printed.out / "handbook.pdf").read_bytes()
    assert not (printed.project / ".site-with-pdf.building").exists()


def test_bundle_with_pdf_holds_the_copies_beside_the_site(printed: Printed) -> None:
    out = printed.project / "out-zip" / "audit.zip"
    done = sopsite("bundle", "--pdf", "--out", out, cwd=printed.project)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert "audit/index.html" in names
        for doc in DOCUMENTS:
            assert f"audit/copies/{doc}.pdf" in names
        handbook = archive.read("audit/copies/handbook.pdf")
    text = re.sub(r"\s+", " ", PdfReader(io.BytesIO(handbook)).pages[0].extract_text())
    assert f"commit {printed.commit}" in text


def test_a_copy_of_uncommitted_work_says_so(printed: Printed, tmp_path: Path) -> None:
    note = printed.project / "docs" / "not-yet-committed.md"
    note.write_text("# Not yet committed\n", encoding="utf-8")
    try:
        done = sopsite("pdf", "--site", printed.project / "site", "--out", tmp_path,
                       cwd=printed.project)
    finally:
        note.unlink()
    assert done.returncode == 0, done.stderr
    for text in pages_text(tmp_path / "SOP-IT-CERT.pdf"):
        assert f"commit {printed.commit} plus uncommitted changes" in text
