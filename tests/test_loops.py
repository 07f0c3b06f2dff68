"""FLOW003: a loop with no way out is reported at the arrow that closes it, naming its
steps, once per loop however many ways lead into it."""

from __future__ import annotations

import time

from tests.support import Book

P = "hb/proc-it-rollout.yml"
WAY_OUT = "give the loop a way out with a decision, or mark a step 'end: true'"


def _steps(book: Book, steps: str) -> None:
    text = book.text("proc-it-rollout.yml")
    start, end = text.index("steps:\n"), text.index("premortem:")
    book.write("proc-it-rollout.yml", text[:start] + "steps:\n" + steps + text[end:])


def _step(step_id: str, extra: str = "", actor: str = "technician") -> str:
    return f"  - id: {step_id}\n    title: Step {step_id}\n    actor: {actor}\n{extra}"


def test_a_loop_closed_by_a_next_after_steps_that_flow_on(book: Book) -> None:
    # x jumps to z; z goes back to y, which flows on to z: the loop is y, z, closed at z.
    _steps(book, _step("x", "    next: z\n") + _step("y") + _step("z", "    next: y\n"))
    assert book.lines() == [
        f"{P}:27:11: error [FLOW003] next step of step 'z' goes back to step 'y', closing the "
        f"loop 'y' → 'z' → 'y', which no path leaves to reach an end; {WAY_OUT}"
    ]


def test_two_ways_into_one_loop_give_one_problem(book: Book) -> None:
    decide = ("    decision:\n      question: Which?\n      branches:\n"
              "        - {label: left, next: b}\n        - {label: right, next: c}\n")
    _steps(book, _step("a", decide) + _step("b") + _step("c") + _step("d", "    next: b\n"))
    assert book.lines() == [
        f"{P}:34:11: error [FLOW003] next step of step 'd' goes back to step 'b', closing the "
        f"loop 'b' → 'c' → 'd' → 'b', which no path leaves to reach an end; {WAY_OUT}"
    ]


def test_a_long_loop_names_its_first_steps_and_counts_the_rest(book: Book) -> None:
    _steps(book, "".join(_step(f"s{i}") for i in range(1, 15)) + "    next: s1\n")
    [line] = book.lines()
    assert line == (
        f"{P}:59:11: error [FLOW003] next step of step 's14' goes back to step 's1', closing "
        "the loop 's1' → 's2' → 's3' → 's4' → 's5' → 's6' → 's7' → 's8' → 's9' → 's10' → … "
        f"(4 more) → 's1', which no path leaves to reach an end; {WAY_OUT}")


def test_many_ways_into_one_trap_are_walked_once(book: Book) -> None:
    # 400 decisions each lead into the same endless pair of steps: one problem, found fast.
    steps = "".join(_step(f"d{i}", "    decision:\n      question: Go?\n      branches:\n"
                                   f"        - {{label: a, next: d{i + 1}}}\n"
                                   "        - {label: b, next: trap}\n") for i in range(400))
    steps += _step("d400", "    next: trap\n") + _step("trap", "    next: d400\n")
    _steps(book, steps)
    started = time.perf_counter()
    lines = book.lines()
    assert time.perf_counter() - started < 10
    # The flow is also too large to draw (FLOW004, advice).
    assert [line.split(" [")[1][:7] for line in lines] == ["FLOW004", "FLOW003"]
    assert "closing the loop 'd400' → 'trap' → 'd400'" in lines[1]
