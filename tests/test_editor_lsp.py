"""What an author sees in the editor: the real yaml-language-server (VS Code's "YAML"
extension), driven over stdio with the settings of .vscode/settings.json, on the example
handbook and on the parity corpus (tests/corpus/schema/), against `sopsite check`.

The example handbook has no diagnostics. Each corpus file has diagnostics exactly when
check refuses it for a rule a schema can express, and on the lines check reports; the files
only check can refuse (`check_only` in the manifest, `CHECK_ONLY` in
tests/test_schema_parity.py) have none. A rule about a whole mapping is the one place the
two point differently: check names the mapping (or the key the rule is about), the server
the key that holds it; `MAPPING_LINES` lists those cases with the line the server marks.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from generator.problems import Severity
from tests.support import REPO
from tests.support.lsp import Diagnostic, YamlLanguageServer
from tests.support.parity import BASE, Case, cases, check_findings, handbook_for

SETTINGS = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
OFFLINE = {"yaml.schemaStore.enable": False}
"""Laid over the settings: the server would fetch the public schema catalogue, which a
test cannot reach and sopsite's files do not need."""

MAPPING_LINES = {
    "source-names-nothing.yml": 25,
    "imported-without-day.yml": 25,
    "imported-without-source.yml": 1,
}
"""Rules about a whole mapping (a source naming the original, an imported document's
source and its day): the line of the key holding the mapping (`source:`; 1 for the
document itself), where check names its first key or `status`."""

SERVER_GAPS = {
    "review-every-zero-colon.yml": "the server's YAML 1.1 reads `0:30` as the base-60 "
    "number 30, where PyYAML and sopsite read text (their base-60 numbers start at 1)",
    "comments-only.yml": "the server validates no file without a value in it (only "
    "comments), which sopsite refuses as empty (FILE004)",
}
"""Files the server reads otherwise than sopsite and marks nothing in: its own gaps, not
the schema's (`tests/test_schema_parity.py` refuses them through PyYAML and jsonschema)."""

EDGE_CASES = cases()
TIME_LIMIT = 30.0
"""Seconds the server may take for the whole handbook and corpus, start to shutdown."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed schemas, the example handbook, and the corpus with its base in a
    folder of its own under `sops/` (as sopsite would load them)."""
    root = tmp_path_factory.mktemp("editor")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "sops", root / "sops")
    shutil.copytree(BASE, root / "sops" / "edge")
    for case in EDGE_CASES:
        shutil.copy(case.path, root / "sops" / "edge" / case.name)
    return root


def _examples(root: Path) -> list[Path]:
    return sorted(p for p in (root / "sops").rglob("*.y*ml") if "edge" not in p.parts)


def _edge(root: Path) -> list[Path]:
    return [root / "sops" / "edge" / case.name for case in EDGE_CASES]


@pytest.fixture(scope="module")
def seen(project: Path) -> dict[Path, list[Diagnostic]]:
    started = time.monotonic()
    with YamlLanguageServer(project, {**SETTINGS, **OFFLINE}) as server:
        found = server.diagnostics([*_examples(project), *_edge(project)])
    took = time.monotonic() - started
    assert took < TIME_LIMIT, f"yaml-language-server took {took:.1f} s"
    return found


def test_the_example_handbook_has_no_diagnostics(project: Path,
                                                 seen: dict[Path, list[Diagnostic]]) -> None:
    examples = _examples(project)
    assert len(examples) == 9
    assert {file.name: seen[file] for file in examples} == {file.name: [] for file in examples}


@pytest.mark.parametrize("case", EDGE_CASES, ids=[case.name for case in EDGE_CASES])
def test_the_editor_marks_the_lines_check_reports(
        case: Case, project: Path, seen: dict[Path, list[Diagnostic]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    findings = check_findings(case, handbook_for(case, tmp_path))
    marked = sorted({d.line for d in seen[project / "sops" / "edge" / case.name]})
    if case.check_only is not None:
        assert marked == [], "the editor refuses it: drop the check_only mark"
        return
    if case.name in SERVER_GAPS:
        assert marked == [], "the server reads it as sopsite does now: drop it from SERVER_GAPS"
        return
    reported = sorted({p.line for p in findings if p.severity is Severity.ERROR})
    expected = [MAPPING_LINES[case.name]] if case.name in MAPPING_LINES else reported
    assert marked == expected, seen[project / "sops" / "edge" / case.name]


def test_yaml_1_2_would_miss_what_sopsite_refuses(project: Path) -> None:
    """Why the settings say `yaml.yamlVersion: "1.1"`: without it, `label: yes` is text."""
    file = project / "sops" / "edge" / "label-yes-boolean.yml"
    settings = {k: v for k, v in SETTINGS.items() if k != "yaml.yamlVersion"}
    with YamlLanguageServer(project, {**settings, **OFFLINE}) as server:
        assert server.diagnostics([file])[file] == []
