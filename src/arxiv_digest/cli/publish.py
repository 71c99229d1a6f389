"""Commands that publish stored digests: site build, send, daily."""

from __future__ import annotations

import json
from pathlib import Path

import click

from arxiv_digest.cli.base import (
    cli, load_profile_named, notifier, parse_date, profile_option, quiet_option, say, warn,
    writing,
)
from arxiv_digest.errors import DigestError


@cli.group()
def site() -> None:
    """The static site: every stored digest, archive, profiles, papers, search, feeds."""


@site.command("build")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Site directory (default: <data dir>/site).")
@click.option("--base-url", help="Public URL of the site, for absolute links in feeds "
                                 "(default: site_url in config.toml).")
@click.option("--profile", "profile_name", metavar="NAME",
              help="Render only this profile's digest pages and feeds anew (other profiles' "
                   "pages are kept as they are; site-wide pages are updated).")
@click.option("--full", is_flag=True,
              help="Render every page (default: pages whose inputs are unchanged since the "
                   "last build are carried over).")
@click.pass_context
def site_build(ctx, out_dir, base_url, profile_name, full) -> None:
    """Render every stored digest into a static site with Atom and RSS feeds.

    Incremental: a page is rendered again only when what it shows changed (its digest,
    its neighbours, its profile, the templates)."""
    from arxiv_digest.publish.site import build_site
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    if not base_url:
        for line in settings.defaults_in_use("site_url"):
            warn(line)
    with writing(ctx, "site build"), Store(settings.db_path) as store:
        report = build_site(store, out_dir or settings.home / "site", settings.home,
                            base_url or settings.site_url, profile=profile_name, full=full,
                            notify=say)
    say(f"built {report.pages} files from {report.digests} digests into {report.out} "
        f"in {report.seconds:.2f} s ({report.rendered} rendered, {report.kept} unchanged)")


@cli.command()
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
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
    profile = load_profile_named(ctx, profile_name)
    for line in settings.defaults_in_use("smtp", "site_url"):
        warn(line)
    with writing(ctx, "send"), Store(settings.db_path) as store:
        dates = store.digest_dates(profile.name)
        day = day or (dates[-1] if dates else None)
        text = store.digest_json(day, profile.name) if day else None
        if text is None:
            raise DigestError(f"no stored {profile.name} digest"
                              + (f" for {day}" if day else "")
                              + "; make one with `arxiv-digest run`")
        report = send_digest(settings.smtp, store, Digest.from_json(json.loads(text)),
                             list(recipients) or list(settings.smtp.to), force=force,
                             site_url=settings.site_url)
    say(f"sent the {day} digest to {len(report.sent)} recipient(s)"
        + (f"; {len(report.skipped)} had it already" if report.skipped else ""))


@cli.command()
@profile_option
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Site directory (default: <data dir>/site).")
@click.option("--writer", default="offline", show_default=True, help="Writer for the digest.")
@click.option("--no-enrich", is_flag=True, help="Skip enrichment of the shortlist.")
@quiet_option
@click.option("--wait/--no-wait", default=False, show_default=True,
              help="When another arxiv-digest process is writing to the data directory: wait "
                   "for it, or stop at once with exit code 5 (the default, for cron).")
@click.option("--all-profiles", is_flag=True,
              help="Every profile with a site ([publish] site, on by default) or recipients "
                   "([publish] recipients): digests in one pass, one site build, each "
                   "profile's e-mail to its own recipients.")
@click.pass_context
def daily(ctx, profile_name, site_dir, writer, no_enrich, quiet, wait, all_profiles) -> None:
    """The scheduled job: latest announcement -> digest -> site -> e-mail, each step once.

    E-mail goes to the profile's [publish] recipients, else (for the profile given with
    --profile, or the default one) to [smtp] to."""
    from arxiv_digest.pipeline import check_model
    from arxiv_digest.publish.daily import daily_profiles
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profiles

    settings = ctx.obj["settings"]
    chosen = load_profile_named(ctx, profile_name)
    loaded, broken = load_profiles(None, settings.home) if all_profiles else ([chosen], [])
    profiles = [p for p in loaded if p.on_site or p.recipients] if all_profiles else loaded
    for error in broken:
        say(f"error: {error}")
    check_model(settings, writer, None)
    if not quiet:
        for line in settings.defaults_in_use("site_url", *(["smtp"] if settings.smtp.to else [])):
            warn(line)
    with writing(ctx, "daily", wait=wait, quiet=quiet), Store(settings.db_path) as store:
        reports = daily_profiles(
            settings, store, profiles,
            lambda p: p.recipients or (list(settings.smtp.to) if p.name == chosen.name else []),
            site_dir=site_dir or settings.home / "site", writer=writer,
            enrich=False if no_enrich else None, notify=notifier(quiet))
    failed = {name: r.failed for name, r in reports.items() if r.failed is not None}
    if not all_profiles and failed:
        raise next(iter(failed.values()))
    for name, report in reports.items():
        prefix = f"{name}: " if all_profiles else ""
        if report.failed is not None:
            say(f"{prefix}{report.day}: no digest: {report.failed}")
            continue
        say(f"{prefix}{report.day}: done {', '.join(report.done) or 'nothing'}; "
            f"already done {', '.join(report.skipped) or 'nothing'}", quiet)
    if failed and len(failed) == len(reports):
        raise DigestError(f"no profile's digest was written ({len(failed)} failed)")
    if broken:
        raise DigestError(f"{len(broken)} profile(s) could not be loaded (above)")
