"""Topic relevance: is a paper about the profile's topic, and does it advance the
topic itself (``core``) or use it as a tool (``application``)?

Evidence is counted phrase by phrase, each phrase once per field with a small
bonus for repeats (capped, so stuffing a keyword gains nothing), and title phrases
count only when the abstract is about the topic too (a title of buzzwords alone
gains nothing). Exclusion phrases (other senses of the topic's words) cancel the
weak evidence.

Phrases the abstract uses only in passing (an example in a list, what the paper is
compared with or inspired by, a closing outlook; see :mod:`.passing`) do not count as
the paper's subject: a paper whose topic evidence comes from them alone is not about the
topic, and one with little else only uses it (``application``, graded on the evidence
that remains).
"""

from __future__ import annotations


import math
from collections import Counter
from dataclasses import dataclass

from arxiv_digest.memo import per_paper
from arxiv_digest.models import Paper, Tier
from arxiv_digest.topics import Profile
from arxiv_digest.topics.passing import positions, title_positions
from arxiv_digest.topics.terms import PhraseIndex, TermSet, tokens

CORE, APPLICATION, NOT_RELEVANT = Tier.CORE, Tier.APPLICATION, Tier.NOT_RELEVANT
STRONG = 2.5   # a topic phrase at least this heavy is unambiguous
STUFFING_REPEATS = 8
STUFFING_DENSITY = 0.12


@dataclass(frozen=True)
class Relevance:
    tier: Tier
    value: float          # graded score in [0, 1]
    topic: float          # raw topic evidence
    core: float
    application: float
    terms: tuple[str, ...]   # the strongest topic phrases found
    reason: str

    def __post_init__(self):
        object.__setattr__(self, "tier", Tier(self.tier))

    @property
    def passes(self) -> bool:
        return self.tier != NOT_RELEVANT


def _evidence(terms: TermSet, title: Counter, abstract: Counter, profile: Profile,
              only=None) -> float:
    """Abstract phrases count with capped repeats; title phrases count ``title_factor``
    times when the abstract supports the topic, else only the strongest one, once."""
    def weight(phrase: str) -> float:
        w = terms.weights[phrase]
        return w if only is None or only(w) else 0.0

    total = 0.0
    for phrase, n in abstract.items():
        total += weight(phrase) * (1 + 0.5 * (min(n, profile.max_repeats) - 1))
    # A title names its subject once: only its strongest phrase counts, so a title
    # strung from buzzwords weighs no more than an honest one.
    strongest = max((weight(p) for p in title), default=0.0)
    if total > 0:
        total += strongest * profile.title_factor
    else:
        total = strongest
    return total


def stuffed(abstract: Counter, n_tokens: int) -> bool:
    """Keyword stuffing: one topic phrase over and over, or topic phrases as a large
    share of the words. Honest abstracts stay far below both limits."""
    hits = sum(abstract.values())
    return any(n > STUFFING_REPEATS for n in abstract.values()) or (
        n_tokens >= 60 and hits / n_tokens > STUFFING_DENSITY)


def assess(paper: Paper, profile: Profile) -> Relevance:
    words, apart = paper_tokens(paper), passing_positions(paper)
    title, title_aside = profile.index.count_apart(words[0], apart[0])
    abstract, abstract_aside = profile.index.count_apart(words[1], apart[1])
    return judge(profile, title, abstract, len(words[1]),
                 {"title": title_aside["topic"], "abstract": abstract_aside["topic"]})


def assess_many(papers: list[Paper], profiles: list[Profile]) -> dict[str, list[Relevance]]:
    """Each paper's relevance to each profile (by profile name, in the papers' order), with
    all profiles' phrases matched in one pass over each paper's words. Profiles with the
    same phrases (in the same order; weights may differ) share their matching, and those
    that differ only in name share each verdict. The same verdicts as :func:`assess`.
    Names are identities: two profiles of one name are refused, not merged."""
    names = [p.name for p in profiles]
    if len(set(names)) != len(names):
        raise ValueError(f"two profiles share a name: {sorted(names)}")
    groups: dict[tuple, int] = {}
    sets: dict[tuple[int, str], TermSet] = {}
    group_of: dict[str, int] = {}
    same: dict[str, int] = {}
    kinds: dict[tuple, int] = {}
    for profile in profiles:
        phrases = tuple(tuple(s.weights) for s in profile.index.sets.values())
        if phrases not in groups:
            groups[phrases] = len(groups)
            sets.update({(groups[phrases], name): s for name, s in profile.index.sets.items()})
        group_of[profile.name] = groups[phrases]
        verdict = (tuple(tuple(s.weights.items()) for s in profile.index.sets.values()),
                   profile.title, profile.pass_score, profile.title_factor, profile.max_repeats)
        same[profile.name] = kinds.setdefault(verdict, len(kinds))   # a small key to hash
    matcher = PhraseIndex(sets)
    out: dict[str, list[Relevance]] = {p.name: [] for p in profiles}
    topic_sets = [(g, "topic") for g in range(len(groups))]
    for paper in papers:
        title_words, abstract_words = paper_tokens(paper)
        title, title_aside = matcher.count_apart(title_words, frozenset())
        abstract, abstract_aside = matcher.count_apart(abstract_words, frozenset())
        if any(title[key] or abstract[key] for key in topic_sets):
            # Where the topic is named at all, which of those mentions are only in
            # passing (read only then: most papers of a day never name it).
            title_apart, abstract_apart = passing_positions(paper)
            title, title_aside = matcher.count_apart(title_words, title_apart)
            abstract, abstract_aside = matcher.count_apart(abstract_words, abstract_apart)
        judged: dict[int, Relevance] = {}
        for profile in profiles:
            key = same[profile.name]
            if key not in judged:
                g = group_of[profile.name]
                judged[key] = judge(profile, {n: title[g, n] for n in profile.index.sets},
                                    {n: abstract[g, n] for n in profile.index.sets},
                                    len(abstract_words),
                                    {"title": title_aside[g, "topic"],
                                     "abstract": abstract_aside[g, "topic"]})
            out[profile.name].append(judged[key])
    return out


@per_paper
def paper_tokens(paper: Paper) -> tuple[list[str], list[str]]:
    return tokens(paper.title), tokens(paper.abstract)


@per_paper
def passing_positions(paper: Paper) -> tuple[frozenset[int], frozenset[int]]:
    """The title's and the abstract's word positions that mention things in passing."""
    return title_positions(paper.title), positions(paper.abstract)


def judge(profile: Profile, title: dict[str, Counter], abstract: dict[str, Counter],
          n_abstract: int, aside: dict[str, Counter] | None = None) -> Relevance:
    """The verdict from the phrases found per set in the title and the abstract;
    ``aside`` holds the topic phrases of each that were mentioned only in passing."""
    t_topic, a_topic = title["topic"], abstract["topic"]
    excluded = title["exclude"] + abstract["exclude"]
    strong_only = (lambda w: w >= STRONG) if excluded else None
    topic = _evidence(profile.topic, t_topic, a_topic, profile, strong_only)
    ranked = sorted(set(t_topic) | set(a_topic), key=lambda p: (-profile.topic.weights[p], p))
    if topic < profile.pass_score:
        why = (f"another sense of the topic's words ({', '.join(sorted(excluded))})"
               if excluded else
               f"too little topic evidence ({topic:.1f} < {profile.pass_score:g})")
        return Relevance(NOT_RELEVANT, 0.0, topic, 0.0, 0.0, tuple(ranked[:3]),
                         f"not about {profile.title.lower()}: {why}")
    aside = aside or {}
    own_title = t_topic - aside.get("title", Counter())
    own_abstract = a_topic - aside.get("abstract", Counter())
    subject = _evidence(profile.topic, own_title, own_abstract, profile, strong_only)
    if subject < profile.pass_score / 2:
        passing = sorted(set(t_topic - own_title) | set(a_topic - own_abstract),
                         key=lambda p: (-profile.topic.weights[p], p))
        return Relevance(NOT_RELEVANT, 0.0, subject, 0.0, 0.0, tuple(ranked[:3]),
                         f"not about {profile.title.lower()}: named only in passing, as an "
                         f"example, a comparison or an outlook ({', '.join(passing[:3])})")
    core = _evidence(profile.core, title["core"], abstract["core"], profile)
    app = _evidence(profile.application, title["application"], abstract["application"], profile)
    strength = 1 - math.exp(-topic / 10)
    if stuffed(a_topic, n_abstract):
        # Stuffing buys nothing: the paper keeps the weakest standing that still passes.
        return Relevance(APPLICATION, 0.1, topic, core, app, tuple(ranked[:3]),
                         "keyword stuffing in the abstract: topic evidence discounted")
    if subject < profile.pass_score:
        # Little besides mentions in passing: the paper uses the topic, if anything.
        value = 0.1 + 0.15 * (1 - math.exp(-subject / 10))
        return Relevance(APPLICATION, round(value, 4), subject, core, app, tuple(ranked[:3]),
                         f"uses {profile.title.lower()}, mostly named in passing "
                         f"({', '.join(tuple(ranked[:3]))})")
    coreness = core / (core + app) if core + app else 0.5
    names = ", ".join(tuple(ranked[:3]))
    if coreness >= 0.5:
        value = 0.4 + 0.6 * strength * (0.4 + 0.6 * coreness)
        return Relevance(CORE, round(value, 4), topic, core, app, tuple(ranked[:3]),
                         f"advances {profile.title.lower()} ({names})")
    value = 0.1 + 0.3 * strength * (0.5 + 0.5 * (1 - coreness))
    return Relevance(APPLICATION, round(value, 4), topic, core, app, tuple(ranked[:3]),
                     f"applies {profile.title.lower()} to a domain task ({names})")
