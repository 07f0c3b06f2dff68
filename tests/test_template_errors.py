"""A template override that Jinja cannot parse or render is the author's error (TEMPLATE001).

Real `sopsite build` and `sopsite export --templates` runs with a folder of overrides: the
run exits 1 with one located `path:line:col: error [TEMPLATE001] ...` line, no traceback,
and leaves the previous output as it was. The same failure in one of sopsite's own templates
is a bug and still exits 3.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import SopsiteError, TemplateError
from generator.render.core import Renderer
from tests.support import TODAY_ARG, run_cli
from tests.support.build import REPO, env, make_project, sopsite

SMALL = REPO / "tests" / "fixtures" / "site" / "sops"

RENDERED_WITH = ("banner, build_commit, diffs, doc, files, frozen, history_notice, history_rows, "
                 "in_search, language_names, links, module, overdue, revisions, status_label, "
                 "superseded_by, today, words")
"""The names a document page's template is given (generator.render.pages.document_page)."""

CASES = {
    "syntax error": (
        "retro.md.j2", "# {{ doc.title }}\n\n{{ doc.summary }\n",
        "overrides/retro.md.j2:3:1: error [TEMPLATE001] expected Jinja template syntax, found "
        "an error: unexpected '}'"),
    "misspelt attribute": (
        "retro.md.j2", "# {{ doc.title }}\n\n{{ doc.summary }}\n\n{{ doc.titel }}\n",
        "overrides/retro.md.j2:5:1: error [TEMPLATE001] expected a value the page is given, "
        "found an undefined one: 'Retro' has no attribute "
        f"'titel'; retro.md.j2 is rendered with {RENDERED_WITH}"),
    "missing include": (
        "retro.md.j2", "# {{ doc.title }}\n\n\n{% include 'retro-extra.md.j2' %}\n",
        "overrides/retro.md.j2:4:1: error [TEMPLATE001] expected a template 'retro-extra.md.j2' "
        "in overrides or among sopsite's own templates, found none: check the name this line "
        "includes, imports or extends"),
}

EXPORT_ONLY = {
    "undefined name": (
        "retro.md.j2", "# {{ doc.title }}\n{{ summary }}\n",
        "overrides/retro.md.j2:2:1: error [TEMPLATE001] expected a value the page is given, "
        f"found an undefined one: 'summary' is undefined; retro.md.j2 is rendered with "
        f"{RENDERED_WITH}"),
    "expression that raises": (
        "retro.md.j2", "# {{ doc.title }}\n\n{{ doc.title + 1 }}\n",
        "overrides/retro.md.j2:3:1: error [TEMPLATE001] expected an expression that works on "
        "the values it is given, found TypeError: can only concatenate str (not \"int\") to str"),
    "partial a packaged template imports": (
        "_macros.md.j2", "{% macro control(doc) %}\n{% if doc %}\n{% endfor %}\n{% endmacro %}\n",
        "overrides/_macros.md.j2:3:1: error [TEMPLATE001] expected Jinja template syntax, found "
        "an error: Encountered unknown tag 'endfor'. Jinja was looking for the following tags: "
        "'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
}


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _with_overrides(config: Path) -> None:
    config.write_text(config.read_text("utf-8").replace(
        "      sops: sops\n", "      sops: sops\n      templates: overrides\n"), "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small handbook with an (empty) overrides folder, built once."""
    project = tmp_path_factory.mktemp("built")
    _with_overrides(make_project(project, SMALL))
    (project / "overrides").mkdir()
    result = sopsite("build", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.slow
@pytest.mark.parametrize(("name", "source", "line"), CASES.values(), ids=CASES.keys())
def test_build_names_the_override_and_its_line(built: Path, tmp_path: Path, name: str,
                                               source: str, line: str) -> None:
    project = tmp_path / "p"
    shutil.copytree(built, project, symlinks=True)
    before = _tree(project / "site")
    (project / "overrides" / name).write_text(source, "utf-8")
    result = sopsite("build", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "ERROR   -  sopsite: a template override has an error:", line,
        "sopsite: build failed: Aborted with a BuildError!"]
    assert "Traceback" not in result.stderr
    assert _tree(project / "site") == before
    assert not list(project.glob(".site.*"))


@pytest.mark.parametrize(("name", "source", "line"), [*CASES.values(), *EXPORT_ONLY.values()],
                         ids=[*CASES.keys(), *EXPORT_ONLY.keys()])
def test_export_names_the_override_and_its_line(tmp_path: Path, name: str, source: str,
                                                line: str) -> None:
    shutil.copytree(SMALL, tmp_path / "sops")
    (tmp_path / "overrides").mkdir()
    first = run_cli("export", "--templates", "overrides", "--out", "out", cwd=tmp_path,
                    today=TODAY_ARG)
    assert first.returncode == 0, first.stderr
    before = _tree(tmp_path / "out")
    (tmp_path / "overrides" / name).write_text(source, "utf-8")
    result = run_cli("export", "--templates", "overrides", "--out", "out", cwd=tmp_path,
                     today=TODAY_ARG)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, line + "\n", "1 error(s), 0 warning(s)\n")
    assert _tree(tmp_path / "out") == before  # pages made before it are the same bytes


def test_template_error_is_a_sopsite_error_with_one_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "page.md.j2").write_text("a\n{{ 1 + }}\n", "utf-8")
    with pytest.raises(TemplateError) as raised:
        Renderer(Path("mine")).render("page.md.j2")
    assert isinstance(raised.value, SopsiteError)
    assert raised.value.message == "the template override mine/page.md.j2 cannot be rendered"
    assert [p.format() for p in raised.value.problems] == [
        "mine/page.md.j2:2:1: error [TEMPLATE001] expected Jinja template syntax, found an "
        "error: unexpected 'end of print statement'"]


def _broken_copy(tmp_path: Path) -> Path:
    """A copy of the generator package whose own retro template has a real bug in it."""
    package = tmp_path / "pkg"
    shutil.copytree(REPO / "generator", package / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    template = package / "generator" / "templates" / "retro.md.j2"
    template.write_text(template.read_text("utf-8") + "\n{{ doc.no_such_field }}\n", "utf-8")
    return package


def _run_copy(package: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    run = {key: value for key, value in env().items() if key != "SOPSITE_DEBUG"}
    run["PYTHONPATH"] = str(package)
    return subprocess.run(
        [sys.executable, "-c", "import sys; from generator.commands.cli import main; "
         "sys.argv[0] = 'sopsite'; main()", *args],
        cwd=cwd, env=run, capture_output=True, text=True, timeout=300, check=False)


BUG = ("sopsite: internal error: UndefinedError: 'generator.model.documents.Retro object' has no "
       "attribute 'no_such_field'\n"
       "This is a bug in sopsite; run again with SOPSITE_DEBUG=1 for details.\n")


def test_a_bug_in_a_packaged_template_is_still_an_internal_error(tmp_path: Path) -> None:
    """With an override folder given (and used), a packaged template's failure is sopsite's."""
    package = _broken_copy(tmp_path)
    shutil.copytree(SMALL, tmp_path / "sops")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "role.md.j2").write_text("# {{ role.name }}\n", "utf-8")
    result = _run_copy(package, "export", "--templates", "overrides", "--out", "out", "sops",
                       cwd=tmp_path)
    assert (result.returncode, result.stderr) == (3, BUG)
    assert "TEMPLATE001" not in result.stdout


@pytest.mark.slow
def test_a_bug_in_a_packaged_template_fails_a_build_as_an_internal_error(tmp_path: Path) -> None:
    package = _broken_copy(tmp_path)
    project = tmp_path / "p"
    _with_overrides(make_project(project, SMALL))
    (project / "overrides").mkdir()
    result = _run_copy(package, "build", cwd=project)
    assert (result.returncode, result.stderr) == (3, BUG)
    assert not (project / "site").exists()
