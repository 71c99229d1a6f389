"""The offline writer: deterministic, no network, no key.

It composes from the papers' own sentences and extracted claims with light
templating: the problem and proposal sentences make the core contribution, the
mechanism sentences the key insight, the sentences carrying numbers the results;
limits combine what the paper states with what follows from the evidence; the dek and
highlights come from the strongest claims; the reading order and synthesis from what
the picks share. No sentence is used twice in one digest.
"""

from __future__ import annotations

from collections import Counter

from arxiv_digest.digest import NUMBER_WORDS, Digest, Pick
from arxiv_digest.rank import Candidate
from arxiv_digest.topics.relevance import Tier
from arxiv_digest.review import ReviewStatus
from arxiv_digest.writers import DigestPlan, listing_sources, register, skeleton
from arxiv_digest.facts import describe, facts_of, shared
from arxiv_digest.writers.prose import join_names
from arxiv_digest.roles import leans_back
from arxiv_digest.writers.sections import PickWriter, with_marker
from arxiv_digest.writers.tables import table_sentence


def _words(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n)).lower()


def _dek_note(pick: Pick) -> str:
    """The pick's bound key number, or (with none) its area."""
    return pick.highlight or f"work on {pick.area}"


def why_read(pick: Pick, candidate: Candidate, idea: str = "") -> str:
    """Why this paper, from its own facts: its strongest verified result, or its formal
    result, or what it contributes — and who it matters to."""
    who = f"anyone working on {pick.area}" if pick.area not in ("other topics", "applications") \
        else f"readers following {candidate.relevance.tier} diffusion work"
    if pick.highlight:
        return with_marker(f"{pick.short_name}'s strongest verified result is "
                           f"{pick.highlight}, which makes it worth opening for {who}",
                           pick.source)
    bound = next((c for c in candidate.claims if c.kind == "bound"), None)
    if bound is not None:
        return with_marker(f"{pick.short_name} gives a formal result ({bound.text}) that {who} "
                           f"can build on or test against", pick.source)
    if idea:
        return with_marker(f"For {who}: {pick.short_name} is {idea}", pick.source)
    if pick.one_line and pick.one_line.rstrip(".") not in " ".join(pick.sections.values()):
        return with_marker(f"For {who}: {pick.one_line.rstrip('.')}", pick.source)
    return with_marker(f"For {who}: {pick.short_name} takes up \u201c{pick.heading}\u201d",
                       pick.source)


@register("offline")
class OfflineWriter:
    name = "offline"

    def __init__(self, **context):
        """Needs nothing: no key, no network, no store."""

    def write(self, plan: DigestPlan) -> Digest:
        digest = skeleton(plan, self.name)
        used: set[str] = set()
        for pick, candidate in zip(digest.picks, plan.picks):
            section_writer = PickWriter(pick, candidate, used)
            section_writer.write()
            table = table_sentence(pick, plan.enrichment.get(candidate.paper.id))
            if table:
                pick.sections["results"] = table if pick.sections["results"].startswith(
                    "The abstract") else f"{pick.sections['results']} {table}"
            pick.sections["why_read"] = why_read(pick, candidate, section_writer.idea())
        digest.dek, digest.headline = self.dek(digest)
        digest.brief = self.brief(digest, plan)
        digest.reading_order = self.reading_order(digest, plan)
        digest.synthesis = self.synthesis(digest, plan)
        return digest

    # -- day-level prose ------------------------------------------------------------------

    @staticmethod
    def dek(digest: Digest) -> tuple[str, str]:
        lead, rest = digest.picks[0], digest.picks[1:]
        parts = [f"{lead.short_name} leads the day with {_dek_note(lead)} [{lead.source}]."]
        if rest:
            items = ", ".join(f"{p.short_name} ({_dek_note(p)}) [{p.source}]" for p in rest)
            parts.append(f"Also worth your time: {items}.")
        venues = Counter()
        cited: dict[str, list[int]] = {}
        for pick in digest.picks:
            venue = pick.peer_review.venue
            if pick.peer_review.status == ReviewStatus.ACCEPTED and venue:
                venues[venue] += 1
                cited.setdefault(venue, []).append(pick.source)
        if venues:
            notes = [f"{_words(n)} {venue} {'acceptance' if n == 1 else 'acceptances'} "
                     + "".join(f"[{s}]" for s in cited[venue]) for venue, n in venues.most_common()]
            parts.append(f"Peer review: {join_names(notes)}.")
        headline = " \u00b7 ".join(f"{p.short_name} {p.highlight}" for p in digest.picks
                                   if p.highlight)
        return " ".join(parts), headline

    @staticmethod
    def brief(digest: Digest, plan: DigestPlan) -> str:
        counts = digest.counts
        markers = "".join(f"[{n}]" for n in listing_sources(digest))
        day = digest.date
        cats = [f"{cat} listed {c['total']} papers ({c['new']} new, {c['cross']} cross-lists"
                + (f", {c['replace']} replacements" if c["replace"] else "") + ")"
                for cat, c in counts["categories"].items()]
        union = counts["union"]
        ranking = plan.ranking
        core = sum(1 for c in ranking.candidates if c.relevance.tier == Tier.CORE)
        parts = [
            f"This issue covers the arXiv listing of {day:%A, %B} {day.day}, {day.year}, "
            f"announced {digest.announced}.",
            f"{'; '.join(cats)}: {union['total']} distinct papers in all {markers}.",
        ]
        if union["replace"]:
            with_news = sum(1 for c in ranking.candidates if c.news)
            parts.append(f"Of {union['replace']} replacements, {with_news} carried news "
                         f"(a new acceptance) and were considered {markers}.")
        parts.append(f"{ranking.pool} papers passed the {digest.topic.lower()} topic filter: "
                     f"{core} advancing the models and {ranking.pool - core} applying them "
                     f"{markers}.")
        parts.append("The picks were chosen by topic relevance first, then novelty against "
                     "earlier days, quantitative evidence, peer review and code availability.")
        if len(digest.picks) < 5:
            parts.append(f"Only {_words(len(digest.picks))} "
                         f"{'paper' if len(digest.picks) == 1 else 'papers'} qualified, so this "
                         f"issue is shorter than usual.")
        if plan.excluded_repeats:
            parts.append(f"Papers featured in earlier issues were left out "
                         f"({_words(plan.excluded_repeats)} of them).")
        return " ".join(parts)

    @staticmethod
    def reading_order(digest: Digest, plan: DigestPlan) -> str:
        """Which paper helps read which, through a concrete shared fact or a shared
        problem (the same research area); else in rank order."""
        picks = digest.picks
        links = _links(digest, plan)
        parts = [f"Start with {picks[0].short_name} [{picks[0].source}], the day's top pick."]
        done = {0}
        for i, j, why in links[:2]:
            parts.append(f"Read {picks[i].short_name} [{picks[i].source}] and "
                         f"{picks[j].short_name} [{picks[j].source}] together: both {why}, so "
                         f"one is context for the other.")
            done |= {i, j}
        rest = [p for k, p in enumerate(picks) if k not in done]
        if rest:
            parts.append("Then: " + ", ".join(f"{p.short_name} [{p.source}] ({p.area})"
                                              for p in rest) + ".")
        return " ".join(parts)

    @staticmethod
    def synthesis(digest: Digest, plan: DigestPlan) -> str:
        """Threads between picks through shared benchmarks, baselines, model families,
        metrics or problems; each pick nothing connects gets one sentence of its own."""
        picks = digest.picks
        parts, linked = [], set()
        for i, j, why in _links(digest, plan)[:3]:
            parts.append(f"{picks[i].short_name} [{picks[i].source}] and "
                         f"{picks[j].short_name} [{picks[j].source}] both {why}.")
            linked |= {i, j}
        for k, pick in enumerate(picks):
            if k in linked:
                continue
            line = pick.one_line.rstrip(".") if pick.one_line else ""
            if line and not leans_back(line):
                parts.append(with_marker(f"{pick.short_name}, on its own: "
                                         f"{line[:1].lower() + line[1:]}", pick.source))
            else:
                parts.append(f"{pick.short_name} [{pick.source}] is the day's pick in "
                             f"{pick.area}.")
        return " ".join(parts)


def _links(digest: Digest, plan: DigestPlan) -> list[tuple[int, int, str]]:
    """Pairs of picks and what concretely connects them, strongest first: a shared
    baseline, benchmark or model family, then a shared research area, then a metric."""
    facts = [facts_of(c.paper.title, c.paper.abstract) for c in plan.picks]
    picks = digest.picks
    found = []
    for i in range(len(picks)):
        for j in range(i + 1, len(picks)):
            common = [c for c in shared(facts[i], facts[j]) if c[0] != "metric"]
            if common:
                kind = common[0][0]
                found.append((0, i, j, describe(kind, [n for k, n in common if k == kind])))
            elif picks[i].area == picks[j].area and picks[i].area not in ("other topics",
                                                                          "applications"):
                found.append((1, i, j, f"work on {picks[i].area}"))
            else:
                metric = [n for k, n in shared(facts[i], facts[j]) if k == "metric"]
                if metric:
                    found.append((2, i, j, describe("metric", metric)))
    return [(i, j, why) for _, i, j, why in sorted(found)]
