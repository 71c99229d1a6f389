"""The offline writer: deterministic, no network, no key — and it writes only what
extraction does well.

Each pick's sections are contiguous runs of its abstract's own sentences in their order
(:mod:`arxiv_digest.writers.sections`); a section with nothing of its own is left out.
Why-read states the ranking's real reasons for the paper: the profile phrases it
matched, how far it stands from its nearest earlier paper, its strongest verified
result. The dek and headline strip carry only verified highlights; the reading order
groups the picks by research area; the synthesis names only what two picks concretely
share in the sentences shown (a benchmark, a baseline, a model family), and is left out
when nothing does. No sentence is used twice in one digest.
"""

from __future__ import annotations

import re
from collections import Counter

from arxiv_digest.digest import NUMBER_WORDS, Digest, Pick
from arxiv_digest.text.facts import facts_of, shared, describe
from arxiv_digest.rank import Candidate
from arxiv_digest.text.review import ReviewStatus
from arxiv_digest.topics.relevance import Tier
from arxiv_digest.writers import DigestPlan, listing_sources, register, skeleton
from arxiv_digest.writers.prose import join_names
from arxiv_digest.writers.sections import PickWriter, with_marker
from arxiv_digest.writers.tables import table_sentence

NEAR = 0.45          # TF-IDF similarity at which an earlier paper is a close neighbour
UNAREA = ("other topics", "applications")


def _words(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n)).lower()


def _phrases(candidate: Candidate) -> list[str]:
    """The profile phrases the paper matched, in the paper's own words ("diffusion
    sampl*" as the "diffusion sampling" it wrote)."""
    text = f"{candidate.paper.title} {candidate.paper.abstract or ''}"
    found = []
    for term in candidate.relevance.terms[:3]:
        words = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "")
                 for w in term.split()]
        match = re.search(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w-])", text, re.I)
        phrase = match.group(0) if match else term.rstrip("*")
        found.append(" ".join(w if _named(w) else w.lower() for w in phrase.split()))
    return list(dict.fromkeys(found))


def _named(word: str) -> bool:
    """A word kept as written: an acronym or a name with inner capitals (SDXL, DiT)."""
    return any((len(part) > 1 and part.isupper()) or any(c.isupper() for c in part[1:])
               for part in word.split("-"))


def why_read(pick: Pick, candidate: Candidate) -> str:
    """The ranking's real reasons for this paper: the profile phrases it matched, where
    it stands against its nearest earlier paper (with none stored, what novelty credits
    in its own text), its strongest verified result."""
    parts = []
    phrases = _phrases(candidate)
    if phrases:
        parts.append(f"{pick.short_name} matches the profile on {join_names(phrases)}.")
    novelty = candidate.signals.get("novelty")
    detail = novelty.detail if novelty is not None else {}
    nearest = detail.get("nearest")
    if nearest is not None:
        other, similarity = nearest
        parts.append(f"It is close to an earlier paper, arXiv {other}: read the two side by "
                     f"side." if similarity >= NEAR else
                     f"Its nearest earlier paper in the stored history is arXiv {other}.")
    elif detail.get("same_day"):
        parts.append(f"A paper of the same day, arXiv {detail['same_day'][0]}, is close "
                     f"to it.")
    elif detail.get("cues"):              # no earlier paper stored: what its text offers
        parts.append(f"With no earlier paper stored to set it against, its novelty rests on "
                     f"its own text: {'; '.join(detail['cues'])}.")
    if pick.highlight:
        parts.append(with_marker(f"Its strongest verified result: {pick.highlight}",
                                 pick.source))
    return " ".join(parts)


@register("offline")
class OfflineWriter:
    name = "offline"

    def __init__(self, **context):
        """Needs nothing: no key, no network, no store."""

    def write(self, plan: DigestPlan) -> Digest:
        digest = skeleton(plan, self.name)
        used: set[str] = set()
        for pick, candidate in zip(digest.picks, plan.picks):
            PickWriter(pick, candidate, used).write()
            table = table_sentence(pick, plan.enrichment.get(candidate.paper.id))
            if table:
                pick.sections["results"] = f"{pick.sections['results']} {table}".strip()
            pick.sections["why_read"] = why_read(pick, candidate)
        digest.dek, digest.headline = self.dek(digest)
        digest.brief = self.brief(digest, plan)
        digest.reading_order = self.reading_order(digest, plan)
        digest.synthesis = self.synthesis(digest, plan)
        return digest

    # -- day-level prose ------------------------------------------------------------------

    @staticmethod
    def dek(digest: Digest) -> tuple[str, str]:
        """The lead pick with its verified highlight, the others by name with theirs, and
        the acceptances among the picks; the headline strip holds the highlights alone."""
        lead, rest = digest.picks[0], digest.picks[1:]
        with_number = f" with {lead.highlight}" if lead.highlight else ""
        parts = [f"{lead.short_name} leads the day{with_number} [{lead.source}]."]
        if rest:
            items = ", ".join(f"{p.short_name}" + (f" ({p.highlight})" if p.highlight else "")
                              + f" [{p.source}]" for p in rest)
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
        """The picks grouped by research area, areas in the order of their best pick."""
        groups: dict[str, list[Pick]] = {}
        for pick in digest.picks:
            area = pick.area if pick.area not in UNAREA else (
                "applications" if pick.area == "applications" else "other topics")
            groups.setdefault(area, []).append(pick)
        if len(groups) == 1 and len(digest.picks) > 1:
            names = ", then ".join(f"{p.short_name} [{p.source}]" for p in digest.picks)
            return f"All of today's picks are on {next(iter(groups))}: {names}."
        lines = []
        for area, picks in groups.items():
            names = ", then ".join(f"{p.short_name} [{p.source}]" for p in picks)
            lines.append(f"{area[:1].upper() + area[1:]}: {names}.")
        return " ".join(lines)

    @staticmethod
    def synthesis(digest: Digest, plan: DigestPlan) -> str:
        """What two picks concretely share in the sentences the digest shows — a
        baseline, a benchmark, a model family; nothing when nothing does."""
        picks = digest.picks
        parts = []
        for i, j, why in _links(digest)[:3]:
            parts.append(f"{picks[i].short_name} [{picks[i].source}] and "
                         f"{picks[j].short_name} [{picks[j].source}] both {why}.")
        return " ".join(parts)


def _links(digest: Digest) -> list[tuple[int, int, str]]:
    """Pairs of picks and what concretely connects them in their shown sections (a
    shared baseline, benchmark or model family), strongest first."""
    facts = [facts_of("", " ".join(p.sections[n] for n in ("key_insight", "results")))
             for p in digest.picks]
    found = []
    for i in range(len(digest.picks)):
        for j in range(i + 1, len(digest.picks)):
            common = [c for c in shared(facts[i], facts[j]) if c[0] != "metric"]
            if common:
                kind = common[0][0]
                found.append((i, j, describe(kind, [n for k, n in common if k == kind])))
    return found
