"""A paper's short name: the name it gives itself, else a compact phrase of its title.

In order: a short head before the title's colon (``SLIM-RL: …``), a name the abstract
introduces (``we introduce X``, ``called X``), an acronym defined in the title or the
abstract (``Expansion Attention (EA)``), else the title's first words.
"""

from __future__ import annotations

import re

from arxiv_digest.latex import latex_to_text
from arxiv_digest.models import Paper

_NAMEISH = re.compile(r"^[A-Za-z0-9][\w\-+.'\u00c0-\u024f]*(?:[ \-][A-Z0-9][\w\-+.]*){0,2}$")
_INTRODUCE = re.compile(
    r"\b(?:we|this paper|this work|here we)\s+(?:first\s+)?(?:introduce|propose|present|develop|"
    r"build|release|design|call)\s+(?:a\s+|an\s+|the\s+)?(?:new\s+|novel\s+)?"
    r"(?P<name>[A-Z][A-Za-z0-9]*[A-Z0-9][\w\-+]*|[A-Z][a-z]+[A-Z][\w\-+]*)"
    r"(?=[\s,:;.(]|$)")
_CALLED = re.compile(r"\b(?:called|dubbed|named|termed|coined)\s+(?P<name>[A-Z][\w\-+]*[A-Za-z0-9])")
_ACRONYM = re.compile(r"\((?P<acr>[A-Z][A-Za-z0-9\-+]{1,14})\)")
_INTRO_NEAR = re.compile(r"\b(?:we|this paper|this work)\s+(?:first\s+)?(?:introduce|propose|present|"
                         r"develop|design|call|name|term)", re.IGNORECASE)
_STOP_HEADS = {"a", "an", "the", "on", "towards", "toward", "beyond", "rethinking", "revisiting",
               "when", "what", "why", "how", "do", "does", "is", "are", "can", "position"}
_SMALL = {"a", "an", "the", "of", "for", "via", "with", "and", "in", "on", "to", "by", "from",
          "or", "into", "over", "across", "toward", "towards"}


def _is_name(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 32 or not _NAMEISH.match(text):
        return False
    words = text.split()
    if len(words) > 3:
        return False
    if words[0].lower() in _STOP_HEADS:
        return False
    # A name carries a capital after its first letter, a digit or a hyphen (LaTeX-free).
    return any(c.isupper() for c in text[1:]) or any(c.isdigit() for c in text) or "-" in text \
        or len(words) == 1


def _acronym_matches(acronym: str, before: str) -> bool:
    letters = [c for c in acronym if c.isalpha() and c.isupper()]
    words = [w for w in re.split(r"[\s\-]+", before) if w]
    initials = "".join(w[0].upper() for w in words[-(len(letters) + 3):] if w[0].isalpha())
    it = iter(initials)
    return len(letters) >= 2 and all(ch in it for ch in letters)


def short_name(paper: Paper) -> str:
    title = latex_to_text(paper.title).strip()
    head, sep, rest = title.partition(":")
    if sep and _is_name(head):
        return head.strip()
    lead = rest.split()[0].strip(",;") if sep and rest.split() else ""
    if lead and _is_name(lead) and len(lead) >= 3 and (
            any(c.isupper() for c in lead[1:]) or any(c.isdigit() for c in lead)):
        return lead       # "Long Claim Title: Shell-LCC for …" -> Shell-LCC
    abstract = latex_to_text(paper.abstract or "")
    for pattern in (_INTRODUCE, _CALLED):
        match = pattern.search(abstract)
        if match and _is_name(match.group("name")) and len(match.group("name")) >= 3:
            return match.group("name").strip(".-")
    for text, needs_intro in ((title, False), (abstract[:800], True)):
        for match in _ACRONYM.finditer(text):
            acronym = match.group("acr")
            if acronym.endswith("s") and acronym[:-1].isupper():
                continue   # a plural (LLMs, GNNs): a term being defined, not a name
            before = text[:match.start()]
            if needs_intro and not _INTRO_NEAR.search(before[-90:]):
                continue   # the abstract defines a term (RL, MDP); only an introduced method counts
            if _acronym_matches(acronym, before):
                return acronym
    return compact_title(title)


_QUESTION = {"what", "how", "why", "when", "where", "which", "do", "does", "did", "can", "could",
             "is", "are", "should", "will", "would"}
_BREAKS = _SMALL | {"using", "through", "under", "beyond", "without", "at", "as", "against",
                    "versus", "vs"}
_VERBS = {"reveals", "reveal", "suffice", "suffices", "fail", "fails",
                    "enables", "enable", "improves", "improve", "makes", "make", "meets", "is",
                    "are", "matters", "helps", "works", "learns", "beats", "explains", "unlocks",
                    "boosts", "drives", "yields", "breaks", "approximate", "need", "needs"}


def compact_title(title: str, max_words: int = 4, max_chars: int = 48) -> str:
    """A compact noun phrase from the title: cut at its colon, without leading question
    words, up to the first preposition, conjunction or common verb."""
    head, _, rest = title.partition(":")
    main = head if rest.strip() and len(head.split()) >= 2 else title
    if rest.strip() and head.split() and head.split()[0].lower() in _QUESTION:
        main = rest   # "Why X Fails: A Theory of Y" -> named by its answer, "Theory of Y"
    elif rest.strip() and len(head.split()) <= 5 and len(head) <= max_chars:
        return head.strip()   # a short head before a colon reads as the paper's name
    words = main.rstrip("?!.").split()
    while len(words) > 1 and words[0].lower() in (_QUESTION | {"towards", "toward", "on", "a",
                                                                "an", "the"}):
        words = words[1:]
    for i, word in enumerate(words[1:], start=1):
        bare = word.lower().strip(",;?!.")
        if i >= 2 and (bare in _VERBS or bare in _BREAKS):
            words = words[:i]
            break
    words = words[:max_words]
    while len(words) > 2 and len(" ".join(words)) > max_chars:
        words.pop()
    while len(words) > 1 and words[-1].lower().strip(",;?!.") in _SMALL:
        words.pop()
    return " ".join(words).strip(",;?!.")
