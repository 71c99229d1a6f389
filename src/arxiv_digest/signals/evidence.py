"""Evidence: concrete quantitative support (numbers with metrics, comparisons against
named baselines, several metrics or benchmarks, theory bounds) versus bare claims."""

from __future__ import annotations

import math

from arxiv_digest.claims import Claim
from arxiv_digest.signals import DayContext, SignalValue, register

STRONG, MODERATE = 0.6, 0.3


def evidence_strength(value: float) -> str:
    return "strong" if value >= STRONG else "moderate" if value >= MODERATE else "thin"


def assess(claims: list[Claim]) -> SignalValue:
    seen, quantitative, bounds = set(), [], []
    for claim in claims:
        if claim.text in seen:
            continue
        seen.add(claim.text)
        if claim.kind == "bound":
            bounds.append(claim)
        elif claim.kind != "count":
            quantitative.append(claim)
    metrics = sorted({c.metric for c in quantitative if c.metric})
    baselines = sorted({c.baseline for c in quantitative if c.baseline})
    compared = [c for c in quantitative if c.comparison]
    raw = sum(c.strength for c in quantitative[:8]) + 0.5 * min(len(bounds), 2)
    raw += 0.4 * max(0, len(metrics) - 1) + (0.4 if baselines or compared else 0.0)
    value = 1 - math.exp(-raw / 2.5)
    if not quantitative and not bounds:
        return SignalValue(0.0, "no quantitative result in title, abstract or comment")
    parts = []
    if quantitative:
        examples = ", ".join(f"{c.metric + ' ' if c.metric else ''}{c.text}"
                             for c in (compared + [c for c in quantitative if not c.comparison])[:3])
        parts.append(f"{len(quantitative)} number(s) ({examples})")
    if bounds:
        parts.append(f"{len(bounds)} bound(s) ({', '.join(b.text for b in bounds[:2])})")
    if metrics:
        parts.append(f"metrics: {', '.join(metrics[:4])}")
    if baselines:
        parts.append(f"vs {', '.join(baselines[:3])}")
    return SignalValue(value, f"{evidence_strength(value)}: " + "; ".join(parts))


@register("evidence")
def evidence(ctx: DayContext) -> dict[str, SignalValue]:
    return {p.id: assess(ctx.claims.get(p.id, [])) for p in ctx.papers}
