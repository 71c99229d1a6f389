import json
from dataclasses import replace
from datetime import date

import pytest

from arxiv_digest.pipeline.evaluate import evaluate, expected_random_hits
from arxiv_digest.pipeline.ingest import ingest_file
from arxiv_digest.models import Listing, ListingEntry, Paper
from arxiv_digest.pipeline import profile_settings, rank_day
from arxiv_digest.rank import combine, rank_listing, replacement_news
from arxiv_digest.signals import SignalValue
from arxiv_digest.sources.jsonl import JsonlReplay
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import run

DAY = date(2026, 6, 24)


def listing_of(day_file, day="2026-06-24"):
    return JsonlReplay(day_file(day)).read(None, ["cs.CV", "cs.LG"]).listing


def test_ranking_is_deterministic_and_complete(day_file):
    profile = load_profile()
    first = rank_listing(listing_of(day_file), profile)
    second = rank_listing(listing_of(day_file), profile)
    assert [c.paper.id for c in first.candidates] == [c.paper.id for c in second.candidates]
    assert [c.rank for c in first.candidates] == list(range(1, first.pool + 1))
    scores = [c.score for c in first.candidates]
    assert scores == sorted(scores, reverse=True)
    for candidate in first.candidates:
        assert set(candidate.signals) == set(profile.weights)
        assert candidate.relevance.passes and candidate.short_name


def test_ties_break_on_relevance_then_id():
    profile = load_profile()
    abstract = ("We propose a new sampler for diffusion models that reduces the number of "
                "denoising steps of diffusion models.")
    listing = Listing(date=DAY, categories=["cs.LG"])
    for n in (3, 1, 2):
        p = Paper(id=f"2606.0000{n}", version=1, title=f"Sampler {n}", authors=["A"],
                  abstract=abstract, categories=["cs.LG"])
        listing.entries.append(ListingEntry(DAY, "cs.LG", "new", p))
    ranked = rank_listing(listing, replace(profile, weights={"relevance": 1.0}))
    assert [c.paper.id for c in ranked.candidates] == ["2606.00001", "2606.00002", "2606.00003"]


def test_combine_skips_signals_without_data():
    values = {"a": SignalValue(1.0, "x"), "b": None}
    assert combine(values, {"a": 1.0, "b": 3.0}) == 1.0


def _paper(version, comment):
    return Paper(id="2501.00001", version=version, title="Faster Diffusion Sampling",
                 authors=["A"], abstract="We accelerate sampling of diffusion models with a new "
                 "solver for diffusion models.", categories=["cs.LG"], comment=comment)


def test_replacement_news():
    assert replacement_news(_paper(2, "Accepted at ICML 2026"), _paper(1, "10 pages")) == \
        "v2: Accepted at ICML 2026 (new since v1)"
    assert replacement_news(_paper(3, "Accepted at ICML 2026"),
                            _paper(2, "Accepted at ICML 2026, camera-ready")) is None
    assert replacement_news(_paper(2, "Submitted to NeurIPS 2026"), None) is None
    assert replacement_news(_paper(2, "ECCV 2026"), None) == "v2: Accepted at ECCV 2026"


def test_replacements_enter_only_with_news(settings, day_file, tmp_path):
    profile = load_profile()
    settings = profile_settings(settings, profile)
    old = tmp_path / "2026-06-23.jsonl"
    old.write_text(json.dumps({"id": "2501.00001", "title": "Faster Diffusion Sampling",
                               "authors": ["A"], "abstract": _paper(1, None).abstract,
                               "categories": ["cs.LG"], "comment": "10 pages"}) + "\n")
    replay = tmp_path / "2026-06-24.jsonl"
    lines = day_file("2026-06-24").read_text().splitlines()
    for pid, version, comment in (("2501.00001", 2, "Accepted at ICML 2026"),
                                  ("2501.00002", 2, "Fixed typos")):
        lines.append(json.dumps({"id": pid, "title": "Faster Diffusion Sampling",
                                 "authors": ["A"], "abstract": _paper(1, None).abstract,
                                 "categories": ["cs.LG"], "comment": comment,
                                 "announce_type": "replace", "version": version}))
    replay.write_text("\n".join(lines) + "\n")
    with Store(settings.db_path) as store:
        ingest_file(settings, store, old)
        ranking = rank_day(settings, store, profile, inputs=[replay])
    by_id = {c.paper.id: c for c in ranking.candidates}
    assert by_id["2501.00001"].news == "v2: Accepted at ICML 2026 (new since v1)"
    assert "2501.00002" not in by_id
    assert ranking.replacements_without_news == 1


def test_empty_history_still_ranks(settings, day_file):
    profile = load_profile()
    with Store(settings.db_path) as store:
        ranking = rank_day(settings, store, profile, inputs=[day_file("2026-06-24")])
    assert ranking.pool > 10
    assert all("no history" in c.signals["novelty"].reason for c in ranking.candidates)


def test_editor_picks_on_the_development_days(settings, shared):
    """The level measured on the two labelled days (a floor against regressions, not a
    tuning target): on average >= 2.5 of the editor's five among our picks (2 with the
    weights set by hand), nine of the ten in our top 15 (ten with those weights: a paper
    whose strength was its evidence falls to 24th now that evidence weighs nothing), far
    above a random pick from the pool."""
    with Store(settings.db_path) as store:
        scores = evaluate(settings, store, load_profile(), shared / "eval" / "editor-picks-dev.json")
    assert len(scores) == 2
    assert sum(s.in_top5 for s in scores) / 2 >= 2.5
    assert sum(s.in_top15 for s in scores) >= 9
    for score in scores:
        assert score.in_top5 > score.random_top5


def test_expected_random_hits():
    assert expected_random_hits(5, 40, 5) == pytest.approx(0.625)
    assert expected_random_hits(5, 4, 10) == 5.0


def test_rank_cli_json_contract(home, day_file):
    proc = run("rank", "--input", str(day_file("2026-06-24")), "--top", "3", "--json", home=home)
    data = json.loads(proc.stdout)
    assert data["date"] == "2026-06-24" and data["profile"] == "diffusion"
    assert data["pool"] > 3 and len(data["candidates"]) == 3
    first = data["candidates"][0]
    core = {"relevance", "novelty", "evidence", "venue", "code"}
    assert first["rank"] == 1 and core <= set(first["signals"])
    for name, signal in first["signals"].items():
        if name in core:
            assert 0 <= signal["value"] <= 1 and signal["reason"]
        else:                      # enrichment signals: no data without enrichment
            assert signal is None
    full = json.loads(run("rank", "--date", "2026-06-24", "--json", home=home).stdout)
    assert len(full["candidates"]) == full["pool"]


def test_explain_cli(home, day_file):
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    top = json.loads(run("rank", "--date", "2026-06-24", "--json", "--top", "2",
                         home=home).stdout)["candidates"]
    out = run("explain", top[1]["id"], "--date", "2026-06-24", home=home).stdout
    assert "rank 2 of" in out and "novelty" in out and "next above: #1" in out
    outside = run("explain", "2606.00000", "--date", "2026-06-24", home=home, check=False)
    assert outside.returncode == 1 and "is not in the" in outside.stderr


def test_profiles_cli(home):
    assert "diffusion (default)" in run("profiles", home=home).stdout
