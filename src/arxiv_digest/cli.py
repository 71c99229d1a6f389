"""Command-line interface: parse arguments, call one library function, print."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from arxiv_digest import __version__
from arxiv_digest.config import Settings, load_settings, parse_categories
from arxiv_digest.errors import EXIT_USAGE, DigestError
from arxiv_digest.models import IngestReport

MAX_PROBLEMS_SHOWN = 20


def _date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _settings(ctx: click.Context, categories: str | None = None) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings.with_categories(parse_categories(categories) if categories else None)


def _stderr_console(quiet: bool = False):
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False)


@contextmanager
def _progress(enabled: bool):
    """A rich progress bar on stderr (only on a terminal), as a ``progress`` callback."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=_stderr_console(), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        yield update


categories_option = click.option(
    "--categories", metavar="CATS",
    help="Listing categories, comma-separated (default from config: cs.CV,cs.LG).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arxiv-digest")
@click.option("--home", type=click.Path(path_type=Path), envvar="ARXIV_DIGEST_HOME",
              help="Data directory (database, cache, config.toml). Env: ARXIV_DIGEST_HOME.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """arxiv-digest: the arXiv papers worth reading today, ranked, explained and verified."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(home)


@cli.command()
@click.option("--date", "day", callback=_date, metavar="YYYY-MM-DD",
              help="Listing date. Live: default the latest announcement. Replay: default "
                   "the date in the file name.")
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Replay a JSONL listing file or a saved arXiv feed instead of fetching live. "
                   "Repeatable.")
@categories_option
@click.option("--strict", is_flag=True, help="Fail (store unchanged) if any line or entry is bad.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")
@click.pass_context
def ingest(ctx, day, inputs, categories, strict, quiet) -> None:
    """Put one announcement day into the local store (live from arXiv, or replayed)."""
    from arxiv_digest.ingest import ingest_file, ingest_live, make_client
    from arxiv_digest.store import Store

    settings = _settings(ctx, categories)
    console = _stderr_console(quiet)
    with Store(settings.db_path) as store, _progress(not quiet) as progress:
        if inputs:
            reports = [ingest_file(settings, store, path, day, strict=strict, progress=progress)
                       for path in inputs]
        else:
            with make_client(settings) as client:
                reports = [ingest_live(settings, store, client, day, strict=strict,
                                       progress=progress)]
    for report in reports:
        _print_report(console, report, quiet)


def _print_report(console, report: IngestReport, quiet: bool) -> None:
    err = _stderr_console()
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        err.print(f"[yellow]skipped[/yellow] {problem}", markup=True, highlight=False,
                  soft_wrap=True) if not quiet else None
    if len(report.problems) > MAX_PROBLEMS_SHOWN and not quiet:
        err.print(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more")
    parts = [f"{cat} {c.total} ({c.new} new, {c.cross} cross, {c.replace} replace)"
             for cat, c in report.counts.items() if c.total]
    state = "unchanged, already stored" if report.unchanged else "stored"
    skipped = f"; {len(report.problems)} skipped" if report.problems else ""
    console.print(f"{report.date}: {report.papers} papers {state} from {report.origin} — "
                  f"{'; '.join(parts)}{skipped}", markup=False, highlight=False, soft_wrap=True)


@cli.command()
@click.option("--date", "day", callback=_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest stored).")
@categories_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable counts.")
@click.pass_context
def listing(ctx, day, categories, as_json) -> None:
    """Counts of a stored day per listing category (new, cross, replace) and their union."""
    from arxiv_digest.ingest import read_listing
    from arxiv_digest.store import Store

    settings = _settings(ctx, categories)
    with Store(settings.db_path) as store:
        result = read_listing(settings, store, day)
    data = result.counts_json()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"arXiv listing {data['date']}")
    for column in ("category", "total", "new", "cross", "replace"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for cat, counts in list(data["categories"].items()) + [("union", data["union"])]:
        table.add_row(cat, *(str(counts[k]) for k in ("total", "new", "cross", "replace")))
    Console().print(table)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="arxiv-digest", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except DigestError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(0)
