"""Benchmark: build the static site (pages, search index, feeds) for the twenty shared
days' digests. The digests are made first (not timed); the build is timed, best of N.

    python bench/site_bench.py [--shared ../shared] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", repo.parent / "shared")))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from arxiv_digest.config import load_settings
    from arxiv_digest.pipeline import run_day
    from arxiv_digest.publish.site import build_site
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile

    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
                run_day(settings, store, load_profile(), inputs=[path], out_dir=Path(home) / "o")
            times, report = [], None
            for _ in range(args.repeat):
                start = time.perf_counter()
                report = build_site(store, Path(home) / "site", settings.home)
                times.append(time.perf_counter() - start)
    print(f"site for {report.digests} digests: {report.pages} pages + feeds + search index; "
          f"best {min(times):.3f} s, worst {max(times):.3f} s of {args.repeat}")


if __name__ == "__main__":
    main()
