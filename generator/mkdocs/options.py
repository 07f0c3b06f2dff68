"""The sopsite plugin's options as MkDocs validates them (`plugins: - sopsite:`)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from generator.checks.registry import Settings


class SnapshotConfig(base.Config):
    """What a controlled snapshot (`sopsite bundle`) was made from, shown on its front page."""

    commit = c.Optional(c.Type(str))
    """The abbreviated commit the snapshot was built from."""
    built = c.Optional(c.Type(str))
    """The day (UTC) the snapshot was built, YYYY-MM-DD."""
    as_of = c.Optional(c.Type(str))
    """The day review deadlines and overdue actions were judged against, YYYY-MM-DD."""


class SeverityConfig(base.Config):
    """One level of the incident severity scale."""

    id = c.Type(str)
    """The level's id, as post-mortems write it in `severity` (e.g. `SEV1`)."""
    description = c.Type(str)
    """What the level means, shown beside it on the page."""


class PdfConfig(base.Config):
    """How `sopsite pdf` (and `build --pdf`, `bundle --pdf`) words and lays out its copies."""

    notice = c.Optional(c.Type((str, dict)))
    """The notice in every page's footer, instead of the labels' "Uncontrolled when printed":
    one text for every language, or a mapping of language (`en`, `fi`) to text."""
    paper = c.Choice(("A4", "Letter", "Legal", "A3", "A5"), default="A4")
    """The paper size of the copies."""


class SopsiteConfig(base.Config):
    """Options under `plugins: - sopsite:` in mkdocs.yml; paths are relative to mkdocs.yml."""

    sops = c.Type(str, default="sops")
    """The handbook folder with the YAML sources."""
    cache_dir = c.Type(str, default=".sopsite-cache")
    """Where generated Markdown is written; outside docs/ so it never mixes with hand-written
    pages."""
    build_cache = c.Type(str, default=".sopsite-build-cache")
    """Where what MkDocs made of each page is kept between builds, under a digest of its
    inputs (`generator.mkdocs.buildcache`); safe to delete. Empty: no cache."""
    templates = c.Optional(c.Type(str))
    """A folder of Jinja templates that override the packaged ones by name."""
    mermaid_js = c.Type(str, default="node_modules/mermaid/dist/mermaid.min.js")
    """The local Mermaid build shipped with the site, so diagrams render offline."""
    panzoom_js = c.Optional(c.Type(str))
    """The local Panzoom build (pan, zoom and full screen for diagrams); unset, it is taken
    from the node_modules that holds `mermaid_js`."""
    strict = c.Type(bool, default=False)
    """Fail the build on content warnings too (overdue reviews, missing approvals)."""
    drafts_in_search = c.Type(bool, default=False)
    """Index drafts and documents in review for search. Off by default: readers searching
    for how to do something find approved documents only. Superseded and retired documents
    stay searchable either way (they are the record), each page under its banner."""
    training_coverage = c.Type(float, default=Settings().min_coverage)
    """Share of a document's steps its quiz must cover; below it QUIZ006 warns."""
    snapshot = c.SubConfig(SnapshotConfig)
    """Set by `sopsite bundle` (all three keys): the front page then opens with a "Controlled
    snapshot" note."""
    pdf = c.SubConfig(PdfConfig)
    """Options of the PDF copies (`sopsite pdf`)."""
    brand_colour = c.Optional(c.Type(object))
    """The handbook's own colour, a hex value in quotes (`"#0b6e6e"`): the header, links and
    buttons take it, in the light and the dark scheme (set `theme.palette.primary: custom`
    too). Anything else is refused with CONFIG001; any type is let through here so that
    the refusal says where and what was expected."""
    severities = c.Optional(c.ListOfItems(c.SubConfig(SeverityConfig)))
    """The incident severity scale, most severe first (by default SEV1 to SEV4)."""
