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
from arxiv_digest.plugins import SOURCES
from arxiv_digest.sources.reader import Notify, ReplayInput, open_input

ProgressFn = Callable[[int, int, str], None]


class Source(Protocol):
    name: str

    def read(self, day: date | None, categories: list[str],
             progress: ProgressFn | None = None) -> SourceResult: ...


def register_replay(name: str, sniff: Callable[[ReplayInput], bool]):
    """Decorator for a replay source class, chosen when ``sniff`` recognises the input.
    Outside packages use the ``arxiv_digest.sources`` entry points (with a ``sniff``
    static method on the class)."""
    return SOURCES.register(name, sniff=sniff)


def open_replay(spec: Path | str, notify: Notify | None = None) -> Source:
    """The replay source for ``spec`` (a path, or ``-`` for standard input), chosen by
    what the input contains; the input is opened once and read as a stream."""
    opened = open_input(spec, notify=notify)
    try:
        body = opened.head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not body:
            raise InputError(f"{opened.name}:1: no records: "
                             + ("the input is empty" if not opened.head
                                else "every line is blank"))
        for name, factory in SOURCES.items().items():
            sniff = SOURCES.options(name).get("sniff") or getattr(factory, "sniff", None)
            if sniff is not None and sniff(opened):
                return factory(opened)
        first = body.split(b"\n", 1)[0][:40].decode("utf-8", "replace")
        raise InputError(f"{opened.name}:1: not a format arxiv-digest can replay (known: "
                         f"{', '.join(SOURCES.names())}); the input starts with {first!r}")
    except BaseException:
        opened.close()
        raise
