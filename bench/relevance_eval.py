"""Precision and recall of the topic filter against the hand labels.

The labels (data/labels/diffusion-relevance.csv) cover two shared days: 2026-05-19
was used while writing the profile, 2026-06-16 is held back and only measured.

    python bench/relevance_eval.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections import Counter
from pathlib import Path

from arxiv_digest.sources.jsonl import paper_from_record
from arxiv_digest.topics import load_profile
from arxiv_digest.topics.relevance import CORE, NOT_RELEVANT, assess

SPLITS = {"development": "2026-05-19", "held out": "2026-06-16"}


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", repo.parent / "shared")))
    args = parser.parse_args()
    profile = load_profile()
    labels = list(csv.DictReader((repo / "data" / "labels" / "diffusion-relevance.csv").open()))
    for split, day in SPLITS.items():
        papers = {}
        for line in (args.shared / "data" / "arxiv" / f"{day}.jsonl").open(encoding="utf-8"):
            paper, _ = paper_from_record(json.loads(line))
            papers[paper.id] = paper
        confusion = Counter()
        for row in (r for r in labels if r["day"] == day):
            confusion[(row["label"], assess(papers[row["id"]], profile).tier)] += 1
        relevant = lambda t: t != NOT_RELEVANT  # noqa: E731
        tp = sum(n for (g, p), n in confusion.items() if relevant(g) and relevant(p))
        fp = sum(n for (g, p), n in confusion.items() if not relevant(g) and relevant(p))
        fn = sum(n for (g, p), n in confusion.items() if relevant(g) and not relevant(p))
        core_tp = confusion[(CORE, CORE)]
        core_pred = sum(n for (g, p), n in confusion.items() if p == CORE)
        core_gold = sum(n for (g, p), n in confusion.items() if g == CORE)
        total = sum(confusion.values())
        print(f"{split} ({day}, {total} labelled): relevant precision {tp / (tp + fp):.3f}, "
              f"recall {tp / (tp + fn):.3f}; core precision {core_tp / core_pred:.3f}, "
              f"recall {core_tp / core_gold:.3f}")


if __name__ == "__main__":
    main()
