"""Code and artifacts: a code or project link in the abstract or comment, released
weights or data, or only a promise to release."""

from __future__ import annotations

import re

from arxiv_digest.models import Paper
from arxiv_digest.signals import DayContext, SignalValue, register

_URL = re.compile(r"https?://[^\s<>\"'()\[\]{},;]+|(?<![\w/])(?:www\.|github\.com/|"
                  r"huggingface\.co/)[^\s<>\"'()\[\]{},;]+", re.I)
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co",
               "gitee.com", "colab.research.google.com")
_PROMISE = re.compile(r"\b(code|implementation|models?|weights|data(?:set)?s?)\b[^.]{0,60}\b(will be|"
                      r"to be|would be)\b[^.]{0,30}\b(released|available|public|open[- ]sourced)", re.I)
_RELEASED = re.compile(r"\b(open[- ]sourced?|publicly (?:release|available)|release[sd]?|"
                       r"available at|code is available)\b", re.I)
_ARTIFACTS = re.compile(r"\b(weights|checkpoints?|dataset|benchmark|models?)\b[^.]{0,40}\b"
                        r"(released|available|open[- ]sourced?)\b", re.I)


def links(paper: Paper) -> list[str]:
    found = []
    for text in (paper.abstract or "", paper.comment or ""):
        for match in _URL.finditer(text):
            url = match.group(0).rstrip(".:")
            if not url.lower().startswith("http"):
                url = "https://" + url
            if url not in found:
                found.append(url)
    return found


def code_url(paper: Paper) -> str | None:
    """The paper's code repository (or, failing that, project page) link, if it gives one."""
    urls = links(paper)
    for url in urls:
        if any(host in url.lower() for host in _CODE_HOSTS):
            return url
    for url in urls:
        if "arxiv.org" not in url.lower() and "doi.org" not in url.lower():
            return url
    return None


def assess(paper: Paper) -> SignalValue:
    text = f"{paper.abstract or ''} {paper.comment or ''}"
    url = code_url(paper)
    artifacts = bool(_ARTIFACTS.search(text))
    if url and any(host in url.lower() for host in _CODE_HOSTS):
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
