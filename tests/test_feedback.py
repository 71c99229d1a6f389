"""Feedback from the command line and from a library; the taste signal moves the ranking,
explains itself, and ``feedback reset`` restores the ranking exactly."""

import json

import pytest

from arxiv_digest.reader.feedback import import_library
from arxiv_digest.pipeline.ingest import make_client
from arxiv_digest.reader.library import read_library
from arxiv_digest.store import Store
from fake_arxiv import FakeArxiv
from conftest import run
from test_live import synthetic_day


def ranking(home, day="2026-05-20"):
    data = json.loads(run("rank", "--date", day, "--json", home=home).stdout)
    return [(c["id"], c["score"], c["signals"].get("taste")) for c in data["candidates"]]


def test_like_dislike_list_forget_and_reset(home, day_file):
    for day in ("2026-05-19", "2026-05-20"):
        run("ingest", "--input", str(day_file(day)), home=home)
    before = ranking(home)
    assert all(taste is None for _, _, taste in before)        # no feedback: no taste value
    liked = [pid for pid, _, _ in before[5:8]]
    run("feedback", "like", *liked, "--offline", home=home)
    run("feedback", "dislike", f"{before[0][0]}v1", "--offline", home=home)
    listed = run("feedback", "list", home=home).stdout.splitlines()
    assert len(listed) == 4 and sum(line.startswith("like") for line in listed) == 3
    after = ranking(home)
    assert after != before
    order = [pid for pid, _, _ in after]
    assert order.index(before[0][0]) > 0                      # the disliked paper fell
    assert all(order.index(pid) < before.index(next(b for b in before if b[0] == pid))
               for pid in liked)                               # each liked paper rose
    taste = dict((pid, t) for pid, _, t in after)
    assert taste[liked[0]]["reason"] == "you liked this paper"
    other = next(t for pid, _, t in after if pid not in liked and pid != before[0][0])
    assert other["reason"].startswith("leans to ") and "; close to " in other["reason"] \
        and "which you " in other["reason"]
    run("feedback", "forget", liked[0], home=home)
    assert len(run("feedback", "list", home=home).stdout.splitlines()) == 3
    run("feedback", "reset", home=home)
    assert ranking(home) == before                              # exactly as before


def test_an_unknown_paper_offline_is_refused_clearly(home, day_file):
    run("ingest", "--input", str(day_file("2026-05-19")), home=home)
    proc = run("feedback", "like", "2605.99999", "--offline", home=home, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: 2605.99999 is not in the store")
    assert "not-an-id" in run("feedback", "like", "not-an-id", home=home, check=False).stderr


LIBRARY_BIB = """@article{ho2020,
  title = {Denoising Diffusion Probabilistic Models},
  eprint = {2006.11239},
  archivePrefix = {arXiv},
}
@inproceedings{song,
  title = {Score-Based Generative Modeling},
  url = {https://arxiv.org/abs/2011.13456v2},
}
@article{doi_only,
  title = {Something},
  doi = {10.48550/arXiv.2209.00796},
}
@book{nothing,
  title = {A Book Without an arXiv Id},
  publisher = {Press},
}
"""


def test_library_formats_map_to_arxiv_ids(tmp_path):
    bib = tmp_path / "lib.bib"
    bib.write_text(LIBRARY_BIB)
    found = read_library(bib)
    assert found.ids == [("2006.11239", None), ("2011.13456", 2), ("2209.00796", None)]
    assert [str(p) for p in found.problems] == [
        f"{bib}:14: entry nothing: no arXiv id in it; skipped"]
    ris = tmp_path / "lib.ris"
    ris.write_text("TY  - JOUR\nTI  - A\nUR  - https://arxiv.org/pdf/2006.11239\nER  - \n"
                   "TY  - BOOK\nTI  - B\nER  - \n")
    found = read_library(ris)
    assert found.ids == [("2006.11239", None)] and found.problems[0].where == f"{ris}:5"
    csl = tmp_path / "lib.json"
    csl.write_text(json.dumps([{"id": "a", "URL": "http://arxiv.org/abs/2006.11239"},
                               {"id": "b", "DOI": "10.48550/arXiv.2011.13456"},
                               {"id": "c", "title": "no id"}]))
    found = read_library(csl)
    assert found.ids == [("2006.11239", None), ("2011.13456", None)]
    assert [str(p) for p in found.problems] == [f"{csl}:1: item c: no arXiv id in it; skipped"]
    plain = tmp_path / "ids.txt"
    plain.write_text("# my reading list\n2006.11239\nhttps://arxiv.org/abs/2011.13456\nhello\n")
    found = read_library(plain)
    assert len(found.ids) == 2 and found.problems[0].where == f"{plain}:4"


@pytest.fixture
def arxiv():
    server = FakeArxiv().start()
    yield server
    server.stop()


def test_import_fetches_missing_papers_in_batches_or_waits_offline(settings, arxiv, tmp_path):
    from dataclasses import replace

    day = synthetic_day(150)
    arxiv.serve_day(__import__("datetime").date(2026, 6, 10), day)
    ids = sorted({p.id for items in day.values() for p, _ in items})[:120]
    library = tmp_path / "ids.txt"
    library.write_text("\n".join(ids) + "\nnot an id\n")
    settings = replace(settings, api_url=arxiv.url + "/api/query", api_min_interval=3.0)
    with Store(settings.db_path) as store:
        waiting = import_library(settings, store, "diffusion", library, fetch=False)
        assert len(waiting.waiting) == 120 and waiting.recorded == []
        assert arxiv.api_requests() == []
        with make_client(settings, sleep=lambda s: None) as client:
            report = import_library(settings, store, "diffusion", library, client=client)
        assert len(report.recorded) == 120 and report.fetched == 120
        assert len(report.problems) == 1 and report.problems[0].where == f"{library}:121"
        assert len(arxiv.api_requests()) == 2                  # 100 + 20 ids
        assert {f.source for f in store.feedback("diffusion")} == {"library"}
        with make_client(settings, sleep=lambda s: None) as client:
            again = import_library(settings, store, "diffusion", library, client=client)
        assert again.unchanged and not again.recorded and len(arxiv.api_requests()) == 2
