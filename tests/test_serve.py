"""`sopsite serve` as an author uses it: edit the YAML, see the page change.

A copy of the example handbook is served by a real `sopsite serve` process on 127.0.0.1. The
test edits a step title in the copy and polls the served page until the new title appears;
then it breaks the YAML, expects the `file:line:col` problem line in the server's output,
fixes it and expects the page to recover. The server is stopped with Ctrl-C (SIGINT), as in a
terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import copy_handbook
from tests.support.serving import Server, edit

pytestmark = pytest.mark.slow

SOP_FILE = Path("sops") / "sops" / "SOP-IT-CI.yml"
SOP_PAGE = "procedures/sop-it-ci/"
OLD_TITLE = "Analyse trends and draft proposals"
CHANGE_TIMEOUT = 60.0


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    return copy_handbook(tmp_path / "handbook")


@pytest.fixture
def server(handbook: Path, tmp_path: Path) -> Iterator[Server]:
    running = Server(handbook, tmp_path / "tmp")
    try:
        running.wait_started()
        yield running
    finally:
        running.stop()


def test_serve_rebuilds_when_the_yaml_changes(server: Server, handbook: Path) -> None:
    source = handbook / SOP_FILE
    assert server.page_contains(SOP_PAGE, OLD_TITLE)

    new_title = "Analyse trends and draft proposals, edited while serving"
    edit(source, f"title: {OLD_TITLE}", f"title: {new_title}")
    server.wait_until(lambda: server.page_contains(SOP_PAGE, new_title), CHANGE_TIMEOUT,
                      f"the page to show {new_title!r}")
    assert not server.page_contains(SOP_PAGE, f">{OLD_TITLE}<")

    # A YAML error while serving: reported with file:line:col, the server stays up.
    broken = f"title: Analyse trends: {new_title}"
    edit(source, f"title: {new_title}", broken)
    lines = source.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if broken in line)
    column = lines[row].index("trends:") + len("trends") + 1
    location = f"{SOP_FILE.as_posix()}:{row + 1}:{column}:"
    server.wait_until(lambda: location in server.output, CHANGE_TIMEOUT,
                      f"the problem line {location} in the server output")
    problem = next(line for line in server.output.splitlines() if location in line)
    assert "error" in problem
    assert "YAML" in problem
    assert server.process.poll() is None, "the server died on a YAML error"

    fixed_title = "Analyse trends and draft proposals, fixed"
    edit(source, broken, f"title: {fixed_title}")
    server.wait_until(lambda: server.page_contains(SOP_PAGE, fixed_title), CHANGE_TIMEOUT,
                      f"the page to recover and show {fixed_title!r}")

    assert server.stop() == 0, f"sopsite serve did not stop cleanly:\n{server.output}"
