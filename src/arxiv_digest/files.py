"""Atomic file output: a set of files is replaced together, or not at all.

Each file is written to a temporary sibling with a name of its own (``mkstemp``) and
flushed. A journal listing the renames is then written (itself atomically), the renames
are done, and the journal removed. A process killed before the journal exists leaves the
old files untouched; one killed during the renames leaves the journal, and the next write
into that directory (or :func:`recover`) completes it first.

Writers into one directory take turns: each holds a lock on the directory itself
(:func:`directory_lock`, ``flock``) from its first temporary file to its last rename, so
processes of different data directories writing one ``--out`` never see each other's
journal half done. A write removes only its own temporary files; one that another
process left is removed only once it is :data:`STALE_AFTER` seconds old (a killed run's),
never while it may still be in use. An OS error becomes one :class:`OutputError` line
naming the path.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from arxiv_digest.errors import OutputError

JOURNAL = ".arxiv-digest-journal"
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")      # what mkstemp below names
STALE_AFTER = 3600     # seconds: a temporary file left this long belongs to no live write


def write_all_atomically(files: dict[Path, str], *,
                         notify: Callable[[str], None] | None = None) -> list[Path]:
    """Replace every file of ``files`` (all in one directory) as one set; ``notify`` is
    told when another process is writing into the directory and this one waits."""
    directories = {path.parent for path in files}
    if len(directories) != 1:
        raise ValueError("write_all_atomically writes into one directory")
    directory = directories.pop()
    staged: list[tuple[Path, Path]] = []
    journal_written = False
    created = [d for d in (directory, *directory.parents) if not d.exists()]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with directory_lock(directory, notify):
            _recover(directory)
            for path, content in files.items():
                staged.append((_write_temp(path, content), path))
            _write_journal(directory, staged)
            journal_written = True
            for tmp, path in staged:
                os.replace(tmp, path)
            (directory / JOURNAL).unlink()
            _sync_directory(directory)
    except OSError as exc:
        if not journal_written:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            _remove_empty(created)
        raise os_error(exc, directory) from None
    return [path for _, path in staged]


@contextmanager
def directory_lock(directory: Path, notify: Callable[[str], None] | None = None
                   ) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (an existing directory) for the block;
    released when the block ends or the process dies. ``notify`` is told before waiting."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if notify is not None:
                notify(f"waiting for another process writing into {directory} …")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                      # closing the last descriptor releases the lock


def recover(directory: Path) -> None:
    """Finish a set of renames a killed run left half done; remove stale temp files."""
    with directory_lock(directory):
        _recover(directory)


def is_stale(path: Path, now: float | None = None) -> bool:
    """Whether ``path`` was last changed :data:`STALE_AFTER` seconds ago or more."""
    try:
        changed = path.lstat().st_mtime
    except FileNotFoundError:
        return False
    return (time.time() if now is None else now) - changed >= STALE_AFTER


def _recover(directory: Path) -> None:
    """:func:`recover`, for a caller holding the directory's lock: a journal found is a
    killed writer's (a live one holds the lock); a temporary file may be a live writer's
    that takes no lock (another version), so only a stale one is removed."""
    journal = directory / JOURNAL
    if journal.exists():
        try:
            renames = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            renames = []                 # never complete: its temps go once stale
        for tmp_name, name in renames:
            tmp = directory / tmp_name
            if tmp.exists():
                os.replace(tmp, directory / name)
        journal.unlink()
        _sync_directory(directory)
    now = time.time()
    for leftover in directory.iterdir():
        if _TEMP.match(leftover.name) and leftover.is_file() and is_stale(leftover, now):
            leftover.unlink(missing_ok=True)


def os_error(exc: OSError, fallback: Path) -> OutputError:
    """One line for an OS error: the path, what happened, what to do."""
    path = exc.filename or fallback
    reason = exc.strerror or str(exc)
    hint = {28: "free space on that disk", 30: "choose a writable directory with --out",
            13: "choose a writable directory with --out",
            20: "a part of the path is a file, not a directory; choose another --out",
            17: "a part of the path is a file, not a directory; choose another --out"}.get(
        exc.errno, "check the path")
    return OutputError(f"cannot write {path}: {reason}; nothing was replaced — {hint}")


def _remove_empty(directories: list[Path]) -> None:
    """Remove the directories a failed write created (deepest first), if still empty."""
    for directory in directories:
        try:
            directory.rmdir()
        except OSError:
            return


def _write_temp(path: Path, content: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())   # as readable as a plain new file
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _write_journal(directory: Path, staged: list[tuple[Path, Path]]) -> None:
    data = json.dumps([[tmp.name, path.name] for tmp, path in staged])
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f"{JOURNAL}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, directory / JOURNAL)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
