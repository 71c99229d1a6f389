"""Sentence roles: the fitted model shipped with the package, what it must get right on
real abstracts, its guards, and the refit that produced it."""

from __future__ import annotations

import importlib.util
import json
import sys
from importlib import resources

import numpy as np
import pytest

from arxiv_digest.text import roles_model
from arxiv_digest.errors import InputError
from arxiv_digest.text.roles import ROLES, classify, classify_sentences, rule_roles
from arxiv_digest.sources.jsonl import JsonlReplay
from conftest import REPO

ABSTRACT = [
    "Diffusion models have achieved remarkable success in image generation.",
    "However, existing samplers need hundreds of steps, which makes generation slow.",
    "We propose FastFlow, a distillation method that samples in two steps.",
    "FastFlow trains a student to match the teacher's trajectory with a consistency loss.",
    "On ImageNet 256x256, FastFlow reaches an FID of 2.1, outperforming prior "
    "two-step samplers by 15%.",
    "Code is available at https://github.com/example/fastflow.",
]


def shipped_json() -> dict:
    return json.loads((resources.files("arxiv_digest") / roles_model.SHIPPED)
                      .read_text(encoding="utf-8"))


def paper(shared, day: str, pid: str):
    listing = JsonlReplay(shared / "data" / "arxiv" / f"{day}.jsonl").read(None, ["cs.CV",
                                                                              "cs.LG"])
    return next(p for p in listing.listing.papers() if p.id == pid)


def roles_fit():
    """bench/roles_fit.py as a module."""
    spec = importlib.util.spec_from_file_location("roles_fit", REPO / "bench" / "roles_fit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["roles_fit"] = module
    spec.loader.exec_module(module)
    return module


def test_the_shipped_model_loads_and_reads_an_abstract_in_order():
    model = roles_model.shipped()
    assert set(model.roles) <= set(ROLES) and {"problem", "result"} <= set(model.roles)
    assert model.weights.shape == (len(model.roles),
                                   len(roles_model.numeric_names()) + len(model.vocabulary))
    assert classify_sentences(ABSTRACT) == ["background", "problem", "contribution", "method",
                                            "result", "resource"]
    assert classify_sentences([]) == []


def test_the_opening_sentence_that_states_the_task_is_a_problem(shared):
    # dev abstracts (2026-06-15, 2026-07-01): the older rules filed these as background
    for day, pid, opening in (
            ("2026-06-15", "2606.13970", "Learning with missing modalities is a fundamental "
                                         "challenge"),
            ("2026-07-01", "2606.31198", "Real-time video segmentation of the prostate")):
        sentences = classify(paper(shared, day, pid))
        assert sentences[0].text.startswith(opening)
        assert rule_roles([s.text for s in sentences])[0] == "background"
        assert sentences[0].role == "problem", pid
    # general context that states no task stays background
    general = classify(paper(shared, "2026-06-19", "2606.19676"))
    assert general[0].text.startswith("Diffusion models have achieved remarkable success")
    assert general[0].role == "background"


def test_a_sentence_with_a_link_is_a_resource_whatever_the_weights_say():
    model = roles_model.shipped()
    texts = ABSTRACT[:4] + ["Experiments show that FastFlow outperforms all baselines by 12% "
                            "(see https://example.org/results for every table)."]
    rows = roles_model.features(texts, model.vocabulary)
    raw = (rows @ model.weights.T + model.bias).argmax(axis=1)
    assert model.roles[raw[-1]] == "result"          # the weights alone would say result
    assert classify_sentences(texts)[-1] == "resource"


def test_classify_keeps_its_records_and_marks_sentences_that_lean_back(shared):
    sentences = classify(paper(shared, "2026-06-15", "2606.14024"))   # ViT-Up
    assert [s.index for s in sentences] == list(range(len(sentences)))
    leaning = {s.index for s in sentences if s.needs_antecedent}
    assert sentences[2].text.startswith("This has motivated") and 2 in leaning
    assert 4 not in leaning and sentences[4].role == "contribution"


def test_a_model_file_for_other_features_or_of_the_wrong_shape_is_refused():
    data = shipped_json()
    renamed = dict(data, numeric=data["numeric"][:-1] + ["shape:other"])
    with pytest.raises(InputError, match="other features"):
        roles_model.RoleModel.from_json(renamed)
    short = dict(data, weights=[row[:-1] for row in data["weights"]])
    with pytest.raises(InputError, match="malformed"):
        roles_model.RoleModel.from_json(short)
    unknown = dict(data, roles=["mood", *data["roles"][1:]])
    with pytest.raises(InputError, match="malformed"):
        roles_model.RoleModel.from_json(unknown)


def test_the_label_splits_keep_to_their_days_and_match_the_sentences(shared):
    fit = roles_fit()
    assert not set(fit.DAYS["dev"]) & set(fit.DAYS["heldout"])
    dev, held = fit.load_split(shared, "dev"), fit.load_split(shared, "heldout")
    assert {a.day for a in dev} == set(fit.DAYS["dev"])
    assert {a.day for a in held} == set(fit.DAYS["heldout"])
    assert not {a.id for a in dev} & {a.id for a in held}
    assert len(fit.gold(dev)) >= 1200 and len(fit.gold(held)) >= 600


def test_refitting_is_deterministic_and_gives_the_shipped_model(shared, tmp_path):
    fit = roles_fit()
    data = shipped_json()
    first, second = tmp_path / "a" / "roles.json", tmp_path / "b" / "roles.json"
    fit.refit(shared, first, data["C"], data["vocabulary_size"])
    fit.refit(shared, second, data["C"], data["vocabulary_size"])
    assert first.read_bytes() == second.read_bytes()
    # the shipped file is what these labels and this code give: the same roles,
    # features and vocabulary, and weights equal up to the last digits (another BLAS
    # may round the optimiser's steps differently)
    refitted = json.loads(first.read_text(encoding="utf-8"))
    numbers = ("weights", "bias")
    assert {k: v for k, v in refitted.items() if k not in numbers} == \
        {k: v for k, v in data.items() if k not in numbers}
    for key in numbers:
        assert np.allclose(refitted[key], data[key], rtol=0, atol=1e-3), key
