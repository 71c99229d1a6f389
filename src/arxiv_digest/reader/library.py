"""A reader's library, as exported by a reference manager: arXiv ids from BibTeX
(``eprint``, ``arxiv``, ``arxivid``, ``url``, ``doi``, ``journal``, ``note``,
``howpublished`` fields), RIS (``UR``, ``DO``, ``L1``…, ``AN``), CSL-JSON (Zotero's and
Better BibTeX's exports: ``URL``, ``DOI``, ``number``, ``archive_location``, ``note``,
``id``), or a plain list of ids or arXiv URLs.

The file is untrusted input. Every reader here works in time linear in the file (no
pattern that backtracks over a field, no search that starts again from the top), and in
memory bounded by the limits below. An id counts only when ``split_arxiv_id`` accepts
it, and a URL only by its parsed host (arxiv.org or a subdomain, or doi.org for arXiv's
DOIs; http or https), judged as links are judged everywhere (``links.parse``).

Every entry is counted once, as an id (the first of a paper; a later one is
``repeated``), as one without an arXiv id, or as bad (not closed, malformed, a field over
its limit, an id that breaks arXiv's rules); each of the last two is reported as
``FILE:LINE: what is wrong`` with the line where the entry starts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from arxiv_digest.errors import InputError
from arxiv_digest.text.links import find_links, host_matches, parse
from arxiv_digest.models import ID_SHAPE, Problem, shown, split_arxiv_id

MAX_LIBRARY_BYTES = 64 * 1024 * 1024   # a 50,000-entry Zotero export with abstracts is ~60 MB
MAX_FIELD_CHARS = 1_000_000            # one field (or RIS/list line); abstracts are ~2,000
MAX_PAPERS = 200_000                   # distinct arXiv papers in one import
MAX_PROBLEMS_KEPT = 1_000              # reported one by one; the rest are counted

_ID_FIELDS = ("eprint", "arxiv", "arxivid", "url", "doi", "journal", "note", "howpublished")
_KEPT_FIELDS = frozenset(_ID_FIELDS + ("archiveprefix", "eprinttype"))
_RIS_TAGS = ("UR", "DO", "L1", "L2", "L4", "AN", "N1", "JO", "T2", "M1", "ID")
_CSL_FIELDS = ("URL", "DOI", "number", "archive_location", "note")

_WHOLE_ID = re.compile(rf"(?i:arxiv:)?\s*({ID_SHAPE})")
_WHOLE_DOI = re.compile(rf"(?i:doi:)?\s*10\.48550/(?i:arxiv)\.({ID_SHAPE})")
_IN_TEXT = re.compile(rf"(?<![\w/.:-])(?:(?i:arxiv)(?::\s*|\s+)|10\.48550/(?i:arxiv)\.)"
                      rf"({ID_SHAPE})(?!\w|\.\w)")
_ARXIV_PATH = re.compile(rf"/(?i:abs|pdf|html)/({ID_SHAPE})(?:\.pdf)?/?")
_DOI_PATH = re.compile(rf"/10\.48550/(?i:arxiv)\.({ID_SHAPE})")
_DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Library:
    """What a library file holds: each paper once, and what could not be read."""

    ids: list[tuple[str, int | None]] = field(default_factory=list)   # (id, version or None)
    problems: list[Problem] = field(default_factory=list)   # the first MAX_PROBLEMS_KEPT
    entries: int = 0
    without_id: int = 0          # entries with no arXiv id in them
    bad: int = 0                 # entries that could not be read, or with a wrong id
    repeated: int = 0            # entries for a paper an earlier entry already gave
    _seen: set[str] = field(default_factory=set, repr=False)

    @property
    def problem_count(self) -> int:
        return self.without_id + self.bad

    def entry(self, where: str, what: str, found: tuple[str, int | None] | None,
              wrong: str = "") -> None:
        """One entry: its paper, or why it has none."""
        self.entries += 1
        if found is not None:
            if found[0] in self._seen:
                self.repeated += 1
                return
            if len(self.ids) >= MAX_PAPERS:
                raise InputError(f"{where}: more than {MAX_PAPERS:,} arXiv papers in one "
                                 "library; import it in parts")
            self._seen.add(found[0])
            self.ids.append(found)
        elif wrong:
            self.bad_entry(where, f"{what}: {wrong}", counted=True)
        else:
            self.without_id += 1
            self._report(where, f"{what}: no arXiv id in it; skipped")

    def bad_entry(self, where: str, reason: str, counted: bool = False) -> None:
        if not counted:
            self.entries += 1
        self.bad += 1
        self._report(where, f"{reason}; skipped")

    def _report(self, where: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(where, reason))


def read_library(path: Path) -> Library:
    """The arXiv ids of a library file, whatever its format (recognised by content)."""
    text = _read_text(Path(path))
    name = str(path)
    start = re.compile(r"\s*").match(text).end()
    head = text[start:start + 200]
    if head.startswith(("@", "%")):
        return _Bibtex(text, name).read()
    if head.startswith(("[", "{")):
        return _csl_json(text, name)
    if re.match(r"TY  -", head):
        return _ris(text, name)
    return _plain(text, name)


def _read_text(path: Path) -> str:
    """The file as text: at most MAX_LIBRARY_BYTES of UTF-8 (a BOM is dropped)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIBRARY_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_LIBRARY_BYTES:
        raise InputError(f"{path}: over the limit of {MAX_LIBRARY_BYTES // 2**20} MiB for a "
                         "library file; export it in parts")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         "export the library as UTF-8") from None


# --- finding an id -------------------------------------------------------------------

def arxiv_id_in(*values: str) -> tuple[tuple[str, int | None] | None, str]:
    """The first arXiv id among values (an id, ``arXiv:…``, a DOI 10.48550/arXiv.…, an
    arxiv.org or doi.org URL, or one of these in prose), else None and, when something
    looked like an id but breaks arXiv's rules, what is wrong with the first such."""
    wrong = ""
    for value in values:
        for candidate in _candidates(value.strip() if value else ""):
            try:
                return split_arxiv_id(candidate), ""
            except ValueError as exc:
                wrong = wrong or str(exc)
    return None, wrong


def _candidates(value: str) -> Iterator[str]:
    """What in ``value`` is meant as an arXiv id, most direct first."""
    if not value:
        return
    whole = _WHOLE_ID.fullmatch(value) or _WHOLE_DOI.fullmatch(value)
    if whole:
        yield whole.group(1)
        return
    if not any(c.isspace() for c in value):
        found = _id_in_url(value)
        if found:
            yield found
    for url in find_links(value):
        found = _id_in_url(url)
        if found:
            yield found
    for match in _IN_TEXT.finditer(value):
        yield match.group(1)


def _id_in_url(url: str) -> str | None:
    """The id in an http(s) URL on arxiv.org (or a subdomain) or of an arXiv DOI."""
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(0).lower() not in ("http:", "https:"):
        return None
    parsed = parse(url)
    if parsed is None:
        return None
    full, host = parsed
    path = unquote(urlsplit(full).path)
    if host_matches(host, "arxiv.org"):
        match = _ARXIV_PATH.fullmatch(path)
    elif host in _DOI_HOSTS:
        match = _DOI_PATH.fullmatch(path)
    else:
        return None
    return match.group(1) if match else None


# --- BibTeX --------------------------------------------------------------------------

_HEADER = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(])", re.ASCII)
_LINE_HEADER = re.compile(r"^[ \t]*(@)[ \t]*[A-Za-z][\w-]*\s*[{(]", re.ASCII | re.M)
_SPACE = re.compile(r"\s*")
_KEY = re.compile(r"\s*([^\s,{}()\"=#@]*)\s*")
_NAME = re.compile(r"([A-Za-z_][\w:.+/-]*)\s*=\s*", re.ASCII)
_BARE_VALUE = re.compile(r"[\w:.+/-]+", re.ASCII)
# A field whose value is one piece without inner braces, with the comma after it.
_SIMPLE_FIELD = re.compile(r"\s*([A-Za-z_][\w:.+/-]*)\s*=\s*"
                           r"(?:\{([^{}]*)\}|\"([^{}\"]*)\"|([\w:.+/-]+))\s*(?:,|(?=[})]))",
                           re.ASCII)
_QUOTED = re.compile(r"[{}\"]")
_CLOSES = re.compile(r"\}+")


def _nested(depth: int) -> str:
    """Text with braces balanced to ``depth`` levels, matched without backtracking."""
    inner = r"[^{}]*+"
    for _ in range(depth):
        inner = rf"(?:[^{{}}]++|\{{{inner}\}})*+"
    return inner


_BALANCED = re.compile(rf"\{{{_nested(4)}\}}")
_BALANCED_QUOTE = re.compile(rf'"(?:[^{{}}"]++|\{{{_nested(3)}\}})*+"')
_SKIPPED_KINDS = ("comment", "preamble", "string")


class _Bad(Exception):
    """An entry that cannot be read; ``resume`` is where reading goes on."""

    def __init__(self, reason: str, resume: int):
        super().__init__(reason)
        self.reason, self.resume = reason, resume


class _Bibtex:
    """One pass over a BibTeX file. An entry runs from ``@type{`` to its matching close;
    a line that starts a new entry (``@type{`` at the start of a line) before the close
    means the entry is not closed, and reading goes on from that line."""

    def __init__(self, text: str, name: str):
        self.text, self.name = text, name
        self.library = Library()
        self._line_at, self._line = 0, 1          # newlines counted up to _line_at
        self._next_header = -1                    # the next line that starts an entry

    def read(self) -> Library:
        text, pos = self.text, 0
        while (at := text.find("@", pos)) >= 0:
            header = _HEADER.match(text, at)
            if header is None:
                pos = at + 1                      # an @ in text between entries
                continue
            pos = self._entry(at, header)
        return self.library

    def line(self, pos: int) -> int:
        """The line of ``pos`` (positions asked for only grow, so counting is linear)."""
        if pos < self._line_at:
            return self.text.count("\n", 0, pos) + 1
        self._line += self.text.count("\n", self._line_at, pos)
        self._line_at = pos
        return self._line

    def _limit(self, at: int) -> int:
        """Where the next line that starts an entry begins (or the end of the text)."""
        if self._next_header <= at:
            found = _LINE_HEADER.search(self.text, at + 1)
            self._next_header = found.start(1) if found else len(self.text)
        return self._next_header

    def _entry(self, at: int, header: re.Match) -> int:
        """Read the entry at ``at``; return where reading goes on."""
        kind, close = header.group(1).lower(), "}" if header.group(2) == "{" else ")"
        limit = self._limit(at)
        where = f"{self.name}:{self.line(at)}"
        if kind in _SKIPPED_KINDS:
            end = self._close_of_skipped(header.end(), limit, close)
            return limit if end is None else end + 1
        found = _KEY.match(self.text, header.end(), limit)
        key = found.group(1)
        try:
            pos = self._after_key(found, limit, close)
            if pos == found.start(1):
                key = ""                          # what looked like the key is a field
            fields, oversize, end = self._fields(pos, limit, close)
        except _Bad as bad:
            self.library.bad_entry(where, f"entry {_key_shown(key)}{bad.reason}")
            return bad.resume
        if oversize:
            self.library.bad_entry(where, f"entry {_key_shown(key)}: {oversize}")
        else:
            self.library.entry(where, f"entry {_key_shown(key)}", *_bibtex_id(fields))
        return end + 1

    def _after_key(self, key: re.Match, limit: int, close: str) -> int:
        """Where the fields begin, after the key and its comma."""
        pos = key.end()
        after = self.text[pos] if pos < limit else ""
        if after == ",":
            return pos + 1
        if after == close:
            return pos
        if after == "=" and key.group(1):
            return key.start(1)                   # no key: the fields begin at once
        if not after:
            raise self._unclosed(limit)
        raise _Bad(f": expected ',' after the key, found {after!r}", limit)

    def _fields(self, pos: int, limit: int, close: str) -> tuple[dict[str, str], str, int]:
        """The entry's fields (those that may hold an id), the first field over its
        limit, and the position of the entry's close."""
        text, fields, oversize = self.text, {}, ""
        while True:
            simple = _SIMPLE_FIELD.match(text, pos, limit)
            if simple is not None:            # most fields: one piece, no inner braces
                pos, name = simple.end(), simple.group(1).lower()
                start, end = simple.span(simple.lastindex)
                if end - start > MAX_FIELD_CHARS or oversize:
                    oversize = oversize or _over(name, end - start)
                elif name in _KEPT_FIELDS:
                    fields[name] = text[start:end]
                continue
            pos = _SPACE.match(text, pos, limit).end()
            if pos >= limit:
                raise self._unclosed(limit)
            if text[pos] == close:
                return fields, oversize, pos
            found = _NAME.match(text, pos, limit)
            if found is None:
                raise _Bad(f": expected a field name at line {self.line(pos)}, found "
                           f"{text[pos]!r}", limit)
            name = found.group(1).lower()
            pieces, pos = self._value(found.end(), limit, name)
            size = sum(end - start for start, end in pieces)
            if size > MAX_FIELD_CHARS or oversize:
                oversize = oversize or _over(name, size)
            elif name in _KEPT_FIELDS:
                value = " ".join(text[start:end] for start, end in pieces)
                fields[name] = value.replace("{", " ").replace("}", " ")
            if pos < limit and text[pos] == ",":
                pos += 1
            elif pos < limit and text[pos] != close:
                raise _Bad(f": expected ',' or {close!r} after field {name!r} at line "
                           f"{self.line(pos)}, found {text[pos]!r}", limit)

    def _value(self, pos: int, limit: int, name: str) -> tuple[list[tuple[int, int]], int]:
        """The spans of a value's pieces (joined by ``#``) and where it ends."""
        text, pieces = self.text, []
        while True:
            if pos >= limit:
                raise self._unclosed(limit)
            bare = _BARE_VALUE.match(text, pos, limit)
            if text[pos] in "{\"":
                end = (_matching_brace if text[pos] == "{" else _closing_quote)(text, pos, limit)
                if end is None:
                    raise self._unclosed(limit)
                pieces.append((pos + 1, end))
            elif bare is not None:
                end = bare.end() - 1
                pieces.append((pos, bare.end()))
            else:
                raise _Bad(f": field {name!r} has no value at line {self.line(pos)}", limit)
            pos = _SPACE.match(text, end + 1, limit).end()
            if pos >= limit or text[pos] != "#":
                return pieces, pos
            pos = _SPACE.match(text, pos + 1, limit).end()

    def _close_of_skipped(self, pos: int, limit: int, close: str) -> int | None:
        """The close of an ``@comment``/``@string``/``@preamble`` (None when unclosed)."""
        if close == "}":
            return _matching_brace(self.text, pos - 1, limit)
        found = self.text.find(")", pos, limit)
        return found if found >= 0 else None

    def _unclosed(self, limit: int) -> _Bad:
        before = (f"the next entry at line {self.line(limit)}" if limit < len(self.text)
                  else "the end of the file")
        return _Bad(f" is not closed (no closing brace before {before})", limit)


def _matching_brace(text: str, pos: int, limit: int) -> int | None:
    """The ``}`` that closes the ``{`` at ``pos``, before ``limit``. Braces nested up to
    five deep are matched by one pattern; deeper ones by runs (each run of ``{`` or of
    ``}`` is one step), so the work stays linear however they are nested."""
    found = _BALANCED.match(text, pos, limit)
    if found is not None:
        return found.end() - 1
    depth = 0
    while (close := text.find("}", pos, limit)) >= 0:
        depth += text.count("{", pos, close)
        run = _CLOSES.match(text, close, limit).end() - close
        if run >= depth:
            return close + depth - 1
        depth, pos = depth - run, close + run
    return None


def _closing_quote(text: str, pos: int, limit: int) -> int | None:
    """The ``"`` that closes the quoted value at ``pos`` (braces inside must balance)."""
    found = _BALANCED_QUOTE.match(text, pos, limit)
    if found is not None:
        return found.end() - 1
    depth = 0
    for mark in _QUOTED.finditer(text, pos + 1, limit):
        char = mark.group(0)
        if char == '"' and depth == 0:
            return mark.start()
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            raise _Bad(": a quoted value has a '}' that closes nothing", limit)
    return None


def _over(name: str, size: int) -> str:
    return f"field {name!r} is {size:,} characters, over the limit of {MAX_FIELD_CHARS:,}"


def _key_shown(key: str) -> str:
    if not key:
        return "without a key"
    return key if re.fullmatch(r"[\w:.+/-]{1,80}", key, re.ASCII) else shown(key)


def _bibtex_id(fields: dict[str, str]) -> tuple[tuple[str, int | None] | None, str]:
    archive = fields.get("archiveprefix", fields.get("eprinttype", "")).strip().lower()
    eprint = fields.get("eprint", "") if archive in ("", "arxiv") else ""
    return arxiv_id_in(eprint, *(fields.get(name, "") for name in _ID_FIELDS[1:]))


# --- RIS and plain lists ---------------------------------------------------------------

_RIS_LINE = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?", re.ASCII | re.S)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) for each line, without its end; one line in memory at a time."""
    pos, number = 0, 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        yield number, text[pos:end].rstrip("\r")
        pos, number = end + 1, number + 1


def _ris(text: str, name: str) -> Library:
    library = Library()
    values: list[str] = []
    start, oversize = 0, ""                          # start: the open record's line (0: none)
    for number, line in _lines(text):
        match = _RIS_LINE.fullmatch(line) if len(line) <= MAX_FIELD_CHARS else None
        tag = match.group(1) if match else ""
        if len(line) > MAX_FIELD_CHARS and start and not oversize:
            oversize = (f"line {number} is {len(line):,} characters, over the limit of "
                        f"{MAX_FIELD_CHARS:,}")
        if tag == "TY":
            if start:
                library.bad_entry(f"{name}:{start}", "record is not closed (no 'ER  - ' "
                                  f"before the next 'TY  - ' at line {number})")
            values, start, oversize = [], number, ""
        elif tag == "ER" and start:
            where = f"{name}:{start}"
            if oversize:
                library.bad_entry(where, f"record: {oversize}")
            else:
                library.entry(where, "record", *arxiv_id_in(*values))
            start = 0
        elif tag in _RIS_TAGS and start:
            values.append((match.group(2) or "").strip())
    if start:
        library.bad_entry(f"{name}:{start}", "record is not closed (no 'ER  - ' before the "
                          "end of the file)")
    return library


def _plain(text: str, name: str) -> Library:
    library = Library()
    for number, line in _lines(text):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{name}:{number}"
        if len(line) > MAX_FIELD_CHARS:
            library.bad_entry(where, f"line of {len(line):,} characters, over the limit of "
                              f"{MAX_FIELD_CHARS:,}")
        else:
            library.entry(where, shown(line), *arxiv_id_in(line))
    return library


# --- CSL-JSON ------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _CslJson:
    """A CSL-JSON document (a list of items, or an object with an ``items`` list) read
    item by item, so that each item is known by its line and only one is built at a
    time. A document that is not valid JSON is refused whole."""

    def __init__(self, text: str, name: str):
        self.text, self.name = text, name
        self.library = Library()
        self.decoder = json.JSONDecoder()
        self._line_at, self._line = 0, 1

    def read(self) -> Library:
        pos = self._space(0)
        if self.text.startswith("[", pos):
            pos = self._items(pos)
        else:
            pos = self._wrapper(pos)
        if self._space(pos) < len(self.text):
            self._fail(self._space(pos), "unexpected data after the end of the document")
        return self.library

    def line(self, pos: int) -> int:
        self._line += self.text.count("\n", self._line_at, pos)
        self._line_at = pos
        return self._line

    def _space(self, pos: int) -> int:
        return _JSON_SPACE.match(self.text, pos).end()

    def _fail(self, pos: int, what: str):
        line = self.text.count("\n", 0, pos) + 1
        raise InputError(f"{self.name}:{line}: not valid CSL-JSON ({what}); nothing was "
                         "imported")

    def _decode(self, pos: int) -> tuple[object, int]:
        try:
            return self.decoder.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            self._fail(exc.pos, exc.msg)
        except RecursionError:
            self._fail(pos, "nested too deeply")

    def _expect(self, pos: int, chars: str) -> tuple[str, int]:
        pos = self._space(pos)
        char = self.text[pos:pos + 1]
        if not char or char not in chars:
            self._fail(pos, f"expected {' or '.join(repr(c) for c in chars)}")
        return char, pos + 1

    def _wrapper(self, pos: int) -> int:
        """An object: its ``items`` member is read item by item, the others skipped."""
        _, pos = self._expect(pos, "{")
        seen = False
        if self.text.startswith("}", self._space(pos)):
            pos = self._space(pos) + 1
        else:
            while True:
                key_at = self._space(pos)
                if not self.text.startswith('"', key_at):
                    self._fail(key_at, "expected a property name in double quotes")
                key, pos = self._decode(key_at)
                _, pos = self._expect(pos, ":")
                pos = self._space(pos)
                if key == "items":
                    if seen or not self.text.startswith("[", pos):
                        self._fail(pos, "'items' must be one list of items" if not seen
                                   else "'items' is given twice")
                    pos, seen = self._items(pos), True
                else:
                    _, pos = self._decode(pos)
                char, pos = self._expect(pos, ",}")
                if char == "}":
                    break
        if not seen:
            self._fail(0, "expected a list of items, or an object with an 'items' list")
        return pos

    def _items(self, pos: int) -> int:
        """The list at ``pos``; each item is judged as it is read."""
        pos = self._space(pos + 1)
        if self.text.startswith("]", pos):
            return pos + 1
        number = 0
        while True:
            pos = self._space(pos)
            item, end = self._decode(pos)
            number += 1
            self._item(item, number, f"{self.name}:{self.line(pos)}")
            char, pos = self._expect(end, ",]")
            if char == "]":
                return pos

    def _item(self, item: object, number: int, where: str) -> None:
        if not isinstance(item, dict):
            self.library.bad_entry(where, f"item {number}: not a CSL item (a JSON object)")
            return
        key = item.get("id")
        what = f"item {_key_shown(str(key))}" if isinstance(key, (str, int)) and \
            not isinstance(key, bool) else f"item {number}"
        over = next((k for k, v in item.items()
                     if isinstance(v, str) and len(v) > MAX_FIELD_CHARS), None)
        if over is not None:
            self.library.bad_entry(where, f"{what}: field {_key_shown(str(over))} is "
                                   f"{len(item[over]):,} characters, over the limit of "
                                   f"{MAX_FIELD_CHARS:,}")
            return
        values = [_csl_text(item.get(name)) for name in _CSL_FIELDS]
        self.library.entry(where, what, *arxiv_id_in(*values, _csl_text(key)))


def _csl_text(value: object) -> str:
    """A CSL field as text: strings and numbers only (nothing nested is looked into)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _csl_json(text: str, name: str) -> Library:
    return _CslJson(text, name).read()
