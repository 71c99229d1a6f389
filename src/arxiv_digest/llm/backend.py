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

Replies are read here (:mod:`arxiv_digest.llm.protocol`), never more than
``MAX_REPLY_BYTES`` of them: a server answering with something other than a chat
completion, or with too much, fails that request with one line saying what came.

How many requests go at once adapts to the server: a llama.cpp server that says how many
it serves (``/props``, ``total_slots``) gets no more; a server that turns away requests
sent alongside others — refuses them (HTTP 500/503) or makes them wait past the timeout,
as a one-slot server that queues does under load — gets the rest one at a time, and the
turned-away requests are sent again, alone (when the server has answered at least once).
An HTTP 500 naming the reply format (llama.cpp's Python server refusing JSON-schema
output) is final: the client does not retry it, so a first run against such a server
costs one refused request per request in flight, not three.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from arxiv_digest.config import LLMSettings
from arxiv_digest.http import CappedTransport, ReplyTooLarge
from arxiv_digest.llm.modes import (
    ReplyMode, names_format, overloaded, refusal, response_format, text_names_format,
    with_schema_in_prompt,
)
from arxiv_digest.llm.protocol import MAX_REPLY_BYTES, ChatReply, NotAChatCompletion, read_reply
from arxiv_digest.llm.tokens import (
    CHARS_PER_TOKEN, ESTIMATOR, TokenCounter, find_counter, server_root,
)
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
        from arxiv_digest.llm.modes import schema

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
    mode_reason: str = ""              # why, when it is not JSON-schema output (plain words)
    mode_detail: str = ""              # what the server said (the console only)
    counter: str = ""                  # how prompts were counted for the budget
    at_once: int = 0                   # requests sent at once, at most (at the end)
    at_once_reason: str = ""           # why fewer than [llm] concurrency
    refused: int = 0                   # requests turned away while others were in flight

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


@dataclass
class _Flight:
    crowded: bool = False              # another request was in flight at some point
    entered: int = 0


class _Gate:
    """At most ``limit`` requests in flight. The limit may drop while requests are in
    flight: they finish, and new ones wait until fewer than the new limit are left."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self._active = 0
        self._entries = 0
        self._changed = threading.Condition()

    @contextmanager
    def slot(self):
        with self._changed:
            self._changed.wait_for(lambda: self._active < self.limit)
            flight = _Flight(crowded=self._active > 0, entered=self._entries)
            self._active += 1
            self._entries += 1
        try:
            yield flight
        finally:
            with self._changed:
                self._active -= 1
                flight.crowded = flight.crowded or self._entries > flight.entered + 1
                self._changed.notify_all()

    def narrow(self, limit: int) -> bool:
        """Lower the limit; whether it changed."""
        with self._changed:
            if limit >= self.limit:
                return False
            self.limit = max(1, limit)
            return True


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
        self._gate = _Gate(settings.concurrency)
        self._slots_asked = False
        self._answered = False              # a reply arrived this run: the server works
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

            # Every HTTP request counts, the client's own retries included; no reply,
            # an error page included, is read past the cap.
            http = httpx.Client(event_hooks={"request": [self._sending],
                                             "response": [self._final_refusal]},
                                transport=CappedTransport(MAX_REPLY_BYTES))
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

    @staticmethod
    def _final_refusal(response) -> None:
        """A server error naming the reply format will not change: the client is told
        not to retry it (it would otherwise send it twice more)."""
        if response.status_code >= 500 and "x-should-retry" not in response.headers:
            response.read()                 # an error body, capped by the transport
            if text_names_format(response.text):
                response.headers["x-should-retry"] = "false"

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
            for i, (result, raw) in zip(budgeted, self._answer_all(requests, budgeted)):
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

    def _answer_all(self, requests: list[LLMRequest], indices: list[int]
                    ) -> list[tuple[LLMResult, str]]:
        """Each request's result and how it ended, at most as many in flight as the
        server takes; those refused while others were in flight are sent again, alone."""
        self._learn_slots()
        with ThreadPoolExecutor(max_workers=self._gate.limit) as pool:
            answers = list(pool.map(lambda i: self._call(requests[i]), indices))
        again = [n for n, (_, ended) in enumerate(answers) if ended == "refused"]
        if again and self._answered:      # the server works: what it turned away, alone
            for n in again:
                answers[n] = self._call(requests[indices[n]], answers[n][0])
            self.usage.at_once_reason += (f"; {len(again)} turned-away request"
                                          f"{'' if len(again) == 1 else 's'} sent again")
        return answers

    def _learn_slots(self) -> None:
        """Ask a local server how many requests it serves at once (llama.cpp's server:
        ``/props`` ``total_slots``), once; send no more than that."""
        if self._slots_asked or self._gate.limit == 1 or not self.settings.base_url:
            return
        self._slots_asked = True
        slots = self._server_slots()
        if slots is not None and self._gate.narrow(slots):
            self.usage.at_once_reason = (f"the server serves {slots} request"
                                         f"{'' if slots == 1 else 's'} at a time "
                                         f"(/props total_slots)")

    def _server_slots(self) -> int | None:
        import httpx
        import openai

        try:
            answer = self.client().with_options(
                max_retries=0, timeout=min(10.0, self.settings.timeout)).get(
                server_root(self.settings.base_url) + "/props", cast_to=httpx.Response)
            slots = answer.json().get("total_slots")
        except (openai.OpenAIError, httpx.HTTPError, ReplyTooLarge, ValueError,
                AttributeError):
            return None
        return slots if isinstance(slots, int) and not isinstance(slots, bool) and \
            slots >= 1 else None

    def _one_at_a_time(self, why: str) -> None:
        """A request sent alongside others was turned away: the rest go one at a time."""
        with self._lock:
            self.usage.refused += 1
            if self._gate.narrow(1):
                self.usage.at_once_reason = f"{why}; the rest went one at a time"

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
        self.usage.at_once = self._gate.limit
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

    def _post(self, client, mode: ReplyMode, request: LLMRequest, messages: list[dict],
              max_tokens: int) -> ChatReply:
        """One chat completion (the client's own retries included), its reply read here:
        capped, and checked to be a chat completion."""
        from arxiv_digest.llm.modes import schema

        shape = schema(request.reply)
        fmt = response_format(mode, request.schema_name, shape)
        with self._gate.slot() as flight:
            self._local.flight = flight
            with client.chat.completions.with_streaming_response.create(
                    model=self.model, messages=with_schema_in_prompt(messages, mode, shape),
                    temperature=0, max_tokens=max_tokens,
                    **({"response_format": fmt} if fmt is not None else {})) as response:
                return read_reply(response.http_response)

    def _crowded(self) -> bool:
        """Whether the last request of this thread had company in flight."""
        flight = getattr(self._local, "flight", None)
        return flight is not None and flight.crowded

    def _send(self, mode: ReplyMode, request: LLMRequest, messages: list[dict]) -> ChatReply:
        client = self.client()
        if not self._counting:              # a client handed in: count the calls
            self._local.result.sent += 1
        return self._post(client, mode, request, messages, self.settings.max_output_tokens)

    def _send_once(self, mode: ReplyMode, request: LLMRequest, max_tokens: int) -> ChatReply:
        """One request in one format, no retries, a short reply (for probing)."""
        return self._post(self.client().with_options(max_retries=0), mode, request,
                          request.messages, max_tokens)

    def _downgrade(self, mode: ReplyMode, reason: str, detail: str = "") -> None:
        """Use the next reply format from now on (once per refused format). ``reason`` is
        one plain clause for the colophon; ``detail`` what the server said, for the
        console."""
        with self._lock:
            if self._mode == mode and mode.next() is not None:
                self._mode = mode.next()
                self._confirmed = False
                self._learnt = True
                self.usage.mode = self._mode.value
                self.usage.mode_reason = reason
                self.usage.mode_detail = detail

    def _answer(self, request: LLMRequest, messages: list[dict], result: LLMResult):
        """A response in a format the server accepts, or the error it ended with."""
        import openai

        for _ in range(len(ReplyMode)):
            mode = self._mode
            try:
                response = self._send(mode, request, messages)
                with self._lock:
                    self._confirmed = self._confirmed or self._mode == mode
                    self._answered = True
                return response
            except openai.APIStatusError as exc:
                status, message = refusal(exc)
                if mode.next() is None or status in (401, 403, 404, 408, 429):
                    raise
                if names_format(exc):
                    self._downgrade(mode, f"the server refused {mode.label}",
                                    f"HTTP {status}: {message}")
                    continue
                if self._mode != mode:
                    continue                  # another request found what works meanwhile
                if self._confirmed or overloaded(exc) or self._crowded():
                    raise                     # not about the format, or cannot tell
                # A first request failing for no stated reason: does the next format work?
                response = self._send(mode.next(), request, messages)
                self._answered = True
                self._downgrade(mode, f"a request with {mode.label} failed and one with "
                                      f"{mode.next().label} did not",
                                f"HTTP {status}: {message}")
                return response
        raise RuntimeError("no reply format left")

    def _call(self, request: LLMRequest, result: LLMResult | None = None
              ) -> tuple[LLMResult, str]:
        """Returns the result and how it ended: "ok", "invalid" (cacheable), "refused"
        (HTTP 500/503 while others were in flight: to be sent again, alone) or "error"."""
        result = result or LLMResult(request.part)
        result.error = None                 # a request sent again: its earlier refusal
        self._local.result = result
        try:
            return self._attempt(request, result)
        finally:
            self._local.result = None

    def _attempt(self, request: LLMRequest, result: LLMResult) -> tuple[LLMResult, str]:
        import openai

        messages = list(request.messages)
        for _ in range(2):
            try:
                response = self._answer(request, messages, result)
            except openai.APITimeoutError:
                result.error = (f"no answer within the {self.settings.timeout:g} s timeout "
                                f"([llm] timeout)")
                if self._crowded():
                    self._one_at_a_time(
                        f"requests sent alongside others got no answer within the "
                        f"{self.settings.timeout:g} s timeout (the server makes them wait "
                        f"for one another)")
                    return result, "refused"
                return result, "error"
            except openai.APIConnectionError as exc:
                result.error = f"no answer ({type(exc).__name__})"
                return result, "error"
            except openai.APIStatusError as exc:
                status, message = refusal(exc)
                result.error = (f"the server answered HTTP {status}"
                                + (f" ({message[:80]})" if message else ""))
                if status in (500, 503) and self._crowded():
                    said = f"HTTP {status}" + (f": {message[:80]}" if message else "")
                    self._one_at_a_time(f"the server refused requests sent alongside others "
                                        f"({said})")
                    return result, "refused"
                return result, "error"
            except (NotAChatCompletion, ReplyTooLarge) as exc:
                result.error = str(exc)
                return result, "error"
            except openai.OpenAIError as exc:
                result.error = f"client error ({type(exc).__name__})"
                return result, "error"
            text = response.text
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

    def _count_usage(self, result: LLMResult, response: ChatReply, messages: list[dict],
                     text: str | None) -> None:
        """The server's usage; where it sends none, counted here and labelled."""
        prompt, completion = response.prompt_tokens, response.completion_tokens
        if prompt is None or completion is None:
            with self._lock:
                self.usage.estimated += 1
            prompt = sum(len(m["content"]) for m in messages) // CHARS_PER_TOKEN
            completion = len(text or "") // CHARS_PER_TOKEN
        result.prompt_tokens += prompt
        result.completion_tokens += completion
