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
