import json
import re
from datetime import date

import pytest

from arxiv_digest.errors import InputError
from arxiv_digest.models import split_arxiv_id
from arxiv_digest.sources import open_replay
from arxiv_digest.sources.jsonl import JsonlReplay

CATS = ["cs.CV", "cs.LG"]


def line(**fields):
    record = {"id": "2605.00001", "title": "A Title", "authors": ["A. Author"],
              "abstract": "An abstract.", "categories": ["cs.CV"], "comment": None}
    record.update(fields)
    return json.dumps(record)


def write(tmp_path, *lines, name="2026-05-19.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_split_arxiv_id():
    assert split_arxiv_id("2605.12345v2") == ("2605.12345", 2)
    assert split_arxiv_id("oai:arXiv.org:2508.13167v1") == ("2508.13167", 1)
    assert split_arxiv_id("http://arxiv.org/abs/astro-ph/0601001v1") == ("astro-ph/0601001", 1)
    assert split_arxiv_id("math.GT/0309136") == ("math.GT/0309136", None)
    with pytest.raises(ValueError):
        split_arxiv_id("abc")


def test_announce_type_follows_listing_categories(tmp_path):
    path = write(tmp_path,
                 line(id="2605.00001", categories=["cs.CV", "cs.LG"]),
                 line(id="2605.00002", categories=["cs.LG", "stat.ML"]),
                 line(id="2605.00003", categories=["cs.AI", "cs.CV"]),
                 line(id="2605.00004", categories=["cs.CL"]))
    listing = JsonlReplay(path).read(None, CATS).listing
    assert listing.date == date(2026, 5, 19)
    got = {(e.category, e.paper.id): e.announce_type for e in listing.entries}
    assert got == {("cs.CV", "2605.00001"): "new", ("cs.LG", "2605.00001"): "cross",
                   ("cs.LG", "2605.00002"): "new", ("cs.CV", "2605.00003"): "cross"}
    counts = listing.counts_json()
    assert counts["categories"]["cs.CV"] == {"total": 2, "new": 1, "cross": 1, "replace": 0}
    assert counts["union"] == {"total": 3, "new": 2, "cross": 1, "replace": 0}


def test_optional_fields_are_honoured(tmp_path):
    path = write(tmp_path,
                 line(id="2605.00001", categories=["cs.LG", "cs.CV"], primary_category="cs.CV"),
                 line(id="2501.00009", categories=["cs.CV"], announce_type="replace", version=3,
                      comment="Accepted to ICML 2026"),
                 line(id="2501.00010", categories=["cs.AI", "cs.LG"], announce_type="replace-cross",
                      version="v2"),
                 line(id="2605.00004v1", categories=["cs.CV"], announce_type="cross"))
    listing = JsonlReplay(path).read(None, CATS).listing
    got = {(e.category, e.paper.id): (e.announce_type, e.paper.version) for e in listing.entries}
    assert got[("cs.CV", "2605.00001")] == ("new", 1)
    assert got[("cs.LG", "2605.00001")] == ("cross", 1)
    assert got[("cs.CV", "2501.00009")] == ("replace", 3)
    assert got[("cs.LG", "2501.00010")] == ("replace-cross", 2)
    assert got[("cs.CV", "2605.00004")] == ("cross", 1)
    assert listing.counts_json()["categories"]["cs.CV"]["replace"] == 1


def test_bad_lines_are_reported_with_line_numbers_and_skipped(tmp_path):
    path = write(tmp_path,
                 line(id="2605.00001"),
                 '{"id": "2605.00002", "title": "cut in ha',
                 line(id="not-an-id"),
                 line(id="2605.00003", authors="single string"),
                 "[1, 2]",
                 "",
                 line(id="2605.00001", title="Duplicate"),
                 line(id="2605.00005", announce_type="bogus"),
                 line(id="2605.00006"))
    result = JsonlReplay(path).read(None, CATS)
    assert [p.id for p in result.listing.papers()] == ["2605.00001", "2605.00006"]
    where = [p.where for p in result.problems]
    assert where == [f"{path}:{n}" for n in (2, 3, 4, 5, 7, 8)]
    reasons = " | ".join(p.reason for p in result.problems)
    assert "invalid JSON" in reasons and "not an arXiv identifier" in reasons
    assert "2605.00003: 'authors'" in reasons and "duplicate of line 1" in reasons
    assert "unknown announce_type 'bogus'" in reasons


def test_date_is_required_when_the_name_has_none(tmp_path):
    path = write(tmp_path, line(), name="listing.jsonl")
    with pytest.raises(InputError, match="pass --date"):
        JsonlReplay(path).read(None, CATS)
    assert JsonlReplay(path).read(date(2026, 5, 20), CATS).listing.date == date(2026, 5, 20)


def test_format_detection(tmp_path):
    assert open_replay(write(tmp_path, line())).name == "jsonl"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        open_replay(empty)
    other = tmp_path / "x.csv"
    other.write_text("id,title\n")
    with pytest.raises(InputError, match="not a format"):
        open_replay(other)
    with pytest.raises(InputError, match="cannot read"):
        open_replay(tmp_path / "missing.jsonl")


def _sources_table(shared):
    rows = {}
    for row in (shared / "data" / "arxiv" / "SOURCES.md").read_text().splitlines():
        m = re.match(r"\| (\d{4}-\d{2}-\d{2})\.jsonl \| \w+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) "
                     r"\| (\d+) \| (\d+) \|", row)
        if m:
            rows[m.group(1)] = [int(x) for x in m.groups()[1:]]
    return rows


def test_every_shared_day_matches_its_documented_counts(shared):
    table = _sources_table(shared)
    assert len(table) == 20
    for day, (papers, any_cv, any_lg, union, prim_cv, prim_lg) in table.items():
        result = JsonlReplay(shared / "data" / "arxiv" / f"{day}.jsonl").read(None, CATS)
        assert result.problems == []
        counts = result.listing.counts_json()
        assert counts["categories"]["cs.CV"]["total"] == any_cv, day
        assert counts["categories"]["cs.LG"]["total"] == any_lg, day
        assert counts["categories"]["cs.CV"]["new"] == prim_cv, day
        assert counts["categories"]["cs.LG"]["new"] == prim_lg, day
        assert counts["union"]["total"] == union, day


def test_byte_order_mark_and_control_characters(tmp_path):
    path = tmp_path / "2026-05-19.jsonl"
    path.write_bytes("\ufeff".encode() + (line(id="2605.00001", title="Back\x08space\x00 title")
                                          + "\n" + line(id="2605.00002") + "\n").encode())
    result = JsonlReplay(path).read(None, CATS)
    assert result.problems == []
    assert [p.title for p in result.listing.papers()] == ["Back space title", "A Title"]
