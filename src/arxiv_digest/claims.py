"""Quantitative claims in a paper's title, abstract and comment.

A claim is a number as written in the source (``19.3%``, ``2.5×``, ``7.56``), with
its unit, the metric it measures (``FID``, ``VBench``…), the comparison it is part
of (``from 9.67 to 7.56``, ``vs 53.1M``) and the baseline it is measured against,
plus the sentence it came from with character offsets. Offsets refer to the field
after LaTeX rendering (:func:`arxiv_digest.latex.latex_to_text`), which is the text
every later stage reads. Complexity and bound expressions (``Ω(1/T)``) are claims
too, of kind ``bound``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_digest.latex import latex_to_text
from arxiv_digest.models import Paper

# -- vocabulary ---------------------------------------------------------------------------

METRICS = [
    "FID", "FVD", "KID", "IS", "Inception Score", "CLIP score", "CLIP-Score", "CLIPScore",
    "PSNR", "SSIM", "LPIPS", "DISTS", "NIQE", "MUSIQ", "GenEval", "VBench", "DPG-Bench",
    "T2I-CompBench", "HPSv2", "HPS", "ImageReward", "PickScore", "Aesthetic score", "FD-DINO",
    "FD_DINOv2", "precision", "recall", "accuracy", "top-1 accuracy", "top-1", "mIoU", "IoU",
    "AP", "mAP", "AUC", "AUROC", "F1", "BLEU", "ROUGE", "METEOR", "CIDEr", "WER", "MOS",
    "GSM8K", "MATH", "MATH500", "HumanEval", "MBPP", "MMLU", "AIME", "perplexity", "NLL",
    "bits/dim", "BPD", "ELBO", "KL", "Wasserstein", "MSE", "MAE", "RMSE", "CRPS",
    "success rate", "win rate", "pass@1", "latency", "throughput", "speed-up", "speedup",
    "memory", "FLOPs", "MACs", "compute", "training compute", "training cost", "NFE",
    "sampling steps", "steps", "parameters", "params", "Chamfer distance", "F-score",
    "attack success rate", "ASR", "convergence", "training speed", "inference speed",
    "sampling speed", "generation speed", "correlation", "Spearman", "Pearson", "r", "R^2",
]
_METRIC_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(m) for m in sorted(METRICS, key=len, reverse=True))
    + r")(?![\w])", re.IGNORECASE)
# Metrics whose short names are ordinary words: matched case-sensitively only.
_CASE_SENSITIVE = {"IS", "AP", "MATH", "r", "KL", "ASR", "HPS", "MOS"}

_NUMBER = (r"(?<![\w.\-/^_:])(?P<sign>[+\-\u2212\u00b1]\s?)?"
           r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")
_UNIT = (r"(?P<unit>\s?%|\s?(?:\u00d7|x(?![a-zA-Z]))|-fold|\s?times(?![a-zA-Z])|\s?dB(?![a-zA-Z])"
         r"|\s?(?:pp|points?|pts)(?![a-zA-Z])"
         r"|\s?[KMBT](?:-|\s)?(?:parameters?|params?)(?![a-zA-Z])|[KMB](?![a-zA-Z])"
         r"|\s?(?:GPU|TPU)[- ]?(?:hours?|days?)|\s?(?:GPU|TPU)s(?![a-zA-Z])"
         r"|(?:-|\s)?(?:sampling )?steps?(?![a-zA-Z])|\s?NFEs?(?![a-zA-Z])"
         r"|\s?(?:ms|seconds?|sec|minutes?|min|hours?|hrs?|s)(?![a-zA-Z])"
         r"|\s?(?:fps|FPS)(?![a-zA-Z])|\s?(?:GB|MB|TB|KB)(?![a-zA-Z])"
         r"|\s?[GTPM]?FLOPs(?![a-zA-Z])|k(?![a-zA-Z]))?")
_NUM_RE = re.compile(_NUMBER + _UNIT)
_BOUND_RE = re.compile(r"(?<![\w])[O\u03a9\u0398\U0001d4aa\u2126]\([^()]{1,40}(?:\([^()]{0,20}\))?[^()]{0,20}\)")
_RESOLUTION_RE = re.compile(r"\d+\s?[\u00d7x]\s?\d+")
_REFERENCE_RE = re.compile(r"(?:Fig(?:ure)?s?\.?|Tab(?:le)?s?\.?|Sec(?:tion)?s?\.?|Eq(?:uation)?s?\.?|"
                           r"Appendix|Theorem|Lemma|Corollary|Proposition|Definition|Chapter|"
                           r"Algorithm|Stage|Phase|Step|Version|Level|Task|Track|Round)\s*$",
                           re.IGNORECASE)
_COUNT_NOUNS = re.compile(r"^\s*(?:[\w\-]+\s){0,2}(?:benchmarks?|datasets?|tasks?|models?|languages?|"
                          r"domains?|settings?|environments?|categories|classes|subjects?|"
                          r"baselines?|metrics?|prompts?|videos?|images?|samples?|scenes?|"
                          r"participants?|users?|annotators?|hours?)\b", re.IGNORECASE)
_BASELINE_RE = re.compile(
    r"(?:\bover|\bthan|\bvs\.?|\bversus|\bcompared (?:to|with)|\brelative to|\bagainst|"
    r"\boutperform(?:s|ing|ed)?|\bsurpass(?:es|ing|ed)?|\bbeat(?:s|ing)?|\bexceed(?:s|ing|ed)?)"
    r"\s+(?:the\s+)?(?:strong\s+|prior\s+|previous\s+|existing\s+)?(?:baselines?\s+)?"
    r"(?:such as\s+)?(?:like\s+)?"
    r"(?P<name>[A-Z][\w\-\.+]*(?:\s+(?:[A-Z0-9][\w\-\.+]*|of|and))?(?:\s+[A-Z0-9][\w\-\.+]*)?)")
_FROM_TO_RE = re.compile(_NUMBER.replace("?P<sign>", "?P<s1>").replace("?P<num>", "?P<a>")
                         + r"\s*(?P<u1>%|\u00d7|dB|points|pp|s|ms|seconds|steps|GB)?\s*(?:to|\u2192|->|\u27f6)\s*"
                         + _NUMBER.replace("?P<sign>", "?P<s2>").replace("?P<num>", "?P<b>"))
_RANGE_RE = re.compile(_NUMBER + r"\s?(?:-|\u2013|\u2014|to)\s?"
                       r"(?P<b>\d+(?:\.\d+)?)(?![:\d])" + _UNIT)
_VS_NUMBER_RE = re.compile(r"(?:vs\.?|versus|compared (?:to|with)|relative to|against)\s*"
                           r"(?P<b>[\d.,]+\s?(?:%|\u00d7|[KMB])?)")

_KIND_WORDS = [
    ("speedup", re.compile(r"faster|speed-?ups?|accelerat|throughput|\u00d7|-fold|times fewer", re.I)),
    ("reduction", re.compile(r"reduc|fewer|lower|less|cuts?\b|decreas|sav(?:e|es|ing)|drops?", re.I)),
    ("improvement", re.compile(r"improv|gains?|boost|increas|outperform|higher|better|surpass|"
                               r"exceed|\+", re.I)),
]

_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "Fig.", "Eq.", "approx.", "cf.", "etc.",
                  "resp.", "Sec.", "Tab.", "No.", "v.s.")


@dataclass
class Claim:
    text: str               # the number with its unit, exactly as in ``sentence``
    value: float | None     # None for bound expressions
    unit: str | None
    metric: str | None
    comparison: str | None  # "from 9.67 to 7.56", "vs 53.1M"
    baseline: str | None    # a named method or model it is compared against
    kind: str               # speedup / reduction / improvement / result / count / bound
    field: str              # title / abstract / comment
    sentence: str
    start: int              # sentence offsets in the rendered field
    end: int
    number_start: int       # claim text offsets in the rendered field
    number_end: int

    @property
    def strength(self) -> float:
        """How informative the claim is, for the evidence signal."""
        score = 0.4
        if self.metric:
            score += 0.3
        if self.comparison or self.baseline:
            score += 0.3
        if self.kind == "count":
            score = 0.3
        return min(score, 1.0)


# -- sentences ----------------------------------------------------------------------------

def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (abbreviations and decimals do not end a sentence)."""
    spans, start = [], 0
    for match in re.finditer(r"[.!?](?=\s+[A-Z0-9(\[\"\u201c])|[.!?]$|[\u3002\uff01\uff1f]", text):
        end = match.end()
        before = text[start:end]
        if before.endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", before):
            continue
        spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _normalise_unit(raw: str | None, following: str) -> str | None:
    if not raw:
        return None
    unit = raw.strip().lstrip("-").strip()
    low = unit.lower()
    if unit == "%":
        return "%"
    if unit in ("\u00d7", "x") or low in ("fold", "times"):
        return "\u00d7"
    if low == "db":
        return "dB"
    if low in ("pp", "point", "points", "pts"):
        return "points"
    if "param" in low or (unit in ("K", "M", "B") and re.match(r"\s*(?:-|\s)?param", following)):
        return "parameters"
    if unit in ("K", "M", "B", "k"):
        return unit
    if "hour" in low or "day" in low and ("gpu" in low or "tpu" in low):
        return unit.replace(" ", "-")
    if low.endswith("gpus") or low.endswith("tpus"):
        return "GPUs"
    if "step" in low or "nfe" in low:
        return "steps"
    if "flops" in low:
        return unit
    if low in ("ms", "s", "sec", "second", "seconds", "min", "minute", "minutes", "hour", "hours",
               "hr", "hrs", "fps"):
        return {"sec": "s", "second": "s", "seconds": "s", "minute": "min", "minutes": "min",
                "hr": "hours", "hrs": "hours", "hour": "hours"}.get(low, unit)
    return unit


def _metric_near(sentence: str, pos: int, end: int) -> str | None:
    best, best_distance = None, 10 ** 6
    for match in _METRIC_RE.finditer(sentence):
        name = match.group(1)
        canonical = next((m for m in METRICS if m.lower() == name.lower()), name)
        if canonical in _CASE_SENSITIVE and name != canonical:
            continue
        if match.end() <= pos:
            distance = pos - match.end()
            if distance > 80:
                continue
        elif match.start() >= end:
            distance = match.start() - end + 10   # prefer a metric named before the number
            if distance > 50:
                continue
        else:
            continue
        if distance < best_distance:
            best, best_distance = canonical, distance
    return best


def _kind(sentence: str, unit: str | None) -> str:
    if unit == "\u00d7":
        return "speedup" if _KIND_WORDS[0][1].search(sentence) else "improvement"
    for kind, pattern in _KIND_WORDS:
        if pattern.search(sentence):
            return kind
    return "result"


def _to_float(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def extract_text(text: str, field: str) -> list[Claim]:
    """Claims in one rendered field."""
    claims: list[Claim] = []
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        consumed: list[tuple[int, int]] = []
        baselines = [m.group("name").rstrip(".,;") for m in _BASELINE_RE.finditer(sentence)]
        baseline = baselines[0] if baselines else None
        for match in _RESOLUTION_RE.finditer(sentence):
            consumed.append(match.span())

        def add(n_start: int, n_end: int, value, unit, comparison, kind=None) -> None:
            claim_text = sentence[n_start:n_end]
            claims.append(Claim(
                text=claim_text, value=value, unit=unit,
                metric=_metric_near(sentence, n_start, n_end) if kind != "bound" else None,
                comparison=comparison, baseline=baseline,
                kind=kind or _kind(sentence[max(0, n_start - 60):n_end + 40], unit),
                field=field, sentence=sentence,
                start=s_start, end=s_end, number_start=s_start + n_start,
                number_end=s_start + n_end))

        for match in _BOUND_RE.finditer(sentence):
            add(match.start(), match.end(), None, None, None, "bound")
            consumed.append(match.span())
        for match in _FROM_TO_RE.finditer(sentence):
            if any(a <= match.start() < b for a, b in consumed):
                continue
            b_start, b_end = match.span("b")
            after = re.match(r"\s?(%|\u00d7|dB|points|pp|seconds|s|ms|steps|GB)(?![a-zA-Z])",
                             sentence[b_end:])
            if after:
                b_end += after.end()
            unit = _normalise_unit(after.group(1) if after else match.group("u1"), "")
            comparison = sentence[match.start():b_end]
            if not comparison.lower().startswith("from"):
                prefix = sentence[max(0, match.start() - 5):match.start()]
                if "from" in prefix.lower():
                    comparison = "from " + comparison
            add(b_start, b_end, _to_float(match.group("b")), unit, comparison.strip())
            consumed.append((match.start(), b_end))
        for match in _RANGE_RE.finditer(sentence):
            unit = _normalise_unit(match.group("unit"), sentence[match.end():match.end() + 20])
            if unit is None or any(a <= match.start() < b for a, b in consumed):
                continue
            add(match.start(), match.end(), _to_float(match.group("num")), unit, None)
            consumed.append(match.span())
        for match in _NUM_RE.finditer(sentence):
            n_start, n_end = match.start(), match.end()
            if any(a <= n_start < b for a, b in consumed):
                continue
            number = match.group("num")
            value = _to_float(number)
            following = sentence[n_end:n_end + 20]
            unit = _normalise_unit(match.group("unit"), following)
            if match.group("unit") and unit is None:
                n_end = match.end("num")
            preceding = sentence[max(0, n_start - 14):n_start]
            if _REFERENCE_RE.search(preceding):
                continue
            if preceding.endswith("(") and sentence[n_end:n_end + 1] == ")":
                continue   # an enumeration: (2)
            if unit is None and value is not None and 1900 <= value <= 2100 and "." not in number:
                continue   # a year
            if following[:1].isalpha() and unit is None:
                continue   # "3D", "2nd", "4K" in a name
            sign = match.group("sign")
            if sign:
                n_start = match.start("sign")
                if sign.strip() in ("-", "\u2212"):
                    value = -value if value is not None else None
            comparison = None
            vs = _VS_NUMBER_RE.match(sentence, n_end + 1) or _VS_NUMBER_RE.match(sentence, n_end)
            if vs is None:
                near = re.match(r"\s*\(?\s*(?:vs\.?|versus)\s*(?P<b>[\d.,]+\s?(?:%|\u00d7|[KMB])?)",
                                sentence[n_end:])
                if near:
                    comparison = "vs " + near.group("b").strip()
            else:
                comparison = "vs " + vs.group("b").strip()
            kind = None
            if unit is None:
                if _COUNT_NOUNS.match(following) and value is not None and value < 1000:
                    kind = "count"
                elif not _metric_near(sentence, n_start, n_end):
                    continue   # a bare number with no unit and no metric says nothing
            add(n_start, n_end, value, unit, comparison, kind)
    return claims


def extract(paper: Paper) -> list[Claim]:
    """Claims from the paper's title, abstract and comment (in that order)."""
    found: list[Claim] = []
    for field in ("title", "abstract", "comment"):
        raw = getattr(paper, field) or ""
        if raw:
            found.extend(extract_text(latex_to_text(raw), field))
    return found


def rendered_field(paper: Paper, field: str) -> str:
    """The text claims' offsets refer to."""
    return latex_to_text(getattr(paper, field) or "")
