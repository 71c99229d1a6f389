"""Novelty: how new the idea is.

Two parts. *History*: TF-IDF similarity of the paper to earlier days' on-topic papers
(and to the same day's other papers); a near-duplicate or incremental variant of
something already seen scores low. *Framing*: what the paper says it does — a new
problem or axis, a theory result, an overturned assumption, a new benchmark that
changes evaluation — versus incremental language. With no history (a first run),
framing and the day's own papers carry the signal.
"""

from __future__ import annotations

import math
import re

from arxiv_digest.latex import latex_to_text
from arxiv_digest.models import Paper
from arxiv_digest.signals import DayContext, SignalValue, register

FRAMING = {
    "theory result": (2.0, re.compile(
        r"\b(we (?:prove|establish|derive)|theorem|lower bound|upper bound|provabl[ey]|"
        r"minimax|sample complexity|convergence (?:rate|guarantee|analysis)|non-asymptotic|"
        r"tight (?:bound|rate)|closed[- ]form|we characteri[sz]e|theoretical (?:analysis|"
        r"guarantees?|results?|framework|justification|understanding)|theory-(?:guided|driven)|"
        r"we conjecture)\b", re.I)),
    "overturned assumption": (2.0, re.compile(
        r"\b(contrary to|counter-?intuitive(?:ly)?|surprising(?:ly)?|challenges? the|"
        r"we challenge|overlook(?:ed|s)?|misconception|is not (?:optimal|necessary|needed)|"
        r"fail(?:s)? to (?:extrapolate|generali[sz]e|capture)|rethink(?:ing)?|revisit(?:ed|ing)?|"
        r"we (?:show|find|reveal|uncover|identify) that|we argue|conjecture|why (?:do|does|vanilla)"
        r"|fundamental (?:misalignment|limitation|mismatch|trade-?off)|hidden)\b", re.I)),
    "new problem or axis": (1.5, re.compile(
        r"\b(new (?:problem|task|setting|paradigm|perspective|axis|class of|family)|"
        r"for the first time|the first (?:to|method|framework|systematic|study|work|approach|"
        r"attack|benchmark)|first (?:systematic|principled|unified)|novel (?:paradigm|perspective|"
        r"problem|task|setting)|we formali[sz]e|we introduce the (?:problem|task|notion))\b", re.I)),
    "new benchmark or evaluation": (1.5, re.compile(
        r"\b(we (?:introduce|propose|present|build|release) (?:a |an |the )?(?:new |holistic |"
        r"comprehensive |large-scale |unified )?(?:benchmark|evaluation (?:suite|protocol|"
        r"framework))|holistic evaluation|evaluation (?:protocol|suite)|benchmark(?:ing)? "
        r"(?:suite|study))\b", re.I)),
    "mechanistic insight": (1.0, re.compile(
        r"\b(we (?:analy[sz]e|study|investigate) (?:why|how|when)|understanding|"
        r"mechanism(?:s)? (?:behind|underlying)|reveals?|attractors?|phase transition|"
        r"memori[sz]ation)\b", re.I)),
}
INCREMENTAL = re.compile(
    r"\b(plug-and-play|extension of (?:our|the|a) (?:previous|prior|conference)|"
    r"extended version|journal version|builds? (?:up)?on (?:our|the) (?:previous|prior)|"
    r"slight(?:ly)? (?:improv|modif)|minor (?:modification|change))\b", re.I)
SURVEY = re.compile(r"\b(survey|tutorial|review of|overview of|we review|primer|lecture notes|"
                    r"systematic review|position paper)\b", re.I)
_TITLE_FRAMING = re.compile(r"\b(revisited|rethinking|revisiting|why|towards understanding|"
                            r"on the|when does|do|does|can)\b|\?", re.I)

HISTORY_WINDOW_DAYS = 120


def _doc(paper: Paper) -> str:
    return f"{paper.title}. {paper.title}. {latex_to_text(paper.abstract or '')}"


def framing(paper: Paper) -> tuple[float, list[str]]:
    text = f"{paper.title}. {paper.abstract or ''}"
    found, raw = [], 0.0
    for name, (weight, pattern) in FRAMING.items():
        if pattern.search(text):
            found.append(name)
            raw += weight
    if _TITLE_FRAMING.search(paper.title) and "overturned assumption" not in found:
        raw += 0.5
        found.append("question or revisit in the title")
    if INCREMENTAL.search(text):
        raw -= 1.5
        found.append("incremental framing")
    if SURVEY.search(paper.title) or SURVEY.search((paper.abstract or "")[:300]):
        raw = 0.0
        found = ["survey or tutorial: no new method"]
    return max(0.0, 1 - math.exp(-max(raw, 0.0) / 2.5)), found


def _similarity_to_novelty(similarity: float) -> float:
    """TF-IDF cosine 0.15 or less: unrelated (1.0); 0.65 or more: a near-duplicate (0.0)."""
    return min(1.0, max(0.0, (0.65 - similarity) / 0.5))


def _max_similarities(pool: list[Paper], history: list[Paper]):
    """For each pool paper: (best history match, similarity), (best same-day match, similarity)."""
    import numpy
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [_doc(p) for p in pool] + [_doc(p) for p in history]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1,
                                 ngram_range=(1, 2), max_features=60000, dtype=numpy.float32)
    matrix = vectorizer.fit_transform(docs)
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
            for j in row.argsort()[::-1][:3]:
                if history[j].id != paper.id:
                    best_h = (history[j], float(row[j]))
                    break
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
        parts = [f"framing: {', '.join(cues)}" if cues else "framing: no new-idea cues"]
        day_part = 1.0
        if best_d is not None:
            other, sim = best_d
            # Of two near-identical papers the same day, the later submission is the echo.
            if other.id < paper.id:
                day_part = _similarity_to_novelty(sim)
            if sim >= 0.45:
                parts.append(f"close to same-day {other.id} (similarity {sim:.2f})")
        if best_h is not None:
            other, sim = best_h
            hist_part = _similarity_to_novelty(sim)
            value = 0.55 * frame + 0.45 * min(hist_part, day_part)
            parts.append(f"nearest earlier paper {other.id} (similarity {sim:.2f})")
        else:
            value = 0.7 * frame + 0.3 * day_part
            parts.append("no history: framing and same-day papers only")
        out[paper.id] = SignalValue(min(1.0, max(0.0, value)), "; ".join(parts))
    return out
