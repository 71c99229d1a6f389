"""Benchmark: tokens the LLM writer spends per five-paper digest with the default prompts.

Runs `run --writer llm` on every shared day (in date order, earlier days as history)
against the scripted chat-completions server of the test suite, on loopback. The server
counts tokens as characters / 4 for the whole request (system and user messages) and
the reply; its replies are built from the paper's own abstract, so their length is that
of a real reply. Also reports the extra cost of one translated edition.

    python bench/llm_tokens_bench.py [--shared ../shared] [--lang ko]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import warnings
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--lang", default="ko")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from fake_llm import FakeLLM

    from arxiv_digest.config import LLMSettings, load_settings
    from arxiv_digest.pipeline import run_day
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile

    server = FakeLLM().start()
    per_day, per_translation = [], []
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = replace(load_settings(Path(home)),
                               llm=LLMSettings(base_url=server.url, api_key="bench",
                                               model="bench-model"))
            with Store(settings.db_path) as store:
                for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
                    before = server.tokens()
                    run_day(settings, store, load_profile(), inputs=[path],
                            out_dir=Path(home) / "out", writer="llm")
                    middle = server.tokens()
                    run_day(settings, store, load_profile(), inputs=[path],
                            out_dir=Path(home) / "out", writer="llm", languages=[args.lang])
                    per_day.append(middle - before)
                    per_translation.append(server.tokens() - middle)
    finally:
        server.stop()
    print(f"{len(per_day)} days, LLM-written digest (5 pick requests + 1 day request):")
    print(f"  tokens per digest: median {statistics.median(per_day):,.0f}, "
          f"max {max(per_day):,}, min {min(per_day):,}")
    print(f"  one {args.lang} edition on top (the English text re-used from the cache): "
          f"median {statistics.median(per_translation):,.0f}, max {max(per_translation):,}")


if __name__ == "__main__":
    main()
