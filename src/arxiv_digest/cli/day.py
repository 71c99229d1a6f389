"""Commands about one announcement day: ingest, listing, rank, explain, eval, run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from arxiv_digest.cli.base import (
    categories_option, cli, inputs_option, load_profile_named, notifier, parse_date,
    profile_option, progress_bar, quiet_option, say, settings_of, wait_option, writing,
)
from arxiv_digest.cli.show import (
    print_report, print_run, print_table, rank_table, table_width,
)
from arxiv_digest.errors import EXIT_ERROR, DigestError
from arxiv_digest.pipeline import RunOptions, Services


@cli.command()
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Listing date. Live: default the latest announcement. Replay: default "
                   "the date in the file name (which --date must match).")
@inputs_option("Replay a JSONL listing file (plain or .gz), a saved arXiv feed, or - for "
               "standard input, instead of fetching live. Repeatable.")
@categories_option
@click.option("--strict", is_flag=True, help="Fail (store unchanged) if any line or entry is bad.")
@quiet_option
@wait_option
@click.pass_context
def ingest(ctx, day, inputs, categories, strict, quiet, wait) -> None:
    """Put one announcement day into the local store (live from arXiv, or replayed)."""
    from arxiv_digest.pipeline.ingest import ingest_file, ingest_live, make_client
    from arxiv_digest.pipeline.stages import judged
    from arxiv_digest.store import Store

    settings = settings_of(ctx, categories)
    notify = notifier(quiet)
    with writing(ctx, "ingest", wait=wait, quiet=quiet), Store(settings.db_path) as store, \
            progress_bar(not quiet) as progress:
        if inputs:
            reports = [ingest_file(settings, store, path, day, strict=strict, progress=progress,
                                   notify=notify) for path in inputs]
        else:
            with make_client(settings, notify=notify) as client:
                reports = [ingest_live(settings, store, client, day, strict=strict,
                                       progress=progress)]
        judged(settings, store, reports)
    for report in reports:
        print_report(report, quiet)


@cli.command()
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest stored).")
@categories_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable counts.")
@click.pass_context
def listing(ctx, day, categories, as_json) -> None:
    """Counts of a stored day per listing category (new, cross, replace) and their union."""
    from arxiv_digest.store import read_listing
    from arxiv_digest.store import Store

    settings = settings_of(ctx, categories)
    with Store(settings.db_path) as store:
        result = read_listing(settings, store, day)
    data = result.counts_json()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"arXiv listing {data['date']}")
    for column in ("category", "total", "new", "cross", "replace"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for cat, counts in list(data["categories"].items()) + [("union", data["union"])]:
        table.add_row(cat, *(str(counts[k]) for k in ("total", "new", "cross", "replace")))
    print_table(table)


@cli.command()
@click.pass_context
def profiles(ctx) -> None:
    """List the topic profiles available (built-in and in the data directory)."""
    from arxiv_digest.topics import DEFAULT_PROFILE, available_profiles, load_profiles

    home = ctx.obj["settings"].home
    loaded, broken = load_profiles(None, home)
    for profile in loaded:
        mark = " (default)" if profile.name == DEFAULT_PROFILE else ""
        origin = available_profiles(home)[profile.name]
        click.echo(f"{profile.name}{mark}: {profile.title} — {', '.join(profile.categories)} "
                   f"[{origin}]")
    for error in broken:
        say(f"error: {error}")
    if broken:
        ctx.exit(EXIT_ERROR)


@cli.command()
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest stored, or the input file's).")
@inputs_option("Ingest this replay file first (same rules as `ingest --input`).")
@profile_option
@click.option("--top", type=click.IntRange(min=1), help="Show only the best N.")
@click.option("--wide", is_flag=True, help="A column per signal instead of the reasons.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable ranking.")
@wait_option
@click.pass_context
def rank(ctx, day, inputs, profile_name, top, wide, as_json, wait) -> None:
    """Rank a day's on-topic papers, with every signal's value and reason."""
    from contextlib import nullcontext

    from arxiv_digest.pipeline import select_day
    from arxiv_digest.store import Store

    profile = load_profile_named(ctx, profile_name)
    lock = writing(ctx, "rank --input", wait=wait) if inputs else nullcontext()
    with lock, Store(ctx.obj["settings"].db_path) as store:
        selection = select_day(ctx.obj["settings"], store, profile, day, list(inputs))
    if as_json:
        click.echo(json.dumps(selection.to_json(top), indent=2, ensure_ascii=False))
        return
    width = table_width(wide)
    print_table(rank_table(selection, profile, top, wide, width), width)


@cli.command()
@click.argument("paper_id")
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest stored).")
@profile_option
@click.pass_context
def explain(ctx, paper_id, day, profile_name) -> None:
    """Why a paper ranks where it does, signal by signal."""
    from arxiv_digest.pipeline.explain import explain_paper
    from arxiv_digest.store import Store

    profile = load_profile_named(ctx, profile_name)
    with Store(ctx.obj["settings"].db_path) as store:
        click.echo(explain_paper(ctx.obj["settings"], store, profile, paper_id, day))


@cli.command(name="eval")
@click.option("--picks", "picks_path", required=True,
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Editor's picks: {\"days\": {DATE: {\"picks\": [ids], \"listing\": file}}}.")
@profile_option
@click.option("--history", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also score with the N listing days before each day (files beside its "
                   "file) run first, as a daily user's store would hold them.")
@click.option("--feedback-from", "feedback_from", multiple=True, callback=lambda c, p, v: [
    parse_date(c, p, d) for d in v], metavar="YYYY-MM-DD",
              help="Take the editor's picks of this day as the reader's likes and score the "
                   "other days with and without them. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores.")
@click.pass_context
def evaluate_command(ctx, picks_path, profile_name, history, feedback_from, as_json) -> None:
    """Score the digest's picks against an editor's: hits in our 5 picks, top 10, top 15.

    Each mode runs in a fresh temporary store, so the numbers do not depend on (and do not
    change) your data directory."""
    import tempfile

    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline.evaluate import evaluate
    from arxiv_digest.store import Store

    profile = load_profile_named(ctx, profile_name)
    modes = [("without history", 0, [])] + ([(f"with {history} days of history", history, [])]
                                             if history else [])
    if feedback_from:
        learned = ", ".join(str(d) for d in feedback_from)
        modes = [(f"{label}, no feedback", days, []) for label, days, _ in modes] + [
            (f"{label}, liking the picks of {learned}", days, list(feedback_from))
            for label, days, _ in modes]
        modes[0] = (modes[0][0], modes[0][1], [])
    results = {}
    for label, days, learn in modes:
        with tempfile.TemporaryDirectory(prefix="arxiv-digest-eval-") as home:
            settings = replace(load_settings(Path(home)),
                               categories=ctx.obj["settings"].categories)
            with Store(settings.db_path) as store:
                scores = evaluate(settings, store, profile, picks_path, days, learn,
                                  notify=lambda m, label=label: say(f"eval, {label}: {m}"))
                if feedback_from and not learn:
                    scores = [s for s in scores if s.day not in feedback_from]
                results[label] = scores
    if as_json:
        click.echo(json.dumps({label.replace(" ", "_"): [s.to_json() for s in scores]
                               for label, scores in results.items()}, indent=2))
        return
    for label, scores in results.items():
        click.echo(f"{label}:")
        for score in scores:
            ranks = ", ".join(f"{pid}: {r if r is not None else 'not in pool'}"
                              for pid, r in score.ranks.items())
            click.echo(f"  {score.day}: {score.in_top5}/5 among our picks, {score.in_top10}/5 "
                       f"in our top 10, {score.in_top15}/5 in our top 15 (random from the "
                       f"pool of {score.pool}: {score.random_top5:.2f} in 5)\n    ranks — {ranks}")
        if scores:
            n = len(scores)
            click.echo(f"  mean: {sum(s.in_top5 for s in scores) / n:.1f} among our picks, "
                       f"{sum(s.in_top10 for s in scores) / n:.1f} in top 10, "
                       f"{sum(s.in_top15 for s in scores) / n:.1f} in top 15 over {n} day(s)")


@cli.command()
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Listing date (default: the latest announcement, or the input file's).")
@inputs_option("Replay this listing file (or - for standard input) instead of fetching "
               "live. Repeatable.")
@click.option("--profile", "profile_name", metavar="NAME|PATH", multiple=True,
              help="Topic profile (default: diffusion); repeat for several.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Output directory (default: <data dir>/digests, digests/<profile> for "
                   "other profiles); with several profiles, DIR/<profile> for each.")
@click.option("--writer", default="offline", show_default=True,
              help="Writer: offline (no network, no key) or llm (any OpenAI-compatible model).")
@click.option("--max-tokens", type=click.IntRange(min=0), default=None,
              help="Token budget for model requests in this run; past it, offline text.")
@click.option("--lang", "languages", multiple=True, metavar="CODE",
              help="Also write an edition in this language (ko, zh, ja, de, …); needs a "
                   "model. Repeatable.")
@click.option("--enrich/--no-enrich", default=None,
              help="Enrich the shortlist (full text, code, community, authors). Default: on "
                   "for a day fetched live in this run, off for replays and stored days.")
@click.option("--strict", is_flag=True, help="Fail if any input line or entry is bad.")
@click.option("--all-profiles", is_flag=True,
              help="Write the digest of every profile (built-in and in the data directory).")
@quiet_option
@wait_option
@click.pass_context
def run(ctx, day, inputs, profile_name, out_dir, writer, max_tokens, languages, enrich, strict,
        all_profiles, quiet, wait) -> None:
    """Ingest a day, rank it, write the digest, verify it, render JSON, Markdown and HTML.

    Repeat --profile (or give --all-profiles) to write several profiles' digests of the
    day in one pass; a profile that fails is reported and the others go on."""
    from arxiv_digest.pipeline import check_model, run_profiles
    from arxiv_digest.topics import load_profile, load_profiles

    settings = ctx.obj["settings"]
    if all_profiles:
        profiles, broken = load_profiles(None, settings.home)
    else:
        profiles = [load_profile(name, settings.home) for name in profile_name or [None]]
        broken = []
    for error in broken:
        say(f"error: {error}")
    check_model(settings, writer, list(languages))
    from arxiv_digest.store import Store

    several = len(profiles) > 1
    with writing(ctx, "run", wait=wait, quiet=quiet), Store(settings.db_path) as store, \
            progress_bar(not quiet) as progress:
        options = RunOptions(tuple(inputs), out_dir, writer, strict, max_tokens,
                             tuple(languages), enrich)
        runs = run_profiles(settings, store, profiles, day, options,
                            Services(notify=notifier(quiet), progress=progress))
    failed = [r for r in runs if r.error]
    if not several and failed:
        raise failed[0].error
    for item in runs:
        if item.result is None:
            say(f"{item.profile}: {item.error}")
            continue
        for report in item.result.reports:
            print_report(report, quiet)
        if not quiet:
            print_run(item.result, settings, item.profile if several else None)
    if broken or (failed and len(failed) == len(runs)):
        raise DigestError(f"no profile's digest was written ({len(failed)} failed)"
                          if len(failed) == len(runs) else
                          f"{len(broken)} profile(s) could not be loaded (above)")


@cli.command()
@click.argument("paper_ids", nargs=-1)
@click.option("--all", "every", is_flag=True,
              help="Every paper of the day (on topic or not): --date, the input file's, or "
                   "the latest stored.")
@inputs_option("Ingest this replay file first (repeatable); with --all, brief its day.")
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="The listing day (for --all; default: the input file's, else the latest "
                   "stored).")
@profile_option
@click.option("--writer", default="offline", show_default=True,
              help="The writer, as for the digest.")
@click.option("--json", "as_json", is_flag=True,
              help="JSON Lines: id, short_name, highlight, one_line, sections, sentences "
                   "with roles.")
@wait_option
@click.pass_context
def brief(ctx, paper_ids, every, inputs, day, profile_name, writer, as_json, wait) -> None:
    """One paper's brief (short name, highlight, the five sections), as the digest writes it."""
    from contextlib import nullcontext

    from arxiv_digest.pipeline.briefs import papers_for, write_briefs
    from arxiv_digest.pipeline.ingest import ingest_file
    from arxiv_digest.pipeline.stages import judged
    from arxiv_digest.pipeline import check_model, profile_settings
    from arxiv_digest.store import Store

    if not paper_ids and not every:
        raise click.UsageError("give paper ids, or --all (with --input or --date, or for the "
                               "latest stored day)")
    profile = load_profile_named(ctx, profile_name)
    settings = profile_settings(ctx.obj["settings"], profile)
    check_model(settings, writer, None)
    lock = writing(ctx, "brief --input", wait=wait) if inputs else nullcontext()
    with lock, Store(settings.db_path) as store:
        given = day
        for path in inputs:                  # every file, each ingested (its own day)
            report = judged(settings, store, [ingest_file(settings, store, path, given)])[0]
            day = day or report.date
        papers, day = papers_for(settings, store, list(paper_ids), day, every)
        briefs = write_briefs(settings, store, profile, papers, day or _today(), writer)
    for item in briefs:
        if as_json:
            click.echo(json.dumps(item.to_json(), ensure_ascii=False))
            continue
        click.echo(f"{item.id}v{item.version} — {item.short_name}"
                   + (f" ({item.highlight})" if item.highlight else ""))
        for name, text in item.sections.items():
            click.echo(f"  {name.replace('_', ' ')}: {text}")
        click.echo("")


def _today():
    from datetime import date

    return date.today()
