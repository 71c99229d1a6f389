"""The digest as structured data: what writers fill, the verifier checks, renderers show.

Facts (ids, authors, categories, counts, code links, peer review, sources) are set
from data before any writer runs; writers only write prose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from arxiv_digest.models import AnnounceType, Tier
from arxiv_digest.text.review import PeerReview

SECTION_NAMES = ("core_contribution", "key_insight", "results", "limits", "why_read")
SECTION_TITLES = {
    "core_contribution": "Core contribution", "key_insight": "Key technical insight",
    "results": "Quantitative results", "limits": "Limits / what to check",
    "why_read": "Why read it",
}
LABELS = {                         # the renderings' fixed words (translated in editions)
    "headline": "Headline numbers", "brief": "Research brief", "speed_read": "Speed read",
    "paper": "Paper", "institutions": "Institutions", "highlight": "Highlight",
    "evidence": "Evidence", "code": "Code", "no_code": "no code link at announcement",
    "peer_review": "Peer review", "reading_order": "Reading order",
    "synthesis": "Cross-paper synthesis", "quick_reference": "Quick reference",
    "core": "Core contribution", "institution": "Institution", "sources": "Sources",
    "core_contribution": "Core contribution", "key_insight": "Key technical insight",
    "results": "Quantitative results", "limits": "Limits / what to check",
    "why_read": "Why read it", "none": "none", "link": "link",
}
NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven",
                8: "Eight", 9: "Nine", 10: "Ten"}


@dataclass
class Source:
    n: int
    url: str
    title: str
    kind: str                      # abstract / code / listing


@dataclass
class ClaimRef:
    text: str                      # a sentence of the digest that states a fact from a source
    source: int


@dataclass
class Pick:
    rank: int
    id: str
    version: int
    short_name: str
    title: str
    heading: str                   # "what it does, in a phrase"
    named_heading: bool            # True: "N. Short name: heading"; False: "N. heading"
    authors: list[str]
    categories: list[str]
    announce_type: AnnounceType
    code_url: str | None
    peer_review: PeerReview        # structured; prints as its label
    evidence_strength: str
    evidence_reason: str
    area: str
    tier: Tier
    score: float
    source: int                    # the number of its abstract page in the sources
    abs_url: str
    news: str | None = None
    institutions: list[str] = field(default_factory=list)
    highlight: str = ""
    one_line: str = ""             # the quick-reference contribution
    sections: dict[str, str] = field(default_factory=lambda: {n: "" for n in SECTION_NAMES})
    claims: list[ClaimRef] = field(default_factory=list)
    signals: dict[str, dict] = field(default_factory=dict)   # name -> {value, reason}
    figure: dict | None = None         # {url, caption, label, credit} from the full text
    code_stats: dict | None = None     # {stars, forks, pushed_at, license, archived, dead}
    community: dict | None = None      # {upvotes, comments} from Hugging Face
    fulltext_source: int | None = None

    @property
    def author_line(self) -> str:
        if not self.authors:
            return "authors not listed"
        if len(self.authors) <= 3:
            return ", ".join(self.authors)
        return f"{self.authors[0]} et al. ({len(self.authors)} authors)"

    def to_json(self) -> dict:
        return {
            "rank": self.rank, "id": self.id, "version": self.version,
            "short_name": self.short_name, "title": self.title, "heading": self.heading,
            "named_heading": self.named_heading,
            "authors": self.authors, "institutions": self.institutions,
            "categories": self.categories, "announce_type": self.announce_type,
            "news": self.news, "code_url": self.code_url, "peer_review": self.peer_review.label,
            "peer_review_status": str(self.peer_review.status),
            "peer_review_venue": self.peer_review.venue,
            "evidence_strength": self.evidence_strength, "evidence_reason": self.evidence_reason,
            "area": self.area, "tier": self.tier, "score": round(self.score, 4),
            "url": self.abs_url, "highlight": self.highlight, "one_line": self.one_line,
            "sections": dict(self.sections),
            "claims": [asdict(c) for c in self.claims],
            "source": self.source, "signals": self.signals, "figure": self.figure,
            "code_stats": self.code_stats, "community": self.community,
            "fulltext_source": self.fulltext_source,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Pick":
        fields = {k: v for k, v in data.items()
                  if k not in ("url", "claims", "peer_review_status", "peer_review_venue")}
        fields["peer_review"] = PeerReview.from_label(
            data["peer_review"], data.get("peer_review_venue"), data.get("peer_review_status"))
        return cls(abs_url=data["url"], claims=[ClaimRef(**c) for c in data.get("claims", [])],
                   **fields)

    def __post_init__(self):
        if isinstance(self.peer_review, str):       # a label given directly
            self.peer_review = PeerReview.from_label(self.peer_review)
        self.announce_type = AnnounceType(self.announce_type)
        self.tier = Tier(self.tier)


@dataclass
class Verification:
    checked: int = 0               # numbers and venues located in their sources
    dropped: int = 0               # sentences removed because a fact could not be located
    fallbacks: int = 0             # sections that fell back to another writer's text
    omitted: int = 0               # sections left out: nothing in them could be verified
    numbers: int = 0
    venues: int = 0
    details: list[str] = field(default_factory=list)   # for the console, never published

    def to_json(self) -> dict:
        """Counts only: the details quote what was removed, which must not be published."""
        return {"checked": self.checked, "dropped": self.dropped, "fallbacks": self.fallbacks,
                "omitted": self.omitted, "numbers": self.numbers, "venues": self.venues}


@dataclass
class Digest:
    date: date
    profile: str
    topic: str                     # the profile's title: "Diffusion models"
    noun: str                      # "diffusion"
    writer: str
    counts: dict                   # listing --json contract plus topic_pool
    picks: list[Pick]
    sources: list[Source]
    announced: str                 # when arXiv announced this listing, in words
    dek: str = ""
    headline: str = ""             # the headline-numbers strip
    brief: str = ""
    reading_order: str = ""
    synthesis: str = ""
    coverage: list[str] = field(default_factory=list)
    writer_note: str = ""          # e.g. the model and date, for the footer
    verification: Verification = field(default_factory=Verification)
    lang: str = "en"
    title_override: str = ""       # a translated edition's title
    unavailable: list[str] = field(default_factory=list)   # enrichment that failed

    @property
    def title(self) -> str:
        if self.title_override:
            return self.title_override
        n = len(self.picks)
        count = NUMBER_WORDS.get(n, str(n))
        papers = "paper" if n == 1 else "papers"
        return (f"{count} {self.noun} {papers} worth reading: "
                f"{self.date:%B} {self.date.day}, {self.date.year}")

    def source(self, n: int) -> Source:
        return next(s for s in self.sources if s.n == n)

    def to_json(self) -> dict:
        return {
            "date": self.date.isoformat(), "profile": self.profile, "title": self.title,
            "writer": self.writer, "counts": self.counts,
            "picks": [p.to_json() for p in self.picks],
            "dek": self.dek, "headline": self.headline, "brief": self.brief,
            "reading_order": self.reading_order, "synthesis": self.synthesis,
            "sources": [asdict(s) for s in self.sources],
            "verification": self.verification.to_json(),
            "announced": self.announced, "coverage": self.coverage,
            "writer_note": self.writer_note, "topic": self.topic, "noun": self.noun,
            "lang": self.lang, "unavailable": self.unavailable,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Digest":
        """A stored digest back as data (for the site, feeds and e-mail)."""
        verification = Verification(**{k: data["verification"].get(k, 0) for k in
                                       ("checked", "dropped", "fallbacks", "omitted", "numbers",
                                        "venues")})
        digest = cls(date=date.fromisoformat(data["date"]), profile=data["profile"],
                     topic=data.get("topic", data["profile"]),
                     noun=data.get("noun", data["profile"]), writer=data["writer"],
                     counts=data["counts"], picks=[Pick.from_json(p) for p in data["picks"]],
                     sources=[Source(**s) for s in data["sources"]], announced=data["announced"],
                     dek=data["dek"], headline=data.get("headline", ""), brief=data["brief"],
                     reading_order=data["reading_order"], synthesis=data["synthesis"],
                     coverage=data.get("coverage", []), writer_note=data.get("writer_note", ""),
                     verification=verification, lang=data.get("lang", "en"),
                     unavailable=data.get("unavailable", []))
        if digest.title != data["title"]:
            digest.title_override = data["title"]
        return digest
