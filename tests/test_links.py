"""Code links are recognised by the parsed host, in prose only: look-alike hosts, URLs in
markup and URLs glued behind another scheme never become code links, in the signal, the
digest's "Code:" line, its sources, its prose or the GitHub enrichment."""

import json
from dataclasses import replace

import pytest

from arxiv_digest.config import EnrichSettings
from arxiv_digest.digest import Verification
from arxiv_digest.enrich import enrichment_client
from arxiv_digest.text.links import find_links, github_repo, host_matches
from arxiv_digest.models import Paper
from arxiv_digest.pipeline import run_day
from arxiv_digest.signals.code import assess, code_url, links
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from arxiv_digest.verify import SourceText, verify_text
from conftest import run_options, REPO, FakeClock
from fake_services import FakeServices

FIXTURE = REPO / "tests" / "fixtures" / "2026-06-10.jsonl"

HOSTILE = [
    "https://github.com.evil.example/x",
    "https://evil.example/github.com/x",
    '<base href="https://github.com/a/b">',
    '<meta http-equiv="refresh" content="0;url=https://github.com/a/b">',
    "<style>body { background: url(https://github.com/a/b) }</style>",
    "<div style='background: url( \"https://github.com/a/b\" )'>x</div>",
    '<a title="x" href= "https://github.com/a/b">here</a>',
    "javascript:alert(1)//https://github.com/a/b",
    "javascript:https://github.com/a/b",
    "data:text/html,https://github.com/a/b",
    "data:text/html,<script>location='https://github.com/a/b'</script>",
    "vbscript:github.com/a/b",
    "file:https://github.com/a/b",
    "https://github.com@evil.example/x",
    "https://evil.example\\@github.com/a/b",
    "https://g\u0456thub.com/a/b",                 # Cyrillic i: not github.com
    "ftp://github.com/a/b",
]


def paper(abstract, comment=None):
    return Paper(id="2606.00001", version=1, title="T", authors=["A"], abstract=abstract,
                 categories=["cs.LG"], comment=comment)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_url_is_not_a_code_link(hostile):
    p = paper(f"We propose a sampler. Code is available at {hostile} for all.")
    signal = assess(p)
    assert signal.value < 1.0
    assert code_url(p) is None and links(p) == []
    assert "github" not in signal.reason and "evil" not in signal.reason


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_url_does_not_outrank_a_genuine_one(hostile):
    p = paper(f"Code: {hostile}.", "Project page: https://org.github.io/proj")
    assert code_url(p) == "https://org.github.io/proj"
    assert assess(p).value == 0.7


@pytest.mark.parametrize("text, url", [
    ("Code is available at https://github.com/owner/repo", "https://github.com/owner/repo"),
    ("Code: github.com/owner/repo.", "https://github.com/owner/repo"),
    ("Code:github.com/owner/repo", "https://github.com/owner/repo"),
    ("Weights at https://huggingface.co/org/model.", "https://huggingface.co/org/model"),
    ("See https://gitlab.com/group/project/-/tree/main!", "https://gitlab.com/group/project/-/tree/main"),
    ("(https://www.github.com/owner/repo)", "https://www.github.com/owner/repo"),
    ("\u201chttps://github.com/owner/repo\u201d", "https://github.com/owner/repo"),
    ("<https://github.com/owner/repo>", "https://github.com/owner/repo"),
    ("Gist: https://gist.github.com/owner/abc123", "https://gist.github.com/owner/abc123"),
    ("If $x<y$ holds, see https://github.com/owner/repo.", "https://github.com/owner/repo"),
])
def test_genuine_code_links(text, url):
    p = paper(text)
    assert code_url(p) == url
    signal = assess(p)
    assert signal.value == 1.0 and url in signal.reason


def test_paper_pages_are_not_project_pages():
    p = paper("See https://arxiv.org/abs/2606.00002 and https://doi.org/10.1/x.")
    assert code_url(p) is None and assess(p).value < 0.7
    assert code_url(paper("See https://export.arxiv.org/abs/2606.00002.")) is None
    page = paper("See https://example.org/arxiv.org-notes for videos.")
    assert code_url(page) == "https://example.org/arxiv.org-notes"


def test_host_matches_by_label_not_substring():
    assert host_matches("github.com", "github.com")
    assert host_matches("www.github.com", "github.com")
    assert not host_matches("github.com.evil.example", "github.com")
    assert not host_matches("evilgithub.com", "github.com")
    assert find_links("x https://localhost/a https://127.0.0.1/a https://a.b/c") == ["https://a.b/c"]


@pytest.mark.parametrize("url, repo", [
    ("https://github.com/owner/repo", ("owner", "repo")),
    ("https://www.github.com/owner/repo.git", ("owner", "repo")),
    ("https://github.com/owner/repo/tree/main/src#readme", ("owner", "repo")),
    ("https://github.com/owner", None),
    ("https://github.com/../x", None),
    ("https://gist.github.com/owner/abc", None),
    ("https://github.com.evil.example/owner/repo", None),
    ("https://evil.example/github.com/owner/repo", None),
    ("https://evil.example\\@github.com/owner/repo", None),
    ("https://gitlab.com/owner/repo", None),
    (None, None),
])
def test_github_repo(url, repo):
    assert github_repo(url) == repo


def test_prose_cannot_carry_a_refused_link():
    p = paper("Mirror at https://github.com.evil.example/x. Code at https://github.com/org/repo.")
    bank = {1: SourceText(p.abstract, links=frozenset(links(p)))}
    report = Verification()
    kept = verify_text("Mirror at https://github.com.evil.example/x [1]. Code at "
                       "https://github.com/org/repo [1]. Also https://github.com/org/other [1]. "
                       "See javascript:alert(1)//https://github.com/org/repo [1]. "
                       "Unsourced https://github.com/org/repo.", bank, "t", report)
    assert kept == "Code at https://github.com/org/repo [1]."
    assert report.dropped == 4


def _fixture_with(tmp_path, sentence: str):
    """The fixture day with TurboSolve's code sentence replaced by ``sentence``."""
    lines = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == "2606.10001":
            record["abstract"] = record["abstract"].replace(
                "Code is available at https://github.com/example/turbosolve.", sentence)
            record["comment"] = f"Accepted at ICML 2026. {sentence}"
        lines.append(json.dumps(record))
    path = tmp_path / "2026-06-10.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _digest(settings, tmp_path, sentence, **options):
    out = tmp_path / "out"
    with Store(settings.db_path) as store:
        digest = run_day(settings, store, load_profile(), **run_options(
            inputs=[_fixture_with(tmp_path, sentence)], out_dir=out, **options)).digest
    turbo = next(p for p in digest.picks if p.id == "2606.10001")
    rendered = {ext: (out / f"2026-06-10.{ext}").read_text(encoding="utf-8")
                for ext in ("md", "html", "json")}
    return turbo, digest, rendered


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_url_is_no_code_link_in_the_digest(settings, tmp_path, hostile):
    turbo, digest, rendered = _digest(settings, tmp_path, f"Code is available at {hostile}.")
    assert turbo.code_url is None
    assert turbo.signals["code"]["value"] < 1.0
    code_lines = [line for ext in ("md", "html") for line in rendered[ext].splitlines()
                  if "Code:" in line]
    assert code_lines
    assert all("github" not in line and "evil" not in line for line in code_lines)
    assert "Code: no code link at announcement" in rendered["md"]
    assert not [s for s in digest.sources if s.kind in ("code", "link")]
    for text in rendered.values():           # not in the sources, the prose or the JSON
        assert "github.com/a/b" not in text and "evil.example" not in text
        assert "github.com.evil" not in text and "g\u0456thub" not in text


@pytest.mark.parametrize("sentence, url", [
    ("Code is available at github.com/example/turbosolve.", "https://github.com/example/turbosolve"),
    ("Code is available at https://huggingface.co/example/turbosolve.",
     "https://huggingface.co/example/turbosolve"),
    ("Code is available at https://gitlab.com/example/turbosolve.",
     "https://gitlab.com/example/turbosolve"),
])
def test_genuine_code_link_in_the_digest(settings, tmp_path, sentence, url):
    turbo, digest, rendered = _digest(settings, tmp_path, sentence)
    assert turbo.code_url == url and turbo.signals["code"]["value"] == 1.0
    assert f"Code: [{url}]({url})" in rendered["md"]
    assert f'Code: <a href="{url}" rel="nofollow noopener">{url}</a>' in rendered["html"]
    assert [s.url for s in digest.sources if s.kind == "code"] == [url]


def test_enrichment_asks_github_only_about_a_real_repository(settings, tmp_path):
    fake = FakeServices().start()
    try:
        fake.json("/github/repos/a/b", {"stargazers_count": 1})
        fake.json("/github/repos/example/turbosolve", {"stargazers_count": 2})
        enriched = replace(settings, enrich=EnrichSettings(
            html_url=fake.url + "/html/{id}v{version}", pdf_url=fake.url + "/pdf/{id}v{version}",
            github_api=fake.url + "/github", hf_api=fake.url + "/hf", s2_api=fake.url + "/s2",
            timeout=1.0, retries=1))
        clock = FakeClock()
        client = enrichment_client(enriched, clock=clock, sleep=clock.sleep)
        turbo, _, _ = _digest(enriched, tmp_path,
                              '<base href="https://github.com/a/b"> and '
                              "https://github.com.evil.example/example/turbosolve.",
                              enrich=True, enrich_client=client)
    finally:
        fake.stop()
    assert turbo.code_stats is None
    assert not [path for path in fake.requests if path.startswith("/github/")]
