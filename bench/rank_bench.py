"""Benchmark: rank the largest shared day (2026-06-23) for the default profile.

Reports, separately: loading the day and its history from the store, indexing the
history (the first run's topic verdicts, cached afterwards), and the ranking compute
itself (relevance, claims, short names, every signal, scoring), best of N.

    python bench/rank_bench.py [--shared ../shared] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    repo = Path(__file__).resolve().parent.parent
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", repo.parent / "shared")))
    parser.add_argument("--day", default="2026-06-23")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    t0 = time.perf_counter()
    import sklearn.feature_extraction.text  # noqa: F401  (import cost reported on its own)

    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline.ingest import ingest_file
    from arxiv_digest.store import read_listing
    from arxiv_digest.pipeline import on_topic, profile_settings
    from arxiv_digest.rank import rank_listing
    from arxiv_digest.topics.window import history_window
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile
    imports = time.perf_counter() - t0

    day = date.fromisoformat(args.day)
    with tempfile.TemporaryDirectory() as tmp:
        profile = load_profile()
        settings = profile_settings(load_settings(Path(tmp)), profile)
        with Store(settings.db_path) as store:
            for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
                ingest_file(settings, store, path)
            t0 = time.perf_counter()
            listing = read_listing(settings, store, day)
            start, end = history_window(day)
            history_papers = store.papers_listed_between(start, end, profile.categories)
            load = time.perf_counter() - t0
            t0 = time.perf_counter()
            history = on_topic(store, profile, history_papers)
            indexing = time.perf_counter() - t0
            t0 = time.perf_counter()
            on_topic(store, profile, history_papers)
            cached = time.perf_counter() - t0
            best = None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                ranking = rank_listing(listing, profile, history)
                elapsed = time.perf_counter() - t0
                best = elapsed if best is None else min(best, elapsed)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"day {day}: {len(listing.papers())} papers in {', '.join(profile.categories)}, "
          f"pool {ranking.pool}; history {len(history_papers)} papers, {len(history)} on topic")
    print(f"imports (incl. scikit-learn): {imports:.3f} s")
    print(f"load listing + history from the store: {load:.3f} s")
    print(f"history indexing, first run: {indexing:.3f} s; cached re-run: {cached:.3f} s")
    print(f"ranking compute, best of {args.repeat}: {best:.3f} s")
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
