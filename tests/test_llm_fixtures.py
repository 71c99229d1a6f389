"""The LLM writer against faithful answers: for two shared days, the replies a careful
model gives from each request's data alone (tests/fixtures/llm), replayed on loopback.

A faithful reply must reach the reader as written — every pick's name, headline,
one-liner and area, every day-level field — with nothing dropped by the checks and no
offline text standing in; the day request must be built from the picks' verified text;
and one unfaithful field must fall back alone.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from arxiv_digest.pipeline import stages
from arxiv_digest.config import LLMSettings
from arxiv_digest.store import Store
from arxiv_digest.writers.llm import _sentences
from llm_replay import ReplayLLM, load, plan_for

DAYS = ["2026-06-23", "2026-06-24"]
MARKERS = re.compile(r"\s*\[\d+\]")
SAS = "2606.23567"          # "from 82.0% (best heuristic schedule) to 91.8%" in its abstract


def _bare(text: str) -> str:
    return MARKERS.sub("", text).strip()


def written(settings, day_file, day: str, edit=None):
    """The digest the LLM writer makes of ``day``'s fixture picks against the replayed
    answers (``edit`` may change them first), checked as a run checks it; with the
    server, the plan and the fixture."""
    fixture = load(day)
    server = ReplayLLM(day)
    if edit:
        edit(server.fixtures[day])
    server.start()
    try:
        llm = LLMSettings(base_url=server.url, api_key="test-key", model="test-model",
                          timeout=5.0, max_retries=0, concurrency=3)
        env = replace(settings, llm=llm)
        with Store(env.db_path) as store:
            plan = plan_for(env, store, day_file(day), ids=list(fixture["picks"]))
            digest, _ = stages.write(env, store, plan, "llm", None, None)
            stages.check(digest, plan)
    finally:
        server.stop()
    return digest, server, plan, fixture


@pytest.mark.parametrize("day", DAYS)
def test_faithful_answers_reach_the_reader_as_written(settings, day_file, day):
    digest, server, _, fixture = written(settings, day_file, day)
    report = digest.verification
    assert server.missing == []
    assert report.dropped == 0, report.details
    assert report.fallbacks == 0 and report.omitted == 0, report.details
    assert not any("offline text kept" in line for line in report.details)
    assert [p.id for p in digest.picks] == list(fixture["picks"])
    for pick in digest.picks:
        answer = fixture["picks"][pick.id]
        assert pick.short_name == answer["short_name"]
        assert pick.highlight in (answer["headline"], answer["headline"].rstrip("."))
        assert pick.one_line == answer["one_line"]
        assert pick.area == answer["area"]
    for field in ("dek", "reading_order", "synthesis"):
        assert _bare(getattr(digest, field)) == fixture["day_answer"][field], field


@pytest.mark.parametrize("day", DAYS)
def test_requests_ask_for_every_field_and_the_day_reads_the_verified_picks(
        settings, day_file, day):
    _, server, plan, fixture = written(settings, day_file, day)
    picks = [r["body"] for r in server.requests if r["kind"] == "pick"]
    days = [r["body"] for r in server.requests if r["kind"] == "day"]
    assert len(picks) == len(fixture["picks"]) and len(days) == 1
    for body in picks:
        required = body["response_format"]["json_schema"]["schema"]["required"]
        assert required[:4] == ["short_name", "headline", "one_line", "area"]
        asked = body["messages"][-1]["content"]
        assert all(f"{key} (" in asked for key in ("short_name", "headline", "one_line", "area"))
    request = days[0]["messages"][-1]["content"]
    assert fixture["named"] in request
    for answer in fixture["picks"].values():
        for key in ("core_contribution", "results"):
            assert any(s in request for s in _sentences(answer[key])), key
        assert f"short name: {answer['short_name']}" in request
    assert "what it does:" not in request and "key number:" not in request
    assert not any(c.paper.title in request for c in plan.picks)


def test_a_headline_turning_a_baseline_level_into_a_gain_falls_back_alone(settings, day_file):
    wrong = "82.0% higher accuracy"

    def edit(fixture):
        fixture["picks"][SAS]["headline"] = wrong

    digest, server, _, fixture = written(settings, day_file, "2026-06-23", edit)
    answer = fixture["picks"][SAS]
    pick = next(p for p in digest.picks if p.id == SAS)
    assert server.missing == []
    assert wrong not in pick.highlight and "82.0%" not in pick.highlight
    assert any(f"{wrong!r} not used" in line for line in digest.verification.details)
    assert pick.short_name == answer["short_name"] and pick.area == answer["area"]
    assert pick.one_line == answer["one_line"]
    for name in ("core_contribution", "key_insight", "results", "limits", "why_read"):
        assert _bare(pick.sections[name]) == answer[name], name
    assert digest.verification.fallbacks == 0
    assert not any("offline text kept" in line for line in digest.verification.details)
