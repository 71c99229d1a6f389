"""The vocabulary binding reads: direction words, cues for whose number it is, setting
and name patterns, and how quantity phrases are compared."""

from __future__ import annotations

import re

from arxiv_digest.text.claims import CANONICAL, CASE_SENSITIVE, METRIC_RE, CHANGE_VERB  # noqa: F401

METRIC = METRIC_RE   # one metric vocabulary, shared with claims

UP_WORDS = ("higher", "more", "larger", "greater", "increase", "increases", "increased",
            "increasing", "gain", "gains", "boost", "boosts", "boosted", "raise", "raises",
            "improve", "improves", "improved", "improving", "improvement", "improvements",
            "faster", "speedup", "speed-up", "speed-ups", "speedups", "acceleration",
            "accelerates", "rise", "rises", "grows", "better", "stronger", "longer", "wider",
            "bigger", "exceeds", "surpasses", "outperforms", "rose", "climbs", "jumps",
            "doubles", "grew", "grow", "raising")
DOWN_WORDS = ("lower", "fewer", "less", "smaller", "reduce", "reduces", "reduced", "reducing",
              "reduction", "reductions", "drop", "drops", "dropped", "decrease", "decreases",
              "decreased", "cut", "cuts", "cutting", "loss", "losses", "decline", "declines",
              "degrades", "degradation", "saving", "savings", "saves", "slower", "shorter",
              "lowers", "lowered", "lowering", "shrinks", "compresses", "worse", "halving",
              "halves", "halved", "falls", "fell", "fall", "falling", "declined", "shrank")
UP = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in UP_WORDS) + r")\b", re.I)
DOWN = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in DOWN_WORDS) + r")\b", re.I)
SPEED = re.compile(r"\s*\b(?:faster|speed-?ups?|accelerat\w*|slower|speeds? up)\b", re.I)
NOUN_CHANGE = re.compile(
    r"^\s*(?:relative\s+|absolute\s+|average\s+)?(?P<noun>reduction|decrease|increase|"
    r"improvement|gain|drop|boost|rise|decline|cut|saving)s?\s+(?:in|of)\s+(?:the\s+)?"
    r"(?P<q>(?:[\w\-]+\s){0,2}[\w\-]+)", re.I)
# Quantities where lower is better: "improves FID" means FID went down. Read on a
# quantity's head noun (:func:`lower_is_better`): "energy efficiency" is higher-is-better
# although it names energy.
LOWER_IS_BETTER = re.compile(
    r"\b(?:fid|fvd|kid|lpips|dists|niqe|error|errors|mse|mae|rmse|wer|cer|nll|perplexity|"
    r"latency|latencies|memory|flops|macs|cost|costs|time|steps|nfe|nfes|loss|losses|crps|"
    r"chamfer|bpd|bits/dim|kl|divergence|distance|discrepancy|mmd|runtime|overhead|parameters|"
    r"params|energy|"
    r"drift|gap|asr|consumption|footprint|usage|variance|violations?|artifacts?|"
    r"hallucinations?|bias|emissions?)\b", re.I)
HIGHER_IS_BETTER = re.compile(
    r"\b(?:efficiency|accuracy|accuracies|throughput|speed|speedup|speed-up|quality|fidelity|"
    r"psnr|ssim|precision|recall|f1|f-score|auc|auroc|iou|miou|map|ap|bleu|rouge|cider|meteor|"
    r"geneval|vbench|pickscore|imagereward|hps|hpsv2|clipscore|aesthetic|aesthetics|reward|"
    r"preference|win|success|consistency|alignment|diversity|coverage|robustness|"
    r"utilization|performance|pass@1|correlation|similarity|agreement|realism|fps|"
    r"likelihood|elbo|mos|capacity|savings?|gains?|improvements?)\b", re.I)
# Words that say nothing of which way is better: the head is the word before them.
_NEUTRAL_HEADS = {"score", "scores", "rate", "rates", "ratio", "value", "values", "metric",
                  "metrics", "result", "results", "number", "amount", "level", "levels"}
# A noun naming a change ("a 12% reduction", "gains of 3 points").
CHANGE_NOUN = (r"(?:reductions?|decreases?|increases?|improvements?|gains?|drops?|boosts?|"
               r"rises?|declines?|cuts?|savings?|speed-?ups?|accelerations?|degradations?)")
_DOWN_STEMS = ("reduc", "decreas", "lower", "cut", "drop", "declin", "fall", "fell", "sav",
               "shrink", "shrank", "halv", "narrow", "shorten", "diminish", "trim", "slash",
               "compress", "fewer", "less", "smaller", "shorter", "slower", "loss")
_UP_STEMS = ("increas", "boost", "rais", "gain", "grow", "grew", "rise", "rising", "rose",
             "climb", "jump", "doubl", "accelerat", "widen", "speed", "lift", "elevat",
             "higher", "more", "larger", "greater", "faster", "longer", "wider", "bigger")
_BETTER_STEMS = ("improv", "enhanc", "better", "stronger")
_WORSE_STEMS = ("degrad", "worse", "worsen", "hurt", "harm")


def change_direction(word: str, quantity: str | None) -> str:
    """Which way a change word moves its quantity: up, down or none. "improves" moves a
    quantity its better way (FID down, energy efficiency up); "degrades" the other."""
    word = word.lower()
    if word.startswith(_BETTER_STEMS) or word.startswith(_WORSE_STEMS):
        better = "down" if lower_is_better(quantity) else "up"
        if word.startswith(_BETTER_STEMS):
            return better
        return "up" if better == "down" else "down"
    if word.startswith(_DOWN_STEMS):
        return "down"
    if word.startswith(_UP_STEMS):
        return "up"
    return "none"


def states_way(word: str) -> bool:
    """The change word names its way by itself ("raises", "cuts"), whatever the quantity
    — unlike "improves" or "degrades", whose way depends on which way is better."""
    word = word.lower()
    return word.startswith(_DOWN_STEMS + _UP_STEMS) and not word.startswith(
        _BETTER_STEMS + _WORSE_STEMS)


def lower_is_better(quantity: str | None) -> bool:
    """Whether less of ``quantity`` is better, read on its head noun: the last word before
    any "of/on/per…" phrase, passing over words such as "score" or "rate" that say
    nothing ("FID score" is FID's, "error rate" an error's, "win rate" a win's)."""
    if not quantity:
        return False
    words = re.findall(r"[a-z0-9@/^+\-]+", quantity.lower())
    for i, word in enumerate(words):
        if word in STOP and i and not all(w in _NEUTRAL_HEADS for w in words[:i]):
            words = words[:i]
            break
    for word in reversed(words):
        if word in _NEUTRAL_HEADS or word in STOP:
            continue
        if HIGHER_IS_BETTER.fullmatch(word):
            return False
        if LOWER_IS_BETTER.fullmatch(word):
            return True
    return False


def is_change_of(quantity: str | None) -> bool:
    """The quantity is a change of something ("change in FID": "moves FID 3.2× more"),
    not the thing itself."""
    return bool(quantity) and quantity.lower().startswith("change in ")


BOUNDARY = re.compile(r";|\s[\u2014\u2013]\s|\s--\s|,\s+(?:while|whereas|but|although|yet)\b|"
                      r"\bwhile\b|\bwhereas\b|\bbut\b|"
                      r"(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bal)(?<!\bcf)(?<!\bFig)(?<!\bEq)\.\s",
                      re.I)
BASELINE_CUE = re.compile(
    r"\b(?:existing|prior|previous|conventional|standard|vanilla|baselines?|competing|"
    r"current (?:methods|approaches|models)|state-of-the-art (?:methods|models|approaches)|"
    r"sota (?:methods|models)|other methods|alternatives?|naive|na\u00efve|traditional|"
    r"suffers?|fails?|struggles?)\b", re.I)
BASELINE_OBJECT = re.compile(
    r"\b(?:than|vs\.?\\?|versus|compared (?:to|with)|relative to|against|breaks?|overcomes?|"
    r"avoids?|escapes?|beats?|instead of|baseline of|baselines? (?:at|with|of))\s*"
    r"(?:the\s+|an?\s+)?(?:[\w\-.^/]+\s+){0,3}$", re.I)
BOUND_THAN = re.compile(r"\b(?:less|more|fewer|greater|higher|lower|better|no more|no less|"
                        r"at least|at most|over)\s+than\s*$", re.I)
METHOD_CUE = re.compile(
    r"\b(?:we|our|ours|proposed|this method|our method|the method|the authors|achiev\w*|"
    r"attain\w*|reach\w*|deliver\w*|yield\w*|obtain\w*|sets? a new|enables?|allows?)\b", re.I)
FINDING_CUE = re.compile(r"\b(?:we (?:find|found|observe|observed|reveal|identify|discover|"
                         r"demonstrate|show) that (?!(?:our|the proposed|we)\b)|reveals? that|"
                         r"we find|analysis (?:shows|reveals))", re.I)
SETTING_AFTER = re.compile(
    r"^\s*(?:-|\s)?(?:sampling\s+|denoising\s+|inference\s+|diffusion\s+)?(?:(?:time)?steps?|nfes?|"
    r"sparsity|masking|mask(?:ing)? ratio|pruning|compression|resolution|pixels?|px|frames?|"
    r"fps|seeds?|shots?|epochs?|iterations?|layers?|heads?|tokens?|blocks?|views?|"
    r"(?:of the )?(?:training )?data|labels?|parameters?|params?|gpus?|tpus?|samples?|"
    r"images?|videos?|prompts?|(?-i:clips?)|hours? of)\b", re.I)
SETTING_BEFORE = re.compile(
    r"(?:\b(?:at|with|using|under|for|given)\s+(?:just\s+|only\s+|a\s+)?|"
    r"\b(?:k|n|t|m|b|nfe|steps?|\u03bb|\u03b3|\u03c3|batch size|block size|guidance scale|"
    r"top-k|resolution|size)\s*(?:=|of)?\s*)$", re.I)
# A setting named right before its value: a setting whatever else the clause measures.
NAMED_SETTING = re.compile(
    r"\b(?:batch size|block size|patch size|window size|chunk size|group size|guidance scale|"
    r"cfg scale|top-k|learning rate|temperature|seed|horizon|resolution|lora rank|rank|nfes?|"
    r"steps?)"
    r"\s*(?:=|of|:)?\s*$", re.I)
NAME_BEFORE = re.compile(r"(?:\b[A-Z][A-Za-z]*[- ]|[A-Za-z]v|\b(?:SD|SDXL|GPT|Llama|Qwen|Wan|"
                         r"FLUX|Gemma|Mistral|Claude|Gemini|DiT|Sora|Veo)[-.\s]?)$")
NAME_AFTER = re.compile(r"^(?:[-.]\d|-[A-Z]|[-\s]?(?:Instruct|Chat|Base|Turbo|Pro|Large|XL|"
                        r"Medium|Small|Mini|Dev|Schnell|Flash)\b)")
TIME_UNITS = ("s", "ms", "min", "hours", "seconds")
STOP = {"than", "on", "in", "at", "with", "for", "compared", "while", "and", "or", "over",
        "of", "to", "by", "from", "across", "under", "vs", "versus", "relative", "against",
        "when", "without", "using", "which", "that", "as", "the", "a", "an", "its", "their",
        "our", "respectively", "per", "is", "are", "was", "were", "be", "achieving",
        "reaching", "resulting", "leading", "yielding", "achieves", "reaches", "this", "these",
        "after", "before", "during", "within", "given", "through", "via", "into", "only",
        "while", "where", "whereas", "both", "each", "compare", "up", "between"}
WORD = re.compile(r"[A-Za-z][\w\-/^+.]*[\w+]|[A-Za-z]")
_GENERIC = {"score", "scores", "rate", "rates", "performance", "quality", "metric", "metrics",
            "value", "values", "ratio", "overall", "average", "mean", "relative", "absolute",
            "results", "result", "points", "point", "top", "total", "per", "barrier",
            "barriers", "bound", "bounds", "limit", "order"}
_SYNONYMS = {"speedup": "speed", "speed-up": "speed", "speedups": "speed", "faster": "speed",
             "acceleration": "speed", "slower": "speed", "params": "parameters",
             "parameter": "parameters", "errors": "error", "flop": "flops", "macs": "flops",
             "steps": "step", "nfes": "step", "nfe": "step", "latency": "time",
             "latencies": "time", "runtime": "time", "wall-clock": "time", "seconds": "time",
             "costs": "cost", "samples": "sample", "accuracies": "accuracy"}


def canonical_metric(name: str) -> str:
    canonical = CANONICAL.get(name.lower(), name)
    if canonical in CASE_SENSITIVE and name != canonical:
        return ""
    return canonical


def quantity_words(quantity: str | None) -> set[str]:
    """The content words of a quantity, with plural and spelling variants merged."""
    if not quantity:
        return set()
    words = set()
    for word in re.findall(r"[a-z0-9@^/+]+(?:-[a-z0-9]+)*", quantity.lower()):
        for part in [word, *word.split("-")] if "-" in word else [word]:
            part = _SYNONYMS.get(part, part)
            if part.endswith("s") and len(part) > 3 and part not in ("flops", "loss", "class"):
                part = part[:-1]
            if part not in _GENERIC and part not in STOP:
                words.add(part)
    return words
