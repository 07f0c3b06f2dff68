"""The parts documents are built of: steps and decisions, signatures, changes, metrics,
controls, and the training module with its quiz."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic.config import JsonDict

from generator.model.fields import (
    BlankMarkdown,
    Date,
    DocRef,
    Duration,
    Markdown,
    MarkdownItem,
    Model,
    Name,
    RoleRef,
    SlugId,
    StepRef,
    TermRef,
    Text,
    Version,
    given,
    ref_schema,
)
from generator.model.outside import Attachment, ContactRef, Link
from generator.problems import quote


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
    summary: Markdown = Field(description="What changed and why, in a sentence or two.")
    author: Text = Field(description="Who made the change.")
    retrain: list[RoleRef] = Field(
        default_factory=list,
        description="Roles that must retrain because of this change (expected on a major bump).",
    )


class Metric(Model):
    """A measure that tells whether the procedure works."""

    name: Name = Field(description="What is measured.")
    target: float | None = Field(None, description="The value to reach; leave out for a "
                                 "figure that is watched without a target.",
                                 examples=[95, 2.5])
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

    audits: list[MarkdownItem] = Field(
        default_factory=list, description="Scheduled checks of compliance.")
    monitoring: list[MarkdownItem] = Field(
        default_factory=list, description="What is watched continuously, and by what means."
    )
    adaptation: list[MarkdownItem] = Field(
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


class Fork(Model):
    """Paths done at the same time, from the step that carries it to the step they meet at.

    The join is named once, on the fork, rather than marked on the step that waits: the
    checks can then tell which paths the join waits for, and that each of them arrives.
    """

    paths: list[StepRef] = Field(min_length=2, description="The first step of each path done "
                                 "at the same time (at least two).")
    join: StepRef = Field(description="The step where the paths meet again: it starts when "
                          "every path has reached it.")


class Wait(Model):
    """What a waiting step waits for."""

    until: Markdown = Field(description="What must be true before the flow goes on (Markdown), "
                        "e.g. `the broth boils`.")
    timeout: Duration | None = Field(None, description="How long to wait at most before "
                                     "calling for help, e.g. `30m`.")


class StepGroup(Model):
    """A titled phase of a long procedure: its steps stand together in the list."""

    id: SlugId = Field(description="Stable group id (lower-case, digits, hyphens), named by "
                     "each step's `group`.", examples=["prepare"])
    title: Name = Field(description="The phase's title, a heading on the page and a box around "
                        "its steps in the flowchart.")
    description: BlankMarkdown = Field("", description="What the phase achieves.")


class Trouble(Model):
    """A symptom someone doing the procedure may meet, and what to do about it."""

    symptom: Name = Field(description="What the person sees, in their words (plain text).",
                          examples=["The soup tastes burnt"])
    action: Markdown = Field(description="What to do about it (Markdown).")
    steps: list[StepRef] = Field(default_factory=list, description="Steps of this document "
                                 "the symptom concerns, linked from the entry.")


WAYS_OUT = ("next", "decision", "fork", "end")


def _leaves_by(way: str) -> JsonDict:
    return ({"required": ["end"], "properties": {"end": {"const": True}}} if way == "end"
            else given(way))


ONE_WAY_OUT: JsonDict = {"allOf": [
    {"not": {"allOf": [_leaves_by(first), _leaves_by(second)]}}
    for i, first in enumerate(WAYS_OUT) for second in WAYS_OUT[i + 1:]
]}
"""`Step._one_way_out` as a schema: no two of next, decision, fork and `end: true`."""


class Step(Model):
    """One step of the flow. Without `next`, `decision`, `fork` or `end` it flows to the next."""

    model_config = ConfigDict(json_schema_extra=ONE_WAY_OUT)

    id: SlugId = Field(description="Stable step id (lower-case, digits, hyphens); the anchor "
                     "`#step-<id>` derives from it.", examples=["collect-feedback"])
    title: Name = Field(description="A short imperative title.")
    actor: RoleRef = Field(description="The role that performs the step.")
    instructions: BlankMarkdown = Field("", description="What to do.")
    substeps: list[MarkdownItem] = Field(default_factory=list, description="Ordered sub-steps.")
    checks: list[MarkdownItem] = Field(
        default_factory=list, description="What to verify before moving on."
    )
    warnings: list[MarkdownItem] = Field(
        default_factory=list, description="What can go wrong here.")
    duration: Duration | None = Field(None, description="Expected duration, e.g. `15m`, `2h`.")
    sop: DocRef | None = Field(None, description="An SOP that details how this step is done.")
    next: StepRef | None = Field(None, description="The step that follows, when not the next one "
                                 "in the list.")
    decision: Decision | None = Field(None, description="A question that chooses the next step.")
    end: bool = Field(False, description="The flow ends after this step.")
    group: Text | None = Field(None, description="The id of the document's step group (phase) "
                               "this step belongs to; a group's steps stand together in the "
                               "list.", examples=["prepare"], json_schema_extra=ref_schema(False))
    fork: Fork | None = Field(None, description="After this step, two or more paths are done "
                              "at the same time, often by different roles, and meet again at "
                              "the join step.")
    wait: Wait | None = Field(None, description="The step waits until something is true before "
                              "the flow goes on.")
    links: list[Link] = Field(default_factory=list, description="Pages outside the handbook "
                              "this step uses (http, https or mailto).")
    attachments: list[Attachment] = Field(default_factory=list, description="Files under the "
                                          "handbook folder shown or linked in this step.")
    contact: ContactRef | None = Field(None, description="The id of one of the document's "
                                       "`contacts` to call in this step.")

    @model_validator(mode="after")
    def _one_way_out(self) -> Step:
        ways = [name for name in WAYS_OUT[:-1] if getattr(self, name) is not None]
        if self.end:
            ways.append("end")
        if len(ways) > 1:
            raise ValueError(
                f"a step leaves in one way: give only one of next, decision, fork or end, found "
                f"{' and '.join(ways)}"
            )
        return self


QuestionKind = Literal["single", "multiple", "true-false", "ordering"]


class Question(Model):
    """A self-assessment question; its answer key is checked against the options and steps."""

    id: SlugId = Field(description="Stable question id (lower-case, digits, hyphens).",
                     examples=["who-leads-the-review"])
    kind: QuestionKind = Field(
        description="`single` (one option), `multiple` (several), `true-false`, or `ordering` "
        "(put steps in order)."
    )
    prompt: Markdown = Field(description="The question.")
    options: dict[str, Markdown] = Field(
        default_factory=dict,
        description="Option id to option text, for `single` and `multiple` questions.",
        examples=[{"a": "The IT Director", "b": "A Level 1 Technician"}],
    )
    answer: Any = Field(
        description="The answer key: an option id (`single`), a list of option ids "
        "(`multiple`), true or false (`true-false`), or step ids in order (`ordering`).",
        # Not empty: rule QUIZ001.
        json_schema_extra={"anyOf": [{"type": "string", "minLength": 1}, {"type": "boolean"},
                                     {"type": "array", "minItems": 1,
                                      "items": {"type": "string"}}]},
    )
    explanation: Markdown = Field(description="Shown after answering: why the answer is right.")
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

    objectives: list[MarkdownItem] = Field(min_length=1, description="What a learner can do after.")
    audience: list[RoleRef] = Field(min_length=1, description="Roles that must complete it.")
    time: Duration = Field(description="Estimated time to complete the module, e.g. `45m`.")
    terms: list[TermRef] | None = Field(
        None, description="Terms to know; defaults to the document's `terms`."
    )
    tasks: list[MarkdownItem] = Field(
        default_factory=list, description="Tasks to do on the job after the module, with no "
        "answer key (e.g. find out which improvement model your department follows)."
    )
    quiz: list[Question] = Field(default_factory=list, description="Self-assessment questions.")
