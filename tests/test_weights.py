"""Signal weights fitted on hand labels (bench/weights_fit.py): the fit on constructed
signal values, the labels it reads, the profile it writes, the weights the default
profile ships with, and a score that is the sum of the shares ``explain`` shows."""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib import resources

import pytest

from arxiv_digest.models import Paper
from arxiv_digest.rank import Candidate, combine
from arxiv_digest.signals import SignalValue
from arxiv_digest.topics import load_profile, parse_profile
from arxiv_digest.topics.relevance import Relevance
from conftest import REPO, invoke

NAMES = ["relevance", "novelty", "evidence"]
# What `python bench/weights_fit.py` fits on data/labels/expert-picks-dev.csv (the refit
# ranks fifteen shared days first, about 25 s: too long for a test, so the fit itself is
# tested below on constructed values).
FITTED = {"relevance": 0.58, "novelty": 0.35, "evidence": 0.0, "venue": 0.0, "code": 0.06}


def weights_fit():
    """bench/weights_fit.py as a module."""
    spec = importlib.util.spec_from_file_location("weights_fit",
                                                  REPO / "bench" / "weights_fit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["weights_fit"] = module
    spec.loader.exec_module(module)
    return module


def candidate(pid: str, relevance: float, novelty: float, evidence: float) -> Candidate:
    paper = Paper(id=pid, version=1, title=f"Paper {pid}", authors=["A"],
                  abstract="A diffusion model.", categories=["cs.LG"])
    verdict = Relevance("core", relevance, 5.0, 1.0, 0.0, [], "constructed")
    values = {"relevance": relevance, "novelty": novelty, "evidence": evidence}
    return Candidate(paper, "new", ["cs.LG"], verdict, pid, [],
                     signals={n: SignalValue(v, "constructed") for n, v in values.items()})


def constructed_days(fit, flip: int | None = None):
    """Three days of twelve papers labelled by 2·relevance + novelty (the best three 2,
    the next four 1); evidence runs against relevance. ``flip`` turns that day's labels
    upside down."""
    days = []
    for d in range(3):
        pool = []
        for i in range(12):
            a = ((i * 7 + d * 3) % 12) / 11
            b = ((i * 5 + d) % 12) / 11
            c = min(1.0, max(0.0, 1.0 - a + ((i * 3) % 5) / 50 - 0.04))
            pool.append(candidate(f"2606.{d}{i:04d}", a, b, c))
        order = sorted(pool, key=lambda c: -(2 * c.signals["relevance"].value
                                              + c.signals["novelty"].value))
        picks = {c.paper.id: 2 if k < 3 else 1 if k < 7 else 0 for k, c in enumerate(order)}
        if d == flip:
            picks = {pid: 2 - pick for pid, pick in picks.items()}
        days.append(fit.Day(f"2026-06-1{d}", pool, picks))
    return days


def test_the_fit_is_non_negative_deterministic_and_finds_the_labels_order():
    fit = weights_fit()
    days = constructed_days(fit)
    dropped = []
    weights = fit.scaled(fit.fit(days, NAMES, 1.0, "pairwise", dropped), NAMES)
    assert [name for name, _ in dropped] == ["evidence"] and dropped[0][1] < 0
    assert weights["evidence"] == 0.0
    assert weights["relevance"] > weights["novelty"] > 0
    assert abs(sum(weights.values()) - 1.0) <= 0.015
    assert fit.scaled(fit.fit(days, NAMES, 1.0, "pairwise"), NAMES) == weights
    for day in days:
        found = fit.agreement(day, weights)
        assert (found.top5_picks, found.top5_worth, found.unlabelled) == (3, 5, 0)
        assert found.ndcg > 0.95 and found.ap == 1.0
    # the variant that reads only "pick 2 or not" is non-negative too
    assert min(fit.fit(days, NAMES, 1.0, "pick-2")) >= 0


def test_each_left_out_day_is_ranked_by_a_fit_that_never_saw_its_labels():
    fit = weights_fit()
    plain = fit.left_out(constructed_days(fit), NAMES, 1.0, "pairwise")
    flipped = fit.left_out(constructed_days(fit, flip=0), NAMES, 1.0, "pairwise")
    assert plain[0][0] == flipped[0][0]                  # day 0's own labels: not used
    assert plain[1][0] != flipped[1][0]                  # day 0's labels in day 1's fit
    assert plain[0][1] != flipped[0][1]                  # measured against its own labels
    fit.GRID_C = (0.1, 1.0)                              # a short grid keeps this quick
    method, c, table = fit.choose(constructed_days(fit), NAMES)
    assert len(table) == len(fit.METHODS) * len(fit.GRID_C)
    assert (method, c) in {(row[0], row[1]) for row in table}


def test_a_variant_that_cannot_be_fitted_with_a_day_left_out_is_passed_over():
    fit = weights_fit()
    fit.GRID_C = (1.0,)
    days = constructed_days(fit)
    for day in days[1:]:                    # only the first day has papers labelled 2
        day.picks = {pid: min(pick, 1) for pid, pick in day.picks.items()}
    method, c, table = fit.choose(days, NAMES)
    assert [row[0] for row in table] == ["pairwise"] and (method, c) == ("pairwise", 1.0)
    for day in days[1:]:
        day.picks = {pid: 0 for pid in day.picks}
    with pytest.raises(fit.Refused, match="label more days"):
        fit.choose(days, NAMES)


def test_labels_keep_their_good_rows_and_name_each_bad_one(tmp_path):
    fit = weights_fit()
    path = tmp_path / "mine.csv"
    path.write_text("day,id,subject,pick,why\n"
                    "2026-06-24,2606.24888,core,2,good\n"
                    "2026-06-24,2606.24000v2,core,1,a version is fine\n"
                    "24/06/2026,2606.23920,core,2,bad day\n"
                    "2026-06-24,not-an-id,core,2,bad id\n"
                    "2026-06-24,2606.23743,core,3,bad pick\n"
                    "2026-06-24,2606.24888,core,0,twice\n"
                    "2026-06-24,2606.23898\n"
                    "\n"
                    "2026-06-25,2606.25001,off,0,\n", encoding="utf-8")
    said = []
    labels = fit.read_labels(path, said.append)
    assert labels == {"2026-06-24": {"2606.24888": (2, 2), "2606.24000": (1, 3)},
                      "2026-06-25": {"2606.25001": (0, 10)}}
    assert [line.split(": ", 1)[0] for line in said] == [f"{path}:{n}" for n in (4, 5, 6, 7, 8)]
    assert "is not a date" in said[0] and "must be 0, 1 or 2" in said[2]
    assert "labelled twice" in said[3] and "first on line 2" in said[3]
    path.write_text("paper,label\n2606.24888,2\n", encoding="utf-8")
    with pytest.raises(fit.Refused, match=r"mine\.csv:1: the header must name day, id and pick"):
        fit.read_labels(path, said.append)
    with pytest.raises(fit.Refused, match=r"^error: .*absent\.csv: "):
        fit.read_labels(tmp_path / "absent.csv", said.append)


def test_a_day_with_no_listing_is_one_line_and_its_labels_are_left_out(tmp_path):
    fit = weights_fit()
    path = tmp_path / "mine.csv"
    path.write_text("day,id,pick\n2026-06-24,2606.24888,2\n2026-01-05,2601.00001,1\n")
    said = []
    labels = fit.read_labels(path, said.append)
    ranking = type("Ranking", (), {"candidates": [candidate("2606.24888", 0.9, 0.5, 0.1)]})
    days = fit.labelled_days({"2026-06-24": ranking}, labels, path, said.append)
    assert [d.day for d in days] == ["2026-06-24"] and days[0].picks == {"2606.24888": 2}
    assert said == [f"{path}:3: no listing for 2026-01-05; its 1 labels are left out"]


def test_writing_the_weights_changes_only_the_weights_and_their_note(tmp_path):
    fit = weights_fit()
    shipped = resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml"
    text = shipped.read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    weights = {"relevance": 0.5, "novelty": 0.25, "evidence": 0.1, "venue": 0.1, "code": 0.05,
               "newsignal": 0.0}
    note = fit.provenance(path, list(weights), "pairwise", 3.0, fit.date(2030, 1, 2))
    fit.write_profile(path, weights, note)
    fit.write_profile(path, weights, note)                  # again: one note, not two
    written = path.read_text(encoding="utf-8")
    profile = parse_profile(written, str(path))
    assert {n: profile.weights[n] for n in weights} == weights
    assert profile.weights["taste"] == 0.5 and profile.weights["institution"] == 0.03
    assert written.count(fit.PROVENANCE) == 1 and "(2030-01-02, pairwise" in written
    assert "taste = 0.50            # the reader's likes" in written
    changed = {line for line in written.splitlines()} ^ {line for line in text.splitlines()}
    assert all(line.startswith("#") or re.match(r"^[a-z]+ = [0-9.]+$", line)
               for line in changed), changed
    before = text.split("[weights]")[0].rsplit("\n\n", 1)[0]
    assert written.startswith(before)                       # nothing above the table moves
    path.write_text('name = "mine"\ncategories = ["cs.LG"]\n', encoding="utf-8")
    with pytest.raises(fit.Refused, match=r"mine\.toml: no \[weights\] table"):
        fit.write_profile(path, weights, note)


def test_the_default_profile_ships_the_weights_fitted_on_the_dev_labels():
    shipped = resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml"
    text = shipped.read_text(encoding="utf-8")
    weights = load_profile().weights
    assert {name: weights[name] for name in FITTED} == FITTED
    assert all(w >= 0 for w in weights.values())
    above = text.split("\n[weights]\n")[0].splitlines()
    note = " ".join(line[2:] for line in above[-3:])
    assert re.fullmatch(r"Fitted by bench/weights_fit\.py on data/labels/expert-picks-dev\.csv "
                        r"\(\d{4}-\d\d-\d\d, pairwise logistic regression, C=3\): relevance, "
                        r"novelty, evidence, venue, code; the other weights are set by hand\.",
                        note), note


def test_a_score_is_the_sum_of_the_shares_explain_shows(home, day_file):
    invoke("ingest", "--input", day_file("2026-06-24"), home=home)
    profile = load_profile()
    for paper_id in ("2606.24888", "2606.24000", "2606.23920"):
        said = invoke("explain", paper_id, "--date", "2026-06-24", home=home).stdout
        score = float(re.search(r"; score (\d\.\d{3})", said).group(1))
        rows = re.findall(r"^  (\w+) +(\d\.\d\d) × weight (\d\.\d\d)(?: \([^)]*\))? -> "
                          r"(\d\.\d{3})", said, re.M)
        assert {name for name, *_ in rows} == {"relevance", "novelty", "evidence", "venue",
                                               "code"}
        assert abs(sum(float(share) for *_, share in rows) - score) <= 0.003, said
        for name, value, weight, share in rows:
            assert float(weight) == profile.weights[name]
            assert abs(float(value) * float(weight) / sum(FITTED.values()) - float(share)) \
                <= 0.006
        assert re.search(r"^  evidence +\d\.\d\d × weight 0\.00 -> 0\.000 ", said, re.M)


def test_combine_is_the_weighted_mean_of_the_signals_with_a_value():
    values = {"relevance": SignalValue(0.8, "r"), "novelty": SignalValue(0.5, "n"),
              "evidence": SignalValue(1.0, "e"), "venue": None, "code": SignalValue(0.0, "c")}
    expected = (0.58 * 0.8 + 0.35 * 0.5 + 0.06 * 0.0) / (0.58 + 0.35 + 0.06)
    assert combine(values, FITTED) == pytest.approx(expected)
