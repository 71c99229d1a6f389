"""Venue / peer review, read from the comment and journal_ref only (never the abstract,
which anyone can fill with claims of acceptance)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_digest.signals import DayContext, SignalValue, register

TOP_CONFERENCES = ["NeurIPS", "NIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "SIGGRAPH Asia",
                   "SIGGRAPH", "ACL", "EMNLP", "NAACL", "AAAI", "IJCAI", "KDD", "COLT", "AISTATS",
                   "UAI", "CoRL", "ICRA", "IROS", "WWW", "SIGIR", "MICCAI", "3DV", "WACV",
                   "BMVC", "ACM MM", "ACMMM", "ICASSP", "INTERSPEECH", "COLM", "TMLR"]
JOURNALS = ["TPAMI", "T-PAMI", "IEEE Transactions on Pattern Analysis", "IJCV", "TIP", "TOG",
            "ACM Transactions on Graphics", "JMLR", "Journal of Machine Learning Research",
            "Nature", "Science Advances", "PNAS", "Nature Communications", "Nature Machine Intelligence",
            "TNNLS", "TMI", "Medical Image Analysis", "Pattern Recognition", "TCSVT", "TVCG",
            "Annals of Statistics", "Bernoulli", "SIAM"]
_VENUE_RE = re.compile(
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


@dataclass
class PeerReview:
    status: str          # accepted / workshop / submitted / preprint
    venue: str | None    # "ICML 2026"
    label: str           # what a reader sees: "Accepted at ICML 2026", "Preprint"
    highlight: str | None = None


def peer_review(comment: str | None, journal_ref: str | None) -> PeerReview:
    """What the comment and journal_ref say about peer review."""
    for text, is_ref in ((journal_ref or "", True), (comment or "", False)):
        if not text:
            continue
        if is_ref:
            match = _VENUE_RE.search(text)
            venue = _venue_name(match) if match else text.strip()[:60]
            return PeerReview("accepted", venue, f"Published in {venue}")
        for match in _VENUE_RE.finditer(text):
            venue = _venue_name(match)
            window = text[max(0, match.start() - 60):match.end() + 40]
            accepted = _ACCEPTED.search(window)
            if _PENDING.search(window) and not accepted:
                return PeerReview("submitted", venue, f"Submitted to {venue} (not yet accepted)")
            if not (match.group("year") or match.group("yy")) and not accepted:
                continue   # a bare name ("Computer Science") is not a venue claim
            if _WORKSHOP.search(window):
                return PeerReview("workshop", venue, f"{venue} workshop paper")
            highlight = _HIGHLIGHT.search(window)
            kind = highlight.group(1).lower() if highlight else None
            return PeerReview("accepted", venue,
                              f"Accepted at {venue}" + (f" ({kind})" if kind else ""), kind)
    if comment and _PENDING.search(comment):
        return PeerReview("submitted", None, "Submitted (not yet accepted)")
    if comment and _ACCEPTED.search(comment) and re.search(r"\baccepted\b", comment, re.I):
        return PeerReview("accepted", None, "Accepted (venue not named)")
    return PeerReview("preprint", None, "Preprint")


def _venue_name(match: re.Match) -> str:
    name = match.group(1)
    year = match.group("year") or (f"20{match.group('yy')}" if match.group("yy") else None)
    return f"{name} {year}" if year else name


_SCORES = {"accepted": 0.9, "workshop": 0.5, "submitted": 0.15, "preprint": 0.0}


@register("venue")
def venue(ctx: DayContext) -> dict[str, SignalValue]:
    out = {}
    for paper in ctx.papers:
        review = peer_review(paper.comment, paper.journal_ref)
        score = _SCORES[review.status]
        if review.status == "accepted":
            score = 1.0 if review.highlight else 0.6 if review.venue is None else 0.9
        reason = (f"{review.label} (from comment/journal-ref)" if review.status != "preprint"
                  else "preprint: no venue in comment or journal-ref")
        out[paper.id] = SignalValue(score, reason)
    return out
