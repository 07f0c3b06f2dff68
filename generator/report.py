"""The machine-readable result of `sopsite check --format json`: a documented, versioned shape.

Tools (a CI dashboard, an editor extension, a bot) read this instead of parsing lines. The
shape is versioned so a tool can refuse a version it does not know rather than misread
one; `schemas/check-report.schema.json` is generated from the models below, so the schema
and the output cannot drift apart. Each finding keeps its own severity: `--strict` decides
whether the run fails (`fails` on each finding, `passed` on the run), never what a finding is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.problems import Problem, Severity, failing

FORMAT = "sopsite-check"
VERSION = 1
"""Raised when a field is removed or changes meaning; adding a field keeps the version."""


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Finding(_Shape):
    """One problem, as `path:line:col: severity [code] message` says it, plus whether it
    fails this run."""

    path: str = Field(description="The file, relative to where sopsite ran, '/'-separated.")
    line: int = Field(ge=1, description="1-based line.")
    column: int = Field(ge=1, description="1-based column.")
    severity: Literal["error", "warning"] = Field(
        description="The finding's own severity, the same with and without --strict.")
    code: str = Field(pattern=r"^[A-Z]+[0-9]{3}$",
                      description="The rule's code; `sopsite rules` lists them, "
                      "docs/errors.md explains each.")
    message: str = Field(description="What was expected, what was found, and what to do.")
    fails: bool = Field(description="Whether this finding fails the run: every error, and "
                        "with --strict every warning that is not advice.")


class Counts(_Shape):
    """How many findings of each severity, and how many fail the run."""

    errors: int = Field(ge=0, description="Findings with severity error.")
    warnings: int = Field(ge=0, description="Findings with severity warning.")
    failing: int = Field(ge=0, description="Findings with `fails: true`.")


class Report(_Shape):
    """Everything `sopsite check` found in one run, sorted by path, line, column and code."""

    format: Literal["sopsite-check"] = Field(description="What this document is.")
    version: Literal[1] = Field(description="The version of this shape.")
    strict: bool = Field(description="Whether the run was --strict.")
    passed: bool = Field(description="False exactly when the command exits 1.")
    counts: Counts = Field(description="The findings counted.")
    problems: list[Finding] = Field(description="Every finding, sorted.")


def report(problems: Iterable[Problem], *, strict: bool, advice: frozenset[str]) -> Report:
    ordered = sorted(problems)
    fail = set(failing(ordered, strict=strict, advice=advice))
    errors = sum(p.severity is Severity.ERROR for p in ordered)
    return Report(
        format=FORMAT, version=VERSION, strict=strict, passed=not fail,
        counts=Counts(errors=errors, warnings=len(ordered) - errors, failing=len(fail)),
        problems=[Finding(path=p.path, line=p.line, column=p.column, severity=p.severity.value,
                          code=p.code, message=p.message, fails=p in fail) for p in ordered])


def report_json(problems: Iterable[Problem], *, strict: bool, advice: frozenset[str]) -> str:
    """The report as JSON text (UTF-8, not ASCII-escaped: paths and ids may be any script)."""
    data = report(problems, strict=strict, advice=advice).model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False)


REPORT_SCHEMA_FILE = "check-report.schema.json"


def report_schema_text() -> str:
    """The report's JSON Schema, in stable bytes so the committed copy can be diffed."""
    from generator.model.schema import SCHEMA_DIALECT

    schema = {"$schema": SCHEMA_DIALECT, "title": "sopsite check --format json, version 1",
              **Report.model_json_schema()}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
