"""How long the pinned Mermaid takes to lay out sopsite's flowcharts, by size.

Mermaid draws a diagram in one main-thread task of the reader's browser: while it lays the
chart out the tab does not scroll, type or click. This measures that task for flowcharts
made by sopsite's own renderer (`generator.render.flowchart.flowchart`) over a grid of
step counts, swimlanes (roles) and shares of decision steps, in Debian's headless Chromium,
with the Mermaid build from node_modules, on a plain local page (no MkDocs, no Material).

Each point reports `mermaid.render` as timed with `performance.now()` in the page, the
longest task a `PerformanceObserver` for `longtask` saw meanwhile, and the diagram's size as
sopsite measures it (`generator.render.mermaid.measure`). Points are run from small to
large; once a row of the grid passes the stop time, its larger points are skipped, since
layout never gets cheaper with more nodes. The table is printed as Markdown for
docs/benchmarks.md; the budget in `generator.render.mermaid` is chosen from it.

    .venv/bin/python benchmarks/mermaid_layout.py            # the whole grid
    .venv/bin/python benchmarks/mermaid_layout.py --quick    # a few points
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.model import Branch, Decision, Step  # noqa: E402
from generator.render.flowchart import flowchart  # noqa: E402
from generator.render.mermaid import measure  # noqa: E402

MERMAID_JS = REPO / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
CHROMIUM = os.environ.get("SOPSITE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
WORDS = {"start": "Start", "end": "End"}

PAGE = """<!doctype html><html><body><div id="box"></div><script>
window.longest = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.longest = Math.max(window.longest, entry.duration);
}).observe({entryTypes: ["longtask"]});
</script></body></html>"""

RENDER = """async source => {
  window.longest = 0;
  const started = performance.now();
  let error = null;
  try {
    const {svg} = await mermaid.render("d" + Math.random().toString(36).slice(2), source);
    document.getElementById("box").innerHTML = svg;
  } catch (e) { error = String(e && e.message || e).slice(0, 120); }
  const ms = performance.now() - started;
  await new Promise(resolve => setTimeout(resolve, 50));  // let the observer report
  document.getElementById("box").innerHTML = "";
  return {ms, longest: window.longest, error};
}"""


def steps(count: int, lanes: int, decisions: float, *, first: int = 0) -> list[Step]:
    """A flow of ``count`` steps dealt round-robin to ``lanes`` roles (every edge crosses
    lanes, the hard case); every k-th step a decision whose second branch skips ahead, or
    else the ``first`` steps."""
    every = round(1 / decisions) if decisions else 0
    result = []
    for i in range(count):
        title = f"Do the work of step {i + 1} and record it"
        decision = None
        chosen = i < first or (every and i % every == every - 1)
        if chosen and i + 2 < count:
            decision = Decision(question=f"Is step {i + 1} complete?", branches=[
                Branch(label="yes", next=f"s-{i + 2}"), Branch(label="no", next=f"s-{i + 3}")])
        result.append(Step(id=f"s-{i + 1}", title=title, actor=f"role-{i % lanes + 1}",
                           decision=decision))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few points only")
    parser.add_argument("--stop", type=float, default=8000.0,
                        help="ms after which a row's larger points are skipped")
    parser.add_argument("--json", type=Path, help="also write the points here")
    parser.add_argument("--corner", nargs=3, type=int, action="append", default=[],
                        metavar=("STEPS", "LANES", "EDGES"),
                        help="measure only a flow with exactly these steps, lanes and arrows "
                        "(a candidate budget's worst corner); repeatable")
    parser.add_argument("--handbook", type=Path,
                        help="measure only the flows of this handbook (e.g. one from "
                        "benchmarks/synth.py), and print their median and slowest")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    counts = [25, 100] if args.quick else [25, 50, 100, 200, 400]
    lane_counts = [1, 10] if args.quick else [1, 5, 10, 20, 40]
    shares = [0.0, 1.0] if args.quick else [0.0, 0.25, 1.0]
    points: list[dict[str, Any]] = []
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.set_content(PAGE)
        page.add_script_tag(path=str(MERMAID_JS))
        page.evaluate("mermaid.initialize({startOnLoad: false})")
        page.evaluate(RENDER, flowchart(steps(5, 2, 0.5), str, WORDS))  # warm up the JIT
        if args.handbook:
            _handbook(page, args.handbook)
            browser.close()
            return
        flows = [[(count, lanes, share, 0) for count in counts if lanes <= count]
                 for share in shares for lanes in lane_counts]
        if args.corner:
            flows = [[(count, lanes, 0.0, edges - count - 1)] for count, lanes, edges
                     in args.corner]
        for row in flows:
            for count, lanes, share, first in row:
                flow = steps(count, lanes, share, first=first)
                source = flowchart(flow, str, WORDS)
                runs = []
                for _ in range(5 if args.corner else 3):
                    runs.append(page.evaluate(RENDER, source))
                    if runs[-1]["ms"] > 1000 and not args.corner:
                        break  # one run of a slow point is enough to place it
                size = measure(flow)
                point = {"steps": count, "lanes": lanes,
                         "decisions": sum(step.decision is not None for step in flow) / count,
                         "edges": size.edges, "chars": len(source),
                         "ms": statistics.median(r["ms"] for r in runs),
                         "longest": max(r["longest"] for r in runs), "error": runs[0]["error"]}
                points.append(point)
                print(json.dumps(point), file=sys.stderr, flush=True)
                if point["ms"] > args.stop:
                    break
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(points, indent=1) + "\n", encoding="utf-8")
    print("| steps | lanes | decision steps | edges | source chars | render ms | longest task ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in points:
        note = f" ({p['error']})" if p["error"] else ""
        print(f"| {p['steps']} | {p['lanes']} | {p['decisions']:.0%} | {p['edges']} | "
              f"{p['chars']:,} | {p['ms']:,.0f}{note} | {p['longest']:,.0f} |")


def _handbook(page: Any, root: Path) -> None:
    """Every flow of a handbook as its page would draw it (role ids as lane names)."""
    from generator.load.handbook import load_handbook

    handbook, _ = load_handbook(root)
    times, longest, errors = [], [], 0
    for entry in handbook.documents:
        flow = getattr(entry.item, "steps", None)
        if not flow:
            continue
        result = page.evaluate(RENDER, flowchart(flow, str, WORDS))
        times.append(result["ms"])
        longest.append(result["longest"])
        errors += result["error"] is not None
    print(f"{len(times)} flows: render median {statistics.median(times):,.0f} ms, slowest "
          f"{max(times):,.0f} ms, longest task {max(longest):,.0f} ms, {errors} errors")


if __name__ == "__main__":
    main()
