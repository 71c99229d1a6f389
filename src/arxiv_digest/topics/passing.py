"""Mentions in passing: where an abstract names a topic without being about it.

A paper whose subject is something else still names diffusion models — as an example
in a list ("generative models such as GANs, VAEs and diffusion models"), as what it is
compared with ("unlike diffusion models", "lower FID than …", "diffusion-based
baselines"), as what inspired it ("inspired by DDPM", "diffusion-style smoothing"), or
in a closing outlook ("we discuss implications for diffusion models", "future work may
explore …"). This module finds those stretches of text; relevance counts the topic
phrases found there apart from the ones that name the paper's own subject.

Positions are word-token positions as :func:`arxiv_digest.topics.terms.tokens` counts
them, so the phrase matcher can skip them without tokenising again.
"""

from __future__ import annotations

import re

from arxiv_digest.text.claims import sentences

_TOKEN = re.compile(r"[a-z0-9]+")

# A list of examples: runs over its items to the end of the list.
_EXAMPLES = re.compile(r"\b(?:such as|e\.g\.|including|for example|for instance|like)(?=\W)",
                       re.I)
# A comparison, an alternative or a source of inspiration: one noun phrase.
_COMPARED = re.compile(
    r"\b(?:compared (?:to|with|against)|in comparison (?:to|with)|than|unlike|"
    r"(?:lag|lags|lagged|lagging|fall|falls|fell|falling|trail|trails|trailing) behind|"
    r"versus|vs\.?|in contrast to|rather than|instead of|as opposed to|"
    r"mirror(?:s|ing)?|inspired by|analogous to|akin to|reminiscent of)(?=\W)", re.I)
# Where a list ends: a sentence or bracket break, or a comma that opens a new clause.
_LIST_END = re.compile(r"[.;:()\[\]]|,\s+(?:which|where|while|whereas|and we|we|our|but|"
                       r"it|they|this|these|that|to|have|has|are|is|use|uses)\b|"
                       r"\b(?:while|whereas|have|has|are|is|use|uses|remain|remains)\b", re.I)
# The comma after a list's last item ("A, B and C, …").
_LAST_ITEM = re.compile(r"\b(?:and|or)\s[^,.;:()]*(,)", re.I)
_PHRASE_END = re.compile(r"[,.;:()\[\]]|\b(?:while|whereas|which|that)\b", re.I)
_MAX_LIST = 160          # characters a list of examples may run over
_MAX_PHRASE = 90         # characters a compared phrase may run over
# A parenthesised list of alternatives: "(CNN, U-Net, GANs, and DDPM)" — not "(DDPM)".
_PAREN = re.compile(r"\(([^()]{1,300})\)")
_PAREN_LIST = re.compile(r",|\b(?:and|or)\b|^\s*(?:e\.g\.|such as|including|like)\b", re.I)
# The closing sentence as an outlook, not a result.
_OUTLOOK = re.compile(
    r"\b(?:future (?:work|research|directions?)|implications for|broader implications|"
    r"we (?:also |further |briefly )?discuss|"
    r"could (?:also |further )?be extended|may (?:also |further )?(?:extend|benefit))\b", re.I)
# "diffusion-inspired", "diffusion-style": the topic as a likeness.
_LIKENESS = re.compile(r"[-\s](?:inspired|style|like|esque)\b", re.I)
# "diffusion-based baselines": the topic as what is beaten.
_BASELINE = re.compile(r"(?:-[a-z0-9]+|\s+(?:models?|methods?|based|polic(?:y|ies)|samplers?))?"
                       r"[-\s]+(?:baselines?|counterparts?|competitors?)\b", re.I)


def spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that mention things in passing."""
    found: list[tuple[int, int]] = []
    parts = sentences(text)
    for k, (start, end) in enumerate(parts):
        sentence = text[start:end]
        if k == len(parts) - 1 and k > 0 and _OUTLOOK.search(sentence):
            found.append((start, end))
            continue
        for match in _PAREN.finditer(sentence):
            if _PAREN_LIST.search(match.group(1)):
                found.append((start + match.start(), start + match.end()))
        for cue, stop, limit in ((_EXAMPLES, _LIST_END, _MAX_LIST),
                                 (_COMPARED, _PHRASE_END, _MAX_PHRASE)):
            for match in cue.finditer(sentence):
                rest = sentence[match.end():match.end() + limit]
                # The cue's own comma ("e.g., …") does not end the stretch.
                skip = len(rest) - len(rest.lstrip(", "))
                found.append((start + match.start(),
                              start + match.end() + _stretch(rest, skip, stop, cue is _EXAMPLES)))
    return found


def _stretch(rest: str, skip: int, stop: re.Pattern, is_list: bool) -> int:
    """How far a cue's stretch runs into ``rest``: to its stop, and a list also to the
    comma after its last item."""
    ends = [len(rest)]
    closing = stop.search(rest, skip)
    if closing:
        ends.append(closing.start())
    last = _LAST_ITEM.search(rest, skip) if is_list else None
    if last:
        ends.append(last.start(1))
    return min(ends)


def positions(text: str) -> frozenset[int]:
    """Word-token positions of ``text`` mentioned in passing (see the module doc)."""
    if not text:
        return frozenset()
    stretches = sorted(spans(text))
    low = text.lower()
    origin = None
    if len(low) != len(text):           # a character whose lower case is longer
        origin = [i for i, ch in enumerate(text) for _ in ch.lower()]
    out = set()
    for index, token in enumerate(_TOKEN.finditer(low)):
        at = origin[token.start()] if origin else token.start()
        after = origin[token.end() - 1] + 1 if origin else token.end()
        if any(a <= at < b for a, b in stretches) or _LIKENESS.match(text, after) or \
                _BASELINE.match(text, after):
            out.add(index)
    return frozenset(out)


def title_positions(title: str) -> frozenset[int]:
    """In a title only a likeness is in passing ("Diffusion-Style Smoothing")."""
    if not title:
        return frozenset()
    low = title.lower()
    if len(low) != len(title):
        return frozenset()
    return frozenset(i for i, token in enumerate(_TOKEN.finditer(low))
                     if _LIKENESS.match(title, token.end()))
