"""Commands that publish stored digests: site build, send, daily."""

from __future__ import annotations

import json
from pathlib import Path

import click

from arxiv_digest.cli.base import (
    cli, load_profile_named, notifier, parse_date, profile_option, quiet_option, say, warn,
    writing,
)
from arxiv_digest.errors import ConfigError, DigestError, NetworkError, UsageError


@cli.group()
def site() -> None:
    """The static site: every stored digest, archive, profiles, papers, search, feeds."""


@site.command("build")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Site directory (default: <data dir>/site).")
@click.option("--base-url", help="Public URL of the site, for absolute links in feeds "
                                 "(default: site_url in config.toml; with --profile, the "
                                 "URL the site was last built with).")
@click.option("--profile", "profile_name", metavar="NAME|PATH",
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
    from arxiv_digest.publish.site import build_site, last_base_url
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    out = out_dir or settings.home / "site"
    profile = profile_name                 # a name of stored digests, or a profile file's
    if profile_name and (profile_name.endswith(".toml") or "/" in profile_name):
        profile = load_profile_named(ctx, profile_name).name
    if not base_url and profile:            # one profile's feeds: as the rest of the site
        base_url = last_base_url(out)
    if not base_url:
        for line in settings.defaults_in_use("site_url"):
            warn(line)
    with writing(ctx, "site build"), Store(settings.db_path) as store:
        report = build_site(store, out, settings.home, base_url or settings.site_url,
                            profile=profile, full=full, notify=say)
    say(f"built {report.pages} files from {report.digests} digests into {report.out} "
        f"in {report.seconds:.2f} s ({report.rendered} rendered, {report.kept} unchanged)")


@cli.command()
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Digest date (default: the latest stored digest of the profile).")
@profile_option
@click.option("--to", "recipients", multiple=True, metavar="ADDRESS",
              help="Recipient (repeatable; default: [smtp] to in config.toml).")
@click.option("--channel", "channel_names", multiple=True, metavar="NAME",
              help="Post to this [[channels]] entry only (repeatable; default: the "
                   "profile's [publish] channels, else every channel). No e-mail goes out "
                   "with --channel unless --to is given too.")
@click.option("--no-email", is_flag=True, help="Post to the channels only.")
@click.option("--no-channels", is_flag=True, help="E-mail only.")
@click.option("--force", is_flag=True,
              help="Send again to recipients and channels that have the digest.")
@click.pass_context
def send(ctx, day, profile_name, recipients, channel_names, no_email, no_channels,
         force) -> None:
    """E-mail a stored digest (text + HTML) over SMTP and post it to the configured chat
    and webhook channels; each recipient and each channel once."""
    from arxiv_digest.digest import Digest
    from arxiv_digest.publish.channels import deliver
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    profile = load_profile_named(ctx, profile_name)
    addresses, targets = _destinations(settings, profile, recipients, channel_names,
                                       no_email, no_channels)
    if addresses:
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
        mail_error = _email(settings, store, Digest.from_json(json.loads(text)), addresses,
                            force) if addresses else None
        report = deliver(settings, store, text, targets, force=force,
                         notify=notifier(False)) if targets else None
    failed = report.failed if report else []
    for outcome in report.outcomes if report else []:
        say(outcome.line())
    if mail_error is not None:
        if not targets:
            raise mail_error
        say(f"e-mail: failed: {mail_error}")
    if failed or mail_error is not None:
        total = len(targets) + (1 if addresses else 0)
        raise DigestError(f"{len(failed) + (mail_error is not None)} of {total} deliveries "
                          "failed (each named above); a re-run sends only what is missing")


def _destinations(settings, profile, recipients, channel_names, no_email: bool,
                  no_channels: bool) -> tuple[list[str], list]:
    """The e-mail addresses and the channels (with their secrets) a send goes to, all
    checked before anything is sent; a ConfigError for the first problem."""
    from arxiv_digest.publish.channels import channels_for, check_channels
    from arxiv_digest.publish.email import unique_addresses

    if no_channels and channel_names:
        raise UsageError("--channel and --no-channels contradict each other; give one")
    wanted = [] if no_email or (channel_names and not recipients) else (
        list(recipients) or list(settings.smtp.to))
    addresses = unique_addresses(wanted)
    targets = [] if no_channels else check_channels(
        channels_for(settings, profile, list(channel_names)))
    if not addresses and not targets:
        if no_email:
            raise ConfigError(f"no channels to post to: add [[channels]] to "
                              f"{settings.home / 'config.toml'} (see the README)")
        raise ConfigError("no recipients: pass --to ADDRESS or set [smtp] to = [...] in "
                          "config.toml" + ("" if no_channels else
                                           ", or add [[channels]] to post to chat"))
    return addresses, targets


def _email(settings, store, digest, addresses: list[str], force: bool) -> NetworkError | None:
    """E-mail ``digest``; a network failure is returned, so the channels still go."""
    from arxiv_digest.publish.email import send_digest

    try:
        report = send_digest(settings.smtp, store, digest, addresses, force=force,
                             site_url=settings.site_url)
    except NetworkError as exc:
        return exc
    say(f"sent the {digest.date} digest to {len(report.sent)} recipient(s)"
        + (f"; {len(report.skipped)} had it already" if report.skipped else ""))
    return None


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
    """The scheduled job: latest announcement -> digest -> site -> e-mail -> channels, each
    step once.

    E-mail goes to the profile's [publish] recipients, else (for the profile given with
    --profile, or the default one) to [smtp] to; the digest is posted to the profile's
    [publish] channels, else to every [[channels]] entry of config.toml."""
    from arxiv_digest.pipeline import check_model
    from arxiv_digest.publish.daily import daily_profiles, profile_targets
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profiles

    settings = ctx.obj["settings"]
    chosen = load_profile_named(ctx, profile_name)
    loaded, broken = load_profiles(None, settings.home) if all_profiles else ([chosen], [])
    profiles = ([p for p in loaded if p.on_site or p.recipients or p.channels]
                if all_profiles else loaded)
    targets = profile_targets(settings, profiles)
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
            enrich=False if no_enrich else None, notify=notifier(quiet), targets=targets)
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
        for line in report.undelivered:
            say(f"{prefix}{line}")
    undelivered = sum(len(r.undelivered) for r in reports.values())
    if undelivered:
        raise DigestError(f"{undelivered} channel deliver{'y' if undelivered == 1 else 'ies'} "
                          "failed (each named above); a re-run posts only what is missing")
    if failed and len(failed) == len(reports):
        raise DigestError(f"no profile's digest was written ({len(failed)} failed)")
    if broken:
        raise DigestError(f"{len(broken)} profile(s) could not be loaded (above)")
