"""Replay of JSONL listing files: one paper per line, as in the shared listing days.

Required per line: ``id``, ``title``, ``authors``, ``abstract``, ``categories``.
Optional and honoured: ``comment``, ``journal_ref``, ``doi``, ``version``,
``announce_type``, ``primary_category``. Without ``announce_type`` a paper is
``new`` in its primary category and ``cross`` in the other listing categories.

Every line stands alone: a line that is not UTF-8, not JSON, cut short, too long or
outside a field's limits is reported as ``FILE:LINE: what is wrong`` and skipped, and
the rest of the file is kept. Lines are read with a bounded buffer, so an over-long
line is never held in memory whole.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import date
from pathlib import Path

from arxiv_digest.errors import InputError
from arxiv_digest.models import (
    ANNOUNCE_TYPES, REPLACEMENTS, AnnounceType, Listing, ListingEntry, Paper, Problem,
    SourceResult, split_arxiv_id, version_problem,
)
from arxiv_digest.sources import ProgressFn, register_replay
from arxiv_digest.sources.reader import ReplayInput, open_input
from arxiv_digest.text.textclean import clean

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
MAX_LINE_BYTES = 1 << 20          # a listing line is a few KB; 5,000 authors fit in 1 MiB
# Per-field limits in characters. arXiv caps abstracts at 1,920 characters; LaTeX
# source runs longer than its rendering, so the abstract's limit leaves room.
FIELD_LIMITS = {"title": 1_000, "abstract": 5_000, "comment": 2_000, "journal_ref": 1_000,
                "doi": 300}
MAX_AUTHORS, MAX_AUTHOR_CHARS = 5_000, 300
MAX_CATEGORIES = 50


def date_from_name(path: Path | None) -> date | None:
    if path is None:
        return None
    match = _DATE_IN_NAME.search(path.name)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


class LineError(ValueError):
    pass


def paper_from_record(record: object) -> tuple[Paper, str | None]:
    """Validate one decoded line; return the paper and its explicit announce type."""
    if not isinstance(record, dict):
        raise LineError("expected a JSON object")
    raw_id = record.get("id")
    if not isinstance(raw_id, str):
        raise LineError("missing or non-string 'id'")
    try:
        paper_id, id_version = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise LineError(str(exc)) from None
    for key in ("title", "abstract"):
        if not isinstance(record.get(key), str):
            raise LineError(f"{paper_id}: missing or non-string '{key}'")
    _check_limits(record, paper_id)
    title = clean(record["title"])
    if not title:
        raise LineError(f"{paper_id}: empty title")
    authors = record.get("authors")
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise LineError(f"{paper_id}: 'authors' must be a list of strings")
    categories = record.get("categories")
    if not isinstance(categories, list) or not categories or \
            not all(isinstance(c, str) and c for c in categories):
        raise LineError(f"{paper_id}: 'categories' must be a non-empty list of strings")
    categories = list(dict.fromkeys(categories))
    primary = record.get("primary_category")
    if primary is not None:
        if not isinstance(primary, str) or not primary:
            raise LineError(f"{paper_id}: 'primary_category' must be a string")
        categories = [primary] + [c for c in categories if c != primary]
    optional = {}
    for key in ("comment", "journal_ref", "doi"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise LineError(f"{paper_id}: '{key}' must be a string or null")
        optional[key] = clean(value)
    version = _version(record.get("version", id_version), paper_id)
    announce = record.get("announce_type")
    if announce is not None and announce not in ANNOUNCE_TYPES:
        raise LineError(f"{paper_id}: unknown announce_type {announce!r} "
                        f"(expected one of {', '.join(ANNOUNCE_TYPES)})")
    if version is None:
        # New submissions and their cross-lists are first versions; a replacement
        # without a version is resolved by the store (0 = one after the latest known).
        version = 0 if announce in REPLACEMENTS else 1
    paper = Paper(
        id=paper_id, version=version, title=title,
        authors=[clean(a) for a in authors if clean(a)],
        abstract=clean(record["abstract"]) or "", categories=categories,
        links={"abs": f"https://arxiv.org/abs/{paper_id}"}, **optional,
    )
    return paper, announce


def _version(version: object, paper_id: str) -> int | None:
    if isinstance(version, str) and re.fullmatch(r"v?[0-9]{1,30}", version):
        version = int(version.lstrip("v"))
    if version is None:
        return None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LineError(f"{paper_id}: 'version' must be a positive integer")
    wrong = version_problem(str(version))
    if wrong:
        raise LineError(f"{paper_id}: {wrong}")
    return version


def _check_limits(record: dict, paper_id: str) -> None:
    """Refuse fields longer than any real listing carries (the limit is named)."""
    for key, limit in FIELD_LIMITS.items():
        value = record.get(key)
        if isinstance(value, str) and len(value) > limit:
            raise LineError(f"{paper_id}: '{key}' is {len(value):,} characters, over the "
                            f"limit of {limit:,}")
    authors = record.get("authors")
    if isinstance(authors, list):
        if len(authors) > MAX_AUTHORS:
            raise LineError(f"{paper_id}: {len(authors):,} authors, over the limit of "
                            f"{MAX_AUTHORS:,}")
        if any(isinstance(a, str) and len(a) > MAX_AUTHOR_CHARS for a in authors):
            raise LineError(f"{paper_id}: an author's name is over the limit of "
                            f"{MAX_AUTHOR_CHARS} characters")
    categories = record.get("categories")
    if isinstance(categories, list) and len(categories) > MAX_CATEGORIES:
        raise LineError(f"{paper_id}: {len(categories)} categories, over the limit of "
                        f"{MAX_CATEGORIES}")


def announce_type_in(paper: Paper, category: str, explicit: str | None) -> str:
    primary = paper.primary_category
    if explicit in REPLACEMENTS:
        return AnnounceType.REPLACE if category == primary else AnnounceType.REPLACE_CROSS
    if explicit == "cross":
        return "cross"
    return "new" if category == primary else "cross"


def _sniff(opened: ReplayInput) -> bool:
    """JSON Lines: a line among the first ones opens an object, or the name says so (a
    first line that is not JSON is then reported like any other bad line)."""
    name = opened.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return True
    lines = opened.head.lstrip(b"\xef\xbb\xbf").splitlines()[:20]
    return any(line.lstrip().startswith(b"{") for line in lines)


def _lines(stream, name: str):
    """(line number, bytes or None when over-long) for every line, reading at most
    MAX_LINE_BYTES + 1 bytes at a time; a decompression error becomes an InputError
    naming the line where the data stopped."""
    lineno = 0
    try:
        while True:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            lineno += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):      # skip the rest unread
                    raw = stream.readline(MAX_LINE_BYTES)
                yield lineno, None
                continue
            yield lineno, raw
    except (OSError, EOFError, zlib.error) as exc:
        raise _Broken(f"{name}:{lineno + 1}: the compressed data ends early or is corrupt "
                      f"({exc}); the lines before it were kept") from None


class _Broken(Exception):
    pass


def decode_line(raw: bytes, lineno: int) -> object:
    """One line's JSON value; raises LineError saying what is wrong with it."""
    if lineno == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column "
                        f"{exc.start + 1})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        content = len(text.rstrip())
        if exc.pos >= content - 1 or exc.msg.startswith("Unterminated string"):
            raise LineError(f"invalid JSON: the line ends mid-record (cut short after "
                            f"{content:,} characters)") from None
        raise LineError(f"invalid JSON ({exc.msg.removesuffix(' at')} at column "
                        f"{exc.colno})") from None


@register_replay("jsonl", sniff=_sniff)
class JsonlReplay:
    name = "jsonl"

    def __init__(self, source: ReplayInput | Path):
        self.input = source if isinstance(source, ReplayInput) else open_input(source)

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult:
        name = self.input.name
        day = _listing_date(self.input, day)
        listing = Listing(date=day, categories=list(categories))
        problems: list[Problem] = []
        where: dict[str, str] = {}
        with self.input as opened:
            try:
                self._read_lines(opened, listing, problems, where, progress)
            except _Broken as exc:
                problems.append(Problem(*str(exc).split(": ", 1)))
        order = {cat: i for i, cat in enumerate(categories)}
        listing.entries.sort(key=lambda e: (order[e.category], e.paper.id))
        if not where and not problems:
            raise InputError(f"{name}:1: no records: every line is blank")
        return SourceResult(listing=listing, problems=problems, origin=name, where=where)

    def _read_lines(self, opened: ReplayInput, listing: Listing, problems: list[Problem],
                    where: dict[str, str], progress: ProgressFn | None) -> None:
        wanted = set(listing.categories)
        consumed = 0
        for lineno, raw in _lines(opened.stream, opened.name):
            here = f"{opened.name}:{lineno}"
            if raw is None:
                problems.append(Problem(here, f"line longer than {MAX_LINE_BYTES:,} bytes "
                                              "(the limit); line skipped unread"))
                continue
            consumed += len(raw)
            if progress is not None and lineno % 250 == 0:
                progress(consumed, opened.size or 0, f"reading {opened.name}")
            if not raw.strip():
                continue
            try:
                paper, announce = paper_from_record(decode_line(raw, lineno))
            except LineError as exc:
                problems.append(Problem(here, f"{exc}; line skipped"))
                continue
            if paper.id in where:
                problems.append(Problem(here, f"{paper.id}: duplicate of line "
                                              f"{where[paper.id].rsplit(':', 1)[1]}; line skipped"))
                continue
            where[paper.id] = here
            for category in paper.categories:
                if category in wanted:
                    listing.entries.append(ListingEntry(
                        listing.date, category, announce_type_in(paper, category, announce),
                        paper))
        if progress is not None:
            progress(consumed, opened.size or consumed, f"read {opened.name}")


def _listing_date(opened: ReplayInput, day: date | None) -> date:
    """The listing date: ``--date``, else the one in the file name; the two must agree."""
    named = date_from_name(opened.path)
    if day is not None and named is not None and day != named:
        opened.close()
        raise InputError(f"{opened.name}: the file name says {named} but --date says {day}; "
                         "pass the matching --date, or rename the file if its name is wrong")
    if day is None and named is None:
        opened.close()
        raise InputError(f"{opened.name}: cannot tell the listing date from the file name; "
                         "pass --date YYYY-MM-DD")
    return day or named
