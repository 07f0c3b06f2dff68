"""The schema parity corpus (tests/corpus/schema/), read the two ways an author meets it:
by `sopsite check`, and by a JSON Schema tool reading the file as YAML 1.1.

Each case is checked in a handbook of its own: the corpus's `base/` (the roles, a term and
an image the cases name) and the case file in a nested folder, `sops/cases/`, as an author
may keep it, so the editor settings' `sops/**` mapping is exercised too.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from generator.model.content import KINDS
from generator.model.schema import schema_for, schemas
from generator.pipeline import check_handbook
from generator.problems import Problem, Severity
from tests.support import TESTS, TODAY

CORPUS = TESTS / "corpus" / "schema"
BASE = CORPUS / "base"
CASE_FOLDER = "sops/cases"
"""Where a case file stands in the handbook made for it."""


@dataclass(frozen=True)
class Case:
    """One corpus file and what its manifest says of it."""

    name: str
    verdict: str
    why: str
    check_only: str | None

    @property
    def path(self) -> Path:
        return CORPUS / self.name


def cases() -> list[Case]:
    """Every case of tests/corpus/schema/manifest.yml, in its order."""
    manifest = yaml.safe_load((CORPUS / "manifest.yml").read_text("utf-8"))
    return [Case(name, entry["verdict"], entry["why"], entry.get("check_only"))
            for name, entry in manifest.items()]


def handbook_for(case: Case, project: Path) -> Path:
    """A project folder holding the base handbook and ``case`` under `sops/cases/`."""
    sops = project / "sops"
    shutil.copytree(BASE, sops)
    (project / CASE_FOLDER).mkdir(parents=True)
    shutil.copy(case.path, project / CASE_FOLDER / case.name)
    return project


def check_findings(case: Case, project: Path) -> list[Problem]:
    """What `sopsite check` (its pipeline function) finds in ``case``'s file."""
    _, problems = check_handbook(project / "sops", today=TODAY)
    return [p for p in problems if p.path.endswith(f"cases/{case.name}")]


def check_verdict(problems: list[Problem]) -> str:
    """'invalid' when check reports an error (what fails `sopsite check`), else 'valid'."""
    return "invalid" if any(p.severity is Severity.ERROR for p in problems) else "valid"


class EditorLoader(yaml.SafeLoader):
    """PyYAML's safe loader (YAML 1.1: `yes` is true, `0o17` and `1:30` are numbers), but
    as an editor's language server hands the document to its schema: a timestamp is the
    text as written (JSON has no dates), and a key written twice is an error, not the
    last value."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=True) for key, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {twice[0]!r}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _timestamp_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


EditorLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_text)


@cache
def handbook_validator() -> jsonschema.Draft202012Validator:
    """`handbook.schema.json` as an independent validator, Draft 2020-12 with formats."""
    schema = json.loads(schemas()["handbook.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@cache
def kind_validator(kind: str) -> jsonschema.Draft202012Validator:
    """`<kind>.schema.json`, the schema a file's `# yaml-language-server` line names."""
    return jsonschema.Draft202012Validator(
        schema_for(kind),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_errors(text: str, kind: str | None = None) -> list[str]:
    """What the schema says of a file's text (`handbook.schema.json`, or the schema of
    ``kind``): its errors, or the YAML error that stops it."""
    try:
        data = yaml.load(text, Loader=EditorLoader)  # a SafeLoader: nothing but YAML's own types
    except yaml.YAMLError as error:
        return [f"YAML: {error}"]
    validator = handbook_validator() if kind is None else kind_validator(kind)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


def written_kind(text: str) -> str | None:
    """The `kind` a file's first item names, when it is one sopsite knows."""
    try:
        data = yaml.load(text, Loader=EditorLoader)
    except yaml.YAMLError:
        return None
    first = data[0] if isinstance(data, list) and data else data
    kind = first.get("kind") if isinstance(first, dict) else None
    return kind if isinstance(kind, str) and kind in KINDS else None


def schema_verdict(text: str) -> str:
    return "invalid" if schema_errors(text) else "valid"
