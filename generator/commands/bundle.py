"""`sopsite bundle`: a controlled snapshot of the site, zipped, that works from file://.

An auditor unzips it and opens ``index.html`` straight from disk, with no server and no
network. That needs a differently configured build (FINDINGS.md, "Versions and offline
bundles"), and nobody should have to keep a second mkdocs.yml in step with the first. So the
user's own configuration is read with MkDocs' YAML loader (INHERIT and !ENV resolved), a few
top-level keys are replaced in memory, and the result goes through
``mkdocs.config.load_config(path, **overrides)``, which validates the replaced keys exactly
as if they were in the file. Nothing is written next to mkdocs.yml. The overrides:

- ``plugins``: Material's ``offline`` plugin added (it inlines the search index as a script
  and turns directory URLs off), ``mike`` removed, ``snapshot`` set on the sopsite plugin
  (the "Controlled snapshot" note on the front page);
- ``theme``: every ``navigation.instant*`` feature removed (it loads pages with XHR, which
  file:// refuses) and ``font: false`` (no Google Fonts request);
- ``extra``: no ``version`` (there is no versions.json next to a zip, so no selector) and
  ``polyfills`` set to the local ``iframe-worker`` shim from npm, copied into the site: the
  search runs in a Web Worker, which Chromium refuses to start from file://;
- ``use_directory_urls: false``: links end in ``.html``, since a folder opened from disk shows
  a listing instead of its ``index.html``.

The evidence register (`generator.render.register`: every document and revision as CSV and
JSON) goes into the zip's ``register/`` folder, beside the site.

Mermaid is already local: the sopsite plugin ships the npm build, and a strict build fails
when it is missing. The zip is written to a temporary name and renamed only when complete, so
a failed build never leaves a partial zip (nor touches an older one).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from generator.boundary import inside, segment_problem
from generator.git.repo import GitError, git, inspect
from generator.mkdocs.build import SiteBuildError, _log_to_stderr
from generator.pipeline import Options, current_day, evidence_register
from generator.render import register
from generator.write import write_files

SHIM = Path("iframe-worker", "shim", "index.js")
"""The shim inside node_modules (the file unpkg.com serves as ``iframe-worker/shim``)."""
SHIM_URI = "assets/javascripts/iframe-worker/shim.js"
"""Where the shim goes in the site; Material's offline plugin adds the unpkg.com copy unless a
polyfill's address contains ``iframe-worker``."""
SNAPSHOT_TITLE = "Controlled snapshot"
DEFAULT_MERMAID = "node_modules/mermaid/dist/mermaid.min.js"


# --- the user's configuration, adjusted in memory -------------------------------------------


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as MkDocs reads it (INHERIT merged, !ENV and !relative resolved), unvalidated."""
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file)))
    try:
        with config_file.open("rb") as source:
            return yaml_load(source, loader)
    except MkDocsException as error:
        raise SiteBuildError(str(error)) from error


def plugin_entries(raw: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The ``plugins`` list as ``(name, options)`` pairs, whichever form mkdocs.yml uses."""
    plugins = raw.get("plugins", ["search"]) or []
    items: Iterable[Any] = plugins.items() if isinstance(plugins, dict) else plugins
    entries: list[tuple[str, dict[str, Any]]] = []
    for item in items:
        if isinstance(item, str):
            entries.append((item, {}))
        elif isinstance(item, tuple):
            entries.append((str(item[0]), dict(item[1] or {})))
        else:
            (name, options), = item.items()
            entries.append((str(name), dict(options or {})))
    return entries


def as_plugins(entries: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{name: options} for name, options in entries]


def theme_options(raw: dict[str, Any]) -> dict[str, Any]:
    theme = raw.get("theme") or {}
    return {"name": theme} if isinstance(theme, str) else dict(theme)


def build_variant(config_file: Path, site_dir: Path, overrides: dict[str, Any], *,
                  verbose: bool = False) -> MkDocsConfig:
    """A strict build of ``config_file`` with top-level keys replaced, into ``site_dir``.

    The same semantics as `sopsite build`: content errors and warnings in strict mode raise
    SiteBuildError with MkDocs' (and the handbook checks') messages.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _log_to_stderr(verbose)
    try:
        config = load_config(str(config_file), strict=True, site_dir=str(site_dir),
                             **overrides)
    except (MkDocsException, OSError) as error:
        raise SiteBuildError(str(error) or type(error).__name__) from error
    # What an auditor receives, or a version is published as, is made from the reviewed
    # files alone: no page comes from the build cache (generator.mkdocs.buildcache).
    # MkDocs may hand the same plugin object to a later build in this process: the switch
    # is put back after this one.
    cold = [plugin for plugin in config.plugins.values() if hasattr(plugin, "use_build_cache")]
    for plugin in cold:
        plugin.use_build_cache = False
    # As `mkdocs build` does: the plugins' session starts with this build and ends with it.
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except (MkDocsException, OSError) as error:
        raise SiteBuildError(str(error) or type(error).__name__) from error
    except SystemExit as error:  # some plugins (mkdocs-macros) exit instead of raising
        raise SiteBuildError(f"a plugin stopped the build (exit code {error.code})") from error
    finally:
        config.plugins.on_shutdown()
        for plugin in cold:
            plugin.use_build_cache = True
    return config


def uncommitted(base: Path, paths: Iterable[Path]) -> bool:
    """Whether git sees changes (untracked files too) under ``paths``; False outside git."""
    try:
        status = git(base, "status", "--porcelain", "--", *(str(p) for p in paths))
    except GitError:
        return False
    return bool(status.strip())


def stamped_commit(config_file: Path, raw: dict[str, Any]) -> str:
    """The commit a snapshot or a printed copy states: a build of work not yet committed
    says so, rather than pass for the commit it started from."""
    base = config_file.parent
    sops = str(dict(plugin_entries(raw)).get("sopsite", {}).get("sops", "sops"))
    sources = [config_file, base / str(raw.get("docs_dir", "docs")), base / sops]
    state = inspect(base)
    if state.head and uncommitted(base, sources):
        return f"{state.short} plus uncommitted changes"
    return state.short


# --- the bundle -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What the front page of a bundle states."""

    commit: str
    built: dt.date
    as_of: dt.date

    def options(self) -> dict[str, str]:
        return {"commit": self.commit, "built": self.built.isoformat(),
                "as_of": self.as_of.isoformat()}


@dataclass(frozen=True)
class Bundle:
    path: Path
    files: int
    snapshot: Snapshot


def find_shim(base: Path, mermaid_js: str) -> Path:
    """The iframe-worker shim from node_modules next to mkdocs.yml or next to Mermaid's."""
    mermaid = Path(mermaid_js)
    mermaid = mermaid if mermaid.is_absolute() else base / mermaid
    folders = [base / "node_modules", *(p for p in mermaid.parents if p.name == "node_modules")]
    for folder in folders:
        if (folder / SHIM).is_file():
            return folder / SHIM
    raise SiteBuildError(f"the iframe-worker shim (search from file://) is not in "
                         f"{' or '.join(str(f) for f in dict.fromkeys(folders))}; run "
                         "'npm ci' (or 'npm install' where there is no package-lock.json)")


def offline_overrides(raw: dict[str, Any], snapshot: Snapshot) -> dict[str, Any]:
    """The replaced top-level keys of a file:// build (see the module docstring)."""
    entries = [(name, options) for name, options in plugin_entries(raw) if name != "mike"]
    if not any(name == "sopsite" for name, _ in entries):
        raise SiteBuildError("the bundle needs the sopsite plugin in mkdocs.yml")
    entries = [(name, {**options, "snapshot": snapshot.options()} if name == "sopsite"
                else options) for name, options in entries]
    if not any(name in ("offline", "material/offline") for name, _ in entries):
        entries.append(("offline", {}))
    theme = theme_options(raw)
    features = [f for f in theme.get("features") or []
                if not str(f).startswith("navigation.instant")]
    theme.update(features=features, font=False)
    extra = {key: value for key, value in (raw.get("extra") or {}).items() if key != "version"}
    polyfills = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
    extra["polyfills"] = [*polyfills, SHIM_URI]
    return {"plugins": as_plugins(entries), "theme": theme, "extra": extra,
            "use_directory_urls": False}


def site_files(site: Path) -> list[tuple[str, Path]]:
    """Every file of the built ``site`` by its path inside it, sorted; links are refused.

    An auditor unzips the bundle with whatever tool is at hand, and many write an entry
    wherever its name says: so each name is a plain relative path, of plain folder names
    (`generator.boundary.segment_problem`), and no file may be a link, which would put
    content from outside the site into the zip.
    """
    files: list[tuple[str, Path]] = []
    for folder, folders, names in os.walk(site):
        for name in sorted(folders + names):
            path = Path(folder, name)
            relative = path.relative_to(site).as_posix()
            if path.is_symlink() or not inside(path, site.resolve()):
                raise SiteBuildError(f"the site file {relative} is a symbolic link to "
                                     f"{str(path.readlink())!r}; a bundle holds only the "
                                     "site's own files")
            unsafe = segment_problem(name)
            if unsafe is not None:
                raise SiteBuildError(f"the site file {relative!r} cannot be a zip entry: "
                                     f"{unsafe}")
            if name in names:
                files.append((relative, path))
    return sorted(files)


def write_zip(site: Path, out: Path, top: str, when: dt.date) -> int:
    """Zip ``site`` under the folder ``top``: sorted entries, one timestamp, then rename."""
    unsafe = segment_problem(top)
    if unsafe is not None:
        raise SiteBuildError(f"the zip's top folder is named after {out.name}: {unsafe}")
    files = site_files(site)
    partial = out.with_name(f".{out.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, path in files:
                info = zipfile.ZipInfo(f"{top}/{name}", date_time=(*when.timetuple()[:3], 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return len(files)


def make_bundle(config_file: Path, out: Path, *, verbose: bool = False,
                finish: Callable[[Path], None] | None = None) -> Bundle:
    """Build the file:// variant of the site and zip it to ``out`` (replaced only on success).

    ``finish`` adds to the built site before it is zipped (`bundle --pdf` prints there)."""
    config_file = config_file.resolve()
    out = out.resolve()
    base = config_file.parent
    raw = read_config(config_file)
    sopsite_options = dict(plugin_entries(raw)).get("sopsite", {})
    snapshot = Snapshot(stamped_commit(config_file, raw), dt.datetime.now(dt.UTC).date(),
                        current_day())
    shim = find_shim(base, str(sopsite_options.get("mermaid_js", DEFAULT_MERMAID)))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sopsite-bundle-") as tmp:
        site = Path(tmp, "site")
        build_variant(config_file, site, offline_overrides(raw, snapshot), verbose=verbose)
        front = site / "index.html"
        if not front.is_file() or SNAPSHOT_TITLE not in front.read_text(encoding="utf-8"):
            raise SiteBuildError("the site has no front page (docs/index.md) to state the "
                                 "snapshot's commit and dates on")
        (site / SHIM_URI).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shim, site / SHIM_URI)
        write_files(evidence_register(Options.from_plugin(sopsite_options, base)),
                    site / register.FOLDER)
        if finish is not None:
            finish(site)
        count = write_zip(site, out, out.stem, snapshot.built)
    return Bundle(out, count, snapshot)
