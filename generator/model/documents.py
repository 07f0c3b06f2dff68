"""The controlled documents: SOPs, processes and retrospectives, and what only they hold."""

from __future__ import annotations

import datetime as dt
import typing
from functools import cached_property
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic.config import JsonDict, JsonValue

from generator.model import due
from generator.model.fields import (
    BlankMarkdown,
    Date,
    DocId,
    DocRef,
    Language,
    Markdown,
    MarkdownItem,
    Model,
    Name,
    RoleRef,
    SlugId,
    Status,
    TermRef,
    Text,
    Version,
    given,
)
from generator.model.outside import Attachment, Contact, Link, Source
from generator.model.parts import (
    Approval,
    Change,
    Controls,
    Metric,
    Step,
    StepGroup,
    Training,
    Trouble,
)

if typing.TYPE_CHECKING:
    from generator.model.graph import StepGraph


IMPORTED_SOURCE: JsonDict = {
    "if": {"required": ["status"], "properties": {"status": {"const": "imported"}}},
    "then": {**given("source"), "properties": {"source": given("imported")}},
}
"""Rule SOURCE001 as a schema: an `imported` document has a source with its import day."""

MAX_STEPS = 500
"""Steps of one document at most: a few times the longest real procedures, whose pages
(a heading, a table-of-contents entry and a checklist line per step) then stay within
twice the build cost of an ordinary page of their size."""


class Document(Model):
    """Fields shared by every controlled document (SOP, process, retrospective)."""

    model_config = ConfigDict(json_schema_extra={"allOf": [IMPORTED_SOURCE]})

    id: DocId = Field(description="Stable document id: upper-case letters, digits, hyphens. "
                     "The page address derives from it and never changes.",
                     examples=["SOP-IT-004"])
    title: Name = Field(description="The document title.")
    version: Version = Field(description='"MAJOR.MINOR" in quotes. A major bump means people '
                             "must retrain; a minor one is editorial.")
    status: Status = Field(description="Where the document is in its life cycle.")
    owner: RoleRef = Field(description="The role accountable for keeping it right.")
    effective: Date = Field(description="The day this version takes effect (YYYY-MM-DD).")
    review_every: int = Field(ge=1, le=60, description="Review cycle in months (1-60).")
    language: Language = Field("en", description="Language of the text and of the page labels.")
    tags: list[Text] = Field(default_factory=list, description="Free tags for the tag index.")
    terms: list[TermRef] = Field(default_factory=list, description="Glossary terms it uses.")
    related: list[DocRef] = Field(default_factory=list, description="Related documents.")
    supersedes: list[DocRef] = Field(
        default_factory=list, description="Documents this one replaces."
    )
    approvals: list[Approval] = Field(
        default_factory=list, description="Reviews and approvals, each naming the version it "
        "signs; an effective document needs an `approval` of its current version."
    )
    changes: list[Change] = Field(default_factory=list, description="Change history, newest "
                                  "first or last.")
    source: Source | None = Field(None, description="Where the document came from: the "
                                  "original's URL, commit or citation, and the day it was "
                                  "imported. Required when `status` is `imported`.")
    links: list[Link] = Field(default_factory=list, description="Pages outside the handbook "
                              "the document refers to (http, https or mailto).")
    attachments: list[Attachment] = Field(default_factory=list, description="Files under the "
                                          "handbook folder shown or linked on the page.")
    contacts: list[Contact] = Field(default_factory=list, description="Whom to call, with "
                                    "hours, channel and escalation; shown at the top of the "
                                    "page.")

    def approves_current(self, approval: Approval) -> bool:
        """Whether ``approval`` is an `approval` of the version the document is at."""
        return approval.meaning == "approval" and approval.version == self.version

    @property
    def change_entry(self) -> Change | None:
        """The `changes` entry the author wrote for the current version, if any."""
        return next((c for c in self.changes if c.version == self.version), None)

    @property
    def next_review(self) -> dt.date | None:
        """The day the document is due for review: `review_every` months after the review
        clock started (`generator.model.due.review_start`); None for a record (a retrospective
        or a post-mortem), which is never due."""
        if self.review_every is None or getattr(self, "kind", None) in due.RECORD_KINDS:
            return None
        return due.months_after(due.review_start(self), self.review_every)


StepGroups = Annotated[list[StepGroup], Field(
    default_factory=list,
    description="Titled phases of the steps; each step names its phase in `group`.")]
ImmediateActions = Annotated[list[MarkdownItem], Field(
    default_factory=list, description="What to do at once, before reading on, e.g. call the "
    "emergency number; shown first on the page and on the printed checklist.")]
Troubleshooting = Annotated[list[Trouble], Field(
    default_factory=list, description="Symptoms and what to do about each.")]
"""The structure SOPs and processes share alike, declared once."""


class RoleInvolvement(Model):
    """A role's part in an SOP, for its RACI table."""

    role: RoleRef = Field(description="The role.")
    raci: Literal["responsible", "accountable", "consulted", "informed"] = Field(
        description="Responsible, accountable, consulted or informed."
    )
    duties: BlankMarkdown = Field("", description="What the role does in this procedure.")


class Sop(Document):
    """A standard operating procedure: how one task is done, step by step."""

    kind: Literal["sop"] = Field(description="Always `sop`.")
    purpose: Markdown = Field(description="Why the procedure exists.")
    scope: Markdown = Field(description="Where it applies and where it does not.")
    roles: list[RoleInvolvement] = Field(min_length=1, description="Roles involved.")
    prerequisites: list[MarkdownItem] = Field(default_factory=list, description="What must be true "
                                      "before starting.")
    permissions: list[MarkdownItem] = Field(default_factory=list,
                                            description="Access rights needed.")
    inputs: list[MarkdownItem] = Field(
        default_factory=list, description="What the procedure consumes.")
    outputs: list[MarkdownItem] = Field(default_factory=list, description="What it produces.")
    steps: list[Step] = Field(min_length=1, description="The steps and their paths.",
                              json_schema_extra={"maxItems": MAX_STEPS})
    controls: Controls = Field(default_factory=Controls, description="Audits, monitoring, "
                               "adaptation.")
    metrics: list[Metric] = Field(default_factory=list, description="How success is measured.")
    training: Training | None = Field(None, description="The training module: objectives, "
                                      "audience, time and a self-assessment.")

    groups: StepGroups
    immediate_actions: ImmediateActions
    troubleshooting: Troubleshooting

    @cached_property
    def graph(self) -> StepGraph:
        """The step graph, worked out once for as long as this model is in use."""
        from generator.model.graph import StepGraph

        return StepGraph(self.steps, self.groups)


class Stakeholder(Model):
    """Someone with a stake in a process, and what they care about."""

    role: RoleRef = Field(description="The role.")
    interest: Markdown = Field(description="What they need from the process.")


RiskLevel = Literal["low", "medium", "significant", "high"]
"""The level of a scored risk, from its score (`risk_level`)."""

RISK_LEVELS: tuple[tuple[int, RiskLevel], ...] = (
    (4, "low"), (9, "medium"), (14, "significant"), (25, "high"))
"""The highest score of each level, lowest level first, on the 1-5 x 1-5 scales of `Risk`:
the usual five-by-five matrix bands, so a likelihood of 5 with an impact of 3 (15) is high."""


def risk_level(likelihood: int, impact: int) -> RiskLevel:
    """The level of a risk scored ``likelihood`` x ``impact`` (each 1 to 5).

    One function for the risks table, the heat map and its legend, so a cell and a row
    never disagree; a value off the scales is an error, not a guess.
    """
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValueError(f"Expected likelihood and impact from 1 to 5 but received "
                         f"{likelihood} and {impact}")
    score = likelihood * impact
    return next(level for top, level in RISK_LEVELS if score <= top)


HIGH_RISK = 15
"""Likelihood x impact at or above this is a high risk (a 5x5 matrix's top band)."""


def _risk_rules() -> JsonDict:
    """`_both_or_neither` and rule RISK001 as a schema, built anew for the one model."""
    handled: JsonDict = {"allOf": [given("mitigation"), given("owner")]}
    scores = range(1, 6)
    high: list[JsonValue] = [
        {"properties": {"likelihood": {"const": likelihood}, "impact": {"const": impact}}}
        for likelihood in scores for impact in scores if likelihood * impact >= HIGH_RISK]
    return {"allOf": [
        # `_both_or_neither`: likelihood and impact come together.
        {"if": given("likelihood"), "then": given("impact")},
        {"if": given("impact"), "then": given("likelihood")},
        # Rule RISK001: an unscored or a high risk has a mitigation and an owner.
        {"if": {"not": given("likelihood")}, "then": handled},
        {"if": {"allOf": [given("likelihood"), given("impact"), {"anyOf": high}]},
         "then": handled},
    ]}


class Risk(Model):
    """A pre-mortem entry: imagine the rollout failed, and say why."""

    model_config = ConfigDict(json_schema_extra=_risk_rules())

    id: SlugId = Field(description="Stable risk id (lower-case, digits, hyphens).")
    description: Markdown = Field(description="What could go wrong.")
    likelihood: int | None = Field(None, ge=1, le=5, description="1 (rare) to 5 (almost "
                                   "certain); leave out with `impact` for a risk not scored.")
    impact: int | None = Field(None, ge=1, le=5, description="1 (minor) to 5 (severe); leave "
                               "out with `likelihood` for a risk not scored.")
    mitigation: Markdown | None = Field(None, description="What is done to prevent or soften "
                                        "it.")
    owner: RoleRef | None = Field(None, description="The role that watches this risk.")

    @model_validator(mode="after")
    def _both_or_neither(self) -> Risk:
        if (self.likelihood is None) != (self.impact is None):
            given, missing = (("likelihood", "impact") if self.impact is None
                              else ("impact", "likelihood"))
            raise ValueError(f"a risk is scored with both likelihood and impact, or left "
                             f"unscored with neither; found {given} without {missing}")
        return self

    @property
    def score(self) -> int | None:
        """Likelihood x impact, or None for a risk nobody scored (never read as low)."""
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    @property
    def level(self) -> RiskLevel | None:
        """`risk_level` of the risk, or None for a risk nobody scored (never read as low)."""
        if self.likelihood is None or self.impact is None:
            return None
        return risk_level(self.likelihood, self.impact)


PhaseName = Literal[
    "align-stakeholders",
    "instructions-and-permissions",
    "run",
    "track-and-control",
    "post-mortem",
    "iterate",
]


PHASE_ORDER: tuple[str, ...] = typing.get_args(PhaseName)
"""The rollout phases in the order they happen."""


class Phase(Model):
    """One phase of a rollout plan."""

    phase: PhaseName = Field(description="Which rollout phase this is.")
    activities: list[MarkdownItem] = Field(min_length=1, description="What happens in the phase.")
    owner: RoleRef = Field(description="The role leading the phase.")
    start: Date | None = Field(None, description="Planned start (YYYY-MM-DD).")
    end: Date | None = Field(None, description="Planned end (YYYY-MM-DD).")
    exit_criteria: list[MarkdownItem] = Field(
        default_factory=list, description="What must be true to leave the phase."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.start and self.end and self.end < self.start:
            raise ValueError(
                f"expected the end ({self.end}) on or after the start ({self.start})"
            )
        return self


class Process(Document):
    """A process: how a goal is reached, from objective to operations, and how it rolls out."""

    kind: Literal["process"] = Field(description="Always `process`.")
    type: Literal["linear", "repetitive", "adaptive"] = Field(
        description="Linear (fixed order), repetitive (runs in cycles) or adaptive (changes "
        "with circumstances)."
    )
    level: Literal["strategic", "tactical", "operational"] = Field(
        description="Strategic (direction), tactical (plans) or operational (daily work)."
    )
    objective: Markdown = Field(description="The measurable result the process exists for.")
    strategy: Markdown = Field(description="The overall approach to reach the objective.")
    tactics: list[MarkdownItem] = Field(
        default_factory=list, description="Concrete plans that carry out the strategy.")
    operations: list[MarkdownItem] = Field(
        default_factory=list, description="Day-to-day activities.")
    inputs: list[MarkdownItem] = Field(
        default_factory=list, description="What the process consumes.")
    outputs: list[MarkdownItem] = Field(default_factory=list, description="What it produces.")
    stakeholders: list[Stakeholder] = Field(default_factory=list, description="Who has a stake.")
    steps: list[Step] = Field(min_length=1, description="The steps and paths; a step may link "
                              "an SOP.", json_schema_extra={"maxItems": MAX_STEPS})
    premortem: list[Risk] = Field(default_factory=list, description="Risks found by imagining "
                                  "failure in advance.")
    rollout: list[Phase] = Field(default_factory=list, description="The rollout plan.")
    controls: Controls = Field(default_factory=Controls, description="Audits, monitoring, "
                               "adaptation.")
    metrics: list[Metric] = Field(default_factory=list, description="Vital metrics.")
    sops: list[DocRef] = Field(default_factory=list, description="SOPs that carry out the "
                               "process.")
    training: Training | None = Field(None, description="The training module: objectives, "
                                      "audience, time and a self-assessment.")

    groups: StepGroups
    immediate_actions: ImmediateActions
    troubleshooting: Troubleshooting

    @cached_property
    def graph(self) -> StepGraph:
        """The step graph, worked out once for as long as this model is in use."""
        from generator.model.graph import StepGraph

        return StepGraph(self.steps, self.groups)


class Subject(Model):
    """The document revision a retrospective looked back on."""

    document: DocRef = Field(description="The process or SOP reviewed.")
    version: Version = Field(description="The version that was in force.")


class Observation(Model):
    """A metric as it was observed, against its target."""

    name: Name = Field(description="The metric's name.")
    target: float | None = Field(None, description="What was aimed for; none when there was "
                                 "no target (the figure is shown without Met or Missed).")
    observed: float = Field(description="What was measured.")
    unit: Text = Field(description="The unit of both figures.")
    better: Literal["higher", "lower"] = Field("higher", description="Which direction is good.")


class ActionItem(Model):
    """Something a retrospective decided to do."""

    id: SlugId = Field(description="Stable action id (lower-case, digits, hyphens).")
    description: Markdown = Field(description="What is to be done.")
    owner: RoleRef | None = Field(None, description="The role that does it; none when the "
                                  "record does not say (never invented).")
    due: Date | None = Field(None, description="When it is due (YYYY-MM-DD); none when no "
                             "day was set.")
    status: Literal["open", "in-progress", "done", "dropped", "archived"] = Field(
        description="Where it stands; `archived` for a historical item nobody will close "
        "(kept on its page, off the open-items page)."
    )
    changes: DocRef | None = Field(None, description="The document this action will change.")


class Retro(Document):
    """A retrospective or post-mortem of a process or SOP revision."""

    kind: Literal["retro"] = Field(description="Always `retro`.")
    review_every: int | None = Field(  # type: ignore[assignment]
        None, ge=1, le=60, description="A retrospective is a record, never due for review: "
        "leave it out, or give a cycle in months (1-60) that is shown but not enforced.")
    date: Date = Field(description="When the retrospective was held (YYYY-MM-DD).")
    subject: Subject = Field(description="What was reviewed.")
    facilitator: Text = Field(description="Who ran the session.")
    participants: list[Text] = Field(default_factory=list, description="Who took part.")
    summary: Markdown = Field(description="The outcome in a few sentences.")
    went_well: list[MarkdownItem] = Field(default_factory=list, description="What went well.")
    to_improve: list[MarkdownItem] = Field(default_factory=list, description="What to improve.")
    unexpected: list[MarkdownItem] = Field(
        default_factory=list, description="What nobody expected.")
    metrics: list[Observation] = Field(default_factory=list, description="Metrics observed.")
    actions: list[ActionItem] = Field(default_factory=list, description="Action items.")
    decisions: list[MarkdownItem] = Field(default_factory=list, description="Decisions taken.")

