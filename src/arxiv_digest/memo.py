"""Per-process memory of what is computed from a paper's text alone.

Ranking several profiles of one day reads the same papers again and again; their claims,
short names, sentence roles and framing cues do not depend on the profile. A stored
paper version never changes its text, and the key holds the text too, so a paper built
in memory under a stored id cannot be mistaken for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from arxiv_digest.models import Paper

T = TypeVar("T")
LIMIT = 100_000          # entries per function before it starts afresh
_FORGETTERS: list[Callable[[], None]] = []


def forgettable(forget: Callable[[], None]) -> None:
    """Register how to empty one of the process's caches, for :func:`clear`."""
    _FORGETTERS.append(forget)


def remembered_here(cache):
    """Register an ``lru_cache`` function so :func:`clear` empties it too; returns it
    unchanged (a decorator)."""
    forgettable(cache.cache_clear)
    return cache


def clear() -> None:
    """Forget everything every registered cache holds (tests, benchmarks)."""
    for forget in _FORGETTERS:
        forget()


def per_paper(fn: Callable[[Paper], T]) -> Callable[[Paper], T]:
    """Remember ``fn(paper)``; results are shared, so ``fn`` must return values nobody
    changes (tuples, strings, frozen records — lists are handed out as copies)."""
    memory: dict[tuple, T] = {}

    @functools.wraps(fn)
    def remembered(paper: Paper) -> T:
        key = (paper.id, paper.version, paper.title, paper.abstract, paper.comment,
               paper.journal_ref, paper.doi, tuple(sorted(paper.links.items())))
        try:
            found = memory[key]
        except KeyError:
            if len(memory) >= LIMIT:
                memory.clear()
            found = memory[key] = fn(paper)
        return list(found) if isinstance(found, list) else found

    remembered.forget = memory.clear
    _FORGETTERS.append(memory.clear)
    return remembered


def per_text(fn: Callable[[str], T]) -> Callable[[str], T]:
    """Remember ``fn(text)`` for a function of one string returning a string."""
    return remembered_here(functools.lru_cache(maxsize=LIMIT)(fn))
