"""Opening replay input once: a file, a named pipe or standard input, gzip or plain.

The input is read exactly once, as a stream, so a pipe (``--input <(cat day.jsonl)``
or ``--input -``) loses nothing to format sniffing: the first bytes are kept and put
back in front of the rest. Gzip is recognised by its magic bytes, whatever the name.
A pipe with no writer does not hang silently: after a moment the reader says what it
is waiting for, and it gives up after ``pipe_timeout`` seconds.
"""

from __future__ import annotations

import gzip
import io
import os
import select
import stat
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from arxiv_digest.errors import InputError

HEAD_BYTES = 64 * 1024          # what sniffing may look at
NOTICE_AFTER = 2.0              # seconds of silence on a pipe before saying so
GZIP_MAGIC = b"\x1f\x8b"

Notify = Callable[[str], None]


class _Prefixed(io.RawIOBase):
    """``head`` followed by the rest of ``rest``: puts sniffed bytes back in front."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


@dataclass
class ReplayInput:
    """An opened replay input, positioned at its first byte (decompressed)."""

    name: str                     # what messages call it: the path, or "<stdin>"
    path: Path | None             # None for standard input
    stream: BinaryIO
    head: bytes                   # up to HEAD_BYTES of the (decompressed) start
    size: int | None = None       # bytes on disk, when it is a plain regular file
    compressed: bool = False
    underlying: BinaryIO | None = None   # the file under a gzip stream

    def close(self) -> None:
        self.stream.close()
        if self.underlying is not None:
            self.underlying.close()

    def __enter__(self) -> "ReplayInput":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_input(spec: Path | str, *, notify: Notify | None = None,
               pipe_timeout: float = 300.0) -> ReplayInput:
    """Open ``spec`` (a path, or ``-`` for standard input) for one pass of reading."""
    if str(spec) == "-":
        name, path = "<stdin>", None
        if sys.stdin is None:
            raise InputError("standard input is closed; pass a file with --input")
        raw = sys.stdin.buffer
        _wait_for_data(raw.fileno(), name, notify, pipe_timeout)
        size = None
    else:
        path = Path(spec)
        name = str(path)
        raw, size = _open_path(path, notify, pipe_timeout)
    try:
        head = _read_head(raw)
        if not head.startswith(GZIP_MAGIC):
            stream = io.BufferedReader(_Prefixed(head, raw), buffer_size=HEAD_BYTES)
            return ReplayInput(name, path, stream, head, size)
        unzipped = gzip.GzipFile(fileobj=io.BufferedReader(_Prefixed(head, raw)), mode="rb")
        try:
            head = _read_head(unzipped)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{name}:1: not readable gzip data ({exc})") from None
        stream = io.BufferedReader(_Prefixed(head, unzipped), buffer_size=HEAD_BYTES)
        return ReplayInput(name, path, stream, head, None, compressed=True, underlying=raw)
    except BaseException:
        raw.close()
        raise


def _open_path(path: Path, notify: Notify | None, timeout: float) -> tuple[BinaryIO, int | None]:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a directory; pass a listing file")
        if stat.S_ISFIFO(info.st_mode):
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            try:
                _wait_for_data(fd, str(path), notify, timeout)
                os.set_blocking(fd, True)
            except BaseException:
                os.close(fd)
                raise
            return os.fdopen(fd, "rb", buffering=0), None
        handle = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return handle, (info.st_size if stat.S_ISREG(info.st_mode) else None)


def _wait_for_data(fd: int, name: str, notify: Notify | None, timeout: float) -> None:
    """On a pipe, wait until a writer sends something (or closes), saying so when it
    takes a while, and give up after ``timeout`` seconds. Other files return at once."""
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return
    except OSError:
        return
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    waited = 0.0
    step = 0.25
    while not poller.poll(int(step * 1000)):
        waited += step
        if notify is not None and waited == NOTICE_AFTER:
            notify(f"waiting for data on {name} (a pipe with nothing written to it yet); "
                   f"giving up after {timeout:.0f} s")
        if waited >= timeout:
            raise InputError(f"{name}: no data arrived on this pipe in {timeout:.0f} s; "
                             "nothing was stored")


def _read_head(stream) -> bytes:
    """Up to HEAD_BYTES from the start (fewer only at the end of the data)."""
    chunks, size = [], 0
    while size < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
