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

from arxiv_digest.claims import Claim
from arxiv_digest.digest import NUMBER_WORDS, ClaimRef, Digest, Pick
from arxiv_digest.rank import Candidate
from arxiv_digest.topics.terms import tokens
from arxiv_digest.writers import DigestPlan, listing_sources, register, skeleton
from arxiv_digest.writers.prose import (
    LIMIT, MECHANISM, PROBLEM, PROPOSAL, RESULT, SYNTHETIC, abstract_sentences, clip, join_names,
    third_person,
)

_NOUN_ENDINGS = ("tion", "sion", "ing", "ity", "ness", "ment", "ance", "ence", "ers", "ors")
_KIND_WORD = {"speedup": "speed-up", "reduction": "reduction", "improvement": "gain"}


def _words(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n)).lower()


def best_claim(claims: list[Claim]) -> Claim | None:
    """The claim that best carries a paper's key number."""
    def score(c: Claim) -> float:
        bonus = {"speedup": 0.3, "improvement": 0.3, "reduction": 0.25, "result": 0.1}.get(c.kind, 0)
        field = {"title": 0.2, "abstract": 0.1}.get(c.field, 0.0)
        count_like = -0.4 if c.unit in ("K", "M", "B", "k") else 0.0   # sizes, not results
        return c.strength + bonus + field + count_like
    usable = [c for c in claims if c.kind not in ("count",)]
    return max(usable, key=score) if usable else None


def _dek_note(pick: Pick) -> str:
    """The pick's key number, or (with none in the abstract) its area."""
    if any(ch.isdigit() for ch in pick.highlight):
        return pick.highlight
    return f"work on {pick.area}"


def with_marker(sentence: str, source: int) -> str:
    """``'It works.'`` -> ``'It works [3].'``: the marker sits inside the sentence."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in ".!?\u2026":
        end = body[-1] + end
        body = body[:-1]
    return f"{body} [{source}]{end or '.'}"


def highlight_of(claim: Claim | None, pick: Pick) -> str:
    if claim is None:
        return pick.heading
    if claim.kind == "bound":
        return f"{claim.text} bound"
    if claim.comparison and claim.comparison.startswith("from"):
        text = f"{claim.metric} {claim.comparison}" if claim.metric else claim.comparison
    elif claim.unit in ("\u00d7", "%"):
        what = claim.metric or _KIND_WORD.get(claim.kind, "")
        text = f"{claim.text} {what}".strip()
    else:
        text = f"{claim.metric} {claim.text}" if claim.metric else claim.text
    if claim.baseline and claim.baseline not in text:
        text += f" vs {claim.baseline}"
    return text


class _PickWriter:
    def __init__(self, pick: Pick, candidate: Candidate, used: set[str], enrichment=None):
        self.pick, self.candidate, self.used = pick, candidate, used
        self.enrichment = enrichment
        self.sentences = abstract_sentences(candidate.paper.abstract)
        self.numbered = {c.sentence.strip() for c in candidate.claims if c.field == "abstract"
                         and c.kind not in ("count", "bound")}

    def take(self, sentence: str) -> str:
        self.used.add(sentence)
        text = with_marker(clip(third_person(sentence, self.pick.short_name)), self.pick.source)
        self.pick.claims.append(ClaimRef(text, self.pick.source))
        return text

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.sentences) and self.sentences[i] not in self.used

    def write(self) -> None:
        s = self.sentences
        proposal = next((i for i, x in enumerate(s) if PROPOSAL.search(x)), None)
        core: list[int] = []
        if proposal is not None:
            problem = next((i for i in range(proposal) if PROBLEM.search(s[i])),
                           0 if proposal > 0 else None)
            core = [i for i in (problem, proposal) if i is not None]
        else:
            core = list(range(min(2, len(s))))
        core = [i for i in dict.fromkeys(core) if self.free(i)]
        sections = self.pick.sections
        if core:
            sections["core_contribution"] = " ".join(self.take(s[i]) for i in core)
        else:
            sections["core_contribution"] = with_marker(
                f"The abstract is empty; the title states the contribution: {self.pick.title}",
                self.pick.source)
        start = (proposal or 0) + 1
        insight = [i for i in range(start, len(s)) if self.free(i) and MECHANISM.search(s[i])
                   and s[i] not in self.numbered][:2]
        if not insight:
            insight = [i for i in range(start, len(s)) if self.free(i)
                       and s[i] not in self.numbered and not RESULT.search(s[i])][:1]
        sections["key_insight"] = (" ".join(self.take(s[i]) for i in insight) if insight else
                                   "The abstract does not spell out the mechanism; the method "
                                   "section of the paper is the place to look.")
        results = [i for i in range(len(s)) if self.free(i) and s[i] in self.numbered][:3]
        if not results:
            results = [i for i in range(start, len(s)) if self.free(i) and RESULT.search(s[i])
                       and not PROBLEM.search(s[i])][:2]
        table = self.table_sentence()
        if results:
            sections["results"] = " ".join(self.take(s[i]) for i in results)
            if table:
                sections["results"] += " " + table
        elif table:
            sections["results"] = table
        elif any(x in self.used for x in self.numbered):
            sections["results"] = "The abstract's numbers are quoted above."
        else:
            sections["results"] = "The abstract reports no quantitative result."
        sections["limits"] = self.limits()
        sections["why_read"] = self.why_read()
        self.pick.highlight = highlight_of(best_claim(self.candidate.claims), self.pick)
        self.pick.one_line = self.pick.heading

    def table_sentence(self) -> str:
        """One result row from the full text's tables: the paper's own method's row."""
        found = self.enrichment
        if not self.pick.fulltext_source or found is None or found.fulltext is None:
            return ""
        name = self.pick.short_name.split(" (")[0].lower()
        for table in found.fulltext.tables:
            header = table.rows[0] if table.rows else []
            for row in table.numeric_rows():
                label = row[0].lower() if row else ""
                if not label or not (name in label or label.startswith(("ours", "our "))):
                    continue
                cells = [f"{h} {v}" for h, v in zip(header[1:], row[1:]) if h and v][:4]
                if not cells:
                    continue
                caption = clip(table.caption, 90).rstrip(".")
                return with_marker(f"In the full text, {table.label} ({caption}) reports "
                                   f"{row[0]}: {', '.join(cells)}", self.pick.fulltext_source)
        return ""

    def limits(self) -> str:
        parts = self._limits()
        return " ".join(parts) if parts else ("The abstract states no limits; check the "
                                              "experimental scope in the paper.")

    def _limits(self) -> list[str]:
        s, parts = self.sentences, []
        stated = [i for i in range(len(s)) if self.free(i) and LIMIT.search(s[i])][:1]
        parts += [self.take(s[i]) for i in stated]
        review = self.pick.peer_review
        if review.startswith("Preprint"):
            parts.append("Not peer reviewed yet.")
        elif review.startswith("Submitted"):
            parts.append("Submitted for review, not yet accepted.")
        if not self.pick.code_url:
            parts.append("No code link at announcement.")
        claims = [c for c in self.candidate.claims if c.kind not in ("count", "bound")]
        metrics = {c.metric for c in claims if c.metric}
        if not claims:
            parts.append("The abstract gives no numbers, so the evidence has to be read in "
                         "the paper itself.")
        elif len(metrics) == 1:
            parts.append(f"The reported numbers rest on a single metric ({metrics.pop()}).")
        synthetic = SYNTHETIC.search(self.candidate.paper.abstract or "")
        if synthetic and not stated:
            parts.append(with_marker(f"Some experiments use synthetic or small-scale settings "
                                     f"(the abstract mentions \u201c{synthetic.group(0)}\u201d)",
                                     self.pick.source))
        if self.pick.tier == "application":
            parts.append("The contribution is the application; the diffusion modelling itself "
                         "is secondary.")
        return parts

    def why_read(self) -> str:
        novelty = self.candidate.signals.get("novelty")
        cues = novelty.reason if novelty else ""
        area = self.pick.area
        if "overturned assumption" in cues:
            takeaway = "it questions an assumption the field relies on and says what to do instead"
        elif "theory result" in cues:
            takeaway = "it gives a formal result you can build on or test against"
        elif "new benchmark" in cues:
            takeaway = "it changes how you would evaluate your own models"
        elif "new problem" in cues:
            takeaway = "it opens a problem worth tracking from the start"
        elif self.pick.evidence_strength == "strong":
            takeaway = "its numbers are strong enough to justify trying it on your own setup"
        else:
            takeaway = "it is among the day's most relevant work there"
        first = f"Read it if you work on {area}: {takeaway}."
        if self.pick.code_url:
            second = "The code is linked, so the claims can be checked directly."
        else:
            second = "Without code yet, judge it by the experiments in the paper."
        if self.pick.news:
            second += f" Revised version with news: {self.pick.news}."
        return f"{first} {second}"


@register("offline")
class OfflineWriter:
    name = "offline"

    def __init__(self, **context):
        """Needs nothing: no key, no network, no store."""

    def write(self, plan: DigestPlan) -> Digest:
        digest = skeleton(plan, self.name)
        used: set[str] = set()
        for pick, candidate in zip(digest.picks, plan.picks):
            _PickWriter(pick, candidate, used, plan.enrichment.get(candidate.paper.id)).write()
        digest.dek, digest.headline = self.dek(digest)
        digest.brief = self.brief(digest, plan)
        digest.reading_order = self.reading_order(digest)
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
            if pick.peer_review.startswith(("Accepted at", "Published in")):
                venue = pick.peer_review.split(" at ", 1)[-1].split(" in ", 1)[-1]
                venue = venue.split(" (")[0]
                venues[venue] += 1
                cited.setdefault(venue, []).append(pick.source)
        if venues:
            notes = [f"{_words(n)} {venue} {'acceptance' if n == 1 else 'acceptances'} "
                     + "".join(f"[{s}]" for s in cited[venue]) for venue, n in venues.most_common()]
            parts.append(f"Peer review: {join_names(notes)}.")
        headline = " \u00b7 ".join(f"{p.short_name} {p.highlight}" for p in digest.picks
                                   if any(ch.isdigit() for ch in p.highlight))
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
        core = sum(1 for c in ranking.candidates if c.relevance.tier == "core")
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
    def reading_order(digest: Digest) -> str:
        groups: dict[str, list[Pick]] = {}
        for pick in digest.picks:
            groups.setdefault(pick.area, []).append(pick)
        parts = []
        for area, picks in groups.items():
            names = [p.short_name for p in picks]
            if len(names) == 1:
                parts.append(f"For {area}: {names[0]}.")
            else:
                parts.append(f"For {area}: {', then '.join(names)}.")
        parts.append(f"Short on time? Start with {digest.picks[0].short_name}.")
        return " ".join(parts)

    @staticmethod
    def synthesis(digest: Digest, plan: DigestPlan) -> str:
        picks = digest.picks
        if len(picks) == 1:
            return (f"A single pick today, so no cross-paper thread: {picks[0].short_name} "
                    f"stands alone in {picks[0].area}.")
        parts = []
        areas = Counter(p.area for p in picks)
        area, n = areas.most_common(1)[0]
        if n >= 2:
            names = [p.short_name for p in picks if p.area == area]
            parts.append(f"{_words(n).capitalize()} of the {_words(len(picks))} picks are about "
                         f"{area}: {join_names(names)}.")
        else:
            parts.append(f"The picks spread over {_words(len(areas))} areas: "
                         f"{join_names(list(areas))}.")
        shared = _shared_move(plan)
        if shared:
            term, names = shared
            parts.append(f"{join_names(names)} share a move: both turn on {term}."
                         if len(names) == 2 else
                         f"{join_names(names)} share a move: they all turn on {term}.")
        numbers = [p.short_name for p in picks if p.evidence_strength != "thin"]
        argued = [p.short_name for p in picks if p.evidence_strength == "thin"]
        if numbers and argued:
            parts.append(f"They differ in how they make their case: {join_names(numbers)} "
                         f"{'argues' if len(numbers) == 1 else 'argue'} with numbers, while "
                         f"{join_names(argued)} {'rests' if len(argued) == 1 else 'rest'} on "
                         f"analysis or qualitative results.")
        questioning = [c.short_name for c in plan.picks if c.signals.get("novelty")
                       and "overturned assumption" in c.signals["novelty"].reason]
        if questioning:
            parts.append(f"The common tension: {join_names(questioning)} "
                         f"{'questions' if len(questioning) == 1 else 'question'} what current "
                         f"practice takes for granted.")
        reviewed = [p for p in picks if p.peer_review.startswith(("Accepted", "Published"))]
        if reviewed:
            parts.append(f"{join_names([p.short_name for p in reviewed])} "
                         f"{'is' if len(reviewed) == 1 else 'are'} peer reviewed; the rest "
                         f"{'is a preprint' if len(picks) - len(reviewed) == 1 else 'are preprints'}."
                         if len(reviewed) < len(picks) else "Every pick is peer reviewed.")
        return " ".join(parts)


def _shared_move(plan: DigestPlan) -> tuple[str, list[str]] | None:
    """The profile's core phrase shared by the most picks (at least two), as written."""
    core = plan.profile.core
    seen: dict[str, list[str]] = {}
    surface: dict[str, str] = {}
    for candidate in plan.picks:
        words = tokens(f"{candidate.paper.title} {candidate.paper.abstract}")
        for phrase in core.count(words):
            if core.weights[phrase] < 1.5:
                continue
            seen.setdefault(phrase, []).append(candidate.short_name)
            if phrase not in surface:
                parts = phrase.rstrip("*").lower().split()
                if phrase.endswith("*"):
                    forms = Counter(w for w in words if w.startswith(parts[-1]))
                    nouns = [w for w in forms if w.endswith(_NOUN_ENDINGS)]
                    parts[-1] = max(nouns or forms or [parts[-1]],
                                    key=lambda w: (forms.get(w, 0), w))
                surface[phrase] = " ".join(parts)
    shared = [(p, names) for p, names in seen.items() if len(names) >= 2]
    if not shared:
        return None
    phrase, names = max(shared, key=lambda item: (len(item[1]), core.weights[item[0]], item[0]))
    return surface[phrase], names
