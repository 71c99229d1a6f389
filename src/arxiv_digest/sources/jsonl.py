"""Replay of JSONL listing files: one paper per line, as in the shared listing days.

Required per line: ``id``, ``title``, ``authors``, ``abstract``, ``categories``.
Optional and honoured: ``comment``, ``journal_ref``, ``doi``, ``version``,
``announce_type``, ``primary_category``. Without ``announce_type`` a paper is
``new`` in its primary category and ``cross`` in the other listing categories.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from arxiv_digest.errors import InputError
from arxiv_digest.models import (
    ANNOUNCE_TYPES, Listing, ListingEntry, Paper, Problem, SourceResult, split_arxiv_id,
)
from arxiv_digest.sources import ProgressFn, register_replay

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def date_from_name(path: Path) -> date | None:
    match = _DATE_IN_NAME.search(path.name)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def clean(text: str | None) -> str | None:
    """Collapse whitespace runs (line breaks from the API) to single spaces and drop
    control characters (not valid in XML feeds or HTML); '' -> None."""
    if text is None:
        return None
    return " ".join(_CONTROL.sub(" ", text).split()) or None


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
    version = record.get("version", id_version)
    if isinstance(version, str) and re.fullmatch(r"v?\d+", version):
        version = int(version.lstrip("v"))
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)
                                or version < 1):
        raise LineError(f"{paper_id}: 'version' must be a positive integer")
    announce = record.get("announce_type")
    if announce is not None and announce not in ANNOUNCE_TYPES:
        raise LineError(f"{paper_id}: unknown announce_type {announce!r} "
                        f"(expected one of {', '.join(ANNOUNCE_TYPES)})")
    if version is None:
        # New submissions and their cross-lists are first versions; a replacement
        # without a version is resolved by the store (0 = one after the latest known).
        version = 0 if announce in ("replace", "replace-cross") else 1
    paper = Paper(
        id=paper_id, version=version, title=title,
        authors=[clean(a) for a in authors if clean(a)],
        abstract=clean(record["abstract"]) or "", categories=categories,
        links={"abs": f"https://arxiv.org/abs/{paper_id}"}, **optional,
    )
    return paper, announce


def announce_type_in(paper: Paper, category: str, explicit: str | None) -> str:
    primary = paper.primary_category
    if explicit in ("replace", "replace-cross"):
        return "replace" if category == primary else "replace-cross"
    if explicit == "cross":
        return "cross"
    return "new" if category == primary else "cross"


@register_replay("jsonl", sniff=lambda head: head.startswith(b"{"))
class JsonlReplay:
    name = "jsonl"

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult:
        day = day or date_from_name(self.path)
        if day is None:
            raise InputError(f"{self.path}: cannot tell the listing date from the file name; "
                             "pass --date YYYY-MM-DD")
        wanted = set(categories)
        listing = Listing(date=day, categories=list(categories))
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        try:
            handle = open(self.path, encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        with handle:
            lineno = 0
            try:
                for lineno, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    where = f"{self.path}:{lineno}"
                    try:
                        paper, announce = paper_from_record(json.loads(line))
                    except json.JSONDecodeError as exc:
                        problems.append(Problem(where, f"invalid JSON ({exc.msg} at column "
                                                       f"{exc.colno}); line skipped"))
                        continue
                    except LineError as exc:
                        problems.append(Problem(where, f"{exc}; line skipped"))
                        continue
                    if paper.id in seen:
                        problems.append(Problem(where, f"{paper.id}: duplicate of line "
                                                       f"{seen[paper.id]}; line skipped"))
                        continue
                    seen[paper.id] = lineno
                    for category in paper.categories:
                        if category in wanted:
                            listing.entries.append(ListingEntry(
                                day, category, announce_type_in(paper, category, announce),
                                paper))
            except UnicodeDecodeError as exc:
                raise InputError(f"{self.path}:{lineno + 1}: not UTF-8 text ({exc.reason})") from exc
        order = {cat: i for i, cat in enumerate(categories)}
        listing.entries.sort(key=lambda e: (order[e.category], e.paper.id))
        return SourceResult(listing=listing, problems=problems, origin=str(self.path))
