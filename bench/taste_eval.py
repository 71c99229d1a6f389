"""What the reader's feedback does. A reader likes nine diffusion-language-model papers
from the shared days of May 19–20 (chosen by rule: the top-ranked papers of those days
that name a diffusion language model, see ``is_lm``); on every later shared day, how many
language-model papers are in the top 5 before, after one like and after nine. The goal:
on every day whose pool holds three or more of them, at least three reach the top 5.
Then the same reader also dislikes five medical-imaging papers (the top-ranked medical
applications of May 19–20): where the medical papers of the later days go, in rank and in
score. Then `feedback reset`: every day's ranking is compared with the one
before any feedback, in full. Then the cost: ranking the largest day with 1,000
feedback items against none (best of five, warm).

    python bench/taste_eval.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
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
# A paper "like the liked ones" names a diffusion language model in its title, or in its
# abstract when the profile puts it in its language-model area (the area alone also takes
# in story, VLM and anime papers that mention "language model" or "text generation").
LM_WORDS = re.compile(r"\b(?:diffusion language models?|diffusion LLMs?|dLLMs?|diffusion LMs?|"
                      r"masked diffusion|discrete diffusion|block diffusion|uniform diffusion)\b",
                      re.I)
LEARN_DAYS = ("2026-05-19", "2026-05-20")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    args = parser.parse_args()
    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline import rank_day
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile

    days = sorted((args.shared / "data" / "arxiv").glob("*.jsonl"))
    profile = load_profile()
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            rankings = {}
            for path in days:
                rankings[path.stem] = rank_day(settings, store, profile, None, [path])
            learn = [r for d, r in rankings.items() if d in LEARN_DAYS]
            pool = [c for r in learn for c in r.candidates]
            likes = [c for c in pool if is_lm(c, profile)][:9]
            dislikes = [c for c in pool if c.relevance.tier == "application"
                        and MEDICAL.search(f"{c.paper.title} {c.paper.abstract}")][:5]
            later = [d for d in rankings if d > LEARN_DAYS[-1]]
            before = {d: rankings[d] for d in later}

            def after(items) -> dict:
                store.reset_feedback(profile.name)
                store.set_feedback(profile.name, items, "cli")
                return {d: rank_day(settings, store, profile, date.fromisoformat(d))
                        for d in later}

            liked = [(c.paper.id, c.paper.version, "like") for c in likes]
            disliked = [(c.paper.id, c.paper.version, "dislike") for c in dislikes]
            one = after(liked[:1])
            print(f"## Nine likes: {len(likes)} language-model papers of May 19–20\n")
            goal(before, after(liked), profile, one)
            print(f"\n## Nine likes and {len(dislikes)} dislikes of medical-imaging "
                  "papers (May 19–20)\n")
            sink(before, after(liked + disliked), profile)
            store.reset_feedback(profile.name)
            reset(rankings, settings, store, profile)
            cost(settings, store, profile, rankings)


def is_lm(candidate, profile) -> bool:
    """Its title names a diffusion language model, or it is in the language-model area
    and its abstract names one."""
    from arxiv_digest.writers import area_of

    paper = candidate.paper
    return bool(LM_WORDS.search(paper.title)) or (
        area_of(candidate, profile) == LM_AREA and bool(LM_WORDS.search(paper.abstract)))


def lm_ids(ranking, profile) -> set[str]:
    return {c.paper.id for c in ranking.candidates if is_lm(c, profile)}


def medical_ids(ranking) -> set[str]:
    return {c.paper.id for c in ranking.candidates if c.relevance.tier == "application"
            and MEDICAL.search(f"{c.paper.title} {c.paper.abstract}")}


def goal(before: dict, after: dict, profile, one: dict) -> None:
    print("| day | language-model papers in the pool | in top 5 before | after one like | "
          "after nine |")
    print("|---|---|---|---|---|")
    met = applicable = total_before = total_one = total_after = 0
    for day in before:
        lm = lm_ids(before[day], profile)
        n_before = len(lm & {c.paper.id for c in before[day].candidates[:5]})
        n_one = len(lm & {c.paper.id for c in one[day].candidates[:5]})
        n_after = len(lm & {c.paper.id for c in after[day].candidates[:5]})
        total_before, total_one, total_after = (total_before + n_before, total_one + n_one,
                                                total_after + n_after)
        if len(lm) >= 3:
            applicable += 1
            met += n_after >= 3
        print(f"| {day} | {len(lm)} | {n_before} | {n_one} | {n_after} |")
    print(f"\nlanguage-model papers in the top fives: {total_before} before, {total_one} "
          f"after one like, {total_after} after nine; days whose pool holds 3 or more: "
          f"{applicable}; with at least 3 of them in the top 5 after nine likes: {met}")


def sink(before: dict, after: dict, profile) -> None:
    print("| day | medical papers | mean rank before | after | fell / rose | "
          "language-model papers in top 5 before / after |")
    print("|---|---|---|---|---|---|")
    fell = rose = gained = 0
    for day in before:
        medical = medical_ids(before[day])
        rank_b = {c.paper.id: c.rank for c in before[day].candidates}
        rank_a = {c.paper.id: c.rank for c in after[day].candidates}
        score_b = {c.paper.id: c.score for c in before[day].candidates}
        gained += sum(c.score > score_b[c.paper.id] for c in after[day].candidates
                      if c.paper.id in medical)
        down = sum(rank_a[p] > rank_b[p] for p in medical)
        up = sum(rank_a[p] < rank_b[p] for p in medical)
        fell, rose = fell + down, rose + up
        lm = lm_ids(before[day], profile)
        mean = (lambda ranks: f"{sum(ranks) / len(ranks):.1f}" if ranks else "–")  # noqa: E731
        print(f"| {day} | {len(medical)} | {mean([rank_b[p] for p in medical])} | "
              f"{mean([rank_a[p] for p in medical])} | {down} / {up} | "
              f"{len(lm & {c.paper.id for c in before[day].candidates[:5]})} / "
              f"{len(lm & {c.paper.id for c in after[day].candidates[:5]})} |")
    print(f"\nmedical papers that fell: {fell}; that rose: {rose} (papers above them sank "
          f"further); whose score rose: {gained}")


def reset(rankings: dict, settings, store, profile) -> None:
    from arxiv_digest.pipeline import rank_day

    same = sum(json.dumps(rank_day(settings, store, profile, date.fromisoformat(d)).to_json())
               == json.dumps(r.to_json()) for d, r in rankings.items())
    print(f"\nafter `feedback reset`: {same} of {len(rankings)} days rank exactly as before "
          "any feedback (full JSON)")


def cost(settings, store, profile, rankings) -> None:
    from arxiv_digest.pipeline import rank_day

    largest = max(rankings, key=lambda d: rankings[d].considered)
    papers = [p for p in store.papers_listed_between(date(2026, 1, 1),
                                                     date(2026, 12, 31),
                                                     profile.categories)][:1000]
    day = date.fromisoformat(largest)
    store.reset_feedback(profile.name)

    def timed() -> float:
        best = 1e9
        for _ in range(5):
            start = time.perf_counter()
            rank_day(settings, store, profile, day)
            best = min(best, time.perf_counter() - start)
        return best
    none = timed()
    store.set_feedback(profile.name, [(p.id, p.version, "like" if i % 3 else "dislike")
                                      for i, p in enumerate(papers)], "cli")
    some = timed()
    store.reset_feedback(profile.name)
    print(f"\nranking {largest} ({rankings[largest].pool} on-topic papers): {none:.3f} s without "
          f"feedback, {some:.3f} s with {len(papers)} feedback items (+{some - none:.3f} s)")


if __name__ == "__main__":
    main()
