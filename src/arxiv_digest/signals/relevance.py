"""Relevance: how squarely the paper is about the profile's topic (see topics.relevance)."""

from arxiv_digest.signals import DayContext, SignalValue, register


@register("relevance")
def relevance(ctx: DayContext) -> dict[str, SignalValue]:
    return {p.id: SignalValue(ctx.relevance[p.id].value, ctx.relevance[p.id].reason)
            for p in ctx.papers}
