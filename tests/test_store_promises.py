"""The store never rewrites what a day announced; writers take turns; a set of outputs
is replaced together or not at all."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date

import pytest

from arxiv_digest.errors import LockedError, StoreError
from arxiv_digest.files import JOURNAL, STALE_AFTER, recover, write_all_atomically
from arxiv_digest.locking import writer_lock
from arxiv_digest.store import Store
from conftest import REPO
from conftest import run


def outputs(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_later_file_never_rewrites_a_stored_version(home, day_file, tmp_path):
    out = tmp_path / "out"
    run("run", "--input", str(day_file("2026-06-23")), "--out", str(out), home=home)
    first = json.loads((out / "2026-06-23.json").read_text())["picks"][0]["id"]
    before = outputs(out)
    with Store(home / "arxiv-digest.db") as store:
        original = store.versions(first)[0]
    # The next day's file carries the same id and version with other text.
    lines = day_file("2026-06-24").read_text(encoding="utf-8").splitlines()
    doctored_line = {"id": f"{first}v1", "title": "Something else entirely",
                     "authors": ["Nobody"], "abstract": "An unrelated abstract about rivers.",
                     "categories": ["cs.CV"], "comment": None}
    lines.insert(3, json.dumps(doctored_line))
    doctored = tmp_path / "2026-06-24.jsonl"
    doctored.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("ingest", "--input", str(doctored), home=home)
    assert (f"{doctored}:4: {first}v1 is stored with other text; kept the stored version"
            in proc.stderr)
    assert "; 1 kept as stored (other text)" in proc.stderr
    with Store(home / "arxiv-digest.db") as store:
        assert store.versions(first) == [original]
        assert store.paper(first).title == original.title
        listed = {p.id: p for p in store.load_listing(date(2026, 6, 24), ["cs.CV"]).papers()}
        assert listed[first].title == original.title      # the entry points at stored text
    strict = run("ingest", "--input", str(doctored), "--strict", home=tmp_path / "other",
                 check=False)
    assert strict.returncode == 0            # a fresh store has nothing to conflict with
    refused = run("ingest", "--input", str(doctored), "--strict", home=home, check=False)
    assert refused.returncode == 1 and "is stored with other text" in refused.stderr
    # Re-running the earlier day, from the store alone, gives the same bytes.
    run("run", "--date", "2026-06-23", "--out", str(out), home=home)
    assert outputs(out) == before


def test_a_stored_day_reads_its_history_as_it_was(home, day_file, tmp_path):
    out = tmp_path / "out"
    for day in ("2026-06-19", "2026-06-23"):
        run("run", "--input", str(day_file(day)), "--out", str(out), home=home)
    before = outputs(out)
    # A later revision of a paper listed on the 19th must not change the 23rd's history.
    pick = json.loads((out / "2026-06-19.json").read_text())["picks"][0]["id"]
    listed = day_file("2026-06-19").read_text(encoding="utf-8").splitlines()
    revised = next(json.loads(line) for line in listed if json.loads(line)["id"] == pick)
    revised.update(version=2, announce_type="replace",
                   abstract="A completely rewritten abstract about graph coloring.")
    later = tmp_path / "2026-06-24.jsonl"
    later.write_text(json.dumps(revised) + "\n", encoding="utf-8")
    run("ingest", "--input", str(later), home=home)
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    run("run", "--date", "2026-06-23", "--out", str(out), home=home)
    run("run", "--date", "2026-06-19", "--out", str(out), home=home)
    assert outputs(out) == before


def test_two_processes_opening_a_new_store_apply_each_migration_once(tmp_path):
    db = tmp_path / "new.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")             # everyone starts while this holds the lock
    code = ("import sys; from arxiv_digest.store import Store; "
            "Store(sys.argv[1]).close(); print('ok')")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    holder.execute("COMMIT")
    holder.close()
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    with Store(db) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_migrations")]
    assert sorted(names) == sorted(set(names)) and len(names) >= 5


def test_a_busy_store_waits_then_says_so(tmp_path):
    db = tmp_path / "busy.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(db, busy_timeout=0.3) as store:
            with pytest.raises(StoreError, match=f"the store {db} is busy: another process has "
                                                 "kept it locked for more than 0.3 s"):
                store.mark_published(date(2026, 6, 24), "diffusion", "site")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_second_writer_waits_with_a_message_or_exits_5(home, day_file, tmp_path):
    home.mkdir(parents=True)
    env = dict(os.environ, ARXIV_DIGEST_HOME=str(home))
    command = [sys.executable, "-m", "arxiv_digest", "ingest", "--input",
               str(day_file("2026-06-24"))]
    with writer_lock(home, what="run"):
        refused = subprocess.run(command + ["--no-wait"], env=env, capture_output=True,
                                 text=True, timeout=60)
        assert refused.returncode == 5
        assert f"another arxiv-digest process (pid {os.getpid()}: run)" in refused.stderr
        waiting = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        first = waiting.stderr.readline()            # said before it blocks
        assert f"waiting for another arxiv-digest process (pid {os.getpid()}: run)" in first
        assert waiting.poll() is None
    rest = waiting.stderr.read()
    assert waiting.wait(timeout=60) == 0 and "228 papers stored" in rest
    with pytest.raises(LockedError):
        with writer_lock(home, what="daily"), writer_lock(home, wait=False):
            pass


KILL_DURING_RENAMES = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from arxiv_digest import files
    real = os.replace
    calls = []
    def replace(src, dst):
        if Path(str(src)).name.startswith(".arxiv-digest-journal"):
            return real(src, dst)
        calls.append(dst)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst)
    files.os.replace = replace
    out = Path(sys.argv[1])
    files.write_all_atomically({out / "d.json": "new json", out / "d.md": "new md",
                                out / "d.html": "new html"})
""")


def test_a_kill_between_renames_is_completed_by_the_next_write(tmp_path):
    out = tmp_path / "out"
    write_all_atomically({out / "d.json": "old json", out / "d.md": "old md",
                          out / "d.html": "old html"})
    proc = subprocess.run([sys.executable, "-c", KILL_DURING_RENAMES, str(out)],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    assert proc.returncode == -signal.SIGKILL
    names = {p.name for p in out.iterdir()}
    assert JOURNAL in names                          # the swap was interrupted
    assert (out / "d.json").read_text() == "new json" and (out / "d.md").read_text() == "old md"
    recover(out)
    assert outputs(out) == {"d.html": b"new html", "d.json": b"new json", "d.md": b"new md"}


def test_stale_temporary_files_are_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".2026-06-24.md.ab12cd_3.tmp"
    stale.write_text("left by a kill")
    old = time.time() - STALE_AFTER - 60
    os.utime(stale, (old, old))
    (out / ".keep-me").write_text("not ours")
    write_all_atomically({out / "2026-06-24.md": "text"})
    assert sorted(p.name for p in out.iterdir()) == [".keep-me", "2026-06-24.md"]


def test_a_later_file_for_a_stored_day_never_replaces_its_listing(home, day_file, tmp_path):
    from conftest import invoke

    path = day_file("2026-06-24")
    invoke("ingest", "--input", path, home=home)
    before = invoke("listing", "--json", home=home).stdout
    lines = path.read_text(encoding="utf-8").splitlines()
    shorter = tmp_path / "2026-06-24.jsonl"
    shorter.write_text("\n".join(lines[:-30]) + "\n", encoding="utf-8")
    again = invoke("ingest", "--input", shorter, home=home)
    assert f"{shorter}: 2026-06-24 cs.CV is stored with" in again.stderr
    assert "kept the stored listing" in again.stderr and "kept as stored" in again.stderr
    assert invoke("listing", "--json", home=home).stdout == before
    refused = invoke("ingest", "--input", shorter, "--strict", home=home, check=False)
    assert refused.exit_code == 1 and "kept the stored listing" in refused.stderr
    assert invoke("listing", "--json", home=home).stdout == before
    same = invoke("ingest", "--input", path, "--strict", home=home)   # the same file: fine
    assert "unchanged" in same.stderr


def test_a_write_leaves_another_writers_temporary_file_alone(tmp_path):
    # Another process (another data directory, same --out) has just made its temporary
    # file for the same day and not yet renamed it: this write must not remove it.
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / ".2026-06-24.json.q7Zk_x2a.tmp"
    theirs.write_text("their json")
    paths = write_all_atomically({out / "2026-06-24.json": "my json",
                                  out / "2026-06-24.md": "my md"})
    assert theirs.read_text() == "their json"
    assert sorted(p.name for p in out.iterdir()) == [
        ".2026-06-24.json.q7Zk_x2a.tmp", "2026-06-24.json", "2026-06-24.md"]
    assert [p.read_text() for p in paths] == ["my json", "my md"]


TWO_WRITERS = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from arxiv_digest import files
    out, name, pause = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "pause"
    real = os.replace
    def replace(src, dst):
        global pause
        if pause and not Path(str(src)).name.startswith(".arxiv-digest-journal"):
            print("paused", flush=True)              # its journal is written, no rename done
            sys.stdin.readline()
            pause = False
        return real(src, dst)
    files.os.replace = replace
    files.write_all_atomically({out / "d.json": f"{name} json", out / "d.md": f"{name} md"},
                               notify=lambda line: print(line, flush=True))
    print("done", flush=True)
""")


def test_two_writers_into_one_directory_take_turns(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))

    def writer(name, *extra):
        return subprocess.Popen([sys.executable, "-c", TWO_WRITERS, str(out), name, *extra],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)

    first = writer("first", "pause")
    second = None
    try:
        assert first.stdout.readline() == "paused\n"       # mid-write: journal, temps
        second = writer("second", "go")
        # The second writer finds the directory taken and waits (said before it blocks),
        # instead of completing or removing the first writer's journal and temps.
        assert second.stdout.readline() == f"waiting for another process writing into {out} …\n"
        first.stdin.write("go\n")
        first.stdin.close()
        assert first.wait(timeout=60) == 0, first.stderr.read()
        assert first.stdout.read() == "done\n"
        assert second.wait(timeout=60) == 0, second.stderr.read()
        assert second.stdout.read() == "done\n"
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    # Each set whole, the second last; nothing of either left behind.
    assert outputs(out) == {"d.json": b"second json", "d.md": b"second md"}
