import json
import os
import re
import subprocess
import sys


from arxiv_digest.cli import cli
from conftest import REPO, run


def test_replay_twice_gives_the_documented_counts(home, day_file):
    path = day_file("2026-05-19")
    first = run("ingest", "--input", str(path), home=home)
    assert "806 papers stored" in first.stderr
    second = run("ingest", "--input", str(path), home=home)
    assert "unchanged" in second.stderr
    data = json.loads(run("listing", "--date", "2026-05-19", "--json", home=home).stdout)
    assert data == {
        "date": "2026-05-19",
        "categories": {"cs.CV": {"total": 374, "new": 315, "cross": 59, "replace": 0},
                       "cs.LG": {"total": 504, "new": 303, "cross": 201, "replace": 0}},
        "union": {"total": 806, "new": 618, "cross": 188, "replace": 0},
    }


def test_line_cut_in_half(home, day_file, tmp_path):
    lines = day_file("2026-05-19").read_text(encoding="utf-8").splitlines(keepends=True)
    bad = 41
    cut_id = json.loads(lines[bad - 1])["id"]
    lines[bad - 1] = lines[bad - 1][: len(lines[bad - 1]) // 2] + "\n"
    copy = tmp_path / "2026-05-19.jsonl"
    copy.write_text("".join(lines), encoding="utf-8")
    proc = run("ingest", "--input", str(copy), home=home)
    assert f"{copy}:{bad}: invalid JSON" in proc.stderr
    assert "1 skipped" in proc.stderr
    data = json.loads(run("listing", "--date", "2026-05-19", "--json", home=home).stdout)
    assert data["union"]["total"] == 805
    from arxiv_digest.store import Store
    with Store(home / "arxiv-digest.db") as store:
        assert store.paper(cut_id) is None
    other = tmp_path / "other"
    strict = run("ingest", "--input", str(copy), "--strict", home=other, check=False)
    assert strict.returncode == 1 and "--strict" in strict.stderr and f":{bad}:" in strict.stderr
    empty = run("listing", "--json", home=other, check=False)
    assert empty.returncode == 1 and "holds no listing" in empty.stderr


def test_quiet_prints_nothing(home, day_file):
    proc = run("ingest", "--quiet", "--input", str(day_file("2026-05-18")), home=home)
    assert proc.stdout == "" and proc.stderr == ""


def test_weekend_and_unknown_days(home, day_file):
    run("ingest", "--input", str(day_file("2026-05-22")), home=home)
    weekend = run("listing", "--date", "2026-05-23", home=home, check=False)
    assert weekend.returncode == 3
    assert "weekends" in weekend.stderr and "2026-05-22 (Fri)" in weekend.stderr
    missing = run("listing", "--date", "2026-05-21", home=home, check=False)
    assert missing.returncode == 1 and "2026-05-22 (Fri)" in missing.stderr
    assert "ingest --input FILE --date 2026-05-21" in missing.stderr   # a past day: replayed
    assert "`arxiv-digest ingest --date" not in missing.stderr            # never fetched live
    bad = run("listing", "--date", "May 5", home=home, check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_replay_file_named_for_a_weekend_is_refused(home, tmp_path, day_file):
    copy = tmp_path / "2026-05-23.jsonl"
    copy.write_bytes(day_file("2026-05-22").read_bytes())
    proc = run("ingest", "--input", str(copy), home=home, check=False)
    assert proc.returncode == 3 and "weekends" in proc.stderr


def test_invalid_feed_file_leaves_store_unchanged(home, shared, tmp_path):
    sample = shared / "data" / "formats" / "rss_atom_cs.AI_2025-08-20_TRUNCATED.xml"
    proc = run("ingest", "--input", str(sample), "--categories", "cs.AI", home=home, check=False)
    assert proc.returncode == 1 and "invalid XML at line" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_command_has_help_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"arxiv-digest {name}" in readme, f"README does not document `{name}`"


def test_readme_test_command_is_what_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"<!-- test-command -->\s*```(?:sh|bash)?\n(.+?)\n```", readme, re.S)
    assert match, "README lacks the marked test command"
    assert match.group(1).strip() in ci


def test_live_ingest_from_the_command_line(home, tmp_path):
    """`ingest` with no --input fetches the latest announcement (here from a loopback arXiv)."""
    from datetime import datetime, timezone

    from arxiv_digest.announcements import latest_listing_date
    from fake_arxiv import FakeArxiv
    from test_live import synthetic_day

    day = latest_listing_date(datetime.now(timezone.utc))
    server = FakeArxiv().start()
    try:
        server.serve_day(day, synthetic_day(40))
        env = dict(os.environ, ARXIV_DIGEST_HOME=str(home),
                   ARXIV_DIGEST_FEED_URL=server.url + "/atom/{category}",
                   ARXIV_DIGEST_API_URL=server.url + "/api/query")
        proc = subprocess.run([sys.executable, "-m", "arxiv_digest", "ingest"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert f"{day}: 41 papers stored from arXiv feeds + export API" in proc.stderr
        again = subprocess.run([sys.executable, "-m", "arxiv_digest", "ingest"], env=env,
                               capture_output=True, text=True, timeout=120)
        assert "unchanged" in again.stderr
        assert len(server.api_requests()) == 1     # the re-run was served from the cache
    finally:
        server.stop()


def test_markup_in_bad_lines_is_printed_as_text(home, tmp_path):
    path = tmp_path / "[red]odd[bold] 2026-05-19.jsonl"
    path.write_text(json.dumps({"id": "[/bold]", "title": "x"}) + "\n" + json.dumps(
        {"id": "2605.00001", "title": "T", "authors": ["A"], "abstract": "A.",
         "categories": ["cs.CV"]}) + "\n", encoding="utf-8")
    proc = run("ingest", "--input", str(path), home=home)
    assert "Traceback" not in proc.stderr and "[/bold]" in proc.stderr and "1 skipped" in proc.stderr
