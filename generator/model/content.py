"""The content model: what authors may write in `sops/`, and what each field means.

The models are frozen (a loaded handbook is a value, safe to share between the CLI, the
plugin and the renderer) and forbid unknown keys (a typo must not silently drop a step's
warning). Every field has a description: the same models give the JSON Schema editors use
and, later, the field reference in the docs. Cross-document rules (references, step graph,
ids) live in :mod:`generator.checks`, where they can point at the exact offending value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
import typing
from functools import cached_property
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from generator.problems import quote

if typing.TYPE_CHECKING:
    from generator.model.graph import StepGraph

VERSION_PATTERN = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)$")
DURATION_PATTERN = re.compile(r"^[1-9]\d*(m|h|d|w)$")


def _version(value: str) -> str:
    if not VERSION_PATTERN.match(value):
        raise ValueError(f'expected "MAJOR.MINOR" such as "2.1", found {quote(value)}')
    return value


def _duration(value: str) -> str:
    if not DURATION_PATTERN.match(value):
        raise ValueError(
            "expected a number and a unit (m, h, d or w) such as '15m' or '2h', found "
            f"{quote(value)}"
        )
    return value


def _iso_date(value: object) -> object:
    # YAML gives dates as date objects; a quoted "2026-05-01" is fine too, a number is not.
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, found text {quote(value)}") from None
    return value


def minutes(duration: str) -> int:
    """A `Duration` in minutes, counting a day as 8 working hours and a week as 5 days."""
    unit = duration[-1]
    return int(duration[:-1]) * {"m": 1, "h": 60, "d": 480, "w": 2400}[unit]


MAX_TEXT = 20_000
"""Longest text value, in characters: about ten printed pages, several times the longest
instructions of a real step. A page is rendered, searched and drawn from these values, and
one pasted log or manual would make each of those slow for every reader; a text that long
reads better split into steps, substeps or an SOP of its own anyway."""

MAX_NAME = 200
"""Longest title or name, in characters: these head pages, fill the navigation, label the
flowchart's boxes and the browser's tab, where two lines of text is already a lot."""

Text = Annotated[str, Field(min_length=1)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Date = Annotated[dt.date, BeforeValidator(_iso_date), Field(examples=["2026-05-01"])]
Version = Annotated[str, AfterValidator(_version), Field(examples=["1.0", "2.3"])]
Duration = Annotated[str, AfterValidator(_duration), Field(examples=["15m", "2h", "1d"])]
RoleRef = Annotated[str, Field(description="A role id defined by a `kind: role` item.",
                               examples=["it-director"])]
TermRef = Annotated[str, Field(description="A term id defined by a `kind: term` item.",
                               examples=["continuous-improvement"])]
DocRef = Annotated[str, Field(description="The id of an SOP, process or retrospective.",
                              examples=["SOP-IT-004"])]
StepRef = Annotated[str, Field(description="The id of a step in the same document.",
                               examples=["collect-feedback"])]

Status = Literal["draft", "in-review", "effective", "superseded", "retired"]
Language = Literal["en", "fi"]
Translated = Literal["fi"]
"""The languages a role or term can be translated into: English is what `name`, `term` and
`definition` are written in."""


class Model(BaseModel):
    """Shared configuration: immutable, and no key the model does not know."""

    # Strict: `review_every: yes` must not become 1, nor `effective: 0` the 1st of January 1970.
    # Every text is bounded (MAX_TEXT; titles and names MAX_NAME): checked by pydantic's
    # core as it reads each value, which costs nothing a check would notice.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, str_max_length=MAX_TEXT)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the model's content, worked out once for as long as the model is in
        use: pages are reused while the fingerprints they were made from stay the same."""
        dumped = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(dumped.encode()).hexdigest()


# --- shared parts -------------------------------------------------------------------


class Approval(Model):
    """A signature on a revision: who reviewed or approved which version, and when.

    A signature signs one version: after a bump the earlier signatures stay as the record,
    and the new version is signed again.
    """

    name: Name = Field(description="The person's full name.")
    role: RoleRef = Field(description="The role they signed in; an `approval` needs a role "
                          "with `can_approve: true`.")
    version: Version = Field(description='The version they signed, "MAJOR.MINOR" in quotes.')
    date: Date = Field(description="The day they signed (YYYY-MM-DD), not in the future; an "
                       "approval on or before the `effective` date of the version it signs.")
    meaning: Literal["review", "approval"] = Field(
        description="What the signature means: `review` (checked) or `approval` (authorised)."
    )


class Change(Model):
    """One entry of the change history, written by the author of the revision."""

    version: Version = Field(description="The version this entry introduced.")
    date: Date = Field(description="When the revision was made (YYYY-MM-DD).")
    summary: Text = Field(description="What changed and why, in a sentence or two.")
    author: Text = Field(description="Who made the change.")
    retrain: list[RoleRef] = Field(
        default_factory=list,
        description="Roles that must retrain because of this change (expected on a major bump).",
    )


class Metric(Model):
    """A measure that tells whether the procedure works."""

    name: Name = Field(description="What is measured.")
    target: float = Field(description="The value to reach.", examples=[95, 2.5])
    unit: Text = Field(description="Unit of the target, e.g. `%`, `hours`, `tickets`.")
    better: Literal["higher", "lower"] = Field(
        "higher", description="Whether a higher or a lower value is better."
    )
    frequency: Literal["per-run", "daily", "weekly", "monthly", "quarterly", "yearly"] = Field(
        description="How often it is measured."
    )
    owner: RoleRef = Field(description="The role that measures and reports it.")


class Controls(Model):
    """How the organisation keeps the procedure honest after rollout."""

    audits: list[Text] = Field(default_factory=list, description="Scheduled checks of compliance.")
    monitoring: list[Text] = Field(
        default_factory=list, description="What is watched continuously, and by what means."
    )
    adaptation: list[Text] = Field(
        default_factory=list, description="When and how the procedure is changed in response."
    )


class Branch(Model):
    """One outcome of a decision."""

    label: Text = Field(description="The answer that leads here, e.g. `yes` or `over budget`.")
    next: StepRef = Field(description="The step taken for this answer.")


class Decision(Model):
    """A question whose answer chooses the next step."""

    question: Text = Field(description="The question, phrased so each branch label answers it.")
    branches: list[Branch] = Field(min_length=2, description="At least two outcomes.")


class Step(Model):
    """One step of the flow. Without `next`, `decision` or `end` it flows to the following step."""

    id: Text = Field(description="Stable step id (lower-case, digits, hyphens); the anchor "
                     "`#step-<id>` derives from it.", examples=["collect-feedback"])
    title: Name = Field(description="A short imperative title.")
    actor: RoleRef = Field(description="The role that performs the step.")
    instructions: str = Field("", description="What to do, in Markdown.")
    substeps: list[Text] = Field(default_factory=list, description="Ordered sub-steps.")
    checks: list[Text] = Field(
        default_factory=list, description="What to verify before moving on."
    )
    warnings: list[Text] = Field(default_factory=list, description="What can go wrong here.")
    duration: Duration | None = Field(None, description="Expected duration, e.g. `15m`, `2h`.")
    sop: DocRef | None = Field(None, description="An SOP that details how this step is done.")
    next: StepRef | None = Field(None, description="The step that follows, when not the next one "
                                 "in the list.")
    decision: Decision | None = Field(None, description="A question that chooses the next step.")
    end: bool = Field(False, description="The flow ends after this step.")

    @model_validator(mode="after")
    def _one_way_out(self) -> Step:
        ways = [name for name in ("next", "decision") if getattr(self, name) is not None]
        if self.end:
            ways.append("end")
        if len(ways) > 1:
            raise ValueError(
                f"a step leaves in one way: give only one of next, decision or end, found "
                f"{' and '.join(ways)}"
            )
        return self


QuestionKind = Literal["single", "multiple", "true-false", "ordering"]


class Question(Model):
    """A self-assessment question; its answer key is checked against the options and steps."""

    id: Text = Field(description="Stable question id (lower-case, digits, hyphens).",
                     examples=["who-leads-the-review"])
    kind: QuestionKind = Field(
        description="`single` (one option), `multiple` (several), `true-false`, or `ordering` "
        "(put steps in order)."
    )
    prompt: Text = Field(description="The question (Markdown).")
    options: dict[str, Text] = Field(
        default_factory=dict,
        description="Option id to option text, for `single` and `multiple` questions.",
        examples=[{"a": "The IT Director", "b": "A Level 1 Technician"}],
    )
    answer: Any = Field(
        description="The answer key: an option id (`single`), a list of option ids "
        "(`multiple`), true or false (`true-false`), or step ids in order (`ordering`).",
        json_schema_extra={"anyOf": [{"type": "string"}, {"type": "boolean"},
                                     {"type": "array", "items": {"type": "string"}}]},
    )
    explanation: Text = Field(description="Shown after answering: why the answer is right.")
    covers: list[StepRef] = Field(
        default_factory=list, description="The steps this question tests."
    )

    @field_validator("answer")
    @classmethod
    def _answer_shape(cls, value: Any) -> Any:
        if isinstance(value, bool | str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise ValueError(
            "expected an option id, a list of option ids or steps, or true/false, found "
            f"{type(value).__name__} {quote(value)}"
        )

    def answer_keys(self) -> list[str]:
        """The answer key as a list of option or step ids; true/false as 'true'/'false'."""
        if isinstance(self.answer, bool):
            return [str(self.answer).lower()]
        if isinstance(self.answer, str):
            return [self.answer]
        return list(self.answer)


class Training(Model):
    """How staff learn the procedure; the module page is generated from this and the steps."""

    objectives: list[Text] = Field(min_length=1, description="What a learner can do after.")
    audience: list[RoleRef] = Field(min_length=1, description="Roles that must complete it.")
    time: Duration = Field(description="Estimated time to complete the module, e.g. `45m`.")
    terms: list[TermRef] | None = Field(
        None, description="Terms to know; defaults to the document's `terms`."
    )
    tasks: list[Text] = Field(
        default_factory=list, description="Tasks to do on the job after the module, with no "
        "answer key (e.g. find out which improvement model your department follows)."
    )
    quiz: list[Question] = Field(default_factory=list, description="Self-assessment questions.")


class Document(Model):
    """Fields shared by every controlled document (SOP, process, retrospective)."""

    id: Text = Field(description="Stable document id: upper-case letters, digits, hyphens. "
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

    def approves_current(self, approval: Approval) -> bool:
        """Whether ``approval`` is an `approval` of the version the document is at."""
        return approval.meaning == "approval" and approval.version == self.version

    @property
    def change_entry(self) -> Change | None:
        """The `changes` entry the author wrote for the current version, if any."""
        return next((c for c in self.changes if c.version == self.version), None)

    @property
    def next_review(self) -> dt.date:
        """The day the document is due for review: `effective` plus `review_every` months.

        Past the calendar's last year it is the calendar's last day: never due, and never a
        crash for a document that takes effect in 9999.
        """
        months = self.effective.month - 1 + self.review_every
        year, month = self.effective.year + months // 12, months % 12 + 1
        if year > dt.MAXYEAR:
            return dt.date.max
        day = min(self.effective.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)


class RoleInvolvement(Model):
    """A role's part in an SOP, for its RACI table."""

    role: RoleRef = Field(description="The role.")
    raci: Literal["responsible", "accountable", "consulted", "informed"] = Field(
        description="Responsible, accountable, consulted or informed."
    )
    duties: str = Field("", description="What the role does in this procedure.")


class Sop(Document):
    """A standard operating procedure: how one task is done, step by step."""

    kind: Literal["sop"] = Field(description="Always `sop`.")
    purpose: Text = Field(description="Why the procedure exists (Markdown).")
    scope: Text = Field(description="Where it applies and where it does not (Markdown).")
    roles: list[RoleInvolvement] = Field(min_length=1, description="Roles involved.")
    prerequisites: list[Text] = Field(default_factory=list, description="What must be true "
                                      "before starting.")
    permissions: list[Text] = Field(default_factory=list, description="Access rights needed.")
    inputs: list[Text] = Field(default_factory=list, description="What the procedure consumes.")
    outputs: list[Text] = Field(default_factory=list, description="What it produces.")
    steps: list[Step] = Field(min_length=1, description="The steps and their paths.")
    controls: Controls = Field(default_factory=Controls, description="Audits, monitoring, "
                               "adaptation.")
    metrics: list[Metric] = Field(default_factory=list, description="How success is measured.")
    training: Training | None = Field(None, description="The training module: objectives, "
                                      "audience, time and a self-assessment.")

    @cached_property
    def graph(self) -> StepGraph:
        """The step graph, worked out once for as long as this model is in use."""
        from generator.model.graph import StepGraph

        return StepGraph(self.steps)


class Stakeholder(Model):
    """Someone with a stake in a process, and what they care about."""

    role: RoleRef = Field(description="The role.")
    interest: Text = Field(description="What they need from the process.")


class Risk(Model):
    """A pre-mortem entry: imagine the rollout failed, and say why."""

    id: Text = Field(description="Stable risk id (lower-case, digits, hyphens).")
    description: Text = Field(description="What could go wrong.")
    likelihood: int = Field(ge=1, le=5, description="1 (rare) to 5 (almost certain).")
    impact: int = Field(ge=1, le=5, description="1 (minor) to 5 (severe).")
    mitigation: str | None = Field(None, description="What is done to prevent or soften it.")
    owner: RoleRef | None = Field(None, description="The role that watches this risk.")


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
    activities: list[Text] = Field(min_length=1, description="What happens in the phase.")
    owner: RoleRef = Field(description="The role leading the phase.")
    start: Date | None = Field(None, description="Planned start (YYYY-MM-DD).")
    end: Date | None = Field(None, description="Planned end (YYYY-MM-DD).")
    exit_criteria: list[Text] = Field(
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
    objective: Text = Field(description="The measurable result the process exists for.")
    strategy: Text = Field(description="The overall approach to reach the objective.")
    tactics: list[Text] = Field(default_factory=list, description="Concrete plans that carry "
                                "out the strategy.")
    operations: list[Text] = Field(default_factory=list, description="Day-to-day activities.")
    inputs: list[Text] = Field(default_factory=list, description="What the process consumes.")
    outputs: list[Text] = Field(default_factory=list, description="What it produces.")
    stakeholders: list[Stakeholder] = Field(default_factory=list, description="Who has a stake.")
    steps: list[Step] = Field(min_length=1, description="The steps and paths; a step may link "
                              "an SOP.")
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

    @cached_property
    def graph(self) -> StepGraph:
        """The step graph, worked out once for as long as this model is in use."""
        from generator.model.graph import StepGraph

        return StepGraph(self.steps)


class Subject(Model):
    """The document revision a retrospective looked back on."""

    document: DocRef = Field(description="The process or SOP reviewed.")
    version: Version = Field(description="The version that was in force.")


class Observation(Model):
    """A metric as it was observed, against its target."""

    name: Name = Field(description="The metric's name.")
    target: float = Field(description="What was aimed for.")
    observed: float = Field(description="What was measured.")
    unit: Text = Field(description="The unit of both figures.")
    better: Literal["higher", "lower"] = Field("higher", description="Which direction is good.")


class ActionItem(Model):
    """Something a retrospective decided to do."""

    id: Text = Field(description="Stable action id (lower-case, digits, hyphens).")
    description: Text = Field(description="What is to be done.")
    owner: RoleRef = Field(description="The role that does it.")
    due: Date = Field(description="When it is due (YYYY-MM-DD).")
    status: Literal["open", "in-progress", "done", "dropped"] = Field(
        description="Where it stands."
    )
    changes: DocRef | None = Field(None, description="The document this action will change.")


class Retro(Document):
    """A retrospective or post-mortem of a process or SOP revision."""

    kind: Literal["retro"] = Field(description="Always `retro`.")
    date: Date = Field(description="When the retrospective was held (YYYY-MM-DD).")
    subject: Subject = Field(description="What was reviewed.")
    facilitator: Text = Field(description="Who ran the session.")
    participants: list[Text] = Field(default_factory=list, description="Who took part.")
    summary: Text = Field(description="The outcome in a few sentences (Markdown).")
    went_well: list[Text] = Field(default_factory=list, description="What went well.")
    to_improve: list[Text] = Field(default_factory=list, description="What to improve.")
    unexpected: list[Text] = Field(default_factory=list, description="What nobody expected.")
    metrics: list[Observation] = Field(default_factory=list, description="Metrics observed.")
    actions: list[ActionItem] = Field(default_factory=list, description="Action items.")
    decisions: list[Text] = Field(default_factory=list, description="Decisions taken.")


class RoleName(Model):
    """A role's name in another language."""

    name: Name = Field(description="The role's name as people say it in that language.")


class Role(Model):
    """A role people act in; steps, approvals and ownership refer to it by id."""

    kind: Literal["role"] = Field(description="Always `role`.")
    id: Text = Field(description="Stable role id (lower-case, digits, hyphens).",
                     examples=["level-1-technician"])
    name: Name = Field(description="The role's name as people say it.")
    description: str = Field("", description="What the role is, in a sentence (Markdown).")
    responsibilities: list[Text] = Field(default_factory=list, description="What it answers for.")
    permissions: list[Text] = Field(default_factory=list, description="Access rights it holds.")
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
    definition: Text = Field(description="What it means here, in that language (Markdown).")


class Term(Model):
    """A glossary entry."""

    kind: Literal["term"] = Field(description="Always `term`.")
    id: Text = Field(description="Stable term id (lower-case, digits, hyphens).",
                     examples=["pre-mortem"])
    term: Name = Field(description="The term as written in text.")
    definition: Text = Field(description="What it means here (Markdown).")
    see_also: list[TermRef] = Field(default_factory=list, description="Related terms.")
    translations: dict[Translated, TermText] = Field(
        default_factory=dict, description="The term and its definition in the languages of "
        "the documents that use it, by language: a training module with `language: fi` "
        "shows the `fi` text.")

    def text_in(self, language: Language) -> Term | TermText:
        """What a page in ``language`` shows (`term` and `definition`): its translation,
        else the entry itself."""
        return next((t for lang, t in self.translations.items() if lang == language), self)


AnyDocument = Sop | Process | Retro
AnyItem = Sop | Process | Retro | Role | Term

KINDS: dict[str, type[Sop] | type[Process] | type[Retro] | type[Role] | type[Term]] = {
    "sop": Sop,
    "process": Process,
    "retro": Retro,
    "role": Role,
    "term": Term,
}
"""Every `kind` an item may have, and its model."""

LISTABLE_KINDS = frozenset({"role", "term"})
"""Kinds that may share a file; documents stand alone because a file's history is theirs."""


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys an author may write for ``model``."""
    return list(model.model_fields)


def dump(item: BaseModel) -> dict[str, Any]:
    """The YAML-ready data of an item, without defaults, so round trips stay short."""
    return item.model_dump(mode="python", exclude_defaults=True)


_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    """PyYAML writes NEL, LS and PS raw, and reading them back turns them into line breaks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(ch in value for ch in _YAML_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data: Any) -> str:
    """YAML text that loads back to exactly ``data``, in the key order given."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
