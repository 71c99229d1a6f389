"""``brief``: a paper's brief with the digest's writer, for any paper of a day."""

import json

from arxiv_digest.digest import SECTION_NAMES
from arxiv_digest.text.roles import ROLES
from arxiv_digest.writers.prose import third_person
from conftest import run


def test_brief_all_gives_every_paper_with_its_sentences_and_roles(home, day_file):
    proc = run("brief", "--all", "--input", str(day_file("2026-06-24")), "--json", home=home)
    briefs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(briefs) == 228                       # every paper of the day, on topic or not
    assert len({b["id"] for b in briefs}) == 228
    for brief in briefs:
        assert set(brief) == {"id", "version", "short_name", "highlight", "one_line",
                              "sections", "sentences"}
        assert list(brief["sections"]) == list(SECTION_NAMES)
        assert brief["sections"]["core_contribution"].strip(), brief["id"]
        assert brief["one_line"].endswith(".") and len(brief["one_line"]) > 20, brief["id"]
        quoted = " ".join(brief["sections"].values())
        for text in (s["text"] for s in brief["sentences"]):        # each sentence once
            assert quoted.count(third_person(text, brief["short_name"])[:60]) <= 1
        assert all(s["role"] in ROLES for s in brief["sentences"])
        assert "$" not in json.dumps(brief["sentences"])          # LaTeX rendered
        assert "\u2026" not in json.dumps(brief["sections"])      # nothing cut
    dcb = next(b for b in briefs if b["id"] == "2606.23872")
    assert dcb["short_name"] == "DCB"                          # the method, not the task (MGI)
    assert "Data Circuit Breaker" in dcb["sections"]["core_contribution"]


def test_the_brief_quotes_one_contiguous_run_of_the_abstract(home, day_file):
    """Core, insight and results are consecutive sentences of the abstract in its own
    order (links aside), so a "this" always follows what it points to."""
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    for paper_id in ("2606.24888", "2606.24140", "2606.24516", "2606.24025"):
        brief = json.loads(run("brief", paper_id, "--json", home=home).stdout)
        name = brief["short_name"]
        shown = []
        for section in ("core_contribution", "key_insight", "results"):
            text = brief["sections"][section]
            for k, s in enumerate(brief["sentences"]):
                said = third_person(s["text"], name).rstrip(".")
                if said[:80] in text:
                    shown.append((k, section))
        indices = [k for k, _ in shown]
        assert indices == sorted(indices) and len(indices) >= 3, (paper_id, shown)
        links = {k for k, s in enumerate(brief["sentences"]) if s["role"] == "resource"}
        gaps = [k for k in range(indices[0], indices[-1]) if k not in indices and k not in links]
        assert gaps == [], (paper_id, gaps)
        assert "https://" not in brief["sections"]["key_insight"]
    core = json.loads(run("brief", "2606.24888", "--json", home=home).stdout)
    if "this perception" in core["sections"]["core_contribution"]:
        assert "perceived as too costly" in core["sections"]["core_contribution"]


def test_an_unknown_paper_is_one_clear_error(home, day_file):
    run("ingest", "--input", str(day_file("2026-06-24")), home=home)
    proc = run("brief", "2606.99999", home=home, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: 2606.99999 is not in the store")


def first_id(path):
    return json.loads(path.open().readline())["id"]


def test_brief_ingests_every_input_even_with_a_date(home, day_file):
    from conftest import invoke

    one, two = day_file("2026-06-15"), day_file("2026-06-18")
    out = invoke("brief", first_id(one), "--input", one, "--date", "2026-06-15", "--json",
                 home=home)
    assert json.loads(out.stdout)["id"] == first_id(one)
    both = invoke("brief", first_id(one), first_id(two), "--input", one, "--input", two,
                  "--json", home=home)
    assert [json.loads(line)["id"] for line in both.stdout.splitlines()] == \
        [first_id(one), first_id(two)]


def test_brief_all_of_a_day_not_stored_is_an_error_not_silence(home, day_file):
    from conftest import invoke

    invoke("ingest", "--input", day_file("2026-06-15"), home=home)
    missing = invoke("brief", "--all", "--date", "2026-06-16", home=home, check=False)
    assert missing.exit_code != 0 and missing.stdout == ""
    assert "no listing for" in missing.stderr and "2026-06-15" in missing.stderr
