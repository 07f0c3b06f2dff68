"""Roles and glossary terms: defined once, each in an item of its own, and named by id in
every document that uses them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.fields import (
    BlankMarkdown,
    Language,
    Markdown,
    MarkdownItem,
    Model,
    Name,
    RoleId,
    SlugId,
    TermRef,
    Translated,
)


class RoleName(Model):
    """A role's name in another language."""

    name: Name = Field(description="The role's name as people say it in that language.")


class Role(Model):
    """A role people act in; steps, approvals and ownership refer to it by id."""

    kind: Literal["role"] = Field(description="Always `role`.")
    id: RoleId = Field(description="Stable role id (lower-case, digits, hyphens).",
                     examples=["level-1-technician"])
    name: Name = Field(description="The role's name as people say it.")
    description: BlankMarkdown = Field("", description="What the role is, in a sentence.")
    responsibilities: list[MarkdownItem] = Field(
        default_factory=list, description="What it answers for.")
    permissions: list[MarkdownItem] = Field(default_factory=list,
                                            description="Access rights it holds.")
    can_approve: bool = Field(False, description="People in this role may approve documents "
                              "(sign with `meaning: approval`); anyone may sign a `review`.")
    translations: dict[Translated, RoleName] = Field(
        default_factory=dict, description="Its name in the languages of the documents that "
        "name it, by language: a document with `language: fi` shows the `fi` name.")

    def name_in(self, language: Language) -> str:
        """The name a page in ``language`` shows: its translation, else `name`."""
        return next((t.name for lang, t in self.translations.items() if lang == language),
                    self.name)


class TermText(Model):
    """A glossary term in another language."""

    term: Name = Field(description="The term as written in that language.")
    definition: Markdown = Field(description="What it means here, in that language.")


class Term(Model):
    """A glossary entry."""

    kind: Literal["term"] = Field(description="Always `term`.")
    id: SlugId = Field(description="Stable term id (lower-case, digits, hyphens).",
                     examples=["pre-mortem"])
    term: Name = Field(description="The term as written in text.")
    definition: Markdown = Field(description="What it means here.")
    see_also: list[TermRef] = Field(default_factory=list, description="Related terms.")
    translations: dict[Translated, TermText] = Field(
        default_factory=dict, description="The term and its definition in the languages of "
        "the documents that use it, by language: a training module with `language: fi` "
        "shows the `fi` text.")

    def text_in(self, language: Language) -> Term | TermText:
        """What a page in ``language`` shows (`term` and `definition`): its translation,
        else the entry itself."""
        return next((t for lang, t in self.translations.items() if lang == language), self)

