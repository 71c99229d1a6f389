"""Numbers bound to what their sources say: quantity, direction, subject. The patterns
an expert reader found in earlier digests, each with the source sentence it misread
(quoted where the shared days carry it, written for this test otherwise)."""

import pytest

from arxiv_digest.binding import bind
from arxiv_digest.claims import extract_text
from arxiv_digest.digest import Verification
from arxiv_digest.models import Paper
from arxiv_digest.shortnames import short_name
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
