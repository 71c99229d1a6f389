import time
from dataclasses import replace

import pytest

from arxiv_digest.config import EnrichSettings
from arxiv_digest.enrich import POLITE_INTERVALS, enrich, enrichment_client
from arxiv_digest.enrich.fulltext import normalise_institution, parse_latexml, parse_pdf
from arxiv_digest.models import Paper
from arxiv_digest.pipeline import run_day
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import REPO, FakeClock, run_options
from fake_services import FakeServices, Reply, minimal_pdf
from test_digest import FIXTURE
from arxiv_digest.pipeline import RunOptions

PAGE = (REPO / "tests" / "fixtures" / "latexml-2606.10001.html").read_bytes()


@pytest.mark.parametrize("affiliation, name", [
    ("Department of EECS, Massachusetts Institute of Technology, Cambridge, USA", "MIT"),
    ("School of Computing, KAIST, Daejeon, Korea", "KAIST"),
    ("Microsoft Research Asia, Beijing", "Microsoft"),
    ("Department of Computer Science, University of Toronto, Canada", "University of Toronto"),
    ("ana@example.org", None),
])
def test_institutions_are_normalised(affiliation, name):
    assert normalise_institution(affiliation) == name


def test_latexml_page():
    full = parse_latexml(PAGE, "https://arxiv.org/html/2606.10001v1")
    assert full.institutions == ["MIT", "Google DeepMind", "University of Toronto"]
    assert full.figure.url == "https://arxiv.org/html/2606.10001v1/x1.png"
    assert full.figure.label == "Figure 1" and full.figure.caption.startswith("TurboSolve reaches")
    table = full.tables[0]
    assert table.label == "Table 1" and table.rows[0] == ["Method", "FID@8", "FID@16"]
    assert table.numeric_rows()[-1] == ["TurboSolve (ours)", "7.56", "5.02"]
    assert full.sections == ["1 Introduction", "3 Method", "4 Experiments", "5 Conclusion"]
    with pytest.raises(ValueError, match="not a LaTeXML"):
        parse_latexml(b"<html><body><p>maintenance</p></body></html>", "x")


def test_pdf_fallback_reads_affiliations():
    data = minimal_pdf(["Consistency Distillation without a Teacher", "Ivo Petrov, Jae Kim",
                        "Korea Advanced Institute of Science and Technology",
                        "NVIDIA Research", "Abstract", "We distill without a teacher."])
    full = parse_pdf(data, "https://arxiv.org/pdf/2606.10006v1")
    assert full.kind == "pdf" and full.institutions == ["KAIST", "NVIDIA"]
    with pytest.raises(ValueError, match="unreadable PDF"):
        parse_pdf(b"%PDF-1.4 garbage", "x")


@pytest.fixture
def services():
    fake = FakeServices().start()
    fake.html("2606.10001", 1, PAGE)
    fake.pdf("2606.10006", 1, minimal_pdf(["Consistency Distillation", "Ivo Petrov",
                                           "NVIDIA Research", "Abstract", "Text."]))
    fake.json("/github/repos/example/turbosolve",
              {"stargazers_count": 1234, "forks_count": 56, "pushed_at": "2026-06-01T10:00:00Z",
               "license": {"spdx_id": "MIT"}, "archived": False})
    fake.json("/hf/papers/2606.10001", {"upvotes": 42, "numComments": 3})
    fake.json("/s2/paper/arXiv:2606.10001", {"authors": [{"hIndex": 45, "citationCount": 9000},
                                                         {"hIndex": 12}]})
    yield fake
    fake.stop()


def env(settings, fake):
    return replace(settings, enrich=EnrichSettings(
        html_url=fake.url + "/html/{id}v{version}", pdf_url=fake.url + "/pdf/{id}v{version}",
        github_api=fake.url + "/github", hf_api=fake.url + "/hf", s2_api=fake.url + "/s2",
        timeout=1.0, retries=1))


def write(settings, tmp_path, clock=None, **options):
    clock = clock or FakeClock()
    client = enrichment_client(settings, clock=clock, sleep=clock.sleep)
    with Store(settings.db_path) as store:
        return run_day(settings, store, load_profile(), **run_options(
            inputs=[FIXTURE], out_dir=tmp_path / "out", enrich=True, enrich_client=client,
            **options))


def test_enriched_digest(settings, services, tmp_path):
    settings = env(settings, services)
    digest = write(settings, tmp_path).digest
    turbo = next(p for p in digest.picks if p.id == "2606.10001")
    assert turbo.institutions == ["MIT", "Google DeepMind", "University of Toronto"]
    assert turbo.figure["url"].endswith("/html/2606.10001v1/x1.png")
    assert turbo.code_stats == {"stars": 1234, "forks": 56, "pushed_at": "2026-06-01",
                                "license": "MIT", "archived": False, "dead": False}
    assert turbo.community == {"upvotes": 42, "comments": 3}
    assert turbo.signals["institution"]["value"] == 1.0
    assert turbo.signals["authors"]["reason"].startswith("most established author: h-index 45")
    results = turbo.sections["results"]
    assert f"Table 1 (FID on ImageNet 256x256 at 8 and 16 sampling steps) reports TurboSolve " \
           f"(ours): FID@8 7.56, FID@16 5.02 [{turbo.fulltext_source}]." in results
    assert digest.verification.dropped == 0
    distill = next(p for p in digest.picks if p.id == "2606.10006")
    assert distill.institutions == ["NVIDIA"]
    page = (tmp_path / "out" / "2026-06-10.html").read_text()
    markdown = (tmp_path / "out" / "2026-06-10.md").read_text()
    assert "MIT, Google DeepMind, University of Toronto" in page and "1234 stars" in page
    assert '<img src="' in page and 'alt="Figure 1: TurboSolve reaches' in page
    assert "![Figure 1: TurboSolve reaches" in markdown and "Hugging Face: 42 upvotes" in markdown
    sources = {s.kind for s in digest.sources}
    assert "fulltext" in sources


def test_faults_never_block_the_digest(settings, services, tmp_path):
    settings = env(settings, services)
    services.fail("/html/2606.10001", Reply(500), Reply(500))
    services.fail("/pdf/2606.10001", Reply(200, b"not a pdf"))
    services.fail("/github/", Reply(403, b'{"message":"API rate limit exceeded"}',
                                    {"X-RateLimit-Remaining": "0"}))
    services.fail("/hf/papers/2606.10001", Reply(200, b"{broken"))
    services.fail("/s2/", *[Reply(429, b"", {"Retry-After": "1"})] * 2)
    services.fail("/html/2606.10003", Reply(200, b"", delay=2.0), Reply(200, b"", delay=2.0))
    result = write(settings, tmp_path)
    digest = result.digest
    assert len(digest.picks) == 5
    unavailable = " | ".join(result.unavailable)       # the details, for the console
    assert "arXiv HTML for 2606.10001: unreachable (HTTP 500)" in unavailable
    assert "arXiv HTML for 2606.10003: unreachable (timed out)" in unavailable
    assert "127.0.0.1" not in unavailable
    assert "GitHub statistics for 2606.10001: rate limit reached" in unavailable
    assert "Hugging Face page of 2606.10001" in unavailable
    assert "Semantic Scholar authors of" in unavailable and "(HTTP 429)" in unavailable
    turbo = next(p for p in digest.picks if p.id == "2606.10001")
    assert turbo.institutions == [] and turbo.code_stats is None
    assert "institution" not in turbo.signals or turbo.signals.get("institution") is None
    footer = (tmp_path / "out" / "2026-06-10.md").read_text()
    assert digest.unavailable == [                     # one line for the colophon
        "incomplete for 5 of 6 papers (3 HTTP 404, 1 HTTP 429, 1 HTTP 500, 1 rate-limited, "
        "1 timed out, 1 unreadable answer)"]
    assert f"Enrichment unavailable: {digest.unavailable[0]}." in footer


def test_dead_code_link_is_reported(settings, services, tmp_path):
    settings = env(settings, services)
    del services.routes["/github/repos/example/turbosolve"]
    result = write(settings, tmp_path)
    turbo = next(p for p in result.digest.picks if p.id == "2606.10001")
    assert turbo.code_stats["dead"] is True
    assert "code link of 2606.10001 is dead" in " ".join(result.unavailable)
    assert "1 dead code link" in result.digest.unavailable[0]
    assert "(dead link)" in (tmp_path / "out" / "2026-06-10.md").read_text()


def test_rerun_is_served_from_the_cache(settings, services, tmp_path):
    settings = env(settings, services)
    write(settings, tmp_path)
    sent = len(services.requests)
    start = time.perf_counter()
    write(settings, tmp_path)
    assert len(services.requests) == sent
    assert time.perf_counter() - start < 5


def test_requests_respect_each_source_spacing(settings, services, tmp_path):
    settings = env(settings, services)
    clock = FakeClock()
    client = enrichment_client(settings, clock=clock, sleep=clock.sleep)
    papers = [Paper(id=f"2606.1000{i}", version=1, title="t", authors=["a"], abstract="a",
                    categories=["cs.LG"]) for i in range(1, 7)]
    enrich(settings, papers, client=client)
    for service, gap in (("arxiv-html", 1.0), ("semanticscholar", 1.0), ("huggingface", 0.5)):
        starts = sorted(r.started for r in client.log if r.service == service)
        assert len(starts) >= 6
        assert all(b - a >= gap - 1e-9 for a, b in zip(starts, starts[1:])), service


def test_no_enrich_makes_no_request(settings, services, tmp_path):
    settings = env(settings, services)
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path / "o"))
    assert services.requests == []


def test_github_token_is_sent_when_set(settings, services, tmp_path, monkeypatch):
    settings = env(settings, services)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_test")
    write(settings, tmp_path)
    sent = [h for p, h in zip(services.requests, services.headers) if p.startswith("/github/")]
    assert sent and sent[0].get("Authorization") == "Bearer ghp_test"
    others = [h for p, h in zip(services.requests, services.headers) if not p.startswith("/github/")]
    assert all("Authorization" not in h for h in others)


def test_every_service_is_asked_at_its_polite_pace(settings, services, tmp_path):
    """Each public service is asked at most once per its interval, whatever the others do."""
    settings = env(settings, services)
    clock = FakeClock()
    client = enrichment_client(settings, clock=clock, sleep=clock.sleep)
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(), **run_options(
            inputs=[FIXTURE], out_dir=tmp_path / "out", enrich=True, enrich_client=client))
    starts: dict[str, list[float]] = {}
    for record in client.log:
        starts.setdefault(record.service, []).append(record.started)
    assert set(starts) == set(POLITE_INTERVALS), starts.keys()
    asked_again = {service: times for service, times in starts.items() if len(times) >= 2}
    assert len(asked_again) >= 3, starts               # the fixture has one code link only
    for service, times in asked_again.items():
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert min(gaps) >= POLITE_INTERVALS[service] > 0, (service, gaps)
