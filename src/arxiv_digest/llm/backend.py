"""An OpenAI-compatible chat backend that never makes a run fail.

Requests go through the official ``openai`` client (any server speaking the
chat-completions protocol: OpenAI, vLLM, llama.cpp, Ollama, LM Studio, gateways).
Replies are asked for as JSON-schema structured output; a server that refuses that
(:mod:`arxiv_digest.llm.modes`) is asked in JSON mode with the schema, then JSON mode,
then plain text that is parsed — and what works is remembered per (server, model) in the
store, so the next run starts with it. A reply that does not validate is retried once,
then given up (the caller falls back to offline text). Replies are cached in the store
by (model, request hash), so a re-run sends nothing; usage is the server's own
``usage`` (counted with the best tokenizer known, labelled an estimate, when a server
sends none); a token budget stops sending when it would be exceeded, counting prompts
with :mod:`arxiv_digest.llm.tokens`; requests run with bounded concurrency, a timeout,
and the client's retries on 429/5xx.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from arxiv_digest.config import LLMSettings
from arxiv_digest.llm.modes import (
    ReplyMode, names_format, refusal, response_format, with_schema_in_prompt,
)
from arxiv_digest.llm.tokens import CHARS_PER_TOKEN, ESTIMATOR, TokenCounter, find_counter
from arxiv_digest.store import Store


@dataclass
class LLMRequest:
    part: str                          # what it is for: "pick:2606.24888", "day", …
    messages: list[dict]
    reply: type[BaseModel]

    @property
    def schema_name(self) -> str:
        return self.reply.__name__.lower()

    def key(self, model: str) -> str:
        from arxiv_digest.llm.prompts import schema

        data = {"model": model, "messages": self.messages, "schema": schema(self.reply)}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def estimate(self, max_output: int, counter: TokenCounter = ESTIMATOR) -> int:
        """Tokens this request may cost at most: its prompt, counted, and the whole
        completion allowance."""
        return sum(counter.count(m["content"]) for m in self.messages) + max_output


@dataclass
class LLMResult:
    part: str
    value: BaseModel | None = None
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    created_at: str | None = None
    sent: int = 0                      # HTTP requests actually made for it


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    cached: int = 0
    over_budget: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)
    estimated: int = 0                 # replies whose server sent no usage (counted here)
    mode: str = ReplyMode.JSON_SCHEMA.value      # the reply format used
    mode_reason: str = ""              # why, when it is not JSON-schema output
    counter: str = ""                  # how prompts were counted for the budget

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def parse_reply(text: str | None, reply: type[BaseModel]) -> BaseModel:
    """A JSON object (possibly inside prose or a code fence), validated; raises ValueError."""
    if not text:
        raise ValueError("empty reply")
    candidates = [text.strip()]
    fenced = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.S)
    if fenced:
        candidates.append(fenced.group(1))
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start:end + 1])
    problem = "no JSON object in the reply"
    for candidate in candidates:
        try:
            return reply.model_validate(json.loads(candidate))
        except json.JSONDecodeError as exc:
            problem = f"invalid JSON ({exc.msg})"
        except ValidationError as exc:
            problem = f"reply does not fit the schema ({exc.error_count()} error(s))"
    raise ValueError(problem)


class LLMBackend:
    def __init__(self, settings: LLMSettings, store: Store, *, max_tokens: int | None = None,
                 client=None):
        self.settings = settings
        self.store = store
        self.max_tokens = max_tokens
        self._client = client
        self._lock = threading.Lock()
        self.usage = Usage()
        self.usage_rows: list[tuple[str, str, int, int, bool]] = []   # per request, for the store
        known = store.llm_server(settings.base_url, settings.model) or {}
        self._mode = ReplyMode(known.get("mode") or ReplyMode.JSON_SCHEMA)
        self._confirmed = False          # a reply arrived in the current mode this run
        self._learnt = False             # the mode changed this run: remember it
        self._remembered_counter = known.get("tokenizer")
        self._local = threading.local()     # the request being answered, per thread
        self._counting = False              # our own HTTP client counts requests sent
        self._counter: TokenCounter | None = None
        self.usage.mode = self._mode.value
        if known.get("reason"):
            self.usage.mode_reason = f"{known['reason']} (remembered {known['checked_at'][:10]})"

    @property
    def model(self) -> str:
        return self.settings.model

    @property
    def mode(self) -> ReplyMode:
        return self._mode

    def client(self):
        if self._client is None:
            import httpx
            from openai import OpenAI

            # Every HTTP request counts, the client's own retries included.
            http = httpx.Client(event_hooks={"request": [self._sending]})
            self._client = OpenAI(base_url=self.settings.base_url,
                                  api_key=self.settings.api_key or "not-needed",
                                  timeout=self.settings.timeout,
                                  max_retries=self.settings.max_retries, http_client=http)
            self._counting = True
        return self._client

    def _sending(self, request) -> None:
        result = getattr(self._local, "result", None)
        if result is not None:
            result.sent += 1

    def counter(self) -> TokenCounter:
        """How prompts are counted before sending (found once, then remembered)."""
        if self._counter is None:
            self._counter = find_counter(self.client(), self.settings.base_url, self.model,
                                         self._remembered_counter)
            if self._counter.kind != self._remembered_counter:
                self.store.remember_llm_server(self.settings.base_url, self.model,
                                               tokenizer=self._counter.kind)
            self.usage.counter = self._counter.kind
        return self._counter

    # -- the batch ------------------------------------------------------------------------

    def run(self, requests: list[LLMRequest]) -> list[LLMResult]:
        """Answer every request: from the cache, from the model, or with an error."""
        results: list[LLMResult | None] = [None] * len(requests)
        pending = []
        for i, request in enumerate(requests):
            row = self.store.llm_cached(self.model, request.key(self.model))
            if row is not None:
                result = LLMResult(request.part, cached=True, created_at=row.created_at,
                                   prompt_tokens=row.prompt_tokens,
                                   completion_tokens=row.completion_tokens)
                if row.response is None:
                    result.error = "the model's reply failed validation (cached)"
                else:
                    result.value = request.reply.model_validate_json(row.response)
                results[i] = result
                self.usage.cached += 1
                continue
            pending.append(i)
        budgeted = self._within_budget(requests, pending, results)
        if budgeted:
            with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
                answers = list(pool.map(lambda i: self._call(requests[i]), budgeted))
            for i, (result, raw) in zip(budgeted, answers):
                results[i] = result
                if result.value is not None or raw == "invalid":
                    response = result.value.model_dump_json() if result.value else None
                    result.created_at = self.store.save_llm_response(
                        self.model, requests[i].key(self.model), response,
                        result.prompt_tokens, result.completion_tokens)
            if self._learnt:
                self.store.remember_llm_server(self.settings.base_url, self.model,
                                               mode=self._mode.value,
                                               reason=self.usage.mode_reason)
        self._account(results)
        return [r for r in results if r is not None]

    def _within_budget(self, requests: list[LLMRequest], pending: list[int],
                       results: list) -> list[int]:
        """The pending requests that fit the token budget, counted before sending."""
        if self.max_tokens is None:
            return pending
        spent, budgeted = 0, []
        counter = self.counter() if pending else ESTIMATOR
        for i in pending:
            estimate = requests[i].estimate(self.settings.max_output_tokens, counter)
            if spent + estimate > self.max_tokens:
                results[i] = LLMResult(requests[i].part, error="token budget reached")
                self.usage.over_budget += 1
                continue
            spent += estimate
            budgeted.append(i)
        return budgeted

    def _account(self, results: list) -> None:
        for result in results:
            if result.cached or result.sent:
                self.usage_rows.append((result.part, self.model, result.prompt_tokens,
                                        result.completion_tokens, result.cached))
            self.usage.prompt_tokens += 0 if result.cached else result.prompt_tokens
            self.usage.completion_tokens += 0 if result.cached else result.completion_tokens
            self.usage.requests += result.sent
            if result.error and result.error != "token budget reached":
                self.usage.failed += 1
                self.usage.notes.append(f"{result.part}: {result.error}")

    # -- one request ----------------------------------------------------------------------

    def _send(self, mode: ReplyMode, request: LLMRequest, messages: list[dict]):
        from arxiv_digest.llm.prompts import schema

        client = self.client()
        if not self._counting:              # a client handed in: count the calls
            self._local.result.sent += 1
        shape = schema(request.reply)
        kwargs = {}
        fmt = response_format(mode, request.schema_name, shape)
        if fmt is not None:
            kwargs["response_format"] = fmt
        return client.chat.completions.create(
            model=self.model, messages=with_schema_in_prompt(messages, mode, shape),
            temperature=0, max_tokens=self.settings.max_output_tokens, **kwargs)

    def _send_once(self, mode: ReplyMode, request: LLMRequest, max_tokens: int):
        """One request in one format, no retries, a short reply (for probing)."""
        from arxiv_digest.llm.prompts import schema

        shape = schema(request.reply)
        fmt = response_format(mode, request.schema_name, shape)
        return self.client().with_options(max_retries=0).chat.completions.create(
            model=self.model, messages=with_schema_in_prompt(request.messages, mode, shape),
            temperature=0, max_tokens=max_tokens,
            **({"response_format": fmt} if fmt is not None else {}))

    def _downgrade(self, mode: ReplyMode, reason: str) -> None:
        """Use the next reply format from now on (once per refused format)."""
        with self._lock:
            if self._mode == mode and mode.next() is not None:
                self._mode = mode.next()
                self._confirmed = False
                self._learnt = True
                self.usage.mode = self._mode.value
                self.usage.mode_reason = reason

    def _answer(self, request: LLMRequest, messages: list[dict], result: LLMResult):
        """A response in a format the server accepts, or the error it ended with."""
        import openai

        for _ in range(len(ReplyMode)):
            mode = self._mode
            try:
                response = self._send(mode, request, messages)
                with self._lock:
                    self._confirmed = self._confirmed or self._mode == mode
                return response
            except openai.APIStatusError as exc:
                status, message = refusal(exc)
                if mode.next() is None or status in (401, 403, 404, 408, 429):
                    raise
                if names_format(exc):
                    self._downgrade(mode, f"the server refused {mode.label} "
                                          f"(HTTP {status}: {message})")
                    continue
                if self._mode != mode:
                    continue                  # another request found what works meanwhile
                if self._confirmed:
                    raise
                # A first request failing for no stated reason: does the next format work?
                response = self._send(mode.next(), request, messages)
                self._downgrade(mode, f"a request with {mode.label} failed (HTTP {status}: "
                                      f"{message}) and one with {mode.next().label} did not")
                return response
        raise RuntimeError("no reply format left")

    def _call(self, request: LLMRequest) -> tuple[LLMResult, str]:
        """Returns the result and how it ended: "ok", "invalid" (cacheable) or "error"."""
        import openai

        result = LLMResult(request.part)
        self._local.result = result
        messages = list(request.messages)
        for _ in range(2):
            try:
                response = self._answer(request, messages, result)
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                result.error = f"no answer ({type(exc).__name__})"
                return result, "error"
            except openai.APIStatusError as exc:
                status, message = refusal(exc)
                result.error = (f"the server answered HTTP {status}"
                                + (f" ({message[:80]})" if message else ""))
                return result, "error"
            except openai.OpenAIError as exc:
                result.error = f"client error ({type(exc).__name__})"
                return result, "error"
            text = response.choices[0].message.content if response.choices else None
            self._count_usage(result, response, messages, text)
            try:
                result.value = parse_reply(text, request.reply)
                return result, "ok"
            except ValueError as exc:
                result.error = f"unusable reply: {exc}"
                messages = messages + [
                    {"role": "assistant", "content": (text or "")[:4000]},
                    {"role": "user", "content": "That reply was not a valid JSON object with "
                                                "exactly the requested string keys. Reply again "
                                                "with only that JSON object."}]
        return result, "invalid"

    def _count_usage(self, result: LLMResult, response, messages: list[dict],
                     text: str | None) -> None:
        """The server's usage; where it sends none, counted here and labelled."""
        usage = getattr(response, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        if prompt is None or completion is None:
            with self._lock:
                self.usage.estimated += 1
            prompt = sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN
            completion = len(text or "") // CHARS_PER_TOKEN
        result.prompt_tokens += prompt
        result.completion_tokens += completion
