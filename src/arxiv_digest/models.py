"""Plain data passed between the pipeline's stages.

Nothing here touches the network, the disk or the database: sources build these
structures, the store persists them, later stages read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

class AnnounceType(StrEnum):
    """How a paper appears in a category's listing (arXiv's own words)."""

    NEW = "new"
    CROSS = "cross"
    REPLACE = "replace"
    REPLACE_CROSS = "replace-cross"

    @property
    def is_replacement(self) -> bool:
        return self in (AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS)


ANNOUNCE_TYPES: tuple[str, ...] = tuple(t.value for t in AnnounceType)
REPLACEMENTS = frozenset({AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS})

# New-style ids (0704.0001 onwards, 5-digit numbers since 2015) and old-style
# archive ids (astro-ph/0601001, math.GT/0309136), each with an optional version.
_ID_RE = re.compile(
    r"^(?:arXiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$"
)


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Split ``2605.12345v2`` into ``("2605.12345", 2)``; the version may be absent.

    Accepts abs/pdf URLs and ``oai:arXiv.org:`` identifiers too. Raises ``ValueError``
    for anything that is not an arXiv identifier.
    """
    text = raw.strip()
    for prefix in ("oai:arXiv.org:", "http://arxiv.org/abs/", "https://arxiv.org/abs/",
                   "http://arxiv.org/pdf/", "https://arxiv.org/pdf/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    match = _ID_RE.match(text)
    if not match:
        raise ValueError(f"not an arXiv identifier: {raw!r}")
    version = match.group("v")
    return match.group("id"), int(version) if version else None


@dataclass
class Paper:
    """One arXiv paper at one version. ``categories`` lists the primary category first."""

    id: str
    version: int
    title: str
    authors: list[str]
    abstract: str
    categories: list[str]
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def primary_category(self) -> str | None:
        return self.categories[0] if self.categories else None

    @property
    def abs_url(self) -> str:
        return self.links.get("abs") or f"https://arxiv.org/abs/{self.id}v{self.version}"

    @property
    def pdf_url(self) -> str:
        return self.links.get("pdf") or f"https://arxiv.org/pdf/{self.id}v{self.version}"


@dataclass
class ListingEntry:
    """A paper as announced in one category's listing on one day."""

    date: date
    category: str
    announce_type: AnnounceType
    paper: Paper


@dataclass
class CategoryCounts:
    total: int = 0
    new: int = 0
    cross: int = 0
    replace: int = 0

    def add(self, announce_type: str) -> None:
        self.total += 1
        if announce_type == "new":
            self.new += 1
        elif announce_type == "cross":
            self.cross += 1
        else:
            self.replace += 1

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, "new": self.new, "cross": self.cross, "replace": self.replace}


@dataclass
class Listing:
    """One announcement day across the listing categories it was read for."""

    date: date
    categories: list[str]
    entries: list[ListingEntry] = field(default_factory=list)

    def papers(self) -> list[Paper]:
        """Each paper once (first occurrence wins), in entry order."""
        seen: dict[str, Paper] = {}
        for entry in self.entries:
            seen.setdefault(entry.paper.id, entry.paper)
        return list(seen.values())

    def counts(self) -> dict[str, CategoryCounts]:
        """Per-category counts, for every listing category (zeros included)."""
        result = {cat: CategoryCounts() for cat in self.categories}
        for entry in self.entries:
            result.setdefault(entry.category, CategoryCounts()).add(entry.announce_type)
        return result

    def union_counts(self) -> CategoryCounts:
        """Counts over the union of the listing categories, each paper once.

        A paper is ``new`` when it is new in any listing category, a replacement when
        it is replaced in any, otherwise ``cross``.
        """
        kinds: dict[str, set[str]] = {}
        for entry in self.entries:
            kinds.setdefault(entry.paper.id, set()).add(entry.announce_type)
        union = CategoryCounts()
        for types in kinds.values():
            if "new" in types:
                union.add("new")
            elif types & REPLACEMENTS:
                union.add("replace")
            else:
                union.add("cross")
        return union

    def counts_json(self) -> dict:
        """The ``listing --json`` contract."""
        return {
            "date": self.date.isoformat(),
            "categories": {cat: c.as_dict() for cat, c in self.counts().items()},
            "union": self.union_counts().as_dict(),
        }


@dataclass
class Problem:
    """A piece of input that was skipped: where it was and what was wrong with it."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class SourceResult:
    """What a source read: the listing plus what it had to skip."""

    listing: Listing
    problems: list[Problem] = field(default_factory=list)
    origin: str = ""
    where: dict[str, str] = field(default_factory=dict)   # paper id -> "FILE:LINE"


@dataclass
class IngestReport:
    date: date
    origin: str
    papers: int
    entries: int
    counts: dict[str, CategoryCounts]
    problems: list[Problem]
    new_versions: int = 0
    unchanged: bool = False
    conflicts: list[Problem] = field(default_factory=list)   # stored versions kept
    kept: list[Problem] = field(default_factory=list)        # stored listings kept
