"""Peer review, read from a paper's comment and journal-ref only — never the abstract,
which anyone can fill with claims of acceptance. Used by the venue signal, the writers,
the verifier (a venue in prose must be in the comment or journal-ref) and ranking (a
revision is news when it announces a new acceptance)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

TOP_CONFERENCES = ["NeurIPS", "NIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "SIGGRAPH Asia",
                   "SIGGRAPH", "ACL", "EMNLP", "NAACL", "AAAI", "IJCAI", "KDD", "COLT", "AISTATS",
                   "UAI", "CoRL", "ICRA", "IROS", "WWW", "SIGIR", "MICCAI", "3DV", "WACV",
                   "BMVC", "ACM MM", "ACMMM", "ICASSP", "INTERSPEECH", "COLM", "TMLR"]
JOURNALS = ["TPAMI", "T-PAMI", "IEEE Transactions on Pattern Analysis", "IJCV", "TIP", "TOG",
            "ACM Transactions on Graphics", "JMLR", "Journal of Machine Learning Research",
            "Nature", "Science Advances", "PNAS", "Nature Communications", "Nature Machine Intelligence",
            "TNNLS", "TMI", "Medical Image Analysis", "Pattern Recognition", "TCSVT", "TVCG",
            "Annals of Statistics", "Bernoulli", "SIAM"]
VENUE_RE = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(v) for v in sorted(TOP_CONFERENCES + JOURNALS,
                                                        key=len, reverse=True)) + r")(?![a-z])"
    r"(?:\s*(?P<year>(?:19|20)\d{2})(?!\d)|\s*['\u2019](?P<yy>\d{2})(?!\d))?")
_ACCEPTED = re.compile(r"\b(accepted|to appear|appear(?:s|ing)? (?:in|at)|published|"
                       r"camera[- ]ready|in proceedings|proceedings of|oral|spotlight|poster|"
                       r"presented at)\b", re.I)
_PENDING = re.compile(r"\b(submitted|under review|in submission|under submission|"
                      r"in review|rejected|withdrawn)\b", re.I)
_WORKSHOP = re.compile(r"\bworkshops?\b|\bW\d?-?\w*shop\b", re.I)
_HIGHLIGHT = re.compile(r"\b(oral|spotlight|best paper|highlight)\b", re.I)


class ReviewStatus(StrEnum):
    ACCEPTED = "accepted"
    WORKSHOP = "workshop"
    SUBMITTED = "submitted"
    PREPRINT = "preprint"


@dataclass(frozen=True)
class PeerReview:
    status: ReviewStatus
    venue: str | None    # "ICML 2026"
    label: str           # what a reader sees: "Accepted at ICML 2026", "Preprint"
    highlight: str | None = None

    @property
    def reviewed(self) -> bool:
        return self.status == ReviewStatus.ACCEPTED

    def __str__(self) -> str:
        return self.label

    @classmethod
    def from_label(cls, label: str, venue: str | None = None,
                   status: str | None = None) -> "PeerReview":
        """Back from a stored digest (its label, and status/venue when recorded)."""
        if status is None:
            status = (ReviewStatus.ACCEPTED if label.startswith(("Accepted", "Published"))
                      else ReviewStatus.WORKSHOP if "workshop" in label
                      else ReviewStatus.SUBMITTED if label.startswith("Submitted")
                      else ReviewStatus.PREPRINT)
        return cls(ReviewStatus(status), venue, label)


def peer_review(comment: str | None, journal_ref: str | None) -> PeerReview:
    """What the comment and journal_ref say about peer review."""
    for text, is_ref in ((journal_ref or "", True), (comment or "", False)):
        if not text:
            continue
        if is_ref:
            match = VENUE_RE.search(text)
            venue = venue_name(match) if match else text.strip()[:60]
            return PeerReview(ReviewStatus.ACCEPTED, venue, f"Published in {venue}")
        for match in VENUE_RE.finditer(text):
            venue = venue_name(match)
            window = text[max(0, match.start() - 60):match.end() + 40]
            accepted = _ACCEPTED.search(window)
            if _PENDING.search(window) and not accepted:
                return PeerReview(ReviewStatus.SUBMITTED, venue, f"Submitted to {venue} (not yet accepted)")
            if not (match.group("year") or match.group("yy")) and not accepted:
                continue   # a bare name ("Computer Science") is not a venue claim
            if _WORKSHOP.search(window):
                return PeerReview(ReviewStatus.WORKSHOP, venue, f"{venue} workshop paper")
            highlight = _HIGHLIGHT.search(window)
            kind = highlight.group(1).lower() if highlight else None
            return PeerReview(ReviewStatus.ACCEPTED, venue,
                              f"Accepted at {venue}" + (f" ({kind})" if kind else ""), kind)
    if comment and _PENDING.search(comment):
        return PeerReview(ReviewStatus.SUBMITTED, None, "Submitted (not yet accepted)")
    if comment and _ACCEPTED.search(comment) and re.search(r"\baccepted\b", comment, re.I):
        return PeerReview(ReviewStatus.ACCEPTED, None, "Accepted (venue not named)")
    return PeerReview(ReviewStatus.PREPRINT, None, "Preprint")


def venue_name(match: re.Match) -> str:
    name = match.group(1)
    year = match.group("year") or (f"20{match.group('yy')}" if match.group("yy") else None)
    return f"{name} {year}" if year else name
