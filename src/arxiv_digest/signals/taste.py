"""Taste: how close a paper is to what the reader liked, and far from what they disliked.

A Rocchio-style model over the same text features novelty reads (TF-IDF of title and
abstract, words and word pairs): what the liked papers share beyond what the field shares
— the positive part of their centroid minus the centroid of the earlier days' on-topic
papers (the day's own pool when the store holds none) — is the direction of the reader's
taste; the disliked papers give the opposite one. A paper's lean toward each side is how
far its projection on that side's direction stands above the day's median, over the
largest such distance that day (1 for the paper most like the likes; at least
``MIN_SPREAD``, as smaller differences say little); its lean is the one toward the likes
minus the one toward the dislikes. Chosen over a classifier because it learns
from a handful of likes, updates instantly when feedback changes, is undone exactly by
forgetting the feedback, and explains itself by the nearest paper the reader liked or
disliked. With no feedback the signal has no value for any paper, so it is left out of
the weighted mean and nothing changes.

A paper that leans to the likes scores 1 and one that leans to the dislikes 0, with a
weight that grows with the reader's judgements and with the lean: the profile weight
times ``CEILING · n / (n + HALF)`` for ``n`` judgements (likes and dislikes) times the
lean squared. One like counts about as much as the profile says, a handful of likes
outweighs the generic signals on their subject, dislikes sink theirs, a paper the
feedback says nothing about keeps its generic score exactly, and a paper never ranks
lower for leaning to the likes (nor higher for leaning to the dislikes).
"""

from __future__ import annotations

import numpy

from arxiv_digest.models import Feedback
from arxiv_digest.signals import DayContext, SignalValue, register
from arxiv_digest.signals.novelty import document

MIN_SPREAD = 0.05              # projection differences smaller than this say little
HALF, CEILING = 5, 8.0         # n judgements scale the profile weight by CEILING·n/(n+HALF)


def weight_scale(judgements: int) -> float:
    """How many times its profile weight taste counts with, at most, after
    ``judgements`` likes and dislikes."""
    return CEILING * judgements / (judgements + HALF) if judgements > 0 else 1.0


@register("taste")
def taste(ctx: DayContext) -> dict[str, SignalValue | None]:
    liked = [p for kind, p in ctx.feedback if kind == Feedback.LIKE]
    disliked = [p for kind, p in ctx.feedback if kind == Feedback.DISLIKE]
    if not ctx.papers or not (liked or disliked):
        return {}
    from arxiv_digest.text.textindex import index_for

    n, k = len(ctx.papers), len(liked)
    matrix = index_for(document).tfidf(list(ctx.papers) + liked + disliked + list(ctx.history))
    pool, like_m = matrix[:n], matrix[n:n + k]
    dislike_m, field = matrix[n + k:n + len(ctx.feedback)], matrix[n + len(ctx.feedback):]
    background = numpy.asarray((field if field.shape[0] else pool).mean(axis=0)).ravel()
    said = {p.id: kind for kind, p in ctx.feedback}
    judged = numpy.array([p.id in said for p in ctx.papers])
    leans = numpy.zeros(n)
    if liked:
        leans += _toward(pool @ _direction(like_m, background), judged)
    if disliked:
        leans -= _toward(pool @ _direction(dislike_m, background), judged)
    like_sim = (pool @ like_m.T).toarray() if liked else None
    dislike_sim = (pool @ dislike_m.T).toarray() if disliked else None
    most = weight_scale(len(said))
    out = {}
    for i, paper in enumerate(ctx.papers):
        if paper.id in said:              # the reader spoke of this very paper
            out[paper.id] = SignalValue(1.0 if said[paper.id] == Feedback.LIKE else 0.0,
                                        f"you {said[paper.id]}d this paper", scale=most)
            continue
        lean = float(min(1.0, max(-1.0, leans[i])))
        value = 1.0 if lean > 0 else 0.0 if lean < 0 else 0.5
        reason = _reason(_nearest(like_sim, i, liked, paper.id),
                         _nearest(dislike_sim, i, disliked, paper.id), lean)
        out[paper.id] = SignalValue(value, reason, {"lean": round(lean, 4)},
                                    scale=most * lean * lean)
    return out


def _toward(projection: numpy.ndarray, judged: numpy.ndarray) -> numpy.ndarray:
    """How far each paper stands out toward one side, in [0, 1]: its projection above
    the day's median, over the largest such distance (at least ``MIN_SPREAD``) — both
    among the papers the reader has not judged (a judged paper is its own measure)."""
    others = projection[~judged] if (~judged).any() else projection
    above = numpy.maximum(projection - float(numpy.median(others)), 0.0)
    largest = float(above[~judged].max()) if (~judged).any() else 0.0
    return numpy.minimum(above / max(largest, MIN_SPREAD), 1.0)


def _direction(rows, background: numpy.ndarray) -> numpy.ndarray:
    """What the rows share beyond the background: the positive part of their centroid
    minus it, of unit length (zero when they share nothing more)."""
    direction = numpy.maximum(numpy.asarray(rows.mean(axis=0)).ravel() - background, 0.0)
    norm = float(numpy.linalg.norm(direction))
    return direction / norm if norm else direction


def _nearest(sims, i: int, papers: list, own_id: str):
    if sims is None:
        return None
    best = max(((s, p) for s, p in zip(sims[i], papers) if p.id != own_id),
               default=None, key=lambda pair: pair[0])
    return best


def _reason(near_like, near_dislike, lean: float) -> str:
    """How far the paper leans, and the nearest paper the reader judged on that side."""
    def said(pair, verb):
        similarity, paper = pair
        title = paper.title if len(paper.title) <= 60 else paper.title[:57].rsplit(" ", 1)[0] + " …"
        return f"close to {paper.id}, which you {verb}: {title} (similarity {similarity:.2f})"
    side = ("leans to your dislikes" if lean < 0 else "leans to your likes" if lean > 0
            else "leans to neither side")
    if near_dislike and (lean < 0 or not near_like):
        return f"{side} ({abs(lean):.2f}); {said(near_dislike, 'disliked')}"
    if near_like:
        return f"{side} ({abs(lean):.2f}); {said(near_like, 'liked')}"
    return "no feedback to compare with"
