"""Venue / peer review as a ranking signal (the reading itself is :mod:`arxiv_digest.text.review`)."""

from __future__ import annotations

from arxiv_digest.text.review import ReviewStatus, peer_review
from arxiv_digest.signals import DayContext, SignalValue, register

_SCORES = {ReviewStatus.ACCEPTED: 0.9, ReviewStatus.WORKSHOP: 0.5, ReviewStatus.SUBMITTED: 0.15,
           ReviewStatus.PREPRINT: 0.0}


@register("venue")
def venue(ctx: DayContext) -> dict[str, SignalValue]:
    out = {}
    for paper in ctx.papers:
        review = peer_review(paper.comment, paper.journal_ref)
        score = _SCORES[review.status]
        if review.status == ReviewStatus.ACCEPTED:
            score = 1.0 if review.highlight else 0.6 if review.venue is None else 0.9
        reason = (f"{review.label} (from comment/journal-ref)"
                  if review.status != ReviewStatus.PREPRINT
                  else "preprint: no venue in comment or journal-ref")
        out[paper.id] = SignalValue(score, reason)
    return out
