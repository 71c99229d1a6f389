"""Bad input: each bad line reported as FILE:LINE with what is wrong, the rest kept,
never a traceback; pipes, standard input and gzip read whole."""

import gzip
import json
import os
import subprocess
import sys
import threading
from datetime import date

import pytest

from arxiv_digest.errors import InputError
from arxiv_digest.sources.jsonl import JsonlReplay
from arxiv_digest.sources.reader import open_input
from arxiv_digest.store import Store
from conftest import run

CATS = ["cs.CV", "cs.LG"]


def record(n: int, **fields) -> dict:
    data = {"id": f"2606.{n:05d}", "title": f"Paper {n}", "authors": ["A. Author"],
            "abstract": "We study diffusion models.", "categories": ["cs.CV"], "comment": None}
    data.update(fields)
    return data


def lines_of(*records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def stored_ids(home, day="2026-06-24") -> set[str]:
    with Store(home / "arxiv-digest.db") as store:
        return {p.id for p in store.load_listing(date.fromisoformat(day), CATS).papers()}


def test_a_pipe_loses_nothing_to_format_sniffing(home, day_file, tmp_path):
    source = day_file("2026-06-24")
    fifo = tmp_path / "2026-06-24.jsonl"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as out:
            out.write(source.read_bytes())

    writer = threading.Thread(target=feed)
    writer.start()
    proc = run("ingest", "--input", str(fifo), home=home)
    writer.join()
    assert "228 papers stored" in proc.stderr
    assert len(stored_ids(home)) == 228


def test_standard_input_is_read_with_a_dash(home, day_file):
    env = dict(os.environ, ARXIV_DIGEST_HOME=str(home))
    with open(day_file("2026-06-24"), "rb") as stdin:
        proc = subprocess.run([sys.executable, "-m", "arxiv_digest", "ingest", "--input", "-",
                               "--date", "2026-06-24"], stdin=stdin, env=env,
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "228 papers stored from <stdin>" in proc.stderr
    assert len(stored_ids(home)) == 228


def test_a_pipe_nobody_writes_to_is_named_then_given_up(tmp_path):
    fifo = tmp_path / "silent.jsonl"
    os.mkfifo(fifo)
    said = []
    with pytest.raises(InputError, match=f"{fifo}: no data arrived on this pipe in 3 s"):
        open_input(fifo, notify=said.append, pipe_timeout=3)
    assert len(said) == 1 and f"waiting for data on {fifo}" in said[0]


def test_gzip_is_read_transparently(home, day_file, tmp_path):
    packed = tmp_path / "2026-06-24.jsonl.gz"
    packed.write_bytes(gzip.compress(day_file("2026-06-24").read_bytes()))
    assert "228 papers stored" in run("ingest", "--input", str(packed), home=home).stderr
    cut = tmp_path / "cut" / "2026-06-24.jsonl.gz"
    cut.parent.mkdir()
    cut.write_bytes(packed.read_bytes()[: len(packed.read_bytes()) // 2])
    result = JsonlReplay(cut).read(None, CATS)
    assert any("compressed data ends early" in p.reason for p in result.problems)
    assert 0 < len(result.listing.papers()) < 228       # what came before the cut is kept


def test_a_bad_byte_skips_its_own_line_only(tmp_path):
    data = lines_of(*(record(n) for n in range(1, 10)))
    data += b'{"id": "2606.00010", "title": "Bad \xff byte", "authors": [], ' \
            b'"abstract": "x", "categories": ["cs.CV"]}\n'
    data += lines_of(record(11), record(12))
    path = tmp_path / "2026-06-24.jsonl"
    path.write_bytes(data)
    result = JsonlReplay(path).read(None, CATS)
    assert [str(p) for p in result.problems] == [
        f"{path}:10: not UTF-8 text (byte 0xff at column 36); line skipped"]
    assert len(result.listing.papers()) == 11


def test_an_absurd_version_is_one_bad_line(home, tmp_path):
    path = tmp_path / "2026-06-24.jsonl"
    path.write_bytes(lines_of(record(1), record(2, id="2606.12348v99999999999999999999"),
                              record(3, version=10 ** 30)))
    proc = run("ingest", "--input", str(path), home=home)
    assert f"{path}:2: 2606.12348: version 999999… (20 digits) is not a plausible" in proc.stderr
    assert f"{path}:3: 2606.00003: version" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert stored_ids(home) == {"2606.00001"}


def test_fields_over_their_limits_are_refused_by_name(tmp_path):
    path = tmp_path / "2026-06-24.jsonl"
    path.write_bytes(lines_of(record(1, abstract="x " * 12_500), record(2),
                              record(3, authors=["A"] * 6_000)))
    result = JsonlReplay(path).read(None, CATS)
    reasons = [str(p) for p in result.problems]
    assert reasons[0] == (f"{path}:1: 2606.00001: 'abstract' is 25,000 characters, over the "
                          "limit of 5,000; line skipped")
    assert reasons[1].startswith(f"{path}:3: 2606.00003: 6,000 authors, over the limit")
    assert [p.id for p in result.listing.papers()] == ["2606.00002"]


def test_an_over_long_line_is_skipped_unread(tmp_path):
    path = tmp_path / "2026-06-24.jsonl"
    huge = json.dumps(record(1, comment="y" * (3 << 20))).encode() + b"\n"
    path.write_bytes(huge + lines_of(record(2)))
    result = JsonlReplay(path).read(None, CATS)
    assert [str(p) for p in result.problems] == [
        f"{path}:1: line longer than 1,048,576 bytes (the limit); line skipped unread"]
    assert [p.id for p in result.listing.papers()] == ["2606.00002"]


def test_a_first_line_that_is_not_json_is_one_bad_line(home, tmp_path):
    path = tmp_path / "2026-06-24.jsonl"
    path.write_bytes(b"id,title,abstract\n" + lines_of(record(1), record(2)))
    proc = run("ingest", "--input", str(path), home=home)
    assert f"{path}:1: invalid JSON (Expecting value at column 1); line skipped" in proc.stderr
    assert stored_ids(home) == {"2606.00001", "2606.00002"}


def test_blank_and_empty_files_say_so_with_a_line(tmp_path):
    blank = tmp_path / "2026-06-24.jsonl"
    blank.write_bytes(b"\n\n   \n")
    with pytest.raises(InputError, match=f"^{blank}:1: no records: every line is blank$"):
        JsonlReplay(blank).read(None, CATS)


def test_a_truncated_last_line_says_it_ends_mid_record(tmp_path):
    path = tmp_path / "2026-06-24.jsonl"
    whole = lines_of(record(1), record(2, abstract="A long abstract " * 40))
    path.write_bytes(whole[: len(whole) - 300])
    result = JsonlReplay(path).read(None, CATS)
    assert len(result.problems) == 1
    assert result.problems[0].where == f"{path}:2"
    assert "ends mid-record" in result.problems[0].reason
    with_newline = tmp_path / "nl" / "2026-06-24.jsonl"
    with_newline.parent.mkdir()
    with_newline.write_bytes(whole[: len(whole) - 300] + b"\n")
    problem = JsonlReplay(with_newline).read(None, CATS).problems[0]
    assert "ends mid-record" in problem.reason and "control character" not in problem.reason


def test_a_date_that_contradicts_the_file_name_is_refused(home, day_file):
    proc = run("ingest", "--input", str(day_file("2026-06-24")), "--date", "2026-06-25",
               home=home, check=False)
    assert proc.returncode == 1
    assert "the file name says 2026-06-24 but --date says 2026-06-25" in proc.stderr
    assert not (home / "arxiv-digest.db").exists() or not stored_ids(home, "2026-06-25")


def test_run_prints_the_same_report_as_ingest(home, day_file, tmp_path):
    lines = day_file("2026-06-24").read_bytes().splitlines(keepends=True)
    bad = next(i for i, line in enumerate(lines)
               if set(json.loads(line)["categories"]) & set(CATS))
    lines[bad] = b"{not json\n"
    path = tmp_path / "2026-06-24.jsonl"
    path.write_bytes(b"".join(lines))
    proc = run("run", "--input", str(path), "--out", str(tmp_path / "out"), home=home)
    assert f"{path}:{bad + 1}: invalid JSON" in proc.stderr
    assert "227 papers stored" in proc.stderr and "; 1 skipped" in proc.stderr


def test_invisible_and_reordering_characters_never_reach_an_output(home, tmp_path):
    spoof = "Diffusion\u202e sledom\u202c Sampling\u200b with Zero\u2066-Width\u2069 Tricks"
    path = tmp_path / "2026-06-24.jsonl"
    rows = [record(n, title=f"Fast diffusion model sampler {n}",
                   abstract="We propose a diffusion model sampler that cuts sampling steps "
                            "of diffusion models by half while keeping image quality.")
            for n in range(1, 7)]
    rows[0]["title"] = spoof
    rows[0]["authors"] = ["Eve\u200d Mallory\u202e", "Bob"]
    path.write_bytes(lines_of(*rows))
    out = tmp_path / "out"
    run("run", "--input", str(path), "--out", str(out), home=home)
    for name in ("2026-06-24.json", "2026-06-24.md", "2026-06-24.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert not any(ch in text for ch in "\u202e\u202c\u200b\u2066\u2069\u200d"), name
    assert "Diffusion sledom Sampling with Zero-Width Tricks" in \
        (out / "2026-06-24.json").read_text(encoding="utf-8")


def test_renderers_strip_invisible_characters_from_any_text(home, day_file, tmp_path):
    from arxiv_digest.digest import Digest
    from arxiv_digest.render import render_html, render_markdown

    out = tmp_path / "out"
    run("run", "--input", str(day_file("2026-06-24")), "--out", str(out), home=home)
    data = json.loads((out / "2026-06-24.json").read_text(encoding="utf-8"))
    data["dek"] = "A model wrote \u202eevil\u202c and \u200bhidden text. " + data["dek"]
    digest = Digest.from_json(data)          # e.g. a digest stored before cleaning existed
    for text in (render_markdown(digest), render_html(digest)):
        assert "\u202e" not in text and "\u200b" not in text
        assert "A model wrote evil and hidden text." in text


def test_replay_reports_progress_as_it_reads(day_file):
    seen = []
    JsonlReplay(day_file("2026-06-24")).read(None, CATS, lambda d, t, w: seen.append((d, t)))
    size = day_file("2026-06-24").stat().st_size
    assert len(seen) >= 2 and seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[0][0] < size
