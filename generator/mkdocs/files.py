"""The generated pages as MkDocs files, and the boundary MkDocs' own files must keep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel

from generator.boundary import admit, display_path
from generator.problems import Problem
from generator.render.pages import Site


def register(site: Site, files: Files, config: Any, cache: Path) -> list[str]:
    """Add the generated pages (written under ``cache``) and the attachments to ``files``;
    the hand-written files a generated one would replace, which are left alone and
    refused."""
    clashes = [uri for uri in site.pages if uri in files.src_uris]
    if clashes:
        return clashes
    clashes = [uri for uri in site.files if uri in files.src_uris]
    if clashes:
        return clashes
    for uri in site.pages:
        inclusion = (InclusionLevel.NOT_IN_NAV if uri in site.unlisted
                     else InclusionLevel.INCLUDED)
        files.append(File.generated(config, uri, abs_src_path=str(cache / uri),
                                    inclusion=inclusion))
    # Attachments are copied as they are from the handbook folder (judged by
    # `generator.attachments` before the build got here).
    for uri, source in site.files.items():
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return []


def refused_docs(files: Files, docs_dir: str, project: Path) -> list[Problem]:
    """Hand-written pages and assets that are links out of the project.

    MkDocs follows links in docs/ and publishes what they point at, as it would a YAML
    source: the same boundary holds (`generator.boundary`).
    """
    prefix = Path(docs_dir).as_posix().rstrip("/") + "/"
    return [problem for file in files
            if file.abs_src_path and Path(file.abs_src_path).as_posix().startswith(prefix)
            and (problem := admit(Path(file.abs_src_path),
                                  display_path(Path(file.abs_src_path)), project))]
