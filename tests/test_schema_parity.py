"""The editor's schema is as strict as `sopsite check`: every file of the parity corpus
(tests/corpus/schema/, listed with its verdict in manifest.yml) is checked by sopsite and by
an independent JSON Schema validator (`jsonschema`, Draft 2020-12, with format checking)
reading it as YAML 1.1, and the two agree on valid or invalid.

The only files they may disagree on are those the manifest marks `check_only`, each of a
class below: rules that need more than the one file, or more than a schema can say. For
those, the schema must pass the file (if it refused it, the rule would be in the schema
and the mark wrong) and check must refuse it with codes of that class only. The same list
is in docs/authoring.md, "Editor support".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from generator.model.fields import DATE_SCHEMA, Date
from generator.model.incidents import TIME_SCHEMA, Timestamp
from generator.problems import Severity
from tests.support import REPO
from tests.support.parity import (
    Case,
    cases,
    check_findings,
    check_verdict,
    handbook_for,
    schema_errors,
    schema_verdict,
    written_kind,
)

CHECK_ONLY: dict[str, tuple[str, frozenset[str]]] = {
    "refs": ("references to roles, terms and documents defined in other files",
             frozenset({"REF001", "REF002", "REF003"})),
    "unique-ids": ("ids unique across a document or the handbook", frozenset({"ID001"})),
    "graph": ("the step graph: next and branch targets that exist, every step reached, a way "
              "out of every loop, forks that join", frozenset({"FLOW001", "FLOW002", "FLOW003",
                                                              "FORK001", "FORK002", "FORK003",
                                                              "FORK004", "FORK005"})),
    "within-document": ("one part of a document naming another: a quiz answer among its "
                        "options, a step's group, contact or troubleshooting step defined",
                        frozenset({"QUIZ002", "QUIZ003", "QUIZ004", "QUIZ005", "GROUP001",
                                   "GROUP002", "TROUBLE001", "CONTACT001", "CONTACT002"})),
    "order": ("dates and times compared with each other: a phase's end after its start, an "
              "incident's moments and timeline in order, signatures and changes not ahead of "
              "the version", frozenset({"MODEL004", "INCIDENT001", "INCIDENT002",
                                        "APPROVAL004", "APPROVAL005", "CHANGE001"})),
    "today": ("dates compared with today: signatures in the future",
              frozenset({"APPROVAL003"})),
    "config": ("the handbook's settings in mkdocs.yml: the severity scale",
               frozenset({"INCIDENT003"})),
    "zones": ("time zone names, which the machine's time zone database knows",
              frozenset({"MODEL004"})),
    "number-forms": ("whole numbers written with a decimal point (`12.0`), which JSON does not "
                     "tell from 12", frozenset({"MODEL004"})),
    "files": ("attachments: the file there, of its type and size", frozenset({
        "ATTACH002", "ATTACH003", "ATTACH004"})),
}
"""Classes of what only `sopsite check` can know: what each covers, and its codes."""

CASES = cases()


def test_the_corpus_is_large_and_mixed() -> None:
    verdicts = [case.verdict for case in CASES]
    assert len(CASES) >= 40
    assert verdicts.count("valid") >= 15
    assert verdicts.count("invalid") >= 25
    on_disk = {p.name for p in (REPO / "tests/corpus/schema").iterdir() if p.is_file()}
    assert on_disk == {case.name for case in CASES} | {"manifest.yml"}
    assert {case.check_only for case in CASES} - {None} <= set(CHECK_ONLY)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_and_the_schema_agree(case: Case, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    findings = check_findings(case, handbook_for(case, tmp_path))
    assert check_verdict(findings) == case.verdict, [f.format() for f in findings]
    if case.verdict == "valid":
        assert findings == []  # a valid file of the corpus is clean, warnings and all
    errors = schema_errors(case.path.read_text("utf-8"))
    if case.check_only is None:
        assert schema_verdict(case.path.read_text("utf-8")) == case.verdict, errors
    else:
        assert errors == [], "the schema refuses it: drop the check_only mark"
        codes = {f.code for f in findings if f.severity is Severity.ERROR}
        assert codes <= CHECK_ONLY[case.check_only][1], codes


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_schema_of_each_kind_says_the_same(case: Case) -> None:
    """A file whose first line names `<kind>.schema.json` gets the handbook schema's verdict
    from it: the rules are the models', shared by both."""
    text = case.path.read_text("utf-8")
    kind = written_kind(text)
    if kind is None:
        assert schema_verdict(text) == "invalid"  # no kind sopsite knows
        return
    if case.name == "roles-and-terms-list-valid.yml":
        # Roles and terms in one file: no one kind's schema reads it, the handbook's does.
        assert schema_errors(text, kind) != []
        assert schema_errors(text) == []
        return
    assert bool(schema_errors(text, kind)) == bool(schema_errors(text))


def test_the_authoring_guide_lists_what_only_check_knows() -> None:
    guide = (REPO / "docs" / "authoring.md").read_text("utf-8")
    section = guide[guide.index("## Editor support"):]
    for what, codes in CHECK_ONLY.values():
        assert what.split(":")[0] in section, what
        for code in codes:
            assert code in section, code


def test_the_date_pattern_is_the_models_calendar() -> None:
    """The schema's one expression for a day agrees with the model on every month and day
    number (0 to 32) of years at the calendar's edges and its leap-year rules."""
    model = TypeAdapter(Date)
    texts = [f"{year:04}-{month:02}-{day:02}"
             for year in (0, 1, 1900, 2000, 2023, 2024, 2100, 2400, 9999)
             for month in range(14) for day in range(33)]
    assert _disagreements(model, DATE_SCHEMA["pattern"], texts) == []


def test_the_time_pattern_is_the_models_clock() -> None:
    """The schema's expression for a moment agrees with the model on hours, minutes and
    seconds past their ends, fractions, separators and offsets, written and left out."""
    model = TypeAdapter(Timestamp)
    texts = [f"2026-11-14{sep}{clock}{offset}"
             for clock in ("00:00", "23:59", "24:00", "09:60", "9:30", "18:05:00", "18:05:59",
                           "18:05:60", "18:05:00.5", "18:05:00,123456789", "18", "1805")
             for offset in ("Z", "z", "+02:00", "-23:59", "+24:00", "+02:60", "+0200",
                            "+02", "", "+02:00:30")
             for sep in ("T", "t", " ", "_")]
    assert _disagreements(model, TIME_SCHEMA["pattern"], texts) == []


def _disagreements(model: TypeAdapter[Any], pattern: str, texts: list[str]) -> list[str]:
    """The texts that the model and the schema's pattern judge differently."""
    found = re.compile(pattern)
    differ = []
    for text in texts:
        try:
            model.validate_python(text)
            accepted = True
        except ValidationError:
            accepted = False
        if accepted != bool(found.search(text)):
            differ.append(text)
    return differ
