"""Chat and webhook delivery against loopback servers that speak each service's protocol
(tests/fake_chat.py): one message per channel with the five picks, once; failures
reported per channel while the others go on; hostile paper text shown as text; no
secret anywhere a user or the store can see."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from arxiv_digest.config import ChannelSettings, load_settings
from arxiv_digest.digest import Digest
from arxiv_digest.errors import ConfigError
from arxiv_digest.http import HttpClient
from arxiv_digest.pipeline import run_day
from arxiv_digest.publish import channels as chan
from arxiv_digest.publish.messages import TELEGRAM_LIMIT, message_of, telegram_messages
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import invoke
from fake_chat import MATRIX_TAGS, TELEGRAM_TAGS, FakeChat, HtmlCheck, Reply, matrix_429, \
    telegram_429
from test_daily import NOW, world  # noqa: F401  (fixture)
from test_digest import FIXTURE
from arxiv_digest.pipeline import RunOptions

DAY = "2026-06-10"
DATE = date.fromisoformat(DAY)
TELEGRAM_TOKEN = "123456:TELEGRAM-sekret-token-Abc"
MATRIX_TOKEN = "syt_matrix_sekret_token_Xyz"
HOOK_SECRET = "hook-signing-sekret-Q"
SLACK_PATH = "/slack/services/T000/B000/slackSekretPath"
DISCORD_PATH = "/discord/api/webhooks/42/discordSekretPath"
SECRETS = [TELEGRAM_TOKEN, MATRIX_TOKEN, HOOK_SECRET, "slackSekretPath", "discordSekretPath"]
ENV = {"TG_TOKEN": TELEGRAM_TOKEN, "MX_TOKEN": MATRIX_TOKEN, "HOOK_SECRET": HOOK_SECRET}


def channels_toml(url: str) -> str:
    return f"""
http_retries = 0
site_url = "https://digest.example.org/"

[[channels]]
name = "lab-slack"
kind = "slack"
url = "{url}{SLACK_PATH}"

[[channels]]
name = "lab-discord"
kind = "discord"
url = "{url}{DISCORD_PATH}"

[[channels]]
name = "lab-telegram"
kind = "telegram"
chat_id = -1001234567890
token_env = "TG_TOKEN"
api_url = "{url}/telegram"

[[channels]]
name = "lab-matrix"
kind = "matrix"
homeserver = "{url}"
room_id = "!room:example.org"
token_env = "MX_TOKEN"

[[channels]]
name = "lab-hook"
kind = "webhook"
url = "{url}/hook/digest"
secret_env = "HOOK_SECRET"
"""


@pytest.fixture
def chat():
    fake = FakeChat(telegram_token=TELEGRAM_TOKEN, matrix_token=MATRIX_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def stored(home, tmp_path) -> str:
    """The fixture day's digest in the store; returns its JSON text."""
    settings = load_settings(home)
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path / "out"))
        return store.digest_json(DATE, "diffusion")


@pytest.fixture
def configured(home, chat, stored) -> Path:
    (home / "config.toml").write_text(channels_toml(chat.url), encoding="utf-8")
    return home


def send(home, *args, check=True):
    return invoke("send", "--date", DAY, *args, home=home, env=ENV, check=check)


def picks_of(text: str) -> list[str]:
    return [p["short_name"] for p in json.loads(text)["picks"]]


def every_byte(home: Path) -> bytes:
    """The store's files, WAL included, as they lie on disk."""
    return b"".join(p.read_bytes() for p in sorted(home.glob("arxiv-digest.db*")))


# -- one message per channel, once ------------------------------------------------------------

def test_each_channel_gets_one_message_with_the_five_picks(configured, chat, stored):
    out = send(configured)
    names = picks_of(stored)
    assert len(names) == 5
    assert [p.service for p in chat.posts] == ["slack", "discord", "telegram", "matrix",
                                               "webhook"]
    slack = chat.of("slack")[0].data
    shown = "\n".join(b["text"]["text"] for b in slack["blocks"] if b["type"] == "section")
    title = "Five diffusion papers worth reading: June 10, 2026"
    assert slack["blocks"][0]["text"]["text"] == title and slack["text"] == title
    discord = chat.of("discord")[0].data
    assert [e["title"].split(". ", 1)[1] for e in discord["embeds"]] == names
    assert discord["allowed_mentions"] == {"parse": []}
    telegram = chat.of("telegram")[0].data
    assert telegram["chat_id"] == -1001234567890 and telegram["parse_mode"] == "HTML"
    tg = HtmlCheck.parse(telegram["text"], TELEGRAM_TAGS)
    matrix = chat.of("matrix")[0].data
    mx = HtmlCheck.parse(matrix["formatted_body"], MATRIX_TAGS)
    assert matrix["msgtype"] == "m.text" and matrix["format"] == "org.matrix.custom.html"
    for name in names:
        assert f". {name} \u2014 " in shown
        assert f"{name}" in tg.visible and f"{name}" in mx.visible and name in matrix["body"]
    picks = json.loads(stored)["picks"]
    arxiv = [p["url"] for p in picks]
    code = [p["code_url"] for p in picks if p["code_url"]]
    site = "https://digest.example.org/digests/diffusion/2026-06-10.html"
    assert tg.links == mx.links
    assert [u for u in tg.links if "arxiv.org" in u] == arxiv
    assert set(tg.links) == set(arxiv) | set(code) | {site}
    for pick in picks:                                  # each pick's headline number
        if pick["highlight"]:
            assert f"Headline: {pick['highlight']}" in tg.visible
    assert chat.of("webhook")[0].raw == stored.encode()
    assert (out.stderr.count("delivered")) == 5


def test_a_second_send_posts_nothing_and_force_sends_again(configured, chat):
    send(configured)
    again = send(configured)
    assert len(chat.posts) == 5
    assert again.stderr.count("already delivered") == 5
    with Store(configured / "arxiv-digest.db") as store:
        rows = store.deliveries("diffusion", DATE)
    assert {r.channel: (r.status, r.sends) for r in rows} == {
        "lab-slack": ("delivered", 1), "lab-discord": ("delivered", 1),
        "lab-telegram": ("delivered", 1), "lab-matrix": ("delivered", 1),
        "lab-hook": ("delivered", 1)}
    send(configured, "--force", "--channel", "lab-matrix", "--channel", "lab-hook")
    assert [p.service for p in chat.posts[5:]] == ["matrix", "webhook"]
    first, forced = chat.of("matrix")
    assert first.path != forced.path                    # a new transaction id: posted again
    ids = [p.headers[chan.DELIVERY_HEADER] for p in chat.of("webhook")]
    assert ids[0] != ids[1]


def test_channel_option_posts_to_that_channel_only(configured, chat):
    with (configured / "config.toml").open("a") as config:   # a mail server nobody runs
        config.write('\n[smtp]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\n'
                     'to = ["ana@example.org"]\n')
    out = send(configured, "--channel", "lab-telegram")
    assert [p.service for p in chat.posts] == ["telegram"]
    assert out.stderr.strip().splitlines() == ["channel lab-telegram: delivered"]


# -- failures ---------------------------------------------------------------------------------

def test_a_refusing_channel_is_one_line_and_the_others_go_on(configured, chat):
    chat.fail("/discord/", Reply(403, json.dumps({"message": "Missing Permissions",
                                                  "code": 50013}).encode()))
    out = send(configured, check=False)
    assert out.exit_code == 1
    assert [p.service for p in chat.posts] == ["slack", "telegram", "matrix", "webhook"]
    failed = [line for line in out.stderr.splitlines() if "lab-discord" in line]
    assert failed == ["channel lab-discord: failed: POST discord 127.0.0.1 answered HTTP 403: "
                      "Missing Permissions"]
    assert "error: 1 of 5 deliveries failed" in out.stderr
    again = send(configured)                            # fixed: only the missing one posts
    assert [p.service for p in chat.posts[4:]] == ["discord"]
    assert again.stderr.count("already delivered") == 4


def test_a_channel_that_cannot_be_reached_is_reported(configured, chat, home):
    text = (home / "config.toml").read_text().replace(
        f'api_url = "{chat.url}/telegram"', 'api_url = "http://127.0.0.1:9/telegram"')
    (home / "config.toml").write_text(text)
    out = send(configured, check=False)
    assert out.exit_code == 1
    assert "channel lab-telegram: failed: POST telegram 127.0.0.1 failed after 1 attempts " \
           "(last: could not connect (ConnectError))" in out.stderr
    assert len(chat.posts) == 4


def client(clock, **kw) -> HttpClient:
    options = dict(user_agent="arxiv-digest-test/1", timeout=2.0, retries=3, backoff=1.0,
                   clock=clock, sleep=clock.sleep, wall_clock=lambda: 1_800_000_000.0)
    options.update(kw)
    return HttpClient(**options)


def targets_of(home: Path, *names: str) -> list[chan.Target]:
    settings = load_settings(home)
    return chan.check_channels([settings.channel(n) for n in names], ENV)


def test_429_is_retried_honouring_each_services_wait(configured, chat, stored, clock):
    chat.fail(SLACK_PATH, Reply(429, b"rate_limited", {"Retry-After": "7"}))
    chat.fail("/telegram/", telegram_429(11))
    chat.fail("/_matrix/", matrix_429(2500), Reply(502, b"bad gateway"))
    settings = load_settings(configured)
    with Store(settings.db_path) as store, client(clock) as http:
        report = chan.deliver(settings, store, stored,
                              targets_of(configured, "lab-slack", "lab-telegram", "lab-matrix"),
                              client=http)
    assert [o.state for o in report.outcomes] == ["delivered"] * 3
    assert [p.service for p in chat.posts] == ["slack", "telegram", "matrix"]
    # Retry-After header; Telegram's parameters.retry_after; Matrix's retry_after_ms,
    # then plain backoff (2 s for the second retry)
    assert clock.sleeps == [7.0, 11.0, 2.5, 2.0]


def test_a_channel_that_keeps_answering_503_fails_alone(configured, chat, stored, clock):
    chat.fail("/hook/", *[Reply(503, b"")] * 4)
    settings = load_settings(configured)
    with Store(settings.db_path) as store, client(clock) as http:
        report = chan.deliver(settings, store, stored,
                              targets_of(configured, "lab-hook", "lab-slack"), client=http)
        record = store.delivery("lab-hook", "diffusion", DATE)
    assert [o.state for o in report.outcomes] == ["failed", "delivered"]
    assert report.outcomes[0].detail == ("POST webhook 127.0.0.1 failed after 4 attempts "
                                         "(last: HTTP 503)")
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert record.status == "failed" and record.detail == report.outcomes[0].detail


def test_a_timeout_is_not_retried_where_the_message_may_have_arrived(configured, chat,
                                                                      stored, clock):
    chat.fail(SLACK_PATH, Reply(hang=True, arrive=True))
    settings = load_settings(configured)
    with Store(settings.db_path) as store, client(clock, timeout=1.0) as http:
        report = chan.deliver(settings, store, stored,
                              targets_of(configured, "lab-slack", "lab-discord"), client=http)
    assert [o.state for o in report.outcomes] == ["failed", "delivered"]
    assert "timed out waiting for the answer; not retried" in report.outcomes[0].detail
    assert chat.requests.count(SLACK_PATH) == 1 and len(chat.of("slack")) == 1


def test_a_matrix_retry_reuses_its_transaction_id_and_posts_once(configured, chat, stored,
                                                                  clock):
    chat.fail("/_matrix/", Reply(hang=True, arrive=True))
    settings = load_settings(configured)
    with Store(settings.db_path) as store, client(clock, timeout=1.0) as http:
        report = chan.deliver(settings, store, stored, targets_of(configured, "lab-matrix"),
                              client=http)
    assert report.outcomes[0].state == "delivered"
    asked = [p for p in chat.requests if p.startswith("/_matrix/")]
    assert len(asked) == 2 and asked[0] == asked[1]    # the same txnId both times
    assert len(chat.of("matrix")) == 1
    txn = asked[0].rsplit("/", 1)[1]
    assert txn == chan.delivery_id("lab-matrix", "diffusion", DATE, 0, 0)


# -- what a message says, and what it cannot do ----------------------------------------------

HOSTILE = ("@everyone <!channel> <@U123> <script>alert(1)</script> **bold** _it_ "
           "[click](https://evil.example/x) <a href=\"https://evil.example\">x</a> &amp; "
           "@room `code` ||spoiler|| # head")


def hostile(stored: str) -> str:
    data = json.loads(stored)
    digest = Digest.from_json(data)
    digest.title_override = HOSTILE
    for pick in digest.picks:
        pick.short_name = HOSTILE
        pick.one_line = HOSTILE + " [1]"
        pick.highlight = HOSTILE
        pick.code_url = "javascript:alert(1)//https://github.com/x/y"
    return json.dumps(digest.to_json())


def test_a_hostile_title_is_shown_as_text_everywhere(configured, chat, stored, clock):
    document = hostile(stored)
    settings = load_settings(configured)
    with Store(settings.db_path) as store, client(clock) as http:
        report = chan.deliver(settings, store, document,
                              targets_of(configured, "lab-slack", "lab-discord",
                                         "lab-telegram", "lab-matrix"), client=http)
    assert [o.state for o in report.outcomes] == ["delivered"] * 4
    arxiv = [p["url"] for p in json.loads(stored)["picks"]]
    site = "https://digest.example.org/digests/diffusion/2026-06-10.html"

    slack = chat.of("slack")[0].data
    assert slack["mrkdwn"] is False and "<" not in slack["text"]
    for block in slack["blocks"]:
        if block["type"] in ("header", "section"):
            assert block["text"]["type"] == "plain_text" and "<" not in block["text"]["text"]
            assert "&lt;!channel&gt;" in block["text"]["text"]
        else:                                           # links: only the digest's own
            text = block["elements"][0]["text"]
            assert "evil" not in text and "javascript" not in text and "@" not in text

    discord = chat.of("discord")[0].data
    assert discord["allowed_mentions"] == {"parse": []}
    title = discord["content"].split("\n")[0]
    assert title.startswith("**") and title.endswith("**")
    shown = [title[2:-2]]
    for embed in discord["embeds"]:
        shown.append(embed["title"].split(". ", 1)[1])
        lines = embed["description"].split("\n")
        assert lines[1].startswith("**Headline:** ") and "evil" not in lines[2]
        shown += [lines[0], lines[1][len("**Headline:** "):]]
    for text in shown:                 # every Markdown character, @ and < escaped
        assert re.search(r"(?<!\\)[*_`|<>\[\]()#@:~]", text) is None, text
        assert "\\@everyone" in text and "\\[click\\]\\(https\\://evil" in text

    for check in (HtmlCheck.parse(chat.of("telegram")[0].data["text"], TELEGRAM_TAGS),
                  HtmlCheck.parse(chat.of("matrix")[0].data["formatted_body"], MATRIX_TAGS)):
        assert check.errors == []
        assert check.tags <= {"b", "a", "p", "br"}          # only the message's own markup
        assert "<script>alert(1)</script>" in check.visible  # shown, as text
        assert HOSTILE in check.visible
        assert set(check.links) == set(arxiv) | {site}    # no link from paper text
        assert "[1]" not in check.visible
    matrix = chat.of("matrix")[0].data
    assert matrix["m.mentions"] == {}


def test_long_text_is_split_between_picks_within_telegrams_limit(stored):
    digest = Digest.from_json(json.loads(stored))
    for pick in digest.picks:
        pick.one_line = ("A & B < C " * 400).strip()   # 4,000 characters, 5x when escaped
    parts = telegram_messages(message_of(digest))
    assert len(parts) > 1
    seen = []
    for part in parts:
        check = HtmlCheck.parse(part, TELEGRAM_TAGS)
        assert check.errors == [] and len(part.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT
        seen += [line for line in check.visible.split("\n") if line[:2] in
                 {f"{n}." for n in range(1, 10)}]
    assert [line.split(" \u2014 ")[0] for line in seen] == [
        f"{p.rank}. {p.short_name}" for p in digest.picks]


def test_a_split_message_resumes_where_it_stopped(configured, chat, stored, clock):
    data = json.loads(stored)
    for pick in data["picks"]:
        pick["one_line"] = ("A & B < C " * 250).strip()
    document = json.dumps(data)
    chat.fail("/telegram/", Reply(200, b'{"ok":true,"result":{}}'),
              Reply(400, b'{"ok":false,"error_code":400,"description":"Bad Request: chat '
                         b'not found"}'))
    settings = load_settings(configured)
    target = targets_of(configured, "lab-telegram")
    with Store(settings.db_path) as store, client(clock) as http:
        first = chan.deliver(settings, store, document, target, client=http)
        record = store.delivery("lab-telegram", "diffusion", DATE)
        second = chan.deliver(settings, store, document, target, client=http)
    parts = len(telegram_messages(message_of(Digest.from_json(data))))
    assert parts >= 2
    assert first.outcomes[0].state == "failed" and record.status == "partial"
    assert record.parts == 1 and "chat not found" in record.detail
    assert second.outcomes[0].state == "delivered" and second.outcomes[0].parts == parts - 1
    assert len(chat.of("telegram")) == parts - 1       # the first went to the fault
    assert clock.sleeps and all(s == 3.0 for s in clock.sleeps)  # spaced for group limits


def test_the_webhook_gets_the_digest_document_signed(configured, chat, stored, tmp_path):
    send(configured, "--channel", "lab-hook")
    post = chat.of("webhook")[0]
    assert post.raw == stored.encode()
    assert post.raw == (tmp_path / "out" / f"{DAY}.json").read_bytes()
    expected = hmac.new(HOOK_SECRET.encode(), post.raw, hashlib.sha256).hexdigest()
    assert post.headers[chan.SIGNATURE_HEADER] == f"sha256={expected}"
    assert post.headers["Content-Type"].startswith("application/json")


# -- secrets ----------------------------------------------------------------------------------

def test_no_secret_appears_in_output_store_or_errors(configured, chat, home):
    chat.telegram_token = "another-token"          # the server refuses ours ...
    chat.fail("/_matrix/", Reply(500, json.dumps({"errcode": "M_UNKNOWN", "error":
                                                   f"bad token {MATRIX_TOKEN}"}).encode()))
    chat.fail(SLACK_PATH, Reply(404, f"no_service {SLACK_PATH}".encode()))
    chat.fail("/hook/", Reply(400, f"bad signature {HOOK_SECRET}".encode()))
    out = send(configured, check=False)
    assert out.exit_code == 1
    shown = out.stdout + out.stderr
    assert "lab-telegram: failed" in shown and "Unauthorized" in shown
    assert "lab-matrix: failed" in shown and "bad token ***" in shown
    assert "lab-slack: failed" in shown and "no_service ***" in shown
    stored_bytes = every_byte(home)
    assert b"bad token ***" in stored_bytes                # the reasons are stored ...
    for secret in SECRETS:                                  # ... without a secret in them
        assert secret not in shown
        assert secret.encode() not in stored_bytes


# -- configuration ----------------------------------------------------------------------------

BAD = [
    ('[[channels]]\nname = "lab-slack"\nkind = "irc"\nurl = "https://x.example"\n',
     '[[channels]] #1 (lab-slack): kind must be one of slack, discord, telegram, matrix, '
     "webhook (not 'irc')"),
    ('[[channels]]\nname = "lab-slack"\nkind = "slack"\n',
     "[[channels]] #1 (lab-slack): needs url (or url_env"),
    ('[[channels]]\nname = "a"\nkind = "slack"\nurl = "https://x.example/a"\n'
     '[[channels]]\nname = "lab-slack"\nkind = "slack"\nurl = "ftp://x.example/hook"\n',
     "[[channels]] #2 (lab-slack): url must be http or https"),
    ('[[channels]]\nname = "tg"\nkind = "telegram"\ntoken_env = "TG_TOKEN"\n',
     "[[channels]] #1 (tg): needs chat_id"),
    ('[[channels]]\nname = "mx"\nkind = "matrix"\nhomeserver = "https://m.example"\n'
     'room_id = "!r:m.example"\n', "[[channels]] #1 (mx): needs token_env"),
    ('[[channels]]\nname = "a"\nkind = "slack"\nurl = "https://x.example/a"\n'
     '[[channels]]\nname = "a"\nkind = "discord"\nurl = "https://x.example/b"\n',
     "[[channels]] #2 (a): name 'a' is already used by [[channels]] #1 (a)"),
    ('[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = 5\ntoken_env = "UNSET_TOKEN"\n',
     "[[channels]] #1 (tg): token_env names UNSET_TOKEN, which is not set in the "
     "environment"),
    ('[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "https://x.example"\n'
     'secret = "inline"\n', "[[channels]] #1 (hook): a webhook channel takes secret_env, "
                            "url, url_env (not secret)"),
]


@pytest.mark.parametrize("toml, message", BAD)
def test_bad_configuration_is_refused_in_one_line_before_any_work(home, stored, toml,
                                                                   message):
    (home / "config.toml").write_text(toml, encoding="utf-8")
    out = send(home, check=False)
    assert out.exit_code == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert lines[0].startswith(f"error: {home / 'config.toml'}: ") and message in lines[0]
    with Store(home / "arxiv-digest.db") as store:
        assert store.deliveries("diffusion", DATE) == []


def test_a_profile_naming_an_unknown_channel_is_refused(configured, chat, home):
    from importlib import resources

    toml = (resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml").read_text()
    (home / "profiles").mkdir()
    (home / "profiles" / "diffusion.toml").write_text(
        toml + '\n[publish]\nchannels = ["lab-slack", "lab-irc"]\n')
    out = send(configured, check=False)
    assert out.exit_code == 1 and chat.requests == []
    assert "diffusion.toml: [publish] channels names 'lab-irc', not a [[channels]] name" \
        in out.stderr
    (home / "profiles" / "diffusion.toml").write_text(
        toml + '\n[publish]\nchannels = ["lab-slack"]\n')
    send(configured)
    assert [p.service for p in chat.posts] == ["slack"]


def test_send_channel_unknown_names_the_known_ones(configured, chat):
    out = send(configured, "--channel", "nope", check=False)
    assert out.exit_code == 1 and chat.requests == []
    assert "no channel named 'nope'" in out.stderr and "known: lab-slack, lab-discord" \
        in out.stderr


def test_channel_settings_parse(home):
    home.mkdir()
    (home / "config.toml").write_text(
        '[[channels]]\nname = "tg"\nkind = "telegram"\nchat_id = "@lab"\ntoken_env = "T"\n')
    channel = load_settings(home).channels[0]
    assert channel == ChannelSettings(name="tg", kind="telegram", where=channel.where,
                                      chat_id="@lab", token_env="T")
    assert channel.api_url == "https://api.telegram.org"
    with pytest.raises(ConfigError, match="token_env names T, which is not set"):
        chan.resolve(channel, {})
    assert chan.resolve(channel, {"T": "x"}).token == "x"


# -- daily ------------------------------------------------------------------------------------

def test_daily_posts_after_the_site_once_per_channel_and_goes_on_past_a_failure(
        world, chat, monkeypatch):
    from importlib import resources

    from arxiv_digest.config import channels_from_toml
    from arxiv_digest.publish.daily import daily_profiles

    settings, arxiv, inbox, site = world
    monkeypatch.setenv("HOOK_SECRET", HOOK_SECRET)
    tables = [{"name": "lab-slack", "kind": "slack", "url": chat.url + SLACK_PATH},
              {"name": "lab-hook", "kind": "webhook", "url": chat.url + "/hook/daily",
               "secret_env": "HOOK_SECRET"}]
    settings = replace(settings, channels=channels_from_toml(tables, "config.toml"))
    toml = (resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml").read_text()
    (settings.home / "profiles").mkdir(parents=True, exist_ok=True)
    (settings.home / "profiles" / "flows.toml").write_text(
        toml.replace('name = "diffusion"', 'name = "flows"')
        + '\n[publish]\nchannels = ["lab-hook"]\n')
    profiles = [load_profile(), load_profile("flows", settings.home)]
    chat.fail(SLACK_PATH, Reply(403, b"action_prohibited"))
    with Store(settings.db_path) as store:
        first = daily_profiles(settings, store, profiles, lambda p: ["ana@example.org"],
                               site_dir=site, now=NOW)
        assert first["diffusion"].done == ["digest", "site", "email to 1", "channel lab-hook"]
        assert first["diffusion"].undelivered == [
            "channel lab-slack: failed: POST slack 127.0.0.1 answered HTTP 403: "
            "action_prohibited"]
        assert first["flows"].done == ["digest", "site", "email to 1", "channel lab-hook"]
        second = daily_profiles(settings, store, profiles, lambda p: ["ana@example.org"],
                                site_dir=site, now=NOW)
        third = daily_profiles(settings, store, profiles, lambda p: ["ana@example.org"],
                               site_dir=site, now=NOW)
    assert second["diffusion"].done == ["channel lab-slack"]
    assert second["diffusion"].skipped == ["digest", "site", "email", "channel lab-hook"]
    assert second["flows"].done == [] and second["flows"].undelivered == []
    assert all(r.done == [] and r.undelivered == [] for r in third.values())
    hooks = [json.loads(p.raw)["profile"] for p in chat.of("webhook")]
    assert sorted(hooks) == ["diffusion", "flows"]              # each profile's digest once
    assert len(chat.of("slack")) == 1                           # slack once, after the fix


def test_daily_refuses_a_missing_token_before_any_work(home):
    home.mkdir()
    (home / "config.toml").write_text(
        '[[channels]]\nname = "mx"\nkind = "matrix"\nhomeserver = "https://m.example.org"\n'
        'room_id = "!r:m.example.org"\ntoken_env = "UNSET_MATRIX_TOKEN"\n')
    out = invoke("daily", "--quiet", home=home, check=False)
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines() == [
        f"error: {home / 'config.toml'}: [[channels]] #1 (mx): token_env names "
        "UNSET_MATRIX_TOKEN, which is not set in the environment"]
    assert not (home / "arxiv-digest.db").exists()


# -- e-mail beside the channels, and the choice of destinations ------------------------------

def test_a_failing_mail_server_does_not_stop_the_channels(configured, chat, home):
    from test_email import free_port

    text = (home / "config.toml").read_text()
    (home / "config.toml").write_text(
        text + f'\n[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "none"\n'
        'sender = "digest@example.org"\ntimeout = 2\n')
    out = send(configured, "--to", "ana@example.org", check=False)
    assert out.exit_code == 1
    assert len(chat.posts) == 5
    assert "e-mail: failed: sending the 2026-06-10 digest through 127.0.0.1" in out.stderr
    assert "error: 1 of 6 deliveries failed" in out.stderr


def test_no_email_and_no_channels_choose_the_destinations(configured, chat):
    out = send(configured, "--no-channels", check=False)
    assert out.exit_code == 1 and "no recipients: pass --to" in out.stderr
    assert chat.requests == []
    send(configured, "--no-email")
    assert len(chat.posts) == 5
    both = send(configured, "--no-channels", "--channel", "lab-slack", check=False)
    assert both.exit_code == 2 and "contradict" in both.stderr


def test_a_url_from_the_environment_is_used_and_never_shown(home, chat, stored):
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(
        '[[channels]]\nname = "lab-slack"\nkind = "slack"\nurl_env = "SLACK_HOOK"\n')
    unset = send(home, check=False)
    assert unset.exit_code == 1 and "url_env names SLACK_HOOK, which is not set" in unset.stderr
    chat.fail(SLACK_PATH, Reply(404, b"no_service"))
    url = chat.url + SLACK_PATH
    failed = invoke("send", "--date", DAY, home=home, env={"SLACK_HOOK": url}, check=False)
    assert "channel lab-slack: failed: POST slack 127.0.0.1 answered HTTP 404: no_service" \
        in failed.stderr
    invoke("send", "--date", DAY, home=home, env={"SLACK_HOOK": url})
    assert len(chat.of("slack")) == 1
    assert "slackSekretPath" not in failed.stderr + failed.stdout
    assert b"slackSekretPath" not in every_byte(home)


def test_the_readme_example_is_what_a_shared_day_reads(home, day_file, tmp_path):
    from conftest import REPO

    invoke("run", "--input", day_file("2026-06-23"), "--no-enrich", "--quiet", "--out",
           tmp_path / "day", home=home)
    digest = Digest.from_json(json.loads((tmp_path / "day" / "2026-06-23.json").read_text()))
    body = chan.messages.matrix_content(message_of(digest, "https://you.example/digest/"))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- channel-example -->\n```text\n", 1)[1].split("\n```", 1)[0]
    assert shown == body["body"]
