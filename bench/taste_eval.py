"""What the reader's feedback does. A reader likes nine diffusion-language-model papers
from the shared days of May 19–20 and dislikes five medical-imaging ones (both chosen by
rule: the top-ranked papers of that area and of medical applications on those days); on
every later shared day, how many language-model papers are in the top 5 before and after,
and whether any medical-imaging paper rises. Then the cost: ranking the largest day with
1,000 feedback items against none.

    python bench/taste_eval.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

MEDICAL = re.compile(r"\b(?:MRI|CT|medical|clinical|patholog\w*|radiolog\w*|lesion|tumou?r|"
                     r"X-ray|ultrasound|histolog\w*|diagnos\w*)\b", re.I)
LM_AREA = "diffusion language models"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    args = parser.parse_args()
    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline import rank_day
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile
    from arxiv_digest.writers import area_of

    days = sorted((args.shared / "data" / "arxiv").glob("*.jsonl"))
    profile = load_profile()
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            rankings = {}
            for path in days:
                rankings[path.stem] = rank_day(settings, store, profile, None, [path])
            learn = [r for d, r in rankings.items() if d in ("2026-05-19", "2026-05-20")]
            pool = [c for r in learn for c in r.candidates]
            likes = [c for c in pool if area_of(c, profile) == LM_AREA][:9]
            dislikes = [c for c in pool if c.relevance.tier == "application"
                        and MEDICAL.search(f"{c.paper.title} {c.paper.abstract}")][:5]
            print(f"likes: {len(likes)} language-model papers; dislikes: {len(dislikes)} "
                  "medical-imaging papers (May 19–20)")
            later = [d for d in rankings if d > "2026-05-20"]
            before = {d: rankings[d] for d in later}
            store.set_feedback(profile.name, [(c.paper.id, c.paper.version, "like")
                                              for c in likes] +
                               [(c.paper.id, c.paper.version, "dislike") for c in dislikes],
                               "cli")
            after = {d: rank_day(settings, store, profile, date.fromisoformat(d)) for d in later}
            report(before, after, profile)
            cost(settings, store, profile, rankings)


def report(before: dict, after: dict, profile) -> None:
    from arxiv_digest.writers import area_of

    print("| day | language-model papers in the pool | in top 5 before | after | "
          "medical papers that rose | medical in top 5 before / after |")
    print("|---|---|---|---|---|---|")
    met, applicable = 0, 0
    for day in before:
        lm = {c.paper.id for c in before[day].candidates if area_of(c, profile) == LM_AREA}
        medical = {c.paper.id for c in before[day].candidates if c.relevance.tier ==
                   "application" and MEDICAL.search(f"{c.paper.title} {c.paper.abstract}")}
        top_before = [c.paper.id for c in before[day].candidates[:5]]
        top_after = [c.paper.id for c in after[day].candidates[:5]]
        rank_b = {c.paper.id: c.rank for c in before[day].candidates}
        rank_a = {c.paper.id: c.rank for c in after[day].candidates}
        rose = sum(1 for pid in medical if rank_a[pid] < rank_b[pid])
        n_after = len(lm & set(top_after))
        if len(lm) >= 3:
            applicable += 1
            met += n_after >= 3
        print(f"| {day} | {len(lm)} | {len(lm & set(top_before))} | {n_after} | {rose} | "
              f"{len(medical & set(top_before))} / {len(medical & set(top_after))} |")
    print(f"\ndays with 3 or more language-model papers in the pool: {applicable}; "
          f"with at least 3 of them in the top 5 after feedback: {met}")


def cost(settings, store, profile, rankings) -> None:
    from arxiv_digest.pipeline import rank_day

    largest = max(rankings, key=lambda d: rankings[d].considered)
    others = [c for d, r in rankings.items() if d != largest for c in r.candidates]
    papers = [p for p in store.papers_listed_between(date(2026, 1, 1),
                                                     date(2026, 12, 31),
                                                     profile.categories)][:1000]
    day = date.fromisoformat(largest)
    store.reset_feedback(profile.name)

    def timed() -> float:
        best = 1e9
        for _ in range(3):
            start = time.perf_counter()
            rank_day(settings, store, profile, day)
            best = min(best, time.perf_counter() - start)
        return best
    none = timed()
    store.set_feedback(profile.name, [(p.id, p.version, "like" if i % 3 else "dislike")
                                      for i, p in enumerate(papers)], "cli")
    some = timed()
    print(f"\nranking {largest} ({rankings[largest].pool} on-topic papers): {none:.3f} s without "
          f"feedback, {some:.3f} s with {len(papers)} feedback items (+{some - none:.3f} s); "
          f"{len(others)} candidates in all days")


if __name__ == "__main__":
    main()
