"""Benchmark sopsite on synthetic handbooks of N documents and write docs/benchmarks.md.

For each N (default 100, 1000 and 5000), in one run, on a handbook from benchmarks/synth.py
written to a temporary folder outside any git repository (so there is no revision history to
read, and none is rendered):

- `sopsite check --strict`: wall time of the command, as an author runs it;
- generation: load + validate + rules, and `generate` (YAML -> Markdown, no MkDocs), timed
  inside one fresh Python process;
- `sopsite build` with Material's native Mermaid (mkdocs.yml) and with mermaid2
  (mkdocs.mermaid2.yml);
- the floor: `sopsite export` of the same Markdown, built by a plain `mkdocs build` with the
  same theme, Markdown extensions, search and tags, the same assets and the same navigation
  (sopsite's grouped nav written into the config), without the sopsite and macros plugins;
- peak memory (maximum resident set) of each command, from the kernel (wait4);
- the size of one SOP page (SOP-B-00001, the same document at every N) and of the site;
- live reload: seconds from saving a changed step title in one YAML file to the page showing
  it under `sopsite serve`, against MkDocs' own rebuild after the same edit to the exported
  Markdown under `mkdocs serve` (full rebuild) and `mkdocs serve --dirty` (one page).

    .venv/bin/python benchmarks/run.py                    # 100, 1000, 5000 -> docs/benchmarks.md
    .venv/bin/python benchmarks/run.py --quick            # 100 and 1000 only
    .venv/bin/python benchmarks/run.py --profile 1000     # where the time goes, no table
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import importlib.metadata
import io
import itertools
import json
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.synth import SEED, Mix, Synth  # noqa: E402
from generator.engines import venv as engine_venv  # noqa: E402

BIN = Path(sys.executable).parent
SOPSITE = BIN / "sopsite"
MKDOCS = BIN / "mkdocs"
CHECK_RUNS = 5
MERMAID_JS = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
ASSETS = REPO / "generator" / "assets"
TODAY = "2026-11-21"
SIZES = (100, 1000, 5000)
PAGE_DOC = "SOP-B-00001"
PAGE = "procedures/sop-b-00001/"
SOURCE = Path("sops") / "sops" / f"{PAGE_DOC}.yml"
EXPORTED = Path("floor") / "docs" / "procedures" / "sop-b-00001.md"
BUILD_TIMEOUT = 3600.0
RELOAD_TIMEOUT = 1800.0
DIRTY_EDITS = 5
BUILD_CACHE = ".sopsite-build-cache"
ENGINES = ("properdocs", "zensical")
"""The engines besides MkDocs that `sopsite build --engine` runs."""
"""Saves timed per dirty server; the report gives their median."""
PLUGIN_LINE = "      sops: sops\n"
TIMES = "\u00d7"
NAV_BLOCK = re.compile(r"^nav:\n(?:[ -].*\n|\n)*", re.MULTILINE)

ENV = {key: value for key, value in os.environ.items() if key != "SOPSITE_DEBUG"}
ENV.update(NO_MKDOCS_2_WARNING="1", SOPSITE_TODAY=TODAY, PYTHONIOENCODING="utf-8",
           PYTHONUNBUFFERED="1")


def say(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# --- measuring commands -------------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    cpu_s: float
    """User + system CPU time: less sensitive than wall time to other work on the machine."""
    peak_mb: float
    output: str


class BenchError(Exception):
    pass


def run(command: list[str | Path], cwd: Path, *, timeout: float = BUILD_TIMEOUT) -> Measured:
    """Run a command to completion; its wall time and peak resident memory (from wait4)."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen([str(c) for c in command], cwd=cwd, env=ENV, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise BenchError(f"{' '.join(map(str, command))} exited {process.returncode} in {cwd}:"
                         f"\n{output[-4000:]}")
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- the project ---------------------------------------------------------------------------


def make_project(work: Path, n: int, seed: int) -> dict[str, float]:
    """The synthetic handbook, a front page using the macros, and the repo's two configs."""
    start = time.perf_counter()
    yaml_bytes = Synth(n, seed).write(work / "sops")
    seconds = time.perf_counter() - start
    (work / "docs").mkdir()
    (work / "docs" / "index.md").write_text(
        "# Benchmark handbook\n\nThe handbook holds {{ handbook | length }} controlled "
        f'documents. Start with {{{{ doc_link("{PAGE_DOC}") }}}}.\n', encoding="utf-8")
    for name in ("mkdocs.yml", "mkdocs.mermaid2.yml"):
        text = (REPO / name).read_text(encoding="utf-8")
        if PLUGIN_LINE not in text:
            raise BenchError(f"{name}: expected the line {PLUGIN_LINE.strip()!r} under the "
                             "sopsite plugin, to point mermaid_js at the repository's Mermaid")
        text = text.replace(PLUGIN_LINE, f"{PLUGIN_LINE}      mermaid_js: {MERMAID_JS}\n")
        # The repository's own nav names its hand-written guides, which the synthetic
        # project does not have: a strict build would stop on the missing pages.
        text = NAV_BLOCK.sub("", text)
        (work / name).write_text(text, encoding="utf-8")
    return {"synth_s": seconds, "yaml_mb": yaml_bytes / 1e6}


def make_floor(work: Path, nav: list[Any]) -> None:
    """A plain MkDocs project of the exported Markdown: same config minus sopsite and macros.

    It inherits mkdocs.yml (theme, extensions, validation, strict), keeps search and tags,
    ships the same scripts and stylesheet the plugin adds, and uses sopsite's navigation.
    Pages sopsite leaves out of the navigation are reported by MkDocs at INFO here (the
    plugin marks them not-in-nav instead, which a plain config can only do by listing them).
    """
    floor = work / "floor"
    docs = floor / "docs"
    (docs / "index.md").write_text(
        f"# Benchmark handbook\n\nThe handbook holds a synthetic set of documents. Start with "
        f"[{PAGE_DOC}](procedures/sop-b-00001.md).\n", encoding="utf-8")
    scripts = docs / "assets" / "javascripts"
    styles = docs / "assets" / "stylesheets"
    scripts.mkdir(parents=True, exist_ok=True)
    styles.mkdir(parents=True, exist_ok=True)
    shutil.copy(ASSETS / "sopsite-quiz.js", scripts)
    shutil.copy(ASSETS / "sopsite-asof.js", scripts)
    shutil.copy(MERMAID_JS, scripts)
    shutil.copy(ASSETS / "sopsite.css", styles)
    config = {
        "INHERIT": "../mkdocs.yml",
        "docs_dir": "docs",
        "plugins": ["search", "tags"],
        "watch": [],
        "extra_javascript": ["assets/javascripts/sopsite-quiz.js",
                             "assets/javascripts/sopsite-asof.js",
                             "assets/javascripts/mermaid.min.js"],
        "extra_css": ["assets/stylesheets/sopsite.css"],
        "validation": {"omitted_files": "info"},
        "nav": ["index.md", *nav],
    }
    (floor / "mkdocs.yml").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")


def generation_subprocess(work: Path) -> None:
    """Inside a fresh process: time load + rules, history, and generate; save the nav."""
    os.chdir(work)
    start = time.perf_counter()
    from generator.git.history import read_history
    from generator.pipeline import check_handbook
    from generator.render.pages import generate

    imported = time.perf_counter()
    today = dt.date.fromisoformat(TODAY)
    cpu = time.process_time()
    handbook, problems = check_handbook(Path("sops"), today=today)
    checked, check_cpu = time.perf_counter(), time.process_time() - cpu
    history = read_history(Path("sops"), handbook)
    read = time.perf_counter()
    cpu = time.process_time()
    site = generate(handbook, today=today, history=history)
    generated, generate_cpu = time.perf_counter(), time.process_time() - cpu
    (work / "nav.json").write_text(json.dumps(site.nav), encoding="utf-8")
    print(json.dumps({
        "import_s": imported - start, "check_s": checked - imported,
        "history_s": read - checked, "generate_s": generated - read,
        "check_cpu_s": check_cpu, "generate_cpu_s": generate_cpu,
        "problems": len(problems), "pages": len(site.pages),
        "markdown_mb": sum(len(p.encode("utf-8")) for p in site.pages.values()) / 1e6,
        "history": history.notice or "read from git",
    }))


# --- live reload ---------------------------------------------------------------------------


class Server:
    """A `sopsite serve` or `mkdocs serve` process on a free port."""

    def __init__(self, command: list[str | Path], cwd: Path) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [*map(str, command), "-a", f"127.0.0.1:{self.port}"], cwd=cwd, env=ENV,
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def fetch(self, path: str, *, current: bool = True) -> str | None:
        """The page at ``path``; with ``current``, only from the server's own build (not the
        last good site `sopsite serve` shows until its first build ends)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=RELOAD_TIMEOUT) as response:
                body: bytes = response.read()
                state = response.headers.get("X-Sopsite-Build")
                return None if current and state else body.decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def wait_for(self, condition: Callable[[], bool], what: str) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < RELOAD_TIMEOUT:
            if condition():
                return time.perf_counter() - start
            if self.process.poll() is not None:
                raise BenchError(f"the server exited waiting for {what}:\n{self.output()[-4000:]}")
            time.sleep(0.05)
        raise BenchError(f"timed out waiting for {what}:\n{self.output()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _shows(server: Server, text: str, current: bool = True) -> bool:
    return text in (server.fetch(PAGE, current=current) or "")


def reload_time(command: list[str | Path], cwd: Path, source: Path, titles: list[str],
                edits: int) -> dict[str, float]:
    """Start a server, wait for the page, then ``edits`` times replace the current title by
    the next one in ``source`` and time the saved file to the first served page showing it.

    The median of the edits is the figure: one save can coincide with other work."""
    server = Server(command, cwd)
    times: list[float] = []
    try:
        # The first page may be the last good site (a "building" page has no title).
        first = server.wait_for(partial(_shows, server, titles[0], False), "the first page")
        startup = first + server.wait_for(partial(_shows, server, titles[0]),
                                          "the first build")
        for old, new in itertools.pairwise(titles[:edits + 1]):
            time.sleep(1.0)  # let the file watcher settle (first snapshot, last build)
            text = source.read_text(encoding="utf-8")
            if old not in text:
                raise BenchError(f"{old!r} is not in {source}")
            start = time.perf_counter()
            source.write_text(text.replace(old, new), encoding="utf-8")
            server.wait_for(partial(_shows, server, new), "the reloaded page")
            times.append(time.perf_counter() - start)
    finally:
        server.stop()
    return {"first_page_s": first, "startup_s": startup, "reload_s": statistics.median(times),
            "reload_runs": len(times), "reload_max_s": max(times)}


def edit_step(work: Path) -> None:
    """One changed step title in the benchmark's SOP, as an author's one-line commit."""
    title = step_title(work)
    source = work / SOURCE
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(f"title: {title}\n", f"title: {title} (revised)\n", 1),
                      encoding="utf-8")
    if step_title(work) == title:
        raise BenchError(f"{SOURCE}: the step title {title!r} was not changed")


def step_title(work: Path) -> str:
    """A step title of SOP-B-00001, in plain words, that no other step of it has."""
    text = (work / SOURCE).read_text(encoding="utf-8")
    titles: list[str] = re.findall(r"^  title: (.+)$", text, flags=re.M)
    for title in titles:
        if titles.count(title) == 1 and re.fullmatch(r"[A-Za-z ]+", title):
            return title
    raise BenchError(f"no step title of {SOURCE} is unique and in plain words")


# --- one size ------------------------------------------------------------------------------


@dataclass
class Row:
    n: int
    mix: dict[str, int]
    figures: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)


def measure(n: int, seed: int, keep: bool, serve: bool, full_reload: bool,
            mermaid2: bool = True, engines: Sequence[str] = ()) -> Row:
    work = Path(tempfile.mkdtemp(prefix=f"sopsite-bench-{n}-"))
    row = Row(n, asdict(Mix.of(n)))
    f = row.figures
    try:
        say(f"N={n}: writing the handbook to {work}")
        f.update(make_project(work, n, seed))
        say(f"N={n}: {f['yaml_mb']:.1f} MB of YAML in {f['synth_s']:.1f} s; sopsite check")
        checks = [run([SOPSITE, "check", "sops", "--strict", "--today", TODAY], work)
                  for _ in range(CHECK_RUNS)]
        f["check_s"] = statistics.median(c.seconds for c in checks)
        f["check_min_s"], f["check_max_s"] = (min(c.seconds for c in checks),
                                              max(c.seconds for c in checks))
        f["check_mb"] = max(c.peak_mb for c in checks)
        f["check_cmd_cpu_s"] = statistics.median(c.cpu_s for c in checks)

        say(f"N={n}: check {f['check_s']:.2f} s (median; {f['check_min_s']:.2f} to "
            f"{f['check_max_s']:.2f} s); generation in a fresh process")
        gen = run([sys.executable, Path(__file__), "--generation-only", work], work)
        data = json.loads(gen.output.strip().splitlines()[-1])
        if data["problems"]:
            raise BenchError(f"the synthetic handbook has {data['problems']} problems")
        f.update({k: data[k] for k in ("import_s", "history_s", "generate_s", "pages",
                                       "markdown_mb", "check_cpu_s", "generate_cpu_s")})
        f["load_check_s"], f["generation_mb"] = data["check_s"], gen.peak_mb
        row.notes["history"] = data["history"]

        say(f"N={n}: load+rules {data['check_s']:.2f} s, generate {data['generate_s']:.2f} s "
            f"({data['pages']} pages); sopsite build (native Mermaid)")
        native = run([SOPSITE, "build", "-f", "mkdocs.yml", "-d", "site"], work)
        f["build_s"], f["build_mb"] = native.seconds, native.peak_mb
        f["build_cpu_s"] = native.cpu_s

        say(f"N={n}: build {native.seconds:.1f} s, {native.peak_mb:.0f} MB; again with the "
            "build cache it left, then after one changed step title")
        warm = run([SOPSITE, "build", "-f", "mkdocs.yml", "-d", "site"], work)
        f["build_warm_s"], f["build_warm_cpu_s"] = warm.seconds, warm.cpu_s
        edit_step(work)
        edited = run([SOPSITE, "build", "-f", "mkdocs.yml", "-d", "site"], work)
        f["build_edit_s"], f["build_edit_mb"] = edited.seconds, edited.peak_mb
        f["build_edit_cpu_s"] = edited.cpu_s
        say(f"N={n}: warm {warm.seconds:.1f} s, after one edit {edited.seconds:.1f} s; "
            + ("sopsite build (mermaid2)" if mermaid2 else "sopsite export and the floor"))
        if mermaid2:  # cold too: the native build's cache is set aside meanwhile
            kept, aside = work / BUILD_CACHE, work / f"{BUILD_CACHE}.aside"
            kept.rename(aside)
            other = run([SOPSITE, "build", "-f", "mkdocs.mermaid2.yml", "-d", "site-mermaid2"],
                        work)
            f["build_mermaid2_s"], f["build_mermaid2_mb"] = other.seconds, other.peak_mb
            f["build_mermaid2_cpu_s"] = other.cpu_s
            shutil.rmtree(work / "site-mermaid2")
            shutil.rmtree(kept)
            aside.rename(kept)
            say(f"N={n}: mermaid2 build {other.seconds:.1f} s; sopsite export and the floor")
        for engine in engines:
            failed = measure_engine(work, n, engine, f)
            if failed:  # a figure of its own: the other engines and the floor still run
                row.notes[f"{engine}_failed"] = failed
        export = run([SOPSITE, "export", "sops", "--out", work / "floor" / "docs"], work)
        f["export_s"] = export.seconds
        make_floor(work, json.loads((work / "nav.json").read_text(encoding="utf-8")))
        floor = run([MKDOCS, "build", "-f", work / "floor" / "mkdocs.yml", "-d",
                     work / "floor" / "site"], work)
        f["floor_s"], f["floor_mb"] = floor.seconds, floor.peak_mb
        f["floor_cpu_s"] = floor.cpu_s

        page = work / "site" / PAGE / "index.html"
        sop_pages = list((work / "site" / "procedures").glob("sop-b-*/index.html"))
        f["page_kb"] = page.stat().st_size / 1024
        f["page_mean_kb"] = sum(p.stat().st_size for p in sop_pages) / len(sop_pages) / 1024
        f["floor_page_kb"] = (work / "floor" / "site" / PAGE / "index.html").stat().st_size / 1024
        f["site_mb"] = folder_bytes(work / "site") / 1e6
        f["site_files"] = sum(1 for p in (work / "site").rglob("*") if p.is_file())
        f["floor_site_mb"] = folder_bytes(work / "floor" / "site") / 1e6
        f["search_index_mb"] = (work / "site" / "search" / "search_index.json").stat().st_size \
            / 1e6
        say(f"N={n}: floor {floor.seconds:.1f} s; page {f['page_kb']:.0f} KB, site "
            f"{f['site_mb']:.0f} MB")

        if serve:
            measure_reloads(work, f, full_reload)
        return row
    finally:
        if keep:
            say(f"N={n}: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def measure_engine(work: Path, n: int, engine: str, f: dict[str, float]) -> str:
    """``engine``'s cold build (the native build's cache set aside, the generated pages
    too), then its build after one changed step title; the source is put back after, so
    the servers measured next find the site `sopsite build` left as it was. What the
    engine said, when it failed (else "")."""
    kept, aside = work / BUILD_CACHE, work / f"{BUILD_CACHE}.aside"
    source = work / SOURCE
    original = source.read_text(encoding="utf-8")
    command: list[str | Path] = [SOPSITE, "build", "--engine", engine, "-f", "mkdocs.yml",
                                 "-d", f"site-{engine}"]
    kept.rename(aside)
    try:
        cold = run(command, work)
        edit_step(work)
        edited = run(command, work)
    except BenchError as error:
        said = [line for line in str(error).splitlines() if line.strip()]
        say(f"N={n}: {engine} failed: {said[-2] if len(said) > 1 else said[-1]}")
        return "; ".join(said[-2:])
    finally:
        source.write_text(original, encoding="utf-8")
        shutil.rmtree(work / f"site-{engine}", ignore_errors=True)
        shutil.rmtree(kept, ignore_errors=True)
        aside.rename(kept)
    f[f"{engine}_build_s"], f[f"{engine}_build_mb"] = cold.seconds, cold.peak_mb
    f[f"{engine}_edit_s"], f[f"{engine}_edit_mb"] = edited.seconds, edited.peak_mb
    say(f"N={n}: {engine} cold {cold.seconds:.1f} s ({cold.peak_mb:.0f} MB), after one edit "
        f"{edited.seconds:.1f} s ({edited.peak_mb:.0f} MB)")
    return ""


def measure_reloads(work: Path, f: dict[str, float], full: bool) -> None:
    """The same step title edit under each server; each edit gives the title a new suffix,
    so no title is a part of the next one. ``full``: also the servers that rebuild every
    page on a save (as long as a whole build), not only the dirty ones."""
    base = step_title(work)
    titles = [base, *(f"{base} (edit {k})" for k in range(1, 16))]
    edits = {SOURCE: 0, EXPORTED: 0}
    runs: list[tuple[str, list[str | Path], Path, int]] = [
        ("serve_dirty", [SOPSITE, "serve", "--dirty", "-f", "mkdocs.yml"], SOURCE,
         DIRTY_EDITS),
        # --dirty always logs a warning ("inaccurate navigation"), which strict mode refuses.
        ("floor_dirty", [MKDOCS, "serve", "--dirty", "--no-strict", "-f", "floor/mkdocs.yml"],
         EXPORTED, DIRTY_EDITS),
    ]
    if full:  # each edit costs a whole build, so one each
        runs += [("serve", [SOPSITE, "serve", "-f", "mkdocs.yml"], SOURCE, 1),
                 ("floor", [MKDOCS, "serve", "-f", "floor/mkdocs.yml"], EXPORTED, 1)]
    for name, command, source, count in runs:
        say(f"{' '.join(map(str, command[1:]))}: edit a step title in {source}, {count}x")
        k = edits[source]
        r = reload_time(command, work, work / source, titles[k:], count)
        edits[source] = k + count
        f[f"{name}_reload_s"], f[f"{name}_startup_s"] = r["reload_s"], r["startup_s"]
        f[f"{name}_first_page_s"] = r["first_page_s"]
        f[f"{name}_reload_max_s"] = r["reload_max_s"]
        say(f"  reload {r['reload_s']:.2f} s (median of {count}; slowest "
            f"{r['reload_max_s']:.2f} s; first page {r['first_page_s']:.1f} s, first build "
            f"{r['startup_s']:.1f} s)")


# --- profile -------------------------------------------------------------------------------


def profile(n: int, seed: int) -> None:
    """Where the time goes: generation in this process, and a whole native build."""
    work = Path(tempfile.mkdtemp(prefix=f"sopsite-profile-{n}-"))
    try:
        make_project(work, n, seed)
        os.chdir(work)
        os.environ.update(ENV)
        from generator.mkdocs.build import build_site
        from generator.pipeline import check_handbook
        from generator.render.pages import generate

        today = dt.date.fromisoformat(TODAY)
        handbook = check_handbook(Path("sops"), today=today)[0]
        for title, call in (
            ("load + rules", lambda: check_handbook(Path("sops"), today=today)),
            ("generate", lambda: generate(handbook, today=today)),
            ("sopsite build (native Mermaid)", lambda: build_site(Path("mkdocs.yml"),
                                                                  work / "site")),
        ):
            # Each call makes a session of its own: nothing a `sopsite serve` would keep
            # between builds hides the cost.
            profiler = cProfile.Profile()
            start = time.perf_counter()
            profiler.runcall(call)
            seconds = time.perf_counter() - start
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
            print(f"\n===== {title}: {seconds:.1f} s under the profiler (N={n}) =====")
            print(text.getvalue())
    finally:
        os.chdir(REPO)
        shutil.rmtree(work, ignore_errors=True)


# --- the report ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = "unknown"
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal"):
            ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    cores = len(os.sched_getaffinity(0))

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    mermaid = "not installed"
    package = REPO / "node_modules" / "mermaid" / "package.json"
    if package.is_file():
        mermaid = json.loads(package.read_text(encoding="utf-8"))["version"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                            capture_output=True, check=False).stdout.strip() or "unknown"
    changed = subprocess.run(["git", "status", "--porcelain", "--", "generator"], cwd=REPO,
                             text=True, capture_output=True, check=False).stdout.strip()
    if changed:
        commit += " (with uncommitted changes in generator/)"
    return {
        "CPU": cpu, "cores": str(cores), "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "MkDocs": version("mkdocs"), "Material for MkDocs": version("mkdocs-material"),
        "mkdocs-mermaid2-plugin": version("mkdocs-mermaid2-plugin"),
        "mkdocs-macros-plugin": version("mkdocs-macros-plugin"),
        "pymdown-extensions": version("pymdown-extensions"), "Mermaid": mermaid,
        "pydantic": version("pydantic"), "PyYAML": version("PyYAML"),
        "sopsite commit": commit,
    }


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _slowest(seconds: float | None) -> str:
    return f" ({seconds:.2f} s)" if seconds is not None else ""


def ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or not b else f"{a / b:.2f}{TIMES}"


KEEP = "<!-- Hand-written from here on: benchmarks/run.py keeps it when it rewrites the page. -->"
"""Everything after this line in the report survives a new run (the analysis of the figures)."""


def render(rows: list[Row], info: dict[str, str], started: dt.datetime, seconds: float,
           load: tuple[float, ...]) -> str:
    by_n = {row.n: row.figures for row in rows}

    def get(n: int, key: str) -> float | None:
        return by_n.get(n, {}).get(key)

    seed = rows[0].notes.get("seed", SEED) if rows else SEED
    history = rows[0].notes.get("history", "") if rows else ""
    lines = [
        "---",
        "render_macros: false",
        "---",
        "",
        "# Benchmarks",
        "",
        "How sopsite's cost grows with the size of a handbook, against the *floor*: the same "
        "Markdown, theme, extensions, search, tags and navigation built by plain MkDocs. "
        "Written by `make bench` (`benchmarks/run.py`); the synthetic handbooks come from "
        f"`benchmarks/synth.py` (seed {seed}, deterministic): 80 % SOPs, 15 % processes and "
        "5 % retrospectives, 8 to 25 steps with decisions and loops, 3 to 6 roles, risks, "
        "metrics and a quiz per document, about 22 KB of YAML each.",
        "",
        f"Measured on {started:%Y-%m-%d %H:%M} UTC, sopsite {info.get('sopsite commit', '?')}, "
        f"in {seconds / 60:.0f} min, one run per figure, on {info['cores']} cores "
        f"({info['CPU']}, {info['RAM']} RAM); load average {load[0]:.2f} at the start and "
        f"{load[1]:.2f} at the end. Machine and versions are listed at the end.",
        "",
        "## Results",
        "",
        "| N | check | generation | build (native) | build (mermaid2) | floor "
        "| build / floor | mermaid2 / floor | (check + generation) / build | peak memory "
        "| one SOP page | site | reload (`serve --dirty`) | floor one-page rebuild |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for row in rows:
        f = row.figures
        gen = f["load_check_s"] + f["generate_s"]
        lines.append(
            f"| {row.n:,} | {fmt(f['check_s'], 2)} s | {fmt(gen, 2)} s | {fmt(f['build_s'])} s "
            f"| {fmt(f.get('build_mermaid2_s'))} s | {fmt(f['floor_s'])} s "
            f"| {ratio(f['build_s'], f['floor_s'])} "
            f"| {ratio(f.get('build_mermaid2_s'), f['floor_s'])} "
            f"| {gen / f['build_s']:.1%} | {fmt(f['build_mb'], 0)} MB "
            f"| {fmt(f['page_kb'])} KB | {fmt(f['site_mb'], 0)} MB "
            f"| {fmt(f.get('serve_dirty_reload_s'), 2)} s "
            f"| {fmt(f.get('floor_dirty_reload_s'), 2)} s |")
    lines += [
        "",
        f"- **check**: `sopsite check sops --strict` as a command: wall time, Python start-up "
        f"included; the median of {CHECK_RUNS} runs, as one run can coincide with other work "
        "on the host.",
        "- **generation**: load, validate and run the rules, then `generate` the Markdown, "
        "without MkDocs, timed inside one fresh process.",
        "- **build**: `sopsite build` (check, generate, and MkDocs builds the whole site "
        "strictly); native is `mkdocs.yml` (Material's Mermaid), mermaid2 is "
        "`mkdocs.mermaid2.yml`.",
        "- **floor**: `mkdocs build` of the Markdown from `sopsite export`, with the same "
        "theme, extensions, search and tags plugins, scripts, stylesheet and navigation "
        "(sopsite's grouped navigation written into the config), without the sopsite and "
        "macros plugins.",
        "- **peak memory**: maximum resident set of the native build (mermaid2 and the floor "
        "below).",
        f"- **one SOP page**: `{PAGE}index.html` of {PAGE_DOC}, the same document at every N.",
        "- **reload**: from saving a changed step title in the SOP's YAML to "
        "`sopsite serve --dirty` serving the page with it. **Floor one-page rebuild**: the "
        "same edit in the exported Markdown under `mkdocs serve --dirty` of the floor.",
        "",
        "## Details",
        "",
        "| N | documents (SOP / process / retro) | YAML | pages | Markdown | load + rules "
        "| generate | export | peak memory native / mermaid2 / floor / check "
        "| mean SOP page | floor SOP page | floor site | search index | files |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for row in rows:
        f, m = row.figures, row.mix
        lines.append(
            f"| {row.n:,} | {m['sops']:,} / {m['processes']:,} / {m['retros']:,} "
            f"| {fmt(f['yaml_mb'])} MB | {int(f['pages']):,} | {fmt(f['markdown_mb'])} MB "
            f"| {fmt(f['load_check_s'], 2)} s | {fmt(f['generate_s'], 2)} s "
            f"| {fmt(f['export_s'])} s | {fmt(f['build_mb'], 0)} / "
            f"{fmt(f.get('build_mermaid2_mb'), 0)} / {fmt(f['floor_mb'], 0)} / "
            f"{fmt(f['check_mb'], 0)} MB | {fmt(f['page_mean_kb'])} KB "
            f"| {fmt(f['floor_page_kb'])} KB | {fmt(f['floor_site_mb'], 0)} MB "
            f"| {fmt(f['search_index_mb'])} MB | {int(f['site_files']):,} |")
    lines += [
        "",
        "CPU seconds (user + system) of the same runs, which other work on the machine "
        "disturbs less than wall time:",
        "",
        "| N | check | load + rules | generate | build (native) | build (mermaid2) | floor "
        "| build / floor | mermaid2 / floor | (load + rules + generate) / build |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        f = row.figures
        gen = f["check_cpu_s"] + f["generate_cpu_s"]
        lines.append(
            f"| {row.n:,} | {fmt(f['check_cmd_cpu_s'], 2)} | {fmt(f['check_cpu_s'], 2)} "
            f"| {fmt(f['generate_cpu_s'], 2)} | {fmt(f['build_cpu_s'])} "
            f"| {fmt(f.get('build_mermaid2_cpu_s'))} | {fmt(f['floor_cpu_s'])} "
            f"| {ratio(f['build_cpu_s'], f['floor_cpu_s'])} "
            f"| {ratio(f.get('build_mermaid2_cpu_s'), f['floor_cpu_s'])} "
            f"| {gen / f['build_cpu_s']:.1%} |")
    if any("serve_dirty_reload_s" in row.figures for row in rows):
        lines += [
            "",
            "Live reload: seconds from saving the file to the served page showing the change; "
            f"for the `--dirty` servers the median of {DIRTY_EDITS} saves (the slowest in "
            "brackets). The first page is the server's start-up until it shows the page (a "
            "new `sopsite serve` shows the last good site it finds until its first build "
            "ends; the first `--dirty` server finds the one `sopsite build` left); the first "
            "build is until its own site is served. Servers without `--dirty` rebuild every "
            "page on each save, so they are timed once, and only at the smaller sizes.",
            "",
            "| N | `sopsite serve --dirty` first page | first build "
            "| floor `mkdocs serve --dirty` first page "
            "| `sopsite serve --dirty` (YAML) "
            "| floor `mkdocs serve --dirty` (Markdown) | `sopsite serve` (YAML) "
            "| floor `mkdocs serve` (Markdown) |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in rows:
            f = row.figures
            if "serve_dirty_reload_s" in f:
                lines.append(
                    f"| {row.n:,} | {fmt(f.get('serve_dirty_first_page_s'))} s "
                    f"| {fmt(f['serve_dirty_startup_s'])} s "
                    f"| {fmt(f.get('floor_dirty_first_page_s'))} s "
                    f"| {fmt(f['serve_dirty_reload_s'], 2)} s"
                    f"{_slowest(f.get('serve_dirty_reload_max_s'))} "
                    f"| {fmt(f['floor_dirty_reload_s'], 2)} s"
                    f"{_slowest(f.get('floor_dirty_reload_max_s'))} "
                    f"| {fmt(f.get('serve_reload_s'), 2)} s "
                    f"| {fmt(f.get('floor_reload_s'), 2)} s |")

    if any("build_edit_s" in row.figures for row in rows):
        lines += [
            "",
            "Build cache (`.sopsite-build-cache/`, `generator/mkdocs/buildcache.py`): the "
            "native build again with the cache the cold one left, unchanged, then after one "
            "changed step title in one SOP; the servers below start with that cache.",
            "",
            "| N | cold | warm, unchanged | after one edit | edit / cold | edit / floor "
            "| edit peak memory |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in rows:
            f = row.figures
            if "build_edit_s" in f:
                lines.append(
                    f"| {row.n:,} | {fmt(f['build_s'])} s | {fmt(f['build_warm_s'])} s "
                    f"| {fmt(f['build_edit_s'])} s | {f['build_edit_s'] / f['build_s']:.1%} "
                    f"| {ratio(f['build_edit_s'], f['floor_s'])} "
                    f"| {fmt(f['build_edit_mb'], 0)} MB |")

    engines = [e for e in ENGINES if any(f"{e}_build_s" in row.figures
                                         or f"{e}_failed" in row.notes for row in rows)]
    if engines:
        lines += [
            "",
            "Engines (`sopsite build --engine`): each engine's cold build, with the native "
            "build's cache (the generated pages too) set aside, then its build after one "
            "changed step title; peak memory in brackets. MkDocs is the native build above.",
            "",
            "| N | MkDocs cold | " + " | ".join(f"{e} cold | {e} / floor | {e} after one edit"
                                               for e in engines) + " |",
            "| ---: | ---: | " + " | ".join("---: | ---: | ---:" for _ in engines) + " |",
        ]
        for row in rows:
            f = row.figures
            cells = [f"failed | — | — ({row.notes[f'{e}_failed']})"
                     if f"{e}_failed" in row.notes else
                     f"{fmt(f.get(f'{e}_build_s'))} s ({fmt(f.get(f'{e}_build_mb'), 0)} MB) "
                     f"| {ratio(f.get(f'{e}_build_s'), f['floor_s'])} "
                     f"| {fmt(f.get(f'{e}_edit_s'))} s" for e in engines]
            lines.append(f"| {row.n:,} | {fmt(f['build_s'])} s ({fmt(f['build_mb'], 0)} MB) | "
                         + " | ".join(cells) + " |")

    lines += ["", "## Targets", "", "| Target | Measured | Met |", "| --- | --- | --- |"]

    def target(name: str, figure: str | None, ok: bool | None) -> None:
        verdict = "not measured" if ok is None else ("yes" if ok else "**no**")
        lines.append(f"| {name} | {figure or 'not measured'} | {verdict} |")

    b, g, c = get(1000, "build_s"), get(1000, "generate_s"), get(1000, "load_check_s")
    if b and g is not None and c is not None:
        target("Generation and checks at most 10 % of the full build at N = 1,000",
               f"{(c + g) / b:.1%} ({c:.2f} s + {g:.2f} s of {b:.1f} s)", (c + g) / b <= 0.10)
    else:
        target("Generation and checks at most 10 % of the full build at N = 1,000", None, None)
    edit, cold = get(1000, "build_edit_s"), get(1000, "build_s")
    name = "Warm rebuild after one changed document at N = 1,000 at most 10 % of the cold build"
    if edit and cold:
        target(name, f"{edit / cold:.1%} ({edit:.1f} s of {cold:.1f} s)", edit / cold <= 0.10)
    else:
        target(name, None, None)
    check, fastest, slowest = get(1000, "check_s"), get(1000, "check_min_s"), get(1000,
                                                                               "check_max_s")
    spread = f" (median of {CHECK_RUNS}; {fastest:.2f} to {slowest:.2f} s)" if (
        fastest is not None and slowest is not None) else ""
    target("`sopsite check` of 1,000 documents under 2 s",
           f"{check:.2f} s{spread}" if check is not None else None,
           None if check is None else check < 2)
    small, large = get(100, "page_kb"), get(5000, "page_kb")
    if small and large:
        target("One SOP page's HTML at N = 5,000 within 10 % of N = 100",
               f"{large:.1f} KB against {small:.1f} KB ({large / small - 1:+.1%})",
               abs(large / small - 1) <= 0.10)
    else:
        target("One SOP page's HTML at N = 5,000 within 10 % of N = 100", None, None)
    reload, dirty = get(1000, "serve_dirty_reload_s"), get(1000, "floor_dirty_reload_s")
    if reload and dirty:
        target(f"Reload at N = 1,000 at most 2{TIMES} MkDocs' own one-page rebuild",
               f"{reload:.2f} s against {dirty:.2f} s ({reload / dirty:.1f}{TIMES})",
               reload <= 2 * dirty)
    else:
        target(f"Reload at N = 1,000 at most 2{TIMES} MkDocs' own one-page rebuild", None, None)
    first, startup = get(1000, "serve_dirty_first_page_s"), get(1000, "serve_dirty_startup_s")
    name = "`sopsite serve` time to first page at N = 1,000 with a warm cache under 10 s"
    if first is not None and startup is not None:
        target(name, f"{first:.1f} s (its own first build {startup:.1f} s)", first < 10)
    else:
        target(name, None, None)
    colds = {"mkdocs": get(1000, "build_s"),
             **{e: get(1000, f"{e}_build_s") for e in ENGINES}}
    colds = {e: v for e, v in colds.items() if v}
    floor_s = get(1000, "floor_s")
    name = f"Cold build at N = 1,000 on the fastest engine at most 0.6{TIMES} the MkDocs floor"
    if colds and floor_s:
        fastest = min(colds, key=lambda e: colds[e])
        target(name, f"{fastest} {colds[fastest]:.1f} s against {floor_s:.1f} s "
               f"({colds[fastest] / floor_s:.2f}{TIMES})", colds[fastest] <= 0.6 * floor_s)
    else:
        target(name, None, None)
    peak, peak2, floor = (get(5000, "build_mb"), get(5000, "build_mermaid2_mb"),
                          get(5000, "floor_mb"))
    if peak:
        target("Peak memory at N = 5,000 under 2 GB",
               f"{peak:,.0f} MB (mermaid2 {fmt(peak2, 0)} MB; plain MkDocs {fmt(floor, 0)} MB)",
               peak < 2048)
    else:
        target("Peak memory at N = 5,000 under 2 GB", None, None)

    lines += [
        "",
        "## Conditions",
        "",
        "- Each handbook is written to a temporary folder outside any git repository, so "
        f"there is no revision history to read or render ({history[:1].lower()}{history[1:]}). "
        "A handbook "
        "with history adds a frozen page and a diff page per past version.",
        f"- Checks and pages are made as of {TODAY} (`SOPSITE_TODAY`). Every document is "
        "effective with an approval and its review due in 2027; every SOP and process has a "
        "training module whose quiz covers all of its steps.",
        "- Peak memory is the maximum resident set size the kernel reports for each command "
        "(`wait4`).",
        "- One run per figure, on a machine shared with other work: expect a few percent of "
        "noise on the times, more on the sub-second ones.",
        "",
        "## Machine",
        "",
        "| Item | Value |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated numbers of documents (default 100,1000,5000)")
    parser.add_argument("--quick", action="store_true", help="only 100 and 1000 documents")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md",
                        help="the Markdown report (default docs/benchmarks.md)")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results.json",
                        help="the raw figures (default benchmarks/results.json)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-serve", action="store_true", help="skip the live-reload timings")
    parser.add_argument("--engines", default=",".join(e for e in ENGINES if engine_venv(e)),
                        help="other engines to time (default: those installed: "
                        "make properdocs, make zensical)")
    parser.add_argument("--no-mermaid2", action="store_true",
                        help="skip the build with mkdocs-mermaid2 (the slowest figure)")
    parser.add_argument("--full-reload-max", type=int, default=1000, metavar="N",
                        help="time the servers that rebuild every page on a save (sopsite "
                        "serve and mkdocs serve without --dirty) only up to N documents "
                        "(default 1000): each costs two whole builds")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument("--profile", type=int, metavar="N", default=None,
                        help="profile generation and one build of N documents; no report")
    parser.add_argument("--from-json", type=Path, default=None,
                        help="write the report from figures saved with --json; no measuring")
    parser.add_argument("--generation-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generation_only:
        generation_subprocess(args.generation_only)
        return 0
    if args.profile:
        profile(args.profile, args.seed)
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        write_report(args.out, [Row(**row) for row in saved["rows"]], saved["machine"],
                     saved["run"])
        return 0
    for tool in (SOPSITE, MKDOCS):
        if not tool.exists():
            print(f"{tool} is missing: run 'make bench' (it installs the toolchain)",
                  file=sys.stderr)
            return 2
    if not MERMAID_JS.is_file():
        print(f"{MERMAID_JS} is missing: run 'npm ci'", file=sys.stderr)
        return 2
    # A shell starts a background job with SIGINT ignored, and children inherit that: the
    # servers would then ignore the Ctrl-C that stops them. Handled signals reset on exec.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sizes = [100, 1000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    info = machine()
    started = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()[0]
    clock = time.perf_counter()
    rows = []
    for n in sizes:
        try:
            row = measure(n, args.seed, args.keep, serve=not args.no_serve,
                          full_reload=n <= args.full_reload_max,
                          mermaid2=not args.no_mermaid2,
                          engines=[e for e in args.engines.split(",") if e])
        except BenchError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 1
        row.notes["seed"] = args.seed
        rows.append(row)
    run_info = {"started": started.isoformat(), "seconds": time.perf_counter() - clock,
                "load": [load_start, os.getloadavg()[0]]}
    commit = machine()["sopsite commit"]
    if commit != info["sopsite commit"]:
        info["sopsite commit"] += f", then {commit} before the run ended"
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "run": run_info,
                                         "rows": [asdict(r) for r in rows]}, indent=1) + "\n",
                             encoding="utf-8")
    write_report(args.out, rows, info, run_info)
    return 0


def write_report(out: Path, rows: list[Row], info: dict[str, str],
                 run_info: dict[str, Any]) -> None:
    """Write the figures; keep the hand-written analysis after the KEEP line, if any."""
    text = render(rows, info, dt.datetime.fromisoformat(run_info["started"]),
                  run_info["seconds"], tuple(run_info["load"]))
    previous = out.read_text(encoding="utf-8") if out.is_file() else ""
    if KEEP in previous:
        text += "\n" + KEEP + previous.split(KEEP, 1)[1]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    say(f"wrote {out}")
    print(text)


if __name__ == "__main__":
    raise SystemExit(main())
