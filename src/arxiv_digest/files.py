"""Atomic file output: a file is either the complete old one or the complete new one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_all_atomically(files: dict[Path, str]) -> list[Path]:
    """Write every file to a temporary sibling first; only when all are written and
    flushed are they renamed into place. A failure before the renames changes nothing."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            os.fchmod(fd, 0o666 & ~current_umask())   # as readable as a plain new file
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [path for _, path in staged]


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
