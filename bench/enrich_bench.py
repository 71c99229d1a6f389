"""Benchmark: what enrichment adds to a run, against local stand-ins of the sources.

Ranks the largest shared day, serves constructed responses (arXiv HTML in LaTeXML's
structure, GitHub, Hugging Face, Semantic Scholar) for its shortlist of 15 from a
loopback server, then times `run` with enrichment (first run: every source's real
spacing — 1 s between arXiv HTML requests, 1 s for Semantic Scholar, 0.5 s for GitHub
and Hugging Face — with the sources side by side) and again (re-run: all cached).

    python bench/enrich_bench.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path
from arxiv_digest.pipeline import RunOptions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--day", default="2026-06-23")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from fake_services import FakeServices

    from arxiv_digest.config import EnrichSettings, load_settings
    from arxiv_digest.pipeline import rank_day, run_day
    from arxiv_digest.signals.code import code_url
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile

    page = (REPO / "tests" / "fixtures" / "latexml-2606.10001.html").read_bytes()
    services = FakeServices().start()
    source = args.shared / "data" / "arxiv" / f"{args.day}.jsonl"
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = replace(load_settings(Path(home)), enrich=EnrichSettings(
                html_url=services.url + "/html/{id}v{version}",
                pdf_url=services.url + "/pdf/{id}v{version}", github_api=services.url + "/gh",
                hf_api=services.url + "/hf", s2_api=services.url + "/s2"))
            with Store(settings.db_path) as store:
                ranking = rank_day(settings, store, load_profile(), inputs=[source])
                shortlist = ranking.candidates[:15]
                for c in shortlist:
                    services.html(c.paper.id, c.paper.version, page)
                    services.json(f"/hf/papers/{c.paper.id}", {"upvotes": 7, "numComments": 1})
                    services.json(f"/s2/paper/arXiv:{c.paper.id}", {"authors": [{"hIndex": 20}]})
                    url = code_url(c.paper) or ""
                    if "github.com/" in url:
                        owner_repo = url.split("github.com/", 1)[1].strip("/").split("/")[:2]
                        services.json(f"/gh/repos/{'/'.join(owner_repo)}",
                                      {"stargazers_count": 10, "forks_count": 1})
                out = Path(home) / "out"
                timings = {}
                for name, enrich in (("without enrichment", False), ("with enrichment", True),
                                     ("re-run with enrichment (cached)", True)):
                    start = time.perf_counter()
                    run_day(settings, store, load_profile(),
                            options=RunOptions(inputs=(source,), out_dir=out, enrich=enrich))
                    timings[name] = time.perf_counter() - start
    finally:
        services.stop()
    base = timings["without enrichment"]
    print(f"{args.day}: shortlist of {len(shortlist)} enriched from {len(services.requests)} "
          f"requests to the local sources")
    for name, seconds in timings.items():
        extra = "" if name == "without enrichment" else f" (+{seconds - base:.1f} s)"
        print(f"  run {name}: {seconds:.2f} s{extra}")


if __name__ == "__main__":
    main()
