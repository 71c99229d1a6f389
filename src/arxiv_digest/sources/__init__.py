"""Where papers come from. Each source turns its input into a :class:`SourceResult`.

Sources register by name; replay files are matched to a source by their content,
so ``ingest --input`` takes a JSONL listing file or a saved arXiv feed alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol

from arxiv_digest.errors import InputError
from arxiv_digest.models import SourceResult

ProgressFn = Callable[[int, int, str], None]


class Source(Protocol):
    name: str

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult: ...


# name -> (sniff(first bytes) -> bool, factory(path) -> Source), for replay files
_REPLAY_FORMATS: dict[str, tuple[Callable[[bytes], bool], Callable[[Path], Source]]] = {}


def register_replay(name: str, sniff: Callable[[bytes], bool]):
    def decorator(factory):
        _REPLAY_FORMATS[name] = (sniff, factory)
        return factory
    return decorator


def open_replay(path: Path) -> Source:
    """The replay source for ``path``, chosen by what the file contains."""
    _load_builtin()
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        raise InputError(f"{path}: the file is empty")
    for sniff, factory in _REPLAY_FORMATS.values():
        if sniff(head):
            return factory(path)
    raise InputError(f"{path}: not a format arxiv-digest can replay "
                     f"(known: {', '.join(_REPLAY_FORMATS)})")


def _load_builtin() -> None:
    from arxiv_digest.sources import feed, jsonl  # noqa: F401  (registration side effect)
