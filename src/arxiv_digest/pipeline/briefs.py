"""``brief``: one paper's brief with the digest's own writer and verifier — short name,
highlight, the five sections, and every sentence of the abstract with the role the
writer gave it. For any stored paper, or every paper of a day, on topic or not."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from arxiv_digest.text import claims as claims_module
from arxiv_digest import writers
from arxiv_digest.config import Settings
from arxiv_digest.digest import SECTION_NAMES
from arxiv_digest.errors import DigestError
from arxiv_digest.models import Paper, split_arxiv_id
from arxiv_digest.rank import Candidate, Ranking
from arxiv_digest.text.roles import classify
from arxiv_digest.text.shortnames import short_name
from arxiv_digest.signals.evidence import assess as evidence
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import assess
from arxiv_digest.verify import bank_for, verify
from arxiv_digest.writers import DigestPlan

CHUNK = 5                      # papers written together (a digest's worth)
_MARKER = re.compile(r"\s*\[\d+\]")


@dataclass
class Brief:
    id: str
    version: int
    title: str
    short_name: str
    highlight: str
    sections: dict[str, str]
    sentences: list[dict] = field(default_factory=list)
    one_line: str = ""              # the quick reference's one-line contribution

    def to_json(self) -> dict:
        return {"id": self.id, "version": self.version, "short_name": self.short_name,
                "highlight": self.highlight, "one_line": self.one_line,
                "sections": self.sections, "sentences": self.sentences}


def papers_for(settings: Settings, store: Store, ids: list[str], day: date | None,
               every: bool) -> tuple[list[Paper], date | None]:
    """The papers asked for and their day: by id (any version, or the one given), or
    every paper of a stored day (``day``, else the latest stored)."""
    if every:
        from arxiv_digest.store import read_listing

        listing = read_listing(settings, store, day)
        return listing.papers(), listing.date
    found = []
    for raw in ids:
        try:
            paper_id, version = split_arxiv_id(raw)
        except ValueError as exc:
            raise DigestError(f"{exc}; give an id such as 2606.24888") from None
        versions = store.versions(paper_id)
        chosen = [p for p in versions if version is None or p.version == version]
        if not chosen:
            raise DigestError(f"{raw} is not in the store; ingest its day first "
                              "(arxiv-digest ingest --input FILE)")
        found.append(chosen[-1])
    return found, day


def write_briefs(settings: Settings, store: Store, profile: Profile, papers: list[Paper],
                 day: date, writer: str = "offline") -> list[Brief]:
    """Briefs for ``papers``, written and verified as digest picks are."""
    chosen = writers.get(writer, settings=settings, store=store)
    out: list[Brief] = []
    for i in range(0, len(papers), CHUNK):
        candidates = [_candidate(p, profile) for p in papers[i:i + CHUNK]]
        ranking = Ranking(day, profile.name, len(candidates), 0, candidates,
                          _counts(settings.categories))
        plan = DigestPlan(day=day, profile=profile, counts=ranking.counts, ranking=ranking,
                          picks=candidates)
        digest = chosen.write(plan)
        verify(digest, bank_for(digest, plan))
        for pick, candidate in zip(digest.picks, candidates):
            roles = {s.text: s.role for s in classify(candidate.paper)}
            out.append(Brief(
                pick.id, pick.version, candidate.paper.title, pick.short_name, pick.highlight,
                {name: _MARKER.sub("", pick.sections[name]) for name in SECTION_NAMES},
                [{"text": text, "role": role} for text, role in roles.items()],
                _MARKER.sub("", pick.one_line)))
    return out


def _candidate(paper: Paper, profile: Profile) -> Candidate:
    found = claims_module.extract(paper)
    candidate = Candidate(paper, "new", list(paper.categories[:1]), assess(paper, profile),
                          short_name(paper), found)
    candidate.signals["evidence"] = evidence(found, (candidate.short_name,))
    return candidate


def _counts(categories: list[str]) -> dict:
    zero = {"total": 0, "new": 0, "cross": 0, "replace": 0}
    return {"date": "", "categories": {c: dict(zero) for c in categories}, "union": dict(zero)}
