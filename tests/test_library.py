"""A reader's library as untrusted input: every entry counted once and each bad one
reported as FILE:LINE; limits refused in one line; URLs judged by their parsed host;
ids held to arXiv's rules, one check for every way an id comes in."""

import json
from dataclasses import replace
from datetime import date

import pytest

from arxiv_digest.cli import main
from arxiv_digest.errors import InputError
from arxiv_digest.reader.feedback import import_library
from arxiv_digest.pipeline.ingest import make_client
from arxiv_digest.reader.library import MAX_FIELD_CHARS, MAX_LIBRARY_BYTES, read_library
from arxiv_digest.models import Paper, split_arxiv_id
from arxiv_digest.sources.jsonl import JsonlReplay
from arxiv_digest.store import Store
from fake_arxiv import FakeArxiv
from test_live import synthetic_day


def cli(capsys, *args) -> tuple[int, list[str]]:
    """Run the command line in this process: (exit code, lines on stderr)."""
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    return stopped.value.code, err.splitlines()


def paper(paper_id: str, version: int = 1) -> Paper:
    return Paper(id=paper_id, version=version, title=f"Paper {paper_id}", authors=["A B"],
                 abstract="An abstract.", categories=["cs.LG"])


def ids(n: int) -> list[str]:
    """n distinct valid new-style ids."""
    return [f"{2001 + i // 99_999:04d}.{i % 99_999 + 1:05d}" for i in range(n)]


# --- arXiv ids: one check, everywhere ------------------------------------------------

@pytest.mark.parametrize("raw, why", [
    ("２６０５.０６４７５", "ASCII digits"),                    # fullwidth digits
    ("\u0662\u0666\u0660\u0665.\u0660\u0666\u0664\u0667\u0665", "ASCII digits"),  # Arabic-Indic
    ("2605.06475v\uff13", "ASCII digits"),                       # a fullwidth version
    ("9999.99999", "9999 is not a year and month"),
    ("2613.00001", "2613 is not a year and month"),
    ("2600.00001", "2600 is not a year and month"),
    ("2605.6475", "ids from 1501 on have 5 digits after the dot, not 4"),
    ("1412.12345", "ids from 0704 to 1412 have 4 digits after the dot, not 5"),
    ("0612.1234", "new-style ids begin with 0704"),
    ("2605.064750", "ids from 1501 on have 5 digits after the dot, not 6"),
    ("hep-th/0704001", "old-style ids run from 9108"),
    ("hep-th/9913001", "9913 is not a year and month"),
    ("2605.06475v0", "version 0 is not a plausible"),
    ("2605.06475v1000", "version 1000 is not a plausible"),
])
def test_ids_that_break_arxivs_rules_are_refused_with_the_reason(raw, why):
    with pytest.raises(ValueError, match=why):
        split_arxiv_id(raw)


def test_ids_by_arxivs_rules_are_accepted():
    assert split_arxiv_id("0704.0001") == ("0704.0001", None)
    assert split_arxiv_id("1412.9999v3") == ("1412.9999", 3)
    assert split_arxiv_id("1501.00001") == ("1501.00001", None)
    assert split_arxiv_id("arXiv:2605.06475v999") == ("2605.06475", 999)
    assert split_arxiv_id("hep-th/9108001") == ("hep-th/9108001", None)
    assert split_arxiv_id("math.GT/0703001v2") == ("math.GT/0703001", 2)


def test_feedback_like_refuses_an_id_in_other_digits(home, capsys):
    code, err = cli(capsys, "feedback", "like", "２６０５.０６４７５", "--offline")
    assert code == 1
    assert err == ["error: not an arXiv identifier: '２６０５.０６４７５' (arXiv ids are "
                   "written with the ASCII digits 0-9 and ASCII letters); give ids such as "
                   "2605.19262 or 2605.19262v2"]
    code, err = cli(capsys, "feedback", "like", "2605.6475", "--offline")
    assert code == 1 and "5 digits after the dot, not 4" in err[0]


def test_a_replay_line_with_a_version_in_other_digits_is_one_bad_line(tmp_path):
    path = tmp_path / "2026-06-24.jsonl"
    record = {"id": "2606.00001", "title": "T", "authors": ["A"], "abstract": "A.",
              "categories": ["cs.CV"]}
    path.write_text("\n".join(json.dumps(dict(record, **extra)) for extra in (
        {"version": "\uff13"}, {"id": "2606.00002", "version": "3"},
        {"id": "２６０６.００００３"})) + "\n", encoding="utf-8")
    result = JsonlReplay(path).read(None, ["cs.CV"])
    assert [p.version for p in result.listing.papers()] == [3]
    assert [str(p) for p in result.problems] == [
        f"{path}:1: 2606.00001: 'version' must be a positive integer; line skipped",
        f"{path}:3: not an arXiv identifier: '２６０６.００００３' (arXiv ids are written with "
        "the ASCII digits 0-9 and ASCII letters); line skipped"]


def test_a_library_reports_each_wrong_id_as_a_bad_entry(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("２６０５.０６４７５\n2613.00001\n2605.6475\n9999.99999\n2605.06475\n"
                    "https://arxiv.org/abs/2605.6475\n", encoding="utf-8")
    library = read_library(path)
    assert library.ids == [("2605.06475", None)]
    assert library.bad == 5 and library.entries == 6
    assert [p.where for p in library.problems] == [f"{path}:{n}" for n in (1, 2, 3, 4, 6)]
    assert "(2613 is not a year and month (YYMM)); skipped" in library.problems[1].reason
    assert library.problems[4].reason == (
        "'https://arxiv.org/abs/2605.6475': not an arXiv identifier: '2605.6475' (ids from "
        "1501 on have 5 digits after the dot, not 4); skipped")


# --- URLs by their parsed host -----------------------------------------------------------

def test_urls_count_only_on_arxiv_org_by_their_parsed_host(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("\n".join([
        "https://evil.example/arxiv.org/abs/2006.11239",
        "https://notarxiv.org/abs/2006.11239",
        "javascript:alert(1)//arxiv.org/abs/2006.11239",
        "javascript://arxiv.org/abs/2006.11239",
        "https://arxiv.org.evil.example/abs/2006.11239",
        "ftp://arxiv.org/abs/2006.11239",
        "https://evil.example/?u=https://arxiv.org/abs/2006.11239",
        "https://export.arxiv.org/abs/2011.13456v2",          # a subdomain: accepted
        "http://arxiv.org/pdf/2209.00796.pdf",
        "https://doi.org/10.48550/arXiv.2104.12255",
        "arxiv.org/abs/hep-th/9901001",
    ]) + "\n")
    library = read_library(path)
    assert library.ids == [("2011.13456", 2), ("2209.00796", None), ("2104.12255", None),
                           ("hep-th/9901001", None)]
    assert [p.where for p in library.problems] == [f"{path}:{n}" for n in range(1, 8)]
    assert all(p.reason.endswith("no arXiv id in it; skipped") for p in library.problems)


def test_a_bibtex_url_or_note_on_another_host_is_no_like(tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text("@misc{evil,\n  url = {https://evil.example/arxiv.org/abs/2006.11239},\n"
                    "  note = {see javascript:x//arxiv.org/abs/2011.13456},\n}\n"
                    "@misc{good,\n  note = {Preprint at https://arxiv.org/abs/2006.11239.},\n}\n")
    library = read_library(path)
    assert library.ids == [("2006.11239", None)]
    assert [str(p) for p in library.problems] == [
        f"{path}:1: entry evil: no arXiv id in it; skipped"]


# --- BibTeX: every layout, linear, bounded --------------------------------------------

LAYOUTS = [
    "@article{{k{i},\n  title = {{A {{Title}} {i}}},\n  eprint = {{{id}}},\n"
    "  archivePrefix = {{arXiv}},\n}}\n",
    "@inproceedings{{k{i}, title = \"Quoted {{T}} {i}\", url = {{https://arxiv.org/abs/{id}}}}}\n",
    "@article{{k{i},\n  journal = {{arXiv preprint arXiv:{id}}}, year = 2024}}",   # closed mid-line
    "  @misc( k{i} , doi = \"10.48550/arXiv.{id}\" , month = jan # \" 1\")\n",
    "@Article{{k{i},\n  title = {{{{{{{{{{{{Deep}}}}}}}}}}}},\n  arxivid = {{{id}}}\n}}\n",
    "@comment{{ a comment @article{{x, eprint = {{2006.11239}}}} }}\n"
    "@article{{k{i}, eprint={{arXiv:{id}}}}}\n",
]


def test_a_large_bibtex_library_in_every_layout_is_read_whole(tmp_path):
    wanted = ids(12_000)
    text = "% exported by a reference manager\n" + "".join(
        LAYOUTS[i % len(LAYOUTS)].format(i=i, id=pid) for i, pid in enumerate(wanted))
    path = tmp_path / "lib.bib"
    path.write_text(text, encoding="utf-8")
    library = read_library(path)
    assert [pid for pid, _ in library.ids] == wanted
    assert library.entries == 12_000 and library.problems == []


def test_unclosed_entries_are_bad_entries_with_their_line_and_the_rest_is_kept(tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text(
        "@article{one,\n  eprint = {2006.11239},\n\n"            # no closing brace
        "@article{two,\n  eprint = {2011.13456},\n}\n"
        "@article{three,\n  title = {An {unclosed title},\n  eprint = {2209.00796},\n}\n"
        "@article{four,\n  eprint = {2104.12255},\n}\n"
        "@article{five, title = {A} junk, eprint = {1707.08567}}\n"
        "@article{six,\n  eprint = {1605.08386},\n")              # the end of the file
    library = read_library(path)
    assert library.ids == [("2011.13456", None), ("2104.12255", None)]
    assert [str(p) for p in library.problems] == [
        f"{path}:1: entry one is not closed (no closing brace before the next entry at line "
        "4); skipped",
        f"{path}:7: entry three is not closed (no closing brace before the next entry at line "
        "11); skipped",
        f"{path}:14: entry five: expected ',' or '}}' after field 'title' at line 14, found "
        "'j'; skipped",
        f"{path}:15: entry six is not closed (no closing brace before the end of the file); "
        "skipped"]
    assert (library.entries, library.bad) == (6, 4)


def test_many_unclosed_entries_are_each_counted_and_nothing_is_imported(home, capsys,
                                                                         tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text("".join(f"@article{{k{i},\n  eprint = {{{pid}}},\n\n"
                            for i, pid in enumerate(ids(3_000))))
    code, err = cli(capsys, "feedback", "import", str(path), "--offline")
    assert code == 1
    assert err[0] == (f"{path}:1: entry k0 is not closed (no closing brace before the next "
                      "entry at line 4); skipped")
    assert err[20:] == ["… and 2,980 more",
                        f"error: {path}: none of its 3,000 entries has an arXiv id; nothing "
                        "was imported"]


def test_a_field_over_its_limit_is_refused_by_name_and_the_rest_kept(tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text("@article{big,\n  abstract = {" + "x{y}" * (MAX_FIELD_CHARS // 4 + 1)
                    + "},\n  eprint = {2006.11239},\n}\n@article{small, eprint = {2011.13456}}\n")
    library = read_library(path)
    assert library.ids == [("2011.13456", None)]
    assert [str(p) for p in library.problems] == [
        f"{path}:1: entry big: field 'abstract' is 1,000,004 characters, over the limit of "
        "1,000,000; skipped"]


def test_a_file_over_the_limit_is_refused_unread(home, capsys, tmp_path):
    path = tmp_path / "lib.bib"
    with path.open("wb") as handle:
        handle.truncate(MAX_LIBRARY_BYTES + 1)
    code, err = cli(capsys, "feedback", "import", str(path), "--offline")
    assert (code, err) == (1, [f"error: {path}: over the limit of 64 MiB for a library file; "
                               "export it in parts"])


# --- CSL-JSON ------------------------------------------------------------------------

@pytest.mark.parametrize("document, line, what", [
    ('{"items": 5}', 1, "'items' must be one list of items"),
    ('{"items": "abc"}', 1, "'items' must be one list of items"),
    ('{"title": "no items"}', 1, "expected a list of items, or an object with an 'items' list"),
    ("[\n" + "[" * 100_000 + "]" * 100_000 + "\n]", 2, "nested too deeply"),
    ('{"items": [\n{"id": "a"},\n' + "[" * 100_000 + "]" * 100_000 + "]}", 3,
     "nested too deeply"),
    ('[{"id": "a"},\n{"id": "b",}]', 2, "Expecting property name enclosed in double quotes"),
    ('[{"id": "a"}] []', 1, "unexpected data after the end of the document"),
])
def test_a_document_that_is_not_csl_json_is_refused_in_one_line(home, capsys, tmp_path,
                                                                document, line, what):
    path = tmp_path / "lib.json"
    path.write_text(document)
    code, err = cli(capsys, "feedback", "import", str(path), "--offline")
    assert (code, err) == (1, [f"error: {path}:{line}: not valid CSL-JSON ({what}); nothing "
                               "was imported"])


def test_csl_items_are_judged_one_by_one_with_their_lines(tmp_path):
    path = tmp_path / "lib.json"
    items = [{"id": "a", "URL": "https://arxiv.org/abs/2006.11239"}, "not an item",
             {"id": 7, "number": "arXiv:2011.13456"}, {"id": "c", "title": "no id"},
             {"id": "d", "URL": {"nested": "https://arxiv.org/abs/2209.00796"}}]
    path.write_text('{"config": {"x": [1, 2]},\n "items": [\n'
                    + ",\n".join(json.dumps(item) for item in items) + "\n]}\n")
    library = read_library(path)
    assert library.ids == [("2006.11239", None), ("2011.13456", None)]
    assert [str(p) for p in library.problems] == [
        f"{path}:4: item 2: not a CSL item (a JSON object); skipped",
        f"{path}:6: item c: no arXiv id in it; skipped",
        f"{path}:7: item d: no arXiv id in it; skipped"]


# --- the import: counts that add up, the good part kept, nothing read is an error ----

def test_the_counts_add_up_and_every_problem_has_its_line(home, settings, capsys, tmp_path):
    with Store(settings.db_path) as store:
        store.save_papers([paper("2006.11239"), paper("2011.13456", 2),
                           paper("2209.00796")])
        store.set_feedback("diffusion", [("2006.11239", 1, "like")], "cli")
    path = tmp_path / "lib.bib"
    path.write_text(
        "@article{liked_before, eprint = {2006.11239}}\n"
        "@article{new, eprint = {2011.13456}}\n"
        "@article{new_too, url = {https://arxiv.org/abs/2209.00796v1}}\n"
        "@article{again, doi = {10.48550/arXiv.2011.13456}}\n"
        "@article{not_stored, eprint = {2104.12255}}\n"
        "@book{no_id, title = {A Book}}\n"
        "@article{wrong_id, eprint = {2605.6475}}\n"
        "@article{evil, url = {https://evil.example/arxiv.org/abs/1707.08567}}\n"
        "@article{unclosed, eprint = {1605.08386},\n")
    code, err = cli(capsys, "feedback", "import", str(path), "--offline")
    assert code == 0
    assert err == [
        f"{path}:6: entry no_id: no arXiv id in it; skipped",
        f"{path}:7: entry wrong_id: not an arXiv identifier: '2605.6475' (ids from 1501 on "
        "have 5 digits after the dot, not 4); skipped",
        f"{path}:8: entry evil: no arXiv id in it; skipped",
        f"{path}:9: entry unclosed is not closed (no closing brace before the end of the "
        "file); skipped",
        f"{path}: 9 entries: 2 liked, 1 already liked, 2 without an arXiv id, 2 bad, "
        "1 repeated, 1 waiting (not in the store; import again online)"]
    with Store(settings.db_path) as store:
        assert {(f.paper_id, f.version, f.source) for f in store.feedback("diffusion")} == {
            ("2006.11239", 1, "cli"), ("2011.13456", 2, "library"),
            ("2209.00796", 1, "library")}


def test_a_file_with_no_arxiv_id_is_an_error_after_its_problems(home, capsys, tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text("@book{a, title = {A}}\n@book{b, title = {B}}\n")
    code, err = cli(capsys, "feedback", "import", str(path), "--offline")
    assert code == 1
    assert err == [f"{path}:1: entry a: no arXiv id in it; skipped",
                   f"{path}:2: entry b: no arXiv id in it; skipped",
                   f"error: {path}: none of its 2 entries has an arXiv id; nothing was imported"]
    empty = tmp_path / "empty.bib"
    empty.write_text("% nothing exported\n")
    code, err = cli(capsys, "feedback", "import", str(empty), "--offline")
    assert code == 1 and err[0].startswith(f"error: {empty}: no entries in it;")


@pytest.fixture
def arxiv():
    server = FakeArxiv().start()
    yield server
    server.stop()


def test_a_failed_fetch_keeps_what_came_before_it(settings, arxiv, tmp_path):
    day = synthetic_day(150)
    arxiv.serve_day(date(2026, 6, 10), day)
    wanted = sorted({p.id for items in day.values() for p, _ in items})[:150]
    arxiv.refused_ids = {wanted[120]}              # its request (ids 101-150) fails
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(wanted) + "\n")
    settings = replace(settings, api_url=arxiv.url + "/api/query")
    with Store(settings.db_path) as store, make_client(settings, sleep=lambda s: None) as client:
        report = import_library(settings, store, "diffusion", path, client=client)
        liked = {f.paper_id for f in store.feedback("diffusion")}
        assert liked == set(wanted[:100]) == set(report.recorded)
        assert set(store.stored_versions(wanted)) == liked
    assert report.waiting == wanted[100:] and report.fetched == 100
    assert [p.where for p in report.problems] == ["export API"]


def test_a_library_over_its_paper_limit_is_refused(tmp_path, monkeypatch):
    import arxiv_digest.reader.library as library

    monkeypatch.setattr(library, "MAX_PAPERS", 3)
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(ids(4)) + "\n")
    with pytest.raises(InputError, match=r"ids.txt:4: more than 3 arXiv papers in one library"):
        read_library(path)


def test_ris_records_not_closed_are_bad_records_with_their_line(tmp_path):
    path = tmp_path / "lib.ris"
    path.write_text("TY  - JOUR\nUR  - https://arxiv.org/abs/2006.11239\n"      # no ER
                    "TY  - JOUR\nDO  - 10.48550/arXiv.2011.13456\nER  -\n"      # ER, no space
                    "TY  - JOUR\nUR  - https://evil.example/arxiv.org/abs/2209.00796\nER  - \n"
                    "TY  - JOUR\nAN  - arXiv:2104.12255\n")                     # the end
    library = read_library(path)
    assert library.ids == [("2011.13456", None)]
    assert [str(p) for p in library.problems] == [
        f"{path}:1: record is not closed (no 'ER  - ' before the next 'TY  - ' at line 3); "
        "skipped",
        f"{path}:6: record: no arXiv id in it; skipped",
        f"{path}:9: record is not closed (no 'ER  - ' before the end of the file); skipped"]
    assert (library.entries, library.bad, library.without_id) == (4, 2, 1)


def test_bibtex_entries_without_a_key_or_fields_are_counted(tmp_path):
    path = tmp_path / "lib.bib"
    path.write_text("@string{arx = \"arXiv\"}\n@misc{only_a_key}\n"
                    "@article{eprint = {2006.11239}}\n@preamble{\"x\"}\n")
    library = read_library(path)
    assert library.ids == [("2006.11239", None)]
    assert [str(p) for p in library.problems] == [
        f"{path}:2: entry only_a_key: no arXiv id in it; skipped"]
    assert library.entries == 2
