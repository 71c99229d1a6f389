"""Reply formats a chat-completions server may accept, best first, and how to tell that a
server refused one.

Servers differ: OpenAI and vLLM take JSON-schema structured output; llama.cpp's Python
server takes only ``json_object`` (with a ``schema`` it turns into a grammar) and answers a
JSON-schema request with HTTP 500; Ollama and LM Studio vary by version. A refusal is
recognised whatever its status when the error names the reply format, or — for the first
request to a server — when a JSON-schema request fails and a JSON-mode request does not,
and the failure is not an overloaded server's (:func:`overloaded`: a 503, or a 500 that says
no slot is free or the server is busy), nor one of a request sent alongside others.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum


class ReplyMode(StrEnum):
    JSON_SCHEMA = "json_schema"              # response_format json_schema, strict
    JSON_OBJECT_SCHEMA = "json_object+schema"  # JSON mode, the schema in the request
    JSON_OBJECT = "json_object"              # JSON mode, the schema in the prompt only
    TEXT = "text"                            # no response_format, the schema in the prompt

    @property
    def label(self) -> str:
        return {"json_schema": "JSON-schema structured output",
                "json_object+schema": "JSON mode with the schema in the request",
                "json_object": "JSON mode", "text": "plain text"}[self.value]

    def next(self) -> "ReplyMode | None":
        order = list(ReplyMode)
        i = order.index(self)
        return order[i + 1] if i + 1 < len(order) else None


def response_format(mode: ReplyMode, name: str, schema: dict) -> dict | None:
    if mode == ReplyMode.JSON_SCHEMA:
        return {"type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True}}
    if mode == ReplyMode.JSON_OBJECT_SCHEMA:
        return {"type": "json_object", "schema": schema}
    if mode == ReplyMode.JSON_OBJECT:
        return {"type": "json_object"}
    return None


def with_schema_in_prompt(messages: list[dict], mode: ReplyMode, schema: dict) -> list[dict]:
    """Where the server is not told the schema, the prompt says it."""
    if mode == ReplyMode.JSON_SCHEMA:
        return messages
    last = dict(messages[-1])
    last["content"] = (f"{last['content']}\n\nThe reply must be one JSON object matching this "
                       f"JSON schema:\n{json.dumps(schema, separators=(',', ':'))}")
    return messages[:-1] + [last]


_NAMES_FORMAT = re.compile(r"response_format|json_schema|json_object|response format|"
                           r"structured output|grammar", re.I)


_OVERLOADED = re.compile(r"slot|busy|overload|capacity|unavailable|too many|queue", re.I)


def overloaded(exc: Exception) -> bool:
    """Whether the server's error says it is too busy (a one-slot llama.cpp server's
    "no slot available", a 503): about the load, never about the reply format."""
    status, message = refusal(exc)
    return status == 503 or (status == 500 and bool(_OVERLOADED.search(message)))


def refusal(exc: Exception) -> tuple[int | None, str]:
    """The status and a one-line message of a server's error answer."""
    status = getattr(exc, "status_code", None)
    body = getattr(exc, "body", None)
    message = ""
    if isinstance(body, dict):
        detail = body.get("error", body)
        message = detail.get("message", "") if isinstance(detail, dict) else str(detail)
        if not message:
            message = json.dumps(body)[:300]
    message = message or str(getattr(exc, "message", "") or exc)
    first = str(message).strip().split("\n\n")[0]        # not a server's traceback
    return status, " ".join(first.split())[:160]


def text_names_format(text: str) -> bool:
    """Whether an error's text is about the reply format."""
    return bool(_NAMES_FORMAT.search(text))


def names_format(exc: Exception) -> bool:
    """Whether the server's error is about the reply format."""
    status, message = refusal(exc)
    body = getattr(exc, "body", None)
    return bool(_NAMES_FORMAT.search(message) or
                (body is not None and _NAMES_FORMAT.search(json.dumps(body, default=str))))


def schema(model) -> dict:
    """A strict JSON schema: every key required, nothing else allowed."""
    fields = list(model.model_fields)
    return {"type": "object", "properties": {f: {"type": "string"} for f in fields},
            "required": fields, "additionalProperties": False}
