"""The built site in headless Chromium (Debian's package, driven by Playwright; no
browser download): the index shows the five picks, search finds a paper by its short
name, and the console stays free of errors."""

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from arxiv_digest.pipeline import run_day
from arxiv_digest.publish.site import build_site
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import REPO
from test_digest import FIXTURE
from arxiv_digest.pipeline import RunOptions

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def need_browser():
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "playwright is not installed (pip install -e '.[test]')"
    if CHROMIUM is None:
        problem = "Debian's chromium is not installed (apt-get install chromium)"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem + " — required under CI=true")
        pytest.skip(problem)


@pytest.fixture
def site(settings, tmp_path):
    need_browser()
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path / "files"))
        build_site(store, tmp_path / "site", settings.home)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_index_search_and_console(site, tmp_path):
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1300})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(site + "/index.html")
        assert page.locator("article").count() == 5
        assert page.locator("h1").inner_text() == "Five diffusion papers worth reading: June 10, 2026"
        turbo = page.locator("article", has=page.locator("h2", has_text="TurboSolve"))
        assert turbo.count() == 1
        anchor = turbo.get_attribute("id")
        shot = tmp_path / "index.png"
        page.screenshot(path=str(shot))
        if os.environ.get("UPDATE_SCREENSHOT") == "1":
            shutil.copy(shot, REPO / "docs" / "screenshot-index.png")
        page.goto(site + "/search.html")
        page.fill("#q", "TurboSolve")
        page.wait_for_selector("#results li a")
        first = page.locator("#results li a").first
        assert first.inner_text() == "TurboSolve"
        assert first.get_attribute("href").endswith(f"#{anchor}")
        first.click()
        page.wait_for_load_state()
        assert "2026-06-10.html" in page.url and page.locator(f"#{anchor}").count() == 1
        page.goto(site + "/archive.html")
        page.goto(site + "/papers/2606.10001.html")
        assert "Why it ranked there" in page.content()
        browser.close()
    assert problems == []
