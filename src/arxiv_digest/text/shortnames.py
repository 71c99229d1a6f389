"""A paper's short name: the name it gives itself, else a compact phrase of its title.

In order: a short head before the title's colon (``SLIM-RL: …``), a name the abstract
introduces (``we introduce X``, ``called X``), an acronym defined in the title or the
abstract (``Expansion Attention (EA)``), else the title's first words.
"""

from __future__ import annotations

import re

from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper

_NAMEISH = re.compile(r"^[A-Za-z0-9][\w\-+.'\u00c0-\u024f]*(?:[ \-][A-Z0-9][\w\-+.]*){0,2}$")
_INTRODUCE = re.compile(
    r"\b(?i:we|this paper|this work|this study|here we|and)\s+(?i:first\s+|then\s+|further\s+|"
    r"therefore\s+|thus\s+)?(?i:introduce|propose|present|develop|build|release|design|call)"
    r"\s+(?i:a\s+|an\s+|the\s+)?(?i:new\s+|novel\s+)?[*_\"\u201c']{0,2}"
    r"(?P<name>[A-Z][A-Za-z0-9]*[A-Z0-9][\w\-+]*|[A-Z][a-z]+[A-Z][\w\-+]*)"
    r"(?=[\s,:;.(*_\"\u201d']|$)")
_CALLED = re.compile(r"\b(?:called|dubbed|named|termed|coined|we (?:call|term|dub|name) "
                     r"(?:this|it|our \w+|the \w+)(?: \w+)?)\s*[,:]?\s+[\"\u201c']?"
                     r"(?P<name>[A-Z][\w\-+^]*[A-Za-z0-9+])")
# "X (Looped Transformer …)": a name followed by the words its capitals stand for.
_EXPANDED = re.compile(r"(?<![\w-])(?P<name>[A-Z][A-Za-z0-9]*[A-Z][\w\-+]*)\s*\((?P<expansion>"
                       r"[A-Z][a-z]+(?:[\s\-][A-Za-z][a-z]*){1,6})\)")
_NOT_NAMES = {"we", "our", "this", "the", "it", "a", "an"}
_ACRONYM = re.compile(r"\((?P<acr>[A-Z][A-Za-z0-9\-+]{1,14})\)")
_INTRO_NEAR = re.compile(r"\b(?:we|this paper|this work|this study)\s+(?:\w+\s+){0,4}?"
                         r"(?:introduced?|proposed?|present(?:ed)?|develop(?:ed)?|design(?:ed)?|"
                         r"call|name|term|instantiate)|\b(?:and|to) (?:introduce|propose|present)",
                         re.IGNORECASE)
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
    """The acronym's capitals spell, in order, initials of the words before it (a camel
    word gives its inner capitals too: MeanFlow -> M, F)."""
    letters = [c for c in acronym if c.isalpha() and c.isupper()]
    words = [w for w in re.split(r"[\s\-,]+", before) if w]
    initials = "".join(w[0].upper() + "".join(c for c in w[1:] if c.isupper())
                       for w in words[-(len(letters) + 3):] if w[0].isalpha())
    it = iter(initials)
    return len(letters) >= 2 and all(ch in it for ch in letters)


def _spelled_by(acronym: str, before: str) -> bool:
    """The acronym's letters and digits appear, right to left, in the words just before it,
    its first letter starting a word and the words no more than it needs: a compound's
    inner letters count ("Counterfactual-World (CF-World)", "Text-to-Speech (TTS)"), the
    longest-form rule of Schwartz and Hearst (2003)."""
    chars = [c.lower() for c in acronym if c.isalnum()]
    letters = sum(c.isalpha() for c in chars)
    words = before.rstrip().split()[-min(len(chars) + 5, 2 * len(chars)):]
    text = " ".join(words)
    j = len(text) - 1
    for k in range(len(chars) - 1, -1, -1):
        while j >= 0 and (text[j].lower() != chars[k] or
                          (k == 0 and j > 0 and text[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return False
        j -= 1
    used = text[j + 1:].split()
    return letters >= 2 and 1 <= len(used) <= max(2, len(chars))


def _keeps_a_word(acronym: str, before: str) -> bool:
    """A hyphenated name that keeps one word of its long form whole ("Counterfactual-World
    (CF-World)"), unlike an abbreviation of an existing term ("Multimodal Diffusion
    Transformer (MM-DiT)")."""
    parts = [p for p in acronym.split("-") if len(p) >= 3]
    tail = re.split(r"[\s\-]+", before.rstrip())[-3:]
    return "-" in acronym and any(p in tail for p in parts)


@per_paper
def short_name(paper: Paper) -> str:
    """The paper's own name for its contribution, else a compact phrase of its title."""
    return own_name(paper) or compact_title(latex_to_text(paper.title).strip())


def is_own_name(paper: Paper, name: str) -> bool:
    """Whether ``name`` is presented as the paper's own name (not a title phrase)."""
    found = own_name(paper)
    return found is not None and found == name


@per_paper
def own_name(paper: Paper) -> str | None:
    """The name the paper gives its method, model, benchmark or system, if it gives one."""
    title = latex_to_text(paper.title).strip()
    abstract = latex_to_text(paper.abstract or "")
    head, sep, rest = title.partition(":")
    introduced = _introduced(abstract) or _defined_acronym("", abstract)
    main = head.strip() if sep else title
    initials = _acronym_of(main, abstract)
    if initials:
        return initials                   # "Dynamic Video Generation" -> DVG, as defined
    if sep and _is_name(head):
        head = head.strip()
        if introduced and introduced != head and (_plain(head) or _is_task(head, abstract)):
            return introduced             # "Goodbye Drift: …" is a slogan; "MGI: …" a task
        return head
    lead = rest.split()[0].strip(",;") if sep and rest.split() else ""
    follows = rest.split()[1].lower() if len(rest.split()) > 1 else ""
    if lead and _is_name(lead) and len(lead) >= 3 and _coined(lead) and (
            not follows or follows in _SMALL or follows in ("using", "through", "—", "-")):
        return lead       # "Long Claim Title: Shell-LCC for …" -> Shell-LCC
    bold = _bold_acronym(paper.title or "") or _bold_acronym(paper.abstract or "")
    if bold and bold in f"{title} {abstract}":
        return bold
    if introduced:
        return introduced
    return _defined_acronym(title, abstract)


def _plain(head: str) -> bool:
    """A head of ordinary words ("Goodbye Drift"), not a coined name."""
    return len(head.split()) >= 2 and not any(_coined(w) for w in head.split())


def _coined(word: str) -> bool:
    """Coined: capitals inside a part (MeanFlow, LCC), digits, or a '+' — not merely
    capitalised ordinary words joined by a hyphen (Vision-Aligned)."""
    parts = [p for p in re.split(r"[-/]", word.strip(",;:.")) if p]
    return any(sum(c.isupper() for c in p) >= 2 or any(c.isdigit() for c in p) or "+" in p
               for p in parts)


def _acronym_of(phrase: str, abstract: str) -> str | None:
    """An acronym the abstract defines for ``phrase`` ("Stochastic MeanFlow Policies (SMFP)")."""
    words = [w for w in re.split(r"[\s\-,]+", phrase) if w]
    if len(words) < 2:
        return None
    for match in _ACRONYM.finditer(abstract):
        acronym = match.group("acr")
        if acronym.lower() == phrase.lower():
            continue
        if re.escape(phrase.lower()) and phrase.lower() in abstract[max(0, match.start() - 80):
                                                                    match.start()].lower() \
                and _acronym_matches(acronym, phrase):
            return acronym
    for match in re.finditer(r"\b([A-Z][A-Z0-9]{1,7})\s*\(\s*" + re.escape(phrase) + r"\s*\)",
                             abstract, re.I):
        return match.group(1)             # "PREX (Preserve, Reveal, Expand)"
    return None


def _introduced(abstract: str) -> str | None:
    for pattern in (_CALLED, _INTRODUCE, _EXPANDED):
        for match in pattern.finditer(abstract):
            name = match.group("name").strip(".-")
            if _is_name(name) and len(name) >= 2 and name.lower() not in _NOT_NAMES:
                if pattern is _EXPANDED and not _acronym_matches(
                        "".join(c for c in name if c.isupper()) or name,
                        match.group("expansion")):
                    continue
                return name
    return None


def _is_task(head: str, abstract: str) -> bool:
    """The title's head is defined in the abstract as a task, problem or setting."""
    defined = re.search(r"([\w\s\-]{3,80})\(\s*" + re.escape(head) + r"\s*\)", abstract)
    if not defined:
        return False
    context = abstract[max(0, defined.end() - 120):defined.end()]
    return bool(re.search(r"\b(?:task|problem|setting|challenge|we study|we address|we tackle|"
                          r"formali[sz]e\w*|we define)\b", context, re.I)) and not \
        _INTRO_NEAR.search(context)


_THING = re.compile(r"\b(?:model|framework|method|network|sampler|policy|policies|algorithm|"
                    r"architecture|transformer|diffusion|distillation|guidance|benchmark|dataset|"
                    r"pipeline|system|module|scheduler|solver|estimator|encoder|decoder|"
                    r"tokenizer|learning|matching|sampling|attention|search|editing)\b", re.I)


def _named_thing(before: str, acronym: str) -> bool:
    """An introduced acronym names a thing (its words are capitalised or name a method,
    model or benchmark) rather than a term being abbreviated ("mutual information")."""
    letters = sum(1 for c in acronym if c.isupper())
    words = [w for w in re.split(r"[\s\-]+", before.strip()) if w][-(letters + 2):]
    return bool(_THING.search(" ".join(words))) or sum(w[:1].isupper() for w in words) >= \
        max(2, letters - 1)


def _bold_acronym(raw: str) -> str | None:
    """An acronym spelled by bold or underlined initials: ``\\textbf{S}cale \\textbf{A}ware``."""
    letters = re.findall(r"\\(?:textbf|mathbf|underline|textsc|bf)\{([A-Za-z0-9])\}", raw)
    if len(letters) < 2:
        return None
    acronym = "".join(letters)
    return acronym if acronym[0].isupper() else None


def _defined_acronym(title: str, abstract: str) -> str | None:
    for text, needs_intro in ((title, False), (abstract, True)):
        for match in _ACRONYM.finditer(text):
            acronym = match.group("acr")
            if acronym.endswith("s") and acronym[:-1].isupper():
                continue   # a plural (LLMs, GNNs): a term being defined, not a name
            before = text[:match.start()]
            if needs_intro and (not _INTRO_NEAR.search(before[-90:])
                                or not _named_thing(before[-60:], acronym)):
                continue   # the abstract defines a term (RL, MDP); only an introduced method counts
            if _acronym_matches(acronym, before) or (needs_intro and _keeps_a_word(
                    acronym, before) and _spelled_by(acronym, before)):
                return acronym
    return None


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
