"""An OpenAI-compatible chat backend that never makes a run fail.

Requests go through the official ``openai`` client (any server speaking the
chat-completions protocol: OpenAI, vLLM, llama.cpp, Ollama, LM Studio, gateways).
Replies are asked for as JSON-schema structured output; a server that refuses that
is asked in JSON mode, then in plain text that is parsed. A reply that does not
validate is retried once, then given up (the caller falls back to offline text).
Replies are cached in the store by (model, request hash), so a re-run sends nothing;
usage is logged per request; a token budget stops sending when it would be exceeded;
requests run with bounded concurrency, a timeout, and the client's retries on 429/5xx.
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
from arxiv_digest.store import Store

MODES = ("json_schema", "json_object", "text")
CHARS_PER_TOKEN = 4


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

    def estimate(self, max_output: int) -> int:
        chars = sum(len(m["content"]) for m in self.messages)
        return chars // CHARS_PER_TOKEN + max_output


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
        self._mode = 0
        self._lock = threading.Lock()
        self.usage = Usage()
        self.usage_rows: list[tuple[str, str, int, int, bool]] = []   # per request, for the store

    @property
    def model(self) -> str:
        return self.settings.model

    def client(self):
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(base_url=self.settings.base_url,
                                  api_key=self.settings.api_key or "not-needed",
                                  timeout=self.settings.timeout,
                                  max_retries=self.settings.max_retries)
        return self._client

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
        spent = 0
        budgeted = []
        for i in pending:
            estimate = requests[i].estimate(self.settings.max_output_tokens)
            if self.max_tokens is not None and spent + estimate > self.max_tokens:
                results[i] = LLMResult(requests[i].part, error="token budget reached")
                self.usage.over_budget += 1
                continue
            spent += estimate
            budgeted.append(i)
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
        return [r for r in results if r is not None]

    # -- one request ----------------------------------------------------------------------

    def _response_format(self, mode: str, request: LLMRequest) -> dict | None:
        from arxiv_digest.llm.prompts import schema

        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {
                "name": request.schema_name, "schema": schema(request.reply), "strict": True}}
        if mode == "json_object":
            return {"type": "json_object"}
        return None

    def _call(self, request: LLMRequest) -> tuple[LLMResult, str]:
        """Returns the result and how it ended: "ok", "invalid" (cacheable) or "error"."""
        import openai

        result = LLMResult(request.part)
        messages = list(request.messages)
        attempts = 0
        while attempts < 2:
            with self._lock:
                mode = MODES[self._mode]
            kwargs = {}
            response_format = self._response_format(mode, request)
            if response_format is not None:
                kwargs["response_format"] = response_format
            try:
                result.sent += 1
                response = self.client().chat.completions.create(
                    model=self.model, messages=messages, temperature=0,
                    max_tokens=self.settings.max_output_tokens, **kwargs)
            except openai.BadRequestError as exc:
                with self._lock:
                    if MODES[self._mode] == mode and self._mode < len(MODES) - 1:
                        self._mode += 1          # the server refuses this reply format
                        continue
                    if MODES[self._mode] != mode:
                        continue
                result.error = f"the server refused the request ({exc.status_code})"
                return result, "error"
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                result.error = f"no answer ({type(exc).__name__})"
                return result, "error"
            except openai.APIStatusError as exc:
                result.error = f"the server answered HTTP {exc.status_code} after retries"
                return result, "error"
            except openai.OpenAIError as exc:
                result.error = f"client error ({type(exc).__name__})"
                return result, "error"
            attempts += 1
            text = response.choices[0].message.content if response.choices else None
            usage = getattr(response, "usage", None)
            result.prompt_tokens += getattr(usage, "prompt_tokens", 0) or \
                sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN
            result.completion_tokens += getattr(usage, "completion_tokens", 0) or \
                len(text or "") // CHARS_PER_TOKEN
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
