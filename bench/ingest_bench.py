"""Benchmark: replay every shared listing day into a fresh store.

Reports papers per second (papers read from the JSONL files, and papers stored in
the listing categories) and the process's peak RSS. Run:

    python bench/ingest_bench.py [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    repo = Path(__file__).resolve().parent.parent
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", repo.parent / "shared")))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted((args.shared / "data" / "arxiv").glob("*.jsonl"))
    if not files:
        sys.exit(f"no JSONL days under {args.shared}/data/arxiv")
    lines = sum(1 for f in files for line in f.open(encoding="utf-8") if line.strip())

    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline.ingest import ingest_file
    from arxiv_digest.store import Store

    best = None
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings(Path(tmp))
            start = time.perf_counter()
            with Store(settings.db_path) as store:
                stored = sum(ingest_file(settings, store, f).papers for f in files)
            elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"days: {len(files)}  papers read: {lines}  papers stored (listing categories): {stored}")
    print(f"best of {args.repeat}: {best:.3f} s  ->  {lines / best:,.0f} papers/s read, "
          f"{stored / best:,.0f} papers/s stored")
    print(f"peak RSS: {peak_mb:.1f} MB")


if __name__ == "__main__":
    main()
