"""What every command shares: the group, option types, consoles, progress, the lock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from arxiv_digest import __version__
from arxiv_digest.config import Settings, load_settings, parse_categories

MAX_PROBLEMS_SHOWN = 20


def parse_date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def settings_of(ctx: click.Context, categories: str | None = None) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings.with_categories(parse_categories(categories) if categories else None)


def stderr_console(quiet: bool = False):
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False)


def say(message: str, quiet: bool = False) -> None:
    """One plain line on stderr (data in it is never read as markup)."""
    if not quiet:
        stderr_console().print(message, markup=False, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    say(f"warning: {message}")


def notifier(quiet: bool):
    """A callback that tells a person watching what the run is waiting for."""
    return None if quiet else (lambda message: say(message))


@contextmanager
def progress_bar(enabled: bool):
    """A rich progress bar on stderr (only on a terminal), as a ``progress`` callback."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=stderr_console(), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total or None, description=what)

        yield update


@contextmanager
def writing(ctx: click.Context, what: str, *, wait: bool = True,
            quiet: bool = False) -> Iterator[None]:
    """Hold the data directory's writer lock (taken before the store is opened)."""
    from arxiv_digest.locking import writer_lock

    with writer_lock(ctx.obj["settings"].home, wait=wait, what=what,
                     notify=notifier(quiet)):
        yield


categories_option = click.option(
    "--categories", metavar="CATS",
    help="Listing categories, comma-separated (default from config: cs.CV,cs.LG).")
profile_option = click.option(
    "--profile", "profile_name", metavar="NAME|PATH",
    help="Topic profile (default: diffusion). See `arxiv-digest profiles`.")
quiet_option = click.option("--quiet", "-q", is_flag=True,
                            help="Print nothing but errors (for cron).")
wait_option = click.option(
    "--wait/--no-wait", default=True, show_default=True,
    help="When another arxiv-digest process is writing to the data directory: wait for it, "
         "or stop at once with exit code 5.")


def inputs_option(help_text: str):
    return click.option("--input", "inputs", multiple=True,
                        type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
                        help=help_text)


def load_profile_named(ctx: click.Context, name: str | None):
    from arxiv_digest.topics import load_profile

    return load_profile(name, ctx.obj["settings"].home)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arxiv-digest")
@click.option("--home", type=click.Path(path_type=Path), envvar="ARXIV_DIGEST_HOME",
              help="Data directory (database, cache, config.toml). Env: ARXIV_DIGEST_HOME.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """arxiv-digest: the arXiv papers worth reading today, ranked, explained and verified."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(home)
