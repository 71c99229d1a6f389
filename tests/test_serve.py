"""``serve``: like/dislike from the reader's own copy of the site, recorded in the store;
the static site has no controls; requests without the session's token or from another
origin are refused; bad requests, clients that leave early, a busy store, unknown papers
and foreign Host names each get an HTTP answer and never a traceback."""

import json
import socket
import struct
import threading
import urllib.request
from contextlib import contextmanager

import pytest

from arxiv_digest.cli.reader import record_click
from arxiv_digest.locking import writer_lock
from arxiv_digest.pipeline import run_day
from arxiv_digest.publish.serve import make_server
from arxiv_digest.publish.site import build_site
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from test_browser import CHROMIUM, FLAGS, need_browser
from conftest import run
from test_digest import FIXTURE
from arxiv_digest.pipeline import RunOptions

CLICK = {"paper": "2606.10001", "profile": "diffusion", "kind": "like"}


@contextmanager
def serving(settings, site, host: str = "127.0.0.1"):
    """The real server on a free port of HOST, recording clicks in the test's store."""
    server = make_server(site,
                         lambda profile, pid, kind: record_click(settings, profile, pid, kind),
                         {"diffusion"}, host, 0)
    server.daemon_threads = False              # so that server_close waits for every request
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        finish(server)


def finish(server) -> None:
    """Stop the server; server_close waits for every request it took to end."""
    server.shutdown()
    server.server_close()


@pytest.fixture
def served(settings, tmp_path):
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path / "files"))
        build_site(store, tmp_path / "site", settings.home)
    with serving(settings, tmp_path / "site") as server:
        yield server, tmp_path / "site"


def click(server, body: dict, headers: dict) -> tuple[int, dict, dict]:
    """A click through urllib: the status, the JSON answer and the answer's headers."""
    request = urllib.request.Request(f"{server.origin}/_serve/feedback",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), dict(exc.headers)


def post(server, body: dict, headers: dict) -> tuple[int, dict]:
    return click(server, body, headers)[:2]


def here(server, name: str = "127.0.0.1") -> str:
    return f"{name}:{server.server_address[1]}"


def connect(server) -> socket.socket:
    family = socket.AF_INET6 if ":" in server.server_address[0] else socket.AF_INET
    sock = socket.socket(family)
    sock.settimeout(10)
    sock.connect(server.server_address[:2])
    return sock


def ask(server, lines: list[str], body: bytes = b"") -> tuple[int, str, bytes]:
    """Send a request exactly as written, which no client library would, and nothing
    more; the status (0 for no answer at all), the head and the body of the answer."""
    with connect(server) as sock:
        sock.sendall("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, rest = answer.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1] if head else b"0"
    return int(status), head.decode("latin-1"), rest


def click_lines(server, *extra: str, host: str = "127.0.0.1") -> list[str]:
    """A click's request line and headers with the right token, Host HOST:port and EXTRA."""
    return ["POST /_serve/feedback HTTP/1.0", f"Host: {here(server, host)}",
            f"X-Arxiv-Digest-Token: {server.token}", "Content-Type: application/json", *extra]


def leave_abruptly(sock: socket.socket) -> None:
    """Close with a reset, as a client that crashes or gives up does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def need_loopback(host: str) -> None:
    """Skip where this machine has no such loopback address (IPv6 turned off)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family) as sock:
            sock.bind((host, 0))
    except OSError as exc:
        pytest.skip(f"this machine cannot listen on {host}: {exc}")


def recorded(settings) -> list[tuple[str, str]]:
    with Store(settings.db_path) as store:
        return [(item.paper_id, item.kind) for item in store.feedback("diffusion")]


def test_a_click_in_the_browser_is_recorded(served, home):
    need_browser()
    from playwright.sync_api import sync_playwright

    server, _ = served
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(server.origin + "/index.html")
        article = page.locator("article").first
        paper_id = article.get_attribute("data-paper")
        article.locator("button[data-kind=like]").click()
        article.locator("[role=status]").filter(has_text="Recorded: like").wait_for()
        browser.close()
    assert problems == []
    listed = run("feedback", "list", home=home).stdout
    assert f"like     {paper_id}v1  site" in listed


def test_the_static_site_has_no_controls(served):
    _, site = served
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-paper="' in page                     # marked, but nothing loads a script
    assert "feedback.js" not in page and "arxiv-digest-serve" not in page


def test_requests_without_the_token_or_from_elsewhere_are_refused(served, home):
    server, _ = served
    body = {"paper": "2606.10001", "profile": "diffusion", "kind": "like"}
    assert post(server, body, {})[0] == 403
    assert post(server, body, {"X-Arxiv-Digest-Token": "guess"})[0] == 403
    assert post(server, body, {"X-Arxiv-Digest-Token": server.token,
                               "Origin": "http://evil.example"})[0] == 403
    assert post(server, dict(body, kind="<script>"),
                {"X-Arxiv-Digest-Token": server.token})[0] == 400
    assert post(server, dict(body, paper="javascript:alert(1)"),
                {"X-Arxiv-Digest-Token": server.token})[0] == 400
    assert "no feedback" in run("feedback", "list", home=home).stderr
    assert post(server, body, {"X-Arxiv-Digest-Token": server.token}) == (200, {"ok": True,
                                                                              "error": None})
    assert "like     2606.10001v1  site" in run("feedback", "list", home=home).stdout


def test_bad_requests_get_a_status_and_no_traceback(served, settings, capfd):
    server, _ = served
    capfd.readouterr()
    body = json.dumps(CLICK).encode()
    get = ["GET /index.html%00.css HTTP/1.0", f"Host: {here(server)}"]
    assert ask(server, get)[0] == 400
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/no-such-page.html",
                 "/" + "a" * 5000):
        assert ask(server, [f"GET {path} HTTP/1.0", f"Host: {here(server)}"])[0] == 404
    # refused on the headers alone, so no body is sent (one left unread could reset)
    for length, status in (("abc", 400), ("1e3", 400), ("-5", 400), ("0", 400),
                           ("5000", 413)):
        assert ask(server, click_lines(server, f"Content-Length: {length}"))[0] == status
    assert ask(server, click_lines(server))[0] == 411
    assert ask(server, click_lines(server, f"Content-Length: {len(body)}",
                                   "Content-Length: 3"))[0] == 400
    assert ask(server, click_lines(server, f"Content-Length: {len(body)}"), b"{}")[0] == 400
    assert ask(server, click_lines(server, "Content-Length: 9"), b"not json!")[0] == 400
    assert ask(server, ["GET /index.html HTTP/x.y"])[0] == 400
    assert ask(server, ["PUT /_serve/feedback HTTP/1.0", f"Host: {here(server)}"])[0] == 501
    finish(server)
    assert capfd.readouterr().err == ""
    assert recorded(settings) == []


def test_clients_that_leave_early_leave_no_trace(served, settings, capfd):
    server, site = served
    (site / "big.bin").write_bytes(bytes(32 << 20))    # more than the sockets can buffer
    capfd.readouterr()
    reader = connect(server)
    reader.sendall(f"GET /big.bin HTTP/1.0\r\nHost: {here(server)}\r\n\r\n".encode())
    assert reader.recv(16).startswith(b"HTTP/1.0 200")  # the server is now sending
    leave_abruptly(reader)
    half_line = connect(server)
    half_line.sendall(b"GET /ind")
    leave_abruptly(half_line)
    half_body = connect(server)
    half_body.sendall(("\r\n".join(click_lines(server, "Content-Length: 100"))
                       + "\r\n\r\n").encode() + b'{"paper": ')
    leave_abruptly(half_body)
    connect(server).close()
    # connections are taken in the order they came: once this one is answered, the ones
    # before it have been taken too, and finish() waits for their ends
    assert ask(server, ["GET /index.html HTTP/1.0", f"Host: {here(server)}"])[0] == 200
    finish(server)
    assert capfd.readouterr().err == ""
    assert recorded(settings) == []


def test_a_click_while_another_command_writes_answers_at_once(served, settings):
    server, _ = served
    with writer_lock(settings.home, what="run"):
        status, answer, headers = click(server, CLICK, {"X-Arxiv-Digest-Token": server.token})
    assert status == 503
    assert answer["ok"] is False and "busy" in answer["error"]
    assert int(headers["Retry-After"]) > 0
    assert recorded(settings) == []
    assert post(server, CLICK, {"X-Arxiv-Digest-Token": server.token})[0] == 200
    assert recorded(settings) == [("2606.10001", "like")]


def test_a_click_on_a_paper_the_store_lacks_is_refused(served, settings):
    server, _ = served
    status, answer = post(server, dict(CLICK, paper="2606.99999"),
                          {"X-Arxiv-Digest-Token": server.token})
    assert status == 404
    assert answer["ok"] is False and "2606.99999" in answer["error"]
    assert recorded(settings) == []


def test_a_page_asked_for_under_another_host_never_carries_the_token(served, settings):
    server, _ = served
    status, _, page = ask(server, ["GET /index.html HTTP/1.0", f"Host: {here(server)}"])
    assert status == 200 and server.token.encode() in page
    for host in (f"Host: {here(server, 'attacker.example')}", "Host: attacker.example",
                 f"Host: {here(server, '127.0.0.2')}"):
        status, _, page = ask(server, ["GET /index.html HTTP/1.0", host])
        assert status == 421 and server.token.encode() not in page
    status, _, page = ask(server, ["GET /index.html HTTP/1.0"])
    assert status == 400 and server.token.encode() not in page
    body = json.dumps(CLICK).encode()
    forged = click_lines(server, f"Content-Length: {len(body)}", host="attacker.example")
    assert ask(server, forged)[0] == 421                 # refused on its Host alone
    assert recorded(settings) == []


@pytest.mark.parametrize("bound, names", [
    ("localhost", ("localhost", "127.0.0.1", "LocalHost")),
    ("::1", ("[::1]", "localhost")),
])
def test_a_server_bound_to_a_loopback_name_accepts_its_names(served, settings, bound, names):
    _, site = served
    need_loopback(bound)
    body = json.dumps(CLICK).encode()
    with serving(settings, site, bound) as server:
        for name in names:
            status, _, page = ask(server, ["GET /index.html HTTP/1.0",
                                           f"Host: {here(server, name)}"])
            assert status == 200 and server.token.encode() in page
            lines = click_lines(server, f"Content-Length: {len(body)}",
                                f"Origin: http://{here(server, name)}", host=name)
            status, _, answer = ask(server, lines, body)
            assert (status, json.loads(answer)) == (200, {"ok": True, "error": None})
        status, _, page = ask(server, ["GET /index.html HTTP/1.0",
                                       f"Host: {here(server, 'attacker.example')}"])
        assert status == 421 and server.token.encode() not in page
    assert recorded(settings) == [("2606.10001", "like")]


def test_a_port_in_use_is_one_line(home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port), "--no-build", home=home, check=False)
    assert result.returncode == 1
    assert result.stderr == (f"error: cannot listen on 127.0.0.1 port {port}: Address already "
                             "in use; choose another --host or --port\n")
