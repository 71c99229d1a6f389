"""Where papers come from. Each source turns its input into a :class:`SourceResult`.

Sources register by name; replay files are matched to a source by their content,
so ``ingest --input`` takes a JSONL listing file (plain or gzip) or a saved arXiv
feed alike, from a file, a pipe or standard input.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol

from arxiv_digest.errors import InputError
from arxiv_digest.models import SourceResult
from arxiv_digest.sources.reader import Notify, ReplayInput, open_input

ProgressFn = Callable[[int, int, str], None]


class Source(Protocol):
    name: str

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult: ...


# name -> (sniff(input) -> bool, factory(input) -> Source), for replay inputs
_REPLAY_FORMATS: dict[str, tuple[Callable[[ReplayInput], bool],
                                 Callable[[ReplayInput], Source]]] = {}


def register_replay(name: str, sniff: Callable[[ReplayInput], bool]):
    def decorator(factory):
        _REPLAY_FORMATS[name] = (sniff, factory)
        return factory
    return decorator


def open_replay(spec: Path | str, notify: Notify | None = None) -> Source:
    """The replay source for ``spec`` (a path, or ``-`` for standard input), chosen by
    what the input contains; the input is opened once and read as a stream."""
    _load_builtin()
    opened = open_input(spec, notify=notify)
    try:
        body = opened.head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not body:
            raise InputError(f"{opened.name}:1: no records: "
                             + ("the input is empty" if not opened.head
                                else "every line is blank"))
        for sniff, factory in _REPLAY_FORMATS.values():
            if sniff(opened):
                return factory(opened)
        first = body.split(b"\n", 1)[0][:40].decode("utf-8", "replace")
        raise InputError(f"{opened.name}:1: not a format arxiv-digest can replay (known: "
                         f"{', '.join(_REPLAY_FORMATS)}); the input starts with {first!r}")
    except BaseException:
        opened.close()
        raise


def _load_builtin() -> None:
    from arxiv_digest.sources import feed, jsonl  # noqa: F401  (registration side effect)
