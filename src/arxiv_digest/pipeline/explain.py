"""``explain``: a paper's ranking, signal by signal, or why it is not ranked at all."""

from __future__ import annotations

from datetime import date

from arxiv_digest.config import Settings
from arxiv_digest.errors import DigestError
from arxiv_digest.models import split_arxiv_id
from arxiv_digest.pipeline import select_day
from arxiv_digest.rank import combine, effective_weights
from arxiv_digest.store import Store
from arxiv_digest.topics import Profile
from arxiv_digest.topics.relevance import assess


def explain_paper(settings: Settings, store: Store, profile: Profile, raw_id: str,
                  day: date | None) -> str:
    try:
        paper_id, _ = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise DigestError(f"{exc}; give an id such as 2606.24888") from None
    selection = select_day(settings, store, profile, day)
    ranking = selection.ranking
    lines = []
    for candidate in ranking.candidates:
        if candidate.paper.id != paper_id:
            continue
        paper = candidate.paper
        title = " ".join(paper.title.split())
        named = title if title.startswith(candidate.short_name) else \
            f"{candidate.short_name}: {title}"             # the title names it already
        lines.append(f"{paper.id}v{paper.version} — {named}")
        lines.append(f"rank {candidate.rank} of {ranking.pool} on-topic papers "
                     f"({profile.name}, {ranking.date}); score {candidate.score:.3f}")
        lines.append(selection.status(paper.id))
        if candidate.news:
            lines.append(f"replacement with news: {candidate.news}")
        weights = effective_weights(candidate.signals, profile.weights)
        total = sum(weights.values())
        width = max((len(n) for n in profile.weights if candidate.signals.get(n)), default=0)
        missing = []
        for name in profile.weights:
            value = candidate.signals.get(name)
            if value is None:
                missing.append(name)
                continue
            weight = weights.get(name, 0.0)
            share = weight * value.value / total if total else 0.0
            scaled = (f" ({profile.weights[name]:.2f} × {value.scale:g})"
                      if value.scale != 1.0 else "")
            lines.append(f"  {name:<{width}}  {value.value:.2f} × weight {weight:.2f}{scaled} "
                         f"-> {share:.3f}  {value.reason}")
        if missing:
            lines.append(f"  no data, left out of the average: {', '.join(missing)}")
        assert abs(combine(candidate.signals, profile.weights) - candidate.score) < 1e-9
        if candidate.rank > 1:
            above = ranking.candidates[candidate.rank - 2]
            lines.append(f"next above: #{above.rank} {above.short_name} ({above.paper.id}) "
                         f"at {above.score:.3f}")
        return "\n".join(lines)
    listing_papers = {p.id: p for p in store.load_listing(ranking.date, profile.categories).papers()}
    paper = listing_papers.get(paper_id)
    if paper is None:
        raise DigestError(f"{paper_id} is not in the {', '.join(profile.categories)} listing "
                          f"of {ranking.date}")
    verdict = assess(paper, profile)
    if verdict.passes:
        return (f"{paper_id} is a replacement whose comment announces no new acceptance, so "
                f"it is not a candidate on {ranking.date}")
    return f"{paper_id} is not ranked on {ranking.date}: {verdict.reason}"
