"""Evidence: concrete quantitative support (numbers with metrics, comparisons against
named baselines, several metrics or benchmarks, theory bounds) versus bare claims."""

from __future__ import annotations

import math
from enum import StrEnum

from arxiv_digest.text.binding import bind_claim, same_quantity
from arxiv_digest.text.claims import Claim, extract
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper
from arxiv_digest.text.shortnames import short_name
from arxiv_digest.text.facts import BENCHMARK
from arxiv_digest.signals import DayContext, SignalValue, register

STRONG, MODERATE = 0.6, 0.3


class Strength(StrEnum):
    STRONG = "strong"
    MODERATE = "moderate"
    THIN = "thin"


def evidence_strength(value: float) -> Strength:
    return (Strength.STRONG if value >= STRONG else Strength.MODERATE if value >= MODERATE
            else Strength.THIN)


def assess(claims: list[Claim], names: tuple[str, ...] = ()) -> SignalValue:
    """Evidence from the paper's own bound results: a number counts when it is bound as a
    result that is not a baseline's (settings, sizes, names and years never count); its
    quantity is what it measures, as bound."""
    seen, results, bounds, theirs = set(), [], [], []
    for claim in claims:
        if claim.text in seen or claim.kind == "count" or claim.field == "comment":
            continue
        seen.add(claim.text)
        bound = bind_claim(claim, names)
        if bound.role == "result" and bound.subject == "baseline":
            theirs.append(bound)                     # what the paper measures itself against
            continue
        if bound.role != "result" or bound.quantity == "p-value":
            continue
        (bounds if claim.kind == "bound" else results).append((claim, bound))
    metrics = sorted({b.quantity for _, b in results if b.quantity})
    baselines = sorted({c.baseline for c, _ in results if c.baseline})
    compared = [(c, b) for c, b in results if c.comparison or b.direction != "none"
                or any(same_quantity(b.quantity, t.quantity) for t in theirs)]
    raw = sum(c.strength for c, _ in results[:8]) + 0.5 * min(len(bounds), 2)
    raw += 0.4 * max(0, len(metrics) - 1) + (0.4 if baselines or compared else 0.0)
    standard = [c for c, _ in results if BENCHMARK.search(c.sentence)]
    if standard and (baselines or compared):
        raw += 1.0                   # a result against a baseline on a standard benchmark
    value = 1 - math.exp(-raw / 2.5)
    if not results and not bounds:
        return SignalValue(0.0, "no quantitative result of the paper's own in title or abstract")
    parts = []
    if results:
        ordered = compared + [r for r in results if r not in compared]
        examples = ", ".join(b.phrase for _, b in ordered[:3])
        parts.append(f"{len(results)} result(s) ({examples})")
    if bounds:
        parts.append(f"{len(bounds)} bound(s) ({', '.join(c.text for c, _ in bounds[:2])})")
    if metrics:
        parts.append(f"measuring {', '.join(metrics[:4])}")
    if baselines:
        parts.append(f"vs {', '.join(baselines[:3])}")
    if standard:
        names = sorted({m.group(1) for c in standard for m in BENCHMARK.finditer(c.sentence)})
        parts.append(f"on {', '.join(names[:2])}")
    return SignalValue(value, f"{evidence_strength(value)}: " + "; ".join(parts))


@register("evidence")
def evidence(ctx: DayContext) -> dict[str, SignalValue]:
    return {p.id: _own(p) if ctx.claims.get(p.id) == extract(p) else
            assess(ctx.claims.get(p.id, []), (short_name(p),)) for p in ctx.papers}


@per_paper
def _own(paper: Paper) -> SignalValue:
    """The evidence of the claims the paper's own text gives (the usual case)."""
    return assess(extract(paper), (short_name(paper),))
