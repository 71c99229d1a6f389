"""What makes many profiles cheap keeps every answer the same: the TF-IDF index builds the
vectorizer's matrix entry for entry, one pass over all profiles' phrases gives each
profile's own verdicts, and verdicts kept at ingest are the ones a ranking would compute
(and are forgotten once their papers leave every window)."""

from __future__ import annotations

import json
from datetime import date

import numpy
from sklearn.feature_extraction.text import TfidfVectorizer

from arxiv_digest.config import load_settings
from arxiv_digest.pipeline.ingest import ingest_file
from arxiv_digest.pipeline.stages import judged
from arxiv_digest.signals.novelty import document
from arxiv_digest.sources.jsonl import paper_from_record
from arxiv_digest.store import Store
from arxiv_digest.text.textindex import TextIndex
from arxiv_digest.topics import load_profile, parse_profile
from arxiv_digest.topics.relevance import assess, assess_many
from arxiv_digest.topics.verdicts import relevance_tiers
from conftest import REPO

BUILTIN = REPO / "src" / "arxiv_digest" / "topics" / "profiles" / "diffusion.toml"


def papers_of(path):
    return [paper_from_record(json.loads(line))[0] for line in path.read_text().splitlines()]


def same_matrix(a, b) -> bool:
    return (a.shape == b.shape and numpy.array_equal(a.indptr, b.indptr)
            and numpy.array_equal(a.indices, b.indices) and numpy.array_equal(a.data, b.data))


def test_the_index_builds_the_vectorizers_matrix_entry_for_entry(day_file):
    papers = papers_of(day_file("2026-06-23")) + papers_of(day_file("2026-06-24"))
    index = TextIndex(document)
    # Papers met in different orders and sets, some analysed before, the vocabulary cut
    # (more than 60,000 terms) and not cut.
    for chosen in (papers[:40], papers[300:], papers, papers[::-1][:700], papers[10:12]):
        fitted = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2),
                                 max_features=60000, dtype=numpy.float32)
        expected = fitted.fit_transform([document(p) for p in chosen])
        assert same_matrix(index.tfidf(chosen), expected), len(chosen)
    unigrams = TextIndex(document, ngrams=1, max_features=300)
    expected = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_features=300,
                               dtype=numpy.float32).fit_transform([document(p) for p in papers])
    assert same_matrix(unigrams.tfidf(papers), expected)


def variant(name: str, drop: str) -> object:
    """The built-in profile under another name, one topic phrase fewer."""
    text = BUILTIN.read_text().replace('name = "diffusion"', f'name = "{name}"')
    lines = [line for line in text.splitlines() if not line.strip().startswith(f'"{drop}"')]
    assert len(lines) < len(text.splitlines()), drop
    return parse_profile("\n".join(lines), name)


def test_one_pass_over_all_profiles_gives_each_its_own_verdicts(day_file):
    papers = papers_of(day_file("2026-06-25"))
    builtin = load_profile()
    phrase = next(iter(builtin.topic.weights))
    copy = parse_profile(BUILTIN.read_text().replace('name = "diffusion"', 'name = "copy"'),
                         "copy")
    # Same phrases, one weighed differently: matched together, judged apart.
    line = next(x for x in BUILTIN.read_text().splitlines() if x.startswith(f'"{phrase}"'))
    heavier = parse_profile(BUILTIN.read_text().replace('name = "diffusion"', 'name = "heavier"')
                            .replace(line, f'"{phrase}" = 0.5', 1), "heavier")
    profiles = [builtin, variant("narrower", phrase), copy, heavier]
    together = assess_many(papers, profiles)
    for profile in profiles:
        alone = [assess(p, profile) for p in papers]
        assert together[profile.name] == alone, profile.name
    # The other profiles really differ somewhere, so the comparison can fail.
    assert together["narrower"] != together["diffusion"]
    assert together["heavier"] != together["diffusion"]


def listing_file(tmp_path, day: date, source, lines: int):
    path = tmp_path / f"{day.isoformat()}.jsonl"
    path.write_text("".join(source.read_text().splitlines(keepends=True)[:lines]))
    return path


def test_verdicts_are_kept_at_ingest_for_every_profile_and_pruned(day_file, tmp_path):
    settings = load_settings(tmp_path / "home")
    (settings.home / "profiles").mkdir(parents=True)
    (settings.home / "profiles" / "copy.toml").write_text(
        BUILTIN.read_text().replace('name = "diffusion"', 'name = "copy"'))
    profiles = [load_profile("diffusion", settings.home), load_profile("copy", settings.home)]
    with Store(settings.db_path) as store:
        report = judged(settings, store, [ingest_file(settings, store,
                                                      day_file("2026-06-23"))])[0]
        rows = dict(store.conn.execute(
            "SELECT profile, count(*) FROM relevance_cache GROUP BY profile").fetchall())
        assert rows == {"diffusion": report.papers, "copy": report.papers}
        listed = store.load_listing(report.date, settings.categories).papers()
        kept = relevance_tiers(store, profiles, listed)
        for profile in profiles:
            assert kept[profile.name] == {p.id: assess(p, profile).tier for p in listed}
        # A day 150 days later: the June papers have left every window.
        later = listing_file(tmp_path, date(2026, 11, 20), day_file("2026-07-01"), 30)
        judged(settings, store, [ingest_file(settings, store, later)])
        left = store.conn.execute(
            "SELECT count(*) FROM relevance_cache r JOIN listing_entries e ON "
            "r.paper_id = e.paper_id WHERE e.date = '2026-06-23' AND r.paper_id NOT IN "
            "(SELECT paper_id FROM listing_entries WHERE date = '2026-11-20')").fetchone()[0]
        assert left == 0
        assert store.conn.execute("SELECT count(*) FROM relevance_cache").fetchone()[0] > 0


def test_an_edited_profile_is_assessed_again_and_partial_verdicts_are_completed(
        day_file, tmp_path):
    settings = load_settings(tmp_path / "home")
    with Store(settings.db_path) as store:
        report = ingest_file(settings, store, day_file("2026-06-24"))
        listed = store.load_listing(report.date, settings.categories).papers()
        builtin = load_profile()
        store.conn.execute("DELETE FROM relevance_cache WHERE rowid % 3 = 0")
        completed = relevance_tiers(store, [builtin], listed)[builtin.name]
        assert completed == {p.id: assess(p, builtin).tier for p in listed}
        edited = variant("diffusion", next(iter(builtin.topic.weights)))
        assert edited.fingerprint != builtin.fingerprint
        again = relevance_tiers(store, [edited], listed)[edited.name]
        assert again == {p.id: assess(p, edited).tier for p in listed}
        stored = dict(store.conn.execute(
            "SELECT fingerprint, count(*) FROM relevance_cache GROUP BY fingerprint"))
        assert stored == {edited.fingerprint: len(listed)}
