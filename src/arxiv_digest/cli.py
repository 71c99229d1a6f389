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
    from rich.text import Text

    err = _stderr_console()
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        if not quiet:   # paper ids and paths are data: never read as rich markup
            err.print(Text("skipped ", style="yellow") + Text(str(problem)), highlight=False,
                      soft_wrap=True)
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


profile_option = click.option("--profile", "profile_name", metavar="NAME|PATH",
                              help="Topic profile (default: diffusion). See `arxiv-digest profiles`.")


def _profile(ctx: click.Context, name: str | None):
    from arxiv_digest.topics import load_profile

    return load_profile(name, ctx.obj["settings"].home)


@cli.command()
@click.pass_context
def profiles(ctx) -> None:
    """List the topic profiles available (built-in and in the data directory)."""
    from arxiv_digest.topics import DEFAULT_PROFILE, available_profiles, load_profile

    home = ctx.obj["settings"].home
    for name, origin in available_profiles(home).items():
        profile = load_profile(name, home)
        mark = " (default)" if name == DEFAULT_PROFILE else ""
        click.echo(f"{name}{mark}: {profile.title} — {', '.join(profile.categories)} [{origin}]")


@cli.command()
@click.option("--date", "day", callback=_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest stored, or the input file's).")
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Ingest this replay file first (same rules as `ingest --input`).")
@profile_option
@click.option("--top", type=click.IntRange(min=1), help="Show only the best N.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable ranking.")
@click.pass_context
def rank(ctx, day, inputs, profile_name, top, as_json) -> None:
    """Rank a day's on-topic papers, with every signal's value and reason."""
    from arxiv_digest.pipeline import rank_day
    from arxiv_digest.store import Store

    profile = _profile(ctx, profile_name)
    with Store(ctx.obj["settings"].db_path) as store:
        ranking = rank_day(ctx.obj["settings"], store, profile, day, list(inputs))
    if as_json:
        click.echo(json.dumps(ranking.to_json(top), indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    names = list(profile.weights)
    table = Table(title=f"{profile.title}: {ranking.date} — {ranking.pool} on-topic papers "
                        f"of {ranking.considered}")
    table.add_column("#", justify="right")
    table.add_column("paper", max_width=28, overflow="ellipsis", no_wrap=True)
    table.add_column("id", no_wrap=True, min_width=10)
    for column in ["score", *names]:
        table.add_column(column[:5], justify="right")
    for candidate in ranking.candidates[:top]:
        values = [f"{candidate.signals[n].value:.2f}" if candidate.signals.get(n) else "–"
                  for n in names]
        table.add_row(str(candidate.rank), candidate.short_name, candidate.paper.id,
                      f"{candidate.score:.3f}", *values)
    Console().print(table)


@cli.command()
@click.argument("paper_id")
@click.option("--date", "day", callback=_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest stored).")
@profile_option
@click.pass_context
def explain(ctx, paper_id, day, profile_name) -> None:
    """Why a paper ranks where it does, signal by signal."""
    from arxiv_digest.explain import explain_paper
    from arxiv_digest.store import Store

    profile = _profile(ctx, profile_name)
    with Store(ctx.obj["settings"].db_path) as store:
        click.echo(explain_paper(ctx.obj["settings"], store, profile, paper_id, day))


@cli.command(name="eval")
@click.option("--picks", "picks_path", required=True,
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Editor's picks: {\"days\": {DATE: {\"picks\": [ids], \"listing\": file}}}.")
@profile_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores.")
@click.pass_context
def evaluate_command(ctx, picks_path, profile_name, as_json) -> None:
    """Score the ranking against an editor's picks: hits in our top 5 and top 10."""
    from arxiv_digest.evaluate import evaluate
    from arxiv_digest.store import Store

    profile = _profile(ctx, profile_name)
    with Store(ctx.obj["settings"].db_path) as store:
        scores = evaluate(ctx.obj["settings"], store, profile, picks_path)
    if as_json:
        click.echo(json.dumps([s.to_json() for s in scores], indent=2))
        return
    for score in scores:
        ranks = ", ".join(f"{pid}: {r if r is not None else 'not in pool'}"
                          for pid, r in score.ranks.items())
        click.echo(f"{score.day}: {score.in_top5}/5 in our top 5, {score.in_top10}/5 in our "
                   f"top 10 (random from the pool of {score.pool}: {score.random_top5:.2f} and "
                   f"{score.random_top10:.2f})\n  ranks — {ranks}")
    if scores:
        n = len(scores)
        click.echo(f"mean: {sum(s.in_top5 for s in scores) / n:.1f} in top 5, "
                   f"{sum(s.in_top10 for s in scores) / n:.1f} in top 10 over {n} day(s)")


@cli.command()
@click.option("--date", "day", callback=_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest announcement, or the input file's).")
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Replay this listing file instead of fetching live. Repeatable.")
@profile_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Output directory (default: <data dir>/digests).")
@click.option("--writer", default="offline", show_default=True,
              help="Writer: offline (no network, no key) or llm (any OpenAI-compatible model).")
@click.option("--max-tokens", type=click.IntRange(min=0), default=None,
              help="Token budget for model requests in this run; past it, offline text.")
@click.option("--lang", "languages", multiple=True, metavar="CODE",
              help="Also write an edition in this language (ko, zh, ja, de, …). Repeatable.")
@click.option("--enrich/--no-enrich", default=None,
              help="Enrich the shortlist (full text, code, community, authors). Default: on "
                   "for live days, off for replays.")
@click.option("--strict", is_flag=True, help="Fail if any input line or entry is bad.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")
@click.pass_context
def run(ctx, day, inputs, profile_name, out_dir, writer, max_tokens, languages, enrich, strict,
        quiet) -> None:
    """Ingest a day, rank it, write the digest, verify it, render JSON, Markdown and HTML."""
    from arxiv_digest.pipeline import run_day
    from arxiv_digest.store import Store

    profile = _profile(ctx, profile_name)
    with Store(ctx.obj["settings"].db_path) as store:
        result = run_day(ctx.obj["settings"], store, profile, day, inputs=list(inputs),
                         out_dir=out_dir, writer=writer, strict=strict, max_tokens=max_tokens,
                         languages=list(languages), enrich=enrich)
    if quiet:
        return
    d = result.digest
    console = _stderr_console()
    console.print(f"{d.title}", markup=False, highlight=False)
    for pick in d.picks:
        console.print(f"  {pick.rank}. {pick.short_name} ({pick.id}) — {pick.highlight}",
                      markup=False, highlight=False, soft_wrap=True)
    v = d.verification
    console.print(f"verification: {v.checked} facts checked, {v.dropped} sentences dropped"
                  + (f", {v.fallbacks} sections replaced" if v.fallbacks else ""),
                  markup=False, highlight=False)
    for line in v.details[:MAX_PROBLEMS_SHOWN]:
        console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    if result.usage is not None:
        u = result.usage
        cost = ctx.obj["settings"].llm.cost(u.prompt_tokens, u.completion_tokens)
        price = f"≈ ${cost:.4f}" if cost is not None else "cost unknown (no price for " \
            f"{ctx.obj['settings'].llm.model} in [llm.prices])"
        console.print(f"model {ctx.obj['settings'].llm.model}: {u.requests} requests, "
                      f"{u.cached} answered from the cache, {u.prompt_tokens} prompt + "
                      f"{u.completion_tokens} completion tokens = {u.total}, {price}"
                      + (f"; {u.over_budget} over the token budget" if u.over_budget else "")
                      + (f"; {u.failed} failed (offline text used)" if u.failed else ""),
                      markup=False, highlight=False, soft_wrap=True)
    for line in d.unavailable[:MAX_PROBLEMS_SHOWN]:
        console.print(f"  enrichment unavailable: {line}", markup=False, highlight=False,
                      soft_wrap=True)
    for lang, kept in result.editions.items():
        console.print(f"edition {lang}: {len(kept)} field(s) kept in English", markup=False,
                      highlight=False)
    for path in result.paths:
        console.print(f"wrote {path}", markup=False, highlight=False)


@cli.group()
def site() -> None:
    """The static site: every stored digest, archive, profiles, papers, search, feeds."""


@site.command("build")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Site directory (default: <data dir>/site).")
@click.option("--base-url", help="Public URL of the site, for absolute links in feeds "
                                 "(default: site_url in config.toml).")
@click.pass_context
def site_build(ctx, out_dir, base_url) -> None:
    """Render every stored digest into a static site with Atom and RSS feeds."""
    from arxiv_digest.publish.site import build_site
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    with Store(settings.db_path) as store:
        report = build_site(store, out_dir or settings.home / "site", settings.home,
                            base_url or settings.site_url)
    click.echo(f"built {report.pages} pages from {report.digests} digests into {report.out} "
               f"in {report.seconds:.2f} s", err=True)


@cli.command()
@click.option("--date", "day", callback=_date, metavar="YYYY-MM-DD",
              help="Digest date (default: the latest stored digest of the profile).")
@profile_option
@click.option("--to", "recipients", multiple=True, metavar="ADDRESS",
              help="Recipient (repeatable; default: [smtp] to in config.toml).")
@click.option("--force", is_flag=True, help="Send again to recipients already sent to.")
@click.pass_context
def send(ctx, day, profile_name, recipients, force) -> None:
    """E-mail a stored digest (text + HTML) over SMTP; each recipient once."""
    from arxiv_digest.digest import Digest
    from arxiv_digest.publish.email import send_digest
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    profile = _profile(ctx, profile_name)
    with Store(settings.db_path) as store:
        dates = [d for d, _ in store.digest_dates(profile.name)]
        day = day or (dates[-1] if dates else None)
        text = store.digest_json(day, profile.name) if day else None
        if text is None:
            raise DigestError(f"no stored {profile.name} digest"
                              + (f" for {day}" if day else "")
                              + "; make one with `arxiv-digest run`")
        report = send_digest(settings.smtp, store, Digest.from_json(json.loads(text)),
                             list(recipients) or list(settings.smtp.to), force=force,
                             site_url=settings.site_url)
    click.echo(f"sent the {day} digest to {len(report.sent)} recipient(s)"
               + (f"; {len(report.skipped)} had it already" if report.skipped else ""), err=True)


@cli.command()
@profile_option
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Site directory (default: <data dir>/site).")
@click.option("--writer", default="offline", show_default=True, help="Writer for the digest.")
@click.option("--no-enrich", is_flag=True, help="Skip enrichment of the shortlist.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (for cron).")
@click.pass_context
def daily(ctx, profile_name, site_dir, writer, no_enrich, quiet) -> None:
    """The scheduled job: latest announcement -> digest -> site -> e-mail, each step once."""
    from arxiv_digest.publish.daily import daily as run_daily
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    profile = _profile(ctx, profile_name)
    with Store(settings.db_path) as store:
        report = run_daily(settings, store, profile, recipients=list(settings.smtp.to),
                           site_dir=site_dir or settings.home / "site", writer=writer,
                           enrich=False if no_enrich else None)
    if not quiet:
        click.echo(f"{report.day}: done {', '.join(report.done) or 'nothing'}; "
                   f"already done {', '.join(report.skipped) or 'nothing'}", err=True)


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
