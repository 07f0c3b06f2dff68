"""Run one of the tests' Node.js scripts on a JSON payload, with the npm packages pinned in
package-lock.json."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from tests.support import REPO


def run_json(script: str, package: str, payload: Any, *, what: str) -> Any:
    """`node tests/js/<script>` with ``payload`` on stdin; its stdout, parsed as JSON."""
    node = shutil.which("node")
    assert node, f"Node.js is needed to {what}; install nodejs"
    assert (REPO / "node_modules" / package).is_dir(), (
        f"{package} is not installed; run `npm ci` (make test does it)"
    )
    result = subprocess.run(
        [node, str(REPO / "tests" / "js" / script)], input=json.dumps(payload),
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
