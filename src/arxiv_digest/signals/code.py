"""Code and artifacts: a code or project link in the abstract or comment, released
weights or data, or only a promise to release. Which URLs count, and which of them is
a code link, is decided by :mod:`arxiv_digest.text.links` from the parsed host."""

from __future__ import annotations

import re

from arxiv_digest.text.links import code_url, is_code_link, links
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper
from arxiv_digest.signals import DayContext, SignalValue, register

__all__ = ["assess", "code", "code_url", "links"]     # the link helpers live in text/links.py

_PROMISE = re.compile(r"\b(code|implementation|models?|weights|data(?:set)?s?)\b[^.]{0,60}\b(will be|"
                      r"to be|would be)\b[^.]{0,30}\b(released|available|public|open[- ]sourced)", re.I)
_RELEASED = re.compile(r"\b(open[- ]sourced?|publicly (?:release|available)|release[sd]?|"
                       r"available at|code is available)\b", re.I)
_ARTIFACTS = re.compile(r"\b(weights|checkpoints?|dataset|benchmark|models?)\b[^.]{0,40}\b"
                        r"(released|available|open[- ]sourced?)\b", re.I)


@per_paper
def assess(paper: Paper) -> SignalValue:
    text = f"{paper.abstract or ''} {paper.comment or ''}"
    url = code_url(paper)
    artifacts = bool(_ARTIFACTS.search(text))
    if is_code_link(url):
        extra = " and released artifacts" if artifacts else ""
        return SignalValue(1.0, f"code link at announcement: {url}{extra}")
    if url:
        return SignalValue(0.7, f"project page at announcement: {url}")
    if _PROMISE.search(text):
        return SignalValue(0.3, "code or models promised, no link yet")
    if artifacts or _RELEASED.search(text):
        return SignalValue(0.3, "release mentioned, no link given")
    return SignalValue(0.0, "no code link at announcement")


@register("code")
def code(ctx: DayContext) -> dict[str, SignalValue]:
    return {p.id: assess(p) for p in ctx.papers}
