import json
from email.utils import format_datetime
from datetime import datetime, timezone

import pytest

from arxiv_digest.errors import NetworkError
from arxiv_digest.http import HttpClient, HttpStatusError, parse_retry_after
from fake_arxiv import FakeArxiv, Fault


@pytest.fixture
def server():
    fake = FakeArxiv().start()
    fake.feeds["cs.CV"] = b"<feed>ok</feed>"
    yield fake
    fake.stop()


def client(clock, tmp_path=None, **kw):
    options = dict(user_agent="arxiv-digest-test/1 (mailto:test@example.org)",
                   cache_dir=tmp_path / "cache" if tmp_path else None, timeout=2.0, retries=3,
                   backoff=1.0, min_intervals={"api": 3.0}, clock=clock, sleep=clock.sleep,
                   wall_clock=lambda: 1_800_000_000.0)
    options.update(kw)
    return HttpClient(**options)


def test_user_agent_and_plain_success(server, clock):
    with client(clock) as http:
        assert http.get(server.url + "/atom/cs.CV") == b"<feed>ok</feed>"
    assert server.requests[0].headers["User-Agent"].startswith("arxiv-digest-test/1")
    assert clock.sleeps == []


def test_429_honours_retry_after(server, clock):
    server.fail("/atom/", Fault(429, {"Retry-After": "7"}), Fault(503))
    with client(clock) as http:
        assert http.get(server.url + "/atom/cs.CV") == b"<feed>ok</feed>"
        assert [r.outcome for r in http.log] == ["429", "503", "200"]
    # first wait: max(backoff 1 s, Retry-After 7 s); second: exponential backoff 2 s
    assert clock.sleeps == [7.0, 2.0]


def test_retry_after_as_http_date(server, clock):
    when = datetime.fromtimestamp(1_800_000_000 + 12, tz=timezone.utc)
    server.fail("/atom/", Fault(503, {"Retry-After": format_datetime(when, usegmt=True)}))
    with client(clock) as http:
        http.get(server.url + "/atom/cs.CV")
    assert clock.sleeps == [12.0]


def test_exponential_backoff_then_clear_error(server, clock):
    server.fail("/atom/", *[Fault(500) for _ in range(4)])
    with client(clock) as http, pytest.raises(NetworkError, match="failed after 4 attempts.*HTTP 500"):
        http.get(server.url + "/atom/cs.CV")
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_excessive_retry_after_gives_up_at_once(server, clock):
    server.fail("/atom/", Fault(429, {"Retry-After": "3600"}))
    with client(clock, max_backoff=60) as http, pytest.raises(NetworkError, match="3600 s"):
        http.get(server.url + "/atom/cs.CV")
    assert clock.sleeps == []


def test_timeout_is_retried(server, clock):
    server.fail("/atom/", Fault(200, body=b"late", delay=1.5))
    with client(clock, timeout=1.0) as http:
        assert http.get(server.url + "/atom/cs.CV") == b"<feed>ok</feed>"
        assert [r.outcome for r in http.log] == ["timed out", "200"]


def test_truncated_body_is_retried(server, clock):
    server.fail("/atom/", Fault(200, body=b"<feed>partial", truncate=True))
    with client(clock) as http:
        assert http.get(server.url + "/atom/cs.CV") == b"<feed>ok</feed>"
        assert http.log[0].outcome.startswith("connection failed")


def test_client_errors_are_not_retried(server, clock):
    with client(clock) as http, pytest.raises(HttpStatusError) as err:
        http.get(server.url + "/nowhere")
    assert err.value.status == 404 and len(server.requests) == 1


def test_minimum_interval_between_requests_of_a_service(server, clock):
    with client(clock) as http:
        for _ in range(4):
            http.get(server.url + "/api/query", params={"id_list": "2605.00001"}, service="api")
        http.get(server.url + "/atom/cs.CV", service="feed")   # another service: no wait
        starts = [r.started for r in http.log if r.service == "api"]
    assert all(b - a >= 3.0 for a, b in zip(starts, starts[1:]))
    assert len(clock.sleeps) == 3


def test_spacing_also_holds_across_retries(server, clock):
    server.fail("/api/", Fault(503))
    with client(clock, backoff=0.5) as http:
        http.get(server.url + "/api/query", service="api")
        starts = [r.started for r in http.log]
    assert starts[1] - starts[0] >= 3.0


def test_cache_serves_a_rerun_without_requests(server, clock, tmp_path):
    with client(clock, tmp_path) as http:
        assert http.get(server.url + "/atom/cs.CV", max_age=3600) == b"<feed>ok</feed>"
    with client(clock, tmp_path) as http:
        assert http.get(server.url + "/atom/cs.CV", max_age=3600) == b"<feed>ok</feed>"
        assert http.cache_hits == 1
    assert len(server.requests) == 1
    # too old for the caller: fetched again
    with client(clock, tmp_path, wall_clock=lambda: 1_800_000_000.0 + 7200) as http:
        http.get(server.url + "/atom/cs.CV", max_age=3600)
    assert len(server.requests) == 2


def test_invalid_bodies_are_not_cached(server, clock, tmp_path):
    def reject(body):
        raise ValueError("bad")

    with client(clock, tmp_path) as http:
        with pytest.raises(ValueError):
            http.get(server.url + "/atom/cs.CV", max_age=3600, validate=reject)
        http.get(server.url + "/atom/cs.CV", max_age=3600)
    assert len(server.requests) == 2


def test_parse_retry_after():
    assert parse_retry_after("5", 0) == 5.0
    assert parse_retry_after(None, 0) is None
    assert parse_retry_after("soon", 0) is None


# -- send: POST and PUT for deliveries --------------------------------------------------------

@pytest.fixture
def chat():
    from fake_chat import FakeChat

    fake = FakeChat().start()
    yield fake
    fake.stop()


def test_send_never_follows_a_redirect(chat, clock):
    from fake_chat import Reply

    chat.fail("/hook/", Reply(307, headers={"Location": chat.url + "/hook/elsewhere"}))
    with client(clock) as http, pytest.raises(HttpStatusError, match="answered HTTP 307") as err:
        http.send("POST", chat.url + "/hook/secret-path", body=b"{}", label="webhook x")
    assert err.value.status == 307
    assert chat.requests == ["/hook/secret-path"] and chat.posts == []


def test_send_names_its_label_never_the_url(chat, clock):
    from fake_chat import Reply

    chat.fail("/hook/", *[Reply(500)] * 4)
    notes = []
    with client(clock, notify=notes.append) as http, pytest.raises(NetworkError) as err:
        http.send("POST", chat.url + "/hook/secret-path", body=b"{}", label="webhook x")
    assert str(err.value) == "POST webhook x failed after 4 attempts (last: HTTP 500)"
    assert notes == ["HTTP 500: retry 1 of 3 in 1 s (POST webhook x)",
                     "HTTP 500: retry 2 of 3 in 2 s (POST webhook x)",
                     "HTTP 500: retry 3 of 3 in 4 s (POST webhook x)"]
    assert all("secret-path" not in r.url for r in http.log)


def test_send_reads_the_wait_from_the_body_when_no_header_gives_it(chat, clock):
    from fake_chat import matrix_429

    chat.fail("/hook/", matrix_429(4000))
    with client(clock) as http:
        reply = http.send("POST", chat.url + "/hook/x", body=b"{}", label="webhook x",
                          retry_after=lambda body: json.loads(body)["retry_after_ms"] / 1000)
    assert reply.status == 200 and clock.sleeps == [4.0]


def test_send_refuses_a_url_it_cannot_request_without_showing_it(clock):
    with client(clock) as http, pytest.raises(NetworkError) as err:
        http.send("POST", "http://127.0.0.1:99999/bot-secret/x", body=b"{}",
                  label="telegram 127.0.0.1")
    assert "secret" not in str(err.value) and "telegram 127.0.0.1" in str(err.value)
