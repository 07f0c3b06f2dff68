"""The generated pages as MkDocs files, and the boundary MkDocs' own files must keep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel

from generator.boundary import admit, display_path, read_bounded
from generator.load import MAX_FILE_BYTES
from generator.mkdocs.logo import unsafe_svg
from generator.problems import Problem, Severity
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
    """Hand-written pages and assets that are links out of the project, and SVG images
    that would run script or load from elsewhere when a reader opens them (CONFIG002).

    MkDocs follows links in docs/ and publishes what they point at, as it would a YAML
    source: the same boundary holds (`generator.boundary`). An SVG is published as it is,
    and opened at its own address it is a document of the site's origin, where its scripts
    run; in a pull request's diff it shows as a picture, so a reviewer does not see them.
    """
    prefix = Path(docs_dir).as_posix().rstrip("/") + "/"
    problems = []
    for file in files:
        if not file.abs_src_path or not Path(file.abs_src_path).as_posix().startswith(prefix):
            continue
        path = Path(file.abs_src_path)
        problem = admit(path, display_path(path), project)
        if problem is None and path.suffix.lower() == ".svg":
            problem = _unsafe_image(path)
        if problem is not None:
            problems.append(problem)
    return problems


def _unsafe_image(path: Path) -> Problem | None:
    try:
        data, _ = read_bounded(path, MAX_FILE_BYTES)
        why = (f"it is larger than {MAX_FILE_BYTES:,} bytes, more than sopsite reads"
               if len(data) > MAX_FILE_BYTES else unsafe_svg(data))
    except OSError as error:
        why = f"it cannot be read ({error.strerror or error})"
    if why is None:
        return None
    return Problem(display_path(path), 1, 1, "CONFIG002", Severity.ERROR,
                   f"expected an SVG image that only draws, found that {why}; a reader who "
                   "opens its address would run it or load from elsewhere: export it again "
                   "as plain SVG")
