"""The suite's own guard: a test that runs a real MkDocs build must be marked `slow`, so that
`make test-fast` (``-m "not slow and not browser"``) never pays for one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support import MKDOCS, REPO
from tests.support.build import build, make_project, sopsite

SMALL = REPO / "tests" / "fixtures" / "site" / "sops"


def test_an_unmarked_test_may_not_build_in_process(tmp_path: Path) -> None:
    config = make_project(tmp_path, SMALL)
    with pytest.raises(pytest.fail.Exception, match=r"^tests/test_support\.py::test_an_unm"
                       r".* runs a real MkDocs build \(MkDocs' build in this process\) but is "
                       r"not marked @pytest.mark.slow"):
        build(config)
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("argv", [("build",), ("bundle", "--out", "x.zip"), ("serve",)])
def test_an_unmarked_test_may_not_run_a_building_command(tmp_path: Path,
                                                          argv: tuple[str, ...]) -> None:
    with pytest.raises(pytest.fail.Exception, match=rf"\(sopsite {argv[0]}\) but is not marked"):
        sopsite(*argv, cwd=tmp_path)


def test_nor_mkdocs_own_build(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"\(mkdocs build\) but is not marked"):
        subprocess.run([str(MKDOCS), "build", "-q"], cwd=tmp_path, check=False)


def test_commands_that_build_nothing_run_unmarked(tmp_path: Path) -> None:
    result = sopsite("rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "REF001" in result.stdout


@pytest.mark.slow
def test_a_slow_test_builds(tmp_path: Path) -> None:
    site = build(make_project(tmp_path, SMALL))
    assert (site / "index.html").is_file()
