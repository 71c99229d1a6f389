import pytest

from arxiv_digest.models import Paper
from arxiv_digest.text.shortnames import compact_title, short_name


def paper(title, abstract=""):
    return Paper(id="2606.00001", version=1, title=title, authors=["A"], abstract=abstract,
                 categories=["cs.CV"])


@pytest.mark.parametrize("title, abstract, expected", [
    ("SLIM-RL: Scalable Learning for Images", "", "SLIM-RL"),
    ("DiffusionBench: On Holistic Evaluation of Diffusion Transformers", "", "DiffusionBench"),
    ("Faster Sampling of Diffusion Models", "In this work we introduce TurboSampler, a solver.",
     "TurboSampler"),
    ("Adaptive Guidance", "We propose a method, dubbed AdaG-2, for guidance.", "AdaG-2"),
    ("Expansion Attention (EA) for Video Generation", "", "EA"),
    ("Towards a Theory of Guidance in Diffusion Models", "Large language models (LLMs) are used.",
     "Theory of Guidance"),
    ("Cyclic Denoising Reveals Ultrastable Memories in Diffusion Models", "", "Cyclic Denoising"),
    ("What Do Flow-Based Inverse Solvers Approximate? A View", "", "Flow-Based Inverse Solvers"),
    ("Rethinking Token Reduction: A Study", "", "Rethinking Token Reduction"),
])
def test_short_names(title, abstract, expected):
    assert short_name(paper(title, abstract)) == expected


def test_defined_terms_in_the_abstract_are_not_names():
    p = paper("Reflective Prompt Tuning through Function Calling",
              "Large language models (LLMs) and reinforcement learning (RL) are combined.")
    assert short_name(p) == "Reflective Prompt Tuning"


def test_compact_title_drops_dangling_small_words():
    assert compact_title("Learning to Sample with the Best of Both Worlds") == "Learning to Sample"


def test_a_name_keeping_a_word_of_its_long_form_is_the_papers_own(day_file):
    """2606.24548 names its benchmark "Counterfactual-World (CF-World)" — its capitals are
    not the words' initials, and the metric it defines later (PRR) is not its name; an
    existing architecture abbreviated beside "we" ("MM-DiT") stays no name of the paper."""
    import json

    row = next(json.loads(line) for line in day_file("2026-06-24").open(encoding="utf-8")
               if line.startswith('{"id": "2606.24548'))
    real = Paper(id=row["id"], version=1, title=row["title"], authors=row["authors"],
                 abstract=row["abstract"], categories=row["categories"])
    assert short_name(real) == "CF-World"
    existing = paper("Layout Control for Text-to-Image Models",
                     "We build on the Multimodal Diffusion Transformer (MM-DiT) and add a layout "
                     "branch.")
    assert short_name(existing) == "Layout Control"
