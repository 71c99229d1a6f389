import sqlite3
from datetime import date

import pytest

from arxiv_digest.errors import StoreError
from arxiv_digest.models import Listing, ListingEntry, Paper
from arxiv_digest.store import MIGRATIONS, Store

DAY = date(2026, 5, 19)


def paper(n, version=1, comment=None, cats=("cs.CV",)):
    return Paper(id=f"2605.{n:05d}", version=version, title=f"Title {n}", authors=["A"],
                 abstract="Abstract.", categories=list(cats), comment=comment)


def listing(day, *entries):
    result = Listing(date=day, categories=["cs.CV", "cs.LG"])
    for category, announce, p in entries:
        result.entries.append(ListingEntry(day, category, announce, p))
    return result


def dump(store):
    tables = ["papers", "paper_versions", "listings", "listing_entries", "schema_migrations"]
    return {t: sorted(tuple(r) for r in store.conn.execute(f"SELECT * FROM {t}")) for t in tables}


def test_migrations_are_recorded_and_wal_is_on(tmp_path):
    with Store(tmp_path / "db.sqlite") as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(tmp_path / "db.sqlite") as store:   # reopening applies nothing
        assert store.migrate() == []


def test_database_from_a_newer_version_is_refused(tmp_path):
    Store(tmp_path / "db.sqlite").close()
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    conn.execute("INSERT INTO schema_migrations VALUES ('9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer arxiv-digest"):
        Store(tmp_path / "db.sqlite")


def test_saving_twice_changes_nothing(tmp_path):
    day = listing(DAY, ("cs.CV", "new", paper(1, cats=("cs.CV", "cs.LG"))),
                  ("cs.LG", "cross", paper(1, cats=("cs.CV", "cs.LG"))),
                  ("cs.CV", "new", paper(2)))
    with Store(tmp_path / "db.sqlite") as store:
        first = store.save_listing(day, "test")
        assert first.changed and first.new_versions == 2
        before = dump(store)
        again = store.save_listing(day, "test")
        assert not again.changed
        assert dump(store) == before
        loaded = store.load_listing(DAY, ["cs.CV", "cs.LG"])
        assert loaded.counts_json() == day.counts_json()


def test_new_version_updates_the_paper_and_keeps_the_old_record(tmp_path):
    with Store(tmp_path / "db.sqlite") as store:
        store.save_listing(listing(DAY, ("cs.CV", "new", paper(1, comment="10 pages"))), "a")
        later = date(2026, 6, 16)
        store.save_listing(listing(later, ("cs.CV", "replace",
                                           paper(1, 2, comment="Accepted to ECCV 2026"))), "b")
        assert store.paper("2605.00001").version == 2
        assert store.paper("2605.00001").comment == "Accepted to ECCV 2026"
        versions = store.versions("2605.00001")
        assert [(v.version, v.comment) for v in versions] == [(1, "10 pages"),
                                                              (2, "Accepted to ECCV 2026")]
        # The first day still reads back as announced: version 1 with its comment.
        first_day = store.load_listing(DAY, ["cs.CV"])
        assert first_day.entries[0].paper.comment == "10 pages"
        # Replaying the older day again does not roll the paper back.
        store.save_listing(listing(DAY, ("cs.CV", "new", paper(1, comment="10 pages"))), "a")
        assert store.paper("2605.00001").version == 2


def test_replacement_without_version_is_resolved(tmp_path):
    with Store(tmp_path / "db.sqlite") as store:
        store.save_listing(listing(DAY, ("cs.CV", "new", paper(1, comment="x"))), "a")
        store.save_listing(listing(date(2026, 6, 1), ("cs.CV", "replace",
                                                      paper(1, 0, comment="Accepted"))), "b")
        assert store.paper("2605.00001").version == 2
        store.save_listing(listing(date(2026, 6, 1), ("cs.CV", "replace",
                                                      paper(1, 0, comment="Accepted"))), "b")
        assert [v.version for v in store.versions("2605.00001")] == [1, 2]
        store.save_listing(listing(date(2026, 6, 2), ("cs.CV", "replace", paper(7, 0))), "c")
        assert store.paper("2605.00007").version == 2


def test_a_failed_save_leaves_the_store_unchanged(tmp_path):
    with Store(tmp_path / "db.sqlite") as store:
        store.save_listing(listing(DAY, ("cs.CV", "new", paper(1))), "a")
        before = dump(store)
        broken = listing(date(2026, 5, 20), ("cs.CV", "new", paper(2)),
                         ("cs.CV", "bogus-type", paper(3)))   # violates the CHECK constraint
        with pytest.raises(StoreError, match="CHECK constraint failed.*nothing was changed"):
            store.save_listing(broken, "b")
        assert dump(store) == before


def test_a_changed_day_keeps_its_stored_category_and_adds_a_new_one(tmp_path):
    with Store(tmp_path / "db.sqlite") as store:
        store.save_listing(listing(DAY, ("cs.CV", "new", paper(1)), ("cs.LG", "new", paper(2))), "a")
        before = dump(store)
        result = store.save_listing(listing(DAY, ("cs.CV", "new", paper(1)),
                                            ("cs.CV", "new", paper(3)),
                                            ("cs.LG", "new", paper(2))), "b")
        assert result.categories_written == [] and [k.category for k in result.kept] == ["cs.CV"]
        assert (result.kept[0].stored, result.kept[0].offered, result.kept[0].origin) == (1, 2, "a")
        assert dump(store) == before and store.paper("2605.00003") is None
        added = store.save_listing(listing(DAY, ("stat.ML", "new", paper(4))), "c")
        assert added.categories_written == ["stat.ML"] and not added.kept
        assert store.load_listing(DAY, ["cs.CV", "cs.LG", "stat.ML"]).counts_json()[
            "union"]["total"] == 3
        assert store.listing_dates() == [DAY]


def test_reingesting_an_older_day_does_not_invent_a_version(tmp_path):
    day_a, day_b = date(2026, 6, 1), date(2026, 6, 8)
    with Store(tmp_path / "db.sqlite") as store:
        store.save_listing(listing(day_a, ("cs.CV", "replace", paper(1, 0, comment="one"))), "a")
        store.save_listing(listing(day_b, ("cs.CV", "replace", paper(1, 0, comment="two"))), "b")
        before = dump(store)
        store.save_listing(listing(day_a, ("cs.CV", "replace", paper(1, 0, comment="one"))), "a")
        assert dump(store) == before
        assert [v.version for v in store.versions("2605.00001")] == [2, 3]
