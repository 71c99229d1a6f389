"""What a newcomer trips over: stored days re-run offline, a readable ranking at 80
columns, model work refused up front, defaults named, long waits shown."""

import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest

import arxiv_digest.enrich as enrichment
from arxiv_digest.publish.daily import daily
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from fake_arxiv import Fault
from fake_services import FakeServices
from conftest import run
from test_daily import NOW, world  # noqa: F401  (fixture)

NO_MODEL = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ARXIV_DIGEST_MODEL")


def cli(*args, home, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in NO_MODEL}
    env.update(ARXIV_DIGEST_HOME=str(home), **(extra_env or {}))
    return subprocess.run([sys.executable, "-m", "arxiv_digest", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.fixture
def services(monkeypatch):
    """Loopback enrichment services, asked without the public services' pacing (the pacing
    itself is tested with an injected clock in test_http and test_enrich)."""
    monkeypatch.setattr(enrichment, "POLITE_INTERVALS", {})
    server = FakeServices().start()
    yield server
    server.stop()


def enrich_config(home, url):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        "[enrich]\n"
        f'html_url = "{url}/html/{{id}}v{{version}}"\npdf_url = "{url}/pdf/{{id}}v{{version}}"\n'
        f'github_api = "{url}/github"\nhf_api = "{url}/hf"\ns2_api = "{url}/s2"\n'
        "timeout = 2.0\nretries = 0\n", encoding="utf-8")


def test_a_stored_day_runs_again_from_the_store_alone(home, day_file, tmp_path, services):
    enrich_config(home, services.url)
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    proc = run("run", "--date", "2026-06-24", "--out", str(tmp_path / "out"), home=home)
    assert services.requests == []                      # offline: nothing was fetched
    assert "enrichment unavailable" not in proc.stderr
    asked = run("run", "--date", "2026-06-24", "--enrich", "--out", str(tmp_path / "out2"),
                home=home)
    assert len(services.requests) >= 15                 # --enrich asks for it
    colophon = (tmp_path / "out2" / "2026-06-24.md").read_text(encoding="utf-8")
    # Nothing answered usefully: one summary line in the colophon, details on the console.
    summary = re.findall(r"Enrichment unavailable: [^.]*\.", colophon)
    assert len(summary) == 1 and re.fullmatch(
        r"Enrichment unavailable: incomplete for 15 of 15 papers \(15 HTTP 404"
        r"(?:, \d+ dead code links?)?\)\.", summary[0]), summary
    assert asked.stderr.count("enrichment unavailable:") >= 15


def test_enrichment_without_a_network_says_so_in_one_line(home, day_file, tmp_path):
    closed = "http://127.0.0.1:9"                      # discard port: connection refused
    enrich_config(home, closed)
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    proc = run("run", "--date", "2026-06-24", "--enrich", "--out", str(tmp_path / "out"),
               home=home)
    colophon = (tmp_path / "out" / "2026-06-24.md").read_text(encoding="utf-8")
    assert "Enrichment unavailable: no network: enrichment skipped for 15 papers." in colophon
    assert colophon.count("(") == colophon.count(")")
    details = [line for line in proc.stderr.splitlines() if "enrichment unavailable:" in line]
    assert details and all(line.count("(") == line.count(")") for line in details), details
    assert "unreachable (connection failed (ConnectError))" in proc.stderr


def test_rank_fits_80_columns_with_reasons(home, day_file):
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    proc = run("rank", "--top", "8", home=home)          # piped: laid out for 80 columns
    lines = proc.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80, max(map(len, lines))
    assert "why (strongest signals)" in proc.stdout
    assert "2606.24888" in proc.stdout
    assert "–" not in proc.stdout                        # no empty enrichment columns
    assert "advances diffusion" in proc.stdout          # the relevance signal's reason
    rows = [line for line in lines if "2606." in line]
    assert len(rows) == 8                                # one line per paper, no wrapping
    assert "\u2605 the digest's picks" in proc.stdout and "passed over" in proc.stdout
    wide = run("rank", "--top", "8", "--wide", home=home).stdout
    assert "code" in wide and "commun" not in wide        # signals with no data left out
    header = next(line for line in wide.splitlines() if " id " in line)
    assert "releva\u2026" in header and "releva " not in header   # cut with an ellipsis


def test_other_languages_need_a_model_and_say_so_first(home, day_file, tmp_path):
    proc = cli("run", "--input", str(day_file("2026-06-24")), "--lang", "ko",
               "--out", str(tmp_path / "out"), home=home)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: an edition in another language (--lang ko) needs a "
                                  "model, and none is configured: set OPENAI_API_KEY")
    assert not (tmp_path / "out").exists() and not (home / "arxiv-digest.db").exists()


def test_the_llm_writer_without_a_model_stops_before_any_work(home, day_file, tmp_path):
    proc = cli("run", "--input", str(day_file("2026-06-24")), "--writer", "llm",
               "--out", str(tmp_path / "out"), home=home)
    assert proc.returncode == 1
    assert "the llm writer (--writer llm) needs a model" in proc.stderr
    assert "OPENAI_BASE_URL" in proc.stderr
    assert not (home / "arxiv-digest.db").exists()


def test_defaults_in_use_are_named(home, day_file, tmp_path):
    run("run", "--input", str(day_file("2026-06-24")), "--out", str(tmp_path / "out"),
        home=home)
    sent = cli("send", "--to", "a@example.org", home=home)
    assert f"warning: [smtp] is not set in {home / 'config.toml'}: sending through " \
           "localhost:587 (starttls)" in sent.stderr
    built = cli("site", "build", "--out", str(tmp_path / "site"), home=home)
    assert built.returncode == 0
    assert "warning: site_url is not set" in built.stderr
    assert "http://localhost:8000/" in built.stderr
    quiet = cli("site", "build", "--out", str(tmp_path / "site"), "--base-url",
                "https://example.org/", home=home)
    assert "warning" not in quiet.stderr


def test_a_silent_server_is_not_a_silent_wait(world):  # noqa: F811
    settings, arxiv, inbox, site = world
    settings = replace(settings, http_timeout=1.0, http_retries=1)
    arxiv.fail("/atom/cs.CV", Fault(200, body=b"", delay=3.0))
    said = []
    with Store(settings.db_path) as store:
        report = daily(settings, store, load_profile(), recipients=[], site_dir=site, now=NOW,
                       notify=said.append)
    assert report.done[0] == "digest"
    assert any(line.startswith("fetching ") and "/atom/cs.CV" in line for line in said)
    assert any(line.startswith("timed out: retry 1 of 1 in 1 s") for line in said), said
