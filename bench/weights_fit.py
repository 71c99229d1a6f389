"""Fit a profile's signal weights on hand-labelled days, and report them beside the
weights the profile has now.

Labels are a CSV with a header naming at least ``day``, ``id`` and ``pick`` (2: one of
the day's five an expert would pick, 1: worth a look, 0: not for this digest; other
columns are ignored) — ``data/labels/expert-picks-dev.csv`` and ``-heldout.csv`` for the
default profile. Every listing day up to the last labelled one is ranked in date order
into one fresh store, the earlier days as history (as a daily user's store holds them),
by the project's own ranking — no enrichment, no feedback — so the features are exactly
the signal values the ranker sees. A reader's own labels can be read against the days
their data directory stores instead (``--data-dir``: the store is copied first, its
feedback left out of the copy, and nothing in the directory changes).

The fit: a linear score over the signals that need neither enrichment nor feedback
(relevance, novelty, evidence, venue, code for the default profile), learnt as pairwise
logistic regression — within one day, every labelled paper against every other with a
lower label (2 over 1, 2 over 0, 1 over 0), on the difference of their signal values, no
intercept. A day's ranking is what matters, not a probability across days, and the
pairs use the whole 2 > 1 > 0 order, not only the few 2s. A plain logistic regression of
"pick 2 or not" over the labelled papers is fitted beside it and used instead only when
it ranks the left-out days better. A signal whose weight comes out negative is left out
(weight 0) and the fit done again, so that each signal's share of a score stays weight ×
value. The regularisation (and the variant) is chosen with each labelled day left out
in turn: fitted on the other days, that day ranked by the result, the mean NDCG@10 over
the left-out days decides. The weights fitted on all labelled days are scaled to sum to 1
(as the hand-set ones did, so taste and enrichment keep their strength beside them) and
rounded to two decimals.

Reported per day, for the profile's present weights (or ``--baseline``) and the fitted
ones (dev days by the fit that left them out, held-out days by the final fit, never used
in choosing anything): how many of our top five are labelled 2 and how many at least 1,
NDCG@10 (gains 3/1/0 for labels 2/1/0), average precision of the 2-labels, and the
papers in our top ten nobody labelled (they count as 0). Then the ``[weights]`` lines;
``--write`` puts them into the profile file, with a comment saying where they come from.

    python bench/weights_fit.py [--labels FILE] [--heldout FILE | --dev-only]
        [--profile NAME|PATH] [--shared DIR | --data-dir DIR] [--baseline W] [--write]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import sqlite3
import sys
import tempfile
import textwrap
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

LABELS = REPO / "data" / "labels"
DEV_LABELS = LABELS / "expert-picks-dev.csv"
HELDOUT_LABELS = LABELS / "expert-picks-heldout.csv"
GRID_C = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)
METHODS = ("pairwise", "pick-2")
DECIMALS = 2
GAIN = {2: 3.0, 1: 1.0, 0: 0.0}         # 2^label - 1
NDCG_AT = 10
PROVENANCE = "# Fitted by bench/weights_fit.py"


class Refused(Exception):
    """One line for the reader; the script exits with it."""


@dataclass
class Day:
    """One labelled day: its whole pool as ranked (signal values kept), and the labels."""

    day: str
    candidates: list                        # rank.Candidate, in the ranker's order
    picks: dict[str, int]                   # labelled ids in the pool -> label
    missing: list[str] = field(default_factory=list)    # labelled, not in the pool

    def matrix(self, names: list[str]) -> np.ndarray:
        return np.array([[_value(c.signals.get(n)) for n in names] for c in self.candidates],
                        dtype=float).reshape(len(self.candidates), len(names))

    def labels(self) -> np.ndarray:
        """Each candidate's label, -1 where there is none."""
        return np.array([self.picks.get(c.paper.id, -1) for c in self.candidates])


def _value(signal) -> float:
    return 0.0 if signal is None else signal.value


# -- labels ----------------------------------------------------------------------------

def read_labels(path: Path, warn=lambda line: print(line, file=sys.stderr)
                ) -> dict[str, dict[str, tuple[int, int]]]:
    """day -> id -> (label, line) from a labels CSV; each bad row is one ``FILE:LINE:``
    line through ``warn`` and left out, the good rows kept."""
    from arxiv_digest.models import split_arxiv_id

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise Refused(f"error: {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise Refused(f"error: {path}: not UTF-8 text ({exc.reason})") from None
    if not rows:
        raise Refused(f"{path}:1: empty; a header naming day, id and pick is needed")
    header = [h.strip().lower() for h in rows[0]]
    if not {"day", "id", "pick"} <= set(header):
        raise Refused(f"{path}:1: the header must name day, id and pick (it has "
                      f"{', '.join(header) or 'nothing'})")
    where = {name: header.index(name) for name in ("day", "id", "pick")}
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem, entry = _label_row(row, where, split_arxiv_id)
        if problem is None and entry[1] in out.get(entry[0], {}):
            problem = f"{entry[1]} is labelled twice on {entry[0]} (first on line " \
                      f"{out[entry[0]][entry[1]][1]}); this one is left out"
        if problem:
            warn(f"{path}:{line}: {problem}")
            continue
        day, pid, pick = entry
        out.setdefault(day, {})[pid] = (pick, line)
    return out


def _label_row(row: list[str], where: dict[str, int], split_arxiv_id):
    """(problem, None) or (None, (day, id, label)) for one CSV row."""
    if len(row) <= max(where.values()):
        return f"{len(row)} columns, the header has more", None
    raw_day, raw_id, raw_pick = (row[where[k]].strip() for k in ("day", "id", "pick"))
    try:
        day = date.fromisoformat(raw_day).isoformat()
    except ValueError:
        return f"day {raw_day!r} is not a date (YYYY-MM-DD)", None
    try:
        pid, _ = split_arxiv_id(raw_id)
    except ValueError as exc:
        return str(exc), None
    if raw_pick not in ("0", "1", "2"):
        return f"pick {raw_pick!r} must be 0, 1 or 2", None
    return None, (day, pid, int(raw_pick))


# -- ranking the labelled days ---------------------------------------------------------

def rank_shared(shared: Path, profile, wanted: set[str]) -> dict[str, object]:
    """Every shared listing day up to the last wanted one, ranked in date order into one
    fresh store; the rankings of the wanted days."""
    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline import rank_day
    from arxiv_digest.store import Store

    paths = sorted((shared / "data" / "arxiv").glob("*.jsonl"))
    last = max(wanted, default="")
    rankings = {}
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            for path in paths:
                if path.stem > last:
                    break
                ranking = rank_day(settings, store, profile, None, [path])
                if ranking.date.isoformat() in wanted:
                    rankings[ranking.date.isoformat()] = ranking
    return rankings


def rank_stored(data_dir: Path, profile, wanted: set[str]) -> dict[str, object]:
    """The wanted days as a copy of ``data_dir``'s store ranks them, without feedback."""
    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline import rank_day
    from arxiv_digest.store import Store

    source = load_settings(data_dir).db_path
    if not source.is_file():
        raise Refused(f"error: {source}: no store in this data directory")
    rankings = {}
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        _copy_store(source, settings.db_path)
        with Store(settings.db_path) as store:
            store.reset_feedback(profile.name)
            stored = {d.isoformat() for d in store.listing_dates(profile.categories)}
            for day in sorted(wanted & stored):
                rankings[day] = rank_day(settings, store, profile, date.fromisoformat(day))
    return rankings


def _copy_store(source: Path, target: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
                sqlite3.connect(target) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise Refused(f"error: {source}: cannot read the store ({exc})") from None


def labelled_days(rankings: dict, labels: dict, path: Path,
                  warn=lambda line: print(line, file=sys.stderr)) -> list[Day]:
    """The labelled days that were ranked, each with its labels; a labelled day with no
    ranking is one ``FILE:LINE:`` line (its first label's)."""
    days = []
    for day in sorted(labels):
        if day not in rankings:
            first = min(line for _, line in labels[day].values())
            warn(f"{path}:{first}: no listing for {day}; its {len(labels[day])} labels are "
                 "left out")
            continue
        ranking = rankings[day]
        pool = {c.paper.id for c in ranking.candidates}
        picks = {pid: pick for pid, (pick, _) in labels[day].items() if pid in pool}
        days.append(Day(day, ranking.candidates, picks,
                        sorted(pid for pid in labels[day] if pid not in pool)))
    return days


# -- fitting ---------------------------------------------------------------------------

def fitted_names(profile) -> list[str]:
    """The profile's signals that need neither enrichment nor feedback, in its order."""
    from arxiv_digest.signals import enriched_names

    skip = enriched_names() | {"taste"}
    return [name for name in profile.weights if name not in skip]


def pairs(days: list[Day], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Within each day, every labelled paper against each with a lower label: the
    difference of their signal values, both ways round (1 when the first is higher)."""
    rows = []
    for day in days:
        x, y = day.matrix(names), day.labels()
        for i in np.flatnonzero(y >= 0):
            for j in np.flatnonzero((y >= 0) & (y < y[i])):
                rows.append(x[i] - x[j])
    if not rows:
        raise Refused("the labels order no two papers of one day (every label is the "
                      "same); nothing to fit")
    diff = np.array(rows)
    return np.vstack([diff, -diff]), np.concatenate([np.ones(len(rows)), np.zeros(len(rows))])


def points(days: list[Day], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each labelled paper's signal values, and whether it is labelled 2."""
    x = np.vstack([d.matrix(names)[d.labels() >= 0] for d in days])
    y = np.concatenate([d.labels()[d.labels() >= 0] == 2 for d in days]).astype(float)
    if len(set(y)) < 2:
        raise Refused("the labels need papers labelled 2 and papers labelled lower; "
                      "nothing to fit")
    return x, y


def fit(days: list[Day], names: list[str], c: float, method: str = "pairwise",
        dropped: list | None = None) -> np.ndarray:
    """Non-negative weights, one per name (not yet scaled): the logistic fit, refitted
    without each signal whose weight comes out negative, the most negative first (each
    appended to ``dropped`` with its weight in the fit that dropped it)."""
    from sklearn.linear_model import LogisticRegression

    x, y = pairs(days, names) if method == "pairwise" else points(days, names)
    active = list(range(len(names)))
    while active:
        model = LogisticRegression(C=c, fit_intercept=method != "pairwise", max_iter=10000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x[:, active], y)
        coef = model.coef_[0]
        if (coef >= 0).all():
            weights = np.zeros(len(names))
            weights[active] = coef
            return weights
        worst = int(np.argmin(coef))
        if dropped is not None:
            dropped.append((names[active[worst]], float(coef[worst])))
        del active[worst]
    return np.zeros(len(names))


def scaled(raw: np.ndarray, names: list[str]) -> dict[str, float]:
    """The weights scaled to sum to 1 and rounded; every weight zero when the fit found
    nothing to go on."""
    if raw.sum() <= 0:
        return {name: 0.0 for name in names}
    return {name: round(float(w) / float(raw.sum()), DECIMALS) for name, w in zip(names, raw)}


# -- scoring ---------------------------------------------------------------------------

def ranked(day: Day, weights: dict[str, float]) -> list:
    """The day's pool in the order the ranker gives it with these weights (and no
    taste or enrichment): score, then relevance, then arXiv id."""
    from arxiv_digest.rank import combine

    def key(candidate):
        values = {name: candidate.signals.get(name) for name in weights}
        return (-round(combine(values, weights), 6), -candidate.relevance.value,
                candidate.paper.id)
    return sorted(day.candidates, key=key)


@dataclass
class Agreement:
    top5_picks: int           # labelled 2 in our top five
    top5_worth: int           # labelled 1 or 2 in our top five
    ndcg: float
    ap: float                 # average precision of the 2-labels
    unlabelled: int           # in our top ten


def agreement(day: Day, weights: dict[str, float]) -> Agreement:
    order = [day.picks.get(c.paper.id) for c in ranked(day, weights)]
    labels = [-1 if p is None else p for p in order]
    ideal = sorted(day.picks.values(), reverse=True)[:NDCG_AT]
    best = _dcg(ideal)
    hits, precisions = 0, []
    for rank, label in enumerate(labels, start=1):
        if label == 2:
            hits += 1
            precisions.append(hits / rank)
    wanted = sum(1 for p in day.picks.values() if p == 2)
    return Agreement(sum(1 for p in labels[:5] if p == 2), sum(1 for p in labels[:5] if p >= 1),
                     _dcg([max(p, 0) for p in labels[:NDCG_AT]]) / best if best else 0.0,
                     sum(precisions) / wanted if wanted else 0.0,
                     sum(1 for p in labels[:NDCG_AT] if p < 0))


def _dcg(labels: list[int]) -> float:
    return sum(GAIN[label] / math.log2(rank + 1) for rank, label in enumerate(labels, start=1))


def left_out(days: list[Day], names: list[str], c: float, method: str
             ) -> list[tuple[dict[str, float], Agreement]]:
    """Each day ranked by the weights fitted on the other days."""
    out = []
    for i, day in enumerate(days):
        weights = scaled(fit(days[:i] + days[i + 1:], names, c, method), names)
        out.append((weights, agreement(day, weights)))
    return out


def choose(days: list[Day], names: list[str]) -> tuple[str, float, list]:
    """The variant and regularisation whose left-out days rank best (mean NDCG@10, then
    labelled 2s in the top five; ties to the stronger regularisation, then pairwise);
    every row of the comparison."""
    table = []
    for method in METHODS:
        for c in GRID_C:
            try:
                found = [a for _, a in left_out(days, names, c, method)]
            except Refused:              # some day's fit has nothing to go on: not this one
                continue
            table.append((method, c, float(np.mean([a.ndcg for a in found])),
                          float(np.mean([a.top5_picks for a in found]))))
    if not table:
        raise Refused("with any one labelled day left out, the others order no two papers; "
                      "label more days")
    best = max(table, key=lambda r: (round(r[2], 4), round(r[3], 4), -r[1],
                                     -METHODS.index(r[0])))
    return best[0], best[1], table


# -- the profile -----------------------------------------------------------------------

def weights_lines(weights: dict[str, float]) -> list[str]:
    return [f"{name} = {weight:.{DECIMALS}f}" for name, weight in weights.items()]


def provenance(labels: Path, names: list[str], method: str, c: float, when: date) -> str:
    """The comment lines above ``[weights]`` that say where the fitted weights come from."""
    text = (f"{PROVENANCE[2:]} on {_shown(labels)} ({when.isoformat()}, {method} logistic "
            f"regression, C={c:g}): {', '.join(names)}; the other weights are set by hand.")
    return "\n".join(textwrap.wrap(text, 88, initial_indent="# ", subsequent_indent="# "))


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.name


def with_weights(text: str, weights: dict[str, float], note: str, where: str) -> str:
    """The profile text with these ``[weights]`` values (other lines, their comments and
    the other keys kept) and ``note`` as the comment lines just above the table, in place
    of an earlier note (the comment lines from one starting with ``PROVENANCE``)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == "[weights]"), None)
    if start is None:
        raise Refused(f"{where}: no [weights] table to write the weights into")
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].lstrip().startswith("[")), len(lines))
    left = dict(weights)
    for i in range(start + 1, end):
        match = re.match(r"^(\s*)([A-Za-z_][\w-]*)(\s*=\s*)[-+0-9.eE]+(.*)$", lines[i],
                         re.S)
        if match and match.group(2) in left:
            weight = left.pop(match.group(2))
            lines[i] = (f"{match.group(1)}{match.group(2)}{match.group(3)}"
                        f"{weight:.{DECIMALS}f}{match.group(4)}")
    lines[start + 1:start + 1] = [line + "\n" for line in weights_lines(left)]
    above = start
    while above > 0 and lines[above - 1].startswith("#"):
        above -= 1
    ours = next((i for i in range(above, start) if lines[i].startswith(PROVENANCE)), start)
    lines[ours:start] = [line + "\n" for line in note.splitlines()]
    return "".join(lines)


def profile_file(given: str | None, data_dir: Path | None) -> Path:
    """The file ``--write`` rewrites: the path given, else the reader's profile of that
    name in the data directory, else the built-in one."""
    from importlib import resources

    from arxiv_digest.topics import DEFAULT_PROFILE

    name = given or DEFAULT_PROFILE
    if name.endswith(".toml") or "/" in name:
        return Path(name)
    if data_dir is not None and (data_dir / "profiles" / f"{name}.toml").is_file():
        return data_dir / "profiles" / f"{name}.toml"
    return Path(str(resources.files("arxiv_digest.topics") / "profiles" / f"{name}.toml"))


def write_profile(path: Path, weights: dict[str, float], note: str) -> None:
    from arxiv_digest.errors import DigestError
    from arxiv_digest.files import write_all_atomically
    from arxiv_digest.topics import parse_profile

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise Refused(f"error: {path}: {exc.strerror or exc}") from None
    new = with_weights(text, weights, note, str(path))
    try:
        written = parse_profile(new, str(path)).weights
        write_all_atomically({path: new})
    except DigestError as exc:
        raise Refused(f"error: {exc}") from None
    assert all(written[name] == weight for name, weight in weights.items())


# -- the report ------------------------------------------------------------------------

def report_days(title: str, days: list[Day], before: list[Agreement],
                after: list[Agreement]) -> None:
    print(f"\n{title}\n")
    print("| day | pool | labelled 2 / 1 / 0 | 2s in our top 5 | ≥1 in top 5 | NDCG@10 | "
          "AP of the 2s | unlabelled in top 10 |")
    print("|---|---|---|---|---|---|---|---|")
    for day, b, a in zip(days, before, after):
        counts = [sum(1 for p in day.picks.values() if p == k) for k in (2, 1, 0)]
        print(f"| {day.day} | {len(day.candidates)} | {' / '.join(map(str, counts))} | "
              f"{b.top5_picks} → {a.top5_picks} | {b.top5_worth} → {a.top5_worth} | "
              f"{b.ndcg:.3f} → {a.ndcg:.3f} | {b.ap:.3f} → {a.ap:.3f} | "
              f"{b.unlabelled} → {a.unlabelled} |")
    mean = lambda rows, attr: float(np.mean([getattr(r, attr) for r in rows]))  # noqa: E731
    print(f"| mean | | | {mean(before, 'top5_picks'):.2f} → {mean(after, 'top5_picks'):.2f} | "
          f"{mean(before, 'top5_worth'):.2f} → {mean(after, 'top5_worth'):.2f} | "
          f"{mean(before, 'ndcg'):.3f} → {mean(after, 'ndcg'):.3f} | "
          f"{mean(before, 'ap'):.3f} → {mean(after, 'ap'):.3f} | "
          f"{mean(before, 'unlabelled'):.2f} → {mean(after, 'unlabelled'):.2f} |")


def spread(days: list[Day], weights: dict[str, float]) -> str:
    """The range of the top twenty scores, averaged over the days."""
    from arxiv_digest.rank import combine

    lows, highs = [], []
    for day in days:
        scores = [combine({n: c.signals.get(n) for n in weights}, weights)
                  for c in ranked(day, weights)[:20]]
        lows.append(min(scores))
        highs.append(max(scores))
    return f"{np.mean(lows):.2f}–{np.mean(highs):.2f}"


def baseline(text: str, names: list[str]) -> dict[str, float]:
    """``--baseline``: name=weight pairs for the fitted signals (one left out weighs 0)."""
    given = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, raw = item.partition("=")
        try:
            weight = float(raw)
        except ValueError:
            weight = -1.0
        if name.strip() not in names or not weight >= 0:
            raise Refused(f"--baseline: {item!r} is not signal=weight for one of "
                          f"{', '.join(names)} with a weight of 0 or more")
        given[name.strip()] = weight
    if not sum(given.values()) > 0:
        raise Refused("--baseline: the weights must have a positive sum")
    return {name: given.get(name, 0.0) for name in names}


def summary(days: list[Day], path: Path) -> str:
    labelled = sum(len(d.picks) for d in days)
    twos = sum(1 for d in days for p in d.picks.values() if p == 2)
    missing = sum(len(d.missing) for d in days)
    return (f"{_shown(path)}: {len(days)} days, {labelled} labelled papers in their pools "
            f"({twos} labelled 2); {missing} labelled papers not in the pool, left out")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEV_LABELS)
    parser.add_argument("--heldout", type=Path, default=None,
                        help="labels only measured (default: the shipped held-out labels "
                             "when --labels is the shipped dev file)")
    parser.add_argument("--dev-only", action="store_true", help="measure no held-out labels")
    parser.add_argument("--profile", default=None, help="a profile name or a path")
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED",
                                                    REPO.parent / "shared")))
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="rank the labelled days as this data directory's store holds "
                             "them (a copy; nothing there changes)")
    parser.add_argument("--baseline", default=None,
                        help="weights to compare with, as relevance=0.45,novelty=0.30,… "
                             "(default: the profile's present weights)")
    parser.add_argument("--write", action="store_true",
                        help="write the fitted weights into the profile file")
    args = parser.parse_args(argv)
    try:
        run(args)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def run(args) -> None:
    from arxiv_digest.errors import DigestError
    from arxiv_digest.topics import load_profile

    heldout = None if args.dev_only else args.heldout or (
        HELDOUT_LABELS if args.labels.resolve() == DEV_LABELS.resolve() else None)
    try:
        profile = load_profile(args.profile, args.data_dir)
    except DigestError as exc:
        raise Refused(f"error: {exc}") from None
    dev_labels = read_labels(args.labels)
    held_labels = read_labels(heldout) if heldout else {}
    wanted = set(dev_labels) | set(held_labels)
    if args.data_dir is not None:
        rankings = rank_stored(args.data_dir, profile, wanted)
    else:
        if not (args.shared / "data" / "arxiv").is_dir():
            raise Refused(f"error: {args.shared}: no listing days (data/arxiv/*.jsonl) "
                          "here; pass --shared or --data-dir")
        rankings = rank_shared(args.shared, profile, wanted)
    dev = labelled_days(rankings, dev_labels, args.labels)
    if not dev:
        raise Refused(f"{args.labels}: no labelled day could be ranked; nothing to fit")
    names = fitted_names(profile)
    present = baseline(args.baseline, names) if args.baseline else \
        {name: profile.weights[name] for name in names}
    print(f"profile {profile.name}; fitted signals: {', '.join(names)}")
    print(summary(dev, args.labels))
    if len(dev) > 1:
        method, c, table = choose(dev, names)
        print("\nChoosing the fit, each labelled day left out in turn (mean over those "
              "days):\n")
        print("| fit | C | NDCG@10 | 2s in our top 5 |\n|---|---|---|---|")
        for row in table:
            print(f"| {row[0]} | {row[1]:g} | {row[2]:.3f} | {row[3]:.2f} |")
        print(f"\nchosen: {method} logistic regression, C={c:g}")
        folds = left_out(dev, names, c, method)
        report_days("Labelled days, each ranked by the weights fitted on the others "
                    "(before → fitted):", dev, [agreement(d, present) for d in dev],
                    [a for _, a in folds])
    else:
        method, c = "pairwise", 1.0
        print("\none labelled day: nothing to leave out, fitted with C=1")
    dropped: list = []
    weights = scaled(fit(dev, names, c, method, dropped), names)
    if dropped:
        print("\nleft out for a negative weight (in the fit that left it out, unscaled): "
              + ", ".join(f"{name} {coef:.2f}" for name, coef in dropped))
    if not any(weights.values()):
        raise Refused("every fitted weight is 0 (no signal orders the labels); the "
                      "profile is left as it is")
    print("\n| signal | before | fitted |\n|---|---|---|")
    for name in names:
        print(f"| {name} | {present[name]:.2f} | {weights[name]:.2f} |")
    print(f"\ntop-20 scores, mean range per labelled day: {spread(dev, present)} before, "
          f"{spread(dev, weights)} fitted")
    if heldout:
        held = labelled_days(rankings, held_labels, heldout)
        if held:
            print("\nHeld-out " + summary(held, heldout))
            report_days("Held-out days, ranked by the weights fitted on all the labelled "
                        "days (before → fitted):", held,
                        [agreement(d, present) for d in held],
                        [agreement(d, weights) for d in held])
    note = provenance(args.labels, names, method, c, date.today())
    print("\n" + note + "\n[weights]\n" + "\n".join(weights_lines(weights)))
    if args.write:
        target = profile_file(args.profile, args.data_dir)
        write_profile(target, weights, note)
        print(f"\nwritten into {target}")


if __name__ == "__main__":
    sys.exit(main())
