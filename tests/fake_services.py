"""Loopback stand-ins for the enrichment sources: arXiv HTML and PDF, GitHub's REST
API, Hugging Face paper pages and Semantic Scholar — constructed responses, with the
same fault injection as the arXiv fake (timeouts, 429, 5xx, malformed bodies)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from loopback import LoopbackServer, QuietHandler


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with these lines of text (Helvetica), built by hand."""
    text = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*"
        for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text.encode("latin-1") + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class FakeServices(LoopbackServer):
    def __init__(self):
        self.routes: dict[str, Reply] = {}        # exact path -> reply (default 404)
        self.faults: dict[str, list[Reply]] = {}  # path prefix -> replies served first
        self.requests: list[str] = []
        self.headers: list[dict] = []
        super().__init__()

    def html(self, paper_id: str, version: int, page: bytes) -> None:
        self.routes[f"/html/{paper_id}v{version}"] = Reply(body=page)

    def pdf(self, paper_id: str, version: int, data: bytes) -> None:
        self.routes[f"/pdf/{paper_id}v{version}"] = Reply(body=data,
                                                          headers={"Content-Type": "application/pdf"})

    def json(self, path: str, data: object) -> None:
        self.routes[path] = Reply(body=json.dumps(data).encode())

    def fail(self, prefix: str, *replies: Reply) -> None:
        self.faults.setdefault(prefix, []).extend(replies)

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def do_GET(self):
                path = urlsplit(self.path).path
                server.requests.append(path)
                server.headers.append(dict(self.headers))
                reply = None
                for prefix, queue in server.faults.items():
                    if path.startswith(prefix) and queue:
                        reply = queue.pop(0)
                        break
                reply = reply or server.routes.get(path) or Reply(404, b'{"message":"Not Found"}')
                if reply.delay:
                    threading.Event().wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
