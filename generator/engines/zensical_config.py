"""The configuration the Zensical engine reads and writes: mkdocs.yml as the author wrote it
(its `!!python/name:` tags kept), what of it Zensical cannot honour, and the generated
mkdocs.yml that names sopsite's pages, navigation and assets.

Apart from `generator.engines.zensical`, which runs the build around it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from generator.attachments import MAX_BYTES
from generator.boundary import read_bounded
from generator.errors import SopsiteError
from generator.mkdocs.config import _TolerantLoader
from generator.render.sanitise import Sanitiser

SUPPORTED_PLUGINS = frozenset({"search", "tags"})
"""Plugins Zensical has its own of."""
STOOD_IN_FOR = frozenset({"sopsite", "macros"})
"""Plugins whose part of the build sopsite does itself before Zensical runs."""
MACROS_OPTIONS = frozenset({"on_undefined", "on_error_fail"})
SOPSITE_REFUSED = ("snapshot",)
"""sopsite options that act inside a MkDocs build (a page event) and so cannot apply."""
DROPPED_KEYS = frozenset({"plugins", "nav", "docs_dir", "site_dir", "exclude_docs", "watch",
                          "validation", "strict", "hooks", "extra_javascript", "extra_css"})
"""Keys the generated configuration sets itself (or that only MkDocs reads)."""
FENCE_FORMAT = "pymdownx.superfences.fence_code_format"


class ZensicalBuildError(SopsiteError):
    """The handbook, its configuration or Zensical refused the build; the site is untouched."""

    failed = "build"


class _Tag:
    """A YAML `!!python/name:` value, written back as it was (Zensical reads the tag)."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Loader(_TolerantLoader):
    """mkdocs.yml as written, keeping `!!python/name:` tags as `_Tag`s."""


def _keep_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tag:
    return _Tag(suffix)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _keep_name)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Tag, lambda dumper, tag: dumper.represent_scalar(f"tag:yaml.org,2002:python/name:{tag.name}",
                                                      ""))


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as a mapping; what cannot be read stops the build."""
    try:
        raw = yaml.load(read_bounded(config_file, MAX_BYTES)[0].decode("utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ZensicalBuildError(f"{config_file}: cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise ZensicalBuildError(f"{config_file}: expected a mapping of settings")
    return raw


def plugins(raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The configured plugins by name, with their options."""
    listed = raw.get("plugins") or []
    entries = listed.items() if isinstance(listed, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, {}) for p in listed)
    return {str(name): dict(options or {}) for name, options in entries}


def refusals(raw: Mapping[str, Any]) -> list[str]:
    """Each setting of mkdocs.yml the Zensical engine cannot honour, in words."""
    found = []
    if "INHERIT" in raw:
        found.append("INHERIT: the Zensical engine reads one configuration file; build the "
                     "file it inherits from, or copy its settings in")
    configured = plugins(raw)
    for name in sorted(set(configured) - SUPPORTED_PLUGINS - STOOD_IN_FOR):
        found.append(f"plugin {name!r}: Zensical runs no MkDocs plugin; build with --engine "
                     "mkdocs or --engine properdocs, or remove it")
    for option in sorted(set(configured.get("macros", {})) - MACROS_OPTIONS):
        found.append(f"macros option {option!r}: sopsite stands in for mkdocs-macros only with "
                     "the handbook's own macros (doc_link, role_links, handbook, roles)")
    for option in SOPSITE_REFUSED:
        if any(configured.get("sopsite", {}).get(option, {}) or {}):
            found.append(f"sopsite option {option!r}: it needs the sopsite plugin inside the "
                         "build")
    version = (raw.get("extra") or {}).get("version") if isinstance(raw.get("extra"), dict) \
        else None
    if isinstance(version, dict) and version.get("provider") == "mike":
        found.append("extra.version.provider: mike: versions are published through MkDocs "
                     "(sopsite publish); the Zensical engine has no version selector")
    if raw.get("hooks"):
        found.append("hooks: Zensical runs no MkDocs hooks")
    return found


def write_config(raw: Mapping[str, Any], base: Path, work: Path, nav: list[Any],
                 scripts: list[str], styles: list[str]) -> None:
    """Write the work folder's mkdocs.yml: the author's settings, less what sopsite sets or
    only MkDocs reads, with ``nav``, the ``scripts`` and the ``styles``."""
    config = {key: value for key, value in raw.items() if key not in DROPPED_KEYS}
    theme = dict(raw.get("theme") or {})
    theme["variant"] = "classic"
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((base / str(theme["custom_dir"])).resolve())
    config["theme"] = theme
    if isinstance(config.get("copyright"), str):
        config["copyright"] = Sanitiser().clean(config["copyright"]).html
    if isinstance(config.get("site_name"), str):
        # Zensical writes site_name into text and into attributes unescaped (Material's
        # MkDocs templates escape it): escaped here, quotes too, so it cannot end an
        # attribute it is written into.
        config["site_name"] = html.escape(config["site_name"], quote=True)
    config["markdown_extensions"] = _with_mermaid_fence(raw.get("markdown_extensions") or [])
    config.update({
        "docs_dir": "docs", "site_dir": "site",
        "plugins": [p for p in plugins(raw) if p in SUPPORTED_PLUGINS],
        "nav": nav,
        "extra_javascript": scripts, "extra_css": styles,
    })
    (work / "mkdocs.yml").write_text(yaml.dump(config, Dumper=_Dumper, sort_keys=False,
                                               allow_unicode=True), encoding="utf-8")


def _with_mermaid_fence(extensions: list[Any]) -> list[Any]:
    """The Markdown extensions, with superfences' Mermaid fence as Material draws it."""
    fence = {"name": "mermaid", "class": "mermaid", "format": _Tag(FENCE_FORMAT)}
    out: list[Any] = []
    seen = False
    for entry in extensions:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        if name == "pymdownx.superfences":
            options = dict(entry.get(name) or {}) if isinstance(entry, dict) else {}
            fences = [f for f in options.get("custom_fences") or []
                      if isinstance(f, dict) and f.get("name") != "mermaid"]
            options["custom_fences"] = [*fences, fence]
            out.append({name: options})
            seen = True
        else:
            out.append(entry)
    if not seen:
        out.append({"pymdownx.superfences": {"custom_fences": [fence]}})
    return out
