"""Benchmark: `arxiv-digest run` on the largest shared day, from the replay file to the
JSON, Markdown and HTML outputs, as a user runs it (a new process each time, start-up
included). Reports wall time (best and median of N) and peak RSS, for a first run into
an empty data directory and for a re-run of the same day, beside the floor: a new
process that reads the same file and fits the ranking's own TF-IDF configuration on it
(run interleaved with the runs, so both see the same machine).

    python bench/run_bench.py [--shared ../shared] [--day 2026-06-23] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    pid = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", repo.parent / "shared")))
    parser.add_argument("--day", default="2026-06-23")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    source = args.shared / "data" / "arxiv" / f"{args.day}.jsonl"
    first, rerun, floor = [], [], []
    fit = ("import json, sys\n"
           "import numpy\n"
           "from sklearn.feature_extraction.text import TfidfVectorizer\n"
           "rows = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8')]\n"
           "docs = [f\"{r['title']}. {r['title']}. {r['abstract']}\" for r in rows]\n"
           "TfidfVectorizer(stop_words='english', sublinear_tf=True, ngram_range=(1, 2),\n"
           "                max_features=60000, dtype=numpy.float32).fit_transform(docs)\n")
    for _ in range(args.repeat):
        floor.append(timed([sys.executable, "-c", fit, str(source)], dict(os.environ)))
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, ARXIV_DIGEST_HOME=home)
            cmd = [sys.executable, "-m", "arxiv_digest", "run", "--quiet", "--input", str(source),
                   "--out", str(Path(home) / "out")]
            first.append(timed(cmd, env))
            rerun.append(timed(cmd, env))
    lines = sum(1 for _ in source.open(encoding="utf-8"))
    print(f"run --input {source.name} ({lines} papers), {args.repeat} repeats, new process each")
    base = statistics.median(w for w, _ in floor)
    for name, runs in (("first run (empty data dir)", first), ("re-run of the same day", rerun),
                       ("floor: a new process fitting the TF-IDF", floor)):
        walls = [w for w, _ in runs]
        print(f"{name}: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
              f"({statistics.median(walls) / base:.2f}× the floor), "
              f"peak RSS {max(r for _, r in runs):.0f} MB")


if __name__ == "__main__":
    main()
