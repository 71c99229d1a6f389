import csv
import json

import pytest

from arxiv_digest.errors import ConfigError
from arxiv_digest.models import Paper
from arxiv_digest.sources.jsonl import paper_from_record
from arxiv_digest.topics import available_profiles, load_profile, parse_profile
from arxiv_digest.topics.relevance import APPLICATION, CORE, NOT_RELEVANT, assess
from conftest import REPO

LABELS = REPO / "data" / "labels" / "diffusion-relevance.csv"
HELD_OUT_DAY = "2026-06-16"     # never used to tune; 2026-05-19 is the development split


def paper(title, abstract):
    return Paper(id="2606.00001", version=1, title=title, authors=["A"], abstract=abstract,
                 categories=["cs.LG"])


def test_label_file_is_ids_and_labels_only():
    rows = list(csv.DictReader(LABELS.open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "day", "label"]
    assert len(rows) >= 150 and len({r["day"] for r in rows}) >= 2
    assert {r["label"] for r in rows} == {CORE, APPLICATION, NOT_RELEVANT}
    assert len({r["id"] for r in rows}) == len(rows)


def held_out_scores(shared):
    profile = load_profile()
    rows = [r for r in csv.DictReader(LABELS.open(encoding="utf-8")) if r["day"] == HELD_OUT_DAY]
    papers = {}
    for line in (shared / "data" / "arxiv" / f"{HELD_OUT_DAY}.jsonl").open(encoding="utf-8"):
        p, _ = paper_from_record(json.loads(line))
        papers[p.id] = p
    tp = fp = fn = 0
    for row in rows:
        predicted = assess(papers[row["id"]], profile).passes
        gold = row["label"] != NOT_RELEVANT
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
    return tp / (tp + fp), tp / (tp + fn)


def test_filter_quality_on_the_held_out_labels(shared):
    precision, recall = held_out_scores(shared)
    # README reports the exact numbers; this guards against regressions.
    assert precision >= 0.9 and recall >= 0.8, (precision, recall)


def test_core_ranks_above_application():
    core = assess(paper("Few-Step Distillation of Diffusion Models",
                        "We distill diffusion models into a one-step sampler with a new "
                        "consistency objective and prove convergence of the diffusion model."),
                  load_profile())
    app = assess(paper("Diffusion Models for Brain MRI Segmentation",
                       "We use a latent diffusion model to segment tumours in clinical brain MRI "
                       "scans from a hospital, improving medical segmentation."), load_profile())
    assert core.tier == CORE and app.tier == APPLICATION and core.value > app.value


@pytest.mark.parametrize("title, abstract", [
    ("Pattern Formation in Reaction-Diffusion Systems",
     "We study reaction-diffusion equations and diffusion coefficients of Turing patterns."),
    ("Tractography from Diffusion MRI", "Diffusion MRI and diffusion tensor imaging of white matter."),
    ("Information Diffusion in Social Networks", "We model information diffusion on graphs."),
    ("A Transformer for Tabular Classification", "We propose a transformer for tables."),
])
def test_other_senses_are_not_relevant(title, abstract):
    assert assess(paper(title, abstract), load_profile()).tier == NOT_RELEVANT


def test_user_profiles_and_errors(tmp_path):
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "rl.toml").write_text(
        'name = "rl"\ncategories = ["cs.LG"]\n[relevance.topic]\n"reinforcement learning" = 3\n'
        '[weights]\nrelevance = 1\n')
    assert set(available_profiles(tmp_path)) == {"diffusion", "rl"}
    assert load_profile("rl", tmp_path).categories == ["cs.LG"]
    with pytest.raises(ConfigError, match="no profile named 'nope'.*diffusion"):
        load_profile("nope", tmp_path)
    with pytest.raises(ConfigError, match="needs at least one phrase"):
        parse_profile('name = "x"\ncategories = ["cs.LG"]\n', "x.toml")
    with pytest.raises(ConfigError, match="numeric weight"):
        parse_profile('name = "x"\ncategories = ["cs.LG"]\n[relevance.topic]\n"a" = "b"\n', "x")


def day_papers(day_file, day):
    papers = {}
    for line in day_file(day).read_text(encoding="utf-8").splitlines():
        p, _ = paper_from_record(json.loads(line))
        papers.setdefault(p.id, p)
    return papers


def test_a_paper_naming_diffusion_only_in_passing_is_not_about_it(day_file):
    """Diffusion only as an example, a comparison, a likeness or an outlook: not the
    subject. Real papers of the development day, with what they were labelled."""
    profile = load_profile()
    papers = day_papers(day_file, "2026-05-19")
    # A VLA steering paper: "(flow-matching VLA, autoregressive VLA, and Diffusion Policy)".
    coast = assess(papers["2605.17144"], profile)
    assert coast.tier == NOT_RELEVANT and "only in passing" in coast.reason
    assert "diffusion polic*" in coast.reason
    # Optimisation theory: "mirroring … in diffusion models", "Diffusion-Inspired …",
    # "we discuss implications of our results for diffusion models".
    assert assess(papers["2605.16520"], profile).tier == NOT_RELEVANT
    # A hallucination paper whose only match is "consistency modeling" in its outlook.
    assert assess(papers["2605.16411"], profile).tier == NOT_RELEVANT
    # Fine-tunes a diffusion inpainting model (its own use) and is "unlike typical
    # diffusion models": it uses the topic, so it stays an application.
    assert assess(papers["2605.16515"], profile).tier == APPLICATION
    # A flow-matching method compared with diffusion models stays core.
    assert assess(papers["2605.17244"], profile).tier == CORE


def test_the_passing_stretches_of_an_abstract():
    from arxiv_digest.topics.passing import positions, spans
    from arxiv_digest.topics.terms import tokens

    text = ("Generative models such as GANs, VAEs and diffusion models have been used for "
            "trajectories. We propose a filter that runs faster than diffusion samplers, "
            "and our diffusion model beats diffusion-based baselines. We apply it to "
            "segmentation (CNN, U-Net, and DDPM). Future work may explore diffusion.")
    words = tokens(text)
    apart = positions(text)
    where = [i for i, w in enumerate(words) if w in ("diffusion", "ddpm")]
    # In a list of examples, a comparison, against baselines, a bracketed list, the outlook.
    assert [i in apart for i in where] == [True, True, False, True, True, True]
    assert all(text[a:b] for a, b in spans(text))
    assert positions("") == frozenset()


def test_text_to_image_retrieval_is_another_sense_of_text_to_image(day_file):
    """A person-retrieval paper ("text-to-image person re-identification") passed the
    filter on the phrase "text-to-image" alone."""
    crst = assess(day_papers(day_file, "2026-06-30")["2606.30458"], load_profile())
    assert crst.tier == NOT_RELEVANT and "another sense" in crst.reason


def dev_scores(shared):
    profile = load_profile()
    rows = [r for r in csv.DictReader(LABELS.open(encoding="utf-8")) if r["day"] == "2026-05-19"]
    papers = {}
    for line in (shared / "data" / "arxiv" / "2026-05-19.jsonl").open(encoding="utf-8"):
        p, _ = paper_from_record(json.loads(line))
        papers[p.id] = p
    predicted = {r["id"]: assess(papers[r["id"]], profile).passes for r in rows}
    tp = sum(predicted[r["id"]] and r["label"] != NOT_RELEVANT for r in rows)
    fp = sum(predicted[r["id"]] and r["label"] == NOT_RELEVANT for r in rows)
    fn = sum(not predicted[r["id"]] and r["label"] != NOT_RELEVANT for r in rows)
    return tp / (tp + fp), tp / (tp + fn)


def test_filter_quality_on_the_development_labels(shared):
    precision, recall = dev_scores(shared)
    # 0.938 / 0.946 before mentions in passing stopped counting (README has the table).
    assert precision >= 0.96 and recall >= 0.94, (precision, recall)


def test_verdicts_of_an_older_judgement_are_assessed_again(day_file, tmp_path, monkeypatch):
    import arxiv_digest.topics as topics
    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline.ingest import ingest_file
    from arxiv_digest.store import Store
    from arxiv_digest.topics.verdicts import relevance_tiers

    current = load_profile()
    monkeypatch.setattr(topics, "JUDGEMENT", "an older judgement")
    older = load_profile()
    monkeypatch.undo()
    assert older.fingerprint != current.fingerprint
    settings = load_settings(tmp_path / "home")
    with Store(settings.db_path) as store:
        report = ingest_file(settings, store, day_file("2026-05-19"))
        listed = store.load_listing(report.date, settings.categories).papers()
        coast = next(p for p in listed if p.id == "2605.17144")
        store.conn.execute("DELETE FROM relevance_cache")
        # What the older judgement said of the VLA paper, stored under its fingerprint.
        store.save_relevance(current.name, older.fingerprint,
                             [(coast.id, coast.version, APPLICATION, 0.2)])
        tiers = relevance_tiers(store, [current], [coast])[current.name]
        assert tiers == {coast.id: NOT_RELEVANT}
