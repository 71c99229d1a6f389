"""Pipeline stage: a stored listing -> an ordered, explained shortlist for a profile.

Filter (topic relevance) -> signals (registered by name, weighted by the profile)
-> one score per paper -> rank, with deterministic tie-breaking (score, then
relevance, then arXiv id). Replacements enter only when they carry news.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from arxiv_digest.text import claims as claims_module
from arxiv_digest import signals as signal_registry
from arxiv_digest.text.claims import Claim
from arxiv_digest.models import AnnounceType, Listing, Paper
from arxiv_digest.text.shortnames import short_name
from arxiv_digest.signals import DayContext, SignalValue
from arxiv_digest.text.review import ReviewStatus, peer_review
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import Relevance, assess

_TYPE_ORDER = {t: i for i, t in enumerate(AnnounceType)}


@dataclass
class Candidate:
    paper: Paper
    announce_type: AnnounceType      # the most direct type across the listing categories
    listed_in: list[str]
    relevance: Relevance
    short_name: str
    claims: list[Claim]
    signals: dict[str, SignalValue | None] = field(default_factory=dict)
    score: float = 0.0
    rank: int = 0
    news: str | None = None          # why a replacement is a candidate

    def __post_init__(self):
        self.announce_type = AnnounceType(self.announce_type)

    def to_json(self) -> dict:
        data = {
            "rank": self.rank, "id": self.paper.id, "version": self.paper.version,
            "short_name": self.short_name, "title": self.paper.title,
            "score": round(self.score, 4), "tier": self.relevance.tier,
            "announce_type": self.announce_type,
            "signals": {name: (_signal_json(s) if s else None)
                        for name, s in self.signals.items()},
        }
        if self.news:
            data["news"] = self.news
        return data


def _signal_json(value: SignalValue) -> dict:
    data = {"value": value.value, "reason": value.reason}
    if value.scale != 1.0:
        data["weight_scale"] = value.scale
    return data


@dataclass
class Ranking:
    date: date
    profile: str
    considered: int                  # papers looked at (replacements without news excluded)
    replacements_without_news: int
    candidates: list[Candidate]
    counts: dict = field(default_factory=dict)     # the listing's counts (listing --json)

    @property
    def pool(self) -> int:
        return len(self.candidates)

    def to_json(self, top: int | None = None) -> dict:
        chosen = self.candidates if top is None else self.candidates[:top]
        return {"date": self.date.isoformat(), "profile": self.profile, "pool": self.pool,
                "candidates": [c.to_json() for c in chosen]}


def replacement_news(paper: Paper, previous: Paper | None) -> str | None:
    """A revision is news when its comment announces an acceptance the previous version's
    did not (or, with no previous version known, any acceptance); or when its abstract
    changed with new results against the stored previous version — numbers, benchmarks or
    metrics the previous abstract did not report."""
    now = peer_review(paper.comment, paper.journal_ref)
    if now.status == ReviewStatus.ACCEPTED:
        if previous is None:
            return f"v{paper.version}: {now.label}"
        before = peer_review(previous.comment, previous.journal_ref)
        if not (before.status == ReviewStatus.ACCEPTED and before.venue == now.venue):
            return f"v{paper.version}: {now.label} (new since v{previous.version})"
    if previous is None or previous.abstract == paper.abstract:
        return None
    added = new_results(paper, previous)
    if added:
        return f"v{paper.version}: new results since v{previous.version}: {'; '.join(added[:2])}"
    return None


def new_results(paper: Paper, previous: Paper) -> list[str]:
    """The paper's own bound results in this version's abstract that the previous
    version's abstract did not state (by number and quantity), as short phrases."""
    from arxiv_digest.text.binding import bind_claim
    from arxiv_digest.text.claims import number_key

    names = (short_name(paper),)

    def results(p: Paper):
        for claim in claims_module.extract(p):
            if claim.field == "abstract" and claim.kind != "count":
                bound = bind_claim(claim, names)
                if bound.role == "result" and bound.subject != "baseline" and bound.quantity:
                    yield number_key(claim.text), bound
    before = {(key, b.quantity.lower()) for key, b in results(previous)}
    return [b.phrase for key, b in results(paper) if (key, b.quantity.lower()) not in before]


def rank_listing(listing: Listing, profile: Profile, history: list[Paper] | None = None,
                 previous_versions: dict[str, Paper] | None = None,
                 feedback: list[tuple[str, Paper]] | None = None,
                 verdicts: dict[str, Relevance] | None = None) -> Ranking:
    """Rank a listing. ``history`` holds earlier days' on-topic papers (may be empty);
    ``verdicts``, when given, are the relevance of the papers that pass the topic filter
    (the others fail it), else each paper is assessed here."""
    previous_versions = previous_versions or {}
    types: dict[str, list[str]] = {}
    listed: dict[str, list[str]] = {}
    for entry in listing.entries:
        types.setdefault(entry.paper.id, []).append(entry.announce_type)
        listed.setdefault(entry.paper.id, []).append(entry.category)
    pool: list[Candidate] = []
    without_news = 0
    for paper in listing.papers():
        announce = min(types[paper.id], key=_TYPE_ORDER.__getitem__)
        news = None
        if AnnounceType(announce).is_replacement:
            news = replacement_news(paper, previous_versions.get(paper.id))
            if news is None:
                without_news += 1
                continue
        relevance = assess(paper, profile) if verdicts is None else verdicts.get(paper.id)
        if relevance is None:
            continue
        if not relevance.passes:
            continue
        pool.append(Candidate(paper, announce, listed[paper.id], relevance, short_name(paper),
                              claims_module.extract(paper), news=news))
    ctx = DayContext(
        day=listing.date, profile=profile, papers=[c.paper for c in pool],
        relevance={c.paper.id: c.relevance for c in pool},
        claims={c.paper.id: c.claims for c in pool}, history=list(history or []),
        previous_versions=previous_versions, feedback=list(feedback or []))
    pool = _score(pool, profile, ctx, list(profile.weights))
    for i, candidate in enumerate(pool, start=1):
        candidate.rank = i
    return Ranking(listing.date, profile.name, len(listing.papers()) - without_news, without_news,
                   pool, listing.counts_json())


def rerank(shortlist: list[Candidate], profile: Profile, day: date,
           enrichment: dict) -> list[Candidate]:
    """The shortlist re-scored with the enrichment signals, best first (ranks kept as
    the day's ranks; order is by the new score, ties as in ranking)."""
    ctx = DayContext(day=day, profile=profile, papers=[c.paper for c in shortlist],
                     relevance={c.paper.id: c.relevance for c in shortlist},
                     claims={c.paper.id: c.claims for c in shortlist}, enrichment=enrichment)
    enriched = signal_registry.enriched_names()
    names = [n for n in profile.weights if n in enriched]
    return _score(shortlist, profile, ctx, names)


def _score(pool: list[Candidate], profile: Profile, ctx: DayContext,
           names: list[str]) -> list[Candidate]:
    """Compute the named signals for the pool, combine, and sort best first with
    deterministic tie-breaking (score, then relevance, then arXiv id)."""
    for name in names:
        values = signal_registry.get(name)(ctx)
        for candidate in pool:
            candidate.signals[name] = values.get(candidate.paper.id)
    for candidate in pool:
        candidate.score = combine(candidate.signals, profile.weights)
    return sorted(pool, key=lambda c: (-round(c.score, 6), -c.relevance.value, c.paper.id))


def effective_weights(values: dict[str, SignalValue | None],
                      weights: dict[str, float]) -> dict[str, float]:
    """The weight each signal with a value counts with for this paper: its profile weight
    times the value's scale (1 but for taste, which grows with the reader's judgements)."""
    return {name: weight * values[name].scale for name, weight in weights.items()
            if values.get(name) is not None and weight > 0}


def combine(values: dict[str, SignalValue | None], weights: dict[str, float]) -> float:
    """Weighted mean over the signals that have a value for this paper."""
    total = weight_sum = 0.0
    for name, weight in effective_weights(values, weights).items():
        total += weight * values[name].value
        weight_sum += weight
    return total / weight_sum if weight_sum else 0.0
