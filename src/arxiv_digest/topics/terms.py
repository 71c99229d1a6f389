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
        # Each entry: the phrase's parts, the phrase, its set, and whether a part is a
        # wildcard (a phrase without one is matched by comparing the words as a slice).
        self._exact: dict[str, list[tuple[list[str], str, str, bool]]] = {}
        self._prefix: dict[str, list[tuple[list[str], str, str, bool]]] = {}
        for name, terms in sets.items():
            for index, source in ((self._exact, terms._exact), (self._prefix, terms._prefix)):
                for key, entries in source.items():
                    index.setdefault(key, []).extend(
                        (p, ph, name, any(part.endswith("*") for part in p))
                        for p, ph in entries)

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
        # Most of a day's papers name no phrase of any set: find where phrases may start
        # (a word some phrase starts with, or one sharing a wildcard's first letters).
        words = words if isinstance(words, list) else list(words)
        present = set(words)
        if present.isdisjoint(exact) and (
                not prefix or {word[:3] for word in present}.isdisjoint(prefix)):
            return found, aside
        for i in [i for i, word in enumerate(words) if word in exact or word[:3] in prefix]:
            word = words[i]
            at_word, at_prefix = exact.get(word), prefix.get(word[:3])
            best: dict[str, tuple[int, str]] = {}
            for hits in (at_word, at_prefix):
                for parts, phrase, name, wild in hits or ():
                    if (matches(parts, words, i) if wild
                            else words[i:i + len(parts)] == parts):
                        if len(parts) > best.get(name, (0, ""))[0]:
                            best[name] = (len(parts), phrase)
            for name, (_, phrase) in best.items():
                found[name][phrase] += 1
                if i in apart:
                    aside[name][phrase] += 1
        return found, aside
