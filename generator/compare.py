"""Compare the handbook with another git revision: the authors' rules and the PR report.

`sopsite check --base REF` refuses silent changes (content changed, version not bumped),
versions that go down, and major bumps that do not say who must retrain. `sopsite diff`
writes the semantic diff of every changed document as Markdown for a pull-request comment.
"""

from __future__ import annotations

from pathlib import Path

from generator import semdiff
from generator.gitrepo import GitError, git, inspect
from generator.handbook import Handbook
from generator.history import documents_at
from generator.model import AnyDocument
from generator.problems import Problem, Severity
from generator.render.text import fenced
from generator.validate import did_you_mean


class CompareError(Exception):
    """The comparison cannot be made (no repository, unknown revision)."""


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


def report(root: Path, base: str, head: str | None, current: Handbook | None) -> str:
    """The semantic diff of every document that differs between ``base`` and ``head``.

    ``head`` None means the working tree, given as the loaded ``current`` handbook.
    """
    before = base_documents(root, base)
    if head is None:
        assert current is not None
        after = {e.item.id: (e.item, e.text, e.source.path) for e in current.documents}
    else:
        after = base_documents(root, head)
    out = [f"# Handbook changes: {base} → {head or 'working tree'}", ""]
    changed = 0
    for doc_id in sorted(set(before) | set(after)):
        old, new = before.get(doc_id), after.get(doc_id)
        if old and new and old[0] == new[0]:
            continue
        changed += 1
        if new is None:
            assert old is not None
            out += [f"## {doc_id}: {old[0].title} — removed", "",
                    f"Was version {old[0].version} in `{old[2]}`.", ""]
            continue
        if old is None:
            out += [f"## {doc_id}: {new[0].title} — new, version {new[0].version}", ""]
            continue
        out += [f"## {doc_id}: {new[0].title} — v{old[0].version} → v{new[0].version}", ""]
        change = new[0].change_entry
        if change and old[0].version != new[0].version:
            retrain = f" Must retrain: {', '.join(change.retrain)}." if change.retrain else ""
            out += [f"> {change.summary} ({change.author}, {change.date}).{retrain}", ""]
        out.append(semdiff.as_markdown(semdiff.semantic_diff(old[0], new[0])))
        diff = semdiff.yaml_diff(old[1], new[1], f"{base}:{old[2]}",
                                 f"{head or 'working tree'}:{new[2]}")
        out += ["<details><summary>YAML diff</summary>", "", fenced(diff, "diff"), "",
                "</details>", ""]
    if not changed:
        out.append("No document changed.")
    return "\n".join(out).rstrip("\n") + "\n"
