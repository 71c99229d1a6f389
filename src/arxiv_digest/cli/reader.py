"""Commands for what the reader says: feedback (like, dislike, list, forget, reset,
import) and serve (the site with like/dislike controls, on this machine)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import click

from arxiv_digest.cli.base import (
    MAX_PROBLEMS_SHOWN, cli, load_profile_named, notifier, profile_option, say, writing,
)
from arxiv_digest.errors import ConfigError


@cli.group()
def feedback() -> None:
    """Likes and dislikes (per profile) that the taste signal learns from."""


def _give(ctx, ids, profile_name, kind, offline) -> None:
    from arxiv_digest.reader.feedback import give
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    profile = load_profile_named(ctx, profile_name)
    with writing(ctx, f"feedback {kind}"), Store(settings.db_path) as store:
        with _client(settings, offline) as client:
            report = give(settings, store, profile.name, list(ids), kind, client=client,
                          fetch=not offline)
    for line in report.problems:
        say(str(line))
    say(f"{kind}d {len(report.recorded)} paper(s) for {profile.name}"
        + (f"; {len(report.unchanged)} already {kind}d" if report.unchanged else "")
        + (f"; fetched {report.fetched} from arXiv" if report.fetched else ""))


@contextmanager
def _client(settings, offline: bool):
    """The export API's client for papers the store lacks, telling a person watching what
    it fetches and waits for (retries included); none offline."""
    if offline:
        yield None
        return
    from arxiv_digest.pipeline.ingest import make_client

    client = make_client(settings, notify=notifier(False))
    try:
        yield client
    finally:
        client.close()


offline_option = click.option("--offline", is_flag=True,
                              help="Do not fetch papers the store does not hold; refuse them.")


@feedback.command("like")
@click.argument("paper_ids", nargs=-1, required=True)
@profile_option
@offline_option
@click.pass_context
def like(ctx, paper_ids, profile_name, offline) -> None:
    """Like papers (ids with or without a version)."""
    _give(ctx, paper_ids, profile_name, "like", offline)


@feedback.command("dislike")
@click.argument("paper_ids", nargs=-1, required=True)
@profile_option
@offline_option
@click.pass_context
def dislike(ctx, paper_ids, profile_name, offline) -> None:
    """Dislike papers (ids with or without a version)."""
    _give(ctx, paper_ids, profile_name, "dislike", offline)


@feedback.command("list")
@profile_option
@click.pass_context
def list_feedback(ctx, profile_name) -> None:
    """The profile's feedback: id, version, like/dislike, where from, when."""
    from arxiv_digest.store import Store

    profile = load_profile_named(ctx, profile_name)
    with Store(ctx.obj["settings"].db_path) as store:
        items = store.feedback(profile.name)
        titles = {i.paper_id: (store.paper(i.paper_id) or None) for i in items}
    for item in items:
        paper = titles.get(item.paper_id)
        title = paper.title if paper else ""
        click.echo(f"{item.kind:8} {item.paper_id}v{item.version}  {item.source:8} "
                   f"{item.created_at}  {title}")
    if not items:
        say(f"no feedback for {profile.name} yet")


@feedback.command("forget")
@click.argument("paper_ids", nargs=-1, required=True)
@profile_option
@click.pass_context
def forget(ctx, paper_ids, profile_name) -> None:
    """Forget the feedback on these papers."""
    from arxiv_digest.reader.feedback import parse_ids
    from arxiv_digest.store import Store

    profile = load_profile_named(ctx, profile_name)
    ids = [pid for pid, _ in parse_ids(list(paper_ids))]
    with writing(ctx, "feedback forget"), Store(ctx.obj["settings"].db_path) as store:
        count = store.forget(profile.name, ids)
    say(f"forgot {count} paper(s) for {profile.name}")


@feedback.command("reset")
@profile_option
@click.pass_context
def reset(ctx, profile_name) -> None:
    """Forget all of the profile's feedback (the ranking is as if none was given)."""
    from arxiv_digest.store import Store

    profile = load_profile_named(ctx, profile_name)
    with writing(ctx, "feedback reset"), Store(ctx.obj["settings"].db_path) as store:
        count = store.reset_feedback(profile.name)
    say(f"forgot all {count} feedback item(s) for {profile.name}")


@feedback.command("import")
@click.argument("library", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@profile_option
@offline_option
@click.pass_context
def import_command(ctx, library, profile_name, offline) -> None:
    """Import a library (BibTeX, RIS, CSL-JSON, or a list of ids/URLs) as likes."""
    from arxiv_digest.errors import InputError
    from arxiv_digest.reader.feedback import import_library, nothing_read
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    profile = load_profile_named(ctx, profile_name)
    with writing(ctx, "feedback import"), Store(settings.db_path) as store:
        with _client(settings, offline) as client:
            report = import_library(settings, store, profile.name, library, client=client,
                                    fetch=not offline)
    shown = report.problems[:MAX_PROBLEMS_SHOWN]
    for line in shown:
        say(str(line))
    hidden = len(report.problems) - len(shown) + report.more_problems
    if hidden:
        say(f"… and {hidden:,} more")
    empty = nothing_read(report)
    if empty:
        raise InputError(f"{library}: {empty}")
    say(f"{library}: {report.entries:,} entries: {len(report.recorded):,} liked, "
        f"{len(report.unchanged):,} already liked, {report.without_id:,} without an arXiv id"
        + (f", {report.bad:,} bad" if report.bad else "")
        + (f", {report.repeated:,} repeated" if report.repeated else "")
        + (f", {len(report.waiting):,} waiting (not in the store; import again online)"
           if report.waiting else "")
        + (f"; fetched {report.fetched:,} from arXiv" if report.fetched else ""))


@cli.command()
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Site directory (default: <data dir>/site).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 unless you know why not).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--build/--no-build", default=True, show_default=True,
              help="Build the site first.")
@click.pass_context
def serve(ctx, site_dir, host, port, build) -> None:
    """The site on this machine, with like/dislike on every paper (recorded as feedback)."""
    from arxiv_digest.publish.serve import make_server
    from arxiv_digest.publish.site import build_site
    from arxiv_digest.store import Store
    from arxiv_digest.topics import available_profiles

    settings = ctx.obj["settings"]
    site = site_dir or settings.home / "site"
    if build:
        with writing(ctx, "site build"), Store(settings.db_path) as store:
            build_site(store, site, settings.home, settings.site_url)
    try:
        server = make_server(site, lambda profile, paper_id, kind: record_click(
            settings, profile, paper_id, kind), set(available_profiles(settings.home)),
            host, port)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host} port {port}: {exc.strerror or exc}; "
                          "choose another --host or --port") from None
    say(f"serving {site} at {server.origin}/ — like and dislike are recorded as feedback; "
        "Ctrl-C to stop")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        server.server_close()


def record_click(settings, profile: str, paper_id: str, kind: str) -> bool:
    """A click from the served site: feedback on the paper's newest stored version.
    False, recording nothing, for a paper the store does not hold (the site shows only
    stored papers; a click is not a reason to fetch one). While another command writes,
    LockedError at once: the reader is told the store is busy instead of left waiting."""
    from arxiv_digest.locking import writer_lock
    from arxiv_digest.store import Store

    with writer_lock(settings.home, wait=False, what="serve"), \
            Store(settings.db_path) as store:
        versions = store.versions(paper_id)
        if versions:
            store.set_feedback(profile, [(paper_id, versions[-1].version, kind)], "site")
        return bool(versions)
