"""Dates and times have one written form: YYYY-MM-DD, and ISO 8601's extended form with
its offset. Python and YAML 1.1 read more (basic and week forms, one-digit months, a
`-5` offset), which the schema, the editor and a reviewer do not; each is refused where
it is written, with the canonical form to write instead."""

from __future__ import annotations

import pytest

from generator.load import load_text
from tests.support import REPO
from tests.test_model_errors import SOP, changed, model_lines

POSTMORTEM = next((REPO / "sops" / "postmortems").glob("*.yml")).read_text(encoding="utf-8")
STARTED = "started: 2026-11-16T17:40:00+02:00"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('"20260701"', "found text '20260701'; did you mean '2026-07-01'?"),
        ('"2026-W27-3"', "found text '2026-W27-3'; did you mean '2026-07-01'?"),
        ('"2026-182"', "found text '2026-182'"),
        ("2026-7-1", "found text '2026-7-1'; did you mean '2026-07-01'?"),
        ('"2026-2-30"', "found text '2026-2-30'"),
        ('" 2026-07-01"', "found text ' 2026-07-01'; did you mean '2026-07-01'?"),
    ],
    ids=["basic", "week", "ordinal", "one-digit", "one-digit-impossible", "leading-space"],
)
def test_a_date_in_another_form_is_refused_with_the_form_to_write(written: str,
                                                                    message: str) -> None:
    assert model_lines(changed(SOP, "effective: 2026-03-01", f"effective: {written}")) == [
        f"f.yml:7:12: error [MODEL004] 'effective': expected a date as YYYY-MM-DD, {message}"]


@pytest.mark.parametrize("written", ["2026-07-01", '"2026-07-01"', "'2026-07-01'"])
def test_a_date_as_yyyy_mm_dd_is_read_quoted_or_not(written: str) -> None:
    assert model_lines(changed(SOP, "effective: 2026-03-01", f"effective: {written}")) == []


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ("2026-07-01 9:30:00+02:00", "2026-07-01T09:30:00+02:00"),
        ("2026-07-01 09:30:00 +02:00", "2026-07-01T09:30:00+02:00"),
        ("2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43.100000-05:00"),
    ],
    ids=["one-digit-hour", "space-before-offset", "hour-offset"],
)
def test_a_yaml_timestamp_outside_iso_8601_is_refused_where_it_is_written(
        written: str, suggested: str) -> None:
    assert [p.format() for p in load_text(f"kind: sop\nx: {written}\n", "f.yml").problems] == [
        f"f.yml:2:4: error [YAML006] expected a date and time as YYYY-MM-DDTHH:MM:SS with its "
        f"offset from UTC (ISO 8601), found '{written}'; did you mean '{suggested}'?"]


@pytest.mark.parametrize("written", ["2026-07-01T09:30:00+02:00", "2026-07-01 09:30:00Z",
                                     "2026-07-01t09:30:00.5z", "2026-07-01"])
def test_a_yaml_timestamp_in_iso_8601_loads(written: str) -> None:
    assert load_text(f"kind: sop\nx: {written}\n", "f.yml").problems == []


@pytest.mark.parametrize(
    ("written", "suggested"),
    [
        ('"20261116T1740+0200"', "2026-11-16T17:40:00+02:00"),
        ('"2026-11-16T17:40+0200"', "2026-11-16T17:40:00+02:00"),
        ('"2026-W47-1T17:40:00+02:00"', "2026-11-16T17:40:00+02:00"),
    ],
    ids=["basic", "basic-offset", "week"],
)
def test_an_incident_time_in_another_form_is_refused(written: str, suggested: str) -> None:
    [line] = model_lines(changed(POSTMORTEM, STARTED, f"started: {written}"))
    assert line.endswith(
        "error [MODEL004] 'started': expected a date and time with its offset from UTC "
        f"(ISO 8601), such as '2026-11-14T18:05:00+02:00', found '{written.strip(chr(34))}'; "
        f"did you mean '{suggested}'?"), line


@pytest.mark.parametrize("written", ['"2026-11-16T17:40:00+02:00"', '"2026-11-16 17:40Z"',
                                     '"2026-11-16T17:40:00.25-05:00"'])
def test_an_incident_time_in_iso_8601_is_read(written: str) -> None:
    assert model_lines(changed(POSTMORTEM, STARTED, f"started: {written}")) == []
