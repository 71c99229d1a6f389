import json
import os
import re
from datetime import date

import pytest

from arxiv_digest.digest import SECTION_NAMES
from arxiv_digest.errors import NothingToDigest, OutputError
from arxiv_digest.pipeline import run_day
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import REPO
from conftest import run
from arxiv_digest.pipeline import RunOptions

FIXTURE = REPO / "tests" / "fixtures" / "2026-06-10.jsonl"
SNAPSHOT = REPO / "tests" / "snapshots" / "fixture-structure.json"


def structure(json_data: dict, markdown: str) -> dict:
    return {
        "keys": sorted(json_data),
        "pick_keys": sorted(json_data["picks"][0]),
        "sections": list(json_data["picks"][0]["sections"]),
        "title": json_data["title"],
        "picks": [(p["id"], p["short_name"], p["peer_review"], p["evidence_strength"])
                  for p in json_data["picks"]],
        "counts": json_data["counts"],
        "headings": [line for line in markdown.splitlines() if line.startswith("#")],
        "sources": [s["url"] for s in json_data["sources"]],
    }


def test_fixture_day_structure_snapshot(settings, tmp_path):
    profile = load_profile()
    with Store(settings.db_path) as store:
        result = run_day(settings, store, profile,
                         options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path))
    data = json.loads((tmp_path / "2026-06-10.json").read_text(encoding="utf-8"))
    got = structure(data, (tmp_path / "2026-06-10.md").read_text(encoding="utf-8"))
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got)) == expected
    assert result.digest.verification.dropped == 0


def test_fixture_edge_cases(settings, tmp_path):
    with Store(settings.db_path) as store:
        digest = run_day(settings, store, load_profile(),
                         options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path)).digest
    by_id = {p.id: p for p in digest.picks}
    assert by_id["2606.10003"].author_line == "Gus Hale et al. (500 authors)"
    empty = by_id["2606.10006"]                      # no abstract: no section, no stock line
    assert all(not empty.sections[name] for name in SECTION_NAMES if name != "why_read")
    assert empty.one_line == "Consistency Distillation without a Teacher."   # its title
    assert "matches the profile on" in empty.sections["why_read"]
    assert str(by_id["2606.10006"].peer_review) == "ICLR 2026 workshop paper"
    assert by_id["2606.10006"].peer_review.status == "workshop"
    assert "\u6269\u6563" in by_id["2606.10005"].short_name          # non-English title kept
    theory = by_id["2606.10002"]
    assert "\u03a9(w^2)" in " ".join(theory.sections.values())    # LaTeX rendered
    assert "$" not in json.dumps(digest.to_json())
    assert "2606.10007" not in by_id and "2606.10008" not in by_id  # off-topic
    assert by_id["2606.10001"].code_url == "https://github.com/example/turbosolve"
    assert by_id["2606.10001"].peer_review.label == "Accepted at ICML 2026"
    assert by_id["2606.10001"].peer_review.venue == "ICML 2026"


def test_json_contract(settings, tmp_path):
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path))
        listing = json.loads(run("listing", "--date", "2026-06-10", "--json",
                                 home=settings.home).stdout)
    data = json.loads((tmp_path / "2026-06-10.json").read_text())
    for key in ("date", "profile", "title", "writer", "counts", "picks", "dek", "brief",
                "reading_order", "synthesis", "sources", "verification"):
        assert key in data, key
    counts = dict(data["counts"])
    assert counts.pop("topic_pool") >= 5
    assert counts == listing
    for pick in data["picks"]:
        for key in ("id", "version", "short_name", "title", "authors", "categories", "code_url",
                    "peer_review", "evidence_strength", "highlight", "sections", "claims"):
            assert key in pick, key
        assert list(pick["sections"]) == list(SECTION_NAMES)
        for claim in pick["claims"]:
            assert set(claim) == {"text", "source"} and f"[{claim['source']}]" in claim["text"]
    assert [s["n"] for s in data["sources"]] == list(range(1, len(data["sources"]) + 1))
    assert set(data["verification"]) >= {"checked", "dropped"}


def test_rerun_is_byte_identical_and_recorded(settings, tmp_path):
    tmp_path = tmp_path / "out"
    with Store(settings.db_path) as store:
        first = run_day(settings, store, load_profile(),
                        options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path))
        before = {p.name: p.read_bytes() for p in first.paths}
        second = run_day(settings, store, load_profile(),
                         options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path))
        assert {p.name: p.read_bytes() for p in second.paths} == before
        stored = store.digest_json(date(2026, 6, 10), "diffusion")
    assert stored == before["2026-06-10.json"].decode("utf-8")
    mask = os.umask(0o022)
    os.umask(mask)
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~mask for p in first.paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)


def test_interrupted_render_leaves_previous_files(settings, tmp_path, monkeypatch):
    tmp_path = tmp_path / "out"
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path))
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

        def broken(digest, labels=None):
            raise RuntimeError("disk full while rendering")

        from arxiv_digest.plugins import RENDERERS

        RENDERERS.load()
        monkeypatch.setitem(RENDERERS._items, "html", broken)     # the HTML format fails
        with pytest.raises(RuntimeError):
            run_day(settings, store, load_profile(),
                    options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_interrupted_write_leaves_previous_files(tmp_path, monkeypatch):
    from arxiv_digest import files

    (tmp_path / "a.md").write_text("old a")
    (tmp_path / "b.md").write_text("old b")
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("device lost")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", failing_fsync)
    with pytest.raises(OutputError, match=f"cannot write {tmp_path}: device lost"):
        files.write_all_atomically({tmp_path / "a.md": "new a", tmp_path / "b.md": "new b"})
    assert (tmp_path / "a.md").read_text() == "old a" and (tmp_path / "b.md").read_text() == "old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def _day(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def _paper(n, title, abstract, **kw):
    record = dict(id=f"2606.{n:05d}", title=title, authors=["A B"], abstract=abstract,
                  categories=["cs.LG"], comment=None)
    record.update(kw)
    return record


def test_fewer_than_five_and_none(settings, tmp_path):
    few = _day(tmp_path, "2026-06-11.jsonl", [
        _paper(20001, "Faster Diffusion Sampling", "We propose a new sampler for diffusion models "
               "that needs fewer denoising steps of the diffusion model."),
        _paper(20002, "Guidance for Diffusion Models", "We analyse classifier-free guidance in "
               "diffusion models and prove a bound for diffusion models."),
        _paper(20003, "Tabular Transformers", "We classify tables with transformers.")])
    with Store(settings.db_path) as store:
        digest = run_day(settings, store, load_profile(),
                         options=RunOptions(inputs=(few,), out_dir=tmp_path)).digest
        assert digest.title == "Two diffusion papers worth reading: June 11, 2026"
        assert "Only two papers qualified" in digest.brief
        none = _day(tmp_path, "2026-06-12.jsonl", [_paper(30001, "Tabular Transformers",
                                                          "We classify tables.")])
        with pytest.raises(NothingToDigest):
            run_day(settings, store, load_profile(),
                    options=RunOptions(inputs=(none,), out_dir=tmp_path))
    proc = run("run", "--input", str(none), "--out", str(tmp_path / "cli"), home=settings.home,
               check=False)
    assert proc.returncode == 4 and "no digest for 2026-06-12" in proc.stderr
    assert not (tmp_path / "cli").exists()


def test_duplicate_titles_get_distinct_names(settings, tmp_path):
    abstract = ("We introduce a sampler for diffusion models that halves the number of steps of "
                "diffusion models, reaching FID 2.1.")
    day = _day(tmp_path, "2026-06-11.jsonl", [
        _paper(40001, "FastDiff: Sampling Diffusion Models", abstract),
        _paper(40002, "FastDiff: Sampling Diffusion Models", abstract + " Also for video.")])
    with Store(settings.db_path) as store:
        digest = run_day(settings, store, load_profile(),
                         options=RunOptions(inputs=(day,), out_dir=tmp_path)).digest
    names = [p.short_name for p in digest.picks]
    assert len(set(names)) == len(names) == 2
    assert all("(2606.4000" in n for n in names)


def test_featured_papers_are_not_repeated(settings, tmp_path):
    profile = load_profile()
    paper = _paper(50001, "Faster Diffusion Sampling", "We propose a new sampler for diffusion "
                   "models that needs fewer denoising steps of the diffusion model.")
    first = _day(tmp_path, "2026-06-11.jsonl", [paper])
    accepted = dict(paper, comment="Accepted at ICML 2026", announce_type="replace", version=2)
    later = _day(tmp_path, "2026-06-12.jsonl", [paper])
    news = _day(tmp_path, "2026-06-15.jsonl", [accepted])
    with Store(settings.db_path) as store:
        run_day(settings, store, profile, options=RunOptions(inputs=(first,), out_dir=tmp_path))
        with pytest.raises(NothingToDigest, match="featured before"):
            run_day(settings, store, profile, options=RunOptions(inputs=(later,), out_dir=tmp_path))
        digest = run_day(settings, store, profile,
                         options=RunOptions(inputs=(news,), out_dir=tmp_path)).digest
    assert digest.picks[0].news == "v2: Accepted at ICML 2026 (new since v1)"


def test_paper_text_never_becomes_markup(settings, tmp_path):
    hostile = _paper(60001, 'Diffusion <script>alert(1)</script> Sampler <img src=x onerror=alert(2)> '
                            '[1](https://evil.example/phish)',
                     "We propose a sampler for diffusion models [evil](javascript:alert(3)) that "
                     "speeds up diffusion models by 2x. ![pixel](https://tracker.example/p.png) "
                     "Code: javascript:alert(4)",
                     comment="<b>Accepted</b> at ICML 2026")
    day = _day(tmp_path, "2026-06-11.jsonl", [hostile])
    with Store(settings.db_path) as store:
        run_day(settings, store, load_profile(),
                options=RunOptions(inputs=(day,), out_dir=tmp_path))
    page = (tmp_path / "2026-06-11.html").read_text()
    markdown = (tmp_path / "2026-06-11.md").read_text()
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert 'href="javascript' not in page and "<img src=x onerror" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"(?<!\\)\]\(javascript", markdown) and "<script>" not in markdown
    assert not re.search(r"(?<!\\)!\[pixel(?<!\\)\]\(", markdown)
    assert not re.search(r"(?<!\\)\]\(https://evil", markdown)
    import markdown_it   # the Markdown, rendered by a CommonMark renderer, stays inert too
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html
