"""Loaded by a `sopsite`/`mkdocs` subprocess of a test not marked `slow` (see tests/conftest.py):
if the process goes on to run a real MkDocs build, it leaves a note in the file
SOPSITE_TEST_BUILD_PROBE names, and the test fails."""

import os

_probe = os.environ.get("SOPSITE_TEST_BUILD_PROBE")
if _probe:
    import mkdocs.commands.build as _build

    _real_build = _build.build

    def _noted_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        with open(_probe, "a", encoding="utf-8") as note:  # noqa: PTH123
            note.write("build\n")
        return _real_build(*args, **kwargs)

    _build.build = _noted_build
