"""Commands about the model server: llm check."""

from __future__ import annotations

import click

from arxiv_digest.cli.base import cli, load_profile_named, parse_date, profile_option, say
from arxiv_digest.errors import NetworkError


@cli.group()
def llm() -> None:
    """The model server the LLM writer and translations use."""


@llm.command("check")
@click.option("--date", "day", callback=parse_date, metavar="YYYY-MM-DD",
              help="Price the digest of this stored day (default: the latest stored).")
@profile_option
@click.pass_context
def llm_check(ctx, day, profile_name) -> None:
    """Which server and model are configured, whether it answers, which reply formats it
    accepts, how prompts are counted, and what a digest would cost — before any work.
    What it finds is remembered, so the next run starts with the format that works."""
    from arxiv_digest.config import model_missing
    from arxiv_digest.llm.check import check_server
    from arxiv_digest.llm.modes import ReplyMode
    from arxiv_digest.pipeline import digest_requests
    from arxiv_digest.store import Store

    settings = ctx.obj["settings"]
    if not settings.has_model:
        raise model_missing("llm check")
    profile = load_profile_named(ctx, profile_name)
    with Store(settings.db_path) as store:
        found = check_server(settings, store, digest_requests=lambda backend: digest_requests(
            settings, store, profile, day, backend))
    say(f"server: {found.server}; model: {found.model}")
    if found.error is not None:
        raise NetworkError(f"the server does not answer: {found.error}")
    if not found.answers and found.not_chat is not None:
        say(f"answers: no — {found.not_chat}")
        raise NetworkError("the server does not speak the chat-completions protocol: check "
                           "OPENAI_BASE_URL (or [llm] base_url), the API's root, which for "
                           "most servers ends in /v1")
    say(f"answers: {'yes' if found.answers else 'no'}"
        + (f" (first reply in {found.seconds:.1f} s)" if found.answers else ""))
    for mode, verdict in found.formats.items():
        say(f"  {ReplyMode(mode).label}: {verdict}")
    if found.mode is None:
        raise NetworkError("the server accepted no reply format; see above")
    say(f"a run will ask for: {found.mode.label}")
    say(f"prompts counted by: {found.counter}")
    if found.day is None:
        say("no stored day to price: ingest one first (arxiv-digest ingest)")
        return
    price = (f"≈ ${found.cost:.4f} at most" if found.cost is not None
             else f"cost unknown (no price for {found.model} in [llm.prices])")
    say(f"the {found.day} digest ({profile.name}): {found.requests} requests, "
        f"{found.prompt_tokens:,} prompt tokens + up to {found.completion_allowance:,} "
        f"completion tokens; {price}")
