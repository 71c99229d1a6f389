"""A year of history: the first ``rank`` after a one-year backfill against a warm ``rank``.

The year is synthetic but made of real text: the twenty shared days are replayed again
and again under rewritten ids and dates (every weekday of a year), so the store holds a
year of listings. Reported: backfill rate, store size, relevance verdicts kept (pruned to
the window), the first ``rank`` of the last day after the backfill, and a warm one.

    python bench/backfill_bench.py [--shared ../shared] [--weeks 52]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from arxiv_digest.announcements import is_listing_date  # noqa: E402


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def year_of_days(shared: Path, weeks: int, folder: Path) -> list[Path]:
    """Every weekday from the first shared day on, each a shared day's papers under new
    ids (YYMM.NNNNN from the synthetic date) — real abstracts, a year of listings."""
    sources = [p.read_text().splitlines() for p in sorted((shared / "data" / "arxiv").glob(
        "*.jsonl"))]
    start = date(2025, 6, 2)          # a Monday, so the year ends before the shared days
    files = []
    for n in range(weeks * 7):
        day = start + timedelta(days=n)
        if not is_listing_date(day):
            continue
        lines = sources[len(files) % len(sources)]
        out = []
        for i, line in enumerate(lines):
            record = json.loads(line)
            record["id"] = f"{day:%y%m}.{(day.day * 1000 + i) % 100000:05d}"
            out.append(json.dumps(record))
        path = folder / f"{day.isoformat()}.jsonl"
        path.write_text("\n".join(out) + "\n")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(
        os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "arxiv_digest"]
    with tempfile.TemporaryDirectory() as base:
        home, data = Path(base) / "home", Path(base) / "days"
        data.mkdir()
        env = dict(os.environ, ARXIV_DIGEST_HOME=str(home))
        files = year_of_days(args.shared, args.weeks, data)
        start = time.perf_counter()
        # One process for the year (the way a backfill runs), each day ingested in turn.
        subprocess.run(cli + ["ingest", "-q"] + [a for f in files for a in ("--input", str(f))],
                       env=env, check=True)
        backfill = time.perf_counter() - start
        db = home / "arxiv-digest.db"
        import sqlite3
        with sqlite3.connect(db) as conn:
            papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
            verdicts = conn.execute("SELECT count(*) FROM relevance_cache").fetchone()[0]
        last = files[-1].stem
        db_size_mb = db.stat().st_size / 1e6
        first = timed(cli + ["rank", "--date", last], env)
        warm = min(timed(cli + ["rank", "--date", last], env) for _ in range(3))
    print(f"backfill: {len(files)} days, {papers} papers in {backfill:.0f} s "
          f"({papers / backfill:.0f} papers/s); store {db_size_mb:.0f} MB; "
          f"{verdicts} relevance verdicts kept")
    print(f"first rank after the backfill {first:.2f} s; warm rank {warm:.2f} s "
          f"({first / warm:.2f}×)")


if __name__ == "__main__":
    main()
