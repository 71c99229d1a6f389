"""Pipeline stage: enrich the shortlist (about the top 15), never the whole day.

Sources, each optional and fault-tolerant: the arXiv HTML full text (PDF when there is
none), GitHub repository statistics for code links, Hugging Face paper pages
(upvotes, comments), and Semantic Scholar author statistics. Every request goes
through the one HTTP client (its rate limits, retries and on-disk cache). The sources
run side by side, one thread each, so the slowest source bounds the time. A source
that fails, times out or is rate-limited is reported and skipped: enrichment never
blocks or fails a run.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from arxiv_digest.config import Settings
from arxiv_digest.enrich.fulltext import FullText, parse_latexml, parse_pdf
from arxiv_digest.errors import DigestError
from arxiv_digest.http import HttpClient, HttpStatusError
from arxiv_digest.text.links import code_url, github_repo
from arxiv_digest.models import Paper

DAY = 24 * 3600
_PAPER_ID = re.compile(r"[0-9]{4}\.[0-9]{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/[0-9]{7}", re.ASCII)
OFFLINE_AFTER = 2        # papers in a row a source could not reach before it stops asking


@dataclass
class CodeStats:
    url: str
    stars: int | None = None
    forks: int | None = None
    pushed_at: str | None = None       # last push, ISO date
    license: str | None = None
    archived: bool = False
    dead: bool = False                 # the link answers 404


@dataclass
class Community:
    upvotes: int
    comments: int | None = None


@dataclass
class AuthorStats:
    max_h_index: int | None
    max_citations: int | None
    authors_found: int


@dataclass
class Enrichment:
    fulltext: FullText | None = None
    code: CodeStats | None = None
    community: Community | None = None
    authors: AuthorStats | None = None


@dataclass
class EnrichReport:
    papers: dict[str, Enrichment] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)


# Seconds between two requests to one service (each service is asked by one thread).
POLITE_INTERVALS = {"arxiv-html": 1.0, "github": 0.5, "huggingface": 0.5, "semanticscholar": 1.0}


def enrichment_client(settings: Settings, **overrides) -> HttpClient:
    options = dict(user_agent=settings.user_agent, cache_dir=settings.cache_dir,
                   timeout=settings.enrich.timeout, retries=settings.enrich.retries,
                   min_intervals=dict(POLITE_INTERVALS))
    options.update(overrides)
    return HttpClient(**options)


def _why(exc: Exception) -> str:
    """A short reason for the colophon (no URLs of this machine)."""
    if isinstance(exc, HttpStatusError):
        return f"HTTP {exc.status}"
    match = re.search(r"\(last: (.*?)\); ", str(exc))
    if match:
        return f"unreachable ({match.group(1)})"
    if isinstance(exc, DigestError):
        return str(exc).split(";")[0].split(": ", 1)[-1][:80]
    return type(exc).__name__


def _fulltext(settings: Settings, client: HttpClient, paper: Paper) -> tuple[FullText | None, str | None]:
    values = {"id": paper.id, "version": paper.version}
    url = settings.enrich.html_url.format(**values)
    try:
        body = client.get(url, service="arxiv-html", max_age=30 * DAY,
                          validate=lambda b: parse_latexml(b, url))
        return parse_latexml(body, url), None
    except HttpStatusError as exc:
        if exc.status != 404:
            return None, f"arXiv HTML for {paper.id}: {_why(exc)}"
    except (DigestError, ValueError) as exc:
        return None, f"arXiv HTML for {paper.id}: {_why(exc)}"
    pdf_url = settings.enrich.pdf_url.format(**values)
    try:
        body = client.get(pdf_url, service="arxiv-html", max_age=30 * DAY,
                          validate=lambda b: parse_pdf(b, pdf_url))
        return parse_pdf(body, pdf_url), None
    except (DigestError, ValueError) as exc:
        return None, f"full text of {paper.id}: no HTML, and the PDF failed ({_why(exc)})"


def _code(settings: Settings, client: HttpClient, paper: Paper, state: dict) -> tuple[CodeStats | None, str | None]:
    url = code_url(paper)
    repo_of = github_repo(url)
    if repo_of is None:
        return None, None
    if state.get("limited"):
        return None, f"GitHub statistics for {paper.id}: rate limit reached"
    owner, repo = repo_of
    api = f"{settings.enrich.github_api.rstrip('/')}/repos/{owner}/{repo}"
    token = os.environ.get("GITHUB_TOKEN")
    headers = {"Accept": "application/vnd.github+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"   # optional: a higher rate limit
    try:
        data = json.loads(client.get(api, service="github", max_age=DAY, headers=headers,
                                     validate=lambda b: json.loads(b)["stargazers_count"]))
    except HttpStatusError as exc:
        if exc.status == 404:
            return CodeStats(url, dead=True), f"code link of {paper.id} is dead: {url}"
        if exc.status in (403, 429):
            state["limited"] = True
            return None, f"GitHub statistics for {paper.id}: rate limit reached"
        return None, f"GitHub statistics for {paper.id}: {_why(exc)}"
    except (DigestError, ValueError, KeyError, TypeError) as exc:
        return None, f"GitHub statistics for {paper.id}: {_why(exc)}"
    license_info = data.get("license") or {}
    pushed = (data.get("pushed_at") or "")[:10] or None
    return CodeStats(url, int(data.get("stargazers_count") or 0), int(data.get("forks_count") or 0),
                     pushed, license_info.get("spdx_id") or license_info.get("name"),
                     bool(data.get("archived"))), None


def _community(settings: Settings, client: HttpClient, paper: Paper) -> tuple[Community | None, str | None]:
    url = f"{settings.enrich.hf_api.rstrip('/')}/papers/{paper.id}"
    try:
        data = json.loads(client.get(url, service="huggingface", max_age=DAY,
                                     validate=lambda b: json.loads(b)["upvotes"]))
    except HttpStatusError as exc:
        if exc.status == 404:
            return None, None          # no Hugging Face page: not a failure
        return None, f"Hugging Face page of {paper.id}: {_why(exc)}"
    except (DigestError, ValueError, KeyError, TypeError) as exc:
        return None, f"Hugging Face page of {paper.id}: {_why(exc)}"
    comments = data.get("numComments", data.get("comments"))
    return Community(int(data["upvotes"]), int(comments) if isinstance(comments, int) else None), None


def _authors(settings: Settings, client: HttpClient, paper: Paper) -> tuple[AuthorStats | None, str | None]:
    url = (f"{settings.enrich.s2_api.rstrip('/')}/paper/arXiv:{paper.id}"
           f"?fields=authors.hIndex,authors.citationCount")
    try:
        data = json.loads(client.get(url, service="semanticscholar", max_age=7 * DAY,
                                     validate=lambda b: json.loads(b)["authors"]))
    except HttpStatusError as exc:
        if exc.status == 404:
            return None, None
        return None, f"Semantic Scholar authors of {paper.id}: {_why(exc)}"
    except (DigestError, ValueError, KeyError, TypeError) as exc:
        return None, f"Semantic Scholar authors of {paper.id}: {_why(exc)}"
    authors = [a for a in data.get("authors") or [] if isinstance(a, dict)]
    h = [a["hIndex"] for a in authors if isinstance(a.get("hIndex"), int)]
    c = [a["citationCount"] for a in authors if isinstance(a.get("citationCount"), int)]
    return AuthorStats(max(h) if h else None, max(c) if c else None, len(authors)), None


def enrich(settings: Settings, papers: list[Paper], client: HttpClient | None = None) -> EnrichReport:
    """Enrich ``papers``; one thread per source, each source sequential and polite."""
    report = EnrichReport({p.id: Enrichment() for p in papers})
    own = client is None
    client = client or enrichment_client(settings)
    github_state: dict = {}
    sources = {
        "fulltext": lambda p: _fulltext(settings, client, p),
        "code": lambda p: _code(settings, client, p, github_state),
        "community": lambda p: _community(settings, client, p),
        "authors": lambda p: _authors(settings, client, p),
    }

    def run(name):
        out, offline = [], 0
        for paper in papers:
            if offline >= OFFLINE_AFTER:      # the network is down: stop asking
                out.append((None, f"{name} for {paper.id}: skipped, no network"))
                continue
            try:
                value, problem = sources[name](paper)
            except Exception as exc:   # a source's bug must not sink the digest
                value, problem = None, f"{name} for {paper.id}: {type(exc).__name__}"
            offline = offline + 1 if problem and kind_of(problem) == "no network" else 0
            out.append((value, problem))
        return name, out

    try:
        with ThreadPoolExecutor(max_workers=len(sources)) as pool:
            for name, results in pool.map(run, sources):
                for paper, (value, problem) in zip(papers, results):
                    setattr(report.papers[paper.id], name, value)
                    if problem:
                        report.unavailable.append(problem)
    finally:
        if own:
            client.close()
    return report


def kind_of(problem: str) -> str:
    """What kind of failure a reported problem is, for the colophon's summary."""
    if "connection failed" in problem or "no network" in problem:
        return "no network"
    if "timed out" in problem:
        return "timed out"
    if "rate limit" in problem:
        return "rate-limited"
    if "is dead" in problem:
        return "dead code link"
    status = re.search(r"HTTP (\d{3})", problem)
    return f"HTTP {status.group(1)}" if status else "unreadable answer"


_COUNTED = {"dead code link", "unreadable answer"}      # nouns: "2 dead code links"


def summarise(problems: list[str], papers: int) -> list[str]:
    """One colophon line for what enrichment could not get (details go to the console)."""
    if not problems:
        return []
    affected = {m.group(0) for m in (_PAPER_ID.search(p) for p in problems) if m}
    kinds = Counter(kind_of(p) for p in problems)
    if set(kinds) == {"no network"}:
        return [f"no network: enrichment skipped for {len(affected)} "
                f"{'paper' if len(affected) == 1 else 'papers'}"]
    parts = ", ".join(f"{n} {kind}{'s' if n > 1 and kind in _COUNTED else ''}"
                      for kind, n in sorted(kinds.items(), key=lambda k: (-k[1], k[0])))
    return [f"incomplete for {len(affected)} of {papers} papers ({parts})"]
