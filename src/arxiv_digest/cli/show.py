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


def print_run(result, settings) -> None:
    """The picks, the verification, the model's usage, what was written."""
    d = result.digest
    say(d.title)
    for pick in d.picks:
        say(f"  {pick.rank}. {pick.short_name} ({pick.id}) — {pick.highlight}")
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
        say(f"wrote {path}")


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


def rank_table(selection, profile, top: int | None, wide: bool):
    """The ranking as a table that fits 80 columns: rank, id (★ the digest's picks, ·
    passed over as featured before), short name, score and the two strongest reasons;
    ``wide`` adds a column per signal that has data that day."""
    ranking = selection.ranking
    from rich.table import Table
    from rich.text import Text

    shown = ranking.candidates[:top]
    table = Table(title=Text(f"{profile.title}: {ranking.date} — {ranking.pool} on-topic "
                             f"papers of {ranking.considered}"), expand=False, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("id", no_wrap=True)
    table.add_column("paper", max_width=18, overflow="fold")
    table.add_column("score", justify="right")
    names = [n for n in profile.weights if any(c.signals.get(n) for c in shown)] if wide else []
    for name in names:
        table.add_column(name[:6], justify="right")
    if not wide:
        table.add_column("why (strongest signals)", overflow="fold", ratio=1)
    for c in shown:
        mark = "\u2605" if c.paper.id in selection.picked_ids else \
            "\u00b7" if c.paper.id in selection.skipped else " "
        row = [f"{c.rank}{mark}", c.paper.id, c.short_name, f"{c.score:.3f}"]
        row += [f"{c.signals[n].value:.2f}" if c.signals.get(n) else "–" for n in names]
        if not wide:
            row.append("; ".join(strongest_reasons(c, profile.weights)))
        table.add_row(*(Text(cell) for cell in row))
    return table


def print_table(table, width: int | None = None) -> None:
    """Tables go to stdout; piped, they are laid out for 80 columns."""
    import sys

    from rich.console import Console

    console = Console(width=width or (None if sys.stdout.isatty() else 80), highlight=False)
    console.print(table)

