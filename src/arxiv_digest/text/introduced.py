"""What a paper introduces: the named artifacts it defines (a method, sampler, model,
system, benchmark or dataset of its own), the formal results it proves, and the method or
dataset it offers without naming it — read from what the abstract defines and proves,
not from the words it sells itself with.

A name is the paper's own when the title gives it, when one of the paper's own sentences
(contribution, method or result — never background or a stated problem) defines it
("Cluster-Level Attention-Guided Decoding (CLAD)", "we call it X", "we propose X", "this
yields X"), or when a coined name is the subject of the paper's results ("NED reduces
FID from 93.0 to 77.5") without being named first as existing work. Known model families
and benchmarks (``facts``) are never the paper's own. What kind of thing a name is comes
from the words that describe it: the apposition after it ("CLAD, a training-free decoder"),
the words it abbreviates, or the title's rest. A formal result is a bound the claims
extractor finds and the binder does not give to a baseline, or a theorem, proof or
guarantee stated in the paper's own sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper

OWN_ROLES = ("contribution", "method", "result", "resource")
MAX_ARTIFACTS = 2


def family(kind: str) -> str:
    """What an artifact is for: ``data`` (a benchmark or dataset), ``metric``, or
    ``method`` (a method, sampler, model or system); one artifact of each counts."""
    return {"benchmark or dataset": "data", "metric": "metric"}.get(kind, "method")


@dataclass(frozen=True)
class Introduced:
    """One thing the paper introduces."""

    what: str               # artifact / offered / formal
    kind: str               # sampler, model, method, system, benchmark or dataset, bound, theorem
    name: str | None = None
    shown_by: str = ""      # the words that show it

    @property
    def phrase(self) -> str:
        if self.what == "formal":
            return f"proves {'a bound' if self.kind == 'bound' else 'a formal result'}" + (
                f" ({self.shown_by})" if self.shown_by else "")
        if self.name:
            return f"introduces {self.name} ({_article(self.kind)} {self.kind})"
        return f"introduces a new {self.kind}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


# Head nouns, by the kind of thing they name; the last one of a noun phrase decides.
_KINDS = (
    ("benchmark or dataset", r"benchmarks?|bench|datasets?|data ?sets?|corpus|corpora|suites?|"
                             r"arenas?|leaderboards?|testbeds?|collections?|"
                             r"evaluation (?:protocols?|suites?|frameworks?)"),
    ("metric", r"metrics?"),
    ("sampler", r"samplers?|solvers?|decoders?|decoding|schedulers?|schedules?|integrators?|"
                r"sampling (?:method|algorithm|scheme|strategy)s?"),
    ("model", r"models?|architectures?|networks?|transformers?|tokenizers?|autoencoders?|"
              r"backbones?|polic(?:y|ies)|priors?|foundation model"),
    ("system", r"systems?|engines?|librar(?:y|ies)|toolkits?|platforms?|"
               r"pipelines?|compilers?|stacks?|agents?"),
    ("method", r"methods?|frameworks?|approach(?:es)?|algorithms?|techniques?|"
               r"strateg(?:y|ies)|guidance|objectives?|loss(?:es)?|attacks?|defen[cs]es?|"
               r"modules?|mechanisms?|regulari[sz]ers?|regulari[sz]ation|distillation|"
               r"caching|cache|attention|quantization|pruning|training|fine-tuning|recipe|"
               r"paradigm|procedure|"
               r"estimators?|filters?|protocol|schemes?|rules?|formulations?|variants?"),
)
_KIND_WORD = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<k{i}>{p})" for i, (_, p)
                                                     in enumerate(_KINDS)) + r")(?![\w-])", re.I)
# Where a describing noun phrase ends.
_PHRASE_STOP = re.compile(r"(?<![\w-])(?:for|that|which|to|with|by|in|on|of|via|as|from|"
                          r"where|using|under|across|and|or|whose|while)(?![\w-])|[,.;:()]",
                          re.I)
_BENCH_NAME = re.compile(r"(?:Bench|Set|Data|Arena|Suite|Corpus|QA|Eval)(?:[-\d.]+\w*)?$")
_NAME = r"(?:[A-Z]|[a-z](?=[A-Z]))(?:[A-Za-z0-9+\-]|\.(?=\d))*[A-Za-z0-9+]"
# An intro right before a name or its expansion: "we propose (a new) …", "this yields …".
_INTRO = (r"(?:\b(?:called|dubbed|named|termed|coined|we (?:call|term|dub|name) "
          r"(?:this|it|them|our \w+|the \w+)(?: \w+)?|(?:we |and )?(?:propose|introduce|"
          r"present|develop|build|release|design|devise|curate|construct)s?|"
          r"(?:this|which) (?:yields|gives|results in|leads to)|resulting in)\s*[,:]?\s+"
          r"(?:a |an |the )?(?:new |novel )?[\"\u201c']?)")
_GIVEN = re.compile(_INTRO + r"(?P<name>" + _NAME + r")")
# "… (we propose) Cluster-Level Attention-Guided Decoding (CLAD)": the words, then the acronym.
_DEFINED = re.compile(_INTRO + r"(?P<expansion>(?:[A-Za-z][\w\-]*\s+){1,7}?[A-Za-z][\w\-]*)"
                      r"\s*\(\s*(?P<name>[A-Z][A-Za-z0-9\-+^\u00b2\u00b3]{1,15})\s*\)")
# "… CLAD (Cluster-Level Attention-Guided Decoding)": the acronym, then the words.
_EXPANDED = re.compile(_INTRO + r"(?P<name>" + _NAME + r")\s*\((?P<expansion>"
                       r"[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){1,7})\)")
# "a new sampler, X" / "a benchmark called X": the words right before the name.
_DESCRIBED = re.compile(r"\b(?:a|an|the|our)\s+(?:new\s+|novel\s+)?(?P<desc>[\w\- ]{1,60}?)"
                        r"\s*(?:,|\bcalled|\bnamed|\bdubbed|\btermed)\s*$", re.I)
_RESULT_VERBS = (r"(?:(?:also|consistently|significantly|further|substantially|still|even)\s+)?"
                 r"(?:achieves|outperforms|improves|reduces|attains|delivers|surpasses|"
                 r"accelerates|matches|sets|yields|speeds up|cuts|lowers|raises|boosts|"
                 r"exceeds|beats|enables|generates|produces|recovers|runs|scales|"
                 r"is \d|obtains|reaches)")
_SUBJECT = re.compile(r"(?:^|[.;:]\s+|,\s+|\b(?:that|and|while|where)\s+)(?:the\s+)?"
                      r"(?P<name>" + _NAME + r")\s+" + _RESULT_VERBS + r"\b")
_OFFERS = re.compile(r"\b(?:we|this (?:paper|work|study))\s+(?:\w+\s+){0,2}?(?:introduce|"
                     r"propose|present|develop|design|release|build|construct|curate|devise|"
                     r"derive)s?\s+(?:(?:a|an|the)\s+)?(?P<desc>[^.;:]{0,90})", re.I)
_THEORY = re.compile(
    r"\b(we (?:prove|establish|derive)|theorem|lower bound|upper bound|provabl[ey]|minimax|"
    r"sample complexity|convergence (?:rate|guarantee|analysis)|non-asymptotic|"
    r"tight (?:bound|rate)|closed[- ]form|we characteri[sz]e|theoretical (?:analysis|"
    r"guarantees?|results?|framework|justification)|we conjecture)\b", re.I)


@per_paper
def introduced(paper: Paper) -> tuple[Introduced, ...]:
    """What ``paper`` introduces, most telling first: its named artifacts, then what it
    offers unnamed — one of each family (a method, sampler, model or system; a metric; a
    benchmark or dataset), two at most — then a formal result."""
    from arxiv_digest.text.roles import classify

    sentences = classify(paper)
    title = latex_to_text(paper.title or "").strip()
    own = [s.text for s in sentences if s.role in OWN_ROLES]
    earlier = [s.text for s in sentences if s.role not in OWN_ROLES]
    found: list[Introduced] = []
    families = set()
    names = own_names(paper, title, own, earlier)
    for name in names:
        kind, words = kind_of(name, title, own)
        if family(kind) not in families:
            families.add(family(kind))
            found.append(Introduced("artifact", kind, name, words))
    for offered in _offered(own, names):
        if family(offered.kind) not in families:
            families.add(family(offered.kind))
            found.append(offered)
    found = found[:MAX_ARTIFACTS]
    formal = _formal(paper, own)
    if formal:
        found.append(formal)
    return tuple(found)


def own_names(paper: Paper, title: str, own: list[str], earlier: list[str]) -> list[str]:
    """The names the paper gives its own artifacts, in order of appearance."""
    from arxiv_digest.text.facts import BENCHMARKS, FAMILIES
    from arxiv_digest.text.shortnames import own_name

    known = {n.lower() for n in BENCHMARKS + FAMILIES}
    before = " ".join(earlier)
    text = " ".join(own)
    names: list[str] = []

    def add(name: str | None, anywhere: bool = False, defined: bool = False) -> None:
        name = (name or "").strip(".,;:-\"'\u201d")
        if any(name.startswith(f"{n}-") or n.startswith(f"{name}-") for n in names):
            return                                  # a variant (iLLaDA-Base of iLLaDA)
        if len(name) < 2 or name.lower() in known or name in names or \
                not (anywhere or defined or coined(name)):
            return
        if name.endswith("s") and name[:-1].isupper():
            return                                  # a plural (LLMs): a term, not a name
        if not anywhere and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", before) \
                and name not in title:
            return                                  # named first as someone else's work
        names.append(name)

    main = own_name(paper)
    if main and (main in title or main in text):
        add(main, anywhere=True)
    for sentence in own:
        for pattern in (_DEFINED, _EXPANDED, _GIVEN, _SUBJECT):
            for match in pattern.finditer(sentence):
                defined = pattern in (_DEFINED, _EXPANDED)
                if defined and not _stands_for(match.group("name"), match.group("expansion")):
                    continue
                add(match.group("name"), defined=defined)
    return names


def coined(word: str) -> bool:
    """A coined name: capitals inside a part (MeanFlow, CLAD, RS-Gen), a digit or a '+' —
    not a capitalised ordinary word (Experiments) or words joined by a hyphen
    (Vision-Language)."""
    parts = [p for p in re.split(r"[-/]", word) if p]
    return any(sum(c.isupper() for c in p) >= 2 or any(c.isdigit() for c in p) or "+" in p
               for p in parts)


def _stands_for(name: str, words: str) -> bool:
    """A name given to the words: their acronym, or one of them ("Learned Relay
    Representations (Relay)")."""
    return _spells(name, words) or name.lower() in {w.lower() for w in re.split(r"[\s\-]+",
                                                                              words)}


def _spells(acronym: str, words: str) -> bool:
    """The acronym's capitals are, in order, initials of the words (camel words give
    their inner capitals too)."""
    letters = [c for c in acronym if c.isupper()]
    parts = [w for w in re.split(r"[\s\-]+", words) if w and w[0].isalpha()]
    initials = "".join(w[0].upper() + "".join(c for c in w[1:] if c.isupper()) for w in parts)
    it = iter(initials)
    return len(letters) >= 2 and all(ch in it for ch in letters)


def kind_of(name: str, title: str, own: list[str]) -> tuple[str, str]:
    """What kind of thing ``name`` is, and the words that say so."""
    if _BENCH_NAME.search(name):
        return "benchmark or dataset", name
    escaped = re.escape(name)
    places = []
    for sentence in own + [title]:
        for match in re.finditer(rf"(?<![\w-]){escaped}(?![\w-])", sentence):
            after = sentence[match.end():]
            expansion = re.match(r"\s*\(([^()]{1,120})\)", after)
            if expansion:
                places.append(expansion.group(1))
                after = after[expansion.end():]
            spelled = re.search(r"((?:[A-Za-z][\w\-]*\s+){0,7}[A-Za-z][\w\-]*)\s*\(\s*$",
                                sentence[:match.start()])
            for words in (expansion and expansion.group(1), spelled and spelled.group(1)):
                named = _in_title(name, words or "", title)
                if named:
                    places.append(named)            # the title names it: its noun decides
            noun = re.match(r"\s*\)?\s*([\w\-]+)", after)
            if noun and _KIND_WORD.fullmatch(noun.group(1)):
                places.append(noun.group(1))        # "the … (TR-CIE) sampler"
            apposition = re.match(r"\s*\)?\s*(?:[,:\u2014-]|which is|is)\s*(?:a|an|the)\s+"
                                  r"([^,.;:()]{1,100})", after)
            if apposition:
                places.append(apposition.group(1))
            described = _DESCRIBED.search(sentence[max(0, match.start() - 80):match.start()])
            if described:
                places.append(described.group("desc"))
    head, sep, rest = title.partition(":")
    if sep and name in head:
        places.append(rest)
    for words in places:
        kind = _head_kind(words)
        if kind:
            return kind, words.strip()
    return "method", ""


def _in_title(name: str, words: str, title: str) -> str | None:
    """The title from where it spells out ``name`` with the last of ``words``, if it does."""
    parts = words.split()
    for k in range(len(parts), 0, -1):
        phrase = " ".join(parts[-k:])
        at = title.lower().find(phrase.lower())
        if at >= 0 and _spells(name, phrase):
            return title[at:]
    return None


def _head_kind(words: str) -> str | None:
    """The kind named by the last head noun of the phrase's first noun group."""
    stop = _PHRASE_STOP.search(words, 1)
    group = words[:stop.start()] if stop else words
    found = None
    for match in _KIND_WORD.finditer(group):
        found = next(_KINDS[int(k[1:])][0] for k, v in match.groupdict().items() if v)
    return found


# What a paper may "present" or "introduce" that is no artifact of its own.
_NOT_ARTIFACTS = re.compile(r"\b(?:study|studies|analys[ie]s|evaluations?|investigations?|"
                            r"surveys?|perspectives?|lens|views?|understanding|comparisons?|"
                            r"reviews?|overviews?|discussions?|examinations?|insights?|"
                            r"observations?|explanations?|results?|findings?|experiments?|"
                            r"evidence|notion|concept|characteri[sz]ations?|case|report)\b", re.I)


def _offered(own: list[str], names: list[str]) -> list[Introduced]:
    """What the paper proposes, introduces or builds without naming it ("we propose a
    training-free sampler", "we propose a simple fix: …"), one of each kind; a study, an
    analysis, a perspective or an evaluation is not one."""
    found: dict[str, Introduced] = {}
    for sentence in own:
        for match in _OFFERS.finditer(sentence):
            desc = match.group("desc").replace(",", " ")     # "a lightweight, reward-free …"
            first = desc.split()[0] if desc.split() else ""
            if first in names or coined(first):
                continue                                    # a named one: counted as such
            kind = "method" if re.match(r"to [a-z]", desc) else _head_kind(desc)
            if kind is None:
                stop = _PHRASE_STOP.search(desc, 1)
                group = desc[:stop.start()] if stop else desc
                if not group.strip() or _NOT_ARTIFACTS.search(group):
                    continue
                kind = "method"
            found.setdefault(kind, Introduced("offered", kind, None, match.group(0)[:80]))
    return list(found.values())


def _formal(paper: Paper, own: list[str]) -> Introduced | None:
    """A bound the paper proves (its own, as bound by the binder), else a theorem, proof
    or guarantee its own sentences state."""
    from arxiv_digest.text.binding import bind_claim
    from arxiv_digest.text.claims import extract
    from arxiv_digest.text.shortnames import short_name

    names = (short_name(paper),)
    for claim in extract(paper):
        if claim.kind == "bound" and claim.field != "comment":
            if bind_claim(claim, names).subject != "baseline":
                return Introduced("formal", "bound", None, claim.text)
    for sentence in own:
        match = _THEORY.search(sentence)
        if match:
            return Introduced("formal", "theorem", None, "")
    title = latex_to_text(paper.title or "")
    if _THEORY.search(title):
        return Introduced("formal", "theorem", None, "")
    return None
