"""Verification: every number, percentage, multiplier, named venue and named
institution in a digest's prose is located in the source its ``[n]`` marker cites, or
the sentence goes.

Independent of any writer. Beyond being found, each number must mean in our sentence
what it means in its source — the same quantity, direction and subject
(:mod:`arxiv_digest.verify.meaning`); a number attached to the wrong quantity is dropped like an
invented one. Sources are the picks' titles, abstracts and comments
(rendered as text), and for the research brief the listing's counts. A venue counts
only when it appears in the paper's comment or journal-ref: an abstract that calls
itself accepted proves nothing. A sentence stating a fact without a marker, or a fact
its cited sources do not contain, is removed and counted; a section left empty is left
out of the page (no stock line stands in for it) and counted too. A URL in the prose must be one of the
links its cited sources give, as :mod:`arxiv_digest.text.links` accepts them: prose cannot
carry a link the digest's own link rules refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_digest.text.claims import sentences
from arxiv_digest.digest import SECTION_NAMES, Digest, Verification
from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.text.links import find_links, links, mentions
from arxiv_digest.verify.meaning import meaning_problem
from arxiv_digest.topics.relevance import Tier
from arxiv_digest.text.review import VENUE_RE, venue_name

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
_MASKS = re.compile(
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:,\s*\d{{4}})?|\b\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b\d{4}\.\d{4,5}(?:v\d+)?\b|\[\d+\]|"
    r"https?://\S+|\bv\d+\b")
_NUMBER = re.compile(r"(?<![\w.\-/^_])[+\-\u2212\u00b1]?(?P<num>\d+(?:[.,]\d+)*)"
                     r"(?P<unit>\s?%|\s?\u00d7|x(?![a-zA-Z])|(?:[KMBk]|ms|s|h)(?![a-zA-Z]))?"
                     r"(?![\w]|[.,]\d)")
_MARKER = re.compile(r"\[(\d+)\]")
# Institutions a sentence may name: universities, institutes, labs and companies by their
# usual names. A writer may only name one that the cited source names.
_INSTITUTION = re.compile(
    r"\b(?:University of (?:[A-Z][\w\-]+)(?: (?:[A-Z][\w\-]+|at|of|in))*"
    r"|(?:[A-Z][\w\-]+ )+(?:University|Institute|Laboratory|Lab|Labs|College|Academy)\b"
    r"|(?:MIT|Stanford|Harvard|Princeton|Berkeley|UC Berkeley|UCLA|CMU|Carnegie Mellon|Oxford|"
    r"Cambridge|ETH Zurich|EPFL|Tsinghua|Peking University|KAIST|Seoul National University|"
    r"Google(?: DeepMind| Research| Brain)?|DeepMind|OpenAI|Anthropic|Microsoft(?: Research)?|"
    r"NVIDIA|Nvidia|Apple|Amazon|Adobe|ByteDance|Alibaba|Tencent|Baidu|Huawei|Samsung|Sony|"
    r"IBM|Intel|Qualcomm|Stability AI|Hugging Face|Mila|Vector Institute|Allen Institute|"
    r"(?<![\w-])Meta(?: AI| FAIR)?(?![\w-])|FAIR))\b")


@dataclass
class SourceText:
    text: str                 # everything a fact may be found in
    review: str = ""          # comment and journal-ref: where a venue must be found
    links: frozenset[str] = frozenset()     # the URLs prose citing it may give
    names: tuple[str, ...] = ()             # what the paper calls itself (its short name)


def source_bank(digest: Digest, papers: dict, extra_listing_numbers: list[int]) -> dict[int, SourceText]:
    """Texts per source number. ``papers`` maps arXiv id -> Paper for the picks."""
    bank: dict[int, SourceText] = {}
    for pick in digest.picks:
        paper = papers[pick.id]
        review = " ".join(latex_to_text(x) for x in (paper.comment, paper.journal_ref) if x)
        text = " ".join(latex_to_text(x) for x in (paper.title, paper.abstract or "", review) if x)
        bank[pick.source] = SourceText(text, review,
                                       frozenset(links(paper)) | frozenset(find_links(text)),
                                       (pick.short_name,))
    numbers = []
    counts = digest.counts
    for values in list(counts["categories"].values()) + [counts["union"]]:
        numbers += list(values.values())
    numbers += [counts.get("topic_pool", 0), *extra_listing_numbers]
    listing_text = " ".join(str(n) for n in numbers)
    for source in digest.sources:
        if source.kind == "listing":
            bank[source.n] = SourceText(listing_text)
        elif source.n not in bank:
            bank[source.n] = SourceText(source.url, links=frozenset(find_links(source.url)))
    return bank


def bank_for(digest: Digest, plan) -> dict[int, SourceText]:
    """The bank for a digest written from ``plan`` (a :class:`DigestPlan`): the picks'
    papers, and the listing's counts with the topic pool's make-up."""
    candidates = plan.ranking.candidates
    core = sum(1 for c in candidates if c.relevance.tier == Tier.CORE)
    extra = [core, plan.ranking.pool - core, sum(1 for c in candidates if c.news)]
    bank = source_bank(digest, {c.paper.id: c.paper for c in plan.picks}, extra)
    for pick in digest.picks:
        found = plan.enrichment.get(pick.id)
        if pick.fulltext_source and found is not None and found.fulltext is not None:
            full = found.fulltext
            bank[pick.fulltext_source] = SourceText(f"{full.text} {full.table_text()}",
                                                    bank[pick.source].review,
                                                    frozenset(find_links(full.text)),
                                                    (pick.short_name,))
    return bank


def institutions(text: str) -> list[str]:
    return [m.group(0) for m in _INSTITUTION.finditer(text or "")]


def facts(text: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The numbers (with % or ×) and venues stated in ``text``."""
    masked = _MASKS.sub(lambda m: " " * len(m.group(0)), text)
    venues = []
    for match in VENUE_RE.finditer(masked):
        venues.append(venue_name(match))
        masked = masked[:match.start()] + " " * (match.end() - match.start()) + masked[match.end():]
    numbers = []
    for match in _NUMBER.finditer(masked):
        unit = (match.group("unit") or "").strip() or None
        if unit not in ("%", "x", "\u00d7"):
            unit = None          # other units: the number itself must be in the source
        numbers.append((match.group("num"), "\u00d7" if unit in ("x", "\u00d7") else unit))
    return numbers, venues


def _found_number(number: str, unit: str | None, text: str) -> bool:
    core = re.escape(number)
    if unit == "%":
        tail = r"\s?(?:%|percent)"
    elif unit == "\u00d7":
        tail = r"\s?(?:\u00d7|x(?![a-zA-Z])|times|-fold|fold)"
    else:
        tail = ""
    return re.search(rf"(?<![\d.,]){core}(?![\d]|[.,]\d){tail}", text) is not None


def _found_venue(venue: str, review: str) -> bool:
    return venue.lower() in review.lower() or all(
        part.lower() in review.lower() for part in venue.split())


def _link_problem(text: str, cited: list[int], sources: list[SourceText]) -> str | None:
    for raw, url in mentions(text):
        if not cited:
            return f"gives a link without a source marker ({raw})"
        if url is None or not any(url in s.links for s in sources):
            return f"link {raw} is not among the links of source {cited}"
    return None


def check(text: str, cited: list[int], bank: dict[int, SourceText]) -> tuple[int, int, str | None]:
    """Check one segment against its cited sources: (numbers, venues, problem or None)."""
    numbers, venues = facts(text)
    named = institutions(text)
    sources = [bank[n] for n in cited if n in bank]
    problem = _link_problem(text, cited, sources)
    if problem:
        return 0, 0, problem
    if not numbers and not venues and not named:
        return 0, 0, None
    if not cited:
        return 0, 0, "states a fact without a source marker"
    if len(sources) != len(cited):
        return 0, 0, f"cites a source that does not exist ({cited})"
    for number, unit in numbers:
        if not any(_found_number(number, unit, s.text) for s in sources):
            return 0, 0, f"{number}{unit or ''} is not in source {cited}"
    for venue in venues:
        if not any(_found_venue(venue, s.review) for s in sources):
            return 0, 0, f"venue {venue} is not in the comment or journal-ref of {cited}"
    for name in named:
        if not any(name in s.text for s in sources):
            return 0, 0, f"institution {name} is not in source {cited}"
    names = tuple(n for s in sources for n in s.names)
    problem = meaning_problem(text, sources, names) if numbers else None
    if problem:
        return 0, 0, problem
    return len(numbers), len(venues), None


def _segments(sentence: str) -> list[tuple[str, list[int]]]:
    """Split at runs of markers: the text before each run is backed by those sources;
    text after the last run belongs to it too. No marker: one segment, no sources."""
    matches = list(_MARKER.finditer(sentence))
    if not matches:
        return [(sentence, [])]
    out: list[tuple[str, list[int]]] = []
    pos, i = 0, 0
    while i < len(matches):
        run = [matches[i]]
        while i + 1 < len(matches) and not sentence[matches[i].end():matches[i + 1].start()].strip():
            i += 1
            run.append(matches[i])
        out.append((sentence[pos:run[0].start()], [int(m.group(1)) for m in run]))
        pos = run[-1].end()
        i += 1
    text, cited = out[-1]
    out[-1] = (text + sentence[pos:], cited)
    return out


def verify_text(text: str, bank: dict[int, SourceText], where: str, report: Verification,
                default_source: int | None = None) -> str:
    """Keep the sentences of ``text`` whose facts are located; count what was checked."""
    kept = []
    for a, b in sentences(text):
        sentence = text[a:b]
        problem, n_numbers, n_venues = None, 0, 0
        for segment, cited in _segments(sentence):
            if not cited and default_source is not None:
                cited = [default_source]
            numbers, venues, problem = check(segment, cited, bank)
            if problem:
                break
            n_numbers, n_venues = n_numbers + numbers, n_venues + venues
        if problem:
            report.dropped += 1
            report.details.append(f"{where}: dropped \u201c{sentence[:90]}\u201d — {problem}")
            continue
        report.numbers += n_numbers
        report.venues += n_venues
        kept.append(sentence.strip())
    return " ".join(kept)


def verify(digest: Digest, bank: dict[int, SourceText]) -> Digest:
    """Check every prose field in place; return the digest with its verification report."""
    report = digest.verification
    for field in ("dek", "headline", "brief", "reading_order", "synthesis"):
        original = getattr(digest, field)
        if field == "headline":
            kept = [part for part in original.split(" \u00b7 ") if part and verify_text(
                part, bank, "headline", report, _source_of(digest, part)) == part.strip()]
            digest.headline = " \u00b7 ".join(kept)
            continue
        setattr(digest, field, verify_text(original, bank, field, report))
    for pick in digest.picks:
        where = f"{pick.short_name} ({pick.id})"
        for name in SECTION_NAMES:
            original = pick.sections[name]
            checked = verify_text(original, bank, f"{where} {name}", report)
            if original.strip() and not checked:
                report.omitted += 1              # left out: no stock line stands in for it
                report.details.append(f"{where} {name}: left out (nothing in it verified)")
            pick.sections[name] = checked
        for field in ("highlight", "one_line"):
            value = getattr(pick, field)
            if verify_text(value + ".", bank, f"{where} {field}", report,
                           pick.source).rstrip(".") != value.rstrip("."):
                setattr(pick, field, "")          # no number rather than a wrong one
        kept_text = " ".join(pick.sections.values())
        pick.claims = [c for c in pick.claims if c.text in kept_text]
    report.checked = report.numbers + report.venues
    return digest


def _source_of(digest: Digest, part: str) -> int | None:
    for pick in digest.picks:
        if part.startswith(pick.short_name):
            return pick.source
    return None
