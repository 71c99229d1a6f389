"""Numbers bound to what their sources say: quantity, direction, subject. The patterns
an expert reader found in earlier digests, each with the source sentence it misread
(quoted where the shared days carry it, written for this test otherwise). The sources
of 2026-06-19, -23 and -24 are read from the shared days themselves."""

import json

import pytest

from arxiv_digest.text.binding import bind
from arxiv_digest.text.binding_words import lower_is_better
from arxiv_digest.text.claims import extract, extract_text, sentences
from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.digest import Verification
from arxiv_digest.models import Paper
from arxiv_digest.text.shortnames import short_name
from arxiv_digest.signals.evidence import assess
from arxiv_digest.verify import SourceText, check, verify_text
from arxiv_digest.writers.highlight import choose_highlight


def binding_of(sentence: str, number: str, names=()):
    at = sentence.index(number)
    claim = next(c for c in extract_text(sentence, "abstract") if c.text.startswith(number)
                 or number.startswith(c.text))
    return bind(sentence, at, at + len(claim.text), unit=claim.unit, metric=claim.metric,
                comparison=claim.comparison, kind=claim.kind, names=names)


def highlight(abstract: str, title: str = "Xeno: A Method") -> str:
    paper = Paper("2606.00001", 1, title, ["A"], abstract, ["cs.CV"])
    claims = extract_text(abstract, "abstract")
    chosen = choose_highlight(claims, (short_name(paper),))
    return chosen[1].phrase if chosen else ""


def problem(ours: str, source: str, names=("X",)) -> str | None:
    bank = {1: SourceText(source, names=names)}
    return check(ours, [1], bank)[2]


FLOW = ("A controlled 2D study with a closed-form posterior confirms the theory decisively: "
        "source reweighting matches the true posterior to the Monte-Carlo floor on every "
        "metric, whereas trajectory guidance incurs 200–800× larger error and collapses "
        "posterior modes, regardless of guidance strength.")
LGS = ("Prior analyses show that standard isotropic reverse covariances suffer an unavoidable "
       "Ω(1/T) path-KL error as the number of denoising steps T grows. We show that LGS breaks "
       "this barrier, yielding an order-wise improvement that reduces the path KL to O(1/T^2).")
MONITORS = ("Across 816 runs, the monitor fires 0/816 times at the 200 step horizon, giving "
            "zero precision.")


def test_an_error_ratio_never_becomes_a_speed_up():
    b = binding_of(FLOW, "200–800×")
    assert (b.quantity, b.direction) == ("error", "up") and b.subject != "method"
    assert highlight(FLOW) == ""                                  # a baseline's number
    assert "not" in problem("X brings a 200–800× speed-up.", FLOW)
    assert problem("Trajectory guidance incurs 200–800× larger error.", FLOW) is None


def test_a_bound_stays_with_whoever_the_source_gives_it_to():
    barrier = binding_of(LGS, "Ω(1/T)")
    assert barrier.subject == "baseline"
    assert binding_of(LGS, "O(1/T^2)", ("LGS",)).subject in ("method", "finding")
    assert "Ω(1/T)" not in highlight(LGS, "LGS: Beyond Isotropic Covariances")
    assert problem("LGS achieves an Ω(1/T) path-KL error.", LGS, ("LGS",)) is not None
    assert problem("LGS breaks the Ω(1/T) barrier of isotropic covariances.", LGS,
                   ("LGS",)) is None


def test_a_horizon_is_not_a_precision():
    assert binding_of(MONITORS, "200").role == "setting"
    assert "200" not in highlight(MONITORS)
    assert problem("The monitors reach a precision of 200.", MONITORS) is not None


@pytest.mark.parametrize("ours, source", [
    # a ratio of training samples at equal accuracy is not an accuracy
    ("X reaches 0.46× accuracy.",
     "X needs only 0.46× the training samples of the baseline at equal accuracy."),
    # a tiny loss at a sparsity level is not a score of 50 %
    ("X keeps a 50% CLIP score.",
     "At 50% sparsity, X incurs a 0.001 CLIP-score loss."),
    # fewer FLOPs is not a FLOP count
    ("X uses FLOPs 3.3.", "X trains with 3.3× fewer training FLOPs than DiT."),
    # a drop is not a level
    ("X shows accuracy 18.9 points.",
     "Removing the prior causes accuracy drops of up to 18.9 points."),
    # a model's name is not a score
    ("X raises GenEval to 3.", "X improves Stable Diffusion 3 on GenEval by a wide margin."),
    # the opposite direction
    ("X increases FID by 12%.", "X reduces FID by 12% on ImageNet."),
])
def test_misbound_numbers_are_refused(ours, source):
    assert problem(ours, source) is not None


@pytest.mark.parametrize("ours, source", [
    ("X reaches FID 1.45 on ImageNet 256×256.",
     "On ImageNet 256×256, X attains FID 1.45 without guidance."),
    ("X needs 3.3× fewer training FLOPs.", "X trains with 3.3× fewer training FLOPs than DiT."),
    ("X is 2.3× faster.", "X runs 2.3× faster than the baseline sampler."),
    ("X reduces FID from 9.67 to 7.56.", "It reduces FID from 9.67 to 7.56 at 10 steps."),
])
def test_faithful_restatements_pass(ours, source):
    assert problem(ours, source) is None


def test_the_verifier_drops_the_sentence_and_says_why():
    report = Verification()
    kept = verify_text("X brings a 200–800× speed-up [1]. It studies flows [1].",
                       {1: SourceText(FLOW, names=("X",))}, "results", report)
    assert kept == "It studies flows [1]."
    assert report.dropped == 1 and "error" in report.details[0]


@pytest.mark.parametrize("abstract, expected", [
    ("We propose Xeno, which needs 3.3× fewer training FLOPs than DiT.",
     "3.3× fewer training FLOPs"),
    ("On ImageNet 256×256, Xeno attains FID 1.45 without guidance.", "FID 1.45"),
    ("Xeno reduces inference latency by up to 32% while matching quality.", "32% lower"),
    ("We train Xeno with 14B parameters for 4 steps.", ""),            # sizes and steps
    ("Experiments on Stable Diffusion 3 show gains in sample quality.", ""),   # a name
])
def test_highlights_come_only_from_bound_results(abstract, expected):
    got = highlight(abstract)
    assert (expected in got) if expected else got == "", got


# -- sources an expert found misread on shared days -------------------------------------------

def real(day_file, day: str, arxiv_id: str) -> Paper:
    """A paper of a shared day, as the digest reads it."""
    for line in day_file(day).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == arxiv_id:
            return Paper(record["id"], 1, record["title"], record["authors"],
                         record["abstract"], record["categories"], comment=record.get("comment"))
    raise AssertionError(f"{arxiv_id} is not in {day}")


def source_of(paper: Paper) -> str:
    """The text the verifier checks a pick's prose against (title, abstract, comment)."""
    return " ".join(latex_to_text(x) for x in (paper.title, paper.abstract, paper.comment) if x)


def sentence_with(paper: Paper, words: str) -> str:
    text = latex_to_text(paper.abstract)
    return next(text[a:b] for a, b in sentences(text) if words in text[a:b])


def headline(paper: Paper) -> str:
    chosen = choose_highlight(extract(paper), (short_name(paper),))
    return chosen[1].phrase if chosen else ""


def headline_number(paper: Paper) -> str:
    chosen = choose_highlight(extract(paper), (short_name(paper),))
    return chosen[0].text if chosen else ""


REAL = {
    "SAS": ("2026-06-23", "2606.23567"),
    "PG-MAP": ("2026-06-23", "2606.22958"),
    "FID Lottery": ("2026-06-19", "2606.20536"),
    "EnerInfer": ("2026-06-24", "2606.23001"),
    "DiffusionBench": ("2026-06-24", "2606.24888"),
    "PeLAP-A": ("2026-06-23", "2606.23086"),
}


@pytest.fixture
def paper_of(day_file):
    return lambda key: real(day_file, *REAL[key])


def test_a_starting_value_is_the_baselines_level_never_the_methods_gain(paper_of):
    sas = paper_of("SAS")
    source = sentence_with(sas, "puzzle accuracy")
    assert "from 82.0% (best heuristic schedule) to 91.8%" in source
    start = binding_of(source, "82.0%", ("SAS",))
    assert (start.subject, start.direction, start.confident) == ("baseline", "none", False)
    assert binding_of(source, "91.8%", ("SAS",)).direction == "up"
    assert "from 82.0% to 91.8%" in binding_of(source, "91.8%", ("SAS",)).phrase
    assert headline_number(sas) not in ("82.0%", "64%", "39.5%")
    plain = binding_of(sentence_with(sas, "GSM8K"), "64%", ("SAS",))
    assert (plain.subject, plain.direction, plain.confident) == ("baseline", "none", False)


def test_a_number_beside_its_metric_is_a_level_whatever_the_clause_says_elsewhere(paper_of):
    pg = paper_of("PG-MAP")
    source = sentence_with(pg, "91.9%")
    assert "reduces to a latent-only variant" in source
    assert binding_of(source, "91.9%", ("PG-MAP",)).direction == "none"
    assert "lower" not in headline(pg)
    for level, number in [("Xeno reduces memory, attaining an FID of 2.1 on ImageNet.", "2.1"),
                          ("Xeno cuts cost and reaches 85.6% on HPDv2.", "85.6%")]:
        assert binding_of(level, number, ("Xeno",)).direction == "none"


def test_how_much_more_a_quantity_moves_is_a_change_of_it_never_the_quantity(paper_of):
    lottery = paper_of("FID Lottery")
    source = sentence_with(lottery, "3.2x")
    moved = binding_of(source, "3.2x", (short_name(lottery),))
    assert moved.quantity == "change in FID" and not moved.confident
    assert "3.2x" not in headline(lottery)


def test_improves_moves_a_quantity_its_better_way_read_on_the_head_noun(paper_of):
    ener = paper_of("EnerInfer")
    source = sentence_with(ener, "65%")
    for number in ("65%", "12%", "24%"):             # the list shares what governs it
        bound = binding_of(source, number, ("EnerInfer",))
        assert (bound.quantity, bound.direction) == ("energy efficiency", "up"), number
    assert headline(ener) == "up to 65% higher energy efficiency"


@pytest.mark.parametrize("quantity, lower", [
    ("energy efficiency", False), ("energy consumption", True), ("FID score", True),
    ("error rate", True), ("win rate", False), ("inference latency", True),
    ("throughput", False), ("time to first token", True), ("PSNR", False),
])
def test_which_way_is_better_is_read_on_the_head_noun(quantity, lower):
    assert lower_is_better(quantity) is lower


def test_a_correlation_headline_says_what_it_correlates(paper_of):
    bench = paper_of("DiffusionBench")
    shown = headline(bench)
    assert "between ImageNet and T2I generation" in shown and "method ranking" in shown
    assert "-0.377" in shown and "-0.580" in shown
    bare = "Xeno reaches a Pearson correlation of 0.91 on the benchmark."
    assert not binding_of(bare, "0.91", ("Xeno",)).confident


@pytest.mark.parametrize("sentence, number, quantity, direction", [
    ("Xeno improves PSNR by 1.2-2.5 dB over prior codecs.", "1.2-2.5 dB", "PSNR", "up"),
    ("Xeno gains 0.8 dB PSNR on Kodak.", "0.8 dB", "PSNR", "up"),
    ("Xeno achieves a 3.5-4.2x speed-up over DDIM.", "3.5-4.2x", "speed", "up"),
    ("Xeno achieves a 2.1\u00d7 gain in throughput.", "2.1\u00d7", "throughput", "up"),
    ("Without Xeno, accuracy drops of up to 18.9 points.", "18.9 points", "accuracy", "down"),
    ("Xeno improves GenEval by +3.1 pp over SD3.", "+3.1 pp", "GenEval", "up"),
    ("Xeno is 2.5 times faster than DDIM.", "2.5 times", "speed", "up"),
    ("Xeno is 4 times faster than DDIM and needs 3 times fewer steps.", "3 times", "steps",
     "down"),
])
def test_gains_in_db_ratios_points_and_times_are_bound_as_results(sentence, number, quantity,
                                                                   direction):
    bound = binding_of(sentence, number, ("Xeno",))
    assert (bound.role, bound.quantity, bound.direction) == ("result", quantity, direction)


@pytest.mark.parametrize("sentence, number", [
    ("Xeno improves accuracy by 5 points with a block size of 16.", "16"),
    ("With block size 4, Xeno improves accuracy by 3.2 points.", "4"),
    ("Xeno reaches FID 2.1 with 50 sampling steps.", "50 sampling steps"),
    ("Xeno reaches FID 2.1 at 512x512 resolution.", "512x512"),
    ("Xeno improves FID by 12% with a 7B model.", "7B"),
    ("Xeno is trained with batch size 256 on 8 GPUs and improves FID by 12%.", "8 GPUs"),
    ("At NFE=24, Xeno reduces WER by 9%.", "24"),
])
def test_settings_are_never_results(sentence, number):
    at = sentence.index(number)
    claims = [c for c in extract_text(sentence, "abstract")
              if c.number_start <= at < c.number_end]
    bound = [bind(sentence, c.number_start, c.number_end, unit=c.unit, metric=c.metric,
                  comparison=c.comparison, kind=c.kind, names=("Xeno",)) for c in claims]
    assert all(b.role != "result" for b in bound), bound


REFUSED = [
    ("SAS", "SAS reaches 82.0% higher accuracy."),
    ("SAS", "SAS improves accuracy by 82.0%."),
    ("PG-MAP", "PG-MAP achieves 91.9% lower PickScore."),
    ("FID Lottery", "retraining gives 3.2x more FID."),
    ("EnerInfer", "EnerInfer gives up to 65% lower energy efficiency."),
]
FAITHFUL = [
    ("SAS", "SAS improves puzzle accuracy from 82.0% to 91.8%."),
    ("PG-MAP", "PG-MAP achieves 91.9% PickScore."),
    ("EnerInfer", "EnerInfer improves energy efficiency by up to 65% on phones."),
    ("FID Lottery", "FID moves 3.2x more under reseeding than under redrawing samples."),
]


@pytest.mark.parametrize("key, ours", REFUSED)
def test_the_verifier_refuses_a_misreading_of_its_real_source(paper_of, key, ours):
    paper = paper_of(key)
    assert problem(ours, source_of(paper), (short_name(paper),)) is not None


@pytest.mark.parametrize("key, ours", FAITHFUL)
def test_the_verifier_accepts_a_faithful_restatement_of_its_real_source(paper_of, key, ours):
    paper = paper_of(key)
    assert problem(ours, source_of(paper), (short_name(paper),)) is None


def test_the_verifier_keeps_a_correlation_headline_against_its_source(paper_of):
    bench = paper_of("DiffusionBench")
    line = f"DiffusionBench {headline(bench)}"
    assert problem(line, source_of(bench), (short_name(bench),)) is None


@pytest.mark.parametrize("abstract", [
    "With a block size of 16, Xeno improves accuracy by 3.2 points on GSM8K.",
    "Xeno improves accuracy by 3.2 points on GSM8K with block size 16.",
    "With block size 16, Xeno improves accuracy.",
])
def test_the_evidence_signal_never_calls_a_setting_a_gain(abstract):
    reason = assess(extract_text(abstract, "abstract"), ("Xeno",)).reason
    assert "16" not in reason, reason
    assert ("accuracy gain of 3.2 points" in reason) == ("3.2" in abstract)


@pytest.mark.parametrize("sentence, start, end, direction, misread", [
    ("Xeno improves pass@1 on GSM8K from 64% to 76%.", "64%", "76%", "up",
     "Xeno improves pass@1 by 64%."),
    ("Xeno reduces FID (e.g., 9.38 \u21922.62 on SiT).", "9.38", "2.62", "down",
     "Xeno brings an FID drop of 9.38."),
    ("Xeno improves FID from 8.26 to 6.27 on SiT-XL/2, 32.39 to 26.69 on JiT-B/16.",
     "32.39", "26.69", "down", "Xeno lowers FID by 32.39 on JiT-B/16."),
    ("Xeno boosts semantic alignment (GenEval: 66.93 to 73.62).", "66.93", "73.62", "up",
     "Xeno raises GenEval by 66.93."),
    ("Xeno cuts the cost from 56 GPU training hours to 3.3 seconds.", "56", "3.3 seconds",
     "down", None),
])
def test_every_pair_starts_at_the_baselines_level(sentence, start, end, direction, misread):
    first = binding_of(sentence, start, ("Xeno",))
    assert (first.subject, first.direction, first.confident) == ("baseline", "none", False)
    assert binding_of(sentence, end, ("Xeno",)).direction == direction
    if misread:
        assert problem(misread, sentence, ("Xeno",)) is not None


# -- faithful restatements a careful writer gives of SAS and PeLAP-A (2026-06-23) ----------

def test_the_sources_say_what_the_restatements_restate(paper_of):
    assert "from 82.0% (best heuristic schedule) to 91.8%" in source_of(paper_of("SAS"))
    pelap = source_of(paper_of("PeLAP-A"))
    assert "lower diffusion loss (0.0236 vs. 0.0240) and lower VAE reconstruction MSE " \
           "(22.59 vs. 24.67) compared to the unpruned baseline" in pelap


RESTATED = [
    # a qualifier of a few words may stand between A and "to"
    ("SAS", "On Sudoku with a 1B MDM, SAS improves puzzle accuracy from 82.0% with the best "
            "heuristic schedule to 91.8%."),
    ("SAS", "Sudoku puzzle accuracy from 82.0% with the best heuristic schedule to 91.8%"),
    ("SAS", "SAS reaches 91.8% puzzle accuracy on Sudoku."),          # the level it ends at
    # the baseline compared with owns no number after it; A of "A vs. B" is the method's
    ("PeLAP-A", "PeLAP-A achieves a lower diffusion loss than the unpruned baseline (0.0236 "
                "vs. 0.0240) and a lower VAE reconstruction MSE (22.59 vs. 24.67)."),
    ("PeLAP-A", "PeLAP-A achieves a lower VAE reconstruction MSE than the unpruned baseline "
                "(22.59 vs. 24.67)."),
    ("PeLAP-A", "Lower VAE reconstruction MSE than the unpruned baseline, 22.59 vs. 24.67"),
    # from the baseline's A to B: B is the method's, and "lower … (A vs. B)" went down
    ("PeLAP-A", "VAE reconstruction MSE from 24.67 (unpruned baseline) to 22.59"),
    ("PeLAP-A", "VAE reconstruction MSE from 24.67 for the unpruned baseline to 22.59"),
    ("PeLAP-A", "VAE reconstruction MSE from 24.67 to 22.59 against the unpruned baseline"),
    ("PeLAP-A", "PeLAP-A lowers VAE reconstruction MSE to 22.59 from 24.67."),
    ("PeLAP-A", "PeLAP-A reaches a VAE reconstruction MSE of 22.59."),
]


@pytest.mark.parametrize("key, ours", RESTATED)
def test_a_faithful_restatement_of_a_compared_level_passes(paper_of, key, ours):
    paper = paper_of(key)
    assert problem(ours, source_of(paper), (short_name(paper),)) is None


MISSTATED = [
    # the direction reversed, however the pair is written: the reason names it
    ("PeLAP-A", "PeLAP-A raises VAE reconstruction MSE to 22.59 from 24.67.", "22.59",
     "going up"),
    ("PeLAP-A", "PeLAP-A raises VAE reconstruction MSE from 24.67 to 22.59.", "22.59",
     "going up"),
    ("PeLAP-A", "PeLAP-A raises VAE reconstruction MSE to 22.59.", "22.59", "going up"),
    ("PeLAP-A", "PeLAP-A achieves a higher VAE reconstruction MSE than the unpruned baseline "
                "(22.59 vs. 24.67).", "22.59", "going up"),
    ("SAS", "SAS lowers puzzle accuracy from 82.0% with the best heuristic schedule to "
            "91.8%.", "91.8%", "going down"),
    # the owner swapped
    ("PeLAP-A", "The unpruned baseline reaches an MSE of 22.59.", "22.59", "of the baseline"),
    ("PeLAP-A", "VAE reconstruction MSE from 22.59 (unpruned baseline) to 24.67", "22.59",
     "of the baseline"),
    # a level the source compares shown as a change by that much
    ("SAS", "SAS reaches 91.8% higher puzzle accuracy.", "91.8%", "by this much"),
    ("SAS", "SAS improves puzzle accuracy by 91.8%.", "91.8%", "by this much"),
    ("PeLAP-A", "PeLAP-A lowers VAE reconstruction MSE by 22.59.", "22.59", "by this much"),
]


@pytest.mark.parametrize("key, ours, number, why", MISSTATED)
def test_a_reversed_or_misattributed_compared_level_is_refused(paper_of, key, ours, number,
                                                                 why):
    paper = paper_of(key)
    reason = problem(ours, source_of(paper), (short_name(paper),))
    assert reason and reason.startswith(number) and why in reason.split(" not ")[-1], reason


def test_lower_before_a_compared_pair_is_the_way_the_method_differs(paper_of):
    source = sentence_with(paper_of("PeLAP-A"), "22.59")
    mine = binding_of(source, "22.59", ("PeLAP-A",))
    assert (mine.quantity, mine.direction, mine.subject, mine.level) == ("MSE", "down",
                                                                          "method", True)
    assert mine.phrase == "lower MSE (22.59 vs 24.67)"
    theirs = binding_of(source, "24.67", ("PeLAP-A",))
    assert (theirs.direction, theirs.subject) == ("none", "baseline")
    raised = binding_of("Xeno achieves higher accuracy (91.2% vs. 55.1%).", "91.2%", ("Xeno",))
    assert (raised.direction, raised.level, raised.phrase) == (
        "up", True, "higher accuracy (91.2% vs 55.1%)")
    # a comparative that belongs to an earlier number does not govern the pair
    tokens = "Xeno keeps 1-2 second latency using 62% fewer tokens (45,434 vs 120,000)."
    assert binding_of(tokens, "45,434", ("Xeno",)).direction == "none"


@pytest.mark.parametrize("sentence, start, end", [
    ("Xeno improves accuracy from 82.0% with the best heuristic schedule to 91.8%.", "82.0%",
     "91.8%"),
    ("Xeno improves faithfulness from 0.20 for the strongest baseline to 0.46 on CRAFTER.",
     "0.20", "0.46"),
    ("Xeno reduces the overlap region from roughly 24% to about 6%.", "24%", "6%"),
])
def test_a_qualified_starting_value_is_still_the_baselines(sentence, start, end):
    first = binding_of(sentence, start, ("Xeno",))
    assert (first.subject, first.direction) == ("baseline", "none")
    last = binding_of(sentence, end, ("Xeno",))
    assert last.subject == "method" and last.level
    assert f"from {start} to {end}" in last.phrase
    chosen = choose_highlight(extract_text(sentence, "abstract"), ("Xeno",))
    assert chosen is None or chosen[0].text == end


@pytest.mark.parametrize("sentence, number, subject", [
    # the baseline is only what the sentence compares with
    ("Xeno improves accuracy over the baseline by 5%.", "5%", "method"),
    ("Xeno reaches lower loss than the baseline, and 91% accuracy.", "91%", "method"),
    # the baseline labels the number itself
    ("Xeno reaches 91% equivalence (compared to baseline: 9%, self-debugging: 27%).", "9%",
     "baseline"),
    ("Xeno reaches 91% equivalence (compared to baseline: 9%, self-debugging: 27%).", "27%",
     "baseline"),
    ("Xeno outperforms the 10\u00d7 larger Qwen2.5-VL-72B (50.5% vs. 47.3%).", "50.5%",
     "method"),
])
def test_a_baseline_compared_with_owns_only_its_own_numbers(sentence, number, subject):
    assert binding_of(sentence, number, ("Xeno",)).subject == subject


def test_a_model_outdone_is_no_quantity_and_a_bare_gain_names_none():
    outdone = "Xeno outperforms the 10\u00d7 larger Qwen2.5-VL-72B (50.5% vs. 47.3%)."
    assert binding_of(outdone, "50.5%", ("Xeno",)).quantity is None
    assert "50.5%" not in highlight(outdone)
    gains = "Xeno improves over strong baselines, achieving gains of 4.1% on image benchmarks."
    assert binding_of(gains, "4.1%", ("Xeno",)).quantity is None
    assert highlight(gains) == ""
