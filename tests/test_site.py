import re

import feedparser
import pytest

from arxiv_digest.pipeline import run_day
from arxiv_digest.publish.site import build_site
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import run
from test_digest import FIXTURE, _day, _paper
from arxiv_digest.pipeline import RunOptions


@pytest.fixture
def stored(settings, tmp_path):
    """Three stored digests: the fixture day and two constructed ones (one hostile)."""
    days = [FIXTURE,
            _day(tmp_path, "2026-06-11.jsonl", [
                _paper(20001, "FastDiff: Sampling Diffusion Models",
                       "We introduce FastDiff, a sampler for diffusion models that halves the "
                       "steps of diffusion models, reaching FID 2.1.")]),
            _day(tmp_path, "2026-06-12.jsonl", [
                _paper(20002, 'Evil<script>alert("x")</script> Diffusion <img src=x onerror=alert(1)>',
                       "We propose a guidance method for diffusion models "
                       "<a href=\"javascript:alert(2)\">click</a> improving diffusion models.",
                       comment="Project: javascript:alert(3) Accepted at ICML 2026")])]
    with Store(settings.db_path) as store:
        for path in days:
            run_day(settings, store, load_profile(),
                    options=RunOptions(inputs=(path,), out_dir=tmp_path / "files"))
    return settings


def build(settings, out, **options):
    with Store(settings.db_path) as store:
        return build_site(store, out, settings.home, "https://digest.example.org/", **options)


def test_site_has_every_page(stored, tmp_path):
    out = tmp_path / "site"
    report = build(stored, out)
    assert report.digests == 3
    for page in ("index.html", "archive.html", "search.html", "profiles/diffusion.html",
                 "digests/diffusion/2026-06-10.html", "digests/diffusion/2026-06-12.html",
                 "papers/2606.10001.html", "static/site.css", "static/search.js",
                 "static/search-index.js", "feeds/diffusion.atom.xml", "feeds/diffusion.rss.xml"):
        assert (out / page).is_file(), page
    index = (out / "index.html").read_text()
    assert "June 12, 2026" in index                        # the latest digest is the index
    archive = (out / "archive.html").read_text()
    assert archive.count("digests/diffusion/") == 3 and "June 2026" in archive
    paper = (out / "papers/2606.10001.html").read_text()
    assert "Why it ranked there" in paper and "relevance" in paper and "novelty" in paper
    day = (out / "digests/diffusion/2026-06-11.html").read_text()
    assert 'rel="prev"' in day and 'rel="next"' in day and 'id="p1"' in day


def test_pages_are_accessible_and_script_free(stored, tmp_path):
    out = tmp_path / "site"
    build(stored, out)
    for page in out.rglob("*.html"):
        html = page.read_text()
        assert '<html lang="' in html and "<main" in html and "<nav" in html, page
        headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
        assert headings and headings[0] == 1 and headings.count(1) == 1, page
        assert all(b - a <= 1 for a, b in zip(headings, headings[1:])), page
        assert all("alt=" in img for img in re.findall(r"<img[^>]*>", html)), page
        scripts = re.findall(r"<script[^>]*>", html)
        if page.name != "search.html":
            assert scripts == [], page
        else:
            assert scripts == ['<script src="static/search-index.js">',
                               '<script src="static/search.js">']


def test_paper_text_is_inert_everywhere(stored, tmp_path):
    out = tmp_path / "site"
    build(stored, out)
    for path in list(out.rglob("*.html")) + list(out.rglob("*.xml")) + list(out.rglob("*.js")):
        text = path.read_text()
        assert "<script>alert" not in text, path
        assert 'href="javascript' not in text.lower(), path
        assert "<img src=x" not in text, path
    index_js = (out / "static/search-index.js").read_text()
    assert "</script>" not in index_js and "\\u003cscript" in index_js


def test_feeds_parse(stored, tmp_path):
    out = tmp_path / "site"
    build(stored, out)
    for name in ("diffusion.atom.xml", "diffusion.rss.xml"):
        feed = feedparser.parse(str(out / "feeds" / name))
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert len(feed.entries) == 3
        links = {e.link for e in feed.entries}
        assert "https://digest.example.org/digests/diffusion/2026-06-10.html" in links
        first = next(e for e in feed.entries if e.link.endswith("2026-06-10.html"))
        assert first.title == "Five diffusion papers worth reading: June 10, 2026"
        assert "TurboSolve" in first.summary
        assert "<script" not in first.summary


def test_rebuild_replaces_the_site_whole(stored, tmp_path, monkeypatch):
    out = tmp_path / "site"
    build(stored, out)
    (out / "stale.html").write_text("old")
    build(stored, out)
    assert not (out / "stale.html").exists()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr("arxiv_digest.publish.feeds.write_feed", broken)
    with pytest.raises(RuntimeError):
        build(stored, out, full=True)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_site_build_cli(stored):
    proc = run("site", "build", "--base-url", "https://x.example/", home=stored.home)
    assert "built" in proc.stderr and (stored.home / "site" / "index.html").exists()
    feed = feedparser.parse(str(stored.home / "site" / "feeds" / "diffusion.rss.xml"))
    assert feed.entries[0].link.startswith("https://x.example/digests/")


def test_site_survives_a_profile_given_as_a_path_and_is_readable(settings, tmp_path):
    import os
    from importlib import resources

    builtin = resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml"
    custom = tmp_path / "mydiff.toml"
    custom.write_text(builtin.read_text().replace('name = "diffusion"', 'name = "mydiff"'))
    run("run", "--input", str(FIXTURE), "--profile", str(custom), "--out", str(tmp_path / "o"),
        home=settings.home)
    custom.unlink()
    out = tmp_path / "site"
    build(settings, out)
    assert (out / "digests" / "mydiff" / "2026-06-10.html").exists()
    assert (out / "profiles" / "mydiff.html").exists()
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask


def files_of(out):
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def second_profile(settings, name="flows"):
    from importlib import resources

    builtin = resources.files("arxiv_digest.topics") / "profiles" / "diffusion.toml"
    (settings.home / "profiles").mkdir(parents=True, exist_ok=True)
    (settings.home / "profiles" / f"{name}.toml").write_text(
        builtin.read_text().replace('name = "diffusion"', f'name = "{name}"').replace(
            'title = "', 'title = "Flows: ', 1))
    return load_profile(name, settings.home)


@pytest.fixture
def flows(stored, tmp_path):
    """A second profile ("Flows: …", the built-in one renamed) with the fixture day's digest."""
    profile = second_profile(stored)
    with Store(stored.db_path) as store:
        run_day(stored, store, profile,
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path / "flows"))
    return profile


def test_an_incremental_build_renders_only_what_a_new_digest_changes(stored, flows, tmp_path):
    out = tmp_path / "site"
    build(stored, out)
    again = build(stored, out)
    assert again.rendered == 0 and again.kept == again.pages     # nothing changed
    day = _day(tmp_path, "2026-06-15.jsonl", [_paper(20003, "QuickFlow: Flow Matching "
               "for Diffusion Models", "We introduce QuickFlow for diffusion models, a "
               "sampler for diffusion models reaching FID 1.9.")])
    with Store(stored.db_path) as store:
        run_day(stored, store, load_profile(),
                options=RunOptions(inputs=(day,), out_dir=tmp_path / "files"))
    before = files_of(out)
    report = build(stored, out)
    after = files_of(out)
    changed = {path for path in after if before.get(path) != after[path]}
    # The new day's page, the previous day's (its "next" link), the front page, archive,
    # profiles page, the profile's page and feeds, the new paper's page, the search index.
    assert changed == {
        "digests/diffusion/2026-06-15.html", "digests/diffusion/2026-06-12.html",
        "index.html", "archive.html", "profiles.html", "profiles/diffusion.html",
        "feeds/diffusion.atom.xml", "feeds/diffusion.rss.xml", "papers/2606.20003.html",
        "static/search-index.js", ".build-manifest.json"}
    assert report.rendered == len(changed - {"static/search-index.js",
                                             ".build-manifest.json"})
    # And the result is byte for byte what a full build writes.
    assert files_of(build(stored, tmp_path / "full", full=True).out) == after


def test_an_incremental_build_rewrites_what_was_changed_on_disk(stored, flows, tmp_path):
    out = tmp_path / "site"
    build(stored, out)
    full = files_of(build(stored, tmp_path / "full", full=True).out)
    # Hand edits: appended to a digest page, the front page rewritten, a feed truncated,
    # a paper page removed, a page replaced by a directory. No input changed.
    with open(out / "digests/diffusion/2026-06-11.html", "a", encoding="utf-8") as page:
        page.write("<p>appended by hand</p>")
    (out / "index.html").write_text("edited", encoding="utf-8")
    feed = out / "feeds/flows.atom.xml"
    feed.write_bytes(feed.read_bytes()[:100])
    (out / "papers/2606.20001.html").unlink()
    (out / "search.html").unlink()
    (out / "search.html").mkdir()
    report = build(stored, out)
    assert files_of(out) == full                  # byte for byte what --full writes
    # Only those: the feed with its twin (written together), nothing else.
    assert report.rendered == 6 and report.kept == report.pages - 6
    again = build(stored, out)
    assert again.rendered == 0 and files_of(out) == full


def test_a_build_for_one_profile_rewrites_another_profiles_edited_page(stored, flows,
                                                                       tmp_path):
    out = tmp_path / "site"
    before = files_of(build(stored, out).out)
    (out / "digests/diffusion/2026-06-10.html").write_text("edited", encoding="utf-8")
    report = build(stored, out, profile="flows")
    assert files_of(out) == before and report.rendered == 1


@pytest.mark.parametrize("shape", ["key only", "a number", "one item"])
def test_a_manifest_of_another_shape_renders_every_page(stored, tmp_path, shape):
    import json

    out = tmp_path / "site"
    first = build(stored, out)
    written = files_of(out)
    manifest = json.loads((out / ".build-manifest.json").read_text())
    other = {"key only": lambda v: v[0], "a number": lambda v: 5, "one item": lambda v: v[:1]}
    manifest = {path: v if path == "" else other[shape](v) for path, v in manifest.items()}
    (out / ".build-manifest.json").write_text(json.dumps(manifest))
    assert build(stored, out).rendered == first.pages and files_of(out) == written


def test_a_second_build_into_one_directory_waits_for_the_first(stored, tmp_path):
    import os
    import subprocess
    import sys

    from arxiv_digest.files import directory_lock

    parent = tmp_path / "pub"
    parent.mkdir()
    command = [sys.executable, "-m", "arxiv_digest", "site", "build", "--out",
               str(parent / "site"), "--base-url", "https://x.example/"]
    with directory_lock(parent):                  # as another build into parent/ holds it
        proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, ARXIV_DIGEST_HOME=str(stored.home)))
        try:
            line = proc.stderr.readline()         # said before it blocks
            assert line == f"waiting for another process writing into {parent} …\n"
            assert list(parent.iterdir()) == []   # no staging directory, no site yet
        except BaseException:
            proc.kill()
            raise
    assert proc.wait(timeout=120) == 0
    assert "built" in proc.stderr.read() and (parent / "site" / "index.html").is_file()


def test_a_build_leaves_another_builds_staging_directory_alone(stored, tmp_path):
    import os
    import time

    from arxiv_digest.files import STALE_AFTER

    out = tmp_path / "site"
    build(stored, out)
    # Another process (another data directory, same --out) is building: its staging
    # directory beside the site is in use. One a killed build left a day ago is not.
    live = tmp_path / ".site.k3x9_q2z"
    (live / "digests").mkdir(parents=True)
    (live / "index.html").write_text("being built")
    dead = tmp_path / ".site.a1b2c3d4"
    dead.mkdir()
    (dead / "index.html").write_text("left by a kill")
    old = time.time() - STALE_AFTER - 86400
    os.utime(dead, (old, old))
    build(stored, out)
    assert (live / "index.html").read_text() == "being built"
    assert not dead.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [
        ".site.k3x9_q2z"]


def test_pages_name_their_own_profile_and_the_profiles_page_lists_all(stored, flows, tmp_path):
    out = build(stored, tmp_path / "site").out
    mine = (out / "digests/flows/2026-06-10.html").read_text()
    theirs = (out / "digests/diffusion/2026-06-10.html").read_text()
    assert 'href="../../feeds/flows.atom.xml"' in mine and "feeds/diffusion" not in mine
    assert "feeds/flows" not in theirs and 'href="../../profiles.html"' in theirs
    listed = (out / "profiles.html").read_text()
    assert 'href="profiles/flows.html"' in listed and 'href="profiles/diffusion.html"' in listed


def test_build_for_one_profile_leaves_the_others_pages_as_they_were(stored, flows, tmp_path):
    out = tmp_path / "site"
    build(stored, out)
    # Both profiles' titles change; only flows is rebuilt.
    for name in ("flows", "diffusion"):
        path = stored.home / "profiles" / f"{name}.toml"
        if name == "diffusion":
            second_profile(stored, "diffusion")
        path.write_text(path.read_text().replace('title = "', 'title = "New ', 1))
    before = files_of(out)
    build(stored, out, profile="flows")
    after = files_of(out)
    assert before["digests/diffusion/2026-06-10.html"] == after["digests/diffusion/2026-06-10.html"]
    assert b"New Flows" in after["digests/flows/2026-06-10.html"]
    assert b"New Flows" not in before["digests/flows/2026-06-10.html"]
    with pytest.raises(Exception, match="no profile named 'nope'"):
        build(stored, out, profile="nope")


def test_a_build_for_one_profile_keeps_the_sites_base_url(stored, flows, tmp_path):
    """`site build --profile P` without --base-url writes P's feeds with the URL the site
    was built with, not the default: one site never mixes feed links. A profile may be
    named by its file, as for the other commands."""
    from conftest import invoke

    out = tmp_path / "site"
    invoke("site", "build", "--out", out, "--base-url", "https://lab.example.org/digest/",
           home=stored.home)
    invoke("site", "build", "--out", out, "--profile",
           stored.home / "profiles" / "flows.toml", home=stored.home)
    for name in ("flows", "diffusion"):
        feed = (out / "feeds" / f"{name}.atom.xml").read_text()
        assert "https://lab.example.org/digest/" in feed, name
        assert "localhost" not in feed, name
