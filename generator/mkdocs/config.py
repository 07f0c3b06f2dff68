"""The sopsite plugin's options: their schema for MkDocs, and a reader of mkdocs.yml for
commands that do not run MkDocs.

`sopsite check` and `sopsite export` must apply the same policy as the build; the build reads
it from mkdocs.yml, so they do too (`generator.pipeline.Options.from_plugin` turns either
into the same options) rather than keeping a second copy that could drift.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from generator.boundary import read_bounded
from generator.load import MAX_FILE_BYTES
from generator.pipeline import Options


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml holds tags such as `!!python/name:`; they are irrelevant here, never run."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def plugin_options(mkdocs_yml: Path) -> dict[str, Any]:
    """The `sopsite` plugin's options, or {} when there is no such file or plugin."""
    try:
        # Bounded and regular only: `sopsite check` must not hang on a mkdocs.yml that is a
        # link to a pipe or a device; such a file sets no policy (the build refuses it).
        raw, status = read_bounded(mkdocs_yml, MAX_FILE_BYTES)
        if not stat.S_ISREG(status.st_mode) or len(raw) > MAX_FILE_BYTES:
            return {}
        config = yaml.load(raw.decode("utf-8"), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    plugins = config.get("plugins", []) if isinstance(config, dict) else []
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, {}) for p in plugins)
    for name, options in entries:
        if name == "sopsite":
            return options if isinstance(options, dict) else {}
    return {}


def configured(mkdocs_yml: Path, **given: Any) -> Options:
    """The options mkdocs.yml sets for the sopsite plugin, with ``given`` laid over them
    (a command's flags that were set); the defaults when there is no such file or plugin."""
    return Options.from_plugin(plugin_options(mkdocs_yml), mkdocs_yml.absolute().parent,
                               **given)
