"""Taste that grows with the reader's feedback, on real shared days: nine likes of
diffusion-language-model papers (May 19–20) lift that subject into the top five of a later
day, dislikes of medical-imaging papers sink theirs, the weight grows with the number of
judgements, and `feedback reset` gives back the ranking exactly."""

from __future__ import annotations

import json
import shutil

import pytest

from arxiv_digest.config import load_settings
from arxiv_digest.pipeline.ingest import ingest_file
from arxiv_digest.store import Store
from conftest import invoke

DAY = "2026-06-15"
# The reader's likes: the top-ranked papers of May 19–20 that name a diffusion language
# model (the rule of bench/taste_eval.py), and dislikes: its top medical applications.
LIKES = ["2605.18530", "2605.16445", "2605.16861", "2605.17232", "2605.18204", "2605.16342",
         "2605.18165", "2605.19726", "2605.19262"]
DISLIKES = ["2605.16476", "2605.17087", "2605.16444", "2605.16530", "2605.17620"]
# The papers of June 15 like the liked ones (they name a diffusion language model), and
# its medical applications.
LANGUAGE = {"2606.13740", "2606.13795", "2606.14620"}
MEDICAL = {"2606.13912", "2606.14003", "2606.14072"}


@pytest.fixture(scope="module")
def stored(tmp_path_factory, shared):
    """A data directory holding May 19, May 20 and June 15, built once for the module."""
    home = tmp_path_factory.mktemp("taste") / "home"
    settings = load_settings(home)
    with Store(settings.db_path) as store:
        for day in ("2026-05-19", "2026-05-20", DAY):
            ingest_file(settings, store, shared / "data" / "arxiv" / f"{day}.jsonl")
    return home


@pytest.fixture
def reader(stored, tmp_path, monkeypatch):
    """A copy of the stored data directory of this test's own."""
    home = tmp_path / "home"
    shutil.copytree(stored, home)
    monkeypatch.setenv("ARXIV_DIGEST_HOME", str(home))
    return home


def ranking(home) -> tuple[str, list[dict]]:
    out = invoke("rank", "--date", DAY, "--json", home=home).stdout
    return out, json.loads(out)["candidates"]


def top5(candidates) -> set[str]:
    return {c["id"] for c in candidates[:5]}


def test_nine_likes_bring_their_subject_into_the_top_five(reader):
    _, before = ranking(reader)
    assert LANGUAGE <= {c["id"] for c in before} and len(LANGUAGE & top5(before)) < 3
    invoke("feedback", "like", *LIKES, "--offline", home=reader)
    _, after = ranking(reader)
    assert len(LANGUAGE & top5(after)) >= 3          # all three, from ranks 6, 10 and 22
    for c in after:
        if c["id"] in LANGUAGE:
            taste = c["signals"]["taste"]
            assert taste["reason"].startswith("leans to your likes")
            assert "which you liked" in taste["reason"]
            assert any(liked in taste["reason"] for liked in LIKES)


def test_the_taste_weight_grows_with_the_judgements(reader):
    from arxiv_digest.signals.taste import weight_scale

    invoke("feedback", "like", LIKES[0], "--offline", home=reader)
    _, one = ranking(reader)
    invoke("feedback", "like", *LIKES[1:], "--offline", home=reader)
    _, nine = ranking(reader)

    def strongest(candidates):
        return max(c["signals"]["taste"].get("weight_scale", 1.0) for c in candidates)
    # At most CEILING · n / (n + HALF) times the weight, for the paper that leans most.
    assert strongest(one) <= weight_scale(1) + 1e-4
    assert strongest(nine) == pytest.approx(weight_scale(9), abs=1e-3)
    assert strongest(nine) > 3 * strongest(one)
    # The more the reader has said, the more their subject's papers score.
    score = lambda ranked: sum(c["score"] for c in ranked if c["id"] in LANGUAGE)  # noqa: E731
    assert score(nine) > score(one)


def test_dislikes_sink_their_subject(reader):
    _, before = ranking(reader)
    invoke("feedback", "dislike", *DISLIKES, "--offline", home=reader)
    _, after = ranking(reader)
    score_b = {c["id"]: c["score"] for c in before}
    medical = [c for c in after if c["id"] in MEDICAL]
    assert len(medical) == len(MEDICAL)
    # No medical paper gains (they all rose before: 0.33 -> 0.46 for one); one sinks.
    assert all(c["score"] <= score_b[c["id"]] for c in medical)
    assert min(c["score"] - score_b[c["id"]] for c in medical) < -0.1
    leaning = [c for c in after if c["signals"]["taste"]["reason"].startswith(
        "leans to your dislikes")]
    assert leaning and all("which you disliked" in c["signals"]["taste"]["reason"]
                           and c["score"] <= score_b[c["id"]] for c in leaning)


def test_reset_gives_back_the_ranking_exactly(reader):
    before, _ = ranking(reader)
    invoke("feedback", "like", *LIKES, "--offline", home=reader)
    invoke("feedback", "dislike", *DISLIKES, "--offline", home=reader)
    changed, _ = ranking(reader)
    assert changed != before
    invoke("feedback", "reset", home=reader)
    again, _ = ranking(reader)
    assert again == before                        # the full JSON, byte for byte
