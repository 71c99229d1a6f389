"""Many profiles, one day: ``run --all-profiles`` for 100 topic profiles against a
single-profile ``run`` of the same day, both whole processes on a store holding the twenty
shared days. Profiles are copies of the built-in one under other names (readers sharing a
topic); with ``--distinct`` each copy weighs one topic phrase differently, so every
profile has its own phrase set and its own verdicts.

    python bench/profiles_bench.py [--shared ../shared] [--profiles 100] [--day 2026-06-23]
                                   [--distinct]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--day", default="2026-06-23")
    parser.add_argument("--distinct", action="store_true",
                        help="every profile with its own phrase weights")
    args = parser.parse_args()
    builtin = (REPO / "src/arxiv_digest/topics/profiles/diffusion.toml").read_text()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, ARXIV_DIGEST_HOME=home)
        cli = [sys.executable, "-m", "arxiv_digest"]
        for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
            subprocess.run(cli + ["ingest", "--input", str(path), "-q"], env=env, check=True)
        (Path(home) / "profiles").mkdir()
        topic = builtin.split("[relevance.topic]\n", 1)[1].split("\n[", 1)[0].splitlines()
        phrases = [line for line in topic if "=" in line and not line.startswith("#")]
        for i in range(args.profiles - 1):
            text = builtin.replace('name = "diffusion"', f'name = "topic{i:03d}"')
            if args.distinct:            # one phrase's weight nudged: a phrase set of its own
                line = phrases[i % len(phrases)]
                weight = float(line.rsplit("=", 1)[1]) + 0.01 * (1 + i // len(phrases))
                text = text.replace(line, f"{line.rsplit('=', 1)[0]}= {weight:g}", 1)
            (Path(home) / "profiles" / f"topic{i:03d}.toml").write_text(text)
        single = min(timed(cli + ["run", "--date", args.day, "-q"], env) for _ in range(3))
        every = timed(cli + ["run", "--date", args.day, "--all-profiles", "-q"], env)
        again = timed(cli + ["run", "--date", args.day, "--all-profiles", "-q"], env)
    print(f"{args.day}, store of the twenty shared days"
          + (", every profile with its own phrase weights" if args.distinct else ""))
    print(f"single-profile run (best of 3): {single:.2f} s")
    print(f"run --all-profiles, {args.profiles} profiles: first {every:.1f} s "
          f"({every / single:.0f}× a single run), again {again:.1f} s "
          f"({again / single:.0f}×); {args.profiles * 3600 / again:.0f} profile-days per hour")


if __name__ == "__main__":
    main()
