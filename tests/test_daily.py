import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest

from arxiv_digest.announcements import announcement_time
from arxiv_digest.config import EnrichSettings, SMTPSettings
from arxiv_digest.errors import LockedError
from arxiv_digest.locking import writer_lock
from arxiv_digest.publish.daily import daily
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from fake_arxiv import FakeArxiv
from test_email import Inbox, start
from conftest import REPO
from test_live import DAY, synthetic_day
from arxiv_digest.pipeline import Services

NOW = announcement_time(DAY) + timedelta(hours=3)


@pytest.fixture
def world(settings, tmp_path):
    arxiv = FakeArxiv().start()
    day = synthetic_day(40)
    for items in day.values():
        for paper, _ in items:
            number = int(paper.id[-2:])
            if number % 4 == 0:
                paper.title = f"Diffusion Sampler {number}"
                paper.abstract = (f"We propose a sampler for diffusion models that cuts the "
                                  f"denoising steps of diffusion models by {number}%.")
    arxiv.serve_day(DAY, day)
    inbox = Inbox()
    smtp = start(inbox)
    s = replace(settings, feed_url=arxiv.url + "/atom/{category}",
                api_url=arxiv.url + "/api/query", enrich=EnrichSettings(enabled=False),
                smtp=SMTPSettings(host="127.0.0.1", port=smtp.port, security="none",
                                  sender="digest@example.org", to=("ana@example.org",)))
    yield s, arxiv, inbox, tmp_path / "site"
    smtp.stop()
    arxiv.stop()


def test_daily_publishes_once(world):
    settings, arxiv, inbox, site = world
    with Store(settings.db_path) as store:
        first = daily(settings, store, load_profile(), recipients=["ana@example.org"],
                      site_dir=site, now=NOW)
        assert first.day == DAY and first.done == ["digest", "site", "email to 1"]
        assert (site / "index.html").exists() and len(inbox.messages) == 1
        requests = len(arxiv.requests)
        second = daily(settings, store, load_profile(), recipients=["ana@example.org"],
                       site_dir=site, now=NOW)
    assert second.done == [] and second.skipped == ["digest", "site", "email"]
    assert len(inbox.messages) == 1 and len(arxiv.requests) == requests


def test_rerun_after_a_crash_finishes_only_what_is_missing(world):
    settings, arxiv, inbox, site = world

    def crash(*args, **kwargs):
        raise RuntimeError("power cut while building the site")

    with Store(settings.db_path) as store:
        with pytest.raises(RuntimeError):
            daily(settings, store, load_profile(), recipients=["ana@example.org"],
                  site_dir=site, now=NOW, build=crash)
        assert store.digest_json(DAY, "diffusion") is not None and inbox.messages == []
        report = daily(settings, store, load_profile(), recipients=["ana@example.org"],
                       site_dir=site, now=NOW)
    assert report.skipped[0] == "digest" and report.done == ["site", "email to 1"]
    assert len(inbox.messages) == 1


def test_two_runs_cannot_both_publish(world):
    settings, arxiv, inbox, site = world
    settings.home.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings.home, what="daily"):
        with pytest.raises(LockedError) as err:
            with writer_lock(settings.home, wait=False, what="daily"):
                pass
        assert err.value.exit_code == 5
        assert f"pid {os.getpid()}: daily" in str(err.value)


def test_daily_cli_exit_code_when_locked(home):
    with writer_lock(home, what="run"):
        proc = subprocess.run([sys.executable, "-m", "arxiv_digest", "daily", "--quiet"],
                              env=dict(os.environ, ARXIV_DIGEST_HOME=str(home)),
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 5, proc.stderr
    assert f"another arxiv-digest process (pid {os.getpid()}: run)" in proc.stderr
    assert not (home / "arxiv-digest.db").exists()      # locked before the store opened


def test_daily_for_several_profiles_writes_once_builds_once_and_mails_each_its_own(world):
    from arxiv_digest.publish.daily import daily_profiles
    from arxiv_digest.publish.site import build_site

    from importlib import resources

    settings, arxiv, inbox, site = world
    toml = (resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml").read_text()
    (settings.home / "profiles").mkdir(parents=True, exist_ok=True)
    (settings.home / "profiles" / "flows.toml").write_text(
        toml.replace('name = "diffusion"', 'name = "flows"')
        + '\n[publish]\nrecipients = ["bo@example.org"]\n')
    profiles = [load_profile(), load_profile("flows", settings.home)]
    builds = []

    def build(*args, **kwargs):
        builds.append(args)
        return build_site(*args, **kwargs)
    with Store(settings.db_path) as store:
        reports = daily_profiles(settings, store, profiles,
                                 lambda p: p.recipients or ["ana@example.org"],
                                 site_dir=site, now=NOW, build=build)
        assert {n: r.done for n, r in reports.items()} == {
            "diffusion": ["digest", "site", "email to 1"],
            "flows": ["digest", "site", "email to 1"]}
        assert len(builds) == 1
        assert (site / "digests" / "flows").is_dir() and (site / "digests" / "diffusion").is_dir()
        mailed = {tuple(to): body for to, body in inbox.messages[-2:]}
        assert set(mailed) == {("ana@example.org",), ("bo@example.org",)}
        assert b"flows" in mailed["bo@example.org",] and b"flows" not in mailed["ana@example.org",]
        # The day was fetched once for both; a second call does nothing.
        requests = len(arxiv.requests)
        again = daily_profiles(settings, store, profiles,
                               lambda p: p.recipients or ["ana@example.org"],
                               site_dir=site, now=NOW, build=build)
    assert all(r.done == [] for r in again.values()) and len(builds) == 1
    assert len(arxiv.requests) == requests


def test_several_profiles_fetch_a_missing_day_once(settings):
    """With the feed failing, three profiles sharing categories ask for it once, as one
    profile does — not once each."""
    from arxiv_digest.publish.daily import daily_profiles

    class Down(FakeArxiv):
        def _answer(self, path, query):
            return 503, b"down for maintenance"

    arxiv = Down().start()
    try:
        s = replace(settings, feed_url=arxiv.url + "/atom/{category}", http_retries=0,
                    api_url=arxiv.url + "/api/query", enrich=EnrichSettings(enabled=False))
        toml = (REPO / "src/arxiv_digest/topics/profiles/diffusion.toml").read_text()
        (s.home / "profiles").mkdir(parents=True, exist_ok=True)
        for name in ("flows", "scores"):
            (s.home / "profiles" / f"{name}.toml").write_text(
                toml.replace('name = "diffusion"', f'name = "{name}"'))
        counts = []
        for names in (["diffusion"], ["diffusion", "flows", "scores"]):
            before = len(arxiv.requests)
            with Store(s.db_path) as store:
                reports = daily_profiles(s, store, [load_profile(n, s.home) for n in names],
                                         lambda p: [], site_dir=s.home / "site", now=NOW)
            assert all(r.failed is not None for r in reports.values())
            counts.append(len(arxiv.requests) - before)
    finally:
        arxiv.stop()
    assert counts[0] > 0 and counts[1] == counts[0]


def test_a_live_day_for_several_profiles_is_judged_in_one_pass(world, monkeypatch):
    """The live daily job: the day is fetched once and stored before any profile runs,
    so every profile's relevance is assessed together, never one profile at a time."""
    from arxiv_digest.pipeline import run_profiles
    from arxiv_digest.topics import relevance, verdicts, window

    settings, arxiv, inbox, site = world
    toml = (REPO / "src/arxiv_digest/topics/profiles/diffusion.toml").read_text()
    (settings.home / "profiles").mkdir(parents=True, exist_ok=True)
    (settings.home / "profiles" / "flows.toml").write_text(
        toml.replace('name = "diffusion"', 'name = "flows"'))
    profiles = [load_profile(), load_profile("flows", settings.home)]
    passes = []

    def spy(papers, group):
        passes.append(sorted(p.name for p in group))
        return relevance.assess_many(papers, group)
    monkeypatch.setattr(verdicts, "assess_many", spy)
    monkeypatch.setattr(window, "assess_many", spy)
    with Store(settings.db_path) as store:
        runs = run_profiles(settings, store, profiles, DAY, services=Services(now=NOW))
    assert [r.error for r in runs] == [None, None]
    assert passes and all(group == ["diffusion", "flows"] for group in passes), passes
