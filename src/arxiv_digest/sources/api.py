"""arXiv export-API Atom responses: full metadata for batches of ids.

The API is where comment, journal_ref, DOI, the primary category and the current
version come from. An error response (an entry whose id points at
``/api/errors``) becomes an :class:`InputError` carrying arXiv's message.
"""

from __future__ import annotations

from arxiv_digest.errors import InputError
from arxiv_digest.models import Paper, Problem, split_arxiv_id
from arxiv_digest.sources.jsonl import clean
from arxiv_digest.sources.xmlutil import NS, parse_xml, text_of

MAX_IDS_PER_REQUEST = 100


def api_params(ids: list[str]) -> dict[str, str]:
    if not 0 < len(ids) <= MAX_IDS_PER_REQUEST:
        raise ValueError(f"between 1 and {MAX_IDS_PER_REQUEST} ids per request, got {len(ids)}")
    return {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}


def parse_api(data: bytes, where: str) -> tuple[dict[str, Paper], list[Problem]]:
    """Papers by id (without version) from one export-API response."""
    root = parse_xml(data, where)
    if root.tag != f"{{{NS['atom']}}}feed":
        raise InputError(f"{where}: not an export-API Atom response (root <{root.tag}>)")
    papers: dict[str, Paper] = {}
    problems: list[Problem] = []
    for position, entry in enumerate(root.findall("atom:entry", NS), start=1):
        raw_id = (text_of(entry, "atom:id") or "").strip()
        if "/api/errors" in raw_id:
            message = clean(text_of(entry, "atom:summary")) or "unspecified error"
            raise InputError(f"{where}: the arXiv API reported an error: {message}")
        try:
            paper = _paper(entry, raw_id)
        except ValueError as exc:
            problems.append(Problem(f"{where}: entry {position}", f"{exc}; entry skipped"))
            continue
        papers[paper.id] = paper
    return papers, problems


def _paper(entry, raw_id: str) -> Paper:
    paper_id, version = split_arxiv_id(raw_id)
    title = clean(text_of(entry, "atom:title"))
    if not title:
        raise ValueError(f"{paper_id}: entry without a title")
    categories = [c.get("term") for c in entry.findall("atom:category", NS) if c.get("term")]
    primary = entry.find("arxiv:primary_category", NS)
    if primary is not None and primary.get("term"):
        categories = [primary.get("term")] + [c for c in categories if c != primary.get("term")]
    links = {"abs": f"https://arxiv.org/abs/{paper_id}"}
    for link in entry.findall("atom:link", NS):
        if link.get("title") == "pdf":
            links["pdf"] = link.get("href")
        elif link.get("title") == "doi":
            links["doi"] = link.get("href")
    return Paper(
        id=paper_id, version=version or 1, title=title,
        authors=[clean(a.text) for a in entry.findall("atom:author/atom:name", NS) if clean(a.text)],
        abstract=clean(text_of(entry, "atom:summary")) or "",
        categories=list(dict.fromkeys(categories)),
        comment=clean(text_of(entry, "arxiv:comment")),
        journal_ref=clean(text_of(entry, "arxiv:journal_ref")),
        doi=clean(text_of(entry, "arxiv:doi")),
        links=links,
    )
