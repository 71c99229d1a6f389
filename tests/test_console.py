"""What a person at the console sees: results on stdout, diagnostics on stderr, no
dangling punctuation, each profile's block named, usage errors as exit code 2."""

import re

from conftest import REPO, invoke

BUILTIN = REPO / "src/arxiv_digest/topics/profiles/diffusion.toml"


def test_run_prints_results_on_stdout_and_diagnostics_on_stderr(home, day_file, tmp_path):
    out = invoke("run", "--input", day_file("2026-06-24"), "--out", tmp_path / "o", home=home)
    lines = out.stdout.splitlines()
    assert lines[0] == "Five diffusion papers worth reading: June 24, 2026"
    picks = [line for line in lines if re.match(r"  \d\. ", line)]
    assert len(picks) == 5
    assert not any(line.rstrip().endswith(("—", "- ", "—")) for line in picks)
    assert any(" — " in line for line in picks) and any(" — " not in line for line in picks)
    assert {line for line in lines if line.startswith("wrote ")} == {
        f"wrote {tmp_path / 'o' / name}" for name in
        ("2026-06-24.json", "2026-06-24.md", "2026-06-24.html")}
    assert "verification:" in out.stderr and "verification:" not in out.stdout
    assert "papers stored from" in out.stderr


def test_several_profiles_each_name_their_block(home, day_file, tmp_path):
    (home / "profiles").mkdir(parents=True)
    (home / "profiles" / "flows.toml").write_text(
        BUILTIN.read_text().replace('name = "diffusion"', 'name = "flows"'))
    out = invoke("run", "--input", day_file("2026-06-24"), "--all-profiles", "--out",
                 tmp_path / "o", home=home)
    titles = [line for line in out.stdout.splitlines() if "worth reading" in line]
    assert titles == ["diffusion: Five diffusion papers worth reading: June 24, 2026",
                      "flows: Five diffusion papers worth reading: June 24, 2026"]


def test_an_unknown_writer_is_a_usage_error(home, day_file):
    out = invoke("run", "--input", day_file("2026-06-24"), "--writer", "foo", home=home,
                 check=False)
    assert out.exit_code == 2 and "unknown writer 'foo'" in out.stderr


def test_explain_names_the_paper_once_and_aligns_its_rows(home, day_file):
    invoke("ingest", "--input", day_file("2026-06-24"), home=home)
    said = invoke("explain", "2606.24888", home=home).stdout.splitlines()
    assert said[0] == ("2606.24888v1 — DiffusionBench: On Holistic Evaluation of Diffusion "
                       "Transformers")                      # not "DiffusionBench: DiffusionBench:"
    rows = [line for line in said if " × weight " in line]
    assert len({line.index(" × weight ") for line in rows}) == 1, rows
    assert said[-1].startswith("  no data, left out of the average: taste")


def test_a_like_without_the_network_says_what_it_waits_for(home, tmp_path):
    """No silent wait: each fetch and each retry is told as it happens."""
    import socket

    with socket.socket() as closed:                 # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    (home).mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'api_url = "http://127.0.0.1:{port}/api/query"\n'
                                      'http_retries = 1\n')
    out = invoke("feedback", "like", "2606.24888", home=home, check=False)
    lines = out.stderr.splitlines()
    assert any(line.startswith("fetching http://127.0.0.1:") for line in lines), lines
    assert any("retry 1 of 1" in line for line in lines), lines
