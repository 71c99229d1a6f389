"""One writer at a time per data directory.

Every command that changes the store or publishes (ingest, run, daily, send, eval,
site build, rank with --input) holds ``<data dir>/arxiv-digest.lock`` while it works,
taken before the store is opened. A second writer waits, saying whom it waits for,
or with ``wait=False`` stops at once with exit code 5. Runs of different days thus
happen one after another, never interleaved, and give the digests they would give
run in that order. Readers (listing, explain, profiles) never wait; serve takes the lock
for each click with ``wait=False`` and answers "busy" instead of waiting.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from arxiv_digest.errors import ConfigError, LockedError

LOCK_NAME = "arxiv-digest.lock"


def lock_path(home: Path) -> Path:
    return Path(home) / LOCK_NAME


@contextmanager
def writer_lock(home: Path, *, wait: bool = True, what: str = "arxiv-digest",
                notify: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the data directory's writer lock for the duration of the block."""
    path = lock_path(home)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot use the data directory {path.parent}: "
                          f"{exc.strerror or exc}; check it is writable "
                          "(ARXIV_DIGEST_HOME)") from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            if not wait:
                raise LockedError(
                    f"another arxiv-digest process{holder} is writing to {path.parent}; this "
                    f"{what} stops without changing anything (it is safe to run again "
                    "later)") from None
            if notify is not None:
                notify(f"waiting for another arxiv-digest process{holder} to finish with "
                       f"{path.parent} …")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {what}\n")
        handle.flush()
        yield path


def _holder(path: Path) -> str:
    """' (pid 123: run)' from the lock file, when it says who holds it."""
    try:
        first = path.read_text(encoding="utf-8").strip().split(" ", 1)
    except OSError:
        return ""
    if not first or not first[0].isdigit():
        return ""
    return f" (pid {first[0]}" + (f": {first[1]}" if len(first) > 1 else "") + ")"

