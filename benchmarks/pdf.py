"""Time `sopsite build` and `sopsite pdf` on a synthetic handbook (benchmarks/synth.py).

    python benchmarks/pdf.py N [WORK_DIR]

One run each: the build, then the printing of that built site (`sopsite pdf --site`), with
the PDF sizes per document. The figures go to docs/benchmarks.md ("PDF") by hand.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import ENV, make_project
from benchmarks.synth import SEED

REPO = Path(__file__).resolve().parent.parent
SOPSITE = REPO / ".venv" / "bin" / "sopsite"


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    n = int(argv[0])
    work = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="sopsite-pdf-"))
    work.mkdir(parents=True, exist_ok=True)
    make_project(work, n, SEED)
    build = timed([str(SOPSITE), "build", "-d", "site"], work)
    printing = timed([str(SOPSITE), "pdf", "--site", "site", "--out", "pdf", "-q"], work)
    sizes = [p.stat().st_size for p in (work / "pdf").glob("*.pdf") if p.name != "handbook.pdf"]
    handbook = (work / "pdf" / "handbook.pdf").stat().st_size
    print(json.dumps({"n": n, "documents": len(sizes), "build_s": round(build, 1),
                      "pdf_s": round(printing, 1),
                      "per_document_s": round(printing / len(sizes), 3),
                      "mean_kb": round(statistics.mean(sizes) / 1024, 1),
                      "min_kb": round(min(sizes) / 1024, 1),
                      "max_kb": round(max(sizes) / 1024, 1),
                      "handbook_mb": round(handbook / 1e6, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
