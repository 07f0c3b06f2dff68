"""The pull-request comment of `sopsite diff`: author text cannot hide or forge anything, and
a diff longer than GitHub takes is cut with a note while the whole is written to a file.

The comment is rendered with a real GFM parser (marked, from node_modules) and read back as
a reader sees it: no HTML comment, no tag an author wrote, every heading still there.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator.git.compare import COMMENT_LIMIT, DocumentDiff, Report
from generator.render.text import ZERO_WIDTH_JOINER, gfm, gfm_code
from tests.support.build import sopsite
from tests.support.gfm import rendered

ZWJ = ZERO_WIDTH_JOINER

PEOPLE = """\
- {kind: role, id: lead, name: Team Lead, can_approve: true}
- {kind: role, id: tech, name: Technician}
"""

SOP = """\
kind: sop
id: {id}
title: {title}
version: "{version}"
status: draft
owner: lead
effective: 2026-06-01
review_every: 12
purpose: Printing works again.
scope: The office print server.
roles:
  - {{role: tech, raci: responsible}}
steps:
  - id: restart
    title: {step}
    actor: tech
    instructions: |
{instructions}
changes:
  - {{version: "1.0", date: 2026-01-05, summary: First issue., author: Ada Lead}}
{change}"""


def sop(doc_id: str = "SOP-H-1", *, title: str = "Restart the print server",
        version: str = "1.0", step: str = "Restart the service", instructions: str = "Do it.",
        change: str = "") -> str:
    body = "\n".join(f"      {line}" for line in instructions.splitlines())
    return SOP.format(id=doc_id, title=title, version=version, step=step, instructions=body,
                      change=change)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-05-20T10:00:00Z",
           "GIT_COMMITTER_DATE": "2026-05-20T10:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Ada Lead", "-c",
                           "user.email=a@example.org", *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / "sops" / name).write_text(text, "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "sops").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "sops" / "people.yml").write_text(PEOPLE, "utf-8")
    return root


# --- escaping ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "escaped"), [
    ("<!-- the rest is hidden", "&lt;!-- the rest is hidden"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("&amp; &#60;", "&amp;amp; &amp;#60;"),
    ("ask @org/team or @ada", f"ask @{ZWJ}org/team or @{ZWJ}ada"),
    ("mail ada@example.org", "mail ada@example.org"),
    ("fixes #123 and #fix", "fixes #123 and #fix"),
    ("# Heading ##", "\\# Heading \\#\\#"),
    ("> quoted", "&gt; quoted"),
    ("- item", "\\- item"),
    ("+ item", "\\+ item"),
    ("= underline", "\\= underline"),
    ("12. item", "12\\. item"),
    ("3) item", "3\\) item"),
    ("``` fence and `code`", "\\`\\`\\` fence and \\`code\\`"),
    ("| a | b |", "\\| a \\| b \\|"),
    ("[link](https://x.example) ![img](y.png)", "\\[link\\](https://x.example) !\\[img\\](y.png)"),
    ("*bold* _em_ ~~gone~~", "\\*bold\\* \\_em\\_ \\~\\~gone\\~\\~"),
    ("costs $5 to $10", "costs \\$5 to \\$10"),
    ("back\\slash", "back\\\\slash"),
    ("two\nlines\r\n<!--", "two lines &lt;!--"),
])
def test_author_text_is_literal_in_github_markdown(text: str, escaped: str) -> None:
    assert gfm(text) == escaped


def test_escaped_text_renders_as_exactly_what_the_author_wrote() -> None:
    texts = ["<!-- the rest is hidden", "<script>alert(1)</script>", "# Heading ##", "- item",
             "12. item", "``` fence and `code`", "| a | b |", "[link](page.html) ![i](i.png)",
             "*bold* _em_ ~~gone~~", "&amp; &#60;", "back\\slash", "fixes #123"]
    for text in texts:
        page = rendered(f"- {gfm(text)}\n")
        assert (page.tags, page.comments) == (["ul", "li"], []), text
        assert "".join(page.text).strip() == text


def test_a_code_span_is_longer_than_any_backtick_run_inside() -> None:
    assert gfm_code("sops/a.yml") == "`sops/a.yml`"
    assert gfm_code("sops/``a``.yml") == "```sops/``a``.yml```"
    assert gfm_code("`start") == "`` `start ``"


# --- the comment, rendered --------------------------------------------------------------

HOSTILE_CHANGE = """\
  - version: "2.0"
    date: 2026-05-20
    summary: |
      Clearer steps, see #123.
      <!-- everything below is hidden
    author: "@org/team"
    retrain: [tech]
"""


def test_author_text_cannot_hide_or_forge_the_rest_of_the_comment(repo: Path) -> None:
    base = commit(repo, {"sop.yml": sop()}, "First issue")
    head = commit(repo, {"sop.yml": sop(
        version="2.0", title="Restart <script>alert(1)</script>",
        step="Run ``` then | pipe |", instructions="Type:\n````\nrestart\n````",
        change=HOSTILE_CHANGE)}, "Hostile")
    result = sopsite("diff", base, head, "--path", "sops", cwd=repo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[2] == ("## SOP-H-1: Restart &lt;script&gt;alert(1)&lt;/script&gt; — v1.0 → "
                        "v2.0")
    assert lines[4] == (f"> Clearer steps, see #123. &lt;!-- everything below is hidden "
                        f"(@{ZWJ}org/team, 2026-05-20). Must retrain: tech.")
    assert ("- Step 1 (restart) reworded: “Restart the service” is now “Run \\`\\`\\` then "
            "\\| pipe \\|”.") in lines
    words = out[:out.index("<details>")]
    assert "@org/team" not in words  # in the fenced YAML diff it mentions nobody
    assert "<script>" not in words
    assert "<!--" not in words
    # The YAML diff holds a run of four backticks, so its fence has five.
    assert "\n+      ````\n" in out
    assert out.count("\n`````") == 2
    assert "\n`````diff\n" in out

    page = rendered(out)
    assert page.comments == []
    assert set(page.tags) <= {"h1", "h2", "h3", "p", "ul", "li", "blockquote", "details",
                              "summary", "pre", "code"}, page.tags
    assert "script" not in page.tags
    assert page.headings == [
        f"Handbook changes: {base} → {head}",
        "SOP-H-1: Restart <script>alert(1)</script> — v1.0 → v2.0",
        "Document", "Steps",
    ]
    text = "".join(page.text)
    assert "Clearer steps, see #123. <!-- everything below is hidden" in text
    assert f"@{ZWJ}org/team" in text
    assert "“Run ``` then | pipe |”" in text
    assert "+      ````\n+      restart\n+      ````\n" in text  # the diff, verbatim


# --- a comment too long for GitHub ------------------------------------------------------


def _documents(n: int, size: int) -> list[DocumentDiff]:
    return [DocumentDiff(f"## SOP-{i}\n\n" + "w" * size + "\n\n", f"yaml {i}\n\n")
            for i in range(n)]


def test_a_short_report_is_the_whole_report() -> None:
    report = Report("# Handbook changes: main → working tree", tuple(_documents(3, 10)))
    assert report.comment() == report.full()
    assert report.full().count("## SOP-") == 3


def test_a_long_report_shows_the_documents_that_fit_and_says_where_the_rest_is() -> None:
    report = Report("# Changes", tuple(_documents(10, 9_000)))
    comment = report.comment(full_name="handbook-diff-full.md",
                             full_url="https://ci.example/runs/7")
    assert len(report.full()) == 90_210
    assert len(comment) <= COMMENT_LIMIT
    assert comment.splitlines()[:4] == [
        "# Changes",
        "",
        "> [!WARNING]",
        "> The diff is too long for one comment (90,210 characters; GitHub takes 65,536): 7 of "
        "10 documents shown; the full diff is in the file `handbook-diff-full.md`, kept with "
        "[the workflow run](<https://ci.example/runs/7>) as an artifact.",
    ]
    assert [line for line in comment.splitlines() if line.startswith("## ")] == [
        f"## SOP-{i}" for i in range(7)]
    assert comment.count("yaml ") == 7


def test_without_a_full_file_the_note_says_how_to_get_one() -> None:
    comment = Report("# Changes", tuple(_documents(3, 30_000))).comment()
    assert comment.splitlines()[3] == (
        "> The diff is too long for one comment (90,070 characters; GitHub takes 65,536): 2 of 3 "
        "documents shown; the full diff is what `sopsite diff` prints with `--full-out FILE`, "
        "which writes it whole to FILE.")


def test_a_huge_yaml_diff_is_left_out_but_its_words_stay(repo: Path) -> None:
    """A 200 KB diff: ten documents whose instructions are rewritten at length."""
    old = {f"sop-{i}.yml": sop(f"SOP-H-{i}", instructions="\n".join(
        f"Old line {j} of the instructions, written out at some length." for j in range(160)))
        for i in range(10)}
    new = {name: text.replace("Old line", "New line").replace('version: "1.0"',
                                                               'version: "1.1"')
           for name, text in old.items()}
    base = commit(repo, old, "Long instructions")
    head = commit(repo, new, "Rewritten")
    result = sopsite("diff", base, head, "--path", "sops", "--full-out", "full.md",
                     "--full-url", "https://ci.example/runs/8", cwd=repo)
    assert result.returncode == 0, result.stderr
    comment, full = result.stdout, (repo / "full.md").read_text("utf-8")
    assert len(full) > 200_000
    assert len(comment) <= COMMENT_LIMIT
    assert full.count("<details><summary>YAML diff</summary>") == 10
    assert comment.count("<details><summary>YAML diff</summary>") == 2
    assert comment.count("*The YAML diff of this document is left out here; it is in the full "
                         "diff.*") == 8
    assert f"> The diff is too long for one comment ({len(full):,} characters; GitHub takes " \
           "65,536): 10 of 10 documents shown (8 of them without their YAML diff); the full " \
           "diff is in the file `full.md`, kept with [the workflow run]" \
           "(<https://ci.example/runs/8>) as an artifact." in comment
    assert [h for h in rendered(comment).headings if h.startswith("SOP-")] == [
        f"SOP-H-{i}: Restart the print server — v1.0 → v1.1" for i in range(10)]


def test_the_full_file_is_written_even_when_the_comment_fits(repo: Path) -> None:
    base = commit(repo, {"sop.yml": sop()}, "First issue")
    head = commit(repo, {"sop.yml": sop(version="1.1", step="Restart the spooler")}, "Reword")
    result = sopsite("diff", base, head, "--path", "sops", "--full-out", "full.md", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "full.md").read_text("utf-8") == result.stdout
    assert "too long" not in result.stdout


def test_the_limit_counts_characters_outside_the_basic_plane_twice() -> None:
    """36,000 emoji are 36,000 code points but 72,000 UTF-16 units: too long, to be safe."""
    report = Report("# Changes", tuple(DocumentDiff(f"## SOP-{i}\n\n" + "🧪" * 9_000 + "\n\n")
                                       for i in range(4)))
    comment = report.comment(full_name="full.md")
    assert len(report.full()) < COMMENT_LIMIT
    assert len(comment.encode("utf-16-le")) // 2 <= COMMENT_LIMIT
    assert ": 3 of 4 documents shown; the full diff is in the file `full.md`." in comment


def test_a_report_of_exactly_the_limit_is_whole() -> None:
    title = "# Changes"
    words = "w" * (COMMENT_LIMIT - len(title) - 3)
    report = Report(title, (DocumentDiff(words + "\n\n"),))
    assert len(report.full()) == COMMENT_LIMIT
    assert report.comment() == report.full()
    longer = Report(title, (DocumentDiff(words + "w\n\n"),))
    assert "too long for one comment" in longer.comment()


def test_one_document_too_long_alone_is_cut_after_a_whole_line() -> None:
    lines = [f"- Added step {i} “Step number {i}” (s{i}), performed by tech." for i in range(2000)]
    words = "## SOP-BIG: Big — v1.0 → v2.0\n\n### Steps\n\n" + "\n".join(lines) + "\n\n"
    report = Report("# Changes", (DocumentDiff(words, "y" * 70_000 + "\n\n"),))
    comment = report.comment(full_name="full.md")
    assert len(comment) <= COMMENT_LIMIT
    assert comment.splitlines()[3].endswith(
        ": 1 of 1 documents shown (the first cut short, 1 of them without their YAML diff); "
        "the full diff is in the file `full.md`.")
    body = comment.splitlines()[5:]
    assert body[:3] == ["## SOP-BIG: Big — v1.0 → v2.0", "", "### Steps"]
    steps = [line for line in body if line.startswith("- ")]
    assert steps == lines[:len(steps)]
    assert 1000 < len(steps) < 1100  # about 62 characters each
    assert body[-3:] == [
        "*The rest of this document's changes is left out here; it is in the full diff.*", "",
        "*The YAML diff of this document is left out here; it is in the full diff.*"]
