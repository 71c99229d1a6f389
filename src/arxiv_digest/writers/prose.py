"""Sentence tools for writers: pick a paper's sentences by role and make them read
as reporting (third person, the paper's short name) without changing any fact."""

from __future__ import annotations

import re

from arxiv_digest.claims import sentences
from arxiv_digest.latex import latex_to_text

PROBLEM = re.compile(r"\b(however|but|yet|challeng\w*|limitation\w*|remains?|struggl\w*|suffer\w*|"
                     r"costly|expensive|prohibitive\w*|fail\w*|lack\w*|bottleneck\w*|unclear|"
                     r"difficult\w*|hinder\w*|problem\w*|issue\w*|drawback\w*|unexplored|"
                     r"overlook\w*|despite|although|while)\b", re.I)
PROPOSAL = re.compile(r"\b(we (?:first )?(?:propose|introduce|present|develop|design|study|show|"
                      r"prove|argue|conjecture|revisit|analy[sz]e|investigate|identify|establish|"
                      r"derive|build|release|formulate|reformulate|call)|this (?:paper|work)|"
                      r"in this (?:paper|work))\b", re.I)
MECHANISM = re.compile(r"\b(by|via|through|leverag\w*|exploit\w*|key (?:idea|insight|observation)|"
                       r"based on|we (?:use|employ|model|cast|replace|decompose|combine|"
                       r"adopt|maintain|treat|reuse|align|map)|enabl\w*|allow\w*|"
                       r"observation|insight|relies on|consists? of|instead of|rather than)\b",
                       re.I)
RESULT = re.compile(r"\b(outperform\w*|achiev\w*|experiments?|empirical\w*|results?|demonstrat\w*|"
                    r"surpass\w*|improv\w*|reduc\w*|faster|state-of-the-art|competitive|"
                    r"consistently|evaluat\w*|on (?:ImageNet|COCO|CIFAR))\b", re.I)
LIMIT = re.compile(r"\b(limitation\w*|only (?:on|in|for|with)|restricted to|limited to|synthetic|toy|"
                   r"future work|we assume|assum\w+|cannot|does not|do not|not yet|"
                   r"small-scale|preliminary|MNIST|CIFAR-10)\b", re.I)
SYNTHETIC = re.compile(r"\b(synthetic|toy|MNIST|2D|Gaussian mixtures?|small-scale)\b", re.I)

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


def abstract_sentences(abstract: str) -> list[str]:
    text = latex_to_text(abstract or "")
    return [text[a:b].strip() for a, b in sentences(text) if text[a:b].strip()]


def third_person(sentence: str, name: str) -> str:
    """'We propose X' -> 'The authors propose X'; 'our method' -> the short name."""
    out = sentence
    for pattern, replacement in _FIRST_PERSON:
        out = pattern.sub(replacement.replace("{name}", name), out)
    # "The authors proposes" never happens: English verbs after "we" are already plural.
    return out[:1].upper() + out[1:] if out else out


def clip(sentence: str, limit: int = 400) -> str:
    """Keep a sentence whole unless it is very long; then cut at a clause boundary."""
    if len(sentence) <= limit:
        return sentence
    cut = max(sentence.rfind("; ", 0, limit), sentence.rfind(", ", 0, limit))
    if cut < limit // 2:
        cut = sentence.rfind(" ", 0, limit)
    return sentence[:cut].rstrip(",;: ") + "…"


def join_names(names: list[str]) -> str:
    """'A, B and C'; with semicolons when an item itself holds a comma or an 'and'."""
    if len(names) <= 1:
        return "".join(names)
    separator = "; " if any("," in n or " and " in n for n in names) else ", "
    return separator.join(names[:-1]) + " and " + names[-1]
