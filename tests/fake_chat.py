"""A loopback stand-in for the chat services a digest is posted to, each answering as its
documentation says: a Slack incoming webhook, a Discord webhook, Telegram's Bot API
``sendMessage``, Matrix's ``PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/
{txnId}``, and a plain webhook. Each checks the request's shape and limits and answers by
its content (a wrong token, an unknown room, entities Telegram cannot parse, a message
too long); Matrix remembers transaction ids, so a repeated one posts nothing new.

Faults are keyed by path prefix (one per channel): ``fail(prefix, reply, ...)`` answers
the next requests to that path with those replies; ``Reply(hang=True)`` answers nothing
until the server stops (with ``arrive=True`` the message is taken first: the answer is
what gets lost).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from loopback import LoopbackServer, QuietHandler

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code",
                 "pre", "blockquote", "tg-spoiler", "span", "tg-emoji"}
MATRIX_TAGS = {"p", "b", "strong", "i", "em", "a", "br", "code", "pre", "ul", "ol", "li",
               "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "del", "span", "sup", "sub"}
_VOID = {"br"}
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    hang: bool = False
    arrive: bool = False             # with hang: the message is taken, the answer lost


@dataclass
class Post:
    """One message a service accepted."""

    service: str                     # slack, discord, telegram, matrix, webhook
    path: str
    headers: dict
    raw: bytes
    data: object                     # the JSON body


class HtmlCheck(HTMLParser):
    """Telegram's and Matrix's HTML as they parse it: known tags only, every tag closed,
    ``&`` only in entities. ``text`` is what a reader sees; ``links`` the hrefs."""

    def __init__(self, allowed: set[str]):
        super().__init__(convert_charrefs=False)
        self.allowed = allowed
        self.stack: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in self.allowed:
            self.errors.append(f"unsupported start tag \"{tag}\"")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unmatched end tag \"{tag}\"")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if "&" in data:
            self.errors.append("a bare & (not an entity)")
        self.text.append(data)

    def handle_entityref(self, name):
        if name not in _ENTITIES:
            self.errors.append(f"unsupported entity &{name};")
        self.text.append(_ENTITIES.get(name, ""))

    def handle_charref(self, name):
        self.text.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))

    @classmethod
    def parse(cls, markup: str, allowed: set[str]) -> "HtmlCheck":
        checker = cls(allowed)
        checker.feed(markup)
        checker.close()
        if checker.stack:
            checker.errors.append(f"unclosed tag \"{checker.stack[-1]}\"")
        return checker

    @property
    def visible(self) -> str:
        return "".join(self.text)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeChat(LoopbackServer):
    """Every service on one server: ``/slack/...``, ``/discord/...``, ``/telegram/bot<token>/
    sendMessage``, ``/_matrix/...`` and ``/hook/...``."""

    def __init__(self, *, telegram_token: str = "", matrix_token: str = "",
                 matrix_room: str = "!room:example.org"):
        self.telegram_token = telegram_token
        self.matrix_token = matrix_token
        self.matrix_room = matrix_room
        self.posts: list[Post] = []
        self.requests: list[str] = []            # every path asked, accepted or not
        self.faults: dict[str, list[Reply]] = {}
        self.transactions: dict[str, str] = {}   # Matrix txnId -> event id
        self._release = threading.Event()
        self._lock = threading.Lock()
        super().__init__()

    def fail(self, prefix: str, *replies: Reply) -> None:
        self.faults.setdefault(prefix, []).extend(replies)

    def of(self, service: str) -> list[Post]:
        return [p for p in self.posts if p.service == service]

    def stop(self) -> None:
        self._release.set()
        super().stop()

    # -- the services ---------------------------------------------------------------------

    def answer(self, method: str, path: str, headers: dict, raw: bytes) -> Reply:
        with self._lock:
            self.requests.append(path)
            fault = next((queue.pop(0) for prefix, queue in self.faults.items()
                          if path.startswith(prefix) and queue), None)
            if fault is not None and not fault.arrive:
                return fault
            try:
                data = json.loads(raw)
            except ValueError:
                return Reply(400, b"invalid_payload")
            answer = self._route(method, path, headers, raw, data)
            return fault or answer

    def _route(self, method, path, headers, raw, data) -> Reply:
        for prefix, service in (("/slack/", self._slack), ("/discord/", self._discord),
                                ("/telegram/", self._telegram), ("/_matrix/", self._matrix),
                                ("/hook/", self._hook)):
            if path.startswith(prefix):
                return service(method, path, headers, raw, data)
        return Reply(404, b"no_service")

    def _accept(self, service, path, headers, raw, data) -> None:
        self.posts.append(Post(service, path, headers, raw, data))

    def _slack(self, method, path, headers, raw, data) -> Reply:
        blocks = data.get("blocks", [])
        if method != "POST" or not isinstance(data.get("text"), str):
            return Reply(400, b"no_text")
        if len(blocks) > 50:
            return Reply(400, b"invalid_blocks")
        for block in blocks:
            text = block.get("text") or {}
            if block["type"] == "header" and (text.get("type") != "plain_text"
                                              or len(text["text"]) > 150):
                return Reply(400, b"invalid_blocks")
            if block["type"] == "section" and not 1 <= len(text.get("text", "")) <= 3000:
                return Reply(400, b"invalid_blocks")
            if block["type"] not in ("header", "section", "context", "divider"):
                return Reply(400, b"invalid_blocks")
        self._accept("slack", path, headers, raw, data)
        return Reply(200, b"ok", {"Content-Type": "text/plain"})

    def _discord(self, method, path, headers, raw, data) -> Reply:
        embeds = data.get("embeds") or []
        problems = []
        if not data.get("content") and not embeds:
            problems.append("Cannot send an empty message")
        if len(data.get("content") or "") > 2000 or len(embeds) > 10:
            problems.append("Invalid Form Body")
        if sum(len(e.get("title", "")) + len(e.get("description", "")) for e in embeds) > 6000:
            problems.append("Embed size exceeds maximum size of 6000")
        if any(len(e.get("title", "")) > 256 or len(e.get("description", "")) > 4096
               for e in embeds):
            problems.append("Invalid Form Body")
        if not isinstance((data.get("allowed_mentions") or {}).get("parse"), list):
            problems.append("allowed_mentions.parse missing")
        if problems:
            return Reply(400, json.dumps({"message": problems[0], "code": 50035}).encode())
        self._accept("discord", path, headers, raw, data)
        return Reply(204)

    def _telegram(self, method, path, headers, raw, data) -> Reply:
        token, _, name = path[len("/telegram/"):].partition("/")
        if token != f"bot{self.telegram_token}":
            return _telegram_error(401, "Unauthorized")
        if name != "sendMessage" or "chat_id" not in data or not data.get("text"):
            return _telegram_error(400, "Bad Request: message text is empty")
        if data.get("parse_mode") == "HTML":
            check = HtmlCheck.parse(data["text"], TELEGRAM_TAGS)
            if check.errors:
                return _telegram_error(400, "Bad Request: can't parse entities: "
                                       + check.errors[0])
            shown = check.visible
        else:
            shown = data["text"]
        if _utf16(shown) > 4096:
            return _telegram_error(400, "Bad Request: message is too long")
        self._accept("telegram", path, headers, raw, data)
        number = len(self.of("telegram"))
        return Reply(200, json.dumps({"ok": True, "result": {
            "message_id": number, "chat": {"id": data["chat_id"]}, "text": shown}}).encode())

    def _matrix(self, method, path, headers, raw, data) -> Reply:
        parts = path.split("/")       # '', _matrix, client, v3, rooms, ROOM, send, TYPE, TXN
        if method != "PUT" or len(parts) != 9 or parts[6] != "send":
            return _matrix_error(404, "M_UNRECOGNIZED", "Unrecognized request")
        if headers.get("Authorization") != f"Bearer {self.matrix_token}":
            return _matrix_error(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.")
        if unquote(parts[5]) != self.matrix_room:
            return _matrix_error(403, "M_FORBIDDEN", "You are not in this room.")
        if parts[7] != "m.room.message" or not isinstance(data.get("body"), str) or \
                not data.get("msgtype"):
            return _matrix_error(400, "M_BAD_JSON", "body and msgtype are required")
        if data.get("format") == "org.matrix.custom.html":
            check = HtmlCheck.parse(data.get("formatted_body", ""), MATRIX_TAGS)
            if check.errors:
                return _matrix_error(400, "M_BAD_JSON", check.errors[0])
        txn = parts[8]
        if txn not in self.transactions:                 # a repeated txnId posts nothing
            self.transactions[txn] = "$" + hashlib.sha256(txn.encode()).hexdigest()[:20]
            self._accept("matrix", path, headers, raw, data)
        return Reply(200, json.dumps({"event_id": self.transactions[txn]}).encode())

    def _hook(self, method, path, headers, raw, data) -> Reply:
        self._accept("webhook", path, headers, raw, data)
        return Reply(200, b"")

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                reply = server.answer(self.command, urlsplit(self.path).path,
                                      dict(self.headers), raw)
                if reply.hang:
                    server._release.wait()
                    return
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if "Content-Type" not in reply.headers and reply.body:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_POST = do_PUT = do_GET = _serve

        return Handler


def _telegram_error(code: int, description: str, **extra) -> Reply:
    return Reply(code, json.dumps({"ok": False, "error_code": code,
                                   "description": description, **extra}).encode())


def _matrix_error(status: int, errcode: str, error: str) -> Reply:
    return Reply(status, json.dumps({"errcode": errcode, "error": error}).encode())


def telegram_429(retry_after: int) -> Reply:
    """Telegram's flood control: the wait is in the body, not a header."""
    return _telegram_error(429, f"Too Many Requests: retry after {retry_after}",
                           parameters={"retry_after": retry_after})


def matrix_429(retry_after_ms: int) -> Reply:
    return Reply(429, json.dumps({"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests",
                                  "retry_after_ms": retry_after_ms}).encode())
