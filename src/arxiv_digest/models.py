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


class Tier(StrEnum):
    """Where a paper stands for a topic: advancing the models, applying them, or off topic."""

    CORE = "core"
    APPLICATION = "application"
    NOT_RELEVANT = "not_relevant"


class Feedback(StrEnum):
    """What a reader said of a paper."""

    LIKE = "like"
    DISLIKE = "dislike"


ANNOUNCE_TYPES: tuple[str, ...] = tuple(t.value for t in AnnounceType)
REPLACEMENTS = frozenset({AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS})

MAX_VERSION = 999                 # arXiv versions are small numbers

# What could be meant as an arXiv id (found generously, Unicode digits included, so that
# a wrong one is named with what is wrong): new-style ``YYMM.NNNNN`` (0704.0001 onwards)
# and old-style ``archive/YYMMNNN`` (astro-ph/0601001, math.GT/0309136), each with an
# optional version. ``split_arxiv_id`` then holds it to arXiv's rules.
ID_SHAPE = r"(?:\d{4}\.\d+|[^\W\d_][\w.-]*/\d{7})(?:v\d+)?"
_ID_PARTS = re.compile(
    r"(?i:arxiv:)?(?:(?P<yymm>\d{4})\.(?P<number>\d+)"
    r"|(?P<archive>[^\W\d_][\w.-]*)/(?P<old>\d{7}))(?:v(?P<v>\d+))?")
_ARCHIVE = re.compile(r"[a-z][a-z-]*(?:\.[A-Z]{2})?", re.ASCII)
_ID_PREFIXES = ("oai:arXiv.org:", "http://arxiv.org/abs/", "https://arxiv.org/abs/",
                "http://arxiv.org/pdf/", "https://arxiv.org/pdf/")


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Split ``2605.12345v2`` into ``("2605.12345", 2)``; the version may be absent.

    The one check of arXiv ids: ASCII digits only, a real month, four digits after the
    dot for 0704–1412 and five from 1501 on, old-style ids from 9108 to 0703, versions
    1 to ``MAX_VERSION``. Accepts an ``arXiv:`` prefix, abs/pdf URLs on arxiv.org and
    ``oai:arXiv.org:`` identifiers too. Raises ``ValueError`` saying what is wrong.
    """
    text = raw.strip()
    for prefix in _ID_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    match = _ID_PARTS.fullmatch(text)
    wrong = _id_problem(match) if match else ""
    if match is None or wrong:
        raise ValueError(f"not an arXiv identifier: {shown(raw)}"
                         + (f" ({wrong})" if wrong else ""))
    paper_id = f"{match['yymm']}.{match['number']}" if match["yymm"] else \
        f"{match['archive']}/{match['old']}"
    if match["v"] is None:
        return paper_id, None
    wrong = version_problem(match["v"])
    if wrong:
        raise ValueError(f"{paper_id}: {wrong}")
    return paper_id, int(match["v"])


def version_problem(digits: str) -> str:
    """What is wrong with a version written in digits ("" when nothing is)."""
    if not (digits.isascii() and digits.isdigit()):
        return "a version is written with the ASCII digits 0-9"
    value = digits.lstrip("0")
    if value and len(value) <= 3 and int(value) <= MAX_VERSION:
        return ""
    if not value:
        return "version 0 is not a plausible arXiv version (they start at 1)"
    number = value if len(value) < 13 else f"{value[:6]}… ({len(value)} digits)"
    return f"version {number} is not a plausible arXiv version (at most {MAX_VERSION})"


def _id_problem(match: re.Match) -> str:
    """What breaks arXiv's rules in a well-shaped id ("" when nothing does)."""
    if not match.group(0).isascii():
        return "arXiv ids are written with the ASCII digits 0-9 and ASCII letters"
    if match["yymm"]:
        return _new_style_problem(match["yymm"], match["number"])
    return _old_style_problem(match["archive"], match["old"])


def _new_style_problem(yymm: str, number: str) -> str:
    if not 1 <= int(yymm[2:]) <= 12:
        return f"{yymm} is not a year and month (YYMM)"
    if yymm < "0704":
        return "new-style ids begin with 0704 (April 2007)"
    digits = 4 if yymm <= "1412" else 5
    if len(number) != digits:
        era = "0704 to 1412" if digits == 4 else "1501 on"
        return f"ids from {era} have {digits} digits after the dot, not {len(number)}"
    return ""


def _old_style_problem(archive: str, digits: str) -> str:
    if not _ARCHIVE.fullmatch(archive):
        return f"{archive!r} is not an arXiv archive name"
    yymm = digits[:4]
    if not 1 <= int(yymm[2:]) <= 12:
        return f"{yymm} is not a year and month (YYMM)"
    if not ("9108" <= yymm or yymm <= "0703"):
        return "old-style ids run from 9108 (August 1991) to 0703 (March 2007)"
    return ""


def shown(raw: str, limit: int = 60) -> str:
    """``raw`` quoted for a message, cut to ``limit`` characters."""
    return repr(raw[:limit]) + ("…" if len(raw) > limit else "")


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
