from datetime import date

import pytest

from arxiv_digest.errors import InputError
from arxiv_digest.models import Paper
from arxiv_digest.sources import open_replay
from arxiv_digest.sources.api import api_params, parse_api
from arxiv_digest.sources.feed import parse_feed
from fake_arxiv import atom_feed, rss_feed


def trimmed_sample(shared) -> bytes:
    """The recorded feed is cut off mid-entry: keep the complete entries, close the feed."""
    raw = (shared / "data" / "formats" / "rss_atom_cs.AI_2025-08-20_TRUNCATED.xml").read_bytes()
    end = raw.rindex(b"</entry>") + len(b"</entry>")
    return raw[:end] + b"\n</feed>\n"


def test_recorded_atom_feed(shared):
    feed = parse_feed(trimmed_sample(shared), "sample")
    assert feed.category == "cs.AI"
    assert feed.day == date(2025, 8, 20)
    assert feed.problems == []
    assert len(feed.items) == 86
    types = [i.announce_type for i in feed.items]
    assert types.count("new") == 41 and types.count("cross") == 45
    first = feed.items[0].paper
    assert first.id == "2508.13167" and first.version == 1
    assert first.title.startswith("Chain-of-Agents")
    assert first.abstract.startswith("Recent advances in large language models")
    assert "Announce Type" not in first.abstract
    assert first.categories[0] == "cs.AI"
    assert len(first.authors) > 3 and all("," not in a for a in first.authors)


def test_truncated_recorded_feed_is_a_clear_error(shared):
    raw = (shared / "data" / "formats" / "rss_atom_cs.AI_2025-08-20_TRUNCATED.xml").read_bytes()
    with pytest.raises(InputError, match=r"sample: invalid XML at line \d+"):
        parse_feed(raw, "sample")


def _paper(n, cats=("cs.LG",), **kw):
    return Paper(id=f"2605.{n:05d}", version=1, title=f"Paper <{n}> & more",
                 authors=["Ann Lee", "Bo Chen"], abstract="We study x.", categories=list(cats), **kw)


def test_rss_variant_and_announce_types():
    items = [(_paper(1), "new"), (_paper(2, ("cs.CV", "cs.LG")), "cross"),
             (_paper(3), "replace"), (_paper(4, ("stat.ML", "cs.LG")), "replace-cross")]
    feed = parse_feed(rss_feed("cs.LG", "Tue, 19 May 2026 00:00:00 -0400", items), "rss")
    assert feed.category == "cs.LG" and feed.day == date(2026, 5, 19)
    assert [(i.paper.id, i.announce_type) for i in feed.items] == [
        ("2605.00001", "new"), ("2605.00002", "cross"), ("2605.00003", "replace"),
        ("2605.00004", "replace-cross")]
    assert feed.items[0].paper.title == "Paper <1> & more"
    assert feed.items[0].paper.authors == ["Ann Lee", "Bo Chen"]


def test_malformed_entry_is_skipped_with_its_position():
    data = atom_feed("cs.CV", date(2026, 5, 19), [(_paper(1, ("cs.CV",)), "new"),
                                                  (_paper(2, ("cs.CV",)), "new")])
    data = data.replace(b"oai:arXiv.org:2605.00002v1", b"oai:arXiv.org:garbage")
    feed = parse_feed(data, "cv-feed")
    assert [i.paper.id for i in feed.items] == ["2605.00001"]
    assert len(feed.problems) == 1
    assert feed.problems[0].where == "cv-feed: entry 2"
    assert "garbage" in feed.problems[0].reason


def test_not_a_feed():
    with pytest.raises(InputError, match="not an arXiv feed"):
        parse_feed(b"<html><body>maintenance</body></html>", "x")


def test_feed_file_replay(shared, tmp_path):
    path = tmp_path / "cs.AI.xml"
    path.write_bytes(trimmed_sample(shared))
    result = open_replay(path).read(None, ["cs.CV", "cs.LG"])
    assert result.listing.date == date(2025, 8, 20)
    assert result.listing.counts_json()["categories"]["cs.AI"] == {
        "total": 86, "new": 41, "cross": 45, "replace": 0}
    with pytest.raises(InputError, match="listing of 2025-08-20, not 2025-08-21"):
        open_replay(path).read(date(2025, 8, 21), ["cs.AI"])


def fmt(shared, name):
    return (shared / "data" / "formats" / name).read_bytes()


def test_recorded_api_responses(shared):
    papers, problems = parse_api(fmt(shared, "export_api_id_astro-ph_0601001.xml"), "api")
    assert problems == []
    paper = papers["astro-ph/0601001"]
    assert paper.version == 1
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.comment.startswith("62 pages including 16 figures")
    assert paper.categories == ["astro-ph"]
    assert paper.authors[0] == "Andrew Gould" and len(paper.authors) == 4
    assert paper.links["pdf"] == "https://arxiv.org/pdf/astro-ph/0601001v1"

    papers, _ = parse_api(fmt(shared, "export_api_id_2104.12255v1.xml"), "api")
    assert list(papers) == ["2104.12255"] and papers["2104.12255"].version == 1

    papers, _ = parse_api(fmt(shared, "export_api_search_testing_start0_max10.xml"), "api")
    assert len(papers) == 10
    for paper in papers.values():
        assert paper.title and paper.categories and paper.version >= 1
        assert "\n" not in paper.abstract


def test_api_primary_category_first(shared):
    papers, _ = parse_api(fmt(shared, "export_api_id_1707.08567.xml"), "api")
    paper = papers["1707.08567"]
    raw = fmt(shared, "export_api_id_1707.08567.xml").decode()
    primary = raw.split('<arxiv:primary_category term="')[1].split('"')[0]
    assert paper.categories[0] == primary


def test_api_no_results_and_error(shared):
    assert parse_api(fmt(shared, "export_api_id_0000.0000_no_results.xml"), "api") == ({}, [])
    with pytest.raises(InputError, match="incorrect id format for abc"):
        parse_api(fmt(shared, "export_api_id_abc_http400_error.xml"), "api")


def test_api_batches_are_bounded():
    assert api_params(["1", "2"])["id_list"] == "1,2"
    with pytest.raises(ValueError):
        api_params([str(i) for i in range(101)])


def test_xml_entities_are_not_expanded():
    evil = (b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><id>http://rss.arxiv.org/atom/cs.CV</id>'
            b'<entry><id>oai:arXiv.org:2605.00001v1</id><title>&x;</title>'
            b'<summary>arXiv:2605.00001v1 Announce Type: new Abstract: a</summary></entry></feed>')
    try:
        feed = parse_feed(evil, "evil")
    except InputError:
        return
    for item in feed.items:
        assert "root:" not in item.paper.title
