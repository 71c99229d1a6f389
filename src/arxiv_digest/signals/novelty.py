"""Novelty: how new the idea is, against what the store has seen and what the paper
introduces — not which words its abstract happens to use.

*History*: TF-IDF similarity of the paper to earlier days' on-topic papers — its nearest
one and the density of its neighbourhood (the mean of its three nearest) — and to the
same day's papers (of two near-identical papers the later id is the echo). *What it
introduces* (``arxiv_digest.text.introduced``): the named method, sampler, model, system,
metric, benchmark or dataset it defines, whatever words it uses for it ("X (ABC)", "we call
it ABC", a coined name that is the subject of its results), else a method or dataset it
offers unnamed; a bound or theorem it proves; a new finding. Its standing to what is known
adds to that: a new problem or capability ("for the first time"), a finding that
overturns a common assumption; extended versions lower it and surveys get no credit. A
paper that applies or studies existing methods introduces nothing. With no history, what
it introduces and the day's own papers carry the signal.
"""

from __future__ import annotations

import math
import re

from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper
from arxiv_digest.signals import DayContext, SignalValue, register

# How the paper stands to what is known, as its own text says it: these add to what it
# introduces (see ``introduced``), they never replace it. Every cue reads as a verb phrase
# of the paper ("introduces X; proves a formal result; overturns a common assumption").
FRAMING = {
    "overturns a common assumption": (2.0, re.compile(
        r"\b(contrary to|counter-?intuitive(?:ly)?|surprising(?:ly)?|challenges? the "
        r"(?:common|prevailing|widespread|standard|conventional)|we challenge|misconception|"
        r"(?:is|are) not (?:optimal|necessary|needed|required)|no longer holds?|"
        r"(?:suffice|suffices) (?:for|to)|fundamental (?:misalignment|limitation|mismatch))\b",
        re.I)),
    "opens a new problem or axis": (1.5, re.compile(
        r"\b(new (?:problem|task|setting|paradigm|perspective|axis|class of|family)|"
        r"for the first time|the first (?:to|method|framework|systematic|study|work|approach|"
        r"attack|benchmark)|first (?:systematic|principled|unified)|novel (?:paradigm|perspective|"
        r"problem|task|setting)|we formali[sz]e|we introduce the (?:problem|task|notion))\b", re.I)),
    "explains a mechanism": (1.0, re.compile(
        r"\b(we (?:analy[sz]e|study|investigate|explain) (?:why|how|when)|"
        r"mechanism(?:s)? (?:behind|underlying)|phase transition)\b", re.I)),
}
INCREMENTAL = re.compile(
    r"\b(extension of (?:our|the|a) (?:previous|prior|conference)|"
    r"extended version|journal version|builds? (?:up)?on (?:our|the) (?:previous|prior)|"
    r"slight(?:ly)? (?:improv|modif)|minor (?:modification|change))\b", re.I)
SURVEY = re.compile(r"\b(survey|tutorial|review of|overview of|we review|primer|lecture notes|"
                    r"systematic review|position paper)\b", re.I)
_TITLE_FRAMING = re.compile(r"\b(revisited|rethinking|revisiting|why|towards understanding|"
                            r"on the|when does|do|does|can)\b|\?", re.I)

# Credit for each thing the paper introduces (``introduced.Introduced.what``); a second
# named artifact of another kind (a method and the benchmark it releases) adds less.
CREDIT = {"artifact": 1.5, "offered": 1.0, "formal": 2.0}
SECOND_ARTIFACT = 1.0


def document(paper: Paper) -> str:
    return f"{paper.title}. {paper.title}. {latex_to_text(paper.abstract or '')}"


_FINDING = re.compile(r"\b(?:reveals?|uncovers?|discovers?|exposes?|we (?:find|discover|"
                      r"uncover|identify) that)\b", re.I)


def introduces(paper: Paper) -> list[tuple[str, float]]:
    """What the paper introduces, with the credit each earns: its own named artifacts (a
    method, sampler, model, system, metric, benchmark or dataset it defines), else a
    method or dataset it offers unnamed; a bound or theorem it proves; a new finding it
    reports. A paper that applies or studies existing methods introduces none of these."""
    from arxiv_digest.text.introduced import introduced
    from arxiv_digest.text.roles import classify

    found, artifacts = [], 0
    for item in introduced(paper):
        credit = CREDIT[item.what]
        if item.what == "artifact":
            credit = credit if artifacts == 0 else SECOND_ARTIFACT
            artifacts += 1
        found.append((item.phrase, credit))
    contribution = " ".join(s.text for s in classify(paper)
                            if s.role in ("contribution", "method"))
    if _FINDING.search(paper.title) or _FINDING.search(contribution[:400]):
        found.append(("reports a new finding", 1.0))
    return found


@per_paper
def framing(paper: Paper) -> tuple[float, tuple[str, ...]]:
    text = f"{paper.title}. {paper.abstract or ''}"
    found, raw = [], 0.0
    for cue, weight in introduces(paper):
        found.append(cue)
        raw += weight
    for name, (weight, pattern) in FRAMING.items():
        if pattern.search(text):
            found.append(name)
            raw += weight
    if _TITLE_FRAMING.search(paper.title) and "overturns a common assumption" not in found:
        raw += 0.3
        found.append("its title frames a question or a revisit")
    if INCREMENTAL.search(text):
        raw -= 1.5
        found.append("frames itself as incremental")
    if SURVEY.search(paper.title) or SURVEY.search((paper.abstract or "")[:300]):
        raw = 0.0
        found = ["survey or tutorial: no new method"]
    return max(0.0, 1 - math.exp(-max(raw, 0.0) / 2.5)), tuple(found)


def _similarity_to_novelty(similarity: float) -> float:
    """TF-IDF cosine 0.15 or less: unrelated (1.0); 0.65 or more: a near-duplicate (0.0)."""
    return min(1.0, max(0.0, (0.65 - similarity) / 0.5))


def _max_similarities(pool: list[Paper], history: list[Paper]):
    """For each pool paper: (best history match, similarity), (best same-day match, similarity)."""
    from arxiv_digest.text.textindex import index_for

    matrix = index_for(document).tfidf(list(pool) + list(history))
    pool_m, hist_m = matrix[: len(pool)], matrix[len(pool):]
    day = (pool_m @ pool_m.T).toarray()
    for i in range(len(pool)):
        day[i, i] = 0.0
    hist = (pool_m @ hist_m.T).toarray() if history else None
    out = []
    for i, paper in enumerate(pool):
        best_h = None
        if hist is not None:
            row = hist[i]
            nearest = [j for j in row.argsort()[::-1][:4] if history[j].id != paper.id][:3]
            if nearest:
                density = float(sum(row[j] for j in nearest) / len(nearest))
                best_h = (history[nearest[0]], float(row[nearest[0]]), density)
        j = int(day[i].argmax()) if len(pool) > 1 else None
        best_d = (pool[j], float(day[i, j])) if j is not None else None
        out.append((best_h, best_d))
    return out


@register("novelty")
def novelty(ctx: DayContext) -> dict[str, SignalValue]:
    if not ctx.papers:
        return {}
    matches = _max_similarities(ctx.papers, ctx.history)
    out = {}
    for paper, (best_h, best_d) in zip(ctx.papers, matches):
        frame, cues = framing(paper)
        parts = [f"framing: {', '.join(cues)}" if cues else
                 "framing: introduces nothing of its own (no named artifact, bound or finding)"]
        detail: dict = {"cues": list(cues)}
        day_part = 1.0
        if best_d is not None:
            other, sim = best_d
            # Of two near-identical papers the same day, the later submission is the echo.
            if other.id < paper.id:
                day_part = _similarity_to_novelty(sim)
            if sim >= 0.45:
                parts.append(f"close to same-day {other.id} (similarity {sim:.2f})")
                detail["same_day"] = (other.id, round(sim, 4))
        if best_h is not None:
            other, sim, density = best_h
            hist_part = 0.6 * _similarity_to_novelty(sim) + 0.4 * _similarity_to_novelty(
                density + 0.1)
            value = 0.55 * frame + 0.45 * min(hist_part, day_part)
            parts.append(f"nearest earlier paper {other.id} (similarity {sim:.2f}; "
                         f"neighbourhood {density:.2f})")
            detail["nearest"] = (other.id, round(sim, 4))
        else:
            value = 0.7 * frame + 0.3 * day_part
            parts.append("no history: framing and same-day papers only")
        out[paper.id] = SignalValue(min(1.0, max(0.0, value)), "; ".join(parts), detail)
    return out
