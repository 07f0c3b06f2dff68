"""The failure page of `sopsite serve` and how a failed build becomes one, without a server.

The served behaviour (a real process, real requests, Chromium) is in test_serve_errors.py;
these pin what the page says for the cases a live handbook rarely produces on cue: a
refusal MkDocs wrapped in its own abort, a plugin that exits, more problems than the page
lists, a code the errors reference has no anchor for.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import escape
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from generator.mkdocs.prepare import RefusedError
from generator.mkdocs.serve import _is_page
from generator.mkdocs.servepages import MAX_MESSAGE_CHARS, MAX_MESSAGES, failure_of
from generator.problems import Problem, Severity
from generator.render.failure import MAX_SHOWN, ErrorsPage, failure_page
from tests.support.serving import page_text

ENDED = dt.datetime(2026, 11, 21, 9, 15, 42)
HOSTILE = "<script>alert(1)</script>{{ 7*7 }}\"'&"


def _problem(path: str = "sops/a.yml", line: int = 3, code: str = "REF001",
             message: str = "unknown role 'x'") -> Problem:
    return Problem(path, line, 5, code, Severity.ERROR, message)


def _aborted(inner: PluginError) -> Abort:
    """What MkDocs' build raises for a plugin's error: an Abort raised while handling it."""
    try:
        try:
            raise inner
        except PluginError:
            raise Abort("Aborted with a BuildError!")  # noqa: B904 - as MkDocs does
    except Abort as abort:
        return abort


def test_a_refusal_wrapped_in_mkdocs_abort_keeps_its_problems() -> None:
    problems = [_problem(), _problem("sops/b.yml", 7, "YAML001", "invalid YAML")]
    refusal = RefusedError("the handbook has errors", problems)
    failure = failure_of(_aborted(refusal), [str(refusal), "a warning of MkDocs"], ENDED)
    assert failure.problems == tuple(problems)
    assert failure.messages == ("a warning of MkDocs",), "the refusal's text is not repeated"
    assert str(refusal) == ("sopsite: the handbook has errors:\n"
                            "sops/a.yml:3:5: error [REF001] unknown role 'x'\n"
                            "sops/b.yml:7:5: error [YAML001] invalid YAML")


def test_an_unlocated_failure_shows_what_the_build_said() -> None:
    plain = PluginError("docs/x.md would be replaced by a generated page")
    failure = failure_of(_aborted(plain), [], ENDED)
    assert failure.problems == ()
    assert failure.messages == ("docs/x.md would be replaced by a generated page",)

    strict = Abort("Aborted with 2 warnings in strict mode!")
    said = ["Doc file 'index.md' contains a link to 'nope.md', which is not found", "second"]
    assert failure_of(strict, said, ENDED).messages == (*said, str(strict))

    assert failure_of(SystemExit(3), [], ENDED).messages == (
        "a plugin stopped the build (exit code 3)",)
    assert failure_of(ConfigurationError("bad nav"), ["bad nav"], ENDED).messages == ("bad nav",)


def test_the_messages_of_a_failure_are_bounded() -> None:
    said = [f"message {n} " + "x" * (MAX_MESSAGE_CHARS + 10) for n in range(MAX_MESSAGES + 5)]
    failure = failure_of(Abort("Aborted"), said, ENDED)
    assert len(failure.messages) == MAX_MESSAGES
    assert all(len(m) == MAX_MESSAGE_CHARS + 1 and m.endswith("…") for m in failure.messages)


def test_author_text_is_escaped_everywhere_on_the_page() -> None:
    problem = _problem(path=f"sops/{HOSTILE}.yml", message=f"unknown role {HOSTILE}")
    page = failure_page([problem], [f"MkDocs said {HOSTILE}"], when=ENDED, building=False,
                        errors=ErrorsPage("/errors/", frozenset({"REF001"})),
                        summaries={"REF001": "unknown role"})
    assert "<script>alert" not in page
    assert "{{ 7*7 }}" in page
    escaped = str(escape(HOSTILE))
    assert page.count(escaped) == 3, page
    text = page_text(page)
    assert f"sops/{HOSTILE}.yml:3:5: error [REF001] unknown role {HOSTILE}" in text
    assert f"MkDocs said {HOSTILE}" in text
    assert "REF001: unknown role" in text
    assert re.findall(r"<script\b", page) == [], "the server adds the only script"


def test_each_code_links_to_its_anchor_when_the_reference_has_one() -> None:
    problems = [_problem(code="REF001"), _problem(line=9, code="NEW001")]
    page = failure_page(problems, [], when=ENDED, building=False,
                        errors=ErrorsPage("/docs/errors/", frozenset({"REF001"})),
                        summaries={})
    assert '[<a href="/docs/errors/#REF001">REF001</a>]' in page
    assert '[<a href="/docs/errors/">NEW001</a>]' in page
    assert 'href="/docs/errors/">the errors reference</a>' in page

    unbuilt = failure_page(problems, [], when=ENDED, building=False, errors=None, summaries={})
    assert "href=" not in unbuilt
    assert "sopsite rules lists every code" in page_text(unbuilt)


def test_the_page_lists_a_bounded_number_of_problems() -> None:
    problems = [_problem(line=n) for n in range(1, MAX_SHOWN + 251)]
    page = failure_page(problems, [], when=ENDED, building=True, errors=None, summaries={})
    text = page_text(page)
    assert page.count('<div class="line">') == MAX_SHOWN
    assert f"stopped on {MAX_SHOWN + 250:,} problems" in text
    assert "And 250 more, not listed here: run sopsite check to see every one." in text
    assert "(ended 09:15:42)" in text
    assert "A new build is under way;" in text


def test_a_build_under_way_has_its_own_page() -> None:
    text = page_text(failure_page([], [], when=None, building=True, errors=None, summaries={}))
    assert text.startswith("Rebuilding the handbook · sopsite serve Rebuilding the handbook")
    assert "reloads by itself when the build ends" in text
    assert "does not build" not in text


def test_which_requests_are_pages() -> None:
    pages = ["/", "/procedures/sop-it-ci/", "/procedures/sop-it-ci/index.html", "/roles",
             "/no/such/page/", "/404.html"]
    assets = ["/assets/stylesheets/main.css", "/assets/javascripts/bundle.js",
              "/search/search_index.json", "/livereload/123/456", "/sitemap.xml"]
    assert [p for p in pages if not _is_page(p, "/")] == []
    assert [p for p in assets if _is_page(p, "/")] == []
    assert _is_page("/docs/roles/", "/docs/")
    assert _is_page("/docs", "/docs/")
    assert not _is_page("/elsewhere/", "/docs/")
