"""Starting points for authors: `sopsite new` (one commented file) and `sopsite init` (a repo).

Each new file is rendered from a commented template in `generator/templates/new/` and is
checked before it is written: a starting point that fails `sopsite check` would teach the
wrong lesson on day one. Nothing is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import escape

from generator.boundary import check_output, project_root, windows_device
from generator.checks.ids import (
    DOC_ID,
    SLUG_ID,
    long_id_message,
    too_long,
    windows_message,
)
from generator.commands.lockfile import Source, detect, write_lock
from generator.errors import SopsiteError
from generator.load import load_text
from generator.load.handbook import load_handbook
from generator.mkdocs import brand
from generator.mkdocs.logo import unsafe_svg
from generator.model import Process, Sop
from generator.model.handbook import Handbook
from generator.model.incidents import DEFAULT_SEVERITIES, SeverityLevel
from generator.model.schema import schemas
from generator.model.validate import validate_item
from generator.render.text import plain

FOLDERS = {"sop": "sops", "process": "processes", "retro": "retros",
           "postmortem": "postmortems", "role": "roles", "term": "glossary"}
"""Where each kind of new file goes under the handbook folder."""

TITLE_KEYS = {"role": "name", "term": "term"}
"""The key that `--title` fills, where it is not `title`."""

STARTER = Path(__file__).parent.parent / "starter"
RENAMED = {"gitignore": ".gitignore", "vscode-settings.json": ".vscode/settings.json",
           "pre-commit-config.yaml": ".pre-commit-config.yaml",
           "workflows/handbook.yml": ".github/workflows/handbook.yml",
           "workflows/handbook-comment.yml": ".github/workflows/handbook-comment.yml"}


class ScaffoldError(SopsiteError):
    """The file or repository cannot be created; the message says why and what to do.

    What was asked for cannot be made (an id that is taken, a folder that is not empty): a
    usage error.
    """

    usage = True


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("generator", "templates/new"),
                      undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["yaml"] = yaml_scalar
    return env


def yaml_scalar(value: object) -> str:
    """``value`` as one double-quoted YAML scalar on one line, written by PyYAML's emitter.

    Text from the command line reaches the file only through this: a line break, a quote,
    a `#` or a control character is escaped, so a title can never add a key (`x\nowner: y`)
    and loads back exactly as given. The templates keep it out of comments for the same
    reason.
    """
    return yaml.safe_dump(str(value), allow_unicode=True, default_style='"',
                          width=float("inf")).rstrip("\n")


def _check_id(kind: str, item_id: str) -> None:
    noun = kind if kind in ("role", "term") else "document"
    if too_long(item_id):
        raise ScaffoldError(long_id_message(noun, item_id))
    if kind != "term" and windows_device(item_id):
        raise ScaffoldError(windows_message(noun, item_id))
    if kind in ("role", "term"):
        if not SLUG_ID.match(item_id):
            suggestion = re.sub(r"[^a-z0-9]+", "-", item_id.lower()).strip("-")
            raise ScaffoldError(f"a {kind} id is lower-case letters, digits and hyphens; "
                                f"found {item_id!r}, e.g. {suggestion!r}")
    elif not DOC_ID.match(item_id):
        suggestion = re.sub(r"[^A-Z0-9]+", "-", item_id.upper()).strip("-")
        raise ScaffoldError(f"a document id is upper-case letters, digits and hyphens; found "
                            f"{item_id!r}, e.g. {suggestion!r}")


def _taken(handbook: Handbook, kind: str, item_id: str) -> bool:
    if kind == "role":
        return item_id in handbook.role_index
    if kind == "term":
        return item_id in handbook.term_index
    return item_id in handbook.document_index


def new_file(root: Path, kind: str, item_id: str, title: str, *, owner: str | None = None,
             author: str = "Your Name", today: dt.date | None = None,
             severities: tuple[SeverityLevel, ...] = DEFAULT_SEVERITIES) -> Path:
    """Write a new, valid, commented file for ``kind`` under the handbook ``root``."""
    _check_id(kind, item_id)
    if not title.strip():
        raise ScaffoldError(f"expected a --title with some text, found {title!r}")
    handbook, _ = load_handbook(root)
    if _taken(handbook, kind, item_id):
        raise ScaffoldError(f"{item_id} already exists in {root}; choose another id")
    target = root / FOLDERS[kind] / f"{item_id}.yml"
    if target.exists():
        raise ScaffoldError(f"{target} already exists; sopsite never overwrites a file")
    day = today or dt.date.today()
    roles = sorted(handbook.role_index)
    context: dict[str, object] = {"id": item_id, "title": title, "today": day.isoformat(),
                                  "author": author}
    if kind in ("sop", "process", "retro", "postmortem"):
        if owner is None:
            if not roles:
                raise ScaffoldError("the handbook has no roles yet; create one first: "
                                    'sopsite new role team-lead --title "Team Lead"')
            owner = roles[0]
        elif owner not in handbook.role_index:
            raise ScaffoldError(f"unknown role {owner!r}; roles: {', '.join(roles) or 'none'}")
        context["owner"] = owner
    if kind == "retro":
        subjects = sorted((d for d in handbook.document_index.values()
                           if isinstance(d, Sop | Process)), key=lambda d: d.id)
        if not subjects:
            raise ScaffoldError("a retrospective reviews an SOP or a process; create one first")
        context.update(subject=subjects[0].id, subject_version=subjects[0].version,
                       due=(day + dt.timedelta(days=30)).isoformat())
    if kind == "postmortem":
        levels = [level.id for level in severities]
        context.update(severity=levels[-1], scale=", ".join(levels),
                       started=f"{day.isoformat()}T09:00:00+00:00")
    schema = (root.resolve().parent / "schemas" / f"{kind}.schema.json")
    context["schema"] = Path(os.path.relpath(schema, target.parent.resolve())).as_posix()
    text = _environment().get_template(f"{kind}.yml.j2").render(**context)
    _validate(text, target, TITLE_KEYS.get(kind, "title"), title)
    unsafe = check_output(target.parent, project_root(root), "folder")
    if unsafe is not None:
        raise ScaffoldError(unsafe)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return target


def _validate(text: str, target: Path, key: str, title: str) -> None:
    """The template's output must load, validate and hold the title exactly as given; a
    failure here is a sopsite bug."""
    loaded = load_text(text, str(target))
    problems = list(loaded.problems)
    for raw in loaded.items:
        problems += validate_item(raw, in_list=False)[1]
    if problems or not loaded.items:
        raise ScaffoldError("internal error: the starting file does not validate: "
                            + "; ".join(p.format() for p in problems))
    if loaded.items[0].data.get(key) != title:
        raise ScaffoldError(f"internal error: the starting file reads {key} as "
                            f"{loaded.items[0].data.get(key)!r}, not {title!r}")


LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
"""The image types a logo may be: what browsers show in a header and a tab."""

MAX_LOGO_BYTES = 1024 * 1024
"""A logo is on every page; a larger file is a mistake (a photo, not a mark)."""


@dataclass(frozen=True)
class Identity:
    """What `sopsite init --name --logo --colour --footer` writes into the new mkdocs.yml."""

    name: str = "Handbook"
    logo: Path | None = None
    colour: str | None = None
    footer: str | None = None
    site_url: str = "http://127.0.0.1:8000/"

    def checked(self) -> Identity:
        """These values as the new repository takes them, or a ScaffoldError saying what is
        expected; checked before anything is written, so a refusal leaves no folder behind."""
        if not self.name.strip() or any(ord(ch) < 32 for ch in self.name):
            raise ScaffoldError(f"expected --name as one line of text, found {self.name!r}")
        if self.colour is not None and brand.parse(self.colour) is None:
            raise ScaffoldError(f"expected --colour as a hex colour, '#' and 6 (or 3) hex "
                                f"digits such as \"#0b6e6e\", found {self.colour!r}")
        if not re.fullmatch(r"https?://[^\s\"'<>\\]+/", self.site_url):
            raise ScaffoldError(f"expected --site-url as an http(s) address ending in '/', such "
                                f"as \"https://handbook.example.org/\", found {self.site_url!r}")
        if self.footer is not None and not self.footer.strip():
            raise ScaffoldError(f"expected --footer with some text, found {self.footer!r}")
        if self.logo is not None:
            if self.logo.suffix.lower() not in LOGO_TYPES:
                raise ScaffoldError(f"expected --logo as an image file ({', '.join(LOGO_TYPES)})"
                                    f", found {self.logo.name!r}")
            if not self.logo.is_file():
                raise ScaffoldError(f"expected --logo as an image file, found no file at "
                                    f"{self.logo}")
            size = self.logo.stat().st_size
            if size > MAX_LOGO_BYTES:
                raise ScaffoldError(f"expected --logo of at most {MAX_LOGO_BYTES:,} bytes, "
                                    f"found {size:,}")
            unsafe = (unsafe_svg(self.logo.read_bytes())
                      if self.logo.suffix.lower() == ".svg" else None)
            if unsafe is not None:
                raise ScaffoldError(f"expected --logo as an SVG that only draws: {unsafe}; "
                                    "a reader who opens the logo's address would run it. "
                                    "Export the mark again as plain SVG")
        return self

    @property
    def logo_uri(self) -> str | None:
        """Where the logo lands in the new docs/ (and so in the site)."""
        return f"assets/logo{self.logo.suffix.lower()}" if self.logo else None


def starter_config(identity: Identity) -> str:
    """The new repository's mkdocs.yml with ``identity`` in it.

    The name is text (the plugin escapes it for the page); the footer is HTML to Material,
    so it is escaped here and shows exactly as typed. Every value is one YAML scalar
    (`yaml_scalar`), so none can add a key.
    """
    footer = str(escape(identity.footer)) if identity.footer else None
    text = _environment().get_template("mkdocs.yml.j2").render(
        name=identity.name, logo=identity.logo_uri, colour=identity.colour, footer=footer,
        site_url=identity.site_url)
    loaded = yaml.load(text, Loader=_ConfigLoader)  # a SafeLoader: tags are ignored, not run
    if loaded.get("site_name") != identity.name or loaded.get("copyright") != footer:
        raise ScaffoldError("internal error: the starting mkdocs.yml does not read back the "
                            "name and footer as given")
    return text


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml holds `!!python/name:` tags; reading it back must not need them."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/",
                                    lambda loader, suffix, node: None)


def macro_text(value: str) -> str:
    """``value`` as one line of Markdown text in a page that mkdocs-macros renders.

    `plain` escapes `{`, `}` and `#` with backslashes, which keeps `{{` and `{#` apart, but
    not `%`: `{%` would stay a Jinja tag's opener, and the page (so the build) would fail.
    Its `%` is written as the entity `&#37;`, which Markdown passes on and a browser shows
    as `%`.
    """
    return str(plain(value)).replace("{%", "{&#37;")


def init(target: Path, identity: Identity | None = None,
         sopsite: Source | None = None) -> list[Path]:
    """A new handbook repository in ``target`` that builds at once and works by its own
    README (``sopsite``: where it installs sopsite from; by default, where this one came
    from); returns the files written."""
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} is not empty; sopsite init only fills a new folder")
    identity = (identity or Identity()).checked()
    sopsite = sopsite or detect(None)
    config = starter_config(identity)
    written = []
    for source in sorted(STARTER.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(STARTER).as_posix()
        destination = target / RENAMED.get(relative, relative)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)  # follows links: the files, not the links
        written.append(destination)
    written.append(target / "mkdocs.yml")
    written[-1].write_text(config, encoding="utf-8")
    index = target / "docs" / "index.md"
    # The front page's heading is the handbook's name, as Markdown text that mkdocs-macros
    # (which renders every hand-written page as a Jinja template) also reads as text.
    index.write_text(index.read_text("utf-8").replace("# Handbook\n",
                                                      f"# {macro_text(identity.name)}\n", 1),
                     encoding="utf-8")
    if identity.logo is not None and identity.logo_uri is not None:
        logo = target / "docs" / identity.logo_uri
        logo.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(identity.logo, logo)
        written.append(logo)
    readme = target / "README.md"
    readme.write_text(readme.read_text("utf-8").replace("# Handbook\n",
                                                        f"# {plain(identity.name)}\n", 1),
                      encoding="utf-8")
    for name, text in schemas().items():
        path = target / "schemas" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    written += write_lock(target, sopsite)
    return written
