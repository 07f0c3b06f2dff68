"""Property: documents built from the models, dumped to YAML and loaded back, are equal and clean.

This is what makes the loader and the model agree: anything the model can hold, a YAML file
can say, and reading it back loses nothing (dates, quotes, odd Unicode, numbers).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model import (
    Approval,
    Branch,
    Decision,
    Metric,
    Process,
    Risk,
    Role,
    RoleInvolvement,
    Sop,
    Step,
    Term,
    dump,
    to_yaml,
)
from generator.model.schema import schemas
from generator.pipeline import check_handbook
from tests.support import TODAY

ROLES = ["it-director", "level-1-technician"]
TERMS = ["kpi"]

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda s: s.strip() != "")
optional_text = st.one_of(st.just(""), text)
slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
version = st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 30), st.integers(0, 30))
role = st.sampled_from(ROLES)
number = st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False))


@st.composite
def steps(draw: st.DrawFn) -> list[Step]:
    """A valid graph: a chain with an optional decision that loops back or skips ahead."""
    ids = draw(st.lists(slug, min_size=1, max_size=6, unique=True))
    result = []
    for i, step_id in enumerate(ids):
        decision = None
        if i > 0 and i + 1 < len(ids) and draw(st.booleans()):
            decision = Decision(
                question=draw(text),
                branches=[Branch(label=draw(text), next=ids[i + 1]),
                          Branch(label=draw(text), next=ids[draw(st.integers(0, i))])],
            )
        result.append(Step(
            id=step_id, title=draw(text), actor=draw(role), instructions=draw(optional_text),
            substeps=draw(st.lists(text, max_size=2)), checks=draw(st.lists(text, max_size=2)),
            duration=draw(st.one_of(st.none(), st.from_regex(r"[1-9][0-9]{0,2}[mhdw]",
                                                             fullmatch=True))),
            decision=decision,
        ))
    return result


def common(draw: st.DrawFn, prefix: str) -> dict[str, object]:
    effective = draw(st.dates(min_value=dt.date(2026, 1, 1), max_value=TODAY))
    current = draw(version)
    return {
        "id": f"{prefix}-{draw(st.integers(1, 999))}",
        "title": draw(text),
        "version": current,
        "status": draw(st.sampled_from(["draft", "in-review", "effective"])),
        "owner": draw(role),
        "effective": effective,
        "review_every": draw(st.integers(12, 60)),
        "language": draw(st.sampled_from(["en", "fi"])),
        "tags": draw(st.lists(text, max_size=3)),
        "terms": TERMS,
        # Approved before it took effect, as the checks require of an effective document.
        "approvals": [Approval(name=draw(text), role=draw(role), version=current,
                               date=draw(st.dates(min_value=dt.date(2000, 1, 1),
                                                  max_value=effective)),
                               meaning="approval")],
    }


@st.composite
def sops(draw: st.DrawFn) -> Sop:
    return Sop(
        kind="sop", **common(draw, "SOP"), purpose=draw(text), scope=draw(text),
        # Every role, since any may be a step's actor (RACI001).
        roles=[RoleInvolvement(role=name, raci="responsible", duties=draw(optional_text))
               for name in ROLES],
        inputs=draw(st.lists(text, max_size=3)), steps=draw(steps()),
        metrics=[Metric(name=draw(text), target=draw(number), unit=draw(text),
                        frequency="monthly", owner=draw(role))],
    )


@st.composite
def processes(draw: st.DrawFn) -> Process:
    return Process(
        kind="process", **common(draw, "PROC"), type="adaptive", level="tactical",
        objective=draw(text), strategy=draw(text), tactics=draw(st.lists(text, max_size=3)),
        steps=draw(steps()),
        premortem=[Risk(id=draw(slug), description=draw(text), likelihood=draw(st.integers(1, 5)),
                        impact=draw(st.integers(1, 5)), mitigation=draw(text), owner=draw(role))],
    )


def _write(folder: Path, name: str, data: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(to_yaml(data), encoding="utf-8")


BASE = [
    Role(kind="role", id="it-director", name="IT Director", can_approve=True),
    Role(kind="role", id="level-1-technician", name="Level 1 Technician", can_approve=True),
    Term(kind="term", id="kpi", term="KPI", definition="A key performance indicator."),
]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(documents=st.lists(st.one_of(sops(), processes()), min_size=1, max_size=3,
                          unique_by=lambda d: d.id))
def test_dumped_documents_load_back_equal_and_check_clean(
    tmp_path_factory: pytest.TempPathFactory, documents: list[Sop | Process]
) -> None:
    root = tmp_path_factory.mktemp("roundtrip")
    _write(root, "base.yml", [dump(item) for item in BASE])
    for i, doc in enumerate(documents):
        _write(root, f"doc-{i}.yml", dump(doc))
    handbook, problems = check_handbook(root, today=TODAY)
    assert problems == []
    loaded = sorted((e.item for e in handbook.documents), key=lambda d: d.id)
    assert loaded == sorted(documents, key=lambda d: d.id)


def _as_json(value: object) -> object:
    """What an editor's YAML language server sees: dates are strings in JSON."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))


def test_json_schemas_validate_the_example_handbook() -> None:
    repo = Path(__file__).resolve().parents[1]
    validators = {
        name.removesuffix(".schema.json"): jsonschema.Draft202012Validator(json.loads(text))
        for name, text in schemas().items()
    }
    for validator in validators.values():
        jsonschema.Draft202012Validator.check_schema(validator.schema)
    files = sorted((repo / "sops").rglob("*.yml"))
    assert len(files) == 9
    for file in files:
        data = _as_json(yaml.safe_load(file.read_text("utf-8")))
        kind = data[0]["kind"] if isinstance(data, list) else data["kind"]
        errors = list(validators[kind].iter_errors(data))
        assert errors == [], (file, errors[:1])


RULE_KEYWORDS = frozenset({"if", "then", "else", "not", "allOf", "anyOf"})
"""Where a schema states rules between keys (`next` or `end`, an imported document's
source): the properties named there are constraints on keys declared, and described,
beside them."""


def _undescribed(node: object, path: str) -> list[str]:
    """Properties without a description anywhere under ``node``."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            if isinstance(value, dict) and not value.get("description"):
                found.append(f"{path}.{key}")
        for key, value in node.items():
            if key not in RULE_KEYWORDS:
                found += _undescribed(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _undescribed(value, f"{path}[{index}]")
    return found


def test_every_property_of_every_schema_has_a_description() -> None:
    """An editor shows the description on hover: a field without one is a field authors
    guess at."""
    missing = [entry for name, text in schemas().items()
               for entry in _undescribed(json.loads(text), name)]
    assert missing == []


def test_json_schema_rejects_what_the_model_rejects() -> None:
    schema = json.loads(schemas()["sop.schema.json"])
    validator = jsonschema.Draft202012Validator(schema)
    bad = {"kind": "sop", "id": "SOP-1", "titel": "typo"}
    messages = sorted(error.message for error in validator.iter_errors(bad))
    assert "Additional properties are not allowed ('titel' was unexpected)" in messages
    assert "'title' is a required property" in messages


def test_schema_command_writes_one_file_per_kind(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.commands.cli import cli

    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == ["check-report.schema.json", "handbook.schema.json",
                       "postmortem.schema.json", "process.schema.json", "retro.schema.json",
                       "role.schema.json", "sop.schema.json", "term.schema.json"]
    role_schema = json.loads((tmp_path / "schemas" / "role.schema.json").read_text("utf-8"))
    assert {"$ref", "type"} & set(json.dumps(role_schema["anyOf"]).split('"'))
