import pytest

from arxiv_digest.text.claims import extract, extract_text, rendered_field, sentences
from arxiv_digest.text.latex import latex_to_text
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


class _Scans:
    """Counts the characters regular expressions are asked to search in ``claims``.

    ``search``/``finditer`` on a compiled pattern count the text from ``pos`` on; module
    level ``re`` calls count the whole (usually sliced) string they are given; anchored
    ``match`` calls on a compiled pattern are counted as calls.
    """

    def __init__(self):
        self.searched = 0
        self.anchored = 0

    def pattern(self, compiled):
        scans = self

        class Counting:
            def __getattr__(self, name):
                return getattr(compiled, name)

            def finditer(self, string, pos=0, *rest):
                scans.searched += len(string) - pos
                return compiled.finditer(string, pos, *rest)

            def search(self, string, pos=0, *rest):
                scans.searched += len(string) - pos
                return compiled.search(string, pos, *rest)

            def match(self, string, pos=0, *rest):
                scans.anchored += 1
                return compiled.match(string, pos, *rest)

        return Counting()

    def module(self):
        import re

        scans = self

        class CountingRe:
            def __getattr__(self, name):
                return getattr(re, name)

            def _whole(self, fn, pattern, string, *rest):
                scans.searched += len(string)
                return fn(pattern, string, *rest)

            def match(self, *args):
                return self._whole(re.match, *args)

            def search(self, *args):
                return self._whole(re.search, *args)

            def finditer(self, *args):
                return self._whole(re.finditer, *args)

        return CountingRe()


def _count_scans(monkeypatch):
    import re

    from arxiv_digest.text import claims

    scans = _Scans()
    for name, value in list(vars(claims).items()):
        if isinstance(value, re.Pattern):
            monkeypatch.setattr(claims, name, scans.pattern(value))
    monkeypatch.setattr(claims, "re", scans.module())
    return scans


def _assert_bounded(scans, text):
    """A fixed number of passes over the text plus a fixed window around each number."""
    import re

    numbers = len(re.findall(r"\d+", text))
    assert scans.searched <= 10 * len(text) + 64 * numbers
    assert scans.anchored <= 6 * numbers


def test_a_100kb_sentence_of_numbers_is_searched_a_bounded_number_of_times(monkeypatch):
    # One 100 KB "sentence" (no sentence break) with 12,500 numbers, each next to a metric:
    # reading it must cost a few passes over the text, not a pass per number.
    text = "FID 1.5 " * 12_500
    scans = _count_scans(monkeypatch)
    claims = extract_text(text, "abstract")
    assert len(claims) == 12_500
    assert {(c.text, c.metric, c.start, c.end) for c in claims} == {("1.5", "FID", 0, len(text) - 1)}
    assert [c.number_start for c in claims] == list(range(4, len(text), 8))
    _assert_bounded(scans, text)


def test_a_long_field_of_numbers_ranges_and_rejected_breaks_is_searched_in_bounded_windows(
        monkeypatch):
    # Ranges (each one covers characters later numbers must skip), bare numbers with no
    # metric in reach, and "A." breaks the sentence splitter has to reject.
    text = "1-2% A. " * 6_000 + "7 " * 20_000
    scans = _count_scans(monkeypatch)
    claims = extract_text(text, "abstract")
    assert len(claims) == 6_000 and {c.text for c in claims} == {"1-2%"}
    _assert_bounded(scans, text)


def test_metric_lookup_reads_a_bounded_window_around_each_number():
    from arxiv_digest.text.claims import _Metrics

    sentence = "FID 1.5 " * 12_500
    metrics = _Metrics(sentence)
    for pos in (4, 50_004, len(sentence) - 4):
        window = metrics.window(pos, pos + 3)
        assert len(window) <= (_Metrics.BEFORE + _Metrics.AFTER) // 8 + 3
        assert metrics.near(pos, pos + 3) == "FID"


def test_long_runs_are_read_without_backtracking_over_them():
    gap = " " * 50_000
    claim = only("FID 1.5" + gap + "vs 2.5", text="1.5")
    assert claim.comparison == "vs 2.5" and claim.metric == "FID"
    claim = only("FID from 9.6" + gap + "to 7.5", text="7.5")
    assert claim.comparison == "from 9.6 to 7.5"
    assert extract_text("9" * 100_000, "abstract") == []
    assert extract_text("A. " * 30_000, "abstract") == []
    assert latex_to_text("\\( x " * 20_000 + "$2\\times$") == "\\( x " * 20_000 + "2\u00d7"
