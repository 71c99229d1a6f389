"""One exception family. Every message says what went wrong and how to fix it."""

from __future__ import annotations

# Exit codes of the command-line interface (documented in the README).
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_ANNOUNCEMENT = 3
EXIT_NO_DIGEST = 4
EXIT_LOCKED = 5


class DigestError(Exception):
    """Base class: an error the user can act on. ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_ERROR


class ConfigError(DigestError):
    """Configuration or user directory problem."""


class UsageError(DigestError):
    """The command was asked for something that does not exist (an unknown writer)."""

    exit_code = EXIT_USAGE


class InputError(DigestError):
    """A file or response could not be read (bad JSON, invalid XML, wrong format)."""


class OutputError(DigestError):
    """An output file or directory could not be written (read-only, full, not a directory)."""


class NetworkError(DigestError):
    """The network failed after every retry."""


class NoAnnouncementError(DigestError):
    """The requested date has no arXiv announcement (weekend, holiday, future, not stored)."""

    exit_code = EXIT_NO_ANNOUNCEMENT


class StoreError(DigestError):
    """The local database is unusable (for example written by a newer version)."""


class NothingToDigest(DigestError):
    """No paper of the day passed the topic filter: no digest, and not a failure."""

    exit_code = EXIT_NO_DIGEST


class LockedError(DigestError):
    """Another daily run holds the lock."""

    exit_code = EXIT_LOCKED
