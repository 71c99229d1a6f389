"""What the meaning-aware writer costs: the offline run of the largest shared day (ingest,
rank, bind, write, verify with the meaning check, render) against a bare TF-IDF fit of
the same day's titles and abstracts, both in one process (start-up excluded), best of N.

    python bench/fidelity_cost_bench.py [--shared ../shared] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from arxiv_digest.pipeline import RunOptions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def largest_day(shared: Path) -> Path:
    return max((shared / "data" / "arxiv").glob("*.jsonl"),
               key=lambda p: sum(1 for _ in p.open(encoding="utf-8")))


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer

    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline import run_day
    from arxiv_digest.sources.jsonl import JsonlReplay
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile

    day = largest_day(args.shared)
    papers = JsonlReplay(day).read(None, ["cs.CV", "cs.LG"]).listing.papers()
    texts = [f"{p.title} {p.abstract}" for p in papers]

    def tfidf():
        TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)

    def offline_run():
        with tempfile.TemporaryDirectory() as home:
            settings = load_settings(Path(home))
            with Store(settings.db_path) as store:
                run_day(settings, store, load_profile(),
                        options=RunOptions(inputs=(day,), out_dir=Path(home) / "o"))

    def write_and_verify(plan, cold=False):
        from arxiv_digest import memo, writers
        from arxiv_digest.verify import bank_for, verify

        if cold:
            memo.clear()           # nothing remembered from ranking: roles, bindings, …
        digest = writers.get("offline").write(plan)
        verify(digest, bank_for(digest, plan))

    offline_run()                                   # warm imports and caches once
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            plan = _plan(settings, store, day)
            write = best(lambda: write_and_verify(plan), args.repeat)
            cold = best(lambda: write_and_verify(plan, cold=True), args.repeat)
    fit, run = best(tfidf, args.repeat), best(offline_run, args.repeat)
    print(f"{day.name}: {len(papers)} papers in cs.CV/cs.LG")
    print(f"bare TF-IDF fit of the day: {fit:.3f} s")
    print(f"writing and verifying the digest (roles, binding, meaning check): {write:.3f} s "
          f"({write / fit:.2f}× the fit); with every cache emptied first {cold:.3f} s "
          f"({cold / fit:.2f}×)")
    print(f"whole offline run (ingest → render): {run:.3f} s ({run / fit:.1f}× the fit)")


def _plan(settings, store, day):
    from arxiv_digest.pipeline import rank_day
    from arxiv_digest.topics import load_profile
    from arxiv_digest.writers import DigestPlan

    ranking = rank_day(settings, store, load_profile(), None, [day])
    return DigestPlan(day=ranking.date, profile=load_profile(), counts=ranking.counts,
                      ranking=ranking, picks=ranking.candidates[:5])


if __name__ == "__main__":
    main()
