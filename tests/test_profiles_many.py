"""Several profiles in one pass: each profile's digest is what a run of that profile alone
writes (over the twenty shared days: test_twenty_days); a failing profile does not stop
the others."""

import json
from pathlib import Path

from arxiv_digest.config import load_settings
from arxiv_digest.pipeline import run_day, run_profiles
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from conftest import REPO
from arxiv_digest.pipeline import RunOptions

BUILTIN = REPO / "src" / "arxiv_digest" / "topics" / "profiles" / "diffusion.toml"


def second_profile(home: Path) -> None:
    (home / "profiles").mkdir(parents=True, exist_ok=True)
    text = BUILTIN.read_text().replace('name = "diffusion"', 'name = "flows"')
    (home / "profiles" / "flows.toml").write_text(text)


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.*"))}


def test_a_failing_profile_does_not_stop_the_others(day_file, tmp_path):
    settings = load_settings(tmp_path / "home")
    (settings.home / "profiles").mkdir(parents=True)
    narrow = BUILTIN.read_text().replace('name = "diffusion"', 'name = "narrow"').replace(
        "pass_score = ", "pass_score = 9999 # ", 1)
    (settings.home / "profiles" / "narrow.toml").write_text(narrow)
    profiles = [load_profile("narrow", settings.home), load_profile("diffusion", settings.home)]
    with Store(settings.db_path) as store:
        runs = run_profiles(settings, store, profiles,
                            options=RunOptions(inputs=(day_file("2026-06-24"),)))
    assert runs[0].result is None and "passed the narrow topic filter" in str(runs[0].error)
    assert runs[1].error is None and len(runs[1].result.digest.picks) == 5


def test_profiles_with_other_categories_and_phrases_share_the_pass(day_file, tmp_path):
    """A profile over cs.CV only, with one topic phrase fewer, beside the built-in one:
    each digest is what its own run writes (the window and verdicts are per set of
    categories and per phrase set)."""
    days = [day_file("2026-06-19"), day_file("2026-06-23")]
    text = BUILTIN.read_text().replace('name = "diffusion"', 'name = "vision"')
    text = text.replace('categories = ["cs.CV", "cs.LG"]', 'categories = ["cs.CV"]')
    assert 'categories = ["cs.CV"]' in text
    first = next(iter(load_profile().topic.weights))
    lines = text.splitlines()
    text = "\n".join(line for line in lines if not line.strip().startswith(f'"{first}"'))
    assert len(text.splitlines()) == len(lines) - 1
    alone, together = load_settings(tmp_path / "alone"), load_settings(tmp_path / "together")
    for settings in (alone, together):
        (settings.home / "profiles").mkdir(parents=True)
        (settings.home / "profiles" / "vision.toml").write_text(text)
    names = ["diffusion", "vision"]
    with Store(alone.db_path) as a, Store(together.db_path) as b:
        for path in days:
            for name in names:
                run_day(alone, a, load_profile(name, alone.home),
                        options=RunOptions(inputs=(path,)))
            runs = run_profiles(together, b, [load_profile(n, together.home) for n in names],
                                options=RunOptions(inputs=(path,)))
            assert [r.error for r in runs] == [None, None]
            assert runs[0].result.ranking.considered != runs[1].result.ranking.considered
    for folder in ("", "vision"):
        assert outputs(alone.home / "digests" / folder) == \
            outputs(together.home / "digests" / folder)
        assert outputs(together.home / "digests" / folder)


def test_several_profiles_with_out_write_each_into_its_own_folder(home, day_file, tmp_path):
    from conftest import invoke

    second_profile(home)
    out = tmp_path / "out"
    done = invoke("run", "--input", day_file("2026-06-15"), "--profile", "diffusion",
                  "--profile", "flows", "--out", out, home=home)
    for name in ("diffusion", "flows"):
        digest = json.loads((out / name / "2026-06-15.json").read_text())
        assert digest["profile"] == name and (out / name / "2026-06-15.md").is_file()
    assert not (home / "digests").exists()             # nothing where --out did not say
    assert str(out / "flows" / "2026-06-15.json") in done.stdout + done.stderr
