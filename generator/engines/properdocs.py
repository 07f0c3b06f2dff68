"""`sopsite build --engine properdocs`: the same build, with ProperDocs as the engine.

The command runs again in ProperDocs' own virtualenv, through this module: it imports
`properdocs.replacement` first, which makes every `mkdocs.*` import (sopsite's plugin,
Material, mkdocs-macros) load ProperDocs' module instead, then runs the sopsite command
line there. The build is then `generator.mkdocs.build.build_site`, with the same
staging folder and the same swap: the site is replaced only when the whole build succeeded.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from collections.abc import Sequence

from generator.engines import require


def active() -> bool:
    """Whether this process builds with ProperDocs (run through this module)."""
    module = sys.modules.get("mkdocs")
    return module is not None and module.__name__ == "properdocs"


def run(arguments: Sequence[str]) -> int:
    """Run ``sopsite <arguments>`` with ProperDocs; its exit code."""
    python = require("properdocs") / "bin" / "python"
    child = subprocess.Popen([str(python), "-m", __name__, *arguments])
    try:
        return child.wait()
    except KeyboardInterrupt:
        # Ctrl-C in a terminal reaches the child too; a SIGINT sent to this process alone
        # (a supervisor stopping `serve`) is handed on, so the child stops as cleanly.
        try:
            return child.wait(timeout=2)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGINT)
            return child.wait()


def _main() -> None:
    import importlib

    importlib.import_module("properdocs.replacement")  # from here on, mkdocs.* is ProperDocs
    # Plugins log to "mkdocs.plugins.<name>" (sopsite, Material, macros), while ProperDocs
    # counts the warnings of a strict build on its own logger: without this, their
    # warnings would not fail it.
    logging.getLogger("mkdocs").parent = logging.getLogger("properdocs")
    from generator.commands.cli import main

    main()


if __name__ == "__main__":
    _main()
