"""What reading sentence roles costs: every abstract of the largest shared day (every
paper of the file, whatever its category) split into sentences, then read by the older
cue rules (``roles.rule_roles``, what ``classify`` did before the fitted model) and by
the fitted model (``roles.classify_sentences``), in one process, best of N.

    python bench/roles_cost_bench.py [--shared ../shared] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

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
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from arxiv_digest.text import roles
    from arxiv_digest.text.roles_model import shipped

    day = largest_day(args.shared)
    with day.open(encoding="utf-8") as handle:
        abstracts = [json.loads(line).get("abstract") or "" for line in handle if line.strip()]
    split = [roles.abstract_sentences(a) for a in abstracts]
    shipped()                                   # the model file is read once per process

    def splitting():
        for a in abstracts:
            roles.abstract_sentences(a)

    def older():
        for texts in split:
            roles.rule_roles(texts)

    def fitted():
        for texts in split:
            roles.classify_sentences(texts)

    sentences = sum(len(t) for t in split)
    print(f"{day.name}: {len(abstracts)} abstracts, {sentences} sentences (best of "
          f"{args.repeat})")
    for name, fn in (("splitting into sentences", splitting), ("older cue rules", older),
                     ("fitted model", fitted)):
        seconds = best(fn, args.repeat)
        print(f"  {name:25} {seconds:6.2f} s  ({1000 * seconds / len(abstracts):.2f} ms an "
              f"abstract)")


if __name__ == "__main__":
    main()
