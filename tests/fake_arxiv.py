"""A real HTTP server on loopback that speaks like rss.arxiv.org and the export API.

Responses are built from Paper objects with lxml (so the XML is real and correctly
escaped) and can be preceded by scripted faults: a status with headers (429 +
Retry-After, 503), a delay longer than the client's timeout, or a body cut short
of its declared Content-Length.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from loopback import LoopbackServer, QuietHandler
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from arxiv_digest.models import Paper

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
DC = "http://purl.org/dc/elements/1.1/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def _sub(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        el.text = text
    return el


def atom_feed(category: str, day: date, items: list[tuple[Paper, str]]) -> bytes:
    """An rss.arxiv.org Atom feed (same structure as the recorded sample)."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "arxiv": ARXIV, "dc": DC})
    _sub(root, f"{{{ATOM}}}id", f"http://rss.arxiv.org/atom/{category}")
    _sub(root, f"{{{ATOM}}}title", f"{category} updates on arXiv.org")
    _sub(root, f"{{{ATOM}}}updated", f"{day.isoformat()}T04:00:19.866337+00:00")
    for paper, announce in items:
        entry = _sub(root, f"{{{ATOM}}}entry")
        _sub(entry, f"{{{ATOM}}}id", f"oai:arXiv.org:{paper.id}v{paper.version}")
        _sub(entry, f"{{{ATOM}}}title", paper.title)
        _sub(entry, f"{{{ATOM}}}link", href=f"https://arxiv.org/abs/{paper.id}", rel="alternate",
             type="text/html")
        _sub(entry, f"{{{ATOM}}}summary", f"arXiv:{paper.id}v{paper.version} Announce Type: "
                                          f"{announce} \nAbstract: {paper.abstract}")
        for cat in paper.categories:
            _sub(entry, f"{{{ATOM}}}category", term=cat)
        _sub(entry, f"{{{ATOM}}}published", f"{day.isoformat()}T00:00:00-04:00")
        _sub(entry, f"{{{ARXIV}}}announce_type", announce)
        _sub(entry, f"{{{DC}}}creator", ", ".join(paper.authors))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def rss_feed(category: str, pub_date: str, items: list[tuple[Paper, str]]) -> bytes:
    """An rss.arxiv.org RSS 2.0 feed (fields as documented for the RSS variant)."""
    root = etree.Element("rss", version="2.0", nsmap={"arxiv": ARXIV, "dc": DC})
    channel = _sub(root, "channel")
    _sub(channel, "title", f"{category} updates on arXiv.org")
    _sub(channel, "link", f"http://rss.arxiv.org/rss/{category}")
    _sub(channel, "lastBuildDate", pub_date)
    _sub(channel, "pubDate", pub_date)
    skip = _sub(channel, "skipDays")
    _sub(skip, "day", "Saturday")
    _sub(skip, "day", "Sunday")
    for paper, announce in items:
        item = _sub(channel, "item")
        _sub(item, "title", paper.title)
        _sub(item, "link", f"https://arxiv.org/abs/{paper.id}")
        _sub(item, "description", f"arXiv:{paper.id}v{paper.version} Announce Type: {announce} "
                                  f"\nAbstract: {paper.abstract}")
        _sub(item, "guid", f"oai:arXiv.org:{paper.id}v{paper.version}", isPermaLink="false")
        for cat in paper.categories:
            _sub(item, "category", cat)
        _sub(item, "pubDate", pub_date)
        _sub(item, f"{{{ARXIV}}}announce_type", announce)
        _sub(item, f"{{{DC}}}creator", ", ".join(paper.authors))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def api_response(papers: list[Paper]) -> bytes:
    """An export-API Atom response (same structure as the recorded samples)."""
    root = etree.Element(f"{{{ATOM}}}feed",
                         nsmap={None: ATOM, "arxiv": ARXIV, "opensearch": OPENSEARCH})
    _sub(root, f"{{{ATOM}}}id", "https://arxiv.org/api/test")
    _sub(root, f"{{{ATOM}}}title", "arXiv Query")
    _sub(root, f"{{{OPENSEARCH}}}itemsPerPage", str(len(papers)))
    _sub(root, f"{{{OPENSEARCH}}}totalResults", str(len(papers)))
    _sub(root, f"{{{OPENSEARCH}}}startIndex", "0")
    for paper in papers:
        entry = _sub(root, f"{{{ATOM}}}entry")
        _sub(entry, f"{{{ATOM}}}id", f"http://arxiv.org/abs/{paper.id}v{paper.version}")
        _sub(entry, f"{{{ATOM}}}title", paper.title)
        _sub(entry, f"{{{ATOM}}}summary", paper.abstract)
        for name in paper.authors:
            author = _sub(entry, f"{{{ATOM}}}author")
            _sub(author, f"{{{ATOM}}}name", name)
        _sub(entry, f"{{{ATOM}}}link", href=f"https://arxiv.org/abs/{paper.id}v{paper.version}",
             rel="alternate", type="text/html")
        _sub(entry, f"{{{ATOM}}}link", href=f"https://arxiv.org/pdf/{paper.id}v{paper.version}",
             rel="related", type="application/pdf", title="pdf")
        if paper.comment:
            _sub(entry, f"{{{ARXIV}}}comment", paper.comment)
        if paper.journal_ref:
            _sub(entry, f"{{{ARXIV}}}journal_ref", paper.journal_ref)
        if paper.doi:
            _sub(entry, f"{{{ARXIV}}}doi", paper.doi)
        _sub(entry, f"{{{ARXIV}}}primary_category", term=paper.categories[0])
        for cat in paper.categories:
            _sub(entry, f"{{{ATOM}}}category", term=cat, scheme="http://arxiv.org/schemas/atom")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0          # seconds before answering (to trip the client's timeout)
    truncate: bool = False      # declare more bytes than are sent, then close
    passthrough: bool = False   # answer normally (lets a later request in the queue fail)


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class FakeArxiv(LoopbackServer):
    """Serves ``/atom/<cat>``, ``/rss/<cat>`` and ``/api/query`` from a day's papers."""

    def __init__(self):
        self.feeds: dict[str, bytes] = {}
        self.papers: dict[str, Paper] = {}
        self.faults: dict[str, list[Fault]] = {}   # path prefix -> faults served first, in order
        self.requests: list[Seen] = []
        self.unknown_ids: set[str] = set()         # ids the API pretends not to know
        self.refused_ids: set[str] = set()         # a request naming one is answered 400
        super().__init__()

    def serve_day(self, day: date, listing: dict[str, list[tuple[Paper, str]]]) -> None:
        for category, items in listing.items():
            self.feeds[category] = atom_feed(category, day, items)
            for paper, _ in items:
                self.papers[paper.id] = paper

    def fail(self, prefix: str, *faults: Fault) -> None:
        self.faults.setdefault(prefix, []).extend(faults)

    def api_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.path == "/api/query"]

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path.startswith("/atom/"):
            body = self.feeds.get(path.removeprefix("/atom/"))
            return (200, body) if body is not None else (404, b"no such feed")
        if path == "/api/query":
            ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
            if len(ids) > 100:
                return 400, b"too many ids"
            if self.refused_ids.intersection(ids):
                return 400, b"refused"
            found = [self.papers[i] for i in ids if i in self.papers and i not in self.unknown_ids]
            return 200, api_response(found)
        return 404, b"not found"

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                server.requests.append(Seen(parts.path, parse_qs(parts.query), dict(self.headers)))
                fault = None
                for prefix, queue in server.faults.items():
                    if parts.path.startswith(prefix) and queue:
                        fault = queue.pop(0)
                        break
                if fault is not None and not fault.passthrough:
                    if fault.delay:
                        threading.Event().wait(fault.delay)
                    self._send(fault.status, fault.body, fault.headers, fault.truncate)
                    return
                status, body = server._answer(parts.path, parse_qs(parts.query))
                self._send(status, body, {"Content-Type": "application/atom+xml"}, False)

            def _send(self, status, body, headers, truncate):
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body) + (500 if truncate else 0)))
                    if truncate:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                    if truncate:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
