"""Signals from enrichment (only the shortlist has it; elsewhere they have no value and
are left out of a paper's weighted mean): institutions, community, authors, code."""

from __future__ import annotations

import math
from functools import cache

from arxiv_digest.signals import DayContext, SignalValue, register


@cache
def notable() -> frozenset[str]:
    """The major labs and universities (read when a day has enrichment: a run without it
    never imports the enrichment's network client and parsers)."""
    from arxiv_digest.enrich.fulltext import CANONICAL

    return frozenset(name for _, name in CANONICAL)


def _enrichment(ctx: DayContext, paper_id: str):
    return ctx.enrichment.get(paper_id)


@register("institution", enriched=True)
def institution(ctx: DayContext) -> dict[str, SignalValue | None]:
    out = {}
    for paper in ctx.papers:
        found = _enrichment(ctx, paper.id)
        names = found.fulltext.institutions if found and found.fulltext else []
        if not names:
            out[paper.id] = None
            continue
        major = [n for n in names if n in notable()]
        value = 1.0 if major else 0.5
        out[paper.id] = SignalValue(value, f"institutions: {', '.join(names[:4])}"
                                           + (" (a major research lab or university)"
                                              if major else ""))
    return out


@register("community", enriched=True)
def community(ctx: DayContext) -> dict[str, SignalValue | None]:
    out = {}
    for paper in ctx.papers:
        found = _enrichment(ctx, paper.id)
        c = found.community if found else None
        out[paper.id] = None if c is None else SignalValue(
            1 - math.exp(-c.upvotes / 15),
            f"Hugging Face: {c.upvotes} upvotes"
            + (f", {c.comments} comments" if c.comments is not None else ""))
    return out


@register("authors", enriched=True)
def authors(ctx: DayContext) -> dict[str, SignalValue | None]:
    out = {}
    for paper in ctx.papers:
        found = _enrichment(ctx, paper.id)
        a = found.authors if found else None
        out[paper.id] = None if a is None or a.max_h_index is None else SignalValue(
            min(1.0, a.max_h_index / 50),
            f"most established author: h-index {a.max_h_index} (Semantic Scholar)")
    return out


@register("code_popularity", enriched=True)
def code_popularity(ctx: DayContext) -> dict[str, SignalValue | None]:
    out = {}
    for paper in ctx.papers:
        found = _enrichment(ctx, paper.id)
        c = found.code if found else None
        if c is None:
            out[paper.id] = None
        elif c.dead:
            out[paper.id] = SignalValue(0.0, f"code link is dead: {c.url}")
        else:
            value = 1 - math.exp(-(c.stars or 0) / 300)
            if c.archived:
                value *= 0.3
            parts = [f"{c.stars} stars", f"{c.forks} forks"]
            if c.pushed_at:
                parts.append(f"last push {c.pushed_at}")
            if c.license:
                parts.append(f"licence {c.license}")
            if c.archived:
                parts.append("archived")
            out[paper.id] = SignalValue(value, "GitHub: " + ", ".join(parts))
    return out
