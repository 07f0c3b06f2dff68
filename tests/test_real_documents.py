"""Real public documents, encoded as a handbook (tests/corpus/real, sources in its README):
an incident post-mortem, an emergency procedure, a runbook with commands and a staged
feature-flag rollout. Each must check clean under --strict without a made-up value, match
the JSON Schemas editors use, build, and read right in Chromium."""

from __future__ import annotations

import html as html_module
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.model.schema import schemas
from tests.support import REPO, TODAY_ARG, run_cli
from tests.support.browser import StaticServer, chromium, session
from tests.support.build import build, make_project
from tests.test_browser import wait_for_diagrams

CORPUS = REPO / "tests" / "corpus" / "real"
FILES = sorted((CORPUS / "sops").rglob("*.yml"))
PAGES = {
    "PM-GITLAB-DB-2017-01": "postmortems/pm-gitlab-db-2017-01/",
    "SOP-LAB-SPILL": "procedures/sop-lab-spill/",
    "SOP-K8S-DRAIN": "procedures/sop-k8s-drain/",
    "PROC-FF-ROLLOUT": "processes/proc-ff-rollout/",
}


def _load(path: Path) -> object:
    return json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")),
                                 default=lambda v: v.isoformat()))


def test_the_corpus_has_one_document_of_each_kind_and_cites_each_source() -> None:
    kinds = {}
    for path in FILES:
        data = _load(path)
        if isinstance(data, dict):
            kinds[data["id"]] = data["kind"]
            assert data["status"] == "imported"
            assert data["source"]["citation"]
            assert data["source"]["imported"]
    assert kinds == {"PM-GITLAB-DB-2017-01": "postmortem", "SOP-LAB-SPILL": "sop",
                     "SOP-K8S-DRAIN": "sop", "PROC-FF-ROLLOUT": "process"}
    readme = (CORPUS / "README.md").read_text("utf-8")
    for path in FILES:
        if path.name != "roles.yml":
            assert path.relative_to(CORPUS).as_posix() in readme


def test_it_checks_clean_under_strict() -> None:
    result = run_cli("check", CORPUS / "sops", "--strict", cwd=REPO, today=TODAY_ARG)
    assert (result.returncode, result.stdout) == (0, "")


def test_unknown_values_stay_unknown() -> None:
    """What the sources do not give is absent, not filled in with something plausible."""
    postmortem = _load(CORPUS / "sops" / "postmortems" / "PM-GITLAB-DB-2017-01.yml")
    assert isinstance(postmortem, dict)
    assert "severity" not in postmortem
    assert "review_every" not in postmortem
    assert all(set(a) == {"id", "type", "description", "status"} and a["status"] == "archived"
               for a in postmortem["actions"])
    rollout = _load(CORPUS / "sops" / "processes" / "PROC-FF-ROLLOUT.yml")
    assert isinstance(rollout, dict)
    assert all("likelihood" not in r and "impact" not in r for r in rollout["premortem"])
    assert all("target" not in m for m in rollout["metrics"])


def test_every_file_matches_the_json_schema_of_its_kind() -> None:
    validators = {name.removesuffix(".schema.json"):
                  jsonschema.Draft202012Validator(json.loads(text))
                  for name, text in schemas().items()}
    for path in FILES:
        data = _load(path)
        items = data if isinstance(data, list) else [data]
        for item in items:
            assert isinstance(item, dict)
            errors = [e.message for e in validators[item["kind"]].iter_errors(item)]
            assert errors == [], path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(make_project(tmp_path_factory.mktemp("real"), CORPUS / "sops"))


def _text(site: Path, page: str) -> str:
    html = (site / page / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))


@pytest.mark.slow
def test_the_postmortem_page_states_what_is_known_and_what_is_not(site: Path) -> None:
    text = _text(site, PAGES["PM-GITLAB-DB-2017-01"])
    assert "Severity not stated" in text
    assert "Time to mitigate (from detection) 17 h 30 min" in text
    assert "Duration (start to resolution) 18 h 30 min" in text
    assert "Imported, not signed here This record was brought into the handbook" in text
    assert "procedure in use" not in text  # a record, not a procedure
    assert "Next review" not in text  # a record is never due
    actions = (site / "actions" / "index.html").read_text("utf-8")
    assert "prompt-names-host" not in actions  # archived: not open work


@pytest.mark.slow
def test_the_emergency_page_puts_the_immediate_actions_before_anything_else(
        site: Path) -> None:
    text = _text(site, PAGES["SOP-LAB-SPILL"])
    order = [text.index(s) for s in ("Immediate actions", "Whom to call", "Document control",
                                     "Purpose", "1. Look over the scene")]
    assert order == sorted(order)
    assert "x13 from a University phone" in text


@pytest.mark.slow
def test_the_runbook_keeps_its_commands_and_waits_after_the_work(site: Path) -> None:
    html = (site / PAGES["SOP-K8S-DRAIN"] / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    code = html_module.unescape(re.sub(r"<[^>]+>", "", article))  # highlighted tokens joined
    assert "kubectl uncordon <node name>" in code
    assert "curl -v -H 'Content-type: application/json' http://127.0.0.1:8080/" in code
    drain = code[code.index("2. Drain the node"):]
    assert drain.index("kubectl drain <node name>") < drain.index("Wait until")
    text = _text(site, PAGES["SOP-K8S-DRAIN"])
    assert "Troubleshooting" in text


@pytest.mark.slow
@pytest.mark.browser
def test_each_page_reads_in_chromium_on_a_phone_and_a_desktop(site: Path) -> None:
    """No script error, no off-machine request, no page wider than the screen, and every
    flowchart drawn."""
    problems: list[str] = []
    with StaticServer(site) as server, chromium() as browser, session(browser) as web:
        for width in (390, 1280):
            page = web.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            page.on("pageerror", lambda error: problems.append(str(error)))
            for doc, path in PAGES.items():
                page.goto(server.url + path, wait_until="load")
                if doc != "PM-GITLAB-DB-2017-01":
                    wait_for_diagrams(page, 1)
                wide = page.evaluate(
                    "document.documentElement.scrollWidth > window.innerWidth + 1")
                if wide:
                    problems.append(f"{doc} at {width}px is wider than the screen")
            page.close()
        problems += web.blocked
    assert problems == []
