"""Tried as a new user would: the authoring guide's walkthrough, run exactly as written.

docs/authoring.md marks the blocks a reader types or pastes with an HTML comment (invisible on
the page): `<!-- walkthrough -->` before a shell block, and `<!-- walkthrough: edit PATH -->`
before a YAML block that replaces the top-level sections of the same name in PATH (sections
the file lacks go at its end), the rule the guide states for its readers. The test runs those
blocks in order in a temporary folder: `sopsite init`, `sopsite new sop`, the YAML edits
(steps, a decision with a loop, a quiz), `sopsite check --strict`, `sopsite build`, then the
pull-request part (git, `check --base`, `diff`, a merge, a rebuild with the revision history,
`sopsite publish`). No step comes from anywhere but the guide, so a stale guide fails here.

Two stand-ins: the reader's `make site` + `source .venv/bin/activate` is this virtualenv's
`sopsite`, and `npm install` links the packages the new handbook's package.json names from
the repository's node_modules (same versions, no network).
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.build import MERMAID_JS, REPO, SOPSITE, env, sopsite

GUIDE = REPO / "docs" / "authoring.md"
ERRORS = REPO / "docs" / "errors.md"

MARKER = "<!-- walkthrough"
BLOCK = re.compile(
    r"^<!-- walkthrough(?:: edit (?P<path>\S+))? -->\n```(?P<lang>\w+)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
TOP_KEY = re.compile(r"([A-Za-z_][\w-]*):")
CODE_LINE = re.compile(r"^(?P<code>[A-Z]+\d{3})\s+(?P<severity>error|warning)\s+", re.MULTILINE)
ANCHOR = re.compile(r"\{#([A-Z]+\d{3})\}")


@dataclass(frozen=True)
class Block:
    lang: str
    body: str
    edit: str | None
    line: int

    def where(self) -> str:
        return f"docs/authoring.md:{self.line}"


def walkthrough() -> list[Block]:
    """The guide's marked blocks, in reading order."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = [Block(m["lang"], m["body"], m["path"], text.count("\n", 0, m.start()) + 1)
              for m in BLOCK.finditer(text)]
    assert len(blocks) == text.count(MARKER), (
        "every '<!-- walkthrough' marker must sit directly above a fenced block")
    return blocks


def replace_sections(text: str, snippet: str) -> str:
    """The guide's edit rule: the snippet's top-level sections replace those of the same name.

    A section runs from a key at the start of a line to the next such key; blank lines that
    closed a replaced section are kept, so the file keeps its spacing.
    """

    def split(source: str) -> list[tuple[str | None, list[str]]]:
        sections: list[tuple[str | None, list[str]]] = [(None, [])]
        for line in source.splitlines(keepends=True):
            match = TOP_KEY.match(line)
            if match:
                sections.append((match[1], []))
            sections[-1][1].append(line)
        return sections

    new = {key: lines for key, lines in split(snippet.rstrip("\n") + "\n") if key}
    out: list[str] = []
    for key, lines in split(text if text.endswith("\n") else text + "\n"):
        if key in new:
            trailing = len(lines) - len("".join(lines).rstrip("\n").splitlines(keepends=True))
            out += new.pop(key) + ["\n"] * trailing
        else:
            out += lines
    for lines in new.values():
        out += lines
    return "".join(out)


class Reader:
    """Types the guide's commands: tracks `cd`, stands in for `npm install`, runs the rest."""

    def __init__(self, start: Path) -> None:
        self.cwd = start
        self.env = {
            **env(), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Aino Korhonen", "GIT_AUTHOR_EMAIL": "aino@example.org",
            "GIT_COMMITTER_NAME": "Aino Korhonen", "GIT_COMMITTER_EMAIL": "aino@example.org",
        }
        self.ran: list[tuple[str, subprocess.CompletedProcess[str]]] = []

    def shell(self, block: Block) -> None:
        for line in block.body.replace("\\\n", " ").splitlines():  # joins `\` continuations
            words = shlex.split(line, comments=True)
            if not words:
                continue
            target = None
            if ">" in words:
                at = words.index(">")
                assert at == len(words) - 2, f"{block.where()}: unsupported redirection {line!r}"
                words, target = words[:at], words[at + 1]
            if words[0] == "cd":
                self.cwd = (self.cwd / words[1]).resolve()
                assert self.cwd.is_dir(), f"{block.where()}: {line!r}: no such folder"
                continue
            if words == ["npm", "install"]:
                self.npm_install()
                continue
            if words[0] == "sopsite":
                argv = [str(SOPSITE), *words[1:]]
            elif words[0] == "git":
                argv = words
            else:
                pytest.fail(f"{block.where()}: the guide runs {line!r}, which this test cannot "
                            "stand in for; extend Reader.shell or mark the block differently")
            result = subprocess.run(argv, cwd=self.cwd, env=self.env, capture_output=True,
                                    text=True, timeout=300, check=False)
            assert result.returncode == 0, (
                f"{block.where()}: {line!r} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
            if target is not None:
                (self.cwd / target).write_text(result.stdout, encoding="utf-8")
            self.ran.append((line, result))

    def npm_install(self) -> None:
        """The packages of ./package.json, linked from the repository's node_modules."""
        wanted = json.loads((self.cwd / "package.json").read_text("utf-8"))["dependencies"]
        modules = self.cwd / "node_modules"
        modules.mkdir(exist_ok=True)  # a real folder, so the starter's .gitignore applies
        for name, version in wanted.items():
            source = REPO / "node_modules" / name
            have = json.loads((source / "package.json").read_text("utf-8"))["version"]
            assert have == version, f"package.json pins {name} {version}; the repo has {have}"
            (modules / name).parent.mkdir(parents=True, exist_ok=True)  # @scope/name
            (modules / name).symlink_to(source, target_is_directory=True)
        assert MERMAID_JS.is_file()

    def edit(self, block: Block) -> None:
        assert block.edit is not None
        snippet = yaml.safe_load(block.body)
        assert isinstance(snippet, dict), f"{block.where()}: a snippet is a set of sections"
        path = self.cwd / block.edit
        assert path.is_file(), f"{block.where()}: {block.edit} does not exist yet"
        path.write_text(replace_sections(path.read_text("utf-8"), block.body), "utf-8")


def final_sections(blocks: list[Block], key: str) -> Any:
    """The last value the guide gives a top-level section."""
    values = [yaml.safe_load(b.body)[key] for b in blocks
              if b.edit and key in yaml.safe_load(b.body)]
    assert values, f"the walkthrough never writes {key!r}"
    return values[-1]


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text("utf-8")))


def test_replace_sections_follows_the_rule_the_guide_states() -> None:
    text = "kind: sop  # keep\nsteps:\n  - a\n\nroles:\n  - x\n"
    assert replace_sections(text, "steps:\n  - b\n  - c\ntraining:\n  time: 5m\n") == (
        "kind: sop  # keep\nsteps:\n  - b\n  - c\n\nroles:\n  - x\ntraining:\n  time: 5m\n")


@pytest.mark.slow
def test_new_sop_with_a_decision_and_a_quiz_from_the_guide_to_a_built_page(
        tmp_path: Path) -> None:
    blocks = walkthrough()
    steps = final_sections(blocks, "steps")
    quiz = final_sections(blocks, "training")["quiz"]
    ids = [step["id"] for step in steps]
    decisions = [step for step in steps if "decision" in step]
    loops = [(step["id"], branch["next"]) for step in decisions
             for branch in step["decision"]["branches"]
             if branch["next"] in ids and ids.index(branch["next"]) <= ids.index(step["id"])]
    # What the guide promises to teach; if it stops teaching it, this test says so.
    assert decisions, "the walkthrough should have a decision"
    assert loops, "the walkthrough should have a branch that loops back"
    assert {q["kind"] for q in quiz} == {"single", "multiple", "true-false", "ordering"}
    news = [b for b in blocks if b.lang == "sh" and "sopsite new sop" in b.body]
    assert news, "the walkthrough starts the SOP with `sopsite new sop`"
    doc_id = shlex.split(news[0].body.split("sopsite new sop", 1)[1])[0]

    start = tmp_path / "sopsite"  # the clone where the reader ran `make site`
    start.mkdir()
    reader = Reader(start)
    for block in blocks:
        if block.edit:
            reader.edit(block)
        elif block.lang in ("sh", "bash", "console"):
            reader.shell(block)
        else:
            pytest.fail(f"{block.where()}: a walkthrough block is sh or an edit, not {block.lang}")

    commands = [line for line, _ in reader.ran]
    for wanted in ("sopsite init", f"sopsite new sop {doc_id}", "sopsite check --strict",
                   "sopsite build", "sopsite check --strict --base", "sopsite diff",
                   "sopsite publish"):
        assert any(line.startswith(wanted) for line in commands), wanted
    for line, result in reader.ran:
        if line.startswith("sopsite check"):
            assert result.stdout == "", line
            assert "no problems found" in result.stderr, line

    handbook = reader.cwd
    site = handbook / "site"
    page = site / "procedures" / doc_id.lower() / "index.html"
    source = page.read_text("utf-8")
    text = text_of(page)
    for number, step in enumerate(steps, 1):
        assert f'id="step-{step["id"]}"' in source
        assert f'{number}. {step["title"]}' in text
    for step in decisions:
        assert f'Decision: {step["decision"]["question"]}' in re.sub(r"\s+", " ", text)
        for branch in step["decision"]["branches"]:
            target = ids.index(branch["next"]) + 1
            assert re.search(
                rf'<em>{re.escape(html.escape(branch["label"], quote=False))}</em> → '
                rf'<a href="#step-{re.escape(branch["next"])}">{target}\. ', source), branch
    assert 'class="mermaid"' in source

    module = site / "training" / doc_id.lower() / "index.html"
    training = module.read_text("utf-8")
    assert training.count('class="sq-question"') == len(quiz)
    for question in quiz:
        assert re.search(rf'data-kind="{question["kind"]}" id="q-{question["id"]}"', training)
    assert 'class="sq-score"' in training

    # The pull-request part: the approved version, its history and the published site.
    header = {key: final_sections(blocks, key) for key in ("version", "approvals")}
    assert f"Version {header['version']}" in re.sub(r"\s+", " ", text)
    for approval in header["approvals"]:
        assert approval["name"] in text
    first = final_sections(blocks, "changes")[0]["version"]  # the draft `sopsite new` wrote
    history = site / "procedures" / doc_id.lower()
    assert (history / f"v{first}" / "index.html").is_file()
    assert (history / f"diff-v{first}-v{header['version']}" / "index.html").is_file()
    comment = (handbook / "pr-comment.md").read_text("utf-8")
    assert f"v{first} → v{header['version']}" in comment
    published = subprocess.run(["git", "ls-tree", "-r", "--name-only", "gh-pages"],
                               cwd=handbook, env=reader.env, capture_output=True, text=True,
                               check=True).stdout.split()
    assert f"latest/procedures/{doc_id.lower()}/index.html" in published
    assert "versions.json" in published


def rules() -> dict[str, str]:
    """code -> severity, as `sopsite rules` prints them."""
    result = sopsite("rules", cwd=REPO)
    assert result.returncode == 0, result.stderr
    found = {m["code"]: m["severity"] for m in CODE_LINE.finditer(result.stdout)}
    assert len(found) == len(result.stdout.strip().splitlines()), result.stdout
    return found


def test_every_rule_code_has_its_own_entry_in_the_guide() -> None:
    documented = set(ANCHOR.findall(GUIDE.read_text("utf-8") + ERRORS.read_text("utf-8")))
    codes = rules()
    missing = sorted(set(codes) - documented)
    assert not missing, f"add a '### CODE title {{#CODE}}' entry to docs/errors.md: {missing}"
    stale = sorted(documented - set(codes))
    assert not stale, f"docs describe codes `sopsite rules` no longer prints: {stale}"


def test_sample_messages_in_each_entry_carry_its_code_and_severity() -> None:
    codes = rules()
    sections = re.split(r"^### ", ERRORS.read_text("utf-8"), flags=re.MULTILINE)[1:]
    assert sections
    for section in sections:
        anchor = ANCHOR.search(section.splitlines()[0])
        assert anchor, f"heading without an explicit anchor: ### {section.splitlines()[0]}"
        code = anchor[1]
        samples = re.findall(r"\b(error|warning) \[([A-Z]+\d{3})\]", section)
        assert samples, f"{code}: show the message the check prints"
        for severity, shown in samples:
            assert shown == code, f"the entry for {code} shows a message of {shown}"
            assert severity in (codes[code], "error"), (code, severity)
