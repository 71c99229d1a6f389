"""Taste: how close a paper is to what the reader liked, and far from what they disliked.

A Rocchio-style model over the same text features novelty reads (TF-IDF of title and
abstract): a paper's score is its similarity to the liked papers (the nearest one and
their centroid) minus its similarity to the disliked ones. Chosen over a classifier
because it learns from a handful of likes, updates instantly when feedback changes, is
undone exactly by forgetting the feedback, and explains itself by the nearest paper the
reader liked or disliked. With no feedback the signal has no value for any paper, so it
is left out of the weighted mean and nothing changes.
"""

from __future__ import annotations

from arxiv_digest.signals import DayContext, SignalValue, register
from arxiv_digest.signals.novelty import _doc

LIKE_WEIGHT, DISLIKE_WEIGHT = 1.0, 1.0
MIN_SPREAD = 0.08              # similarity differences smaller than this say little


@register("taste")
def taste(ctx: DayContext) -> dict[str, SignalValue | None]:
    liked = [p for kind, p in ctx.feedback if kind == "like"]
    disliked = [p for kind, p in ctx.feedback if kind == "dislike"]
    if not ctx.papers or not (liked or disliked):
        return {}
    from arxiv_digest.textindex import index_for

    matrix = index_for(_doc, ngrams=1, max_features=30000).tfidf(
        list(ctx.papers) + liked + disliked)
    pool = matrix[:len(ctx.papers)]
    like_m = matrix[len(ctx.papers):len(ctx.papers) + len(liked)]
    dislike_m = matrix[len(ctx.papers) + len(liked):]
    like_sim = (pool @ like_m.T).toarray() if liked else None
    dislike_sim = (pool @ dislike_m.T).toarray() if disliked else None
    said = {p.id: kind for kind, p in ctx.feedback}
    raw = [LIKE_WEIGHT * _score(like_sim, i, liked, p.id)
           - DISLIKE_WEIGHT * _score(dislike_sim, i, disliked, p.id)
           for i, p in enumerate(ctx.papers)]
    # Relative to the day: the paper most like the reader's likes scores 1, the one most
    # like the dislikes 0; a day the feedback says little about stays near the middle.
    centre = sorted(raw)[len(raw) // 2]
    spread = max(max(abs(x - centre) for x in raw), MIN_SPREAD)
    out = {}
    for i, paper in enumerate(ctx.papers):
        if paper.id in said:              # the reader spoke of this very paper
            out[paper.id] = SignalValue(1.0 if said[paper.id] == "like" else 0.0,
                                        f"you {said[paper.id]}d this paper")
            continue
        value = float(min(1.0, max(0.0, 0.5 + 0.5 * (raw[i] - centre) / spread)))
        out[paper.id] = SignalValue(value, _reason(_nearest(like_sim, i, liked, paper.id),
                                                   _nearest(dislike_sim, i, disliked, paper.id)))
    return out


def _score(sims, i: int, papers: list, own_id: str) -> float:
    """Half the nearest similarity, half the mean (the centroid's similarity)."""
    if sims is None:
        return 0.0
    row = [s for s, p in zip(sims[i], papers) if p.id != own_id]
    if not row:
        return 0.0
    return 0.5 * max(row) + 0.5 * (sum(row) / len(row))


def _nearest(sims, i: int, papers: list, own_id: str):
    if sims is None:
        return None
    best = max(((s, p) for s, p in zip(sims[i], papers) if p.id != own_id),
               default=None, key=lambda pair: pair[0])
    return best


def _reason(near_like, near_dislike) -> str:
    def said(pair, verb):
        similarity, paper = pair
        title = paper.title if len(paper.title) <= 60 else paper.title[:57].rsplit(" ", 1)[0] + " …"
        return f"close to {paper.id}, which you {verb}: {title} (similarity {similarity:.2f})"
    if near_like and (not near_dislike or near_like[0] >= near_dislike[0]):
        return said(near_like, "liked")
    if near_dislike:
        return said(near_dislike, "disliked")
    return "no feedback to compare with"
