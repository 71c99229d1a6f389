import pytest

from arxiv_digest.claims import extract, extract_text, rendered_field, sentences
from arxiv_digest.latex import latex_to_text
from arxiv_digest.models import Paper


def paper(abstract, title="A Paper", comment=None):
    return Paper(id="2606.00001", version=1, title=title, authors=["A"], abstract=abstract,
                 categories=["cs.CV"], comment=comment)


def only(source, **match):
    found = [c for c in extract_text(source, "abstract")
             if all(getattr(c, k) == v for k, v in match.items())]
    assert found, [vars(c) for c in extract_text(source, "abstract")]
    return found[0]


def test_from_to_comparison_with_metric():
    claim = only("Our sampler improves FID from 9.67 to 7.56 on ImageNet 256x256.", text="7.56")
    assert claim.metric == "FID" and claim.comparison == "from 9.67 to 7.56"
    assert claim.value == 7.56 and claim.kind == "improvement"


def test_units():
    text = ("It is 2.5x faster than DDIM, uses 40% less memory, gains 1.2 dB PSNR, needs only "
            "4 sampling steps and 120 GPU-hours, with 53.1M parameters vs 110M.")
    units = {c.text: c.unit for c in extract_text(text, "abstract")}
    assert units["2.5x"] == "\u00d7" and units["40%"] == "%" and units["1.2 dB"] == "dB"
    assert units["4 sampling steps"] == "steps" and units["120 GPU-hours"] == "GPU-hours"
    assert units["53.1M parameters"] == "parameters"
    speed = only(text, text="2.5x")
    assert speed.kind == "speedup" and speed.baseline == "DDIM"


def test_versus_numbers():
    claim = only("The student has 53.1M (vs. 110M) parameters.", text="53.1M")
    assert claim.comparison == "vs 110M"


def test_latex_is_rendered_before_extraction():
    text = latex_to_text(r"We prove an $\Omega(1/T)$ lower bound and a $3.3\times$ speed-up.")
    assert text == "We prove an \u03a9(1/T) lower bound and a 3.3\u00d7 speed-up."
    kinds = {c.text: c.kind for c in extract_text(text, "abstract")}
    assert kinds == {"\u03a9(1/T)": "bound", "3.3\u00d7": "speedup"}


def test_percent_is_not_a_latex_comment():
    assert latex_to_text("improves by 12% over $x$ and more") == "improves by 12% over x and more"


def test_noise_is_not_a_claim():
    text = ("Accepted at ICML 2026. As shown in Figure 3 and Table 2, (2) our 3D model, "
            "GPT-4 and Qwen2.5 work in 2025.")
    assert extract_text(text, "comment") == []


def test_ranges_and_counts():
    claims = extract_text("DiTo gains 1.6-3.9 dB higher PSNR across 6 benchmarks.", "abstract")
    by_text = {c.text: c for c in claims}
    assert by_text["1.6-3.9 dB"].unit == "dB" and by_text["1.6-3.9 dB"].metric == "PSNR"
    assert by_text["6"].kind == "count"


def test_offsets_point_into_the_rendered_field():
    p = paper(r"Diffusion is slow. Our method reaches FID $1.41$ with $4$ steps, a $2\times$ gain.",
              title="Fast: 10x Faster Sampling", comment="Code at github; 12 pages")
    for claim in extract(p):
        field = rendered_field(p, claim.field)
        assert field[claim.start:claim.end] == claim.sentence
        assert field[claim.number_start:claim.number_end] == claim.text
        assert claim.text in claim.sentence
    assert {c.field for c in extract(p)} == {"title", "abstract"}


def test_sentences_respect_abbreviations_and_decimals():
    text = "We compare with e.g. DDIM et al. results. FID drops to 2.5 vs. 3.1. Done."
    spans = [text[a:b] for a, b in sentences(text)]
    assert spans == ["We compare with e.g. DDIM et al. results.", "FID drops to 2.5 vs. 3.1.",
                     "Done."]


@pytest.mark.parametrize("day", ["2026-05-22", "2026-06-23"])
def test_claims_on_real_days_are_well_formed(day_file, day):
    import json

    from arxiv_digest.sources.jsonl import paper_from_record

    total = 0
    for line in day_file(day).read_text(encoding="utf-8").splitlines():
        p, _ = paper_from_record(json.loads(line))
        for claim in extract(p):
            field = rendered_field(p, claim.field)
            assert field[claim.number_start:claim.number_end] == claim.text, (p.id, claim)
            total += 1
    assert total > 500
