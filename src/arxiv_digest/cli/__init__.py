"""Command-line interface: parse arguments, call one library function, print.

Every failure ends as one ``error:`` line and an exit code (see the README): errors the
library raises say what to do; an OS error names its path; nothing prints a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import sys

import click

from arxiv_digest.cli import day, model, publish, reader  # noqa: F401  (commands register)
from arxiv_digest.cli.base import cli
from arxiv_digest.errors import EXIT_ERROR, EXIT_USAGE, DigestError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="arxiv-digest", standalone_mode=False)
        if isinstance(code, int) and code:          # ctx.exit(code) in a command
            sys.exit(code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except DigestError as exc:
        _error(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _error("interrupted; what was being written is left as it was before", 130)
    except BrokenPipeError:
        sys.stderr.close()            # the reader went away (… | head): not an error
        sys.exit(0)
    except OSError as exc:
        where = exc.filename or "a file"
        _error(f"{where}: {exc.strerror or exc}; nothing was changed", EXIT_ERROR)
    except sqlite3.Error as exc:
        _error(f"the store: {exc}; nothing was changed", EXIT_ERROR)
    except Exception as exc:            # a bug: one line, the traceback only on request
        if os.environ.get("ARXIV_DIGEST_DEBUG"):
            raise
        _error(f"internal error ({type(exc).__name__}: {exc}); please report it — set "
               "ARXIV_DIGEST_DEBUG=1 to see where it happened", EXIT_ERROR)
    sys.exit(0)


def _error(message: str, code: int) -> None:
    try:
        click.echo(f"error: {message}", err=True)
    finally:
        sys.exit(code)
