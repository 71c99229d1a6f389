"""``serve``: the built site from this machine, with like/dislike controls that record
the reader's feedback in the store. The static site itself stays static: the controls
exist only when pages come through this server.

Safe by construction: bound to 127.0.0.1 by default; every request must name this server
in its Host (the name it was started with, its address, and the loopback names when it
listens on loopback), so a page under another name never gets the token; a click must
carry the session's token (made at start, given to pages in a meta tag, sent back in a
header a cross-site form cannot set) and come from this server's Origin; only an arXiv id
of a stored paper, a known profile and like/dislike are accepted, in a small JSON body.
Paper text never becomes markup: the buttons are made by script with text only.

Every request gets an HTTP answer: a bad one its 4xx status, a click while another
command holds the writer lock 503 with Retry-After at once. Clients that leave early
are not errors; anything unexpected is one line on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import secrets
import socket
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from arxiv_digest.errors import DigestError, LockedError
from arxiv_digest.models import Feedback, split_arxiv_id

SCRIPT = """
(function () {
  var meta = document.querySelector('meta[name="arxiv-digest-serve"]');
  if (!meta) { return; }
  var token = meta.getAttribute("content");
  document.querySelectorAll("[data-paper]").forEach(function (el) {
    var box = document.createElement("p");
    box.className = "feedback";
    ["like", "dislike"].forEach(function (kind) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = kind === "like" ? "Like" : "Dislike";
      button.setAttribute("data-kind", kind);
      button.addEventListener("click", function () {
        fetch("/_serve/feedback", {
          method: "POST",
          headers: {"Content-Type": "application/json", "X-Arxiv-Digest-Token": token},
          body: JSON.stringify({paper: el.getAttribute("data-paper"),
                                profile: el.getAttribute("data-profile"), kind: kind})
        }).then(function (r) { return r.json(); }).then(function (answer) {
          status.textContent = answer.ok ? "Recorded: " + kind : "Not recorded: " + answer.error;
        }).catch(function () { status.textContent = "Not recorded: the server did not answer"; });
      });
      box.appendChild(button);
    });
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    box.appendChild(status);
    el.insertAdjacentElement(el.tagName === "ARTICLE" ? "afterbegin" : "afterend", box);
  });
})();
"""
MAX_BODY = 1024
IDLE_SECONDS = 60          # a client silent this long in the middle of a request is dropped
RETRY_AFTER_SECONDS = 5    # what a click answered "busy" is told to wait
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
BUSY = ("the store is busy: another arxiv-digest command is writing to it; nothing "
        "recorded, try again in a few seconds")
GONE = (ConnectionError, TimeoutError)   # the client left or went silent: nothing to say


class FeedbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, site: Path, record, profiles: set[str]):
        name = address[0].strip("[]").lower()
        self.address_family = socket.AF_INET6 if ":" in name else socket.AF_INET
        self.site = Path(site).resolve()
        self.record = record              # (profile, paper id, kind) -> recorded? (bool)
        self.profiles = profiles
        self.token = secrets.token_urlsafe(24)
        self.lock = threading.Lock()
        super().__init__((name, *address[1:]), _Handler)
        self.name = _bracketed(name or self.server_address[0])
        self.hosts = accepted_hosts(name, self.server_address[0], self.server_address[1])

    @staticmethod
    def report(line: str) -> None:
        """One line on the server's console."""
        print(line, file=sys.stderr, flush=True)

    @property
    def origin(self) -> str:
        return f"http://{self.name}:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        """A client that left is not an error; anything else is one line, no traceback."""
        problem = sys.exc_info()[1]
        if not isinstance(problem, GONE):
            self.report(f"error: serve: a request from {client_address[0]} failed: "
                        f"{type(problem).__name__}: {problem}")


def accepted_hosts(name: str, address: str, port: int) -> frozenset[str]:
    """The Host values that mean this server: the name it was started with, the address
    it listens on, and every loopback name when it listens on loopback or everywhere
    (port 80 also without the port, as browsers send it)."""
    names = {_bracketed(name), _bracketed(address)} - {""}
    try:
        ip = ipaddress.ip_address(address)
        if ip.is_loopback or ip.is_unspecified:
            names.update(LOOPBACK_NAMES)
    except ValueError:
        pass
    return frozenset({f"{n}:{port}" for n in names} | (names if port == 80 else set()))


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def make_server(site: Path, record, profiles: set[str], host: str = "127.0.0.1",
                port: int = 8000) -> FeedbackServer:
    return FeedbackServer((host, port), site, record, profiles)


class _Refusal(Exception):
    """An answer other than 200: its status, the reason, extra headers."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status, self.reason, self.headers = status, reason, headers or {}


def _guarded(method):
    """Every request gets an answer: a refusal its status; a client that left, nothing;
    anything else 500 and one line on the server's console."""
    @functools.wraps(method)
    def run(self: _Handler) -> None:
        try:
            method(self)
        except _Refusal as refusal:
            self._refuse(refusal)
        except GONE:
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - the boundary: one line, not a traceback
            self.close_connection = True
            self.server.report(f"error: serve: {self.command} {self.path[:200]!r} failed: "
                               f"{type(exc).__name__}: {exc}")
            if not self._answered:
                self._refuse(_Refusal(500, "the server failed; see its console"))
    return run


class _Handler(BaseHTTPRequestHandler):
    server: FeedbackServer
    timeout = IDLE_SECONDS
    default_request_version = "HTTP/1.0"   # a garbled request line still gets a status line
    _answered = False

    def log_message(self, *args) -> None:
        pass

    @_guarded
    def do_GET(self) -> None:
        self._check_host()
        path = unquote(urlsplit(self.path).path)
        if "\x00" in path:
            raise _Refusal(400, "bad path")
        if path == "/_serve/feedback.js":
            return self._send(200, SCRIPT.encode(), "text/javascript; charset=utf-8")
        target = self._file(path)
        if target is None:
            raise _Refusal(404, "not found")
        try:
            data = target.read_bytes()
        except OSError as exc:
            self.server.report(f"error: cannot read {target}: {exc.strerror or exc}")
            raise _Refusal(500, "cannot read this file") from None
        if target.suffix == ".html":
            return self._send(200, self._with_controls(data.decode("utf-8")).encode(),
                              "text/html; charset=utf-8")
        kinds = {".css": "text/css", ".js": "text/javascript", ".xml": "application/xml",
                 ".png": "image/png", ".json": "application/json"}
        self._send(200, data, kinds.get(target.suffix, "application/octet-stream"))

    @_guarded
    def do_POST(self) -> None:
        self._check_host()
        if urlsplit(self.path).path != "/_serve/feedback":
            raise _Refusal(404, "no such endpoint")
        body = self._body()
        problem = self._refused()
        if problem:
            raise _Refusal(403, problem)
        try:
            data = json.loads(body)
            paper_id, _ = split_arxiv_id(str(data["paper"]))
            kind, profile = str(data["kind"]), str(data["profile"])
        except (ValueError, KeyError, TypeError, RecursionError):
            raise _Refusal(400, "expected {paper, profile, kind}") from None
        if kind not in tuple(Feedback) or profile not in self.server.profiles:
            raise _Refusal(400, "unknown kind or profile")
        self._record(profile, paper_id, kind)
        self._answer(200, None)

    def _check_host(self) -> None:
        """Only this server's names: a page asked for under another name (DNS rebinding)
        gets no token, a click under another name records nothing."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            raise _Refusal(400, "a request needs exactly one Host header")
        if hosts[0].strip().lower() not in self.server.hosts:
            raise _Refusal(421, f"this server does not answer for {hosts[0][:100]!r}")

    def _body(self) -> bytes:
        """The click's body, whole: its length stated once, as digits, at most MAX_BODY."""
        lengths = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if "Transfer-Encoding" in self.headers:
            raise _Refusal(400, "send the body with a Content-Length, not Transfer-Encoding")
        if not lengths:
            raise _Refusal(411, "Content-Length required")
        length = lengths.pop()
        if lengths or not re.fullmatch(r"[0-9]{1,12}", length):
            raise _Refusal(400, "Content-Length is not one whole number")
        if int(length) > MAX_BODY:
            raise _Refusal(413, f"body over {MAX_BODY} bytes")
        data = self.rfile.read(int(length))
        if not data or len(data) < int(length):
            raise _Refusal(400, "body missing or shorter than its Content-Length")
        return data

    def _refused(self) -> str | None:
        if not secrets.compare_digest(self.headers.get("X-Arxiv-Digest-Token", ""),
                                      self.server.token):
            return "missing or wrong token"
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower().removeprefix("http://") not in \
                self.server.hosts:
            return "cross-origin request"
        return None

    def _record(self, profile: str, paper_id: str, kind: str) -> None:
        """Record the click now or say why not: busy (503) or no such paper (404)."""
        try:
            with self.server.lock:
                recorded = self.server.record(profile, paper_id, kind)
        except LockedError:
            raise _Refusal(503, BUSY, {"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
        except (DigestError, OSError, sqlite3.Error) as exc:
            self.server.report(f"error: serve: cannot record {kind} {paper_id}: {exc}")
            raise _Refusal(500, f"not recorded: {exc}") from None
        if not recorded:
            raise _Refusal(404, f"{paper_id} is not in the store; nothing recorded")

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        try:
            target = (self.server.site / relative).resolve()
            if self.server.site not in target.parents or not target.is_file():
                return None
        except (OSError, ValueError):
            return None
        return target

    def _with_controls(self, html: str) -> str:
        extra = (f'<meta name="arxiv-digest-serve" content="{self.server.token}">\n'
                 '<script src="/_serve/feedback.js" defer></script>\n')
        html = re.sub(r"script-src 'self'", "script-src 'self'; connect-src 'self'", html, 1)
        return html.replace("</head>", extra + "</head>", 1)

    def _refuse(self, refusal: _Refusal) -> None:
        if self.command == "POST":
            return self._answer(refusal.status, refusal.reason, refusal.headers)
        self._send(refusal.status, refusal.reason.encode(), "text/plain; charset=utf-8",
                   refusal.headers)

    def _answer(self, status: int, error: str | None,
                headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"ok": error is None, "error": error}).encode()
        self._send(status, body, "application/json", headers)

    def _send(self, status: int, body: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
        self._answered = True
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
