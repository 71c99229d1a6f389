"""Sentence tools for writers: make a paper's sentences read as reporting (third
person, the paper's short name) without changing any fact."""

from __future__ import annotations

import re


_FIRST_PERSON = [
    (re.compile(r"^(?:In this (?:paper|work|study|note),?\s+|Here,?\s+|To (?:this end|address "
                r"(?:this|these|the) (?:issue|issues|limitation|limitations|gap|challenge|"
                r"challenges|problem|problems)),?\s+)?[Ww]e\b"), "The authors"),
    (re.compile(r"^This (?:paper|work|study)\b"), "The paper"),
    (re.compile(r"\bour (?:method|approach|framework|model|algorithm|technique|sampler|system)\b",
                re.I), "{name}"),
    (re.compile(r"\bOur\b"), "The authors'"),
    (re.compile(r"\bour\b"), "the authors'"),
    (re.compile(r"\bwe\b"), "the authors"),
    (re.compile(r"\bWe\b"), "The authors"),
    (re.compile(r"\bus\b"), "them"),
]


def third_person(sentence: str, name: str) -> str:
    """'We propose X' -> 'The authors propose X'; 'our method' -> the short name."""
    out = sentence
    for pattern, replacement in _FIRST_PERSON:
        out = pattern.sub(replacement.replace("{name}", name), out)
    # "The authors proposes" never happens: English verbs after "we" are already plural.
    return out[:1].upper() + out[1:] if out else out


def join_names(names: list[str]) -> str:
    """'A, B and C'; with semicolons when an item itself holds a comma or an 'and'."""
    if len(names) <= 1:
        return "".join(names)
    separator = "; " if any("," in n or " and " in n for n in names) else ", "
    return separator.join(names[:-1]) + " and " + names[-1]
