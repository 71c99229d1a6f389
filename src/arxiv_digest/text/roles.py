"""The role of every sentence of an abstract: background, problem, contribution, method,
result, limitation, resource or other — so that each section of a digest draws only
from its own roles (a URL is never an insight, a selling point never a limit).

Roles are read by a small fitted model (``roles_model.py``, parameters shipped in
``fitted/roles.json``, refitted by ``bench/roles_fit.py`` from hand labels) from the
sentence's place in the abstract, the cues below and the cues of its neighbours, its
shape (numbers, a question, how it opens) and a few words. The cues are weighted
patterns: who speaks — "we", "existing methods" —, what the verb does — propose, show,
outperform, suffer —, numbers with metrics, links. ``rule_roles`` is the older reading
from cues and position alone (the strongest role wins); the model takes its verdict as
one more feature. A sentence with a link is always a resource. Sentences that open on a
reference ("This", "These", "It", "Such") are marked ``needs_antecedent``: a writer
carries the sentence before, or leaves them out.
"""

from __future__ import annotations

import re
from enum import StrEnum
from dataclasses import dataclass

from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper

class SentenceRole(StrEnum):
    """What a sentence does in its abstract."""

    BACKGROUND = "background"
    PROBLEM = "problem"
    CONTRIBUTION = "contribution"
    METHOD = "method"
    RESULT = "result"
    LIMITATION = "limitation"
    RESOURCE = "resource"
    OTHER = "other"


ROLES = tuple(role.value for role in SentenceRole)

_I = re.I
LINK = re.compile(r"https?://|github\.com|huggingface\.co|\bproject page\b", _I)
CUES: dict[str, list[tuple[re.Pattern, float]]] = {
    "resource": [
        (LINK, 3.0),
        (re.compile(r"\b(?:code|models?|weights|data(?:set)?s?|checkpoints?|implementation|"
                    r"benchmark)\b[^.]{0,60}\b(?:(?:is|are|will be) (?:publicly |made )?"
                    r"(?:available|released)|open[- ]source[sd]?)", _I), 2.5),
        (re.compile(r"^\s*(?:code|project|data|models?|demo)\s*(?:is|are)?\s*(?:available)?\s*"
                    r"(?:at|:)", _I), 3.0),
        (re.compile(r"\bwe (?:will )?(?:publicly )?(?:release|open[- ]source)\b(?![^.]{0,40}"
                    r"\b(?:benchmark|dataset) (?:of|that|for|with|containing))", _I), 1.2),
    ],
    "limitation": [
        (re.compile(r"\b(?:limitations?|caveats?) (?:of (?:our|this|the proposed)|include|remain)|"
                    r"\bwe leave\b|\bleft (?:for|to) future\b|\bfuture (?:work|research)\b|"
                    r"\bremains? (?:an )?open (?:question|problem)\b", _I), 2.4),
        (re.compile(r"\b(?:our|this|the proposed) (?:method|approach|framework|model|analysis|"
                    r"study|work)\b[^.]{0,40}\b(?:does not|cannot|fails? to|is limited to|is "
                    r"restricted to|only applies|assumes)\b", _I), 2.2),
        (re.compile(r"\b(?:we do not|we cannot|does not yet|not yet (?:clear|known))\b", _I), 1.0),
    ],
    "contribution": [
        (re.compile(r"\b(?:we|this (?:paper|work|study)|here,? we|in this (?:paper|work|study),? "
                    r"we)\s+(?:first\s+|further\s+|thus\s+|therefore\s+|then\s+)?"
                    r"(?:propose|introduce|present|develop|design|put forward|contribute|"
                    r"release|construct|curate|establish|formalize|formulate|reformulate|"
                    r"rethink|revisit|study|investigate|explore|address|tackle|examine|"
                    r"analy[sz]e|argue|take|advocate|offer|bridge|pursue|seek|aim|focus|"
                    r"consider|ask|frame|cast|view|provide|build|train|conduct|benchmark)\b",
                    _I), 2.2),
        (re.compile(r"^\s*(?:this (?:paper|work|study|article)|in this (?:paper|work|study))\b",
                    _I), 1.6),
        (re.compile(r"\b(?:to (?:address|tackle|bridge|close|overcome|fill|solve|mitigate|"
                    r"alleviate|remedy|resolve) (?:this|these|that|the|such)\b[^.]{0,60}\bwe\b)",
                    _I), 1.2),
        (re.compile(r"\b(?:our (?:key |main |central |primary )?contributions?|we call|"
                    r"(?:dubbed|named|termed|coined))\b", _I), 1.0),
    ],
    "result": [
        (re.compile(r"\b(?:experiments?|experimental results?|empirical(?:ly)?|evaluations?|"
                    r"results|benchmarks?) (?:on|across|show|demonstrate|confirm|reveal|"
                    r"indicate|suggest|validate|verify)\b", _I), 2.2),
        (re.compile(r"\b(?:we|our (?:analysis|experiments|results|theory|evaluation))\s+"
                    r"(?:also |further |then |empirically |theoretically |formally )?"
                    r"(?:show|demonstrate|find|found|observe|prove|establish|confirm|verify|"
                    r"validate|reveal|derive|obtain|identify|discover|achieve|report)\b", _I),
         1.6),
        (re.compile(r"\b(?:outperform\w*|surpass\w*|state-of-the-art|sota|achiev\w*|improv\w*"
                    r" (?:by|over|the)|reduc\w* [^.]{0,30}\bby\b|speed-?ups?|faster than|"
                    r"matches|competitive|consistently|significantly|substantially|"
                    r"comparable)\b", _I), 1.1),
        (re.compile(r"(?:\d+(?:\.\d+)?\s?(?:%|\u00d7|x\b|times|points|dB))|\b(?:FID|FVD|PSNR|"
                    r"SSIM|LPIPS|GenEval|VBench|accuracy|CLIP score|AUC|mIoU|BLEU)\b[^.]{0,30}"
                    r"\d", _I), 1.0),
        (re.compile(r"\b(?:theorem|bound|converge\w*|guarantee\w*|provabl\w*|we prove)\b", _I),
         0.6),
        (re.compile(r"^\s*(?:these|our) (?:results|findings)|^\s*(?:overall|together|taken "
                    r"together|collectively),", _I), 1.4),
        (re.compile(r"\b(?:ablations?|results?|analys[ie]s|experiments?) (?:show|generali[sz]e|"
                    r"confirm|demonstrate|indicate|suggest|reveal)|\bby up to\b|\bup to [\d.]+",
                    _I), 1.2),
        (re.compile(r"\b(?:this|the|our) (?:work|study|paper|analysis) (?:thus |therefore |"
                    r"also )?(?:establishes|challenges|paves|opens|provides evidence|offers "
                    r"evidence|shows|highlights|suggests)\b", _I), 1.0),
    ],
    "method": [
        (re.compile(r"\b(?:specifically|concretely|in particular|to this end|first|then|"
                    r"finally|moreover|furthermore|additionally|in addition),", _I), 0.8),
        (re.compile(r"\b(?:we|it|our (?:method|approach|framework|model|design|system))\s+"
                    r"(?:first\s+|then\s+|further\s+|also\s+|additionally\s+)?"
                    r"(?:use|uses|employ|employs|leverage|leverages|adopt|adopts|apply|applies|"
                    r"combine|combines|decompose|decomposes|replace|replaces|model|models|"
                    r"learn|learns|train|trains|predict|predicts|encode|encodes|map|maps|"
                    r"introduce a|introduces a|incorporate|incorporates|integrate|integrates|"
                    r"optimi[sz]e|optimi[sz]es|parameteri[sz]e|condition|conditions|treat|"
                    r"treats|exploit|exploits|inject|injects|align|aligns|extend|extends|"
                    r"design|designs|construct|constructs|generate|generates|compute|"
                    r"computes|estimate|estimates|maintain|maintains|enforce|enforces)\b", _I),
         1.5),
        (re.compile(r"\b(?:consists? of|comprises?|is composed of|builds? (?:on|upon)|"
                    r"is based on|relies on|by (?:\w+ing)|via|through|which (?:enables|allows)|"
                    r"enabl\w*|allow\w*|key (?:idea|insight|component)|module|mechanism|"
                    r"objective|loss|architecture|pipeline|stage|branch|encoder|decoder)\b", _I),
         0.7),
        (re.compile(r"^\s*(?:the|our|this) (?:method|approach|framework|model|module|design|"
                    r"system|sampler|algorithm|idea|key (?:idea|insight))\b", _I), 1.0),
    ],
    "problem": [
        (re.compile(r"^\s*(?:however|but|yet|nevertheless|nonetheless|unfortunately|despite|"
                    r"although|while|whereas)\b", _I), 1.8),
        (re.compile(r"\b(?:existing|current|prior|previous|conventional|standard|most|many) "
                    r"(?:\w+ ){0,2}(?:methods?|approaches|models|works?|techniques|pipelines|"
                    r"systems|solutions|studies)\b", _I), 1.0),
        (re.compile(r"\b(?:suffer\w*|struggl\w*|fail\w*|limit(?:s|ed|ation\w*)|lack\w*|"
                    r"bottleneck\w*|costly|expensive|prohibitive\w*|challeng\w*|difficult\w*|"
                    r"hinder\w*|overlook\w*|unexplored|underexplored|unclear|remains? "
                    r"(?:an open|unclear|challenging|difficult|elusive|limited|unknown)|"
                    r"little is known|poorly understood|drawbacks?|gap|issue)\b", _I), 1.1),
        (re.compile(r"\?\s*$"), 1.2),
        (re.compile(r",\s*(?:but|yet|whereas)\b|\b(?:remains?|is|are) (?:constrained|limited|"
                    r"hampered|bottlenecked)|\bconstrained by\b|\bdisconnects?\b|\bdiscards?\b|"
                    r"\bdegrad\w*|\bfar from\b|\bat the expense of\b|\bmismatch\b|"
                    r"\bsacrific\w*|\btrade-?off\b", _I), 1.0),
    ],
    "background": [
        (re.compile(r"\b(?:have (?:achieved|emerged|shown|become|demonstrated|gained|made)|"
                    r"has (?:achieved|emerged|shown|become|demonstrated|gained|made)|"
                    r"(?:is|are) (?:widely|increasingly|commonly) (?:used|adopted|applied)|"
                    r"(?:is|are) a (?:fundamental|central|key|popular|powerful|promising|core)|"
                    r"recent (?:advances|progress|years|work|studies)|in recent years|"
                    r"play a (?:crucial|key|central|vital) role|remarkable|impressive|"
                    r"(?:is|are) (?:essential|crucial|important) for)\b", _I), 1.6),
    ],
}
_ANTECEDENT = re.compile(
    r"^\s*(?:(?:However|Yet|Thus|Hence|Therefore|Moreover|Furthermore|Consequently|Instead),?\s+)?"
    r"(?:This|These|That|Those|It|They|Such|Its|Their|Both|The (?:former|latter))\b"
    r"(?!\s+(?:paper|work|study|article|thesis|survey|report)\b)|"
    r"^\s*(?:However|Yet|Specifically|Moreover|Furthermore|Further|Additionally|In addition|"
    r"In contrast|By contrast|As a result|Consequently|Therefore|Thus|Hence|Instead|Then|"
    r"Among them|Among these|Motivated by|Building on|Based on (?:this|these|our)|To this end|"
    r"Second|Third|Finally|Also|Likewise|Similarly|Nevertheless|Nonetheless|Still)\b|"
    r"^\s*(?:We|The authors|[A-Z][\w\-]+)\s+(?:further|also|then|additionally|therefore|thus)\b|"
    r"^[^.]{0,70}?\b(?:this|these|such|those) (?:perception|view|belief|assumption|approach|"
    r"paradigm|problem|issue|gap|limitation|challenge|observation|phenomenon|question|setting|"
    r"trend|practice|notion|idea|claim|hypothesis|conjecture|barrier|bottleneck|behaviou?r|"
    r"mismatch|tension|failure|weakness|insight|finding|effect|property|strategy|design)s?\b")
SEQUENCE = re.compile(r"^\s*(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|finally|"
                      r"specifically|concretely|additionally|moreover|furthermore|in addition|"
                      r"we (?:further|also|additionally|then)|to (?:this end|enable|support|"
                      r"facilitate|achieve|realize)|\(\w\)|\d\))\b", re.I)
WE = re.compile(r"\b(?:we|our|ours|us)\b", _I)


@dataclass(frozen=True)
class RoledSentence:
    index: int
    text: str
    role: SentenceRole
    needs_antecedent: bool = False

    def __post_init__(self):
        object.__setattr__(self, "role", SentenceRole(self.role))


def leans_back(sentence: str) -> bool:
    """Whether the sentence refers to something said before it ("This …", "such a …")."""
    return bool(_ANTECEDENT.match(sentence))


def abstract_sentences(abstract: str) -> list[str]:
    from arxiv_digest.text.claims import sentences

    text = latex_to_text(abstract or "")
    return [text[a:b].strip() for a, b in sentences(text) if text[a:b].strip()]


@per_paper
def classify(paper: Paper) -> list[RoledSentence]:
    """Every sentence of the paper's abstract, in order, with its role."""
    texts = abstract_sentences(paper.abstract)
    roles = classify_sentences(texts)
    return [RoledSentence(i, t, r, bool(_ANTECEDENT.match(t)))
            for i, (t, r) in enumerate(zip(texts, roles))]


def classify_sentences(texts: list[str]) -> list[str]:
    """The role of each sentence of one abstract, in order (the fitted model)."""
    from arxiv_digest.text.roles_model import shipped

    return shipped().predict(texts)


def cue_scores(text: str) -> dict[str, float]:
    """Each role's cue weight in one sentence, before position is taken into account."""
    return {role: sum(w for pattern, w in patterns if pattern.search(text))
            for role, patterns in CUES.items()}


def rule_roles(texts: list[str], cues: list[dict[str, float]] | None = None) -> list[str]:
    """The roles read from cues and position alone: the strongest role of each sentence,
    once a contribution has been stated leaning to method and result."""
    cues = cues if cues is not None else [cue_scores(t) for t in texts]
    roles: list[str] = []
    seen_contribution = False
    for i, text in enumerate(texts):
        found = scores(text, i, len(texts), seen_contribution, cues[i])
        role = _strongest(found, roles[-1] if roles else None)
        seen_contribution = seen_contribution or role == "contribution"
        roles.append(role)
    return roles


def scores(text: str, i: int, n: int, after_contribution: bool,
           cues: dict[str, float] | None = None) -> dict[str, float]:
    """Each role's evidence in one sentence (cue weights plus position)."""
    found = dict(cues) if cues is not None else cue_scores(text)
    speaks = bool(WE.search(text))
    position = i / max(n - 1, 1)
    if not speaks:
        found["background"] += 0.9 if i == 0 else 0.4 if i == 1 else 0.0
        found["problem"] += 0.3 if i <= 2 else 0.0
        found["contribution"] *= 0.6
    if after_contribution:
        found["method"] += 0.5
        found["background"] *= 0.3
        found["problem"] *= 0.6
        if SEQUENCE.match(text):                # "Second, we introduce …": a part of it
            found["contribution"] *= 0.4
            found["method"] += 0.8
    else:
        found["method"] *= 0.6
    found["result"] += 0.6 * position if after_contribution else 0.0
    return found


def _strongest(found: dict[str, float], previous: str | None) -> str:
    best = max(ROLES, key=lambda role: (found.get(role, 0.0), -ROLES.index(role)))
    if found.get(best, 0.0) <= 0.0:
        if previous in ("method", "result", "background", "problem"):
            return previous
        return "other"
    return best
