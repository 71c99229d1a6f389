"""Counting a prompt's tokens before it is sent, for the token budget.

After a request, the server's own ``usage`` is what counts. Before it, the best counter
known for the (server, model) is used: the model's tokenizer through the server itself
(llama.cpp's Python server: ``/extras/tokenize/count``; llama.cpp's server: ``/tokenize``;
vLLM: ``/tokenize``), tiktoken for OpenAI's models when its encoding is at hand, and only
as the last resort characters ÷ 4, which every report labels an estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

CHARS_PER_TOKEN = 4
ESTIMATE = "estimate (characters ÷ 4)"
_OPENAI_FAMILIES = ("gpt-", "o1", "o3", "o4", "chatgpt-")


@dataclass
class TokenCounter:
    kind: str                               # what counts: "server /extras/tokenize/count", …
    count: Callable[[str], int]

    @property
    def exact(self) -> bool:
        return self.kind != ESTIMATE


def estimate(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN


ESTIMATOR = TokenCounter(ESTIMATE, estimate)


def server_root(base_url: str) -> str:
    """The server's root: the base URL without its ``/v1``."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _server_endpoints(model: str) -> list[tuple[str, Callable[[str], dict], Callable]]:
    """(path, request body, reading of the answer) for the tokenizer endpoints known."""
    return [
        ("/extras/tokenize/count", lambda text: {"input": text, "model": model},
         lambda data: int(data["count"])),
        ("/tokenize", lambda text: {"content": text, "model": model, "prompt": text},
         lambda data: int(data["count"]) if "count" in data else len(data["tokens"])),
    ]


def server_counter(client, base_url: str | None, model: str, kind: str | None = None
                   ) -> TokenCounter | None:
    """The server's own tokenizer, if it offers one (``kind`` names the one found before)."""
    import httpx
    import openai

    from arxiv_digest.http import ReplyTooLarge

    if not base_url:
        return None
    root = server_root(base_url)
    for path, body, read in _server_endpoints(model):
        name = f"server {path}"
        if kind is not None and kind != name:
            continue

        def count(text: str, path=path, body=body, read=read) -> int:
            answer = client.with_options(max_retries=0).post(
                root + path, cast_to=httpx.Response, body=body(text))
            return read(answer.json())
        try:
            if count("token count probe") > 0:
                return TokenCounter(name, count)
        except (openai.OpenAIError, httpx.HTTPError, ReplyTooLarge, ValueError, KeyError,
                TypeError):
            continue
    return None


def tiktoken_counter(model: str) -> TokenCounter | None:
    """tiktoken's encoding for an OpenAI model, when tiktoken is installed and the
    encoding is at hand (it is fetched once, then cached by tiktoken)."""
    if not model.startswith(_OPENAI_FAMILIES):
        return None
    try:
        import tiktoken

        encoding = tiktoken.encoding_for_model(model)
    except Exception:                     # not installed, unknown model, or no network
        return None
    return TokenCounter(f"tiktoken {encoding.name}", lambda text: len(encoding.encode(text)))


def find_counter(client, base_url: str | None, model: str, remembered: str | None = None
                 ) -> TokenCounter:
    """The best counter for this (server, model); ``remembered`` is what was found before
    (so a later run asks the one that worked, or none)."""
    if remembered == ESTIMATE:
        return ESTIMATOR
    if remembered is None or remembered.startswith("tiktoken"):
        found = tiktoken_counter(model) if not base_url or "openai.com" in base_url else None
        if found is not None:
            return found
    if remembered is None or remembered.startswith("server"):
        found = server_counter(client, base_url, model, remembered)
        if found is not None:
            return found
    return ESTIMATOR
