"""``arxiv-digest llm check``: before any work, what the configured model server is, whether
it answers — with chat completions: a server answering 200 with an HTML page or anything
else does not — which reply formats it accepts, how prompts are counted, and what a digest
would cost. What it learns is remembered for the next run (the best format accepted, the
tokenizer found)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel

from arxiv_digest.config import Settings
from arxiv_digest.http import ReplyTooLarge
from arxiv_digest.llm.modes import ReplyMode, refusal
from arxiv_digest.llm.protocol import NotAChatCompletion
from arxiv_digest.store import Store


class _Probe(BaseModel):
    ok: str


@dataclass
class ServerCheck:
    server: str
    model: str
    answers: bool = False
    seconds: float = 0.0
    error: str | None = None
    not_chat: str | None = None        # what came instead of a chat completion, if so
    formats: dict[str, str] = field(default_factory=dict)    # mode -> "accepted" / why not
    mode: ReplyMode | None = None
    counter: str = ""
    day: date | None = None
    requests: int = 0
    prompt_tokens: int = 0
    completion_allowance: int = 0
    cost: float | None = None


def check_server(settings: Settings, store: Store, client=None, digest_requests=None
                 ) -> ServerCheck:
    """Probe the configured server format by format; with ``digest_requests`` (given a
    backend, the day and the requests a digest would send, or None), also count what a
    digest would cost, without sending it."""
    from arxiv_digest.llm.backend import LLMBackend, LLMRequest

    backend = LLMBackend(settings.llm, store, client=client)
    found = ServerCheck(settings.llm.base_url or "https://api.openai.com/v1 (the default)",
                        settings.llm.model)
    request = LLMRequest("check", [{"role": "user", "content": 'Reply with {"ok": "yes"}.'}],
                         _Probe)
    for mode in ReplyMode:
        started = time.perf_counter()
        try:
            backend._send_once(mode, request, max_tokens=16)
        except (NotAChatCompletion, ReplyTooLarge) as exc:
            found.formats[mode.value] = f"not a chat completion ({exc})"
            found.not_chat = found.not_chat or str(exc)
            continue
        except Exception as exc:            # the openai client's errors, whatever they are
            status, message = refusal(exc)
            if status is None:
                found.error = f"{type(exc).__name__}: {message}"
                return found
            found.formats[mode.value] = f"refused (HTTP {status}: {message})"
            continue
        found.answers = True
        found.seconds = found.seconds or time.perf_counter() - started
        found.formats[mode.value] = "accepted"
        found.mode = found.mode or mode
    if found.mode is None:
        return found
    refused = [f"{ReplyMode(m).label} {why}" for m, why in found.formats.items()
               if why != "accepted" and list(ReplyMode).index(ReplyMode(m)) <
               list(ReplyMode).index(found.mode)]
    store.remember_llm_server(settings.llm.base_url, settings.llm.model, mode=found.mode.value,
                              reason=("llm check: " + "; ".join(refused)) if refused else
                              "llm check: accepted")
    found.counter = backend.counter().kind
    priced = digest_requests(backend) if digest_requests is not None else None
    if priced is not None:
        day, requests = priced
        counter = backend.counter()
        found.day = day
        found.requests = len(requests)
        found.prompt_tokens = sum(counter.count(m["content"]) for r in requests
                                  for m in r.messages)
        found.completion_allowance = len(requests) * settings.llm.max_output_tokens
        found.cost = settings.llm.cost(found.prompt_tokens, found.completion_allowance)
    return found
