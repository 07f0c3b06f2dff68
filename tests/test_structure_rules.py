"""Structure in long procedures: step groups, troubleshooting, forks and joins, wait steps.

Each test adds one SOP to the minimal handbook (which is clean) and compares the complete
list of problems, so a rule that fires too often, too rarely or at the wrong place fails.
The SOP's header takes lines 1-21, so its `steps:` key is line 22 and the first step's
`- id:` line 23.
"""

from __future__ import annotations

from textwrap import dedent

from tests.support import Book

F = "hb/sop-par.yml"

HEADER = """\
kind: sop
id: SOP-PAR-001
title: Cook two things at once
version: "1.0"
status: effective
owner: it-director
effective: 2026-03-01
review_every: 12
approvals:
  - name: Ada Lovelace
    role: it-director
    version: "1.0"
    date: 2026-02-20
    meaning: approval
purpose: Dinner on time.
scope: One kitchen.
roles:
  - role: technician
    raci: responsible
  - role: it-director
    raci: accountable
"""


def sop(book: Book, body: str) -> list[str]:
    """The problems of the handbook with an SOP of ``body`` (its keys after the header)."""
    book.write("sop-par.yml", HEADER + dedent(body))
    return book.lines()


FORKED = """\
steps:
  - id: start
    title: Start both
    actor: technician
    fork:
      paths: [boil, chop]
      join: combine
  - id: boil
    title: Boil the stock
    actor: technician
    next: combine
  - id: chop
    title: Chop the vegetables
    actor: it-director
  - id: combine
    title: Combine
    actor: technician
    end: true
"""


def test_a_fork_whose_paths_meet_at_the_join_is_clean(book: Book) -> None:
    assert sop(book, FORKED) == []


def test_wait_step_and_groups_are_clean(book: Book) -> None:
    assert sop(book, """\
        groups:
          - {id: prepare, title: Prepare}
          - {id: cook, title: Cook, description: The **hot** part.}
        steps:
          - id: heat
            title: Heat the pot
            actor: technician
            group: prepare
            wait: {until: the water boils, timeout: 20m}
          - id: cook
            title: Cook
            actor: technician
            group: cook
        """) == []


# --- FLOW001 on fork paths -----------------------------------------------------------------


def test_unknown_fork_path_points_at_the_path(book: Book) -> None:
    assert sop(book, FORKED.replace("paths: [boil, chop]", "paths: [boil, chp]")) == [
        f"{F}:27:21: error [FLOW001] path 2 of the fork of step 'start' leads to unknown "
        "step 'chp'; did you mean 'chop'?",
        f"{F}:33:9: error [FLOW002] step 'chop' is not reachable from the first step "
        "'start'; point a 'next' or a decision branch at it, or remove it",
    ]


# --- FORK001 -------------------------------------------------------------------------------


def test_unknown_join(book: Book) -> None:
    assert sop(book, FORKED.replace("join: combine", "join: combin")) == [
        f"{F}:28:13: error [FORK001] the fork of step 'start' joins at unknown step "
        "'combin'; did you mean 'combine'?",
    ]


# --- FORK002 -------------------------------------------------------------------------------


def test_path_that_ends_before_the_join(book: Book) -> None:
    body = FORKED.replace("    actor: it-director\n", "    actor: it-director\n    end: true\n")
    assert sop(book, body) == [
        f"{F}:27:21: error [FORK002] path 2 of the fork of step 'start' (from step "
        "'chop') never reaches the join 'combine'; lead its last step there with 'next: "
        "combine'",
    ]


def test_path_that_may_end_before_the_join(book: Book) -> None:
    body = FORKED.replace("""\
    actor: it-director
""", """\
    actor: it-director
    decision:
      question: Enough?
      branches:
        - {label: "yes", next: combine}
        - {label: "no", next: give-up}
  - id: give-up
    title: Give up
    actor: it-director
    end: true
""")
    assert sop(book, body) == [
        f"{F}:27:21: error [FORK002] path 2 of the fork of step 'start' (from step "
        "'chop') can end the flow at step 'give-up' before reaching the join 'combine'; "
        "the join waits for every path: lead it to 'combine' instead",
    ]


def test_path_that_starts_at_the_join(book: Book) -> None:
    assert sop(book, FORKED.replace("paths: [boil, chop]", "paths: [boil, combine]")) == [
        f"{F}:27:21: error [FORK002] path 2 of the fork of step 'start' (from step "
        "'combine') starts at the join 'combine' itself; a path needs a step of its "
        "own, or leave it out of 'paths'",
        f"{F}:33:9: error [FLOW002] step 'chop' is not reachable from the first step "
        "'start'; point a 'next' or a decision branch at it, or remove it",
    ]


# --- FORK003 -------------------------------------------------------------------------------


def test_step_outside_the_fork_leads_into_its_join(book: Book) -> None:
    body = FORKED.replace("""\
steps:
""", """\
steps:
  - id: shop
    title: Shop
    actor: technician
    decision:
      question: Anything to cook?
      branches:
        - {label: "yes", next: start}
        - {label: "no", next: combine}
""")
    assert sop(book, body) == [
        f"{F}:30:31: error [FORK003] step 'shop' leads into step 'combine', the join of "
        "the fork of step 'start', from outside the fork; a join waits only for the "
        "fork's paths: lead it elsewhere, or make it part of one of the paths",
    ]


def test_one_join_for_two_forks(book: Book) -> None:
    body = FORKED.replace("""\
  - id: combine
""", """\
    next: again
  - id: again
    title: Again
    actor: technician
    fork:
      paths: [boil2, chop2]
      join: combine
  - id: boil2
    title: Boil more
    actor: technician
    next: combine
  - id: chop2
    title: Chop more
    actor: it-director
  - id: combine
""")
    assert sop(book, body) == [
        f"{F}:42:13: error [FORK003] step 'combine' is already the join of the fork of "
        "step 'start'; give each fork a join of its own",
    ]


# --- FORK004 -------------------------------------------------------------------------------


def test_path_that_jumps_back_before_the_fork(book: Book) -> None:
    body = FORKED.replace("""\
steps:
""", """\
steps:
  - id: shop
    title: Shop
    actor: technician
""").replace("    next: combine\n", """\
    decision:
      question: Stock good?
      branches:
        - {label: "yes", next: combine}
        - {label: "no", next: shop}
""")
    assert sop(book, body) == [
        f"{F}:39:31: error [FORK004] step 'boil', on a path of the fork of step 'start', "
        "leads to step 'shop' outside the fork before its join 'combine'; the paths of "
        "a fork leave it only through the join: lead it to 'combine'",
    ]


def test_path_that_jumps_back_is_told_once_where_it_leaves(book: Book) -> None:
    # `first` flows into `shop` by the list order; that is not an outside step entering.
    body = FORKED.replace("""\
steps:
""", """\
steps:
  - id: first
    title: First
    actor: technician
  - id: shop
    title: Shop
    actor: technician
""").replace("    next: combine\n", """\
    decision:
      question: Stock good?
      branches:
        - {label: "yes", next: combine}
        - {label: "no", next: shop}
""")
    assert sop(book, body) == [
        f"{F}:42:31: error [FORK004] step 'boil', on a path of the fork of step 'start', "
        "leads to step 'shop' outside the fork before its join 'combine'; the paths of a "
        "fork leave it only through the join: lead it to 'combine'",
    ]


def test_step_outside_jumps_into_a_path(book: Book) -> None:
    body = FORKED.replace("""\
steps:
""", """\
steps:
  - id: shop
    title: Shop
    actor: technician
    decision:
      question: Vegetables ready?
      branches:
        - {label: "no", next: start}
        - {label: "yes", next: chop}
""")
    assert sop(book, body) == [
        f"{F}:30:32: error [FORK004] step 'shop', outside the fork of step 'start', "
        "leads to step 'chop' on one of its paths; a path is entered only through its "
        "fork",
    ]


# --- FORK005 -------------------------------------------------------------------------------


def test_path_that_runs_into_the_next_path_by_the_list_order(book: Book) -> None:
    assert sop(book, FORKED.replace("    next: combine\n", "")) == [
        f"{F}:29:9: error [FORK005] step 'boil', on path 1 of the fork of step 'start', "
        "leads to step 'chop' on path 2; paths done at the same time share no step: "
        "lead it to the join with 'next: combine'",
    ]


def test_a_path_named_twice(book: Book) -> None:
    assert sop(book, FORKED.replace("paths: [boil, chop]", "paths: [boil, chop, boil]")) == [
        f"{F}:27:27: error [FORK005] path 3 of the fork of step 'start' repeats path 1 "
        "('boil'); name each path once",
    ]


# --- loops through forks -------------------------------------------------------------------


def test_loop_around_a_fork_with_a_way_out_is_clean(book: Book) -> None:
    body = FORKED.replace("""\
    actor: technician
    end: true
""", """\
    actor: technician
    decision:
      question: Good?
      branches:
        - {label: "yes", next: serve}
        - {label: "no", next: start}
  - id: serve
    title: Serve
    actor: technician
""")
    assert sop(book, body) == []


def test_loop_around_a_fork_with_no_way_out(book: Book) -> None:
    body = FORKED.replace("    end: true\n", "    next: start\n")
    assert sop(book, body) == [
        f"{F}:39:11: error [FLOW003] next step of step 'combine' goes back to step 'start', "
        "closing the loop 'start' → 'boil' → 'combine' → 'start', which no path leaves to "
        "reach an end; give the loop a way out with a decision, or mark a step 'end: true'",
    ]


def test_loop_inside_one_path_that_never_reaches_the_join(book: Book) -> None:
    body = FORKED.replace("    actor: it-director\n", "    actor: it-director\n    next: chop\n")
    assert sop(book, body) == [
        f"{F}:27:21: error [FORK002] path 2 of the fork of step 'start' (from step "
        "'chop') never reaches the join 'combine'; lead its last step there with 'next: "
        "combine'",
        f"{F}:36:11: error [FLOW003] next step of step 'chop' goes back to step 'chop', "
        "closing the loop 'chop' → 'chop', which no path leaves to reach an end; give the "
        "loop a way out with a decision, or mark a step 'end: true'",
    ]


# --- GROUP001-003 --------------------------------------------------------------------------


GROUPED = """\
groups:
  - id: prepare
    title: Prepare
  - id: cook
    title: Cook
steps:
  - id: a
    title: A
    actor: technician
    group: prepare
  - id: b
    title: B
    actor: technician
    group: cook
  - id: c
    title: C
    actor: technician
    group: cook
"""


def test_groups_in_order_are_clean(book: Book) -> None:
    assert sop(book, GROUPED) == []


def test_unknown_group(book: Book) -> None:
    assert sop(book, GROUPED.replace("group: prepare", "group: prepar")) == [
        f"{F}:23:9: warning [GROUP003] group 'prepare' has no steps; name it in the "
        "'group' of the steps it holds, or remove it",
        f"{F}:31:12: error [GROUP001] step 'a' is in group 'prepar', which the document "
        "does not define; did you mean 'prepare'?",
    ]


def test_group_without_any_groups(book: Book) -> None:
    body = "steps:\n  - id: a\n    title: A\n    actor: technician\n    group: prepare\n"
    assert sop(book, body) == [
        f"{F}:26:12: error [GROUP001] step 'a' is in group 'prepare', which the document "
        "does not define; the document defines no groups: add it under 'groups'",
    ]


def test_scattered_group(book: Book) -> None:
    body = GROUPED.replace("  - id: c\n    title: C\n    actor: technician\n    group: cook",
                           "  - id: c\n    title: C\n    actor: technician\n    group: prepare")
    assert sop(book, body) == [
        f"{F}:39:12: error [GROUP002] step 'c' is in group 'prepare', whose steps "
        "stopped at step 'a' (step 1); keep a group's steps together: move 'c' up after "
        "'a', or put it in another group",
    ]


def test_group_with_no_steps_is_a_warning(book: Book) -> None:
    body = GROUPED.replace("    group: prepare\n", "")
    assert sop(book, body) == [
        f"{F}:23:9: warning [GROUP003] group 'prepare' has no steps; name it in the "
        "'group' of the steps it holds, or remove it",
    ]


def test_duplicate_and_misshapen_group_ids(book: Book) -> None:
    body = GROUPED.replace("  - id: cook\n    title: Cook", "  - id: Prepare\n    title: Cook\n"
                           "  - id: prepare\n    title: Again")
    assert sop(book, body) == [
        f"{F}:25:9: warning [GROUP003] group 'Prepare' has no steps; name it in the "
        "'group' of the steps it holds, or remove it",
        f"{F}:25:9: error [ID003] expected a group id of lower-case letters, digits and "
        "hyphens, found 'Prepare'; e.g. 'prepare'",
        f"{F}:27:9: error [ID001] duplicate group id 'prepare': first defined at "
        "hb/sop-par.yml:23:9",
        f"{F}:37:12: error [GROUP001] step 'b' is in group 'cook', which the document "
        "does not define; valid groups: Prepare, prepare",
        f"{F}:41:12: error [GROUP001] step 'c' is in group 'cook', which the document "
        "does not define; valid groups: Prepare, prepare",
    ]


# --- TROUBLE001 ----------------------------------------------------------------------------


def test_troubleshooting_links_unknown_step(book: Book) -> None:
    body = GROUPED + dedent("""\
        troubleshooting:
          - symptom: It burns
            action: Turn the heat **down**.
            steps: [a, bb]
        """)
    assert sop(book, body) == [
        f"{F}:43:16: error [TROUBLE001] troubleshooting entry 'It burns' links unknown "
        "step 'bb'; did you mean 'b'?",
    ]



def test_a_fork_inside_a_path_of_another_fork_is_clean(book: Book) -> None:
    assert sop(book, """\
        steps:
          - id: start
            title: Start both
            actor: technician
            fork:
              paths: [stock, chop]
              join: combine
          - id: stock
            title: Start the stock
            actor: technician
            fork:
              paths: [boil, skim]
              join: season
          - id: boil
            title: Boil
            actor: technician
            next: season
          - id: skim
            title: Skim
            actor: it-director
          - id: season
            title: Season the stock
            actor: technician
            next: combine
          - id: chop
            title: Chop
            actor: it-director
          - id: combine
            title: Combine
            actor: technician
            decision:
              question: Good?
              branches:
                - {label: "yes", next: serve}
                - {label: "no", next: start}
          - id: serve
            title: Serve
            actor: technician
        """) == []


def test_an_inner_fork_whose_path_skips_to_the_outer_join(book: Book) -> None:
    body = FORKED.replace("""\
  - id: boil
    title: Boil the stock
    actor: technician
    next: combine
""", """\
  - id: boil
    title: Start the stock
    actor: technician
    fork:
      paths: [heat, skim]
      join: season
  - id: heat
    title: Heat
    actor: technician
    next: combine
  - id: skim
    title: Skim
    actor: technician
  - id: season
    title: Season
    actor: technician
    next: combine
""")
    assert sop(book, body) == [
        f"{F}:33:15: error [FORK002] path 1 of the fork of step 'boil' (from step "
        "'heat') never reaches the join 'season'; lead its last step there with 'next: "
        "season'",
        f"{F}:38:11: error [FORK004] step 'heat', on a path of the fork of step 'boil', "
        "leads to step 'combine' outside the fork before its join 'season'; the paths "
        "of a fork leave it only through the join: lead it to 'season'",
    ]
