"""Fidelity against hand labels made by reading, before the methods were tuned.

* Numbers (``data/labels/claim-numbers-{dev,heldout}.csv``): every number of the title
  and abstract of 120 top-ranked papers, labelled with its role (result, setting, name,
  count, other), quantity, direction and subject. Reported: how our binding agrees per
  attribute; the recall and precision of result numbers (a labelled result extracted and
  bound as a result; a number bound as a result that the labels call one); and the
  precision of the highlight the digest would show (a highlight is right when its number
  is a result whose quantity, direction and subject match).
* Short names (``data/labels/short-names.csv``): the paper's own name for its
  contribution, or ``-`` for none; accuracy.
* Sentence roles (``data/labels/sentence-roles-{dev,heldout}.csv``): per-role precision
  and recall of the role classifier. Its model is fitted on the dev labels, so dev here
  is how well it fits them; ``bench/roles_fit.py`` reports dev with each day left out.

Dev splits were used while writing the methods; held-out splits were only measured.

    python bench/fidelity_eval.py [--shared ../shared] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from arxiv_digest.text.binding import bind_claim, same_quantity  # noqa: E402
from arxiv_digest.text.claims import extract, rendered_field  # noqa: E402
from arxiv_digest.sources.jsonl import JsonlReplay  # noqa: E402

LABELS = REPO / "data" / "labels"


def shared_dir(given: str | None) -> Path:
    base = Path(given or os.environ.get("ARXIV_DIGEST_SHARED") or REPO.parent / "shared")
    if not (base / "data" / "arxiv").is_dir():
        sys.exit(f"error: shared data not found at {base}; pass --shared")
    return base


def all_papers(shared: Path) -> dict:
    papers = {}
    for path in sorted((shared / "data" / "arxiv").glob("*.jsonl")):
        for paper in JsonlReplay(path).read(None, ["cs.CV", "cs.LG"]).listing.papers():
            papers.setdefault(paper.id, paper)
    return papers


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- numbers --------------------------------------------------------------------------------

def locate(text: str, token: str, occurrence: int) -> int | None:
    """Offset of the ``occurrence``-th appearance of ``token`` in ``text`` as a number of
    its own (the "1" of "512" is not an appearance of "1")."""
    pattern = re.compile(r"(?<![\d.])" + re.escape(token) + r"(?!\d|\.\d)")
    for i, found in enumerate(pattern.finditer(text), 1):
        if i == occurrence:
            return found.start()
    return None


def gold_spans(paper, rows: list[dict]) -> list[tuple[str, int, int, dict]]:
    spans = []
    for row in rows:
        text = rendered_field(paper, row["field"])
        at = locate(text, row["number"], int(row["occurrence"]))
        if at is not None:
            spans.append((row["field"], at, at + len(row["number"]), row))
    return spans


def matched(paper, claims, rows):
    """(claim, binding, gold row) for every claim that overlaps a labelled number."""
    spans = gold_spans(paper, rows)
    out = []
    for claim in claims:
        for field, a, b, row in spans:
            if field == claim.field and a < claim.number_end and claim.number_start < b:
                out.append((claim, row))
                break
    return out


OWN = {"method", "finding"}            # the paper's own result either way


def agrees(binding, row, own_is_one: bool = False) -> dict[str, bool]:
    subject_ok = binding.subject == row["subject"] or (
        own_is_one and binding.subject in OWN and row["subject"] in OWN)
    return {
        "role": binding.role == row["role"],
        "quantity": row["role"] != "result" or same_quantity(binding.quantity, row["quantity"]),
        "direction": row["role"] != "result" or binding.direction == row["direction"],
        "subject": row["role"] != "result" or subject_ok,
    }


def says_no_more(claim, binding, row) -> bool:
    """The verifier's rule applied to a highlight: a result whose quantity and subject
    match the label and whose direction is the label's — or none stated, for a level."""
    if row["role"] != "result":
        return False
    checks = agrees(binding, row, own_is_one=True)
    level = binding.direction == "none" and claim.unit not in ("%", "\u00d7", "points")
    return checks["quantity"] and checks["subject"] and (checks["direction"] or level)


def result_counts(paper, claims, labelled, names, verbose: bool, split: str) -> Counter:
    """How the binder finds the labelled results: ``gold`` labelled results, ``found`` of
    them extracted and bound as results; ``bound`` numbers bound as results, ``right`` of
    them labelled results (a number bound as a result that no label covers counts as
    wrong)."""
    counts = Counter()
    spans = gold_spans(paper, labelled)
    bound_at = []
    for claim in claims:
        if claim.field == "comment":
            continue
        binding = bind_claim(claim, names)
        bound_at.append((claim, binding))
        if binding.role != "result":
            continue
        counts["bound"] += 1
        rows = [row for field, a, b, row in spans
                if field == claim.field and a < claim.number_end and claim.number_start < b]
        counts["right"] += bool(rows) and rows[0]["role"] == "result"
        if verbose and not (rows and rows[0]["role"] == "result"):
            gold = rows[0]["role"] if rows else "unlabelled"
            print(f"  {split} {paper.id}: {claim.text!r} bound as a result, labelled {gold}")
    for field, a, b, row in spans:
        if row["role"] != "result":
            continue
        counts["gold"] += 1
        hit = any(c.field == field and a < c.number_end and c.number_start < b
                  and binding.role == "result" for c, binding in bound_at)
        counts["found"] += hit
        if verbose and not hit:
            text = rendered_field(paper, field)
            print(f"  {split} {paper.id}: labelled result {row['number']!r} ({row['quantity']}) "
                  f"not bound as one: …{text[max(0, a - 60):b + 30]}…")
    return counts


def number_scores(papers: dict, split: str, verbose: bool) -> None:
    from arxiv_digest.text.shortnames import short_name
    from arxiv_digest.writers.highlight import choose_highlight

    rows = read_csv(LABELS / f"claim-numbers-{split}.csv")
    by_paper = defaultdict(list)
    for row in rows:
        by_paper[row["id"]].append(row)
    tally, total, shown, right, faithful, with_result = Counter(), 0, 0, 0, 0, 0
    results = Counter()
    for pid, labelled in by_paper.items():
        paper = papers[pid]
        claims = extract(paper)
        names = (short_name(paper),)
        results += result_counts(paper, claims, labelled, names, verbose, split)
        for claim, row in matched(paper, claims, labelled):
            binding = bind_claim(claim, names)
            total += 1
            for key, ok in agrees(binding, row).items():
                tally[key] += ok
        with_result += any(r["role"] == "result" for r in labelled)
        chosen = choose_highlight(claims, names)
        if chosen is None:
            continue
        shown += 1
        found = matched(paper, [chosen[0]], labelled)
        ok = bool(found) and found[0][1]["role"] == "result" and all(
            agrees(chosen[1], found[0][1], own_is_one=True).values())
        right += ok
        faithful += bool(found) and says_no_more(chosen[0], chosen[1], found[0][1])
        if verbose and not ok:
            row = found[0][1] if found else {}
            print(f"  {split} {pid}: highlight {chosen[1].phrase!r} ({chosen[1].quantity}, "
                  f"{chosen[1].direction}, {chosen[1].subject}) — gold {row.get('role')}, "
                  f"{row.get('quantity')}, {row.get('direction')}, {row.get('subject')}\n"
                  f"      {chosen[0].sentence[:300]}")
    print(f"{split:8} numbers matched {total}: role {tally['role'] / total:.3f}, quantity "
          f"{tally['quantity'] / total:.3f}, direction {tally['direction'] / total:.3f}, "
          f"subject {tally['subject'] / total:.3f}")
    print(f"{split:8} result numbers: recall {results['found'] / results['gold']:.3f} "
          f"({results['found']}/{results['gold']}), precision "
          f"{results['right'] / results['bound']:.3f} ({results['right']}/{results['bound']})")
    print(f"{split:8} highlights shown {shown} of {len(by_paper)} papers ({with_result} with a "
          f"labelled result): precision {right / shown if shown else 0:.3f} ({right}/{shown}) "
          f"exact; {faithful / shown if shown else 0:.3f} ({faithful}/{shown}) saying nothing "
          f"the label contradicts")


# -- short names ------------------------------------------------------------------------------

def short_name_scores(papers: dict, splits: list[str], verbose: bool) -> None:
    from arxiv_digest.text.shortnames import is_own_name, short_name

    rows = read_csv(LABELS / "short-names.csv")
    for split in splits:
        chosen = [r for r in rows if r["split"] == split]
        right = 0
        for row in chosen:
            paper = papers[row["id"]]
            ours = short_name(paper)
            gold = row["short_name"]
            ok = (not is_own_name(paper, ours)) if gold == "-" else ours.lower() == gold.lower()
            right += ok
            if verbose and not ok:
                print(f"  {split} {row['id']}: ours {ours!r}, gold {gold!r}")
        print(f"{split:8} short names: accuracy {right / len(chosen):.3f} "
              f"({right}/{len(chosen)})")


# -- sentence roles ---------------------------------------------------------------------------

def role_scores(papers: dict, split: str, verbose: bool) -> None:
    from arxiv_digest.text.roles import ROLES, classify

    rows = read_csv(LABELS / f"sentence-roles-{split}.csv")
    by_paper = defaultdict(list)
    for row in rows:
        by_paper[row["id"]].append(row)
    predicted, gold, hits, stale = Counter(), Counter(), Counter(), 0
    confusion = Counter()
    for pid, labelled in by_paper.items():
        sentences = classify(papers[pid])
        for row in labelled:
            i = int(row["index"])
            if i >= len(sentences) or sha(sentences[i].text) != row["sha"]:
                stale += 1
                continue
            ours = sentences[i].role
            predicted[ours] += 1
            gold[row["role"]] += 1
            hits[ours] += ours == row["role"]
            confusion[(row["role"], ours)] += 1
    n = sum(gold.values())
    fitted = " (the model is fitted on these)" if split == "dev" else ""
    print(f"{split:8} sentence roles: {n} labelled sentences matched ({stale} changed), "
          f"accuracy {sum(hits.values()) / n:.3f}{fitted}")
    for role in ROLES:
        if gold[role] or predicted[role]:
            p = hits[role] / predicted[role] if predicted[role] else 0.0
            r = hits[role] / gold[role] if gold[role] else 0.0
            print(f"    {role:12} precision {p:.3f}  recall {r:.3f}  (gold {gold[role]}, "
                  f"ours {predicted[role]})")
    if verbose:
        for (g, o), count in confusion.most_common(12):
            if g != o:
                print(f"    gold {g} -> ours {o}: {count}")


def sha(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:8]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--only", choices=("numbers", "names", "roles"))
    parser.add_argument("--split", choices=("dev", "heldout"),
                        help="only this split (dev while tuning)")
    args = parser.parse_args()
    papers = all_papers(shared_dir(args.shared))
    splits = [args.split] if args.split else ["dev", "heldout"]
    if args.only in (None, "numbers"):
        for split in splits:
            number_scores(papers, split, args.verbose)
    if args.only in (None, "names"):
        short_name_scores(papers, splits, args.verbose)
    if args.only in (None, "roles"):
        for split in splits:
            role_scores(papers, split, args.verbose)


if __name__ == "__main__":
    main()
