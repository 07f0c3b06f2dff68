"""Compare the handbook with another git revision: the authors' rules and the PR report.

`sopsite check --base REF` refuses silent changes (content changed, version not bumped),
versions that go down, and major bumps that do not say who must retrain. `sopsite diff`
writes the semantic diff of every changed document as Markdown for a pull-request comment,
with author text escaped and cut to the size GitHub takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import SopsiteError
from generator.git import diff as semdiff
from generator.git.history import documents_at
from generator.git.repo import GitError, git, inspect
from generator.model import AnyDocument
from generator.model.handbook import Handbook
from generator.model.validate import did_you_mean
from generator.problems import Problem, Severity
from generator.render.text import fenced, gfm, gfm_code


class CompareError(SopsiteError):
    """The comparison cannot be made (no repository, unknown revision).

    The revision was named on the command line (`check --base`, `diff`), so it is shown as a
    usage error.
    """

    usage = True


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def base_documents(root: Path, ref: str) -> dict[str, tuple[AnyDocument, str, str]]:
    """The documents of the handbook folder ``root`` as they were at ``ref``."""
    state = inspect(root)
    if state.top is None:
        raise CompareError(f"cannot compare with {ref!r}: {root} is not in a git repository")
    try:
        git(state.top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        branches = git(state.top, "for-each-ref", "--format=%(refname:short)").decode().split()
        raise CompareError(f"unknown revision {ref!r}; {did_you_mean(ref, branches, 'branches')}"
                           ) from None
    folder = root.resolve().relative_to(state.top.resolve()).as_posix()
    try:
        return documents_at(state.top, ref, folder)
    except GitError as error:
        raise CompareError(f"cannot read the handbook at {ref!r}: {error}") from error


LIFE_CYCLE = frozenset({"approvals", "status", "effective"})
"""Fields that move a revision through review and approval without changing what it says:
signing version 1.0 and making it effective needs no version 1.1."""


def _content(doc: AnyDocument) -> dict[str, object]:
    return doc.model_dump(exclude=set(LIFE_CYCLE))


def _rule_message(doc: AnyDocument, old: AnyDocument, ref: str) -> tuple[str, str] | None:
    """(code, message) for the version rule ``doc`` breaks against ``old``, if any."""
    new_v, old_v = _version(doc.version), _version(old.version)
    if new_v < old_v:
        return "VERSION002", (f"version {doc.version} is lower than {old.version} at {ref}; "
                              "versions only go up")
    if new_v == old_v and _content(doc) != _content(old):
        return "VERSION001", (
            f"{doc.id} changed since {ref} but its version is still {doc.version}; bump it "
            f"to \"{new_v[0]}.{new_v[1] + 1}\" for an editorial change, or to "
            f"\"{new_v[0] + 1}.0\" if people must retrain")
    if new_v[0] > old_v[0]:
        change = doc.change_entry
        if change is None or not change.retrain:
            return "VERSION003", (
                f"major version {doc.version} (was {old.version} at {ref}) needs a `changes` "
                f"entry for {doc.version} that names the roles to retrain under `retrain`")
    return None


def base_problems(handbook: Handbook, root: Path, ref: str) -> list[Problem]:
    """VERSION001-003: what changed since ``ref`` without the version saying so."""
    before = base_documents(root, ref)
    problems = []
    for entry in handbook.documents:
        if entry.item.id not in before:
            continue
        found = _rule_message(entry.item, before[entry.item.id][0], ref)
        if found:
            line, column = entry.source.position(("version",))
            problems.append(Problem(entry.source.path, line, column, found[0], Severity.ERROR,
                                    found[1]))
    return problems


COMMENT_LIMIT = 65_536
"""The most characters GitHub takes in one comment; a longer body is refused whole."""


def _size(text: str) -> int:
    """Characters as the strictest counter sees them: UTF-16 code units, so an emoji is two
    (never fewer than GitHub counts)."""
    return len(text.encode("utf-16-le")) // 2


_YAML_LEFT_OUT = "*The YAML diff of this document is left out here; it is in the full diff.*\n\n"
_WORDS_CUT = "*The rest of this document's changes is left out here; it is in the full diff.*\n\n"


@dataclass(frozen=True)
class DocumentDiff:
    """What changed in one document: in words, and the folded YAML diff (may be empty)."""

    words: str
    yaml: str = ""


@dataclass(frozen=True)
class Report:
    """The semantic diff of a handbook, as the whole text or as one pull-request comment.

    Every author string in it is escaped for GitHub-flavoured Markdown (:func:`gfm`), and
    each YAML diff sits in a fence longer than any backtick run inside it, so nothing an
    author writes can open a comment, a tag or a code block that hides the rest.
    """

    title: str
    documents: tuple[DocumentDiff, ...]

    def full(self) -> str:
        """Every document, in words and with its YAML diff."""
        body = "".join(d.words + d.yaml for d in self.documents) or "No document changed.\n"
        return f"{self.title}\n\n{body}".rstrip("\n") + "\n"

    def comment(self, *, limit: int = COMMENT_LIMIT, full_name: str | None = None,
                full_url: str | None = None) -> str:
        """The report in at most ``limit`` characters.

        When the whole does not fit, the comment keeps the documents in order as long as
        their words fit (the first one cut after its last whole line that fits, when even
        it is too long), then the YAML diffs of those documents while room is left, and
        opens with a note saying how many documents it shows and where the full diff is:
        the file ``full_name`` (from `--full-out`), found at ``full_url`` when given.
        """
        text = self.full()
        if _size(text) <= limit:
            return text
        total = len(self.documents)
        # The note at its longest: its counts never exceed the number of documents.
        widest = _cut_note(_size(text), limit, total, total, total, True, full_name, full_url)
        room = limit - _size(f"{self.title}\n\n{widest}\n\n")
        shown: list[DocumentDiff] = []
        for document in self.documents:
            cost = _size(document.words) + (len(_YAML_LEFT_OUT) if document.yaml else 0)
            if cost > room:
                break
            shown.append(document)
            room -= cost
        cut = not shown and total > 0
        if cut:
            first = self.documents[0]
            words = _whole_lines(first.words, room - len(_WORDS_CUT) - len(_YAML_LEFT_OUT))
            shown.append(DocumentDiff(words + _WORDS_CUT, first.yaml))
            room -= _size(shown[0].words) + len(_YAML_LEFT_OUT)
        parts, left_out = [], 0
        for document in shown:
            parts.append(document.words)
            if document.yaml and _size(document.yaml) - len(_YAML_LEFT_OUT) <= room:
                parts.append(document.yaml)
                room -= _size(document.yaml) - len(_YAML_LEFT_OUT)
            elif document.yaml:
                parts.append(_YAML_LEFT_OUT)
                left_out += 1
        note = _cut_note(_size(text), limit, len(shown), total, left_out, cut, full_name,
                         full_url)
        return f"{self.title}\n\n{note}\n\n{''.join(parts)}".rstrip("\n") + "\n"


def _whole_lines(text: str, room: int) -> str:
    """The lines of ``text`` from the start that fit in ``room`` characters."""
    kept: list[str] = []
    for line in text.splitlines(keepends=True):
        room -= _size(line)
        if room < 0:
            break
        kept.append(line)
    return "".join(kept).rstrip("\n") + "\n\n"


def _cut_note(size: int, limit: int, shown: int, total: int, left_out: int, cut: bool,
              full_name: str | None, full_url: str | None) -> str:
    which = ["the first cut short"] if cut else []
    which += [f"{left_out} of them without their YAML diff"] if left_out else []
    yaml = f" ({', '.join(which)})" if which else ""
    if full_name is None:
        where = ("the full diff is what `sopsite diff` prints with `--full-out FILE`, "
                 "which writes it whole to FILE")
    else:
        where = f"the full diff is in the file {gfm_code(full_name)}"
        if full_url is not None:
            where += f", kept with [the workflow run](<{_url(full_url)}>) as an artifact"
    return (f"> [!WARNING]\n> The diff is too long for one comment ({size:,} characters; "
            f"GitHub takes {limit:,}): {shown} of {total} documents shown{yaml}; {where}.")


def _url(text: str) -> str:
    """A link destination that cannot leave its angle brackets."""
    return "".join(f"%{ord(c):02X}" if c in "<>\\ " or ord(c) < 32 else c for c in text)


def report(root: Path, base: str, head: str | None, current: Handbook | None) -> Report:
    """The semantic diff of every document that differs between ``base`` and ``head``.

    ``head`` None means the working tree, given as the loaded ``current`` handbook.
    """
    before = base_documents(root, base)
    if head is None:
        assert current is not None
        after = {e.item.id: (e.item, e.text, e.source.path) for e in current.documents}
    else:
        after = base_documents(root, head)
    head_name = head or "working tree"
    documents = []
    for doc_id in sorted(set(before) | set(after)):
        old, new = before.get(doc_id), after.get(doc_id)
        if old and new and old[0] == new[0]:
            continue
        if new is None:
            assert old is not None
            documents.append(DocumentDiff(
                f"## {gfm(doc_id)}: {gfm(old[0].title)} — removed\n\n"
                f"Was version {old[0].version} in {gfm_code(old[2])}.\n\n"))
            continue
        if old is None:
            documents.append(DocumentDiff(
                f"## {gfm(doc_id)}: {gfm(new[0].title)} — new, version {new[0].version}\n\n"))
            continue
        words = [f"## {gfm(doc_id)}: {gfm(new[0].title)} — v{old[0].version} → "
                 f"v{new[0].version}", ""]
        change = new[0].change_entry
        if change and old[0].version != new[0].version:
            retrain = (f" Must retrain: {', '.join(gfm(r) for r in change.retrain)}."
                       if change.retrain else "")
            words += [f"> {gfm(change.summary)} ({gfm(change.author)}, {change.date}).{retrain}",
                      ""]
        words.append(semdiff.as_markdown(semdiff.semantic_diff(old[0], new[0]), escape=gfm))
        diff = semdiff.yaml_diff(old[1], new[1], f"{base}:{old[2]}", f"{head_name}:{new[2]}")
        yaml = "\n".join(["<details><summary>YAML diff</summary>", "", fenced(diff, "diff"),
                           "", "</details>", "", ""])
        documents.append(DocumentDiff("\n".join(words).rstrip("\n") + "\n\n", yaml))
    return Report(f"# Handbook changes: {gfm(base)} → {gfm(head_name)}", tuple(documents))
