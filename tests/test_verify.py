from datetime import date

from arxiv_digest.digest import Digest, Pick, Source
from arxiv_digest.models import Paper
from arxiv_digest.verify import facts, source_bank, verify, verify_text
from arxiv_digest.digest import Verification

PAPER = Paper(id="2606.10001", version=1, title="TurboSolve: Fast Sampling", authors=["A"],
              abstract="TurboSolve improves FID from 9.67 to 7.56 and is 2.5x faster, using 40% "
                       "less memory. This paper was accepted at NeurIPS 2026.",
              categories=["cs.LG"], comment="Accepted at ICML 2026")


def digest_with(**prose):
    pick = Pick(rank=1, id=PAPER.id, version=1, short_name="TurboSolve", title=PAPER.title,
                heading="Fast Sampling", named_heading=True, authors=["A"], categories=["cs.LG"],
                announce_type="new", code_url=None, peer_review="Accepted at ICML 2026",
                evidence_strength="strong", evidence_reason="", area="sampling", tier="core",
                score=0.9, source=1, abs_url="https://arxiv.org/abs/2606.10001v1")
    pick.sections.update(prose.pop("sections", {}))
    d = Digest(date=date(2026, 6, 10), profile="diffusion", topic="Diffusion models",
               noun="diffusion", writer="test",
               counts={"date": "2026-06-10", "categories": {"cs.LG": {"total": 9, "new": 7,
                       "cross": 2, "replace": 0}}, "union": {"total": 9, "new": 7, "cross": 2,
                       "replace": 0}, "topic_pool": 4},
               picks=[pick], sources=[Source(1, pick.abs_url, "a", "abstract"),
                                      Source(2, "https://arxiv.org/list/cs.LG/new", "l", "listing")],
               announced="x")
    for key, value in prose.items():
        setattr(d, key, value)
    return d


def bank(d):
    return source_bank(d, {PAPER.id: PAPER}, [])


def test_facts_ignore_dates_ids_markers_and_names():
    numbers, venues = facts("On June 10, 2026 at 20:00 (2026-06-10), 2606.10001v1 [3] and "
                            "GPT-4 in 3D reached 7.56 and 2.5\u00d7 with 40% at ICML 2026.")
    assert numbers == [("7.56", None), ("2.5", "\u00d7"), ("40", "%")]
    assert venues == ["ICML 2026"]


def test_located_facts_stay_and_fabrications_go():
    d = digest_with(sections={"results": "FID drops from 9.67 to 7.56 [1]. It is 3.5x faster "
                                          "[1]. Memory falls by 40% [1]. It beats 12 baselines."})
    verify(d, bank(d))
    assert d.picks[0].sections["results"] == ("FID drops from 9.67 to 7.56 [1]. Memory falls "
                                              "by 40% [1].")
    assert d.verification.dropped == 2 and d.verification.numbers == 3
    assert any("3.5" in line for line in d.verification.details)
    assert any("without a source marker" in line for line in d.verification.details)


def test_units_must_match():
    d = digest_with(sections={"results": "It uses 2.5% of the memory [1]."})
    verify(d, bank(d))
    assert d.verification.dropped == 1


def test_venue_must_come_from_the_comment_not_the_abstract():
    d = digest_with(dek="TurboSolve is an ICML 2026 paper [1]. It is also a NeurIPS 2026 paper [1].")
    verify(d, bank(d))
    assert d.dek == "TurboSolve is an ICML 2026 paper [1]."
    assert d.verification.venues == 1 and d.verification.dropped == 1


def test_brief_counts_come_from_the_listing():
    d = digest_with(brief="cs.LG listed 9 papers (7 new, 2 cross-lists) [2]. 4 passed [2]. "
                          "11 were replacements [2].")
    verify(d, bank(d))
    assert d.brief == "cs.LG listed 9 papers (7 new, 2 cross-lists) [2]. 4 passed [2]."


def test_each_marker_backs_its_own_segment():
    report = Verification()
    text = "Also: A (FID 9.67) [1], B (FID 7.56) [2]."
    assert verify_text(text, bank(digest_with()), "dek", report) == ""
    assert report.dropped == 1


def test_a_section_emptied_by_verification_is_left_out():
    d = digest_with(sections={"key_insight": "It is 99x faster [1]."})
    verify(d, bank(d))
    assert d.picks[0].sections["key_insight"] == ""             # no stock line instead
    assert d.verification.omitted == 1 and d.verification.fallbacks == 0
    assert any("key_insight: left out" in line for line in d.verification.details)


def test_highlight_is_checked_against_its_paper():
    d = digest_with()
    d.picks[0].highlight = "FID 1.23"
    verify(d, bank(d))
    assert d.picks[0].highlight == ""          # no number rather than a wrong one, never the title


def test_a_quoted_sentence_ending_in_a_full_width_stop_keeps_its_marker_inside():
    from arxiv_digest.writers.sections import with_marker

    quoted = with_marker("该方法将 FID 从 9.67 降到 7.56。", 1)
    assert quoted == "该方法将 FID 从 9.67 降到 7.56 [1]。"
    report = Verification()
    assert verify_text(quoted, bank(digest_with()), "results", report) == quoted
    assert report.dropped == 0 and report.numbers == 2
