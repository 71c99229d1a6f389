"""Refit the sentence-role model from the dev labels and report it beside two baselines.

The labels (``data/labels/sentence-roles-{dev,heldout}.csv``) are split by listing day:
dev days and held-out days never share a day. The model (``roles_model.py``: position,
cue, shape and word features, multinomial logistic regression) is fitted on the dev
labels only; its regularisation and vocabulary size are chosen by cross-validation that
leaves one dev day out at a time. Held-out labels are only measured.

Reported, for dev (each day predicted by what was fitted on the other dev days) and held
out (fitted on all dev days): accuracy and macro-F1 (over the roles the split's labels
use) of

* position only: the commonest dev role of the sentence's place (first, last, or a tenth
  of the way through the abstract);
* the older cue rules (``roles.rule_roles``), as written by hand, nothing fitted;
* the fitted model.

The same labels and code always give the same file.

    python bench/roles_fit.py [--shared ../shared] [--out FILE] [--dev-only] [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from arxiv_digest.text import roles  # noqa: E402
from arxiv_digest.text import roles_model  # noqa: E402
from arxiv_digest.sources.jsonl import JsonlReplay  # noqa: E402

LABELS = REPO / "data" / "labels"
SHIPPED = REPO / "src" / "arxiv_digest" / roles_model.SHIPPED
DAYS = {"dev": ("2026-06-15", "2026-06-19", "2026-06-24", "2026-07-01"),
        "heldout": ("2026-05-27", "2026-05-28", "2026-05-29")}
CATEGORIES = ["cs.CV", "cs.LG"]
GRID_C = (0.1, 0.3, 1.0, 3.0)
GRID_VOCABULARY = (0, 150, 300, 600)
MIN_DF = 4
DECIMALS = 5
MAIN = ("background", "problem", "contribution", "method", "result", "resource")


@dataclass
class Abstract:
    day: str
    id: str
    texts: list[str]
    gold: list[str]
    fixed: np.ndarray | None = None


def sha(text: str) -> str:
    """The short hash of a sentence that the label files carry (as in fidelity_eval)."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:8]


def shared_dir(given: str | None) -> Path:
    base = Path(given or os.environ.get("ARXIV_DIGEST_SHARED") or REPO.parent / "shared")
    if not (base / "data" / "arxiv").is_dir():
        sys.exit(f"error: shared data not found at {base}; pass --shared")
    return base


def load_split(shared: Path, split: str) -> list[Abstract]:
    """Every labelled abstract of a split, each sentence with its label, or exit with one
    line per label that no longer matches its sentence or lies outside the split's days."""
    papers = {}
    for day in DAYS[split]:
        listing = JsonlReplay(shared / "data" / "arxiv" / f"{day}.jsonl").read(None, CATEGORIES)
        for paper in listing.listing.papers():
            papers.setdefault(paper.id, (day, paper))
    path = LABELS / f"sentence-roles-{split}.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_paper: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
    for row in rows:
        by_paper[row["id"]][int(row["index"])] = (row["sha"], row["role"])
    problems, abstracts = [], []
    for pid, labelled in by_paper.items():
        if pid not in papers:
            problems.append(f"{path.name}: {pid} is not listed on the {split} days")
            continue
        day, paper = papers[pid]
        texts = roles.abstract_sentences(paper.abstract)
        if sorted(labelled) != list(range(len(texts))) or any(
                sha(texts[i]) != labelled[i][0] for i in labelled):
            problems.append(f"{path.name}: {pid} labels do not match its sentences")
            continue
        abstracts.append(Abstract(day, pid, texts, [labelled[i][1] for i in range(len(texts))]))
    if problems:
        sys.exit("error: " + "\nerror: ".join(problems))
    return abstracts


# -- the baselines ---------------------------------------------------------------------------

def place(i: int, n: int) -> str:
    if i == 0:
        return "first"
    if i == n - 1:
        return "last"
    return f"tenth {min(int(10 * i / (n - 1)), 9)}"


def fit_position(train: list[Abstract]) -> dict[str, str]:
    seen: dict[str, Counter] = defaultdict(Counter)
    for a in train:
        for i, role in enumerate(a.gold):
            seen[place(i, len(a.texts))][role] += 1
    overall = sum(seen.values(), Counter())
    rule = {key: min(c, key=lambda r: (-c[r], r)) for key, c in seen.items()}
    rule[""] = min(overall, key=lambda r: (-overall[r], r))
    return rule


def position_roles(rule: dict[str, str], a: Abstract) -> list[str]:
    n = len(a.texts)
    return [rule.get(place(i, n), rule[""]) for i in range(n)]


# -- the model -------------------------------------------------------------------------------

def vocabulary_of(train: list[Abstract], size: int) -> dict[str, int]:
    """The ``size`` words and pairs found in most training sentences (at least MIN_DF),
    ties broken alphabetically."""
    df = Counter(w for a in train for t in a.texts for w in roles_model.words(t))
    ranked = sorted((w for w, c in df.items() if c >= MIN_DF), key=lambda w: (-df[w], w))
    return {w: k for k, w in enumerate(sorted(ranked[:size]))}


def matrix(abstracts: list[Abstract], vocabulary: dict[str, int]) -> np.ndarray:
    """The model's features of every sentence (the same as ``roles_model.features``;
    the part that does not depend on the vocabulary is computed once per abstract)."""
    blocks = []
    for a in abstracts:
        if a.fixed is None:
            a.fixed = roles_model.fixed_features(a.texts)
        blocks.append(np.hstack([a.fixed, roles_model.word_features(a.texts, vocabulary)]))
    return np.vstack(blocks)


def gold(abstracts: list[Abstract]) -> list[str]:
    return [r for a in abstracts for r in a.gold]


def fit(train: list[Abstract], c: float, size: int) -> roles_model.RoleModel:
    """The model fitted on ``train``, its parameters rounded to DECIMALS places. One
    thread: the same labels give the same numbers on every run."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    vocabulary = vocabulary_of(train, size)
    model = LogisticRegression(C=c, max_iter=10_000, tol=1e-8)
    with threadpool_limits(1):
        model.fit(matrix(train, vocabulary), gold(train))
    return roles_model.RoleModel(tuple(model.classes_), vocabulary,
                                 np.round(model.coef_, DECIMALS),
                                 np.round(model.intercept_, DECIMALS))


def predict(model: roles_model.RoleModel, abstracts: list[Abstract]) -> list[str]:
    return [r for a in abstracts
            for r in model.decide(matrix([a], model.vocabulary))]


# -- measures --------------------------------------------------------------------------------

def measures(truth: list[str], guess: list[str]) -> tuple[float, float, float]:
    """Accuracy; macro-F1 over every role the labels use; macro-F1 over the six roles with
    enough labels to measure (MAIN: a role labelled once weighs as much as results)."""
    accuracy = sum(t == g for t, g in zip(truth, guess)) / len(truth)
    f1 = {}
    for role in set(truth) | set(MAIN):
        hit = sum(t == g == role for t, g in zip(truth, guess))
        said, real = guess.count(role), truth.count(role)
        f1[role] = 2 * hit / (said + real) if hit else 0.0
    used = sorted(set(truth))
    return (accuracy, sum(f1[r] for r in used) / len(used),
            sum(f1[r] for r in MAIN) / len(MAIN))


def by_day(abstracts: list[Abstract]) -> list[tuple[list[Abstract], list[Abstract]]]:
    days = sorted({a.day for a in abstracts})
    return [([a for a in abstracts if a.day != d], [a for a in abstracts if a.day == d])
            for d in days]


def cross_validated(dev: list[Abstract], method) -> list[str]:
    """Every dev sentence predicted by ``method(train)`` fitted without its day."""
    guess: dict[str, list[str]] = {}
    for train, test in by_day(dev):
        predictor = method(train)
        for a in test:
            guess[a.id] = predictor(a)
    return [r for a in dev for r in guess[a.id]]


def choose(dev: list[Abstract]) -> tuple[float, int, dict]:
    """The regularisation and vocabulary size with the best day-out macro-F1 on dev."""
    table = {}
    for c in GRID_C:
        for size in GRID_VOCABULARY:
            def method(train, c=c, size=size):
                model = fit(train, c, size)
                return lambda a: predict(model, [a])
            table[(c, size)] = measures(gold(dev), cross_validated(dev, method))
    best = max(table, key=lambda k: (round(table[k][1], 6), round(table[k][0], 6), -k[0], -k[1]))
    return best[0], best[1], table


# -- output ----------------------------------------------------------------------------------

def to_json(model: roles_model.RoleModel, c: float, size: int, dev: list[Abstract]) -> str:
    """The model as the package reads it, one key a line, the same text for the same
    model."""
    parts = {
        "about": "sentence-role model fitted by bench/roles_fit.py on the dev labels of "
                 "data/labels/sentence-roles-dev.csv; multinomial logistic regression",
        "dev_days": list(DAYS["dev"]),
        "dev_sentences": len(gold(dev)),
        "C": c,
        "vocabulary_size": size,
        "roles": list(model.roles),
        "numeric": roles_model.numeric_names(),
        "vocabulary": sorted(model.vocabulary, key=model.vocabulary.get),
        "bias": [float(x) for x in model.bias],
        "weights": [[float(x) for x in row] for row in model.weights],
    }
    lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in parts.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def refit(shared: Path, out: Path, c: float | None = None, size: int | None = None):
    """Fit on the dev labels (C and vocabulary size chosen day-out unless given) and
    write the model to ``out``; returns the dev abstracts, the model, C, the size and
    the day-out table of the search (empty when both were given)."""
    from arxiv_digest.errors import OutputError
    from arxiv_digest.files import write_all_atomically

    dev = load_split(shared, "dev")
    table: dict = {}
    if c is None or size is None:
        c, size, table = choose(dev)
    model = fit(dev, c, size)
    try:
        write_all_atomically({out.resolve(): to_json(model, c, size, dev)})
    except OutputError as exc:
        sys.exit(f"error: {exc}")
    return dev, model, c, size, table


def report(name: str, dev: tuple, held: tuple | None) -> None:
    def said(m):
        return f"accuracy {m[0]:.3f} macro-F1 {m[1]:.3f} (six roles {m[2]:.3f})"
    line = f"{name:16} dev {said(dev)}"
    if held is not None:
        line += f"   held out {said(held)}"
    print(line)


def per_role(split: str, truth: list[str], guess: list[str]) -> None:
    for role in roles.ROLES:
        hit = sum(t == g == role for t, g in zip(truth, guess))
        print(f"    {split} {role:12} precision {hit / max(guess.count(role), 1):.3f} "
              f"recall {hit / max(truth.count(role), 1):.3f} (gold {truth.count(role)}, "
              f"ours {guess.count(role)})")
    confusion = Counter((t, g) for t, g in zip(truth, guess) if t != g)
    for (t, g), count in confusion.most_common(6):
        print(f"    {split} gold {t} -> ours {g}: {count}")


def compare(dev, held, model, c, size, table, verbose: bool) -> None:
    """Position only, the older cue rules and the model, dev (day out) and held out."""
    def positions(train):
        rule = fit_position(train)
        return lambda a: position_roles(rule, a)

    def fitted(train):
        trained = fit(train, c, size)
        return lambda a: predict(trained, [a])

    day_out = cross_validated(dev, fitted)
    everything = fit_position(dev)
    rows = [
        ("position only", cross_validated(dev, positions),
         held and [r for a in held for r in position_roles(everything, a)]),
        ("older cue rules", [r for a in dev for r in roles.rule_roles(a.texts)],
         held and [r for a in held for r in roles.rule_roles(a.texts)]),
        ("fitted model", day_out, held and predict(model, held)),
    ]
    for name, on_dev, on_held in rows:
        report(name, measures(gold(dev), on_dev),
               measures(gold(held), on_held) if held else None)
    if verbose:
        for (gc, gs), (acc, f1, _) in sorted(table.items()):
            print(f"  C {gc:<5} vocabulary {gs:<4} day-out accuracy {acc:.3f} macro-F1 {f1:.3f}")
        per_role("dev, day out", gold(dev), day_out)
        if held:
            per_role("held out", gold(held), predict(model, held))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared")
    parser.add_argument("--out", type=Path, default=SHIPPED,
                        help="where the fitted model goes (default: the shipped file)")
    parser.add_argument("--C", type=float, help="regularisation (default: chosen day-out)")
    parser.add_argument("--vocabulary", type=int,
                        help="how many words and pairs (default: chosen day-out)")
    parser.add_argument("--dev-only", action="store_true",
                        help="do not read the held-out labels")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    shared = shared_dir(args.shared)
    dev, model, c, size, table = refit(shared, args.out, args.C, args.vocabulary)
    print(f"fitted on {len(gold(dev))} dev sentences ({len(dev)} abstracts, days "
          f"{', '.join(DAYS['dev'])}): C {c}, {len(model.vocabulary)} words -> {args.out}")
    held = None if args.dev_only else load_split(shared, "heldout")
    if held:
        print(f"held out: {len(gold(held))} sentences ({len(held)} abstracts, days "
              f"{', '.join(DAYS['heldout'])})")
    compare(dev, held, model, c, size, table, args.verbose)


if __name__ == "__main__":
    main()
