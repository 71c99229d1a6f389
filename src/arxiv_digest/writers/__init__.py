"""Writers turn a digest plan (the day's facts and chosen picks) into prose.

Every fact a reader could check — ids, authors, categories, counts, code links, peer
review, sources — is put into the :class:`Digest` by :func:`skeleton` from data,
before a writer runs; a writer fills only the prose fields. Writers register by name
(``offline`` is built in and the default, ``llm`` writes with a model);
``get(name, **context)`` makes one, passing what it may need (settings, store, budget).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timezone
from typing import Protocol

from arxiv_digest.announcements import announcement_time
from arxiv_digest.digest import Digest, Pick, Source
from arxiv_digest.plugins import WRITERS
from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.text.links import code_url, links
from arxiv_digest.rank import Candidate, Ranking
from arxiv_digest.signals.evidence import evidence_strength
from arxiv_digest.text.review import peer_review
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import APPLICATION, paper_tokens


@dataclass
class DigestPlan:
    """Everything a writer may use: the facts of the day and the chosen candidates."""

    day: date
    profile: Profile
    counts: dict                        # listing --json contract
    ranking: Ranking
    picks: list[Candidate]
    coverage: list[str] = field(default_factory=list)
    excluded_repeats: int = 0           # candidates skipped as already featured
    enrichment: dict = field(default_factory=dict)     # id -> Enrichment (shortlist)
    unavailable: list[str] = field(default_factory=list)   # enrichment that failed


class Writer(Protocol):
    name: str

    def write(self, plan: DigestPlan) -> Digest: ...


def register(name: str):
    """Decorator for a writer class (built-ins); outside packages use the
    ``arxiv_digest.writers`` entry points."""
    return WRITERS.register(name)


def available() -> list[str]:
    return WRITERS.names()


def get(name: str, **context) -> Writer:
    return WRITERS.get(name)(**context)


def area_of(candidate: Candidate, profile: Profile) -> str:
    """The profile's research area the paper belongs to: its title's terms weigh most; in
    the abstract each distinct term counts once (a phrase by its words), so a common word
    repeated ("training") does not outweigh specific ones ("membership inference")."""
    if candidate.relevance.tier == APPLICATION:
        return "applications"
    title, abstract = paper_tokens(candidate.paper)
    best, best_score = "other topics", (0.0, 0)
    for area, terms in profile.areas.items():
        found = terms.count(abstract)
        specific = sum(len(term.split()) for term in found)   # "membership inference" > "training"
        score = (3 * len(terms.count(title)) + specific, sum(found.values()))
        if score[0] >= 2 and score > best_score:      # one lone word is not an area
            best, best_score = area, score
    return best


def _strip_strength(reason: str) -> str:
    for word in ("strong: ", "moderate: ", "thin: "):
        if reason.startswith(word):
            return reason[len(word):]
    return reason


def heading_phrase(candidate: Candidate) -> tuple[str, bool]:
    """What the paper does, in a phrase, and whether it follows the short name: the
    title's part after its colon when the part before is the name, else the whole title
    (which then stands alone in headings)."""
    title = latex_to_text(" ".join(candidate.paper.title.split()))
    head, sep, rest = title.partition(":")
    if sep and rest.strip() and head.strip() == candidate.short_name:
        phrase = rest.strip()
        return phrase[:1].upper() + phrase[1:], True
    return title, False


def skeleton(plan: DigestPlan, writer: str) -> Digest:
    """The digest with every fact filled from data and the prose left empty."""
    sources: list[Source] = []
    picks: list[Pick] = []
    names = [c.short_name for c in plan.picks]
    for i, candidate in enumerate(plan.picks, start=1):
        paper = candidate.paper
        url = f"https://arxiv.org/abs/{paper.id}v{paper.version}"
        sources.append(Source(i, url, f"arXiv:{paper.id}v{paper.version} — {paper.title}",
                              "abstract"))
        short = candidate.short_name
        if names.count(short) > 1:           # two picks with one name: keep them apart
            short = f"{short} ({paper.id})"
        evidence = candidate.signals.get("evidence")
        strength = evidence_strength(evidence.value) if evidence else "thin"
        heading, named = heading_phrase(candidate)
        picks.append(Pick(
            rank=i, id=paper.id, version=paper.version, short_name=short, title=paper.title,
            heading=heading, named_heading=named, authors=list(paper.authors),
            categories=list(paper.categories), announce_type=candidate.announce_type,
            code_url=code_url(paper), peer_review=peer_review(paper.comment,
                                                              paper.journal_ref),
            evidence_strength=strength,
            evidence_reason=_strip_strength(evidence.reason) if evidence else "no evidence signal",
            area=area_of(candidate, plan.profile), tier=candidate.relevance.tier,
            score=candidate.score, source=i, abs_url=url, news=candidate.news,
            signals={name: {"value": v.value, "reason": v.reason}
                     for name, v in candidate.signals.items() if v is not None}))
    n = len(sources)
    for pick, candidate in zip(picks, plan.picks):
        _enrich_pick(pick, plan.enrichment.get(candidate.paper.id))
    for pick, candidate in zip(picks, plan.picks):
        found = plan.enrichment.get(candidate.paper.id)
        if found is not None and found.fulltext is not None:
            n += 1
            kind = "HTML" if found.fulltext.kind == "html" else "PDF"
            sources.append(Source(n, found.fulltext.url, f"{pick.short_name}: full text ({kind})",
                                  "fulltext"))
            pick.fulltext_source = n
        for url in links(candidate.paper):
            if all(s.url != url for s in sources):
                n += 1
                kind = "code" if url == pick.code_url else "link"
                sources.append(Source(n, url, f"{pick.short_name}: "
                                              f"{'code' if kind == 'code' else 'link'}", kind))
    for category in plan.counts["categories"]:
        n += 1
        sources.append(Source(n, f"https://arxiv.org/list/{category}/new",
                              f"arXiv {category} listing of {plan.day.isoformat()}", "listing"))
    counts = dict(plan.counts)
    counts["topic_pool"] = plan.ranking.pool
    announced = announcement_time(plan.day)
    when = (f"{announced:%A, %B} {announced.day} at {announced:%H:%M} US Eastern "
            f"({announced.astimezone(timezone.utc):%H:%M} UTC)")
    return Digest(date=plan.day, profile=plan.profile.name, topic=plan.profile.title,
                  noun=plan.profile.noun, writer=writer, counts=counts, picks=picks,
                  sources=sources, announced=when, coverage=list(plan.coverage),
                  unavailable=list(plan.unavailable))


def _enrich_pick(pick: Pick, found) -> None:
    """Facts from enrichment, straight from data."""
    if found is None:
        return
    if found.fulltext is not None:
        pick.institutions = list(found.fulltext.institutions)
        figure = found.fulltext.figure
        if figure is not None:
            first = pick.authors[0].split()[-1] if pick.authors else "the authors"
            pick.figure = {"url": figure.url, "caption": figure.caption, "label": figure.label,
                           "credit": f"{figure.label} from {first}"
                                     f"{' et al.' if len(pick.authors) > 1 else ''}, "
                                     f"arXiv:{pick.id}"}
    if found.code is not None:
        c = found.code
        pick.code_stats = {"stars": c.stars, "forks": c.forks, "pushed_at": c.pushed_at,
                           "license": c.license, "archived": c.archived, "dead": c.dead}
    if found.community is not None:
        pick.community = {"upvotes": found.community.upvotes,
                          "comments": found.community.comments}


def listing_sources(digest: Digest) -> list[int]:
    return [s.n for s in digest.sources if s.kind == "listing"]
