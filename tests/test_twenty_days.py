"""The twenty shared days, run offline in date order, each with the earlier ones as its
history, as a daily user has them — once, for every test here:

- the offline digest read as a reader reads it: no stock line, no template, no sentence
  that leans on one not shown, no list cut after its first item, no name printed twice, a
  one-line contribution for every pick, and a top of the page that never contradicts the
  body;
- byte for byte what several profiles in one pass write, and what the recorded hashes say.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from arxiv_digest.config import load_settings
from arxiv_digest.digest import SECTION_NAMES, Digest, Verification
from arxiv_digest.render import render_json
from arxiv_digest.text.roles import classify, leans_back
from arxiv_digest.verify import facts, source_bank, verify
from arxiv_digest.writers.prose import third_person
from arxiv_digest.pipeline import RunOptions, run_day, run_profiles
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import REPO
from test_profiles_many import outputs, second_profile

# Lines the offline writer once printed where it had nothing to say: anywhere, and in the
# lines it writes itself (why-read, limits, evidence, dek, reading order).
STOCK = ("The mechanism is in the sentences quoted above", "The abstract states no limitation",
         "The abstract reports no quantitative result", "could not be verified",
         "The abstract's numbers are quoted above", "The abstract does not spell out")
OWN_STOCK = ("takes up \u201c", "work on ", "readers following", "anyone working on",
             "no code link at announcement", "not peer reviewed", "worth opening for")
ORDINALS = ("First", "Second", "Third", "Finally")


@dataclass
class TwentyDays:
    runs: list            # (day, the run's result) in date order
    digests: Path         # the folder the runs wrote their outputs into


@pytest.fixture(scope="module")
def twenty_days(shared, tmp_path_factory) -> TwentyDays:
    settings = load_settings(tmp_path_factory.mktemp("twenty-days"))
    with Store(settings.db_path) as store:
        runs = [(path.stem, run_day(settings, store, load_profile(),
                                    options=RunOptions(inputs=(path,))))
                for path in sorted((shared / "data" / "arxiv").glob("*.jsonl"))]
    return TwentyDays(runs, settings.home / "digests")


@pytest.fixture
def days(twenty_days):
    return twenty_days.runs


def shown(pick) -> list[str]:
    """The abstract sentences a pick's body quotes, as the body prints them."""
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(pick.sections.values())) if s]


def test_no_stock_line_no_template_no_boilerplate(days):
    for day, result in days:
        digest = result.digest
        assert len(digest.picks) == 5 and digest.dek and digest.brief and digest.reading_order
        for pick in digest.picks:
            text = " ".join([*pick.sections.values(), pick.one_line, pick.highlight])
            for line in STOCK:
                assert line not in text, (day, pick.id, line)
            own = " ".join([pick.sections["why_read"], pick.evidence_reason, digest.dek,
                            digest.reading_order, digest.synthesis] + [
                                p for p in re.split(r"(?<=\.)\s", pick.sections["limits"])
                                if "\u201c" not in p])
            for line in OWN_STOCK:
                assert line not in own, (day, pick.id, line)
            assert pick.sections["core_contribution"], (day, pick.id)
        limits = [p.sections["limits"] for p in digest.picks if p.sections["limits"]]
        assert len(limits) == len(set(limits)), (day, limits)      # none on two picks
        whys = [re.sub(re.escape(p.short_name), "X", p.sections["why_read"])
                for p in digest.picks]
        assert len(set(whys)) == len(whys), (day, whys)           # each its own reasons


def test_every_opening_follows_what_it_points_to(days):
    """A section that opens on "This …" sits right after the sentence it points to."""
    for day, result in days:
        for pick, candidate in zip(result.digest.picks, result.selection.picks):
            abstract = [s.text for s in classify(candidate.paper)]
            previous = None
            for name in ("core_contribution", "key_insight", "results"):
                text = pick.sections[name]
                if not text:
                    continue
                first = next(k for k, s in enumerate(abstract)
                             if third_person(s, pick.short_name)[:50] in text)
                if leans_back(abstract[first]):
                    assert previous == first - 1, (day, pick.id, name, abstract[first])
                previous = max(k for k, s in enumerate(abstract)
                               if third_person(s, pick.short_name)[:50] in text)


def test_no_list_cut_after_its_first_item_and_no_name_twice(days):
    for day, result in days:
        for pick, candidate in zip(result.digest.picks, result.selection.picks):
            abstract = [s.text for s in classify(candidate.paper)]
            body = " ".join(pick.sections.values())
            items = [k for k, s in enumerate(abstract) if s.startswith(ORDINALS)]
            said = [k for k in items if third_person(abstract[k], pick.short_name)[:50] in body]
            if said:
                later = [k for k in items if k > said[0]]
                assert all(third_person(abstract[k], pick.short_name)[:50] in body
                           for k in later), (day, pick.id)
            name = re.escape(pick.short_name)
            assert not re.search(rf"{name},?\s+\(?{name}\b", body), (day, pick.id)
            line = pick.one_line
            assert line.endswith(".") and not re.search(
                r"\b(?:a|an|the|of|to|and|or|with|while|which|that|for|by|only)\.$", line), \
                (day, pick.id, line)
            assert 20 <= len(line) <= 260, (day, pick.id, line)
            assert "?" not in line, (day, pick.id, line)     # it states, never asks
            assert not re.search(r"\b(?:this|these|those|such)\s+(?!paper|work|study)[a-z]",
                                 line.split(",")[0], re.I), (day, pick.id, line)  # stands alone


def test_the_top_of_the_page_never_contradicts_the_body(days):
    for day, result in days:
        digest = result.digest
        for pick in digest.picks:
            results = pick.sections["results"]
            if pick.highlight:
                number = re.search(r"[\d.]+", pick.highlight).group(0)
                assert number in results, (day, pick.id, pick.highlight)
                assert f"{pick.short_name} {pick.highlight}" in digest.headline
            body_numbers = facts(" ".join(pick.sections[n] for n in SECTION_NAMES[:3]))[0]
            if pick.evidence_reason.startswith("no number"):
                assert not body_numbers, (day, pick.id)
            if pick.highlight:
                assert pick.evidence_strength != "thin", (day, pick.id)
        strip = [part for part in digest.headline.split(" \u00b7 ") if part]
        assert len(strip) == sum(1 for p in digest.picks if p.highlight), day


def test_every_digest_verifies_again_and_the_check_has_teeth(days):
    for day, result in days:
        digest = result.digest
        candidates = result.ranking.candidates
        bank = source_bank(digest, {c.paper.id: c.paper for c in candidates}, [
            sum(1 for c in candidates if c.relevance.tier == "core"),
            sum(1 for c in candidates if c.relevance.tier != "core"),
            sum(1 for c in candidates if c.news)])
        assert digest.verification.dropped == 0, (day, digest.verification.details[:3])
        fresh = Digest.from_json(digest.to_json())
        fresh.verification = Verification()
        again = verify(fresh, bank)
        assert again.verification.dropped == 0 and render_json(again) == render_json(digest)
        bare = Digest.from_json(digest.to_json())
        bare.verification = Verification()
        assert verify(bare, {}).verification.dropped > 0, day
        counts = dict(digest.counts)
        counts.pop("topic_pool")
        assert counts == result.ranking.counts


def test_one_pass_writes_what_each_profile_alone_writes(shared, tmp_path, twenty_days):
    days = sorted((shared / "data" / "arxiv").glob("*.jsonl"))
    together = load_settings(tmp_path / "together")
    second_profile(together.home)
    profiles = [load_profile("diffusion", together.home), load_profile("flows", together.home)]
    with Store(together.db_path) as store:
        for path in days:
            runs = run_profiles(together, store, profiles, options=RunOptions(inputs=(path,)))
            assert [r.error for r in runs] == [None, None], path.name
    alone = outputs(twenty_days.digests)              # the built-in profile run alone
    assert len(alone) == 3 * len(days)
    assert alone == outputs(together.home / "digests")
    # And byte for byte what the single-profile run wrote before any of the many-profile
    # machinery existed (the digests' SHA-256, recorded then).
    snapshot = REPO / "tests" / "snapshots" / "digests-sha256.json"
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in alone.items()}
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":      # after a deliberate change of the text
        snapshot.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    assert hashes == json.loads(snapshot.read_text())
    assert len(outputs(together.home / "digests" / "flows")) == 3 * len(days)
