from dataclasses import replace
from datetime import date, timedelta

import pytest

from arxiv_digest.announcements import announcement_time
from arxiv_digest.errors import InputError, NetworkError, NoAnnouncementError
from arxiv_digest.pipeline.ingest import ingest_file, ingest_live, make_client
from arxiv_digest.models import Paper
from arxiv_digest.sources.jsonl import JsonlReplay
from arxiv_digest.store import Store
from fake_arxiv import FakeArxiv, Fault, atom_feed
from test_store import dump

DAY = date(2026, 5, 19)
NOW = announcement_time(DAY) + timedelta(hours=2)


def synthetic_day(n=230):
    """n papers: mostly new in cs.CV or cs.LG, some cross-lists, a few replacements."""
    listing = {"cs.CV": [], "cs.LG": []}
    for i in range(n):
        primary = ["cs.CV", "cs.LG", "stat.ML"][i % 3]
        cats = [primary] + [c for c in ("cs.CV", "cs.LG") if c != primary][: 1 + (i % 2)]
        paper = Paper(id=f"2605.{10000 + i}", version=1, title=f"Paper {i}", authors=["A B"],
                      abstract=f"Abstract {i}.", categories=cats,
                      comment="Accepted at ICML 2026" if i % 10 == 0 else None)
        for cat in ("cs.CV", "cs.LG"):
            if cat in cats:
                listing[cat].append((paper, "new" if cat == primary else "cross"))
    old = Paper(id="2501.00042", version=3, title="Old", authors=["C D"], abstract="Old.",
                categories=["cs.CV"], comment="Accepted to CVPR 2026", journal_ref="CVPR 2026")
    listing["cs.CV"].append((old, "replace"))
    return listing


@pytest.fixture
def server():
    fake = FakeArxiv().start()
    yield fake
    fake.stop()


@pytest.fixture
def live(settings, server, clock):
    s = replace(settings, feed_url=server.url + "/atom/{category}",
                api_url=server.url + "/api/query")
    store = Store(s.db_path)
    client = make_client(s, clock=clock, sleep=clock.sleep)
    yield s, store, client
    client.close()
    store.close()


def test_live_day_with_metadata_batches_and_spacing(live, server, clock):
    settings, store, client = live
    server.serve_day(DAY, synthetic_day())
    report = ingest_live(settings, store, client, DAY, now=NOW)
    assert report.problems == []
    counts = store.load_listing(DAY, ["cs.CV", "cs.LG"]).counts_json()
    assert counts["categories"]["cs.CV"]["replace"] == 1
    assert counts["union"]["total"] == 231
    api = server.api_requests()
    assert len(api) == 3                                  # 231 ids in batches of <= 100
    assert all(len(r.query["id_list"][0].split(",")) <= 100 for r in api)
    starts = [r.started for r in client.log if r.service == "arxiv-api"]
    assert all(b - a >= 3.0 for a, b in zip(starts, starts[1:]))
    old = store.paper("2501.00042")
    assert old.version == 3 and old.journal_ref == "CVPR 2026"
    assert store.paper("2605.10000").comment == "Accepted at ICML 2026"
    assert store.paper("2605.10002").categories[0] == "stat.ML"   # primary from the API


def test_rerun_sends_no_request_and_changes_nothing(live, server, clock):
    settings, store, client = live
    server.serve_day(DAY, synthetic_day(50))
    ingest_live(settings, store, client, DAY, now=NOW)
    before, sent = dump(store), len(server.requests)
    with make_client(settings, clock=clock, sleep=clock.sleep) as second:
        report = ingest_live(settings, store, second, DAY, now=NOW)
    assert report.unchanged and len(server.requests) == sent and dump(store) == before


def test_default_date_is_the_latest_announcement(live, server):
    settings, store, client = live
    server.serve_day(DAY, synthetic_day(20))
    assert ingest_live(settings, store, client, None, now=NOW).date == DAY


def test_feed_of_another_day_is_refused(live, server):
    settings, store, client = live
    server.serve_day(DAY, synthetic_day(20))
    with pytest.raises(NoAnnouncementError, match="carries the listing of 2026-05-19 .*--input"):
        ingest_live(settings, store, client, date(2026, 5, 18), now=NOW)
    assert store.listing_dates() == []


def test_empty_feed_is_no_announcement(live, server):
    settings, store, client = live
    server.feeds = {"cs.CV": atom_feed("cs.CV", DAY, []), "cs.LG": atom_feed("cs.LG", DAY, [])}
    with pytest.raises(NoAnnouncementError, match="feed is empty"):
        ingest_live(settings, store, client, DAY, now=NOW)


def test_weekend_is_refused_before_any_request(live, server):
    settings, store, client = live
    with pytest.raises(NoAnnouncementError, match="weekends"):
        ingest_live(settings, store, client, date(2026, 5, 16), now=NOW)
    assert server.requests == []


def test_network_failure_leaves_the_store_unchanged(live, server, day_file):
    settings, store, client = live
    ingest_file(settings, store, day_file("2026-05-18"))
    before = dump(store)
    server.serve_day(DAY, synthetic_day(150))
    server.fail("/api/", Fault(passthrough=True), *[Fault(503) for _ in range(10)])   # 2nd batch never works
    with pytest.raises(NetworkError, match="failed after 5 attempts"):
        ingest_live(settings, store, client, DAY, now=NOW)
    assert dump(store) == before


def test_truncated_xml_is_an_error_and_is_not_cached(live, server):
    settings, store, client = live
    server.serve_day(DAY, synthetic_day(30))
    cut = server.feeds["cs.LG"][:-200]
    server.fail("/atom/cs.LG", Fault(200, {"Content-Type": "application/atom+xml"}, cut))
    with pytest.raises(InputError, match="invalid XML"):
        ingest_live(settings, store, client, DAY, now=NOW)
    assert store.listing_dates() == []
    report = ingest_live(settings, store, client, DAY, now=NOW)   # fetched again, now whole
    assert report.papers == 31


def test_paper_missing_from_the_api(live, server):
    settings, store, client = live
    server.serve_day(DAY, synthetic_day(20))
    server.unknown_ids = {"2605.10003"}
    with pytest.raises(InputError, match="--strict"):
        ingest_live(settings, store, client, DAY, now=NOW, strict=True)
    assert store.listing_dates() == []
    report = ingest_live(settings, store, client, DAY, now=NOW)
    assert [p.where for p in report.problems] == ["2605.10003"]
    assert store.paper("2605.10003").title == "Paper 3"


def test_live_matches_replay_on_a_real_day(live, server, day_file):
    settings, store, client = live
    path = day_file("2026-05-19")
    replayed = JsonlReplay(path).read(None, ["cs.CV", "cs.LG"]).listing
    feeds = {"cs.CV": [], "cs.LG": []}
    for entry in replayed.entries:
        feeds[entry.category].append((entry.paper, entry.announce_type))
    server.serve_day(DAY, feeds)
    ingest_live(settings, store, client, DAY, now=NOW)
    live_counts = store.load_listing(DAY, ["cs.CV", "cs.LG"]).counts_json()
    assert live_counts == replayed.counts_json()
    assert live_counts["union"]["total"] == 806
    assert len(server.api_requests()) == 9


def test_a_feed_of_another_day_is_not_cached(live, server):
    settings, store, client = live
    server.serve_day(DAY - timedelta(days=1), synthetic_day(10))      # still yesterday's
    with pytest.raises(NoAnnouncementError):
        ingest_live(settings, store, client, DAY, now=NOW)
    server.serve_day(DAY, synthetic_day(10))                           # now announced
    assert ingest_live(settings, store, client, DAY, now=NOW).papers == 11
