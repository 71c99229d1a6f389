"""Weighted phrase sets, matched on word tokens.

A phrase is matched case-insensitively, token by token, so a space and a hyphen are
the same (``score based`` finds ``score-based``); a trailing ``*`` on a word matches
any ending (``sampler*`` finds ``samplers``). Texts are tokenised once
(:func:`tokens`) and every phrase set is matched against the same tokens, which is
what keeps relevance fast on a day of a thousand abstracts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower()) if text else []


def _phrase_tokens(phrase: str) -> list[str]:
    star = phrase.rstrip().endswith("*")
    parts = _TOKEN.findall(phrase.lower())
    if star and parts:
        parts[-1] += "*"
    return parts


@dataclass
class TermSet:
    """Phrases with weights; ``count(text_or_tokens)`` says how often each occurs."""

    weights: dict[str, float]

    def __post_init__(self):
        self._exact: dict[str, list[tuple[list[str], str]]] = {}
        self._prefix: dict[str, list[tuple[list[str], str]]] = {}
        for phrase in self.weights:
            parts = _phrase_tokens(phrase)
            if not parts:
                continue
            first = parts[0]
            if first.endswith("*"):
                stem = first[:-1]
                self._prefix.setdefault(stem[:3], []).append((parts, phrase))
            else:
                self._exact.setdefault(first, []).append((parts, phrase))

    @staticmethod
    def _matches(parts: list[str], words: list[str], i: int) -> bool:
        if i + len(parts) > len(words):
            return False
        for part, word in zip(parts, words[i:i + len(parts)]):
            if part.endswith("*"):
                if not word.startswith(part[:-1]):
                    return False
            elif part != word:
                return False
        return True

    def count(self, text: str | list[str]) -> Counter:
        words = tokens(text) if isinstance(text, str) else text
        found: Counter = Counter()
        exact, prefix = self._exact, self._prefix
        for i, word in enumerate(words):
            for parts, phrase in exact.get(word, ()):
                if self._matches(parts, words, i):
                    found[phrase] += 1
            if prefix:
                for parts, phrase in prefix.get(word[:3], ()):
                    if self._matches(parts, words, i):
                        found[phrase] += 1
        return found

    def __bool__(self) -> bool:
        return bool(self.weights)


class PhraseIndex:
    """Several named phrase sets matched in one pass over the tokens."""

    def __init__(self, sets: dict[str, TermSet]):
        self.sets = sets
        self._exact: dict[str, list[tuple[list[str], str, str]]] = {}
        self._prefix: dict[str, list[tuple[list[str], str, str]]] = {}
        for name, terms in sets.items():
            for first, entries in terms._exact.items():
                self._exact.setdefault(first, []).extend((p, ph, name) for p, ph in entries)
            for key, entries in terms._prefix.items():
                self._prefix.setdefault(key, []).extend((p, ph, name) for p, ph in entries)

    def count(self, words: list[str]) -> dict[str, Counter]:
        """Occurrences per set; where phrases of one set overlap at a position, the
        longest counts ("diffusion model" is not also a "diffusion")."""
        return self.count_apart(words, frozenset())[0]

    def count_apart(self, words: list[str], apart: frozenset[int]
                    ) -> tuple[dict[str, Counter], dict[str, Counter]]:
        """Occurrences per set as :meth:`count`, and separately those of them that start
        at one of the positions ``apart`` (mentions in passing)."""
        found: dict[str, Counter] = {name: Counter() for name in self.sets}
        aside: dict[str, Counter] = {name: Counter() for name in self.sets}
        exact, prefix, matches = self._exact, self._prefix, TermSet._matches
        for i, word in enumerate(words):
            best: dict[str, tuple[int, str]] = {}
            for hits in (exact.get(word), prefix.get(word[:3])):
                for parts, phrase, name in hits or ():
                    if (len(parts) == 1 and not parts[0].endswith("*")) or \
                            matches(parts, words, i):
                        if len(parts) > best.get(name, (0, ""))[0]:
                            best[name] = (len(parts), phrase)
            for name, (_, phrase) in best.items():
                found[name][phrase] += 1
                if i in apart:
                    aside[name][phrase] += 1
        return found, aside
