"""Faithful-answer fixtures replayed through the loopback model server.

A fixture file holds, for one shared day, the answers a careful, capable model gave to
the LLM writer's requests using only each request's data: one per pick, keyed by the
pick's arXiv id (read from the request), and one for the day, keyed by the date the
request names. Keyed by content, never by order, so a prompt edit does not orphan them.

``python tests/llm_replay.py requests DAY [ID …]`` prints the stage-one requests of a day's
picks (single-day store, the day's own picks unless ids are given); ``day-request DAY``
replays the pick answers and prints the day-level request they produce.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from fake_llm import FakeLLM, _kind

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "llm"


def load(day: str) -> dict:
    return json.loads((FIXTURES / f"{day}.json").read_text(encoding="utf-8"))


class ReplayLLM(FakeLLM):
    """Answers pick requests by arXiv id and day requests by date from fixture files;
    a request no fixture covers is answered 500 and counted in ``missing``."""

    def __init__(self, *days: str):
        super().__init__()
        self.fixtures = {day: load(day) for day in days}
        self.missing: list[str] = []

    def answer(self, body: dict) -> tuple[int, dict, dict]:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        kind = _kind(body)
        reply = None
        if kind == "pick":
            found = re.search(r"^arXiv id: (\S+)$", user, re.M)
            paper = found.group(1) if found else ""
            reply = next((f["picks"][paper] for f in self.fixtures.values()
                          if paper in f["picks"]), None)
        elif kind == "day":
            reply = next((f["day_answer"] for f in self.fixtures.values()
                          if f["named"] in user), None)
        if reply is None:
            self.missing.append(kind)
            return 500, {"error": {"message": "no fixture", "type": "server_error"}}, {}
        content = json.dumps(reply, ensure_ascii=False)
        prompt = sum(len(m["content"]) for m in body["messages"]) // 4
        return 200, {
            "id": "chatcmpl-replay", "object": "chat.completion", "created": 1_780_000_000,
            "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": len(content) // 4,
                      "total_tokens": prompt + len(content) // 4}}, {}


def plan_for(settings, store, day_file: Path, ids: list[str] | None = None):
    """The writer's plan for a shared day replayed into ``store``: its own picks, or the
    candidates ``ids`` names, in that order."""
    from dataclasses import replace as dc_replace

    from arxiv_digest.pipeline import stages
    from arxiv_digest.pipeline import plan_of, profile_settings
    from arxiv_digest.topics import load_profile

    profile = load_profile()
    settings = profile_settings(settings, profile)
    day = stages.ingest(settings, store, None, [day_file], False, None).day
    ranking = stages.rank(settings, store, profile, day)
    selection = stages.choose(settings, store, profile, ranking)
    if ids:
        by_id = {c.paper.id: c for c in ranking.candidates}
        selection = dc_replace(selection, picks=[by_id[i] for i in ids])
    return plan_of(store, profile, selection, {}, [])


def _main(argv: list[str]) -> None:
    import tempfile

    from arxiv_digest.config import LLMSettings, load_settings
    from arxiv_digest.store import Store
    from arxiv_digest.writers.llm import LLMWriter
    from arxiv_digest.writers.offline import OfflineWriter
    from conftest import find_shared

    what, day, *ids = argv
    path = find_shared() / "data" / "arxiv" / f"{day}.jsonl"
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            plan = plan_for(settings, store, path, ids or None)
            if what == "requests":
                digest = OfflineWriter().write(plan)
                for request in LLMWriter(backend=object()).pick_requests(digest, plan):
                    print(f"===== {request.part}")
                    print(request.messages[-1]["content"])
                return
            from dataclasses import replace as dc_replace

            server = ReplayLLM(day).start()
            try:
                llm = LLMSettings(base_url=server.url, api_key="k", model="m", timeout=5,
                                  max_retries=0, concurrency=1)
                writer = LLMWriter(settings=dc_replace(settings, llm=llm), store=store)
                writer.write(plan)
                for record in server.requests:
                    if record["kind"] == "day":
                        print(record["body"]["messages"][-1]["content"])
            finally:
                server.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    _main(sys.argv[1:])
