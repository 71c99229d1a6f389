"""OS errors: one ``error:`` line naming the path, exit 1, everything left as it was.

Read-only and full disks are real: a small tmpfs mounted in a private user and mount
namespace (``unshare``), so nothing outside the test sees it and no privilege is
needed beyond what unprivileged user namespaces give.
"""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import run

PYTHON = sys.executable


def namespaced(script: str, tmp_path) -> subprocess.CompletedProcess:
    """Run a bash script as root of a fresh user + mount namespace."""
    probe = shutil.which("unshare") and subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True).returncode == 0
    if not probe:
        message = "unshare -rm is not available here (user namespaces are off)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — required under CI=true")
        pytest.skip(message)
    env = dict(os.environ, PY=PYTHON, T=str(tmp_path))
    return subprocess.run(["unshare", "-rm", "bash", "-c", "set -u\n" + script], env=env,
                          capture_output=True, text=True, timeout=300)


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr, stderr
    return lines[0]


def test_out_below_a_regular_file(home, day_file, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    proc = run("run", "--input", str(day_file("2026-06-24")), "--out", str(blocker / "out"),
               home=home, check=False)
    assert proc.returncode == 1
    line = one_error_line(proc.stderr)
    assert line.startswith(f"error: cannot write {blocker / 'out'}: ") and "is a file" in line


def test_read_only_out_keeps_the_previous_outputs(day_file, tmp_path):
    day = day_file("2026-06-24")
    proc = namespaced(f"""
        mkdir -p "$T/out" "$T/home"
        mount -t tmpfs -o size=8m tmpfs "$T/out"
        export ARXIV_DIGEST_HOME="$T/home"
        "$PY" -m arxiv_digest run --input {day} --out "$T/out" -q || exit 90
        (cd "$T/out" && sha256sum *) > "$T/before"
        mount -o remount,ro "$T/out"
        "$PY" -m arxiv_digest run --input {day} --out "$T/out"
        echo "rc=$?"
        (cd "$T/out" && sha256sum *) > "$T/after"
        ls -A "$T/out" > "$T/names"
    """, tmp_path)
    assert "rc=1" in proc.stdout, proc.stderr
    line = one_error_line(proc.stderr)
    assert f"cannot write {tmp_path / 'out'}" in line and "Read-only file system" in line
    assert (tmp_path / "before").read_text() == (tmp_path / "after").read_text()
    assert (tmp_path / "names").read_text().split() == \
        ["2026-06-24.html", "2026-06-24.json", "2026-06-24.md"]


def test_full_disk_out_and_full_store(day_file, tmp_path):
    proc = namespaced(f"""
        mkdir -p "$T/home"
        mount -t tmpfs -o size=6m tmpfs "$T/home"
        export ARXIV_DIGEST_HOME="$T/home"
        "$PY" -m arxiv_digest ingest --input {day_file("2026-06-23")} -q || exit 90
        "$PY" -m arxiv_digest listing --date 2026-06-23 --json > "$T/listing-before"
        dd if=/dev/zero of="$T/home/fill" bs=4k 2>/dev/null
        "$PY" -m arxiv_digest ingest --input {day_file("2026-06-24")} 2> "$T/ingest-err"
        echo "ingest=$?"
        "$PY" -m arxiv_digest run --date 2026-06-23 --out "$T/home/out" 2> "$T/run-err"
        echo "run=$?"
        "$PY" -m arxiv_digest listing --date 2026-06-23 --json > "$T/listing-after"
        ls -A "$T/home" > "$T/names"
    """, tmp_path)
    assert "ingest=1" in proc.stdout and "run=1" in proc.stdout, proc.stderr
    ingest = one_error_line((tmp_path / "ingest-err").read_text())
    assert ingest == (f"error: the store {tmp_path / 'home' / 'arxiv-digest.db'}: database or "
                      "disk is full; nothing was changed — free space on that disk and run again")
    written = one_error_line((tmp_path / "run-err").read_text())
    assert f"cannot write {tmp_path / 'home' / 'out'}" in written
    assert "No space left on device" in written
    assert (tmp_path / "listing-before").read_text() == (tmp_path / "listing-after").read_text()
    assert "out" not in (tmp_path / "names").read_text().split()


def test_site_build_on_a_read_only_disk(day_file, tmp_path):
    proc = namespaced(f"""
        mkdir -p "$T/home" "$T/pub"
        export ARXIV_DIGEST_HOME="$T/home"
        "$PY" -m arxiv_digest run --input {day_file("2026-06-24")} -q || exit 90
        mount -t tmpfs -o size=4m tmpfs "$T/pub"
        mkdir "$T/pub/site" && echo old > "$T/pub/site/index.html"
        mount -o remount,ro "$T/pub"
        "$PY" -m arxiv_digest site build --out "$T/pub/site" --base-url https://example.org/
        echo "rc=$?"
        cat "$T/pub/site/index.html" > "$T/index-after"
    """, tmp_path)
    assert "rc=1" in proc.stdout, proc.stderr
    line = one_error_line(proc.stderr)
    assert f"cannot write {tmp_path / 'pub'}" in line and "Read-only file system" in line
    assert (tmp_path / "index-after").read_text() == "old\n"
