"""How results look on the console. Paper text and paths are data: never markup."""

from __future__ import annotations

from arxiv_digest.cli.base import MAX_PROBLEMS_SHOWN, say
from arxiv_digest.models import IngestReport


def print_report(report: IngestReport, quiet: bool) -> None:
    """The ingest summary, after each bad line and kept stored version as FILE:LINE."""
    if not quiet:
        lines = [str(p) for p in report.problems + report.conflicts + report.kept]
        for line in lines[:MAX_PROBLEMS_SHOWN]:
            say(line)
        if len(lines) > MAX_PROBLEMS_SHOWN:
            say(f"… and {len(lines) - MAX_PROBLEMS_SHOWN} more")
    parts = [f"{cat} {c.total} ({c.new} new, {c.cross} cross, {c.replace} replace)"
             for cat, c in report.counts.items() if c.total]
    state = "unchanged, already stored" if report.unchanged else "stored"
    skipped = f"; {len(report.problems)} skipped" if report.problems else ""
    kept = (f"; {len(report.conflicts)} kept as stored (other text)"
            if report.conflicts else "")
    kept += (f"; {len(report.kept)} categor{'y' if len(report.kept) == 1 else 'ies'} kept as "
             f"stored (other listing)" if report.kept else "")
    say(f"{report.date}: {report.papers} papers {state} from {report.origin} — "
        f"{'; '.join(parts)}{skipped}{kept}", quiet)


def print_run(result, settings, profile: str | None = None) -> None:
    """The results on stdout — the picks and the files written — and the diagnostics on
    stderr: what verification dropped, the model's usage, enrichment that failed.
    ``profile`` heads the block when several profiles print theirs."""
    import click

    d = result.digest
    click.echo(f"{profile}: {d.title}" if profile else d.title)
    for pick in d.picks:
        line = f"  {pick.rank}. {pick.short_name} ({pick.id})"
        click.echo(f"{line} — {pick.highlight}" if pick.highlight else line)
    v = d.verification
    say(f"verification: {v.checked} facts checked, {v.dropped} sentences dropped"
        + (f", {v.fallbacks} sections replaced" if v.fallbacks else "")
        + (f", {v.omitted} sections left out" if v.omitted else ""))
    for line in v.details[:MAX_PROBLEMS_SHOWN]:
        say(f"  {line}")
    if result.usage is not None:
        say(_usage_line(result.usage, settings))
    for line in result.unavailable[:MAX_PROBLEMS_SHOWN]:
        say(f"  enrichment unavailable: {line}")
    if len(result.unavailable) > MAX_PROBLEMS_SHOWN:
        say(f"  … and {len(result.unavailable) - MAX_PROBLEMS_SHOWN} more")
    for lang, kept in result.editions.items():
        say(f"edition {lang}: {len(kept)} field(s) kept in English")
    for path in result.paths:
        click.echo(f"wrote {path}")


def _usage_line(u, settings) -> str:
    cost = settings.llm.cost(u.prompt_tokens, u.completion_tokens)
    price = (f"≈ ${cost:.4f}" if cost is not None
             else f"cost unknown (no price for {settings.llm.model} in [llm.prices])")
    return (f"model {settings.llm.model}: {u.requests} requests, {u.cached} answered from the "
            f"cache, {u.prompt_tokens} prompt + {u.completion_tokens} completion tokens = "
            f"{u.total}, {price}"
            + (f" ({u.estimated} repl{'y' if u.estimated == 1 else 'ies'} without usage from "
               f"the server: estimated, characters ÷ 4)" if u.estimated else "")
            + (f"; {u.over_budget} over the token budget" if u.over_budget else "")
            + (f"; {u.failed} failed (offline text used)" if u.failed else "")
            + f"\nreplies as {_mode_label(u.mode)}"
            + (f": {u.mode_reason}" if u.mode_reason else "")
            + (f" (the server said: {u.mode_detail})" if u.mode_detail else "")
            + (f"; prompts counted by {u.counter}" if u.counter else "")
            + (f"\n{u.at_once} request{'' if u.at_once == 1 else 's'} at a time: "
               f"{u.at_once_reason}" if u.at_once_reason else ""))


def _mode_label(mode: str) -> str:
    from arxiv_digest.llm.modes import ReplyMode

    return ReplyMode(mode).label


def strongest_reasons(candidate, weights: dict[str, float], n: int = 2) -> list[str]:
    """The reasons of the ``n`` signals that add most to the score (weight × value)."""
    from arxiv_digest.rank import effective_weights

    weights = effective_weights(candidate.signals, weights)
    scored = [(weights[name] * value.value, name, value.reason)
              for name, value in candidate.signals.items() if name in weights]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [reason for share, _, reason in scored[:n] if share > 0]


def brief_reason(reason: str) -> str:
    """A signal's reason up to its first clause: "advances diffusion models", "framing:
    introduces DiffusionBench (a method)"."""
    head = reason.split(";")[0]
    return head.split(" (")[0] if head.count("(") > 1 or len(head) > 60 else head


def rank_table(selection, profile, top: int | None, wide: bool, width: int = 80):
    """The ranking as a table of one line per paper at 80 columns: rank, id (★ the
    digest's picks, · passed over as featured before), short name, score and the two
    strongest reasons, each cut to its first clause (``explain`` gives them whole);
    ``wide`` adds a column per signal that has data that day."""
    ranking = selection.ranking
    from rich import box
    from rich.table import Table
    from rich.text import Text

    shown = ranking.candidates[:top]
    table = Table(title=Text(f"{profile.title}: {ranking.date} — {ranking.pool} on-topic "
                             f"papers of {ranking.considered}"), expand=False, pad_edge=False,
                  box=box.SIMPLE_HEAD, caption_justify="left",
                  caption=Text("\u2605 the digest's picks  \u00b7 passed over: featured "
                               "before  (explain ID: every signal)"))
    table.add_column("#", justify="right", no_wrap=True, min_width=3)
    table.add_column("id", no_wrap=True, min_width=10)
    table.add_column("paper", min_width=8, max_width=18, no_wrap=True, overflow="ellipsis")
    table.add_column("score", justify="right", no_wrap=True, min_width=5)
    names = [n for n in profile.weights if any(c.signals.get(n) for c in shown)] if wide else []
    for name in names:
        table.add_column(name if len(name) <= 7 else name[:6] + "\u2026", justify="right",
                         no_wrap=True, min_width=4)
    if not wide:
        table.add_column("why (strongest signals)", no_wrap=True, overflow="ellipsis",
                         max_width=max(20, width - 48))
    for c in shown:
        mark = "\u2605" if c.paper.id in selection.picked_ids else \
            "\u00b7" if c.paper.id in selection.skipped else " "
        row = [f"{c.rank}{mark}", c.paper.id, c.short_name, f"{c.score:.3f}"]
        row += [f"{c.signals[n].value:.2f}" if c.signals.get(n) else "–" for n in names]
        if not wide:
            row.append("; ".join(brief_reason(r) for r in strongest_reasons(c, profile.weights)))
        table.add_row(*(Text(cell) for cell in row))
    return table


def table_width(wide: bool = False) -> int:
    """The terminal's width; piped, 80 columns (a wide table: as wide as it needs)."""
    import shutil
    import sys

    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 200 if wide else 80


def print_table(table, width: int | None = None) -> None:
    """Tables go to stdout, laid out for ``width`` columns (default: ``table_width()``)."""
    from rich.console import Console

    Console(width=width or table_width(), highlight=False).print(table)

