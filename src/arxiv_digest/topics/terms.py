"""Weighted phrase sets compiled into one regular expression each.

A phrase is matched case-insensitively on word boundaries; spaces also match
hyphens (``score based`` finds ``score-based``); a trailing ``*`` matches any word
ending (``sampler*`` finds ``samplers``). One pass over a text finds every phrase.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


def _phrase_regex(phrase: str) -> str:
    words = phrase.strip().split()
    parts = []
    for word in words:
        star = word.endswith("*")
        core = re.escape(word.rstrip("*"))
        core = core.replace(r"\-", r"[\-\s]?")
        parts.append(core + (r"[\w\-]*" if star else ""))
    body = r"[\s\-]+".join(parts)
    return rf"(?<![\w]){body}(?![\w])" if not phrase.endswith("*") else rf"(?<![\w]){body}"


@dataclass
class TermSet:
    """Phrases with weights; ``count(text)`` says how often each occurs."""

    weights: dict[str, float]

    def __post_init__(self):
        self.phrases = list(self.weights)
        if self.phrases:
            alternatives = "|".join(f"({_phrase_regex(p)})" for p in self.phrases)
            self.regex: re.Pattern | None = re.compile(alternatives, re.IGNORECASE)
        else:
            self.regex = None

    def count(self, text: str) -> Counter:
        found: Counter = Counter()
        if self.regex is None or not text:
            return found
        for match in self.regex.finditer(text):
            found[self.phrases[match.lastindex - 1]] += 1
        return found

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        if self.regex is None or not text:
            return []
        return [(m.start(), m.end(), self.phrases[m.lastindex - 1])
                for m in self.regex.finditer(text)]

    def __bool__(self) -> bool:
        return bool(self.phrases)
