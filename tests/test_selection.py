"""One selection shown by every command; plugins through entry points; re-ranking sees
the enriched signals; repeats and news; replacements that bring new results."""

import json
import os
import subprocess
import sys
import textwrap

from arxiv_digest.models import Paper
from arxiv_digest.rank import replacement_news
from conftest import REPO
from conftest import run


def test_rank_explain_eval_and_run_agree_on_the_picks(home, day_file, shared, tmp_path):
    # The day alone, as eval's run without history has it (a stored earlier day would
    # change the novelty the picks rest on, and eval would rightly pick otherwise).
    run("ingest", "--input", str(day_file("2026-06-23")), home=home)
    ranked = json.loads(run("rank", "--date", "2026-06-23", "--json", home=home).stdout)
    would = ranked["picks"]
    assert len(would) == 5 and ranked["picks_from"] == "selection"
    assert [c["id"] for c in ranked["candidates"] if c.get("picked")] == would
    out = tmp_path / "out"
    run("run", "--date", "2026-06-23", "--out", str(out), home=home)
    written = [p["id"] for p in json.loads((out / "2026-06-23.json").read_text())["picks"]]
    assert written == would                                   # run wrote what rank showed
    stored = json.loads(run("rank", "--date", "2026-06-23", "--json", home=home).stdout)
    assert stored["picks"] == written and stored["picks_from"] == "stored digest"
    for place, paper_id in enumerate(written, start=1):
        said = run("explain", paper_id, "--date", "2026-06-23", home=home).stdout
        assert f"featured in the stored digest (pick {place} of 5)" in said
    picks = tmp_path / "picks.json"
    picks.write_text(json.dumps({"days": {"2026-06-23": {
        "picks": written, "listing": str(day_file("2026-06-23"))}}}))
    evaluated = run("eval", "--picks", str(picks), "--json", home=home)
    assert "eval, without history: 2026-06-23 (1 of 1)" in evaluated.stderr   # not silent
    scores = json.loads(evaluated.stdout)
    assert scores["without_history"][0]["ours"] == written     # eval scores the same picks
    assert scores["without_history"][0]["in_top5"] == 5


def test_a_featured_paper_is_skipped_with_its_reason(home, day_file, tmp_path):
    out = tmp_path / "out"
    run("run", "--input", str(day_file("2026-06-23")), "--out", str(out), home=home)
    first = json.loads((out / "2026-06-23.json").read_text())["picks"][0]["id"]
    lines = day_file("2026-06-24").read_text(encoding="utf-8").splitlines()
    carried = next(line for line in day_file("2026-06-23").read_text().splitlines()
                   if json.loads(line)["id"] == first)
    record = json.loads(carried)
    record["announce_type"] = "cross"          # listed again the next day, no news
    again = tmp_path / "2026-06-24.jsonl"
    again.write_text("\n".join(lines + [json.dumps(record)]) + "\n", encoding="utf-8")
    ranked = json.loads(run("rank", "--input", str(again), "--json", home=home).stdout)
    entry = next(c for c in ranked["candidates"] if c["id"] == first)
    assert first not in ranked["picks"]
    # Yesterday's lead ranks above today's last pick, so it is passed over, and says why.
    assert entry["rank"] < max(c["rank"] for c in ranked["candidates"] if c.get("picked"))
    assert entry["skipped"] == "featured on 2026-06-23"
    said = run("explain", first, "--date", "2026-06-24", home=home).stdout
    assert "not picked: featured on 2026-06-23" in said


PLUGIN = textwrap.dedent('''
    from arxiv_digest.signals import SignalValue
    from arxiv_digest.writers.offline import OfflineWriter

    def stars(ctx):
        return {p.id: SignalValue(1.0 if "Diffusion" in p.title else 0.0, "title says so")
                for p in ctx.papers}

    class Shouting(OfflineWriter):
        name = "shouting"

        def write(self, plan):
            digest = super().write(plan)
            digest.writer = self.name
            digest.dek = digest.dek.upper()
            return digest
''')


def test_plugins_register_through_entry_points(home, day_file, tmp_path):
    plugins = tmp_path / "plugins"
    (plugins / "fake_plugin").mkdir(parents=True)
    (plugins / "fake_plugin" / "__init__.py").write_text(PLUGIN)
    info = plugins / "fake_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[arxiv_digest.signals]\nstars = fake_plugin:stars\n\n"
        "[arxiv_digest.writers]\nshouting = fake_plugin:Shouting\n")
    profile = tmp_path / "starry.toml"
    builtin = (REPO / "src/arxiv_digest/topics/profiles/diffusion.toml").read_text()
    profile.write_text(builtin.replace("[weights]\n", "[weights]\nstars = 0.5\n")
                       .replace('name = "diffusion"', 'name = "starry"'))
    env = dict(os.environ, ARXIV_DIGEST_HOME=str(home),
               PYTHONPATH=os.pathsep.join([str(plugins), str(REPO / "src")]))
    common = ["--input", str(day_file("2026-06-24")), "--profile", str(profile)]
    ranked = subprocess.run([sys.executable, "-m", "arxiv_digest", "rank", *common, "--json"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert ranked.returncode == 0, ranked.stderr
    first = json.loads(ranked.stdout)["candidates"][0]
    assert first["signals"]["stars"]["reason"] == "title says so"
    written = subprocess.run([sys.executable, "-m", "arxiv_digest", "run", *common, "--writer",
                              "shouting", "--out", str(tmp_path / "out")], env=env,
                             capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    digest = json.loads((tmp_path / "out" / "2026-06-24.json").read_text())
    assert digest["writer"] == "shouting" and digest["dek"] == digest["dek"].upper()


def test_rerank_sees_the_enriched_signals_in_a_fresh_process():
    code = textwrap.dedent('''
        from datetime import date
        from arxiv_digest.rank import rerank, Candidate
        from arxiv_digest.topics import load_profile
        from arxiv_digest.topics.relevance import Relevance
        from arxiv_digest.models import Paper
        from arxiv_digest.enrich import Enrichment, Community
        profile = load_profile()
        papers = [Paper(f"2606.0000{i}", 1, f"Paper {i}", ["A"], "x", ["cs.CV"]) for i in (1, 2)]
        pool = [Candidate(p, "new", ["cs.CV"], Relevance("core", 0.8, 1.0, 1.0, 0.0, [], "r"),
                          p.title, [])
                for p in papers]
        found = {papers[1].id: Enrichment(community=Community(500, 20)),
                 papers[0].id: Enrichment()}
        ranked = rerank(pool, profile, date(2026, 6, 24), found)
        print(ranked[0].paper.id, sorted(n for n, v in ranked[0].signals.items() if v))
    ''')
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    assert proc.returncode == 0, proc.stderr
    top, signals = proc.stdout.split(" ", 1)
    assert top == "2606.00002" and "community" in signals


def test_a_replacement_with_new_results_is_news():
    before = Paper("2606.00001", 1, "Xeno: Fast Sampling", ["A"],
                   "We propose Xeno, a sampler for diffusion models.", ["cs.CV"])
    after = Paper("2606.00001", 2, "Xeno: Fast Sampling", ["A"],
                  "We propose Xeno, a sampler for diffusion models. On ImageNet 256×256, Xeno "
                  "attains FID 1.45, 3.3× faster than DiT.", ["cs.CV"])
    news = replacement_news(after, before)
    assert news is not None and news.startswith("v2: new results since v1:")
    assert "FID 1.45" in news or "3.3× faster" in news
    reworded = Paper("2606.00001", 2, "Xeno: Fast Sampling", ["A"],
                     "We propose Xeno, a fast sampler for diffusion models.", ["cs.CV"])
    assert replacement_news(reworded, before) is None      # new words, no new result
