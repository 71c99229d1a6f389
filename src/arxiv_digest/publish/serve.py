"""``serve``: the built site from this machine, with like/dislike controls that record
the reader's feedback in the store. The static site itself stays static: the controls
exist only when pages come through this server.

Safe by construction: bound to 127.0.0.1 by default; a request must carry the session's
token (made at start, given to pages in a meta tag, sent back in a header a cross-site
form cannot set) and come with this server's Host and Origin; only an arXiv id, a known
profile and like/dislike are accepted, in a small JSON body. Paper text never becomes
markup: the buttons are made by script with text only.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from arxiv_digest.models import split_arxiv_id

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


class FeedbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, site: Path, record, profiles: set[str]):
        self.site = Path(site).resolve()
        self.record = record              # (profile, paper id, kind) -> None
        self.profiles = profiles
        self.token = secrets.token_urlsafe(24)
        self.lock = threading.Lock()
        super().__init__(address, _Handler)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(site: Path, record, profiles: set[str], host: str = "127.0.0.1",
                port: int = 8000) -> FeedbackServer:
    return FeedbackServer((host, port), site, record, profiles)


class _Handler(BaseHTTPRequestHandler):
    server: FeedbackServer

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/_serve/feedback.js":
            return self._send(200, SCRIPT.encode(), "text/javascript; charset=utf-8")
        target = self._file(path)
        if target is None:
            return self._send(404, b"not found", "text/plain; charset=utf-8")
        data = target.read_bytes()
        if target.suffix == ".html":
            return self._send(200, self._with_controls(data.decode("utf-8")).encode(),
                              "text/html; charset=utf-8")
        kinds = {".css": "text/css", ".js": "text/javascript", ".xml": "application/xml",
                 ".png": "image/png", ".json": "application/json"}
        self._send(200, data, kinds.get(target.suffix, "application/octet-stream"))

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/_serve/feedback":
            return self._answer(404, "no such endpoint")
        problem = self._refused()
        if problem:
            return self._answer(403, problem)
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            return self._answer(400, "body missing or too long")
        try:
            data = json.loads(self.rfile.read(length))
            paper_id, _ = split_arxiv_id(str(data["paper"]))
            kind, profile = str(data["kind"]), str(data["profile"])
        except (ValueError, KeyError, TypeError):
            return self._answer(400, "expected {paper, profile, kind}")
        if kind not in ("like", "dislike") or profile not in self.server.profiles:
            return self._answer(400, "unknown kind or profile")
        with self.server.lock:
            self.server.record(profile, paper_id, kind)
        self._answer(200, None)

    def _refused(self) -> str | None:
        if not secrets.compare_digest(self.headers.get("X-Arxiv-Digest-Token", ""),
                                      self.server.token):
            return "missing or wrong token"
        host = self.headers.get("Host", "")
        if host != self.server.origin.removeprefix("http://"):
            return "wrong host"
        origin = self.headers.get("Origin")
        if origin is not None and origin != self.server.origin:
            return "cross-origin request"
        return None

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        target = (self.server.site / relative).resolve()
        if self.server.site not in target.parents or not target.is_file():
            return None
        return target

    def _with_controls(self, html: str) -> str:
        extra = (f'<meta name="arxiv-digest-serve" content="{self.server.token}">\n'
                 '<script src="/_serve/feedback.js" defer></script>\n')
        html = re.sub(r"script-src 'self'", "script-src 'self'; connect-src 'self'", html, 1)
        return html.replace("</head>", extra + "</head>", 1)

    def _answer(self, status: int, error: str | None) -> None:
        body = json.dumps({"ok": error is None, "error": error}).encode()
        self._send(status, body, "application/json")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)
