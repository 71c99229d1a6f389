"""A reader's library, as exported by a reference manager: arXiv ids from BibTeX
(``eprint``, ``arxiv``, ``url``, ``doi`` fields), RIS (``UR``, ``DO``, ``L1``…, ``AN``),
CSL-JSON (Zotero's and Better BibTeX's exports: ``URL``, ``DOI``, ``number``,
``archive_location``, ``id``), or a plain list of ids or arXiv URLs. Every entry that
cannot be mapped to an arXiv paper is reported with where it was (line or key)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_digest.errors import InputError
from arxiv_digest.models import Problem, split_arxiv_id

_ARXIV = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv[:\s]+|10\.48550/arxiv\.)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", re.I)
_BARE = re.compile(r"^\s*(?:arXiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)\s*$", re.I)


@dataclass
class Library:
    ids: list[tuple[str, int | None]] = field(default_factory=list)   # (id, version or None)
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0


def read_library(path: Path) -> Library:
    """The arXiv ids of a library file, whatever its format (recognised by content)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; export the library as UTF-8") from None
    head = text.lstrip()[:200]
    if head.startswith("@"):
        return _bibtex(text, str(path))
    if head.startswith(("[", "{")):
        return _csl_json(text, str(path))
    if re.match(r"^TY  - ", head):
        return _ris(text, str(path))
    return _plain(text, str(path))


def arxiv_id_in(*values: str) -> tuple[str, int | None] | None:
    """The first arXiv id among values (a DOI 10.48550/arXiv.…, a URL, ``arXiv:…``)."""
    for value in values:
        if not value:
            continue
        found = _ARXIV.search(value) or _BARE.match(value)
        if found:
            try:
                return split_arxiv_id(found.group(1))
            except ValueError:
                continue
    return None


def _add(library: Library, found, where: str, what: str) -> None:
    library.entries += 1
    if found is None:
        library.problems.append(Problem(where, f"{what}: no arXiv id in it; skipped"))
    elif found not in library.ids:
        library.ids.append(found)


def _bibtex(text: str, name: str) -> Library:
    library = Library()
    for match in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,(.*?)\n\s*\}\s*(?=@|\Z)", text, re.S):
        kind, key, body = match.groups()
        if kind.lower() in ("comment", "string", "preamble"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        fields = {k.lower(): v for k, v in re.findall(
            r"(\w+)\s*=\s*[{\"]((?:[^{}\"]|\{[^{}]*\})*)[}\"]", body)}
        archive = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
        eprint = fields.get("eprint", "") if archive in ("", "arxiv") else ""
        found = arxiv_id_in(eprint, fields.get("arxiv", ""), fields.get("url", ""),
                            fields.get("doi", ""), fields.get("journal", ""),
                            fields.get("note", ""))
        _add(library, found, f"{name}:{line}", f"entry {key}")
    return library


def _ris(text: str, name: str) -> Library:
    library = Library()
    values: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        tag, _, value = line.partition("  - ")
        if tag == "TY":
            values, start = [], number
        elif tag == "ER":
            _add(library, arxiv_id_in(*values), f"{name}:{start}", "record")
        elif tag in ("UR", "DO", "L1", "L2", "AN", "N1", "JO", "T2", "M1", "ID"):
            values.append(value.strip())
    return library


def _csl_json(text: str, name: str) -> Library:
    library = Library()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: not valid CSL-JSON ({exc.msg})") from None
    items = data if isinstance(data, list) else data.get("items", [])
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            _add(library, None, f"{name}: item {i + 1}", "item")
            continue
        key = str(item.get("id", i + 1))
        found = arxiv_id_in(str(item.get("URL", "")), str(item.get("DOI", "")),
                            str(item.get("number", "")), str(item.get("archive_location", "")),
                            str(item.get("note", "")), key)
        _add(library, found, f"{name}: item {key}", f"item {key}")
    return library


def _plain(text: str, name: str) -> Library:
    library = Library()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        _add(library, arxiv_id_in(line.strip()), f"{name}:{number}", repr(line.strip()[:60]))
    return library
