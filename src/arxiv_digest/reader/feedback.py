"""What the reader says: likes and dislikes (by id, with or without a version) and a
library imported as likes. Papers the store does not hold are fetched from the export API
in batches through the one HTTP client (cached); offline, a like is refused with what to
do, and a library's missing papers are reported as waiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from arxiv_digest.config import Settings
from arxiv_digest.errors import DigestError, NetworkError
from arxiv_digest.reader.library import read_library
from arxiv_digest.models import Feedback, Paper, Problem, split_arxiv_id
from arxiv_digest.store import Store

LIKE, DISLIKE = Feedback.LIKE, Feedback.DISLIKE


@dataclass
class FeedbackReport:
    recorded: list[str] = field(default_factory=list)      # ids whose feedback changed
    unchanged: list[str] = field(default_factory=list)
    fetched: int = 0
    waiting: list[str] = field(default_factory=list)       # not in the store, not fetched
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0                                  # problems counted, not listed
    entries: int = 0                # a library's entries: recorded + unchanged + waiting
    without_id: int = 0             # + without_id + bad + repeated
    bad: int = 0
    repeated: int = 0


def parse_ids(raw_ids: list[str]) -> list[tuple[str, int | None]]:
    out = []
    for raw in raw_ids:
        try:
            out.append(split_arxiv_id(raw))
        except ValueError as exc:
            raise DigestError(f"{exc}; give ids such as 2605.19262 or 2605.19262v2") from None
    return out


def give(settings: Settings, store: Store, profile: str, raw_ids: list[str], kind: str,
         client=None, fetch: bool = True) -> FeedbackReport:
    """Like or dislike papers; one not in the store is fetched (``fetch``) or refused."""
    wanted = parse_ids(raw_ids)
    report = FeedbackReport()
    items, fetched = _resolve(settings, store, wanted, client, fetch, report)
    if report.waiting:
        raise DigestError(
            f"{', '.join(report.waiting)} {'is' if len(report.waiting) == 1 else 'are'} not in "
            f"the store" + (" and could not be fetched" if fetch else "") + "; ingest the "
            "day that lists it (arxiv-digest ingest --input FILE) or run this online")
    _record(store, profile, items, fetched, kind, "cli", report)
    return report


def import_library(settings: Settings, store: Store, profile: str, path: Path, client=None,
                   fetch: bool = True) -> FeedbackReport:
    """A library's papers as likes; entries without an arXiv id, or bad, are reported.
    The file is read whole before anything is stored, and the likes (with the papers
    fetched for them) are stored in one transaction; from a file with no arXiv id in it
    nothing is stored (``nothing_read`` says why)."""
    library = read_library(path)
    report = FeedbackReport(problems=list(library.problems), entries=library.entries,
                            more_problems=library.problem_count - len(library.problems),
                            without_id=library.without_id, bad=library.bad,
                            repeated=library.repeated)
    if not library.ids:
        return report
    items, fetched = _resolve(settings, store, library.ids, client, fetch, report)
    _record(store, profile, items, fetched, LIKE, "library", report)
    return report


def nothing_read(report: FeedbackReport) -> str | None:
    """Why an import read nothing to like (None when it read some arXiv id)."""
    if report.recorded or report.unchanged or report.waiting:
        return None
    if not report.entries:
        return ("no entries in it; give a BibTeX, RIS or CSL-JSON export, or a list of "
                "arXiv ids or URLs, one a line")
    return f"none of its {report.entries:,} entries has an arXiv id; nothing was imported"


def _record(store: Store, profile: str, items: list[tuple[str, int]], fetched: list[Paper],
            kind: str, source: str, report: FeedbackReport) -> None:
    """The feedback and the papers fetched for it, in one transaction."""
    before = {f.paper_id: f.kind for f in store.feedback(profile)}
    store.set_feedback(profile, [(pid, version, kind) for pid, version in items], source,
                       papers=fetched)
    report.fetched = len(fetched)
    for paper_id, _ in items:
        (report.unchanged if before.get(paper_id) == kind else report.recorded).append(paper_id)


def _resolve(settings: Settings, store: Store, wanted: list[tuple[str, int | None]], client,
             fetch: bool, report: FeedbackReport) -> tuple[list[tuple[str, int]], list[Paper]]:
    """(id, version) of each paper to record (the version asked for, else the newest
    known) and the papers fetched for them; what is neither stored nor fetched waits."""
    stored = store.stored_versions([pid for pid, _ in wanted])
    items, missing = [], []
    for paper_id, version in wanted:
        versions = [v for v in stored.get(paper_id, ()) if version is None or v == version]
        if versions:
            items.append((paper_id, versions[-1]))
        else:
            missing.append((paper_id, version))
    papers: dict[str, Paper] = {}
    if missing and fetch:
        try:
            fetch_papers(settings, [pid for pid, _ in missing], client, papers)
        except NetworkError as exc:
            report.problems.append(Problem("export API", f"{exc}"))
    fetched = []
    for paper_id, version in missing:
        paper = papers.get(paper_id)
        if paper is not None and (version is None or version == paper.version):
            items.append((paper_id, paper.version))
            fetched.append(paper)
        else:
            report.waiting.append(paper_id if version is None else f"{paper_id}v{version}")
    return items, fetched


def fetch_papers(settings: Settings, ids: list[str], client=None,
                 papers: dict[str, Paper] | None = None) -> dict[str, Paper]:
    """Papers by id from the export API, 100 per request, cached. ``papers`` (when
    given) is filled as batches arrive, so it keeps what came before a failure."""
    from arxiv_digest.pipeline.ingest import make_client
    from arxiv_digest.sources.api import MAX_IDS_PER_REQUEST, api_params, parse_api
    from arxiv_digest.sources.live import API_CACHE_SECONDS

    own = client is None
    client = client or make_client(settings)
    papers = {} if papers is None else papers
    try:
        for i in range(0, len(ids), MAX_IDS_PER_REQUEST):
            batch = sorted(set(ids[i:i + MAX_IDS_PER_REQUEST]))
            where = f"{settings.api_url} (ids {batch[0]}…{batch[-1]})"
            body = client.get(settings.api_url, params=api_params(batch), service="arxiv-api",
                              max_age=API_CACHE_SECONDS, validate=lambda b, w=where: parse_api(b, w))
            papers.update(parse_api(body, where)[0])
    finally:
        if own:
            client.close()
    return papers
