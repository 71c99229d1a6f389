"""Quantitative claims in a paper's title, abstract and comment.

A claim is a number as written in the source (``19.3%``, ``2.5×``, ``7.56``), with
its unit, the metric it measures (``FID``, ``VBench``…), the comparison it is part
of (``from 9.67 to 7.56``, ``vs 53.1M``) and the baseline it is measured against,
plus the sentence it came from with character offsets. Offsets refer to the field
after LaTeX rendering (:func:`arxiv_digest.text.latex.latex_to_text`), which is the text
every later stage reads. Complexity and bound expressions (``Ω(1/T)``) are claims
too, of kind ``bound``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper

# -- vocabulary ---------------------------------------------------------------------------

METRICS = [
    "FID", "FVD", "KID", "IS", "Inception Score", "CLIP score", "CLIP-Score", "CLIPScore",
    "PSNR", "SSIM", "LPIPS", "DISTS", "NIQE", "MUSIQ", "GenEval", "VBench", "DPG-Bench",
    "T2I-CompBench", "HPSv2", "HPS", "ImageReward", "PickScore", "Aesthetic score", "FD-DINO",
    "FD_DINOv2", "precision", "recall", "accuracy", "top-1 accuracy", "top-1", "mIoU", "IoU",
    "AP", "mAP", "AUC", "AUROC", "F1", "BLEU", "ROUGE", "METEOR", "CIDEr", "WER", "CER", "MOS",
    "GSM8K", "MATH", "MATH500", "HumanEval", "MBPP", "MMLU", "AIME", "perplexity", "NLL",
    "bits/dim", "BPD", "ELBO", "KL", "Wasserstein", "MSE", "MAE", "RMSE", "CRPS",
    "success rate", "win rate", "pass@1", "latency", "throughput", "speed-up", "speedup",
    "memory", "FLOPs", "MACs", "compute", "training compute", "training cost", "NFE",
    "sampling steps", "steps", "parameters", "params", "Chamfer distance", "F-score",
    "attack success rate", "ASR", "convergence", "training speed", "inference speed",
    "sampling speed", "generation speed", "correlation", "Spearman", "Pearson", "r", "R^2",
    "cosine similarity",
]
METRIC_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(m) for m in sorted(METRICS, key=len, reverse=True))
    + r")(?![\w])", re.IGNORECASE)
# Metrics whose short names are ordinary words: matched case-sensitively only.
CASE_SENSITIVE = {"IS", "AP", "MATH", "r", "KL", "ASR", "HPS", "MOS", "CER"}

# A number stands alone: not inside a name ("SiT-XL/2", "pass@1", "1:2"), except right
# after a slash between two values ("79.1%/88.1%").
_NUMBER = (r"(?:(?<=%/)|(?<![\w.\-/^_:@]))(?P<sign>[+\-\u2212\u00b1]\s?)?"
           r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")
_UNIT = (r"(?P<unit>\s?%|\s?(?:\u00d7|x(?![a-zA-Z]))|-fold|\s?times(?![a-zA-Z])|\s?dB(?![a-zA-Z])"
         r"|\s?(?:pp|(?:percentage )?points?|pts)(?![a-zA-Z])"
         r"|\s?[KMBT](?:-|\s)?(?:parameters?|params?)(?![a-zA-Z])|[KMB](?![a-zA-Z])"
         r"|\s?(?:GPU|TPU)[- ]?(?:hours?|days?)|\s?(?:GPU|TPU)s(?![a-zA-Z])"
         r"|(?:-|\s)?(?:sampling )?steps?(?![a-zA-Z])|\s?NFEs?(?![a-zA-Z])"
         r"|\s?(?:ms|seconds?|sec|minutes?|min|hours?|hrs?|s)(?![a-zA-Z])"
         r"|\s?(?:fps|FPS)(?![a-zA-Z])|\s?(?:GB|MB|TB|KB)(?![a-zA-Z])"
         r"|\s?[GTPM]?FLOPs(?![a-zA-Z])|k(?![a-zA-Z]))?")
_NUM_RE = re.compile(_NUMBER + _UNIT)
_BOUND_RE = re.compile(r"(?<![\w])[O\u03a9\u0398\U0001d4aa\u2126]\([^()]{1,40}(?:\([^()]{0,20}\))?[^()]{0,20}\)")
# Tried only where a run of digits starts, so a long run is not retried at every digit.
_RESOLUTION_RE = re.compile(r"(?<!\d)\d+\s?[\u00d7x]\s?\d+")
_REFERENCE_RE = re.compile(r"(?:Fig(?:ure)?s?\.?|Tab(?:le)?s?\.?|Sec(?:tion)?s?\.?|Eq(?:uation)?s?\.?|"
                           r"Appendix|Theorem|Lemma|Corollary|Proposition|Definition|Chapter|"
                           r"Algorithm|Stage|Phase|Step|Version|Level|Task|Track|Round)\s*$",
                           re.IGNORECASE)
_COUNT_NOUNS = re.compile(r"^\s*(?:[\w\-]+\s){0,2}(?:benchmarks?|datasets?|tasks?|models?|languages?|"
                          r"domains?|settings?|environments?|categories|classes|subjects?|"
                          r"baselines?|metrics?|prompts?|videos?|images?|samples?|scenes?|"
                          r"participants?|users?|annotators?|hours?|backbones?|architectures?|"
                          r"families|splits?|runs?|robots?|devices?|modalities|cases?|problems?|"
                          r"questions?|queries|episodes?|trials?|seeds?)\b", re.IGNORECASE)
_BASELINE_RE = re.compile(
    r"(?:\bover|\bthan|\bvs\.?|\bversus|\bcompared (?:to|with)|\brelative to|\bagainst|"
    r"\boutperform(?:s|ing|ed)?|\bsurpass(?:es|ing|ed)?|\bbeat(?:s|ing)?|\bexceed(?:s|ing|ed)?)"
    r"\s+(?:the\s+)?(?:strong\s+|prior\s+|previous\s+|existing\s+)?(?:baselines?\s+)?"
    r"(?:such as\s+)?(?:like\s+)?"
    r"(?P<name>[A-Z][\w\-\.+]*(?:\s+(?:[A-Z0-9][\w\-\.+]*|of|and))?(?:\s+[A-Z0-9][\w\-\.+]*)?)")
# What A of "from A to B" may carry before "to": a parenthesis ("(best heuristic
# schedule)"), one to three words of its unit ("GPU training hours"), or a qualifier of
# up to six words opened by a preposition ("with the best heuristic schedule", "for the
# unpruned baseline") — no number, no punctuation and no clause word inside.
QUALIFIER_ASIDE = (r"\s+(?:with|for|under|using|on|in|at|of|without|across|over)"
                   r"(?:\s+(?!(?:to|and|or|but|while|whereas|which|that|from)\b)"
                   r"[A-Za-z][A-Za-z\-']*){1,5}")
PAIR_ASIDE = (r"(?:\s*\([^()\d]{1,60}\)|(?:\s+(?!to\b)[A-Za-z][\w\-]*){1,3}|"
              + QUALIFIER_ASIDE + r")")
_QUALIFIER_START = re.compile(r"^\s*(?:with|for|under|using|on|in|at|of|without|across|over)\b")


def unit_words(aside: str) -> str:
    """The words of A's unit in an aside of "from A … to B" ("GPU training hours"), or ''
    for a parenthesis or a qualifier, which say under what A holds, not what it counts."""
    aside = aside.strip()
    if not aside or aside.startswith("(") or _QUALIFIER_START.match(aside):
        return ""
    return aside


# "from A to B": after "from", A may carry an aside before "to" (above); without "from"
# ("32.39 to 26.69"), A is followed by "to" directly.
_FROM_TO_RE = re.compile(
    r"(?P<from>\bfrom\s+(?:(?:about|around|roughly|nearly|only|just)\s+)?)?"
    + _NUMBER.replace("?P<sign>", "?P<s1>").replace("?P<num>", "?P<a>")
    + r"(?:\s?(?P<u1>%|\u00d7|x(?![a-zA-Z])|dB|points|pp|s|ms|seconds|steps|GB|MB|KB|TB|hours|min)"
    r"(?![a-zA-Z]))?"
    r"(?P<aside>(?(from)" + PAIR_ASIDE + r")?)"
    r"\s*(?:to|(?P<arrow>\u2192|->|\u27f6))\s*"
    r"(?:(?:about|around|roughly|nearly|approximately|near|only|just)\s+)?"
    + _NUMBER.replace("?P<sign>", "?P<s2>").replace("?P<num>", "?P<b>"))
_RANGE_RE = re.compile(_NUMBER + r"(?:\s?[\u00d7x%](?=\s?(?:-|\u2013|\u2014|to)\s?\d))?"
                       r"\s?(?:-|\u2013|\u2014|to)\s?"
                       r"(?P<b>\d+(?:\.\d+)?)(?![:\d])" + _UNIT)
_VS_NUMBER_RE = re.compile(r"(?:vs\.?|versus|compared (?:to|with)|relative to|against)\s*"
                           r"(?P<b>[\d.,]+\s?(?:%|\u00d7|[KMB])?)")

# A verb that changes a quantity ("reduces FID by 12%", "improves accuracy to 91%").
CHANGE_VERB = re.compile(
    r"\b(?:reduc|decreas|increas|improv|boost|rais|lower|cut|drop|declin|fall|fell|gain|"
    r"sav|shrink|shrank|grow|grew|rise|rising|rose|climb|jump|halv|doubl|accelerat|enhanc|"
    r"degrad|narrow|widen|shorten|speed|lift|elevat|diminish|trim|slash|compress|worsen)\w*",
    re.I)
CHANGED_BEFORE = re.compile(r"(?:" + CHANGE_VERB.pattern + r")[^\d;.]{0,50}$", re.I)

_KIND_WORDS = [
    ("speedup", re.compile(r"faster|speed-?ups?|accelerat|throughput|\u00d7|-fold|times fewer", re.I)),
    ("reduction", re.compile(r"reduc|fewer|lower|less|cuts?\b|decreas|sav(?:e|es|ing)|drops?", re.I)),
    ("improvement", re.compile(r"improv|gains?|boost|increas|outperform|higher|better|surpass|"
                               r"exceed|\+", re.I)),
]

_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "Fig.", "Eq.", "approx.", "cf.", "etc.",
                  "resp.", "Sec.", "Tab.", "No.", "v.s.")
_TAIL = max(len(a) for a in _ABBREVIATIONS)   # enough of a sentence's end for either check
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z0-9(\[\"\u201c])|[.!?]$|[\u3002\uff01\uff1f]")
_INITIAL_RE = re.compile(r"\b[A-Z]\.$")
_AFTER_UNIT_RE = re.compile(r"\s?(%|\u00d7|dB|points|pp|seconds|s|ms|steps|GB|MB|KB|TB|hours|min)"
                            r"(?![a-zA-Z])")
# One run of white space before the optional bracket, so a long run cannot backtrack.
_VS_NEAR_RE = re.compile(r"\s*(?:\(\s*)?(?:vs\.?|versus)\s*(?P<b>[\d.,]+\s?(?:%|\u00d7|[KMB])?)")
CANONICAL = {m.lower(): m for m in reversed(METRICS)}   # the first spelling listed wins


class ClaimKind(StrEnum):
    """What kind of number a claim is, read from its sentence."""

    SPEEDUP = "speedup"
    REDUCTION = "reduction"
    IMPROVEMENT = "improvement"
    RESULT = "result"
    COUNT = "count"
    BOUND = "bound"


class Field(StrEnum):
    """Where in a paper a claim was found (``source`` and ``digest``: text checked)."""

    TITLE = "title"
    ABSTRACT = "abstract"
    COMMENT = "comment"
    SOURCE = "source"
    DIGEST = "digest"


@dataclass(frozen=True)
class Claim:
    text: str               # the number with its unit, exactly as in ``sentence``
    value: float | None     # None for bound expressions
    unit: str | None
    metric: str | None
    comparison: str | None  # "from 9.67 to 7.56", "vs 53.1M"
    baseline: str | None    # a named method or model it is compared against
    kind: ClaimKind
    field: Field
    sentence: str
    start: int              # sentence offsets in the rendered field
    end: int
    number_start: int       # claim text offsets in the rendered field
    number_end: int

    def __post_init__(self):
        object.__setattr__(self, "kind", ClaimKind(self.kind))
        object.__setattr__(self, "field", Field(self.field))

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
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        # Only the sentence's last few characters can hold an abbreviation or an initial.
        tail = text[max(start, end - _TAIL):end]
        if tail.endswith(_ABBREVIATIONS) or _INITIAL_RE.search(tail):
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
    if low in ("pp", "point", "points", "pts", "percentage point", "percentage points"):
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


class _Metrics:
    """The metric names of one sentence, found in one pass and looked up by position."""

    BEFORE = 80   # a metric may end this many characters before the number
    AFTER = 40    # or start this many characters after it

    def __init__(self, sentence: str):
        self.sentence = sentence
        self.starts: list[int] | None = None
        self.ends: list[int] = []
        self.names: list[str] = []

    def _find(self) -> None:
        self.starts = []
        for match in METRIC_RE.finditer(self.sentence):
            name = match.group(1)
            canonical = CANONICAL.get(name.lower(), name)
            if canonical in CASE_SENSITIVE and name != canonical:
                continue
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.names.append(canonical)

    def window(self, pos: int, end: int) -> range:
        """Indices of the metrics close enough to the number at ``pos:end`` to count."""
        if self.starts is None:
            self._find()
        return range(bisect_left(self.ends, pos - self.BEFORE),
                     bisect_right(self.starts, end + self.AFTER))

    def near(self, pos: int, end: int) -> str | None:
        best, best_distance = None, 10 ** 6
        for i in self.window(pos, end):
            if self.ends[i] <= pos:
                distance = pos - self.ends[i]
                if distance > self.BEFORE:
                    continue
            elif self.starts[i] >= end:
                distance = self.starts[i] - end + 10   # prefer a metric named before the number
                if distance > self.AFTER + 10:
                    continue
            else:
                continue
            if distance < best_distance:
                best, best_distance = self.names[i], distance
        return best


class _Taken:
    """Which characters of a sentence an earlier claim already covers."""

    def __init__(self, length: int):
        self.mask = bytearray(length + 1)

    def add(self, start: int, end: int) -> None:
        end = min(max(end, start), len(self.mask))
        self.mask[start:end] = b"\x01" * (end - start)

    def __contains__(self, pos: int) -> bool:
        return bool(self.mask[pos])


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


class _Sentence:
    """One sentence being read: the claims found so far and the characters they cover."""

    def __init__(self, text: str, start: int, end: int, field: str):
        self.text, self.start, self.end, self.field = text[start:end], start, end, field
        found = _BASELINE_RE.search(self.text)
        self.baseline = found.group("name").rstrip(".,;") if found else None
        self.metrics = _Metrics(self.text)
        self.taken = _Taken(len(self.text))
        self.claims: list[Claim] = []
        for match in _RESOLUTION_RE.finditer(self.text):
            self.taken.add(*match.span())

    def add(self, n_start: int, n_end: int, value, unit, comparison, kind=None) -> None:
        sentence = self.text
        self.claims.append(Claim(
            text=sentence[n_start:n_end], value=value, unit=unit,
            metric=self.metrics.near(n_start, n_end) if kind != "bound" else None,
            comparison=comparison, baseline=self.baseline,
            kind=kind or _kind(sentence[max(0, n_start - 60):n_end + 40], unit),
            field=self.field, sentence=sentence, start=self.start, end=self.end,
            number_start=self.start + n_start, number_end=self.start + n_end))


def _bounds(s: _Sentence) -> None:
    for match in _BOUND_RE.finditer(s.text):
        s.add(match.start(), match.end(), None, None, None, "bound")
        s.taken.add(*match.span())


def _from_to(s: _Sentence) -> None:
    """Both ends of "from A to B": B with the pair as its comparison, and A (the starting
    value) too, so that it is bound as what it is — the level before — and never read as
    a change. A bare "A to B" is a pair only after a "from" pair in the same sentence
    ("from 8.26 to 6.27 on SiT, 32.39 to 26.69 on JiT") or right after a change verb
    ("boosts alignment (GenEval: 66.93 to 73.62)"), and "A → B" always is; other bare ones
    ("1.4 to 3.5% mAP gains", "5× to 7×") are ranges."""
    sentence = s.text
    paired = False
    for match in _FROM_TO_RE.finditer(sentence):
        if match.start() in s.taken:
            continue
        if not match.group("from") and match.group("u1") in ("\u00d7", "x"):
            continue                                  # "5× to 7× reduction": a range
        b_start, b_end = match.span("b")
        after = _AFTER_UNIT_RE.match(sentence, b_end)
        if after:
            b_end = after.end()
        unit = _normalise_unit(after.group(1) if after else match.group("u1"), "")
        aside = match.group("aside")
        words = unit_words(aside)
        a_unit = _normalise_unit(match.group("u1"), "") or (None if words else unit)
        a_start = match.start("s1") if match.group("s1") else match.start("a")
        a_end = match.end("u1") if match.group("u1") else match.end("a")
        a_text = sentence[a_start:a_end]
        b_text = sentence[match.start("s2") if match.group("s2") else b_start:b_end]
        if words:
            a_text += " " + words                     # "56 GPU training hours"
        # "boosts X (GenEval: A to B)": a change verb just before makes a bare pair one
        pair = bool(match.group("from") or match.group("arrow")) or paired or bool(
            CHANGED_BEFORE.search(sentence, max(0, a_start - 60), a_start))
        comparison = f"from {a_text} to {b_text}"
        if pair and (a_unit or aside or s.metrics.near(a_start, a_end)):
            s.add(a_start, a_end, _to_float(match.group("a")), a_unit, comparison.strip())
        if not pair:
            continue                                  # "1.4 to 3.5% mAP gains": a range
        s.add(b_start, b_end, _to_float(match.group("b")), unit, comparison.strip())
        s.taken.add(match.start(), b_end)
        paired = paired or bool(match.group("from"))


def _ranges(s: _Sentence) -> None:
    sentence = s.text
    for match in _RANGE_RE.finditer(sentence):
        unit = _normalise_unit(match.group("unit"), sentence[match.end():match.end() + 20])
        if unit is None or match.start() in s.taken:
            continue
        s.add(match.start(), match.end(), _to_float(match.group("num")), unit, None)
        s.taken.add(*match.span())


def _versus(sentence: str, n_end: int) -> str | None:
    """``vs 110M`` when the number at ``…:n_end`` is directly compared with another."""
    vs = _VS_NUMBER_RE.match(sentence, n_end + 1) or _VS_NUMBER_RE.match(sentence, n_end)
    if vs is None:
        vs = _VS_NEAR_RE.match(sentence, n_end)
    return "vs " + vs.group("b").strip() if vs else None


def _number(s: _Sentence, match: re.Match) -> None:
    sentence = s.text
    n_start, n_end = match.start(), match.end()
    number = match.group("num")
    value = _to_float(number)
    following = sentence[n_end:n_end + 20]
    unit = _normalise_unit(match.group("unit"), following)
    if match.group("unit") and unit is None:
        n_end = match.end("num")
    preceding = sentence[max(0, n_start - 14):n_start]
    if _REFERENCE_RE.search(preceding):
        return
    if preceding.endswith("(") and sentence[n_end:n_end + 1] == ")" and unit is None:
        return   # an enumeration: (2)
    if unit is None and value is not None and 1900 <= value <= 2100 and "." not in number:
        return   # a year
    if following[:1].isalpha() and unit is None:
        return   # "3D", "2nd", "4K" in a name
    sign = match.group("sign")
    if sign:
        n_start = match.start("sign")
        if sign.strip() in ("-", "\u2212"):
            value = -value if value is not None else None
    comparison = _versus(sentence, n_end)
    kind = None
    if unit is None:
        if _COUNT_NOUNS.match(sentence[n_end:n_end + 48]) and value is not None and \
                0 < value < 1000 and \
                value == int(value) and "." not in number:
            kind = "count"
        elif not s.metrics.near(n_start, n_end):
            return   # a bare number with no unit and no metric says nothing
    s.add(n_start, n_end, value, unit, comparison, kind)


def extract_text(text: str, field: str) -> list[Claim]:
    """Claims in one rendered field.

    Every per-number look-around (metric, unit, reference, comparison) reads a bounded
    window around the number, and each pattern scans a sentence once, so the work is
    linear in the field's length.
    """
    claims: list[Claim] = []
    for s_start, s_end in sentences(text):
        s = _Sentence(text, s_start, s_end, field)
        _bounds(s)
        _from_to(s)
        _ranges(s)
        for match in _NUM_RE.finditer(s.text):
            if match.start() not in s.taken:
                _number(s, match)
        claims.extend(s.claims)
    return claims


@per_paper
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


def number_key(text: str) -> str:
    """A number's digits, for matching one number across texts ("−0.377" ~ "-0.377")."""
    return re.sub(r"[^\d.]", "", text.replace(",", "")).strip(".")
