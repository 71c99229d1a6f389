from datetime import date

import pytest

from arxiv_digest import signals
from arxiv_digest.text.claims import extract
from arxiv_digest.errors import ConfigError
from arxiv_digest.models import Paper
from arxiv_digest.signals import DayContext, SignalValue
from arxiv_digest.signals.code import assess as code_assess, code_url
from arxiv_digest.signals.evidence import assess as evidence_assess
from arxiv_digest.signals.novelty import framing, novelty
from arxiv_digest.signals.venue import peer_review
from arxiv_digest.topics import load_profile
from arxiv_digest.topics.relevance import assess


def paper(n, title, abstract, comment=None, journal_ref=None):
    return Paper(id=f"2606.{n:05d}", version=1, title=title, authors=["A"], abstract=abstract,
                 categories=["cs.LG"], comment=comment, journal_ref=journal_ref)


@pytest.mark.parametrize("comment, journal_ref, status, label", [
    ("Accepted to the ICML 2026", None, "accepted", "Accepted at ICML 2026"),
    ("ECCV 2026 (Oral). Code: github.com/x/y", None, "accepted", "Accepted at ECCV 2026 (oral)"),
    ("Submitted to NeurIPS 2026", None, "submitted", "Submitted to NeurIPS 2026 (not yet accepted)"),
    ("Under review", None, "submitted", "Submitted (not yet accepted)"),
    ("Accepted at the CVPR 2026 Workshop on Generative Models", None, "workshop",
     "CVPR 2026 workshop paper"),
    ("MSc thesis, Computer Science department", None, "preprint", "Preprint"),
    ("22 pages, 7 figures", None, "preprint", "Preprint"),
    (None, "IEEE TPAMI 48(3), 2026", "accepted", "Published in TPAMI"),
])
def test_peer_review(comment, journal_ref, status, label):
    review = peer_review(comment, journal_ref)
    assert (review.status, review.label) == (status, label)


def test_code_links():
    p = paper(1, "T", "Code is available at https://github.com/org/repo.", "Project page: "
              "https://org.github.io/proj")
    assert code_url(p) == "https://github.com/org/repo"
    assert code_assess(p).value == 1.0
    page = paper(2, "T", "See https://org.github.io/proj for videos.")
    assert code_assess(page).value == 0.7
    promise = paper(3, "T", "Code and models will be released upon publication.")
    assert code_assess(promise).value == 0.3 and "promised" in code_assess(promise).reason
    assert code_assess(paper(4, "T", "Nothing here.")).value == 0.0


def test_evidence_strong_versus_thin():
    strong = paper(1, "T", "Our sampler improves FID from 9.67 to 7.56 on ImageNet and is 2.5x "
                           "faster than DDIM, raising GenEval to 0.84 and VBench by 1.2 points.")
    thin = paper(2, "T", "Our sampler is much better and faster than prior work.")
    s, t = evidence_assess(extract(strong)), evidence_assess(extract(thin))
    assert s.value > 0.6 and s.reason.startswith("strong")
    assert t.value == 0.0 and "no quantitative" in t.reason


def test_framing_cues():
    theory, cues = framing(paper(1, "Why Vanilla Diffusion Models Fail",
                                 "We prove a lower bound and show that, contrary to common belief, "
                                 "guidance is not necessary."))
    incremental, cues2 = framing(paper(2, "A Module", "This is an extended version of our "
                                       "previous conference paper. We propose a module."))
    assert theory > 0.6 and "proves a formal result" in cues
    assert "overturns a common assumption" in cues
    assert incremental == 0.0 and "frames itself as incremental" in cues2
    survey, cues3 = framing(paper(3, "A Survey of Diffusion Models", "We prove nothing new."))
    assert survey == 0.0 and cues3 == ("survey or tutorial: no new method",)


def _ctx(papers, history=()):
    profile = load_profile()
    return DayContext(day=date(2026, 6, 24), profile=profile, papers=list(papers),
                      relevance={p.id: assess(p, profile) for p in papers},
                      claims={p.id: extract(p) for p in papers}, history=list(history))


def test_novelty_against_history():
    abstract = ("We propose a training-free sampler for diffusion models that reuses cached "
                "attention features across denoising steps to accelerate video diffusion "
                "transformers while preserving VBench quality on three video models.")
    old = paper(1, "Cached Attention for Fast Video Diffusion", abstract)
    echo = paper(5, "Cached Attention Features for Faster Video Diffusion", abstract + " Again.")
    fresh = paper(6, "Memorization in Diffusion Models",
                  "We study memorization of training images by diffusion models through repeated "
                  "noising and denoising, finding attractors in the learned distribution.")
    values = novelty(_ctx([echo, fresh], history=[old]))
    assert values[echo.id].value < values[fresh.id].value
    assert f"nearest earlier paper {old.id}" in values[echo.id].reason


def test_registry_and_values_on_a_real_day(day_file):
    import json

    from arxiv_digest.sources.jsonl import paper_from_record

    assert {"relevance", "novelty", "evidence", "venue", "code"} <= set(signals.registry())
    with pytest.raises(ConfigError, match="unknown signal 'stars'"):
        signals.get("stars")
    profile = load_profile()
    papers = [paper_from_record(json.loads(line))[0]
              for line in day_file("2026-06-24").read_text().splitlines()]
    pool = [p for p in papers if assess(p, profile).passes]
    ctx = _ctx(pool)
    for name in profile.weights:
        values = signals.get(name)(ctx)
        if name == "taste":
            assert values == {}                # no feedback: no value, nothing changes
            continue
        assert set(values) == {p.id for p in pool}
        for value in values.values():
            if name in signals.enriched_names():
                assert value is None           # no enrichment in this context
            else:
                assert isinstance(value, SignalValue) and 0 <= value.value <= 1 and value.reason


def test_signal_values_are_bounded():
    with pytest.raises(ValueError):
        SignalValue(1.5, "too high")


def day_pool(day_file, day):
    import json

    from arxiv_digest.sources.jsonl import paper_from_record

    profile, seen = load_profile(), {}
    for line in day_file(day).read_text(encoding="utf-8").splitlines():
        p = paper_from_record(json.loads(line))[0]
        seen.setdefault(p.id, p)
    return {i: p for i, p in seen.items() if assess(p, profile).passes}


def test_novelty_credits_a_named_sampler_without_cue_words(day_file):
    """CLAD introduces its own decoder for masked diffusion LMs ("This yields CLAD
    (Cluster-Level Attention-Guided Decoding), a training-free cluster-level decoder") and
    measures 1.77x–8.47x speed-ups, but says neither "we propose" nor "novel": its novelty
    sat at the floor (framing 0). A study of diffusion modelling for 21 cm cosmology that
    introduces nothing of its own gets no credit."""
    pool = day_pool(day_file, "2026-05-29")
    clad, study = pool["2605.29607"], pool["2605.29016"]
    value, cues = framing(clad)
    assert "introduces CLAD (a sampler)" in cues and value > 0.4
    study_value, study_cues = framing(study)
    assert study_value == 0.0 and not any(c.startswith("introduces") for c in study_cues)
    values = novelty(_ctx(pool.values()))
    assert values[clad.id].value > 0.5 > values[study.id].value      # was 0.30 at most
    assert "introduces CLAD (a sampler)" in values[clad.id].reason


def test_novelty_reads_what_is_introduced_and_still_the_history(day_file):
    # A coined name that is the subject of the paper's own result ("NED reduces FID").
    ned = day_pool(day_file, "2026-06-23")["2606.22521"]
    assert "introduces NED (a method)" in framing(ned)[1]
    # A sampler named by its acronym, the kind read from the title; and its bounds.
    june24 = day_pool(day_file, "2026-06-24")
    cues = framing(june24["2606.24140"])[1]
    assert "introduces TR-CIE (a sampler)" in cues and "proves a formal result" in cues
    # A name drawn from its own words: "Learned Relay Representations (Relay)".
    relay = day_pool(day_file, "2026-05-25")["2605.22967"]
    assert "introduces Relay (a method)" in framing(relay)[1]
    # A metric and the dataset released beside it, each credited.
    seamcam = day_pool(day_file, "2026-05-19")["2605.16515"]
    cues = framing(seamcam)[1]
    assert "introduces SeamCam (a metric)" in cues
    assert "introduces CamFG-1.5k (a benchmark or dataset)" in cues
    # The history still counts: a paper close to an earlier one is less new.
    history = list(day_pool(day_file, "2026-06-23").values())
    with_history = novelty(_ctx(june24.values(), history))
    alone = novelty(_ctx(june24.values()))
    assert all("nearest earlier paper" in v.reason for v in with_history.values())
    assert with_history != alone


def test_what_a_paper_introduces_from_its_own_sentences():
    from arxiv_digest.text.introduced import introduced

    def what(abstract, title="A Title"):
        return [i.phrase for i in introduced(paper(9, title, abstract))]

    assert what("We propose Stochastic Flow Sampling (SFS), a solver for flow models. "
                "SFS reduces FID from 3.1 to 2.4 on ImageNet.") == ["introduces SFS (a sampler)"]
    assert what("Diffusion models are slow. We call it TurboNet, a distilled network. "
                "TurboNet runs 4x faster.") == ["introduces TurboNet (a model)"]
    assert what("Existing samplers are slow. Our experiments show that FastDiT achieves "
                "2x speed-ups.") == ["introduces FastDiT (a method)"]
    # Named first as existing work: not the paper's own.
    assert what("Prior work introduced FastDiT for images. We apply FastDiT to video and "
                "find that FastDiT achieves 2x speed-ups.") == []
    assert what("We apply diffusion models to weather forecasting.") == []
    assert what("We present a study of guidance in diffusion models.") == []
    assert what("We curate a benchmark of 500 prompts and prove a lower bound on the "
                "error.") == ["introduces a new benchmark or dataset", "proves a formal result"]
