"""References that leave the handbook: links, attachments, contacts, imported documents with
their source, unscored risks and metrics without a target.

Each rule test starts from the minimal handbook, changes one thing, and compares the whole
list of problems (exact message and position). The hostile cases try to make an unsafe
value through: a `javascript:` link in any spelling, a path that climbs out, a link to a
file outside the handbook folder, an HTML page renamed `.png`, a file too large, a name
with quotes and markup.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest

from generator import attachments
from generator.attachments import MAX_BYTES
from generator.model import Process
from generator.pipeline import check_handbook
from generator.render import documents
from generator.render.pages import generate
from generator.session import Session
from tests.support import TODAY, Book, run_cli

S = "hb/sop-it-001.yml"
P = "hb/proc-it-rollout.yml"
SOP = "sop-it-001.yml"


def png(width: int = 2, height: int = 1) -> bytes:
    """A real PNG of ``width`` x ``height`` grey pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\0" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def add_to_sop(book: Book, yaml: str) -> None:
    """Append top-level keys to the minimal SOP (after its last step, line 46)."""
    book.write(SOP, book.text(SOP) + yaml)


def add_to_first_step(book: Book, yaml: str) -> None:
    """Add keys to the SOP's first step, after its `duration` (line 32)."""
    book.edit(SOP, "    duration: 5m\n", "    duration: 5m\n" + yaml)


# --- LINK001 -------------------------------------------------------------------------------


def test_document_and_step_links_that_are_allowed_pass(book: Book) -> None:
    add_to_sop(book, "links:\n  - title: Status\n    url: https://status.example.org/x?a=1\n"
               "  - title: Desk\n    url: mailto:desk@example.org\n")
    add_to_first_step(book, "    links:\n      - {title: Wiki, url: 'HTTP://wiki.example.org'}\n")
    assert book.lines() == []


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", "JAVASCRIPT:alert(1)", "jav&#x09;ascript:x",
    "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "vbscript:x",
])
def test_a_link_with_another_scheme_is_refused(book: Book, url: str) -> None:
    add_to_sop(book, f"links:\n  - title: Bad\n    url: '{url}'\n")
    scheme = url.split(":", 1)[0]
    if "&" in scheme:  # not a scheme at all: '&' cannot be in one
        expected = (f"{S}:49:10: error [LINK001] expected an absolute address starting with "
                    f"http://, https:// or mailto:, found {url!r}; relative and scheme-less "
                    "addresses are not allowed")
    else:
        expected = (f"{S}:49:10: error [LINK001] expected an address starting with http://, "
                    f"https:// or mailto:, found the scheme {scheme + ':'!r} in "
                    f"{url[:60] + '…' if len(url) > 60 else url!r}")
    assert book.lines() == [expected]


@pytest.mark.parametrize("url", [" javascript:alert(1)", "java\tscript:alert(1)",
                                 "java\nscript:alert(1)", "javascript\x01:x", "https://a b/"])
def test_white_space_or_control_characters_hiding_a_scheme_are_refused(book: Book,
                                                                       url: str) -> None:
    encoded = url.replace("\t", "\\t").replace("\n", "\\n").replace("\x01", "\\x01")
    add_to_sop(book, f'links:\n  - title: Bad\n    url: "{encoded}"\n')
    assert book.lines() == [
        f"{S}:49:10: error [LINK001] expected an address without spaces or control characters "
        f"(http, https, mailto), found {url!r}"]


@pytest.mark.parametrize("url", ["../secrets.txt", "/etc/passwd", "//evil.example.org/x",
                                 "sops/x.yml"])
def test_relative_and_scheme_less_links_are_refused(book: Book, url: str) -> None:
    add_to_first_step(book, f"    links:\n      - title: Bad\n        url: '{url}'\n")
    assert book.lines() == [
        f"{S}:35:14: error [LINK001] expected an absolute address starting with http://, "
        f"https:// or mailto:, found {url!r}; relative and scheme-less addresses are not "
        "allowed"]


def test_a_link_without_a_host_or_address_is_refused(book: Book) -> None:
    add_to_sop(book, "links:\n  - {title: A, url: 'https:/x'}\n  - {title: B, url: 'mailto:x'}\n")
    assert book.lines() == [
        f"{S}:48:21: error [LINK001] expected https://host/..., found 'https:/x'",
        f"{S}:49:21: error [LINK001] expected mailto:name@example.org, found 'mailto:x'",
    ]


def test_a_source_address_must_be_a_web_page(book: Book) -> None:
    add_to_sop(book, "source:\n  url: mailto:a@example.org\n")
    assert book.lines() == [
        f"{S}:48:8: error [LINK001] expected an address starting with http:// or https://, "
        "found the scheme 'mailto:' in 'mailto:a@example.org'"]


# --- imported documents: SOURCE001, SOURCE002, review clock, approvals ----------------------


def _imported(book: Book, source: str) -> None:
    book.edit(SOP, "status: effective\n", "status: imported\n")
    book.edit(SOP, "effective: 2026-03-01\n", "effective: 2019-03-01\n")
    book.edit(SOP, "approvals:\n  - name: Ada Lovelace\n    role: it-director\n"
              '    version: "1.1"\n    date: 2025-08-20\n    meaning: approval\n', source)


def test_an_imported_document_without_approval_passes_strict(book: Book) -> None:
    # Effective in 2019 with a 12-month cycle: without the import day it would be overdue.
    _imported(book, "source:\n  url: https://example.org/runbook\n  imported: 2026-10-01\n")
    assert book.lines() == []


def test_the_review_clock_of_an_imported_document_starts_at_the_import(book: Book) -> None:
    _imported(book, "source:\n  citation: The old wiki.\n  imported: 2025-10-01\n")
    assert book.lines() == [
        f"{S}:8:15: warning [REVIEW001] review was due on 2026-10-01 (12 months after the "
        "import on 2025-10-01); review it and bump the version or the effective date"]


def test_the_review_dashboard_agrees_with_the_check_on_imported_documents(book: Book) -> None:
    _imported(book, "source:\n  citation: The old wiki.\n  imported: 2025-10-01\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert [p.code for p in problems] == ["REVIEW001"]
    page = generate(handbook, today=TODAY).pages["reviews.md"]
    overdue = page.split("## Overdue")[1].split("## Due within")[0]
    assert ("| [SOP-IT-001: Reset a password](procedures/sop-it-001.md), imported (unsigned) | "
            '[IT director](roles/it-director.md) | <span class="sopsite-date">2026-10-01</span> |'
            ) in overdue


def test_an_imported_document_names_its_source_and_import_day(book: Book) -> None:
    _imported(book, "")
    assert book.lines() == [
        f"{S}:5:9: error [SOURCE001] SOP-IT-001 is imported but has no 'source'; expected a "
        "'source' with the original's url, commit or citation and the day it was 'imported'",
        # Without an import day the clock runs from `effective`.
        f"{S}:8:15: warning [REVIEW001] review was due on 2020-03-01 (12 months after "
        "2019-03-01); review it and bump the version or the effective date",
    ]
    book.write(SOP, book.text(SOP).replace("changes:", "source:\n  commit: 4f2a9c1\nchanges:"))
    assert book.lines() == [
        f"{S}:8:15: warning [REVIEW001] review was due on 2020-03-01 (12 months after "
        "2019-03-01); review it and bump the version or the effective date",
        f"{S}:11:3: error [SOURCE001] SOP-IT-001 is imported but its source has no 'imported' "
        "day; expected 'imported: YYYY-MM-DD', the day its review clock starts",
    ]


def test_a_source_names_the_original(book: Book) -> None:
    add_to_sop(book, "source:\n  imported: 2026-10-01\n")
    assert book.lines() == [
        f"{S}:48:3: error [MODEL004] 'source': a source names the original: give url, commit or "
        "citation (or several)"]


def test_a_source_commit_is_a_commit_id(book: Book) -> None:
    add_to_sop(book, "source:\n  commit: main\n")
    assert book.lines() == [
        f"{S}:48:11: error [SOURCE002] expected a commit id of 7 to 40 lower-case hexadecimal "
        "digits, found 'main'; a branch or tag name moves, a commit does not"]


def test_an_imported_document_is_marked_in_its_page_the_catalogue_and_as_of(book: Book) -> None:
    _imported(book, "source:\n  url: https://example.org/runbook?a=(1)\n"
              "  citation: Ops team, *Runbook* <b>2019</b>\n  imported: 2026-10-01\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    pages = generate(handbook, today=TODAY).pages
    page = pages["procedures/sop-it-001.md"]
    assert ('!!! warning sopsite-status "Imported, not signed here"\n\n    This document was '
            "brought into the handbook without a sign-off.") in page
    assert "| Status | imported (unsigned) |" in page
    assert "| Next review | 2027-10-01 |" in page
    assert ("## Source\n\n| Field | Value |\n| --- | --- |\n| Original | [https://example.org/runbook?a=(1)]"
            "(https://example.org/runbook?a=%281%29) |\n| Citation | Ops team, \\*Runbook\\* "
            "&lt;b&gt;2019&lt;/b&gt; |\n| Imported | 2026-10-01 |") in page
    assert ('| SOP-IT-001 | [Reset a password](procedures/sop-it-001.md) | SOP | '
            '[IT director](roles/it-director.md) | imported (unsigned) | 1.1 | '
            '<span class="sopsite-date">2019-03-01</span> | '
            '<span class="sopsite-date">2027-10-01</span> |') in pages["catalogue.md"]
    in_force = pages["catalogue.md"].split("## In force")[1].split("## Not in force")[0]
    assert "SOP-IT-001" in in_force  # in use, though unsigned
    assert ("| SOP-IT-001 | [v1.1](../procedures/sop-it-001.md) (Reset a password, 2019-03-01), "
            "imported (unsigned) |") in pages["as-of/2026.md"]


# --- unscored risks and metrics without a target ---------------------------------------------


def test_a_risk_is_scored_with_both_or_neither(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    likelihood: 4\n", "")
    assert book.lines() == [
        f"{P}:25:5: error [MODEL004] a risk is scored with both likelihood and "
        "impact, or left unscored with neither; found impact without likelihood"]


def test_an_unscored_risk_is_never_taken_for_a_low_one(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    likelihood: 4\n    impact: 4\n", "")
    assert book.lines() == []
    book.edit("proc-it-rollout.yml", "    owner: it-director\n", "")
    assert book.lines() == [
        f"{P}:25:9: error [RISK001] risk 'low-adoption' is not scored, so it may be high, but "
        "has no owner; an unscored risk is never taken for a low one: give it both, or score it"]


def test_unscored_risks_show_as_not_scored_and_are_counted(book: Book) -> None:
    book.edit("proc-it-rollout.yml", "    likelihood: 4\n    impact: 4\n", "")
    book.edit("proc-it-rollout.yml", "rollout:\n", "  - id: rain\n    description: It rains.\n"
              "    likelihood: 1\n    impact: 1\nrollout:\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    page = generate(handbook, today=TODAY).pages["processes/proc-it-rollout.md"]
    table = page.split("| --- | --- | --- | --- |\n")[1].split("\n\n")[0]
    assert table.splitlines() == [
        # Unscored first: it may be the highest; it has no level, and says so.
        "| **low-adoption**: Nobody uses the portal. | <em>not scored</em> | Announce it in "
        "every reset call. | [IT director](../roles/it-director.md) |",
        "| **rain**: It rains. | <span class=\"sopsite-risk-score\">1 \N{MULTIPLICATION SIGN} 1 = "
        "**1**</span> <span class=\"sopsite-level sopsite-level--low\">low</span> | "
        "\N{EN DASH} | \N{EN DASH} |",
    ]
    assert ("1 of 2 risks not scored: they may be high, and are never counted as low."
            in page)
    matrix = page.split("### Risk heat map")[1]
    assert "low-adoption" not in matrix.split("**Not scored:**")[0]
    assert "**Not scored:** low-adoption" in matrix
    assert ('<tr><th scope="row">1</th><td class="sopsite-level sopsite-level--low sopsite-heat"'
            ' title="1 risk: low"><span class="sopsite-heat__count">1</span>') in matrix
    assert '<span class="sopsite-heat__ids">rain</span>' in matrix


def test_a_metric_without_a_target_is_shown_as_a_figure(book: Book) -> None:
    add_to_sop(book, "metrics:\n  - name: Resets per week\n    unit: resets\n"
               "    frequency: weekly\n    owner: technician\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    page = generate(handbook, today=TODAY).pages["procedures/sop-it-001.md"]
    assert ("| Resets per week | no target | resets | weekly | "
            "[Technician](../roles/technician.md) |") in page


def test_risk_and_metric_diff_say_not_scored_and_no_target() -> None:
    from generator.git.diff import semantic_diff

    handbook, _ = check_handbook(Path(__file__).parent / "fixtures" / "minimal", today=TODAY)
    old = next(e.item for e in handbook.documents if isinstance(e.item, Process))
    risk = old.premortem[0].model_copy(update={"likelihood": None, "impact": None})
    new = old.model_copy(update={"premortem": [risk]})
    lines = [line for section in semantic_diff(old, new) for line in section.lines]
    assert "Risk low-adoption: likelihood 4, impact 4 → not scored." in lines


def test_the_diff_names_changed_step_links_attachments_and_contacts() -> None:
    from generator.git.diff import semantic_diff
    from generator.model.outside import Attachment, Link

    handbook, _ = check_handbook(Path(__file__).parent / "fixtures" / "minimal", today=TODAY)
    old = next(e.item for e in handbook.documents if e.item.id == "SOP-IT-001")
    assert not isinstance(old, Process)
    step = old.steps[0].model_copy(update={
        "links": [Link(title="Wiki", url="https://wiki.example.org")],
        "attachments": [Attachment(path="files/a.pdf", title="A")], "contact": "desk"})
    new = old.model_copy(update={"steps": [step, *old.steps[1:]]})
    lines = [line for section in semantic_diff(old, new) for line in section.lines]
    assert lines == ["Step 1 (verify): Link added: \N{LEFT DOUBLE QUOTATION MARK}Wiki "
                     "<https://wiki.example.org>\N{RIGHT DOUBLE QUOTATION MARK}.",
                     "Step 1 (verify): Attachments changed.",
                     "Step 1 (verify): Contact none → desk."]


# --- ATTACH001-005 ---------------------------------------------------------------------------


def _attach(book: Book, path: str, alt: str | None = "A grey square.") -> None:
    extra = f"\n        alt: {alt}" if alt is not None else ""
    add_to_first_step(book, f"    attachments:\n      - path: '{path}'\n        title: Picture"
                      f"{extra}\n")


def test_an_attachment_in_the_handbook_folder_passes(book: Book) -> None:
    book.write("files/panel.png", png())
    _attach(book, "files/panel.png")
    assert book.lines() == []


def test_a_check_reads_each_attachment_once(book: Book,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Three rules report on attachments (ATTACH002-004); the file is read for all three
    at once, not once by each."""
    book.write("files/panel.png", png())
    _attach(book, "files/panel.png")
    inspected: list[str] = []
    inspect = attachments.inspect

    def counted(root: Path, path: str) -> attachments.Stored | attachments.Refusal:
        inspected.append(path)
        return inspect(root, path)

    monkeypatch.setattr(attachments, "inspect", counted)
    assert book.lines() == []
    assert inspected == ["files/panel.png"]


@pytest.mark.parametrize(("path", "why"), [
    ("../outside.png", "'../outside.png', which climbs out with '..'"),
    ("files/../../outside.png", "'files/../../outside.png', which climbs out with '..'"),
    ("/etc/passwd", "the absolute path '/etc/passwd'"),
    ("C:/x.png", "the absolute path 'C:/x.png'"),
    ("files\\\\x.png", "'files\\\\x.png'"),
    ('files/a"><img src=x>.png', "'files/a\"><img src=x>.png'"),
    ("files/.hidden.png", "'files/.hidden.png'"),
])
def test_an_attachment_path_is_a_plain_path_under_the_handbook(book: Book, path: str,
                                                              why: str) -> None:
    (book.root.parent / "outside.png").write_bytes(png())
    _attach(book, path.replace("\\\\", "\\"))
    assert book.lines() == [
        f"{S}:34:15: error [ATTACH001] expected a path relative to the handbook folder such as "
        "'files/diagram.png', each part letters, digits, '.', '_' or '-' (not starting with "
        f"'.'); found {why.replace(chr(92) * 2, chr(92) * 2)}"]


def test_a_missing_attachment_is_named(book: Book) -> None:
    _attach(book, "files/panel.png")
    assert book.lines() == [
        f"{S}:34:15: error [ATTACH002] expected a file at hb/files/panel.png, found none"]


def test_a_link_to_a_file_outside_the_handbook_folder_is_refused(book: Book) -> None:
    secret = book.root.parent / "secret.png"
    secret.write_bytes(png())
    (book.root / "files").mkdir()
    (book.root / "files" / "panel.png").symlink_to(secret)
    _attach(book, "files/panel.png")
    assert book.lines() == [
        f"{S}:34:15: error [ATTACH002] expected a file inside the handbook folder hb, found a "
        f"link to {str(secret)!r} outside it; copy the file in instead"]


def test_a_folder_or_a_pipe_is_not_an_attachment(book: Book) -> None:
    (book.root / "files" / "panel.png").mkdir(parents=True)
    os.mkfifo(book.root / "files" / "pipe.txt")
    _attach(book, "files/panel.png")
    add_to_first_step(book, "    links: []\n")
    book.edit(SOP, "        alt: A grey square.\n", "        alt: A grey square.\n"
              "      - {path: files/pipe.txt, title: Pipe}\n")
    assert book.lines() == [
        f"{S}:35:15: error [ATTACH002] expected a regular file, found a folder; sopsite reads "
        "only regular files",
        f"{S}:38:16: error [ATTACH002] expected a regular file, found a named pipe (FIFO); "
        "sopsite reads only regular files",
    ]


def test_a_linked_folder_is_not_followed_even_inside_the_handbook(book: Book) -> None:
    book.write("pictures/panel.png", png())
    (book.root / "files").symlink_to("pictures")
    _attach(book, "files/panel.png")
    assert book.lines() == [
        # The walk of the handbook folder refuses the link on its own account.
        "hb/files:1:1: error [FILE007] expected a file or a folder, found a symbolic link to "
        "the folder 'pictures'; sopsite does not follow linked folders: link the files instead",
        f"{S}:34:15: error [ATTACH002] expected a file in a real folder of hb, found it "
        "through the linked folder hb/files; sopsite does not follow linked folders: link the "
        "file instead"]


def test_a_link_inside_the_handbook_folder_is_followed(book: Book) -> None:
    book.write("files/real.png", png())
    (book.root / "files" / "panel.png").symlink_to("real.png")
    _attach(book, "files/panel.png")
    assert book.lines() == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("files/page.png", b"<!doctype html><script>alert(1)</script>",
     "expected the content of a PNG image file, found bytes that are not one in "
     "'files/page.png'; a file's name must say what it holds"),
    ("files/page.txt", b"  <html><script>alert(1)</script></html>",
     "expected the content of a text file, found bytes that are not one in 'files/page.txt'; "
     "a file's name must say what it holds"),
    ("files/shot.jpg", png(),
     "expected the content of a JPEG image file, found bytes that are not one in "
     "'files/shot.jpg'; a file's name must say what it holds"),
    ("files/logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
     "expected one of the types csv, gif, jpeg, jpg, pdf, png, txt, webp, found '.svg' in "
     "'files/logo.svg'; SVG and HTML are refused because they can carry script"),
    ("files/page.html", b"<p>hi</p>",
     "expected one of the types csv, gif, jpeg, jpg, pdf, png, txt, webp, found '.html' in "
     "'files/page.html'; SVG and HTML are refused because they can carry script"),
    ("files/README", b"text",
     "expected one of the types csv, gif, jpeg, jpg, pdf, png, txt, webp, found 'no "
     "extension' in 'files/README'; SVG and HTML are refused because they can carry script"),
])
def test_an_attachment_is_of_an_allowed_type_by_name_and_by_content(
        book: Book, name: str, content: bytes, message: str) -> None:
    book.write(name, content)
    _attach(book, name, alt="Something." if name.endswith((".png", ".jpg")) else None)
    assert book.lines() == [f"{S}:34:15: error [ATTACH003] {message}"]


def test_an_attachment_over_the_size_limit_is_refused(book: Book) -> None:
    book.write("files/manual.pdf", b"%PDF-1.7\n" + b"0" * MAX_BYTES)
    _attach(book, "files/manual.pdf", alt=None)
    assert book.lines() == [
        f"{S}:34:15: error [ATTACH004] expected a file of at most 5 MiB, found "
        f"{MAX_BYTES + 9:,} bytes in 'files/manual.pdf'"]


def test_an_image_has_alt_text(book: Book) -> None:
    book.write("files/panel.png", png())
    _attach(book, "files/panel.png", alt=None)
    assert book.lines() == [
        f"{S}:34:9: error [ATTACH005] the image 'files/panel.png' has no 'alt'; expected a "
        "sentence saying what it shows, for readers who cannot see it"]


def test_attachments_render_inline_images_and_download_links(book: Book) -> None:
    book.write("files/panel.png", png())
    book.write("files/manual.pdf", b"%PDF-1.7\n" + b"0" * 2048)
    _attach(book, "files/panel.png", alt="The [red] *stop* button <b>")
    add_to_sop(book, "attachments:\n  - {path: files/manual.pdf, title: 'Vendor manual `v2`'}\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    site = generate(handbook, today=TODAY)
    page = site.pages["procedures/sop-it-001.md"]
    assert ("![The \\[red\\] \\*stop\\* button &lt;b&gt;](../attachments/files/panel.png)\n\n"
            "*Picture*") in page
    assert ("## Attachments\n\n- [Vendor manual \\`v2\\`](../attachments/files/manual.pdf) "
            "(PDF, 2 KB)") in page
    assert site.files == {"attachments/files/manual.pdf": book.root / "files" / "manual.pdf",
                          "attachments/files/panel.png": book.root / "files" / "panel.png"}


# --- CONTACT001-002 and the contacts block ---------------------------------------------------

CONTACTS = """contacts:
  - id: on-call
    name: On-call <b>engineer</b>
    role: technician
    phone: "+358 (40) 123-4567"
    hours: 24/7
    channel: "#ops | pager"
    escalation:
      after: 15m
      next: director
  - id: director
    role: it-director
    phone: ask the front desk
"""


def test_contacts_render_at_the_top_with_phone_links_and_escalation(book: Book) -> None:
    add_to_sop(book, CONTACTS)
    add_to_first_step(book, "    contact: on-call\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    page = generate(handbook, today=TODAY).pages["procedures/sop-it-001.md"]
    assert page.index("## Whom to call") < page.index("## Document control")
    assert ("| **On-call &lt;b&gt;engineer&lt;/b&gt;** ([Technician](../roles/technician.md)) | "
            "[+358 (40) 123-4567](tel:+358401234567) | 24/7 | \\#ops \\| pager | within 15m, "
            "call [IT director](../roles/it-director.md) |") in page
    # Not a number: text, never a tel: link.
    assert ("| [IT director](../roles/it-director.md) | ask the front desk | \N{EN DASH} | "
            "\N{EN DASH} | \N{EN DASH} |") in page
    assert ("**Contact:** **On-call &lt;b&gt;engineer&lt;/b&gt;** ([Technician]"
            "(../roles/technician.md)) · [+358 (40) 123-4567](tel:+358401234567) · if no answer "
            "within 15m, call [IT director](../roles/it-director.md)\n") in page


@pytest.mark.parametrize(("phone", "shown"), [
    ("[call](javascript:alert(1))", "\\[call\\](javascript:alert(1))"),
    ("+1 <script>2</script>", "+1 &lt;script&gt;2&lt;/script&gt;"),
    ("12", "12"),
    ("112", "[112](tel:112)"),
    ("+44 (0)20 7946 0000", "[+44 (0)20 7946 0000](tel:+4402079460000)"),
])
def test_only_what_looks_like_a_phone_number_becomes_a_tel_link(book: Book, phone: str,
                                                                 shown: str) -> None:
    add_to_sop(book, f"contacts:\n  - id: x\n    name: X\n    phone: '{phone}'\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    page = generate(handbook, today=TODAY).pages["procedures/sop-it-001.md"]
    assert f"| **X** | {shown} |" in page


def test_unknown_contacts_and_roles_are_named_with_a_hint(book: Book) -> None:
    add_to_sop(book, CONTACTS.replace("next: director", "next: directr")
               .replace("role: technician", "role: technican"))
    add_to_first_step(book, "    contact: oncall\n")
    assert book.lines() == [
        f"{S}:33:14: error [CONTACT001] unknown contact 'oncall'; did you mean 'on-call'?",
        f"{S}:51:11: error [REF001] unknown role 'technican'; did you mean 'technician'?",
        f"{S}:57:13: error [CONTACT001] unknown contact 'directr'; did you mean 'director'?",
    ]


def test_contact_ids_are_unique_and_escalation_leads_elsewhere(book: Book) -> None:
    add_to_sop(book, CONTACTS.replace("id: director", "id: on-call")
               .replace("next: director", "next: on-call"))
    assert book.lines() == [
        f"{S}:56:13: error [CONTACT002] contact 'on-call' escalates to itself; expected another "
        "contact to call when there is no answer",
        f"{S}:57:9: error [CONTACT002] contact id 'on-call' is used twice; expected each "
        "contact's id once",
    ]


def test_a_contact_names_someone(book: Book) -> None:
    add_to_sop(book, "contacts:\n  - id: x\n    phone: '112'\n")
    assert book.lines() == [
        f"{S}:48:5: error [MODEL004] a contact names someone: give name or role "
        "(or both)"]


# --- links render safely ---------------------------------------------------------------------


def test_links_render_with_the_title_escaped_and_the_address_encoded(book: Book) -> None:
    add_to_sop(book, "links:\n  - title: 'Dash](javascript:alert(1)) <script>'\n"
               "    url: \"https://x.example.org/a_(b)?q='\\\"<>\"\n")
    handbook, problems = check_handbook(Path("hb"), today=TODAY)
    assert problems == []
    page = generate(handbook, today=TODAY).pages["procedures/sop-it-001.md"]
    assert ("## Links\n\n- [Dash\\](javascript:alert(1)) &lt;script&gt;]"
            "(https://x.example.org/a_%28b%29?q=%27%22%3C%3E)") in page


# --- export copies attachments ---------------------------------------------------------------


def test_export_copies_attachments_next_to_the_pages(book: Book, tmp_path: Path) -> None:
    picture = png(3, 2)
    book.write("files/panel.png", picture)
    _attach(book, "files/panel.png")
    out = tmp_path / "out"
    result = run_cli("export", "hb", "--out", out, cwd=tmp_path, today=TODAY.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "attachments" / "files" / "panel.png").read_bytes() == picture
    assert "](../attachments/files/panel.png)" in (out / "procedures" / "sop-it-001.md").read_text()
    again = run_cli("export", "hb", "--out", out, cwd=tmp_path, today=TODAY.isoformat())
    assert again.returncode == 0
    assert ": 0 written," in again.stdout
    # A removed attachment goes with the next export; a file of the author's stays.
    book.edit(SOP, "    attachments:\n      - path: 'files/panel.png'\n        title: Picture\n"
              "        alt: A grey square.\n", "")
    (out / "attachments" / "notes.txt").write_text("mine", encoding="utf-8")
    assert run_cli("export", "hb", "--out", out, cwd=tmp_path,
                   today=TODAY.isoformat()).returncode == 0
    assert not (out / "attachments" / "files" / "panel.png").exists()
    assert (out / "attachments" / "notes.txt").read_text(encoding="utf-8") == "mine"


# --- serve: a changed attachment makes its page again ----------------------------------------


def _pages(session: Session) -> dict[str, str]:
    handbook, problems = check_handbook(Path("hb"), today=TODAY, session=session)
    assert problems == []
    return generate(handbook, today=TODAY, cache=session.pages,
                    renderer=session.renderer(None)).pages


def test_a_changed_attachment_makes_the_pages_that_show_it_again(
        book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    book.write("files/panel.png", png(2, 1))
    book.write("files/manual.pdf", b"%PDF-1.7\n" + b"0" * 100)
    _attach(book, "files/panel.png")
    add_to_sop(book, "attachments:\n  - {path: files/manual.pdf, title: Manual}\n")
    live = Session(serving=True)
    first = _pages(live)
    assert "(PDF, 109 B)" in first["procedures/sop-it-001.md"]
    made: list[str] = []
    original = documents.pages_of

    def counting(*args: object) -> tuple[dict[str, str], set[str]]:
        made.append(args[1].id)  # type: ignore[attr-defined]
        return original(*args)  # type: ignore[arg-type]

    # The cache keys a page by the function that makes it: the counter keeps its name.
    counting.__module__, counting.__qualname__ = original.__module__, original.__qualname__
    monkeypatch.setattr(documents, "pages_of", counting)
    assert _pages(live) == first
    assert made == []  # nothing changed: every document's pages are reused
    book.write("files/panel.png", png(4, 1))  # an image: the same Markdown, a new file
    assert _pages(live) == first
    assert made == ["SOP-IT-001"]
    book.write("files/manual.pdf", b"%PDF-1.7\n" + b"0" * 3000)
    warm = _pages(live)
    assert "(PDF, 2.9 KB)" in warm["procedures/sop-it-001.md"]
    assert warm == _pages(Session())


# --- a real build publishes the attachment at the linked address ------------------------------


@pytest.mark.slow
def test_a_build_publishes_attachments_where_the_page_links_them(tmp_path: Path) -> None:
    import html
    import re
    import shutil

    from tests.support import MINIMAL
    from tests.support.build import build, make_project

    book = Book(tmp_path / "hb")
    shutil.copytree(MINIMAL, book.root)
    picture = png(5, 3)
    book.write("files/panel.png", picture)
    book.write("files/list.csv", "name,phone\ndesk,112\n")
    book.edit(SOP, "    duration: 5m\n", "    duration: 5m\n    attachments:\n"
              "      - {path: files/panel.png, title: Panel, alt: The reset screen.}\n"
              "      - {path: files/list.csv, title: Phone list}\n")
    config = make_project(tmp_path / "project", book.root)
    site = build(config)
    assert (site / "attachments" / "files" / "panel.png").read_bytes() == picture
    page = site / "procedures" / "sop-it-001" / "index.html"
    text = page.read_text(encoding="utf-8")
    images = re.findall(r'<img alt="The reset screen." src="([^"]+)"', text)
    assert len(images) == 1
    assert (page.parent / html.unescape(images[0])).resolve().read_bytes() == picture
    links = re.findall(r'<a href="([^"]+)">Phone list</a> \(CSV, 20 B\)', text)
    assert len(links) == 1
    assert (page.parent / links[0]).resolve().read_text(encoding="utf-8").startswith("name,")


@pytest.mark.slow
@pytest.mark.browser
def test_the_as_of_script_counts_an_imported_document_in_force_and_says_unsigned(
        tmp_path: Path) -> None:
    import shutil

    from tests.support import MINIMAL
    from tests.support.browser import StaticServer, build, chromium, session
    from tests.support.build import make_project

    book = Book(tmp_path / "hb")
    shutil.copytree(MINIMAL, book.root)
    _imported(book, "source:\n  url: https://example.org/runbook\n  imported: 2026-10-01\n")
    site_dir = tmp_path / "site"
    with StaticServer(site_dir) as server:
        config = make_project(tmp_path / "project", book.root, site_url=server.url)
        build(config, site_dir)
        with chromium() as browser, session(browser) as web:
            page = web.new_page()
            page.goto(server.url + "as-of/", wait_until="load")
            cells = page.locator(".sopsite-asof-result tr[data-doc='SOP-IT-001'] td")
            page.fill("#sopsite-asof-date", "2019-02-28")
            assert cells.nth(1).inner_text() == "not in force"
            page.fill("#sopsite-asof-date", "2020-06-01")
            assert cells.nth(1).inner_text() == "v1.1, imported (unsigned)"
            assert cells.nth(2).inner_text() == "2019-03-01"
            assert web.console_errors == []
