"""Ranking signals. Each one scores every candidate of a day in [0, 1] with a one-line
reason a reader can check. Signals register by name; a profile's ``[weights]`` picks
them, so a new signal (institutions, community, code popularity) plugs in here
without touching the ranker.

A signal may return ``None`` for a paper when it has no data for it; the ranker then
leaves that signal out of the paper's weighted average instead of scoring it zero. A
value may also carry a ``scale`` for its profile weight that day (taste weighs more the
more the reader has judged); the ranker multiplies the weight by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from arxiv_digest.plugins import SIGNALS

if TYPE_CHECKING:
    from arxiv_digest.text.claims import Claim
    from arxiv_digest.models import Paper
    from arxiv_digest.topics import Profile
    from arxiv_digest.topics.relevance import Relevance


@dataclass(frozen=True)
class SignalValue:
    value: float
    reason: str
    detail: dict = field(default_factory=dict, compare=False, repr=False)   # for writers
    scale: float = 1.0          # times the profile weight this value counts with

    def __post_init__(self):
        if not 0.0 <= self.value <= 1.0:
            raise ValueError(f"signal value {self.value} outside [0, 1]")
        if not 0.0 <= self.scale <= 100.0:
            raise ValueError(f"signal weight scale {self.scale} outside [0, 100]")
        object.__setattr__(self, "value", round(float(self.value), 4))   # frozen: set once
        object.__setattr__(self, "scale", round(float(self.scale), 4))


@dataclass
class DayContext:
    """What signals may read about the day being ranked."""

    day: date
    profile: "Profile"
    papers: list["Paper"]                       # the topic pool (candidates)
    relevance: dict[str, "Relevance"]
    claims: dict[str, list["Claim"]]
    history: list["Paper"] = field(default_factory=list)   # earlier days' on-topic papers
    previous_versions: dict[str, "Paper"] = field(default_factory=dict)
    enrichment: dict = field(default_factory=dict)          # id -> Enrichment (shortlist)
    feedback: list[tuple[str, "Paper"]] = field(default_factory=list)   # (like/dislike, paper)


SignalFn = Callable[[DayContext], dict[str, SignalValue | None]]


def register(name: str, enriched: bool = False):
    """Decorator for a signal; ``enriched`` signals read enrichment (the shortlist only).
    Outside packages register theirs through the ``arxiv_digest.signals`` entry points."""
    return SIGNALS.register(name, enriched=enriched)


def registry() -> dict[str, SignalFn]:
    return SIGNALS.items()


def enriched_names() -> set[str]:
    """The signals that read enrichment — known only once every plugin is loaded."""
    return {name for name in SIGNALS.names() if SIGNALS.options(name).get("enriched")}


def get(name: str) -> SignalFn:
    return SIGNALS.get(name, " in the profile's [weights]")
