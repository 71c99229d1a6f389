"""A profile is known by its file name: a copied profile cannot pose as another, no
profile's verdicts or digests land under another's name, and a store whose verdicts were
misaligned by the old behaviour heals."""

import json
import shutil

import pytest

from arxiv_digest.errors import ConfigError
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile, load_profiles, parse_profile
from arxiv_digest.topics.relevance import NOT_RELEVANT, assess_many
from conftest import REPO, invoke

BUILTIN = REPO / "src/arxiv_digest/topics/profiles/diffusion.toml"
DAY = "2026-06-15"


def copy_builtin(home, stem, name_line=None):
    (home / "profiles").mkdir(parents=True, exist_ok=True)
    text = BUILTIN.read_text()
    if name_line is not None:
        text = text.replace('name = "diffusion"', name_line)
    (home / "profiles" / f"{stem}.toml").write_text(text)
    return home / "profiles" / f"{stem}.toml"


def name_line_number():
    return next(i for i, line in enumerate(BUILTIN.read_text().splitlines(), 1)
                if line.startswith("name ="))


def test_a_verbatim_copy_is_refused_with_the_line_to_change(home):
    path = copy_builtin(home, "mine")
    with pytest.raises(ConfigError) as caught:
        load_profile("mine", home)
    message = str(caught.value)
    assert message.startswith(f"{path}:{name_line_number()}: name = 'diffusion'")
    assert "set name = 'mine'" in message
    listed = invoke("profiles", home=home, check=False)
    assert listed.exit_code == 1
    assert "diffusion (default): Diffusion models" in listed.stdout   # the good part kept
    assert f"error: {path}:{name_line_number()}:" in listed.stderr
    assert "Traceback" not in listed.stderr


def test_a_renamed_copy_runs_under_its_file_name(home):
    copy_builtin(home, "mine", 'name = "mine"')
    assert load_profile("mine", home).name == "mine"
    copy_builtin(home, "nameless", "")                 # no name line: the file name
    assert load_profile("nameless", home).name == "nameless"
    loaded, broken = load_profiles(None, home)
    assert sorted(p.name for p in loaded) == ["diffusion", "mine", "nameless"] and not broken


def test_a_path_may_not_take_another_profiles_name_with_other_text(home, tmp_path):
    edited = tmp_path / "edited.toml"
    edited.write_text(BUILTIN.read_text().replace('"diffusion model*" = 3',
                                                  '"diffusion model*" = 1'))
    with pytest.raises(ConfigError, match=r"calls itself 'diffusion'.*whose text differs"):
        load_profile(str(edited), home)
    same = tmp_path / "same.toml"
    shutil.copy(BUILTIN, same)                        # the same text: the same profile
    assert load_profile(str(same), home).name == "diffusion"


def test_profiles_of_one_name_are_never_merged():
    profile = load_profile("diffusion")
    with pytest.raises(ValueError, match="share a name"):
        assess_many([], [profile, profile])


def test_run_all_profiles_with_a_copied_profile_writes_each_digest_once(home, day_file):
    copy_builtin(home, "mine")                                  # the clash
    copy_builtin(home, "other", 'name = "other"')
    out = invoke("run", "--input", day_file(DAY), "--all-profiles", home=home, check=False)
    assert out.exit_code == 1
    assert "mine.toml" in out.stderr and "could not be loaded" in out.stderr
    with Store(home / "arxiv-digest.db") as store:
        rows = store.conn.execute("SELECT profile FROM digests ORDER BY profile").fetchall()
    assert [r[0] for r in rows] == ["diffusion", "other"]
    ranked = json.loads(invoke("rank", "--profile", "other", "--json", home=home).stdout)
    assert ranked["profile"] == "other"


def test_a_store_with_misaligned_verdicts_heals(home, day_file):
    invoke("ingest", "--input", day_file(DAY), home=home)
    good = json.loads(invoke("rank", "--json", home=home).stdout)
    on_topic = {row["id"] for row in good["candidates"]}
    assert len(on_topic) > 10
    db = home / "arxiv-digest.db"
    with Store(db) as store:                          # what the old behaviour left behind
        with store.transaction():
            store.conn.execute("UPDATE relevance_cache SET tier = ?", (NOT_RELEVANT,))
            store.conn.execute("DELETE FROM schema_migrations WHERE name = ?",
                               ("0009_relevance_recheck",))
    healed = json.loads(invoke("rank", "--json", home=home).stdout)
    assert {row["id"] for row in healed["candidates"]} == on_topic


def test_a_bad_name_value_is_one_line():
    with pytest.raises(ConfigError, match=r"^x.toml:1: name must be a non-empty string"):
        parse_profile('name = 3\ncategories = ["cs.LG"]\n[relevance.topic]\n"a" = 1\n',
                      "x.toml")
