"""Build through MkDocs' own API; the site folder is replaced only on success (serving is
`generator.mkdocs.serve`)."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.boundary import check_output, project_root, remove_path
from generator.errors import SopsiteError
from generator.mkdocs.lastsite import mount_of, record, records_of


class SiteBuildError(SopsiteError):
    """The build did not complete; the previous site is untouched.

    MkDocs or a plugin refused the site (the sopsite plugin logs each located problem first),
    or the site folder may not be replaced: the project's error, never a bug in sopsite.
    """

    failed = "build"


def _log_to_stderr(verbose: bool) -> None:
    # sopsite.history is apart from MkDocs' loggers: its warnings never fail a strict build.
    # Under ProperDocs (`generator.engines.properdocs`) its logger is the engine's: the
    # mkdocs logger hands its records on to it, so a strict build counts the plugins' too.
    for name in (sys.modules["mkdocs"].__name__, "sopsite"):
        logger = logging.getLogger(name)
        if not any(getattr(h, "_sopsite", False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
            handler._sopsite = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(logging.INFO if verbose else logging.WARNING)


def build_site(config_file: Path, site_dir: Path | None, *, verbose: bool = False,
               finish: Callable[[Path], None] | None = None) -> Path:
    """Build into a sibling temporary folder, then swap it into place.

    ``finish`` runs on the built folder before the swap (`build --pdf` prints there): what
    it raises leaves the previous site in place, as a failed build does.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _log_to_stderr(verbose)
    try:
        config = load_config(str(config_file), strict=True)
    except MkDocsException as error:
        raise SiteBuildError(str(error)) from error
    target = Path(site_dir) if site_dir else Path(config.site_dir)
    # The site folder is replaced as a whole: a link there, or a site_dir out of the
    # project, would have the build replace a folder elsewhere. A given -d is its own
    # boundary (its parent folder holds the staging folders).
    boundary = (project_root(Path(config.config_file_path).parent) if site_dir is None
                else Path(os.path.normpath(target.absolute())).parent.resolve())
    unsafe = check_output(target, boundary, "site folder",
                          " (or name the folder with -d)" if site_dir is None else "")
    if unsafe is not None:
        raise SiteBuildError(unsafe)
    target = target.resolve()
    staging = target.with_name(f".{target.name}.building")
    retired = target.with_name(f".{target.name}.previous")
    for leftover in (staging, retired):  # whatever a crash (or a checkout) left there
        remove_path(leftover)
    config.site_dir = str(staging)
    # As `mkdocs build` does: plugins with a session of their own (sopsite's) start one
    # for this build and drop it after, whatever an earlier build in this process left.
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    except (MkDocsException, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise SiteBuildError(str(error) or type(error).__name__) from error
    except SystemExit as error:  # some plugins (mkdocs-macros) exit instead of raising
        shutil.rmtree(staging, ignore_errors=True)
        raise SiteBuildError(f"a plugin stopped the build (exit code {error.code})") from error
    finally:
        config.plugins.on_shutdown()
    if finish is not None:
        try:
            finish(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    records = records_of(config)
    if records is not None:  # for `sopsite serve` to show until its first build ends
        record(records[0], False, target, mount_of(config.site_url), records[1])
    return target

