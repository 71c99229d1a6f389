"""What a chat-completions reply must be, read here rather than by the client library.

A server that answers 200 with something else — an HTML page (a web UI or a proxy's
login page at the configured URL), plain text, invalid JSON, an empty body, a JSON string
or list, an object without ``choices`` — is named in one line by
:class:`NotAChatCompletion` ("HTTP 200 but the body is an HTML page, not a chat
completion"), so a run falls back to the offline text for that part and ``llm check``
says the server does not speak the protocol. At most :data:`MAX_REPLY_BYTES` of a reply
is read (:func:`arxiv_digest.http.read_capped`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MAX_REPLY_BYTES = 4 * 2 ** 20          # a real reply is a few kB (900 tokens at most)


class NotAChatCompletion(Exception):
    """The server answered, but not with a chat completion; the message says what came."""


@dataclass
class ChatReply:
    text: str | None                     # the first choice's message content
    prompt_tokens: int | None = None     # the server's usage, when it sent one
    completion_tokens: int | None = None


def read_reply(response, limit: int = MAX_REPLY_BYTES) -> ChatReply:
    """The chat completion of a streamed ``httpx`` response, reading at most ``limit``
    bytes (:class:`arxiv_digest.http.ReplyTooLarge` past it)."""
    from arxiv_digest.http import read_capped

    body = read_capped(response, limit)
    return parse_completion(response.status_code, response.headers.get("Content-Type", ""),
                            body)


def parse_completion(status: int, content_type: str, body: bytes) -> ChatReply:
    """The reply's text and usage, or :class:`NotAChatCompletion` saying what it is."""
    data = _json_body(content_type, body, status)
    choices = data.get("choices")
    if not isinstance(choices, list):
        raise _odd(status, _object_without_choices(data))
    if not choices:
        return ChatReply(None, *_usage(data))
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    content = message.get("content") if isinstance(message, dict) else False
    text = _content_text(content)
    if text is False:
        raise _odd(status, "a JSON object whose first choice holds no message")
    return ChatReply(text, *_usage(data))


def _odd(status: int, what: str) -> NotAChatCompletion:
    return NotAChatCompletion(f"HTTP {status} but the body is {what}, not a chat completion")


def _json_body(content_type: str, body: bytes, status: int) -> dict:
    kind = content_type.split(";")[0].strip().lower()
    head = body.lstrip()[:512].lower()
    if not head:
        raise _odd(status, "empty")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        if "html" in kind or head.startswith((b"<!doctype html", b"<html")) or \
                (head.startswith(b"<") and b"<html" in head):
            raise _odd(status, "an HTML page") from None
        if kind and "json" not in kind:
            raise _odd(status, kind) from None
        where = (f" ({exc.msg} at line {exc.lineno} column {exc.colno})"
                 if isinstance(exc, json.JSONDecodeError) else "")
        raise _odd(status, f"invalid JSON{where}") from None
    if not isinstance(data, dict):
        names = {str: "a JSON string", list: "a JSON list", bool: "a JSON boolean",
                 int: "a JSON number", float: "a JSON number", type(None): "JSON null"}
        raise _odd(status, names[type(data)])
    return data


def _object_without_choices(data: dict) -> str:
    error = data.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        return f"an error ({' '.join(str(message).split())[:120]})"
    return "a JSON object without choices"


def _content_text(content) -> str | None | bool:
    """The message's text: a string, text parts joined, None; False for anything else."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        return "".join(p.get("text") or "" for p in content if p.get("type") == "text")
    return False


def _usage(data: dict) -> tuple[int | None, int | None]:
    usage = data.get("usage")
    if not isinstance(usage, dict):
        return None, None
    counts = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return tuple(n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None
                 for n in counts)
