"""What points out of the handbook: where a document came from, links to the web, files
kept beside the YAML, and the people to call.

Each of these leaves the reviewed text in some way (a browser follows a URL, a file is
copied into the site, a phone number is dialled), so the model only shapes them; the rules
in `generator.checks.outside` judge the values and say where one is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from generator.model.fields import (
    Date,
    Duration,
    Model,
    Name,
    RoleRef,
    Text,
    given,
    pattern_schema,
)
from generator.problems import quote

if TYPE_CHECKING:
    from generator.model.content import AnyDocument

ContactRef = Text
"""The id of a contact in the same document's `contacts`."""


def _any_case(word: str) -> str:
    """``word`` in any case, for the schema (ECMA-262 patterns have no inline flags)."""
    return "".join(f"[{ch.upper()}{ch.lower()}]" if ch.isalpha() else re.escape(ch)
                   for ch in word)


_URL_CHAR = r"[^\s\x00-\x1f\x7f\x85]"
_WEB = (_any_case("http") + "[Ss]?" + rf"://[^/?#@\s\x00-\x1f\x7f\x85]+"
        rf"(?:[/?#]{_URL_CHAR}*)?")
_MAIL = _any_case("mailto") + rf":(?!/)[^@\s\x00-\x1f\x7f\x85]*@{_URL_CHAR}*"
LINK_URL_SCHEMA = pattern_schema(f"{_WEB}|{_MAIL}", "expected an absolute address starting "
                                 "with http://, https:// or mailto:, without spaces")
"""`url_problem` with `LINK_SCHEMES` (rule LINK001) as the schema's pattern."""
SOURCE_URL_SCHEMA = pattern_schema(_WEB, "expected an absolute address starting with "
                                   "http:// or https://, without spaces")
"""`url_problem` with `SOURCE_SCHEMES` (LINK001 on a source) as the schema's pattern."""
COMMIT_TEXT = r"[0-9a-f]{7,40}"
COMMIT = re.compile(COMMIT_TEXT)
"""A commit id (rule SOURCE002)."""
_SEGMENT_TEXT = r"[A-Za-z0-9][A-Za-z0-9._-]*"
PATH_SCHEMA = pattern_schema(rf"{_SEGMENT_TEXT}(?:/{_SEGMENT_TEXT})*", "expected a path "
                             "relative to the handbook folder such as 'files/diagram.png', "
                             "each part letters, digits, '.', '_' or '-' (not starting with "
                             "'.')")
"""`path_problem` (rule ATTACH001) as the schema's pattern."""
IMAGES = frozenset({"png", "jpg", "jpeg", "gif", "webp"})
"""Attachment types shown in the page (with their alt text); the others are download links."""
IMAGE_ALT: JsonDict = {
    "if": {"required": ["path"], "properties": {"path": {"type": "string", "pattern": (
        r"\.(?:" + "|".join(_any_case(ext) for ext in sorted(IMAGES)) + ")$")}}},
    "then": given("alt"),
}
"""Rule ATTACH005 as a schema: an image attachment has its alt text."""


class Source(Model):
    """Where a document came from, so a reader can compare it with the original."""

    model_config = ConfigDict(json_schema_extra={
        "anyOf": [given("url"), given("commit"), given("citation")]})

    url: Text | None = Field(None, description="The original's address (http or https).",
                             examples=["https://example.org/runbooks/restart.html"],
                             json_schema_extra=SOURCE_URL_SCHEMA)
    commit: Text | None = Field(None, description="The commit of the original's repository "
                                "it was taken from (7 to 40 hexadecimal digits).",
                                examples=["4f2a9c1"], json_schema_extra=pattern_schema(
                                    COMMIT_TEXT, "expected a commit id of 7 to 40 lower-case "
                                    "hexadecimal digits"))
    citation: Text | None = Field(None, description="A citation of the original in plain "
                                  "text: author, title, edition, date.")
    imported: Date | None = Field(None, description="The day it was brought into the "
                                  "handbook (YYYY-MM-DD); an `imported` document's review "
                                  "clock starts here.")

    @model_validator(mode="after")
    def _says_where(self) -> Source:
        if self.url is None and self.commit is None and self.citation is None:
            raise ValueError("a source names the original: give url, commit or citation "
                             "(or several)")
        return self


class Link(Model):
    """A link to a page outside the handbook: a dashboard, a ticket, a vendor's manual."""

    title: Name = Field(description="What the link leads to, as the reader sees it.")
    url: Text = Field(description="The address: http, https or mailto only.",
                      examples=["https://status.example.org", "mailto:ops@example.org"],
                      json_schema_extra=LINK_URL_SCHEMA)


class Attachment(Model):
    """A file kept under the handbook folder and copied into the site: a manual, a
    screenshot, a wiring diagram. Images are shown in the page, other files linked."""

    model_config = ConfigDict(json_schema_extra=IMAGE_ALT)

    path: Text = Field(description="Where the file is, relative to the handbook folder "
                       "(`sops/`), with '/' between folders; no '..', no absolute path.",
                       examples=["files/ci-pipeline.png"], json_schema_extra=PATH_SCHEMA)
    title: Name = Field(description="What the file is, as the reader sees it.")
    alt: Text | None = Field(None, description="For an image: what it shows, for readers "
                             "who cannot see it (required for images).")


class Escalation(Model):
    """Who to turn to when a contact does not answer in time."""

    after: Duration = Field(description="How long to wait for an answer, e.g. `15m`.")
    next: ContactRef = Field(description="The contact (by id) to call next.")


class Contact(Model):
    """Someone to call, or the role that answers, and when to escalate."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [given("name"), given("role")]})

    id: Text = Field(description="Stable contact id, unique in the document; steps and "
                     "escalations name it.", examples=["on-call"])
    name: Name | None = Field(None, description="Who to reach (a person, a desk or a service).")
    role: RoleRef | None = Field(None, description="The role that answers, when it is a role.")
    phone: Text | None = Field(None, description="The number to call, e.g. `+358 40 123 4567`.")
    hours: Text | None = Field(None, description="When they can be reached, e.g. `24/7`.")
    channel: Text | None = Field(None, description="Another way to reach them: a chat "
                                 "channel, an address.")
    escalation: Escalation | None = Field(None, description="Who to call when there is no "
                                          "answer in time.")

    @model_validator(mode="after")
    def _names_someone(self) -> Contact:
        if self.name is None and self.role is None:
            raise ValueError("a contact names someone: give name or role (or both)")
        return self


LINK_SCHEMES = ("http", "https", "mailto")
"""What a link may lead to: a page on the web or an e-mail. `javascript:` and `data:` run
in the reader's browser, `file:` reads the reader's disk, and a relative address would
lead into the site where a generated page may later stand."""
SOURCE_SCHEMES = ("http", "https")
"""Where an original may be: a page on the web."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = re.compile(r"//[^/?#@\s]+(?:[/?#]|$)")
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def url_problem(url: str, schemes: tuple[str, ...] = LINK_SCHEMES) -> str | None:
    """Why ``url`` may not be put in front of a reader, or None when it may.

    Browsers ignore spaces, tabs and line breaks inside a scheme and read it in any case
    (`JavaScript:`, `java\\tscript:`), so any white space or control character is refused
    outright, and the scheme compared in lower case.
    """
    choices = ", ".join(schemes)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return (f"expected an address without spaces or control characters ({choices}), "
                f"found {quote(url)}")
    match = _SCHEME.match(url)
    if match is None:
        return (f"expected an absolute address starting with {_starts(schemes)}, found "
                f"{quote(url)}; relative and scheme-less addresses are not allowed")
    scheme = match.group(1).lower()
    if scheme not in schemes:
        return (f"expected an address starting with {_starts(schemes)}, found the scheme "
                f"{quote(match.group(1) + ':')} in {quote(url)}")
    rest = url[match.end():]
    if scheme == "mailto":
        if "@" not in rest or rest.startswith("/"):
            return f"expected mailto:name@example.org, found {quote(url)}"
    elif _HOST.match(rest) is None:
        return f"expected {scheme}://host/..., found {quote(url)}"
    return None


def _starts(schemes: tuple[str, ...]) -> str:
    shown = [f"{s}://" if s != "mailto" else "mailto:" for s in schemes]
    return ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else shown[0]


def path_problem(path: str) -> str | None:
    """Why ``path`` cannot name a file under the handbook folder, or None when it can.

    Each folder and the file name are plain names (letters, digits, '.', '_', '-', not
    starting with a dot): no '..', no absolute path, no backslash, and nothing that could
    end an HTML attribute or a Markdown link when the address is written into a page.
    """
    expected = ("expected a path relative to the handbook folder such as "
                "'files/diagram.png', each part letters, digits, '.', '_' or '-' (not "
                "starting with '.')")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return f"{expected}; found the absolute path {quote(path)}"
    parts = path.split("/")
    if ".." in parts:
        return f"{expected}; found {quote(path)}, which climbs out with '..'"
    if any(_SEGMENT.fullmatch(part) is None for part in parts):
        return f"{expected}; found {quote(path)}"
    return None


def links_of(doc: AnyDocument) -> Iterator[tuple[tuple[str | int, ...], Link]]:
    """Every link of a document and of its steps, with its location."""
    for i, link in enumerate(doc.links):
        yield ("links", i), link
    for s, step in enumerate(getattr(doc, "steps", [])):
        for i, link in enumerate(step.links):
            yield ("steps", s, "links", i), link


def attachments_of(doc: AnyDocument) -> Iterator[tuple[tuple[str | int, ...], Attachment]]:
    """Every attachment of a document and of its steps, with its location."""
    for i, attachment in enumerate(doc.attachments):
        yield ("attachments", i), attachment
    for s, step in enumerate(getattr(doc, "steps", [])):
        for i, attachment in enumerate(step.attachments):
            yield ("steps", s, "attachments", i), attachment
