"""The lock a new handbook repository installs: sopsite itself, at the version that made it,
and every package it runs on at the version installed here.

`sopsite init` writes it so that the repository works by its own README on any machine,
next year too: no package index has sopsite, so its line names where this copy came from
(the git commit it was installed from, or a wheel copied into the repository), and the
rest are the exact versions this sopsite was tested with, read from the environment it
runs in rather than from a file that only a checkout of sopsite has.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidWheelFilename,
    canonicalize_name,
    parse_wheel_filename,
)

from generator.errors import SopsiteError

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
"""The folder that holds `generator/`: a checkout of sopsite when run from one."""


class LockError(SopsiteError):
    """The sopsite to lock cannot be named (a usage error: exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Source:
    """Where the new repository installs sopsite from."""

    requirement: str
    """The requirement line, e.g. `sopsite @ git+https://…@<commit>`."""
    wheel: Path | None = None
    """A wheel to copy into the repository (`vendor/`), which the line then names."""
    note: str | None = None
    """What the author should know about this source (a local path, uncommitted work)."""


def pinned_dependencies(name: str = "sopsite") -> list[str]:
    """`name==version` for every package ``name`` needs, transitively, as installed here."""
    seen: dict[str, str] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        for text in metadata.distribution(current).requires or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            key = canonicalize_name(requirement.name)
            if key in seen:
                continue
            try:
                dist = metadata.distribution(requirement.name)
            except metadata.PackageNotFoundError:
                continue  # optional on this platform and not installed
            seen[key] = f"{dist.metadata['Name']}=={dist.version}"
            pending.append(requirement.name)
    seen.pop("sopsite", None)
    return sorted(seen.values(), key=str.lower)


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(PACKAGE_ROOT), *args], capture_output=True,
                              text=True, timeout=30, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def detect(given: str | None) -> Source:
    """The source named by ``given`` (a wheel file, or any pip requirement), else the best
    this installation knows: the VCS URL and commit it was installed from, the commit of
    the checkout it runs from, or the released version."""
    if given:
        path = Path(given)
        if given.endswith(".whl"):
            if not path.is_file():
                raise LockError(f"--sopsite: no wheel at {given}; build one with `make wheel` "
                                "in the sopsite repository")
            if not _sopsite_wheel(path.name):
                raise LockError(f"--sopsite: expected a sopsite wheel named as pip builds it, "
                                f"such as 'sopsite-1.0-py3-none-any.whl', found "
                                f"{path.name!r}"[:300])
            return Source(f"./vendor/{path.name}", wheel=path)
        requirement = _sopsite_requirement(given)
        if requirement is None:
            raise LockError(f"--sopsite: expected a wheel file or a requirement for sopsite "
                            f"such as 'sopsite @ git+https://example.org/sopsite@v1.0', found "
                            f"{given!r}"[:300])
        return Source(requirement)
    dist = metadata.distribution("sopsite")
    direct = dist.read_text("direct_url.json")
    if direct:
        info = json.loads(direct)
        vcs = info.get("vcs_info")
        if vcs and vcs.get("commit_id"):
            return Source(f"sopsite @ {vcs['vcs']}+{info['url']}@{vcs['commit_id']}")
    commit = _git("rev-parse", "HEAD") if (PACKAGE_ROOT / ".git").exists() else None
    if commit:
        dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
        note = (f"sopsite is locked to commit {commit[:12]} of the local checkout "
                f"{PACKAGE_ROOT}; before others use this repository, change that line of "
                "requirements.lock to the published sopsite repository's URL (or pass "
                "--sopsite)")
        if dirty:
            note += "; the checkout has uncommitted changes, which the lock does not hold"
        return Source(f"sopsite @ git+{PACKAGE_ROOT.as_uri()}@{commit}", note=note)
    return Source(f"sopsite=={dist.version}",
                  note="sopsite is locked by version; install it from your own package index")


def _sopsite_requirement(given: str) -> str | None:
    """``given`` as one requirement line for sopsite, or None when it is anything else.

    The line goes into requirements.lock as it stands, and pip reads every line of that file
    as an argument list: a line break would add a line of its own (`--index-url http://…`,
    `-e .`), and words after the requirement would be options to it. So the text must be one
    requirement, for sopsite, and what is written is that requirement as packaging reads it.
    """
    if given != given.strip() or any(not ch.isprintable() for ch in given):
        return None
    try:
        requirement = Requirement(given)
    except InvalidRequirement:
        return None
    if canonicalize_name(requirement.name) != "sopsite" or requirement.marker is not None:
        return None
    if not requirement.url and not requirement.specifier:
        return None
    return str(requirement)


def _sopsite_wheel(name: str) -> bool:
    """Whether ``name`` is a wheel's file name, for sopsite: the lock names it as it is."""
    try:
        project = parse_wheel_filename(name)[0]
    except InvalidWheelFilename:
        return False
    return project == "sopsite" and all(ch.isprintable() and not ch.isspace() for ch in name)


def write_lock(target: Path, source: Source) -> list[Path]:
    """`requirements.lock` (and the vendored wheel, if any) in ``target``."""
    written = []
    if source.wheel is not None:
        vendor = target / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.wheel, vendor / source.wheel.name)
        written.append(vendor / source.wheel.name)
    version = metadata.version("sopsite")
    lines = [f"# Exact versions for `make site`: sopsite {version}, the version that made this",
             "# repository, and what it runs on as it was tested.",
             source.requirement, *pinned_dependencies()]
    lock = target / "requirements.lock"
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(lock)
    return written
