"""`sopsite publish`: one version of the whole site on the gh-pages branch, through mike 2.x.

mike's Python API does the git side: ``mike.commands.deploy`` reads versions.json from the
branch, adds the version and moves the aliases (``update_aliases``), lets the caller build,
then writes the built folder as ``<version>/``, each alias as pages that redirect to it
(``alias_type: redirect``; symlinks are rejected by common static hosts) and versions.json,
in one commit. If the build fails, the exception leaves the context manager before that
commit, so the branch stays as it was.

The build itself is sopsite's strict build (generator.commands.bundle.build_variant), not mike's
subprocess ``mkdocs build``: content errors come out as the same ``file:line:col`` lines as
`sopsite build`, and the build cannot be taken over by another engine on PATH (mike runs
ProperDocs when it is installed, FINDINGS.md). Two keys of mkdocs.yml are replaced in memory:
``site_url`` becomes ``<site_url><version>/``, as mike's own plugin would do (Material's
version selector reads the sitemap to keep the reader on the same page when switching), and
``extra.version`` defaults to ``{provider: mike}``, Material's selector. It is not in
mkdocs.yml: every page of a site that mike did not publish would request ../versions.json and
log a 404 on every page view, which fails the browser tests' clean-console check.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mike import commands as mike_commands  # type: ignore[import-untyped]
from mike import git_utils

from generator.boundary import name_problem
from generator.commands.bundle import build_variant, plugin_entries, read_config, uncommitted
from generator.errors import SopsiteError
from generator.git.repo import inspect


class PublishError(SopsiteError):
    """mike or git refused the deploy (bad version or alias, diverged branch, failed push).

    The repository's or the command line's error, never a bug in sopsite.
    """

    failed = "publish"


@dataclass(frozen=True)
class Published:
    version: str
    aliases: tuple[str, ...]
    branch: str
    site_url: str
    committed: bool
    """False when the branch already held exactly this site (no empty commit is made)."""
    pushed: bool
    warnings: tuple[str, ...]
    default: str | None = None
    """What the site's root now redirects to, when this publish moved it (``--default``)."""


def version_url(site_url: str, version: str) -> str:
    return urljoin(site_url if site_url.endswith("/") else f"{site_url}/", f"{version}/")


def publish(config_file: Path, version: str, aliases: tuple[str, ...] = (), *,
            branch: str | None = None, push: bool = False, site_url: str | None = None,
            default: bool = False, verbose: bool = False) -> Published:
    """Build strictly and commit the site as ``version`` (plus ``aliases``) to ``branch``.

    With ``default``, the site's root also redirects to this publish: to its first alias
    (``latest`` stays right when the next version moves it), else to the version. That is
    a second commit, made only when the root pointed elsewhere. Without it, a branch whose
    root has no page yet gets a warning: readers who open the site's address see a 404.
    """
    for name, noun in [(version, "version name"), *((a, "version alias") for a in aliases)]:
        unsafe = name_problem(name, noun)
        if unsafe is not None:
            raise PublishError(unsafe)
    config_file = config_file.resolve()
    base = config_file.parent
    raw = read_config(config_file)
    url = site_url or raw.get("site_url")
    if not url:
        raise PublishError("site_url is not set: Material's version selector needs the "
                           "address the site is published at (set site_url in mkdocs.yml "
                           "or pass --site-url)")
    branch = branch or str(raw.get("remote_branch") or "gh-pages")
    remote = str(raw.get("remote_name") or "origin")
    warnings = []
    if urlsplit(url).hostname in ("127.0.0.1", "localhost"):
        warnings.append(f"site_url is {url}: the version selector keeps the reader on the same "
                        "page only when the site is served there; pass --site-url with the "
                        "published address")
    state = inspect(base)
    sopsite_options = dict(plugin_entries(raw)).get("sopsite", {})
    sources = [config_file, base / str(raw.get("docs_dir", "docs")),
               base / str(sopsite_options.get("sops", "sops"))]
    if state.head is None:
        warnings.append(state.notice or "the handbook is not in git")
    elif uncommitted(base, sources):
        warnings.append(f"uncommitted changes are published as {version}; the gh-pages commit "
                        f"names {state.short}, which does not contain them")

    extra = dict(raw.get("extra") or {})
    extra["version"] = extra.get("version") or {"provider": "mike"}
    overrides = {"site_url": version_url(url, version), "extra": extra}
    with tempfile.TemporaryDirectory(prefix="sopsite-publish-") as tmp, \
            contextlib.chdir(base):  # mike runs git in the working directory
        site = Path(tmp, "site")
        deployed = {"site_dir": str(site), "use_directory_urls": True}
        committed = True
        try:
            git_utils.update_from_upstream(remote, branch)
            with mike_commands.deploy(
                deployed, version, None, list(aliases), True,
                mike_commands.AliasType.redirect, None, branch=branch,
            ):
                config = build_variant(config_file, site, overrides, verbose=verbose)
                deployed["use_directory_urls"] = config.use_directory_urls
        except git_utils.GitEmptyCommit:
            committed = False
        except (ValueError, git_utils.GitError) as error:
            raise PublishError(str(error)) from error
        moved = None
        if default:
            moved = aliases[0] if aliases else version
            try:
                mike_commands.set_default(moved, branch=branch)
            except git_utils.GitEmptyCommit:
                moved = None  # the root already redirects there
            except (ValueError, git_utils.GitError) as error:
                raise PublishError(f"cannot point the site's root at {moved}: {error}") \
                    from error
        elif not _has_root_page(branch):
            warnings.append(f"the site's root ({url}) has no page, so its address shows "
                            "nothing; publish with --default to redirect it to this "
                            "publish's first alias, or to its version")
        if push:
            try:
                git_utils.push_branch(remote, branch)
            except git_utils.GitError as error:
                raise PublishError(f"git push {remote} {branch}: {error}") from error
    return Published(version, tuple(aliases), branch, version_url(url, version), committed,
                     push, tuple(warnings), moved)


def _has_root_page(branch: str) -> bool:
    try:
        git_utils.file_mode(branch, "index.html")
    except git_utils.GitError:
        return False
    return True
