from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from arxiv_digest.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


def find_shared() -> Path | None:
    override = os.environ.get("ARXIV_DIGEST_SHARED")
    candidate = Path(override) if override else REPO.parent / "shared"
    return candidate if (candidate / "data" / "arxiv").is_dir() else None


@pytest.fixture(autouse=True, scope="module")
def forget_what_the_process_remembers():
    """Each test module starts with the process's caches empty (roles, bindings, facts,
    the TF-IDF indexes …), so no module passes or fails by what another computed (the
    caches are keyed by the text they read, so tests within a module may share them)."""
    from arxiv_digest import memo

    memo.clear()
    yield


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data directory; skipped when absent, except under CI=true."""
    found = find_shared()
    if found is None:
        message = ("shared data not found: set ARXIV_DIGEST_SHARED or place the shared "
                   "folder beside the repository (../shared)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — required under CI=true")
        pytest.skip(message)
    return found


@pytest.fixture
def day_file(shared):
    def get(day: str) -> Path:
        return shared / "data" / "arxiv" / f"{day}.jsonl"
    return get


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("ARXIV_DIGEST_HOME", str(path))
    for var in ("ARXIV_DIGEST_CATEGORIES", "ARXIV_DIGEST_FEED_URL", "ARXIV_DIGEST_API_URL"):
        monkeypatch.delenv(var, raising=False)
    return path


@pytest.fixture
def settings(home) -> Settings:
    return load_settings(home)


class FakeClock:
    """Monotonic clock + sleep that advance instantly and record every wait."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@dataclass
class Outcome:
    """What one command did: its exit code and its two streams."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def returncode(self) -> int:          # read as a finished process is
        return self.exit_code


def invoke(*args, home: Path, check: bool = True, input: str | None = None,
           env: dict[str, str] | None = None) -> Outcome:
    """Run the command line in this process (``main``, with its error handling), its
    streams captured apart; ``check`` fails the test on a non-zero exit."""
    from click.testing import CliRunner

    from arxiv_digest.cli import main

    overrides = {"ARXIV_DIGEST_HOME": str(home), **(env or {})}
    with CliRunner().isolation(input=input, env=overrides) as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        outcome = Outcome(code, out.getvalue().decode(), err.getvalue().decode())
    if check and code != 0:
        raise AssertionError(f"exit {code}: {outcome.stderr}")
    return outcome


def run(*args, home: Path, check: bool = True, env: dict[str, str] | None = None,
        input: str | None = None) -> Outcome:
    """A command, in this process (as ``invoke``), read like a finished process:
    ``returncode``, ``stdout``, ``stderr``; ``check`` fails the test on a non-zero exit.
    Tests that need a real process (exit on a signal, a second process holding a lock,
    plugins on another path) start one themselves."""
    return invoke(*args, home=home, check=check, env=env, input=input)


def run_options(**chosen):
    """``options=`` and ``services=`` for ``run_day`` from keyword arguments of either
    (tests that pass a few through a helper)."""
    from dataclasses import fields

    from arxiv_digest.pipeline import RunOptions, Services

    names = {f.name for f in fields(RunOptions)}
    wanted = {k: tuple(v) if k in ("inputs", "languages") else v
              for k, v in chosen.items() if k in names}
    return {"options": RunOptions(**wanted),
            "services": Services(**{k: v for k, v in chosen.items() if k not in names})}
