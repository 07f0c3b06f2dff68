"""Training material: module and curriculum pages, and the quiz rules with exact positions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.checks import Settings
from generator.pipeline import check_handbook
from generator.render import training
from generator.render.i18n import EN
from generator.render.pages import generate
from tests.support import TODAY

HERE = Path(__file__).parent
SITE = HERE / "fixtures" / "site" / "sops"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    shutil.copytree(SITE, tmp_path / "sops")
    return tmp_path / "sops"


def lines(root: Path, *, min_coverage: float = 0.8) -> list[str]:
    _, problems = check_handbook(root, today=TODAY, settings=Settings(min_coverage))
    return [p.format() for p in problems]


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def test_fixture_training_checks_clean(book: Path) -> None:
    assert lines(book) == []


def test_empty_answer_key(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: b\n", "      answer: []\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:88:15: error [QUIZ001] question 'first-step' has an empty answer "
        "key; name the correct option(s)"
    ]


def test_answer_naming_an_unknown_option(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: [a, b]\n", "      answer: [a, d]\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:98:15: error [QUIZ002] question 'escalate-who': answer 'd' is not "
        "an option; valid options: a, b, c"
    ]


def test_two_answers_on_a_single_choice_question(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: b\n", "      answer: [a, b]\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:88:15: error [QUIZ003] question 'first-step' (single): a "
        "single-choice question has one answer, found 2 (a, b); use kind: multiple"
    ]


def test_true_false_needs_a_boolean(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: false\n", "      answer: a\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:104:15: error [QUIZ003] question 'name-only' (true-false): "
        "expected true or false, found 'a'"
    ]


def test_covers_an_unknown_step(book: Path) -> None:
    edit(book, "sop-en.yml", "      covers: [escalate]\n", "      covers: [escalation]\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:77:1: warning [QUIZ006] the quiz covers 67% of the steps (2 of 3), "
        "below the minimum of 80%; not covered: escalate",
        f"{book}/sop-en.yml:100:16: error [QUIZ004] question 'escalate-who': unknown step "
        "'escalation'; did you mean 'escalate'?",
    ]


def test_ordering_must_follow_the_step_graph(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: [verify, reset]\n", "      answer: [reset, verify]\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:110:15: error [QUIZ005] question 'order': no path in the flow leads "
        "from 'reset' to 'verify', so this order is wrong"
    ]


def test_ordering_through_a_loop_is_accepted(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: [verify, reset]\n",
         "      answer: [verify, escalate, verify, reset]\n")
    assert lines(book) == []


def test_coverage_below_the_minimum_warns(book: Path) -> None:
    assert lines(book, min_coverage=0.8) == []
    edit(book, "sop-en.yml", "      covers: [escalate]\n", "      covers: [verify]\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:77:1: warning [QUIZ006] the quiz covers 67% of the steps (2 of 3), "
        "below the minimum of 80%; not covered: escalate"
    ]
    assert lines(book, min_coverage=0.5) == []


def test_duplicate_question_ids(book: Path) -> None:
    edit(book, "sop-en.yml", "    - id: order\n", "    - id: first-step\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:107:11: error [ID001] duplicate question id 'first-step': first "
        f"defined at {book}/sop-en.yml:82:11"
    ]


def test_unknown_audience_role(book: Path) -> None:
    edit(book, "sop-en.yml", "  audience: [tech, lead]\n", "  audience: [tech, leed]\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:79:20: error [REF001] unknown role 'leed'; did you mean 'lead'?"
    ]


def test_answer_of_the_wrong_type_is_a_model_error(book: Path) -> None:
    edit(book, "sop-en.yml", "      answer: b\n", "      answer: {b: 1}\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:88:15: error [MODEL004] 'answer': expected an option id, a list of "
        "option ids or steps, or true/false, found dict {'b': 1}"
    ]


def test_an_option_that_is_not_text_gets_its_own_value_as_the_example(book: Path) -> None:
    edit(book, "sop-en.yml", "        a: Reset the password\n", "        a: 5\n")
    assert lines(book) == [
        f"{book}/sop-en.yml:86:12: error [MODEL004] 'a': expected text, found number 5; put it "
        'in quotes, e.g. a: "5"'
    ]


def _site() -> dict[str, str]:
    handbook, problems = check_handbook(SITE, today=TODAY)
    assert problems == []
    return generate(handbook, today=TODAY).pages


def test_module_links_both_ways_and_shows_what_changed() -> None:
    pages = _site()
    assert "**Training module:** [Training: Reset a password](../training/sop-t-1.md)" in (
        pages["procedures/sop-t-1.md"])
    module = pages["training/sop-t-1.md"]
    assert "**Training for:** [SOP-T-1: Reset a password (v2.1)](../procedures/sop-t-1.md)" in (
        module)
    assert "    **Changes since version 1.x:**" in module
    assert "    **Must retrain:** [Technician](../roles/tech.md)" in module
    assert "[SOP](../glossary.md#term-sop)\n:   A *standard operating procedure*." in module
    assert "### What you do as: [Technician](../roles/tech.md) { data-search-exclude }" in (
        module)
    assert "#### 2. Escalate to the lead {#step-escalate data-search-exclude}" in module
    assert "[Printable checklist](checklists/sop-t-1.md)" in module


def test_quiz_markup_carries_answers_for_the_script_and_details_without_it() -> None:
    module = _site()["training/sop-t-1.md"]
    assert ('<div class="sq-question" id="q-escalate-who" data-kind="multiple" '
            'data-answer="[&#34;a&#34;, &#34;b&#34;]" markdown="1">') in module
    assert '<li data-option="true" markdown="span">True</li>' in module
    assert '??? question "Answer"' in module
    assert "    1. [1. Verify the caller](../procedures/sop-t-1.md#step-verify)" in module


def test_ordering_options_are_not_listed_in_answer_order() -> None:
    from generator.model import Question

    question = Question(id="o", kind="ordering", prompt="p", explanation="e",
                        answer=["a", "b", "c", "d"])
    shown = [item.key for item in training.quiz_items(question, [], EN)]
    assert sorted(shown) == ["a", "b", "c", "d"]
    assert shown != ["a", "b", "c", "d"]
    assert shown == [item.key for item in training.quiz_items(question, [], EN)]


def test_curriculum_puts_processes_first_flags_retraining_and_adds_time() -> None:
    page = _site()["training/roles/tech.md"]
    assert "**Total time:** 45 min" in page
    rows = [line for line in page.splitlines() if line.startswith("| 1 |")
            or line.startswith("| 2 |")]
    assert rows == [
        "| 1 | [PROC-T-1: Account lifecycle](../proc-t-1.md) | process | 1.0 | 15m |  |",
        "| 2 | [SOP-T-1: Reset a password](../sop-t-1.md) | sop | 2.1 | 30m | **retrain**: "
        "version 2.0 changed what you do |",
    ]
    lead = _site()["training/roles/lead.md"]
    assert "| 1 | [SOP-T-1: Reset a password](../sop-t-1.md) | sop | 2.1 | 30m |  |" in lead


def test_checklist_is_a_task_list_of_steps_and_checks() -> None:
    page = _site()["training/checklists/sop-t-1.md"]
    assert "- [ ] **1. Verify the caller** ([Technician](../../roles/tech.md), 5m)" in page
    assert "    - [ ] The identity matches" in page


def test_minutes_and_human_time() -> None:
    assert training.human_minutes(135) == "2 h 15 min"
    assert training.human_minutes(60) == "1 h"
    assert training.human_minutes(45) == "45 min"


def test_check_reads_the_coverage_minimum_from_mkdocs_yml(book: Path) -> None:
    from generator.mkdocs.config import configured
    from tests.support.build import sopsite

    edit(book, "sop-en.yml", "      covers: [escalate]\n", "      covers: [verify]\n")
    project = book.parent
    config = project / "mkdocs.yml"
    config.write_text(
        "site_name: x\nplugins:\n  - search\n  - sopsite:\n      training_coverage: 0.5\n"
        "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
        "        - name: mermaid\n          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n", "utf-8")
    assert configured(config).settings.min_coverage == 0.5
    assert sopsite("check", "--strict", "sops", cwd=project).returncode == 0
    config.write_text("site_name: x\nplugins: [search, sopsite]\n", "utf-8")
    assert configured(config).settings.min_coverage == 0.8
    result = sopsite("check", "--strict", "sops", cwd=project)
    assert result.returncode == 1
    assert "warning [QUIZ006] the quiz covers 67% of the steps (2 of 3)" in result.stdout
    result = sopsite("check", "--strict", "--min-coverage", "0.6", "sops", cwd=project)
    assert result.returncode == 0
