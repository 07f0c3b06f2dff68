"""Time sopsite on hostile YAML shapes against ordinary files of the same size.

Each shape is one SOP (with, for the lanes shape, a roles file of its own) generated at run
time at two sizes, n and 4n, beside an *ordinary* SOP of the same byte size: the same
document with ordinary prose of the same length in place of the hostile part (in its
purpose while that stays short; a longer ordinary SOP says it in more steps, as an author
would, since one text past its budget would be refused and cost nothing to build). Each file is
put in a small temporary project (the roles and glossary of tests/fixtures/minimal, the
repository's mkdocs.yml) outside any git repository, and timed there:

- `sopsite check sops`: wall time, exit code, the first problem code and the bytes it
  prints on stdout;
- `sopsite build`: wall time and exit code, stopped after --timeout seconds and recorded
  as "timeout";
- peak memory of each command (`/usr/bin/time -v`, else the kernel's rusage of the child).

The report gives hostile/ordinary at the same size and 4n/n growth, and whether each shape
meets the target: a shape that is accepted (check exits 0, warnings allowed, and the build
succeeds) costs at most 2x an ordinary file of its size and grows linearly (4n/n at most
1.25x the growth of its bytes, 5x when the bytes grow 4x); a shape that check refuses with a
located problem meets it too. The table goes to the "Hostile shapes" section of
docs/benchmarks.md (replaced between its markers on each run, after the hand-written part),
the raw figures to benchmarks/hostile.json.

    .venv/bin/python benchmarks/hostile.py                     # every shape, n and 4n
    .venv/bin/python benchmarks/hostile.py --quick             # every shape at a small n only
    .venv/bin/python benchmarks/hostile.py --shapes brackets,lanes --timeout 60
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOPSITE = BIN / "sopsite"
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
MERMAID_JS = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
TODAY = "2026-11-21"
TIMEOUT = 120.0
GNU_TIME = Path("/usr/bin/time")
TIMES = "\u00d7"
BEGIN = "<!-- Hostile shapes: benchmarks/hostile.py replaces this section on each run. -->"
END = "<!-- End of the hostile shapes section. -->"
PLUGIN_LINE = "      sops: sops\n"
SOP_FILE = "hostile.yml"
ROLES_FILE = "hostile-roles.yml"

ENV = {key: value for key, value in os.environ.items() if key != "SOPSITE_DEBUG"}
ENV.update(NO_MKDOCS_2_WARNING="1", SOPSITE_TODAY=TODAY, PYTHONIOENCODING="utf-8",
           PYTHONUNBUFFERED="1", SOPSITE_JOBS="1")


def say(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# --- the documents ------------------------------------------------------------------------

WORDS = ("the", "technician", "checks", "the", "record", "against", "the", "request", "and",
         "writes", "down", "what", "was", "found", "before", "the", "owner", "signs", "the",
         "result", "and", "files", "it", "with", "the", "others")


def prose(length: int) -> str:
    """Ordinary sentences of exactly ``length`` characters, in lines of about 80, as a
    literal block's lines (no indentation); ends with a newline when length > 0."""
    if length <= 0:
        return ""
    lines: list[str] = []
    line: list[str] = []
    total = 0
    i = 0
    while total < length:
        word = WORDS[i % len(WORDS)]
        i += 1
        if i % 17 == 0:
            word += "."
        used = len(" ".join([*line, word]))
        if line and used > 79:
            text = " ".join(line) + "\n"
            lines.append(text)
            total += len(text)
            line = []
        else:
            line.append(word)
    text = "".join(lines)
    text = text[:length - 1].rstrip(" \n")
    return text + "x" * (length - 1 - len(text)) + "\n"


def block(text: str, indent: str = "  ") -> str:
    """``text`` as the lines of a YAML literal block; blank lines stay empty."""
    return "".join(f"{indent}{line}\n" if line else "\n" for line in text.split("\n")[:-1])


HEAD = """\
kind: sop
id: SOP-HOSTILE-001
title: A hostile procedure
version: "1.0"
status: effective
owner: it-director
effective: 2026-03-01
review_every: 12
approvals:
  - name: Ada Lovelace
    role: it-director
    version: "1.0"
    date: 2026-02-20
    meaning: approval
scope: All staff accounts.
roles:
  - role: technician
    raci: responsible
  - role: it-director
    raci: accountable
"""

PLAIN_STEPS = """\
steps:
  - id: verify
    title: Verify the caller's identity
    actor: technician
  - id: reset
    title: Reset the password
    actor: technician
    end: true
"""


def sop(purpose: str, steps: str = PLAIN_STEPS, extra: str = "",
        roles: str = "") -> str:
    """One SOP's YAML: ``purpose`` as a literal block, then the steps and extra keys."""
    return (HEAD.replace("roles:\n", "roles:\n" + roles) + "purpose: |\n" + block(purpose)
            + steps + extra)


ORDINARY_CHUNK = 15_000
"""Characters of prose in one ordinary substep: well inside the budget of one text."""
ORDINARY_STEPS = 24
"""Steps of an ordinary SOP at most: inside the diagram budget, so it keeps its chart."""


def prose_steps(length: int) -> str:
    """Ordinary steps holding ``length`` characters of prose as their substeps: a long
    ordinary SOP says more in more steps, never in one text past the budget of a value."""
    text = prose(length)
    chunks: list[str] = []
    while text:
        cut = text.rfind("\n", 0, ORDINARY_CHUNK) + 1 or len(text)
        chunks.append(text[:cut] if cut else text)
        text = text[cut:]
    count = max(1, min(ORDINARY_STEPS, len(chunks)))
    out = ["steps:"]
    for i in range(count):
        out += [f"  - id: step-{i + 1}", f"    title: Do part {i + 1} of the work",
                "    actor: technician", "    substeps:"]
        for chunk in chunks[i::count]:
            out.append("      - |")
            out.append(block(chunk, indent="        ").rstrip("\n"))
    return "\n".join(out) + "\n"


def ordinary_like(target: int, steps: str = PLAIN_STEPS, extra: str = "",
                  roles: str = "") -> str:
    """An SOP of (as nearly as the prose allows) ``target`` bytes of ordinary prose: in its
    purpose while that stays short, else spread over ordinary steps."""
    base = sop("Let users back in safely.\n", steps, extra, roles)
    length = max(1, target - len(base.encode("utf-8")))
    text = ""
    for _ in range(8):
        if length <= ORDINARY_CHUNK:
            text = sop(prose(length), steps, extra, roles)
        else:
            text = sop("Let users back in safely.\n", prose_steps(length), extra, roles)
        missing = target - len(text.encode("utf-8"))
        if missing == 0:
            return text
        length = max(1, length + missing)
    return text


@dataclass(frozen=True)
class Shape:
    name: str
    description: str
    n: int
    quick_n: int
    make: Callable[[int], dict[str, str]]
    """Size -> relative path under sops/ -> YAML text."""
    ordinary: str
    """What the ordinary file of the same size holds."""


def brackets(n: int) -> dict[str, str]:
    return {SOP_FILE: sop("[" * n + "\n")}


def fences(n: int) -> dict[str, str]:
    return {SOP_FILE: sop("```\n" * n)}


def blank_lines(n: int) -> dict[str, str]:
    return {SOP_FILE: sop("<\n" + "\n" * n + "end\n")}


def nested_list(n: int) -> dict[str, str]:
    return {SOP_FILE: sop("".join(f"{'    ' * i}- level {i + 1}\n" for i in range(n)))}


def nested_quotes(n: int) -> dict[str, str]:
    return {SOP_FILE: sop("> " * n + "deep\n")}


def step(i: int, actor: str, tail: str) -> str:
    return f"  - id: s{i}\n    title: Do part {i}\n    actor: {actor}\n{tail}"


def missing_next(n: int) -> dict[str, str]:
    steps = "steps:\n" + "".join(step(i, "technician", f"    next: missing-{i}\n")
                                 for i in range(n))
    return {SOP_FILE: sop("Let users back in safely.\n", steps)}


def anchor_text(size: int) -> str:
    return ("a" * (size - 1)) + "b"


def alias_audits(n: int) -> dict[str, str]:
    audits = (f"controls:\n  audits:\n    - &big {anchor_text(10_000)}\n"
              + "    - *big\n" * n)
    return {SOP_FILE: sop("Let users back in safely.\n", extra=audits)}


def alias_unknown_ref(n: int) -> dict[str, str]:
    terms = f"terms:\n  - &ref {anchor_text(10_000)}\n" + "  - *ref\n" * n
    return {SOP_FILE: sop("Let users back in safely.\n", extra=terms)}


def linear_steps(n: int) -> dict[str, str]:
    steps = "steps:\n" + "".join(step(i, "technician", "") for i in range(n - 1))
    steps += step(n - 1, "technician", "    end: true\n")
    return {SOP_FILE: sop("Let users back in safely.\n", steps)}


def lanes(n: int) -> dict[str, str]:
    roles = "".join(f"- kind: role\n  id: lane-{i}\n  name: Lane {i}\n" for i in range(n))
    raci = "".join(f"  - role: lane-{i}\n    raci: consulted\n" for i in range(n))
    steps = "steps:\n"
    for i in range(n):
        following = f"s{i + 1}" if i + 1 < n else "done"
        steps += step(i, f"lane-{i}", "    decision:\n      question: Is it right?\n"
                      f"      branches:\n        - label: \"yes\"\n          next: {following}\n"
                      "        - label: \"no\"\n          next: done\n")
    steps += "  - id: done\n    title: Close the case\n    actor: technician\n    end: true\n"
    return {SOP_FILE: sop("Let users back in safely.\n", steps, roles=raci),
            ROLES_FILE: roles}


PURPOSE = ("prose of the same length in `purpose` (past 15,000 characters, in the substeps "
           "of up to 24 ordinary steps)")
SHAPES = (
    Shape("brackets", "`[` repeated in `purpose`", 5_000, 50, brackets, PURPOSE),
    Shape("fences", "lines of a fence opener ```` ``` ```` in `purpose`", 4_000, 40, fences,
          PURPOSE),
    Shape("blank-lines", "`<` then blank lines in `purpose` (a literal block)", 25_000, 50,
          blank_lines, PURPOSE),
    Shape("nested-list", "a list nested n levels deep in `purpose`", 130, 5, nested_list,
          PURPOSE),
    Shape("nested-quotes", "block quotes nested n deep in `purpose`", 1_000, 5, nested_quotes,
          PURPOSE),
    Shape("missing-next", "n steps whose `next` names a missing step", 750, 5, missing_next,
          f"two steps and {PURPOSE}"),
    Shape("alias-audits", "`controls.audits`: n aliases of a 10 KB anchor", 5_000, 5,
          alias_audits, f"the anchor's 10 KB as one audit and {PURPOSE}"),
    Shape("alias-unknown-ref", "`terms`: n aliases of an unknown 10 KB term id", 1_000, 5,
          alias_unknown_ref, PURPOSE),
    Shape("linear-steps", "one SOP of n linear steps (diagram size)", 1_250, 5, linear_steps,
          f"two steps and {PURPOSE}"),
    Shape("lanes", "n decision steps, each by its own role (lanes)", 60, 3, lanes,
          f"two steps, the same roles file and {PURPOSE}"),
)
BY_NAME = {shape.name: shape for shape in SHAPES}


def ordinary(shape: Shape, files: dict[str, str]) -> dict[str, str]:
    """The ordinary counterpart of a shape's files: an SOP of the same bytes (and the same
    roles file, if the shape has one)."""
    target = len(files[SOP_FILE].encode("utf-8"))
    extra = ""
    if shape.name == "alias-audits":
        extra = f"controls:\n  audits:\n    - {prose(10_000).strip().replace(chr(10), ' ')}\n"
    out = {}
    roles = ""
    if ROLES_FILE in files:
        out[ROLES_FILE] = files[ROLES_FILE]
        roles = "".join(f"  - role: {role}\n    raci: consulted\n"
                        for role in re.findall(r"id: (lane-\d+)", files[ROLES_FILE]))
    out[SOP_FILE] = ordinary_like(target, extra=extra, roles=roles)
    return out


def total_bytes(files: dict[str, str]) -> int:
    return sum(len(text.encode("utf-8")) for text in files.values())


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float | None
    """None: stopped at the timeout, or skipped."""
    exit: int | None
    peak_mb: float | None
    stdout_bytes: int = 0
    code: str = ""
    """The first problem code `check` printed (the first error's, when there are errors)."""
    status: str = "ok"
    """ok, failed, timeout or skipped."""
    message: str = ""
    """When the command failed: the last line it wrote on stderr that says "error" (else its
    last line)."""


CODE = re.compile(r" (error|warning) \[([A-Z]+[0-9]+)\]")


def first_code(stdout: str) -> str:
    found = [(m.group(1), m.group(2)) for m in CODE.finditer(stdout)]
    errors = [code for severity, code in found if severity == "error"]
    return (errors or [code for _, code in found] or [""])[0]


def run(command: list[str], cwd: Path, timeout: float) -> Run:
    """Run a command; wall time, exit code, peak memory and stdout, or "timeout"."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "time.txt"
        argv = ([str(GNU_TIME), "-v", "-o", str(report), *command] if GNU_TIME.is_file()
                else command)
        errors = Path(scratch) / "err"
        with (Path(scratch) / "out").open("wb") as out, errors.open("wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=out, stderr=err,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                _, status, usage = _wait(process, timeout)
            except TimeoutError:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return Run(None, None, None, status="timeout")
            seconds = time.perf_counter() - start
        stdout = (Path(scratch) / "out").read_bytes()
        peak = usage.ru_maxrss / 1024
        if report.is_file():
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                              report.read_text(encoding="utf-8", errors="replace"))
            if match:
                peak = int(match.group(1)) / 1024
        lines = [line for line in errors.read_text(encoding="utf-8", errors="replace")
                 .splitlines() if line.strip() and not line.startswith(("\t", "Command "))]
        last = [line for line in lines if "error" in line.lower()] or lines
    code = os.waitstatus_to_exitcode(status)
    text = stdout.decode("utf-8", "replace")
    return Run(seconds, code, peak, len(stdout), first_code(text),
               "ok" if code == 0 else "failed", last[-1][:200] if code and last else "")


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, int, Any]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.02)


def make_project(work: Path, files: dict[str, str]) -> None:
    sops = work / "sops"
    sops.mkdir(parents=True)
    for name in ("roles.yml", "glossary.yml"):
        shutil.copy(MINIMAL / name, sops / name)
    for name, text in files.items():
        (sops / name).write_text(text, encoding="utf-8")
    (work / "docs").mkdir()
    (work / "docs" / "index.md").write_text("# Hostile shapes\n", encoding="utf-8")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace(PLUGIN_LINE, f"{PLUGIN_LINE}      mermaid_js: {MERMAID_JS}\n")
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")


def skipped() -> Run:
    return Run(None, None, None, status="skipped")


def measure_files(files: dict[str, str], timeout: float, skip_check: bool = False,
                  skip_build: bool = False) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sopsite-hostile-"))
    try:
        make_project(work, files)
        check = skipped() if skip_check else run(
            [str(SOPSITE), "check", "sops", "--today", TODAY], work, timeout)
        build = skipped() if skip_build or check.status == "timeout" else run(
            [str(SOPSITE), "build", "-f", "mkdocs.yml", "-d", "site"], work, timeout)
        return {"bytes": total_bytes(files), "check": asdict(check), "build": asdict(build)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class Result:
    shape: str
    description: str
    ordinary: str
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """"n" and "4n" -> {"n", "hostile": figures, "ordinary": figures}."""


def measure(shape: Shape, n: int, quick: bool, timeout: float) -> Result:
    result = Result(shape.name, shape.description, shape.ordinary)
    sizes = [("n", n)] if quick else [("n", n), ("4n", 4 * n)]
    for label, size in sizes:
        files = shape.make(size)
        first = result.sizes.get("n", {}).get("hostile")
        # Four times the input does not finish sooner: skip what timed out at n.
        skip_check = bool(first and first["check"]["status"] == "timeout")
        skip_build = bool(first and first["build"]["status"] in ("timeout", "skipped"))
        say(f"{shape.name} {label}={size:,}: {total_bytes(files):,} bytes")
        hostile = measure_files(files, timeout, skip_check, skip_build)
        say(f"  hostile: {summary(hostile)}")
        plain = measure_files(ordinary(shape, files), timeout)
        say(f"  ordinary: {summary(plain)}")
        result.sizes[label] = {"n": size, "hostile": hostile, "ordinary": plain}
    return result


def summary(figures: dict[str, Any]) -> str:
    c, b = figures["check"], figures["build"]
    return (f"check {seconds(c)} exit {c['exit']} {c['code'] or '-'} "
            f"({c['stdout_bytes']:,} B out), build {seconds(b)} exit {b['exit']}")


# --- the report ---------------------------------------------------------------------------


def seconds(run: dict[str, Any]) -> str:
    if run["status"] in ("timeout", "skipped"):
        return str(run["status"])
    return f"{run['seconds']:.2f} s"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if not a or not b or a["seconds"] is None or not b["seconds"]:
        return "—"
    return f"{a['seconds'] / b['seconds']:.2f}{TIMES}"


def value(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def accepted(figures: dict[str, Any]) -> bool:
    return bool(figures["check"]["exit"] == 0 and figures["build"]["exit"] == 0)


def refused(figures: dict[str, Any]) -> bool:
    """Check refused the file with a located problem (it printed a code)."""
    check = figures["check"]
    return check["exit"] not in (None, 0) and bool(check["code"])


LOUD = 1_000_000
"""Bytes of check output worth a note: a message that repeats a huge value."""


def verdict(result: Result) -> str:
    """Whether a shape meets the target, what fails it, and what is worth a note."""
    if "n" not in result.sizes:
        return "not measured"
    problems: list[str] = []
    notes: list[str] = []
    for label, size in result.sizes.items():
        h, o = size["hostile"], size["ordinary"]
        if h["check"]["stdout_bytes"] > LOUD:
            notes.append(f"check prints {h['check']['stdout_bytes'] / 1e6:,.1f} MB at {label}")
        if refused(h):
            continue
        for command in ("check", "build"):
            run = h[command]
            if run["status"] == "timeout":
                problems.append(f"{command} times out at {label}")
            elif run["status"] == "failed" and command == "build":
                why = run.get("message", "").replace("|", "\\|")
                problems.append(f"build fails at {label} (exit {run['exit']}"
                                + (f": {why}" if why else "") + ") after check accepts the file")
            elif run["status"] == "failed":
                problems.append(f"check exits {run['exit']} at {label} without a located "
                                "problem")
            elif run["status"] == "ok":
                r = value(run["seconds"], o[command]["seconds"])
                if r is not None and r > 2:
                    problems.append(f"{command} {r:.1f}{TIMES} ordinary at {label}")
    if "4n" in result.sizes:
        small, large = result.sizes["n"]["hostile"], result.sizes["4n"]["hostile"]
        bytes_growth = large["bytes"] / small["bytes"]
        for command in ("check", "build"):
            g = value(large[command]["seconds"], small[command]["seconds"])
            if g is None or g <= 1.25 * max(bytes_growth, 1.0):
                continue
            text = f"{command} grows {g:.1f}{TIMES} (bytes {bytes_growth:.1f}{TIMES})"
            (notes if refused(small) and refused(large) else problems).append(text)
    tail = "; ".join(problems + notes)
    if problems:
        return f"**no**: {tail}"
    if all(refused(size["hostile"]) for size in result.sizes.values()):
        codes = sorted({size["hostile"]["check"]["code"] for size in result.sizes.values()})
        return f"yes: refused ({', '.join(codes)})" + (f"; {tail}" if tail else "")
    return "yes" + (f"; {tail}" if tail else "")


def exit_text(run: dict[str, Any]) -> str:
    if run["status"] in ("timeout", "skipped"):
        return "—"
    return f"{run['exit']}" + (f" {run['code']}" if run["code"] else "")


def mb(run: dict[str, Any]) -> str:
    return "—" if run["peak_mb"] is None else f"{run['peak_mb']:,.0f}"


def render_rows(results: list[Result]) -> list[str]:
    """The Markdown table: one row per shape and size, then the verdict per shape."""
    lines = [
        "| shape | size | bytes | check | exit, first code | check stdout | build "
        "| build exit | peak MB check / build | check / ordinary | build / ordinary "
        "| ordinary check / build | 4n / n check / build |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for result in results:
        for label, size in result.sizes.items():
            h, o = size["hostile"], size["ordinary"]
            growth = "—"
            if label == "4n" and "n" in result.sizes:
                first = result.sizes["n"]["hostile"]
                growth = (f"{ratio(h['check'], first['check'])} / "
                          f"{ratio(h['build'], first['build'])}")
            lines.append(
                f"| {result.shape} | {label} = {size['n']:,} | {h['bytes']:,} "
                f"| {seconds(h['check'])} | {exit_text(h['check'])} "
                f"| {h['check']['stdout_bytes']:,} | {seconds(h['build'])} "
                f"| {exit_text(h['build'])} | {mb(h['check'])} / {mb(h['build'])} "
                f"| {ratio(h['check'], o['check'])} | {ratio(h['build'], o['build'])} "
                f"| {seconds(o['check'])} / {seconds(o['build'])} | {growth} |")
    lines += ["", "| shape | what it is | the ordinary file holds | meets the target |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {r.shape} | {r.description} | {r.ordinary} | {verdict(r)} |"
              for r in results]
    return lines


def render(results: list[Result], info: dict[str, Any]) -> str:
    lines = [
        BEGIN,
        "",
        "## Hostile shapes",
        "",
        f"Written by `make bench-hostile` (`benchmarks/hostile.py`) on {info['started']} UTC, "
        f"{info['label']}, in {info['seconds'] / 60:.0f} min on {info['cores']} cores; "
        f"timeout {info['timeout']:.0f} s per command. Each shape is one SOP generated at "
        "n and 4n, timed in a small project (the minimal fixture's roles and glossary) beside "
        "an ordinary SOP of the same byte size. `check` is `sopsite check sops`; `build` is "
        "`sopsite build` with native Mermaid; both are wall times of the command, Python "
        "start-up included (about 0.8 s and 2.5 s for an ordinary small file). Peak memory "
        "is the maximum resident set (`/usr/bin/time -v`). \"timeout\" is a command stopped "
        "at the timeout; \"skipped\" is a 4n run not started because n timed out (or a "
        "build after a check that timed out). One run per figure on a shared host: wall "
        "times of a few seconds vary between runs, so a ratio near 2\u00d7 wants a rerun "
        "(`--shapes NAME`) before it is read as a finding. Raw figures: "
        "`benchmarks/hostile.json`.",
        "",
        "Target: a shape that is accepted (check exits 0, warnings allowed, and the build "
        f"succeeds) costs at most 2{TIMES} the ordinary file of its size and grows linearly "
        f"(4n / n at most 1.25{TIMES} the growth of its bytes); a shape refused by check "
        "with a located problem meets it.",
        "",
        *render_rows(results),
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_section(out: Path, section: str) -> None:
    """Put the section in the page: in place of the previous one, else at the end."""
    text = out.read_text(encoding="utf-8") if out.is_file() else ""
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    out.write_text(text, encoding="utf-8")


def commit_label() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                            capture_output=True, check=False).stdout.strip() or "unknown"
    changed = subprocess.run(["git", "status", "--porcelain", "--", "generator"], cwd=REPO,
                             text=True, capture_output=True, check=False).stdout.strip()
    return f"sopsite {commit}" + (" (with uncommitted changes in generator/)" if changed else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="each shape once, at a small n (no 4n)")
    parser.add_argument("--shapes", default="",
                        help=f"comma-separated shapes (default all: {', '.join(BY_NAME)})")
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help=f"seconds per command before it is stopped (default {TIMEOUT:.0f})")
    parser.add_argument("--label", default="",
                        help="how the report names the code measured (default: the commit)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md",
                        help="the page whose Hostile shapes section is replaced")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "hostile.json",
                        help="the raw figures (default benchmarks/hostile.json)")
    parser.add_argument("--from-json", type=Path, default=None,
                        help="write the section from figures saved with --json; no measuring")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        section = render([Result(**r) for r in saved["results"]], saved["run"])
        write_section(args.out, section)
        print(section)
        return 0
    names = [s for s in args.shapes.split(",") if s] or list(BY_NAME)
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        parser.error(f"unknown shape {unknown[0]!r}; expected one of {', '.join(BY_NAME)}")
    if not SOPSITE.exists():
        print(f"{SOPSITE} is missing: run 'make bench-hostile'", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    results = []
    for name in names:
        shape = BY_NAME[name]
        results.append(measure(shape, shape.quick_n if args.quick else shape.n, args.quick,
                               args.timeout))
    info = {"started": f"{started:%Y-%m-%d %H:%M}", "seconds": time.perf_counter() - clock,
            "timeout": args.timeout, "cores": len(os.sched_getaffinity(0)),
            "label": args.label or commit_label(), "quick": args.quick}
    if args.json:
        args.json.write_text(json.dumps({"run": info, "results": [asdict(r) for r in results]},
                                        indent=1) + "\n", encoding="utf-8")
    section = render(results, info)
    write_section(args.out, section)
    say(f"wrote {args.out} and {args.json}")
    print(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
