"""The static site at scale: ``site build`` for 200 profiles × 20 digests, an incremental
rebuild after one new digest, and one profile with 20–160 digests (linear in digests?).
Digests are the built-in profile's digests of the twenty shared days, stored again under
other profile names (and, for the one-profile series, other dates), so every page is real.

    python bench/site_bench.py [--shared ../shared] [--profiles 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILTIN = REPO / "src/arxiv_digest/topics/profiles/diffusion.toml"


def timed(cli: list[str], env: dict, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(cli + list(args), env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def copies(db: Path, rows: list[tuple], profile: str, shift_days: int = 0) -> None:
    """The digests again under ``profile`` (dates moved by ``shift_days``)."""
    with sqlite3.connect(db) as conn:
        for day, data in rows:
            when = (date.fromisoformat(day) + timedelta(days=shift_days)).isoformat()
            doc = json.loads(data)
            doc["profile"], doc["date"] = profile, when
            conn.execute("INSERT OR REPLACE INTO digests (date, profile, writer, title, json, "
                         "created_at) VALUES (?, ?, 'offline', ?, ?, '2026-01-01')",
                         (when, profile, doc.get("title", ""), json.dumps(doc)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(
        os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--profiles", type=int, default=200)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "arxiv_digest"]
    with tempfile.TemporaryDirectory() as base:
        home = Path(base) / "home"
        env = dict(os.environ, ARXIV_DIGEST_HOME=str(home))
        for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
            subprocess.run(cli + ["run", "--input", str(path), "-q"], env=env, check=True)
        db = home / "arxiv-digest.db"
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT date, json FROM digests ORDER BY date").fetchall()
        (home / "profiles").mkdir(exist_ok=True)
        for i in range(args.profiles - 1):
            name = f"topic{i:03d}"
            (home / "profiles" / f"{name}.toml").write_text(
                BUILTIN.read_text().replace('name = "diffusion"', f'name = "{name}"'))
            copies(db, rows, name)
        full = timed(cli, env, "site", "build")
        size = sum(f.stat().st_size for f in (home / "site").rglob("*") if f.is_file())
        pages = sum(1 for f in (home / "site").rglob("*.html"))
        copies(db, rows[-1:], "topic000", shift_days=1)
        incremental = timed(cli, env, "site", "build")
        one = timed(cli, env, "site", "build", "--profile", "topic000")
        print(f"{args.profiles} profiles × {len(rows)} digests: full build {full:.2f} s, "
              f"{pages} pages, {size / 1e6:.1f} MB; after one new digest {incremental:.2f} s; "
              f"one profile's pages (--profile) {one:.2f} s")
        # One profile, 20 to 160 digests.
        series = Path(base) / "series"
        env = dict(os.environ, ARXIV_DIGEST_HOME=str(series))
        subprocess.run(cli + ["ingest", "--input", str(sorted(
            (args.shared / "data" / "arxiv").glob("*.jsonl"))[0]), "-q"], env=env, check=True)
        made = 0
        for total in (20, 40, 80, 160):
            while made < total:
                copies(series / "arxiv-digest.db", rows, "diffusion", shift_days=49 * (made // len(rows)))
                made += len(rows)
            seconds = timed(cli, env, "site", "build", "--full")
            print(f"one profile, {total} digests: {seconds:.2f} s ({seconds / total * 1000:.0f} ms "
                  f"per digest)")


if __name__ == "__main__":
    main()
