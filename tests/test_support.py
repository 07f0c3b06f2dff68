"""The suite's own guard: a test that runs a real MkDocs build must be marked `slow`, so that
`make test-fast` (``-m "not slow and not browser"``) never pays for one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import MKDOCS, REPO, SOPSITE
from tests.support.build import build, env, make_project, sopsite
from tests.support.guard import NOTES

SMALL = REPO / "tests" / "fixtures" / "site" / "sops"


def test_an_unmarked_test_may_not_build_in_process(tmp_path: Path) -> None:
    config = make_project(tmp_path, SMALL)
    with pytest.raises(pytest.fail.Exception, match=r"^tests/test_support\.py::test_an_unm"
                       r".* runs a real MkDocs build \(MkDocs' build in this process\) but is "
                       r"not marked @pytest.mark.slow"):
        build(config)
    assert not (tmp_path / "site").exists()


def test_an_unmarked_test_may_not_build_in_a_subprocess(tmp_path: Path) -> None:
    """The build is noted as it starts; the test fails when its call ends. (A bare MkDocs
    project: what is noted is that a build started, whatever it builds.)"""
    (tmp_path / "mkdocs.yml").write_text("site_name: Bare\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    for argv in ([str(SOPSITE), "build"], [str(MKDOCS), "build", "-q"]):
        done = subprocess.run(argv, cwd=tmp_path, env=env(), capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert NOTES.read_text("utf-8") == "build\n", argv
        NOTES.unlink()  # so that this test itself passes


def test_building_commands_that_build_nothing_run_unmarked(tmp_path: Path) -> None:
    assert sopsite("build", "--help", cwd=tmp_path).returncode == 0
    refused = sopsite("publish", "..", cwd=tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert sopsite("rules", cwd=tmp_path).returncode == 0
    assert not NOTES.exists()


@pytest.mark.slow
def test_a_slow_test_builds(tmp_path: Path) -> None:
    site = build(make_project(tmp_path, SMALL))
    assert (site / "index.html").is_file()


ORDERED = '''
from tests.support import order

TIMER = order.Timer()


def pytest_collection_modifyitems(config, items):
    order.longest_first(config, items)


def pytest_runtest_logreport(report):
    TIMER.add(report)


def pytest_sessionfinish(session, exitstatus):
    TIMER.keep(session.config, exitstatus)
'''


def _modules(root: Path, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", *args],
                          cwd=root, env={**env(), "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line.split("::")[0] for line in done.stdout.splitlines() if "::" in line]
    return list(dict.fromkeys(lines))


def test_modules_go_out_longest_first_by_the_last_whole_run(tmp_path: Path) -> None:
    """Before any run, a module of browser and building tests goes before one of quick
    tests; after a whole run, the one that took longest goes first, whatever its marks."""
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntestpaths = t\nmarkers =\n    slow: builds\n", encoding="utf-8")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "conftest.py").write_text(ORDERED, encoding="utf-8")
    tests = {"test_a.py": "def test_quick():\n    pass\n",
             "test_b.py": "import time\n\ndef test_long():\n    time.sleep(0.4)\n",
             "test_c.py": "import pytest\n\n@pytest.mark.slow\ndef test_marked():\n    pass\n"}
    for name, text in tests.items():
        (tmp_path / "t" / name).write_text(text, encoding="utf-8")
    assert _modules(tmp_path, "--collect-only") == ["t/test_c.py", "t/test_a.py",
                                                     "t/test_b.py"]
    _modules(tmp_path, "-k", "long")  # a part of the suite: its times are not kept
    assert _modules(tmp_path, "--collect-only") == ["t/test_c.py", "t/test_a.py",
                                                     "t/test_b.py"]
    _modules(tmp_path)
    assert _modules(tmp_path, "--collect-only")[0] == "t/test_b.py"
