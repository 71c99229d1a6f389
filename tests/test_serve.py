"""``serve``: like/dislike from the reader's own copy of the site, recorded in the store;
the static site has no controls; requests without the session's token or from another
origin are refused."""

import json
import threading
import urllib.request

import pytest

from arxiv_digest.cli.reader import record_click
from arxiv_digest.pipeline import run_day
from arxiv_digest.publish.serve import make_server
from arxiv_digest.publish.site import build_site
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from test_browser import CHROMIUM, FLAGS, need_browser
from test_cli import run
from test_digest import FIXTURE


@pytest.fixture
def served(settings, tmp_path):
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(), inputs=[FIXTURE], out_dir=tmp_path / "files")
        build_site(store, tmp_path / "site", settings.home)
    server = make_server(tmp_path / "site",
                         lambda profile, pid, kind: record_click(settings, profile, pid, kind),
                         {"diffusion"}, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield server, tmp_path / "site"
    server.shutdown()
    server.server_close()


def post(server, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{server.origin}/_serve/feedback",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


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
